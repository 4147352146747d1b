"""Test oracle for the translation tests: the reference's libraries on our generated inputs.

Reads JSON Lines requests on stdin, writes one JSON line per request on stdout:
  {"op": "bleu", "hyps": [...], "refs": [...], "lang": ""}  -> {"score", "stats", "tokens"}
      sacrebleu.BLEU(trg_lang=lang).corpus_score(hyps, [refs]); stats are sacreBLEU's summed
      [sys_len, ref_len, correct1..4, total1..4]; tokens the 13a tokenization of each hypothesis.
  {"op": "nagisa", "texts": [...]}  -> {"words": [[...], ...]}   nagisa.Tagger().wakati
  {"op": "janome", "texts": [...]}  -> {"words": [[...], ...]}   Tokenizer(wakati=True)
"""
import json
import sys

import sacrebleu
from sacrebleu.metrics.bleu import BLEU

_tagger = None
_janome = None

for line in sys.stdin:
    req = json.loads(line)
    op = req["op"]
    if op == "bleu":
        bleu = BLEU(trg_lang=req.get("lang", ""))
        score = bleu.corpus_score(req["hyps"], [req["refs"]])
        stats = bleu._extract_corpus_statistics(req["hyps"], [req["refs"]])
        summed = [sum(col) for col in zip(*stats)] if stats else [0] * 10
        tokens = [bleu._preprocess_segment(h) for h in req["hyps"]]
        out = {"score": float(score.score), "stats": [int(x) for x in summed], "tokens": tokens}
    elif op == "nagisa":
        if _tagger is None:
            import nagisa
            _tagger = nagisa.Tagger()
        out = {"words": [_tagger.wakati(t) for t in req["texts"]]}
    elif op == "janome":
        if _janome is None:
            from janome.tokenizer import Tokenizer
            _janome = Tokenizer(wakati=True)
        out = {"words": [list(_janome.tokenize(t)) for t in req["texts"]]}
    else:
        raise SystemExit(f"oracle: unknown op {op!r}")
    sys.stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
    sys.stdout.flush()
