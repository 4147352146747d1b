"""Janome 0.5.0 as the oracle of Tests/JapaneseTextTests: reads JSON strings, one a line, on stdin
and writes, one a line, the tokens Tokenizer().tokenize gives, tab-separated, each as the hex of
its surface's UTF-8, a space and its part_of_speech (hex, so that no decoder on the other side can
alter a surface such as U+FEFF).

Janome's in-memory dictionary (mmap=False) is used for speed: its entries are identical to the
memory-mapped default's (all 392,127 compared when this was written)."""
import json
import sys

from janome.tokenizer import Tokenizer

tokenizer = Tokenizer(mmap=False)


def tokenize(line):
    text = json.loads(line)
    return "\t".join(t.surface.encode("utf-8").hex() + " " + t.part_of_speech for t in tokenizer.tokenize(text))


if __name__ == "__main__":
    # Only "\n" ends a line: JSON escapes it, but not U+2028, U+0085 and the like, which
    # str.splitlines() would split on.
    lines = sys.stdin.buffer.read().decode("utf-8").split("\n")[:-1]
    for line in lines:
        sys.stdout.buffer.write(tokenize(line).encode("utf-8") + b"\n")
