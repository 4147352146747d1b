#!/usr/bin/env bash
# Math answers verified per second: `score` (extraction, LaTeX parsing and equivalence in Swift)
# against the reference's Python path (latex2sympy2_extended 1.0.6 + sympy 1.14.0, see
# math_reference.py) on the same answers — the generated math corpus
# (Tests/Fixtures/math-corpus/generated.jsonl, every answer shape in every style) — in one run:
# `score` on the whole corpus, repeated; the reference on every MATH_BENCH_EVERY-th case.
# The Python packages are installed from PyPI into ~/.cache/evalpipe/math-bench-venv the first time.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=${EVALPIPE_BIN:?set EVALPIPE_BIN to the directory of the built tools}
ours_n=${MATH_BENCH_REPEAT:-4}      # copies of the corpus for score
every=${MATH_BENCH_EVERY:-4}        # the reference's sample: every n-th case
venv=~/.cache/evalpipe/math-bench-venv
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import latex2sympy2_extended, sympy" 2>/dev/null; then
  python3 -m venv "$venv" && "$venv/bin/pip" install -q latex2sympy2_extended==1.0.6 sympy==1.14.0 antlr4-python3-runtime==4.13.2 >&2
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# One record per case as `score` reads it: the task file by reference name, the golds render-prompts
# gives, the response text.
jq -c '{id, task, target: {golds}, responses: [{answer: .response}]}' "$here/../Fixtures/math-corpus/generated.jsonl" > "$work/cases.jsonl"
for _ in $(seq "$ours_n"); do cat "$work/cases.jsonl"; done > "$work/ours.jsonl"
awk -v n="$every" 'NR % n == 1' "$work/cases.jsonl" > "$work/theirs.jsonl"

# seconds OUT IN CMD…: runs CMD < IN > OUT, prints the wall time.
seconds() { local out=$1 in=$2 s e; shift 2; s=$(date +%s.%N); "$@" < "$in" > "$out"; e=$(date +%s.%N); echo "$e - $s" | bc -l; }
ours=$(seconds "$work/ours.out" "$work/ours.jsonl" "$bin/score" --tasks "$here/../../tasks")
# The reference's time excludes Python's start-up and imports (the helper measures its own loop);
# ours includes the process start.
"$venv/bin/python" "$here/math_reference.py" < "$work/theirs.jsonl" > "$work/theirs.out" 2> "$work/theirs.time"
theirs=$(tail -n 1 "$work/theirs.time")
[ "$(wc -l < "$work/ours.out")" = "$(wc -l < "$work/ours.jsonl")" ] || { echo "score lost records" >&2; exit 1; }
awk -v on="$(wc -l < "$work/ours.jsonl")" -v tn="$(wc -l < "$work/theirs.jsonl")" -v o="$ours" -v t="$theirs" 'BEGIN {
  printf "math answers verified (generated math corpus, gold vs response)\n"
  printf "  score (Swift)                   %7d answers %7.2f s %10.0f answers/s\n", on, o, on / o
  printf "  latex2sympy2_extended + sympy   %7d answers %7.2f s %10.0f answers/s\n", tn, t, tn / t
  printf "  speed-up %.0fx\n", (on / o) / (tn / t)
}'
