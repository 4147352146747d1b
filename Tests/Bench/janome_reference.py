"""Janome 0.5.0 as the reference calls it (Tokenizer() with its defaults), over stdin's lines;
prints the tokenize loop's wall time in seconds on stderr (imports and dictionary loading excluded)."""
import sys
import time

from janome.tokenizer import Tokenizer

tokenizer = Tokenizer()
lines = sys.stdin.read().split("\n")
start = time.perf_counter()
tokens = 0
for line in lines:
    tokens += sum(1 for _ in tokenizer.tokenize(line))
print(tokens)
print(time.perf_counter() - start, file=sys.stderr)
