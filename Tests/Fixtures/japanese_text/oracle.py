"""Test oracle for JapaneseText (run by the tests with ORACLE_PYTHON; see Tests/oracle-requirements.txt).

Reads JSON lines {"text": ...}; writes one JSON line per text:
  segments: ja_sentence_segmenter 0.0.2's pipeline exactly as M-IFEval-Ja's count_sentences builds it;
  detect:   langdetect 1.0.9's detect() with DetectorFactory.seed = 0, as the reference calls it
            (None when it raises LangDetectException);
  probs:    detect_langs() from a factory that loads the same profiles in sorted order (the order of
            our table), [[lang, prob], ...], for a bit-exact comparison of the random walk.
"""
import functools
import json
import os
import sys

import langdetect
from langdetect import DetectorFactory
from langdetect.detector_factory import PROFILES_DIRECTORY
from langdetect.utils.lang_profile import LangProfile
from ja_sentence_segmenter.common.pipeline import make_pipeline
from ja_sentence_segmenter.concatenate.simple_concatenator import concatenate_matching
from ja_sentence_segmenter.normalize.neologd_normalizer import normalize
from ja_sentence_segmenter.split.simple_splitter import split_newline, split_punctuation

DetectorFactory.seed = 0
segmenter = make_pipeline(
    normalize,
    split_newline,
    functools.partial(concatenate_matching, former_matching_rule=r"^(?P<result>.+)(の)$", remove_former_matched=False),
    functools.partial(split_punctuation, punctuations=r"。!?"),
)

names = sorted(n for n in os.listdir(PROFILES_DIRECTORY) if not n.startswith("."))
sorted_factory = DetectorFactory()
sorted_factory.seed = 0
for i, name in enumerate(names):
    with open(os.path.join(PROFILES_DIRECTORY, name), encoding="utf-8") as f:
        sorted_factory.add_profile(LangProfile(**json.load(f)), i, len(names))

for line in sys.stdin:
    text = json.loads(line)["text"]
    try:
        detected = langdetect.detect(text)
    except langdetect.LangDetectException:
        detected = None
    detector = sorted_factory.create()
    detector.append(text)
    try:
        probs = [[l.lang, l.prob] for l in detector.get_probabilities()]
    except langdetect.LangDetectException:
        probs = None
    out = {"segments": list(segmenter(text)), "detect": detected, "probs": probs}
    sys.stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
