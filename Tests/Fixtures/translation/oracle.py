"""Test oracle for the translation tests: the reference's libraries on our generated inputs.

Reads JSON Lines requests on stdin, writes one JSON line per request on stdout:
  {"op": "bleu", "hyps": [...], "refs": [...], "lang": "", "segment": null}  -> {"score", "stats", "tokens"}
      sacrebleu.BLEU(trg_lang=lang).corpus_score(hyps, [refs]); stats are sacreBLEU's summed
      [sys_len, ref_len, correct1..4, total1..4]; tokens the 13a tokenization of each hypothesis.
      With "segment": "janome" or "nagisa", both sides are first segmented and re-joined with
      spaces, as the reference's JapaneseTranslationPreparator does.
  {"op": "nagisa", "texts": [...]}  -> {"words": [[...], ...]}   nagisa.Tagger().wakati
  {"op": "janome", "texts": [...]}  -> {"words": [[...], ...]}   Tokenizer(wakati=True)
  {"op": "extract", "prefix": "日本語:", "texts": [...]}  -> {"found": [content or null, ...]}
      the content group of the last re.finditer match of the reference's prefixed-line pattern
"""
import json
import re
import sys

import sacrebleu
from sacrebleu.metrics.bleu import BLEU

_segmenters = {}


def words_of(name):
    """The segmenter's word list function, loaded once."""
    if name not in _segmenters:
        if name == "nagisa":
            import nagisa
            _segmenters[name] = nagisa.Tagger().wakati
        elif name == "janome":
            from janome.tokenizer import Tokenizer
            tokenizer = Tokenizer(wakati=True)
            _segmenters[name] = lambda t: list(tokenizer.tokenize(t))
        else:
            raise SystemExit(f"oracle: unknown segmenter {name!r}")
    return _segmenters[name]

for line in sys.stdin:
    req = json.loads(line)
    op = req["op"]
    if op == "bleu":
        segment = req.get("segment")
        if segment is not None:
            words = words_of(segment)
            req["hyps"] = [" ".join(words(t)) for t in req["hyps"]]
            req["refs"] = [" ".join(words(t)) for t in req["refs"]]
        bleu = BLEU(trg_lang=req.get("lang", ""))
        score = bleu.corpus_score(req["hyps"], [req["refs"]])
        stats = bleu._extract_corpus_statistics(req["hyps"], [req["refs"]])
        summed = [sum(col) for col in zip(*stats)] if stats else [0] * 10
        tokens = [bleu._preprocess_segment(h) for h in req["hyps"]]
        out = {"score": float(score.score), "stats": [int(x) for x in summed], "tokens": tokens}
    elif op in ("nagisa", "janome"):
        words = words_of(op)
        out = {"words": [words(t) for t in req["texts"]]}
    elif op == "extract":
        pattern = re.compile(rf"(?m)^\s*{re.escape(req['prefix'])}\s*(?P<content>[^\n\r]*)")
        found = []
        for t in req["texts"]:
            matches = list(pattern.finditer(t))
            found.append(matches[-1].group("content") if matches else None)
        out = {"found": found}
    else:
        raise SystemExit(f"oracle: unknown op {op!r}")
    sys.stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
    sys.stdout.flush()
