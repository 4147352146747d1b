"""The reference's WMT20 en→ja scoring path, for Tests/Bench/bleu.sh: per record the last
`日本語:` line of the answer (an empty string when there is none), the hypothesis and the
reference segmented by SEGMENTER (janome: Tokenizer(wakati=True); nagisa: Tagger().wakati) and
joined with spaces, then sacreBLEU 2.5.1's BLEU(trg_lang="").corpus_score, as the reference's
JapaneseTranslationPreparator and CorpusLevelTranslationMetric do. Usage: bleu_reference.py
SEGMENTER < answers.jsonl; prints the corpus BLEU on stdout and the seconds spent scoring on stderr, wall-clock then CPU
(imports and the segmenter's construction, which the reference does at import time, excluded)."""
import json
import re
import sys
import time

from sacrebleu.metrics.bleu import BLEU

segmenter = sys.argv[1]
if segmenter == "janome":
    from janome.tokenizer import Tokenizer

    tokenizer = Tokenizer(wakati=True)

    def words(text):
        return list(tokenizer.tokenize(text))
elif segmenter == "nagisa":
    import nagisa

    words = nagisa.Tagger().wakati
else:
    sys.exit(f"bleu_reference.py: unknown segmenter {segmenter!r}")

prefix = re.compile(r"(?m)^\s*" + re.escape("日本語:") + r"\s*(?P<content>[^\n\r]*)", re.UNICODE)
records = [json.loads(line) for line in sys.stdin]
start, cpu = time.perf_counter(), time.process_time()
hyps, refs = [], []
for r in records:
    found = [(m.group("content"), m.start(), m.end()) for m in prefix.finditer(r["responses"][0]["answer"])]
    hyp = sorted(found, key=lambda x: (x[2], -x[1]))[-1][0] if found else ""
    hyps.append(" ".join(words(hyp)))
    refs.append(" ".join(words(r["target"]["golds"][0])))
score = BLEU(trg_lang="").corpus_score(hypotheses=hyps, references=[refs]).score
wall, cpu = time.perf_counter() - start, time.process_time() - cpu
print(repr(float(score)))
print(f"{wall:.3f} {cpu:.3f}", file=sys.stderr)
