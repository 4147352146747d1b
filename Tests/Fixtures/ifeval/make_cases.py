"""Makes Tests/Fixtures/golden/mifeval-generated.jsonl: M-IFEval-Ja cases whose values the
reference's own checkers computed (Tests/Bench/mifeval_reference.py, REFERENCE_SRC set, Python 3.10
with janome 0.5.0, langdetect 1.0.9, ja_sentence_segmenter 0.0.2).

The responses are the peer file's real gpt-4o and gemma answers to each M-IFEval-Ja prompt, changed by
one to three seeded edits aimed at the checkers' rules (lines dropped, `*` and brackets added, lists,
markers, fences, digits, kana swapped, …). Usage:
  python3 make_cases.py PEER.jsonl > cases.jsonl            # records for the reference harness
  python3 make_cases.py --join cases.jsonl reference.out > mifeval-generated.jsonl
"""
import json
import random
import sys


def edits(rng, prompt):
    return [
        ("drop_first_line", lambda t: "\n".join(t.split("\n")[1:])),
        ("drop_last_line", lambda t: "\n".join(t.split("\n")[:-1])),
        ("trailing_newline", lambda t: t + "\n"),
        ("bold_title", lambda t: "**『タイトル』**\n\n" + t),
        ("quote_all", lambda t: "「" + t.strip() + "」"),
        ("quote_all_spaced", lambda t: " 「" + t + "」 \n"),
        ("exclaim", lambda t: t.replace("。", "！", rng.randint(1, 5))),
        ("no_comma", lambda t: t.replace("、", "")),
        ("no_period", lambda t: t.replace("。", "")),
        ("dividers", lambda t: t.replace("\n\n", "\n***\n")),
        ("dividers_edge", lambda t: "***\n" + t + "\n***"),
        ("single_newlines", lambda t: t.replace("\n\n", "\n")),
        ("double_newlines", lambda t: t.replace("\n", "\n\n")),
        ("postscript", lambda t: t + "\n\n" + rng.choice(["P.S. 以上です。", "p.p.s 追記", "追伸：よろしく。", "P.P.S. ありがとう", "ps なし"])),
        ("bullets", lambda t: t + "\n" + "\n".join("・項目%d" % i for i in range(rng.randint(1, 4)))),
        ("bullet_empty", lambda t: t + "\n・\n次の行"),
        ("numbered", lambda t: t + "\n" + "\n".join("%d. 項目" % (i + 1) for i in range(rng.randint(1, 4)))),
        ("json_fence", lambda t: "```json\n" + json.dumps({"答え": t[:40]}, ensure_ascii=False) + "\n```"),
        ("json_bad", lambda t: "```JSON\n{\"a\": 1,}\n```"),
        ("json_nan", lambda t: "[NaN, Infinity, -1.5e3]"),
        ("truncate", lambda t: t[: rng.randint(0, max(1, len(t)))]),
        ("two_responses", lambda t: t[: len(t) // 2] + "\n******\n" + t[len(t) // 2:]),
        ("two_same", lambda t: t + "\n******\n" + t),
        ("fullwidth_digits", lambda t: t + "１２３"),
        ("ascii_digits", lambda t: t + " 2024年"),
        ("kansuuji", lambda t: t.translate(str.maketrans("0123456789", "〇一二三四五六七八九"))),
        ("to_katakana", lambda t: "".join(chr(ord(c) + 96) if "ぁ" <= c <= "ゖ" else c for c in t)),
        ("to_hiragana", lambda t: "".join(chr(ord(c) - 96) if "ァ" <= c <= "ヶ" else c for c in t)),
        ("highlights", lambda t: t + "\n《重要》と《 》と《注意》"),
        ("sections", lambda t: "\n".join("第%d%s\n%s" % (i + 1, rng.choice("章節項"), p) for i, p in enumerate(t.split("\n\n")))),
        ("crlf", lambda t: t.replace("\n", "\r\n")),
        ("repeat_prompt", lambda t: prompt + "\n" + t),
        ("english", lambda t: t + "\nThis answer is written in English, and it is quite long enough to be detected."),
        ("french_only", lambda t: "Oui, bien sûr. La réponse est simple et claire."),
        ("stars", lambda t: "*" + t.replace("。", "。*", 2) + "*"),
        ("furigana", lambda t: t + "漢字（かんじ）と東京（とうきょう）"),
        ("nominal", lambda t: t + "美しい桜。静かな夜！"),
        ("desu_masu", lambda t: t.replace("。", "です。", 3)),
        ("no", lambda t: t.replace("\n", "の\n", 2)),
        ("blank", lambda t: rng.choice(["", " ", "\n\n", "　"])),
    ]


def make(peer_path):
    rng = random.Random(20261201)
    peers = [json.loads(line) for line in open(peer_path, encoding="utf-8")]
    n = 0
    for p in peers:
        for k in range(3):
            ops = edits(rng, p["sample"]["prompt"])
            chosen = rng.sample(ops, rng.randint(1, 3))
            text = p["responses"][0]
            for _, f in chosen:
                text = f(text)
            n += 1
            yield {"id": "mifeval-generated-%04d" % n, "task": "mifeval_ja", "sample": p["sample"], "responses": [text],
                   "tags": [name for name, _ in chosen]}


if __name__ == "__main__":
    if sys.argv[1] == "--join":
        cases = [json.loads(line) for line in open(sys.argv[2], encoding="utf-8")]
        results = [json.loads(line) for line in open(sys.argv[3], encoding="utf-8")]
        assert len(cases) == len(results)
        for c, r in zip(cases, results):
            c["reference"] = {"task_config": "mifeval_ja", "metrics": r}
            print(json.dumps(c, ensure_ascii=False))
    else:
        for c in make(sys.argv[1]):
            print(json.dumps(c, ensure_ascii=False))
