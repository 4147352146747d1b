#!/usr/bin/env bash
# Japanese morphological analysis, characters per second on the same text in one run: ja-tokenize
# (JapaneseText's JanomeTokenizer) against Janome 0.5.0 (the reference's analyzer, from PyPI, in
# ~/.cache/evalpipe/janome-bench-venv) and MeCab 0.996 (C; Debian's mecab with mecab-ipadic-utf8).
# The text is every line of Japanese in the golden fixtures, repeated.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=${EVALPIPE_BIN:?set EVALPIPE_BIN to the directory of the built tools}
ours_n=${JA_BENCH_REPEAT:-20}      # copies of the text for ja-tokenize and MeCab
theirs_n=${JA_BENCH_REPEAT_REF:-1}  # and for Janome
command -v mecab >/dev/null && [ -d /var/lib/mecab/dic/ipadic-utf8 ] \
  || { echo "japanese.sh: needs Debian's mecab and mecab-ipadic-utf8 (apt-get install mecab mecab-ipadic-utf8)" >&2; exit 1; }
venv=~/.cache/evalpipe/janome-bench-venv
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import janome" 2>/dev/null; then
  python3 -m venv "$venv" && "$venv/bin/pip" install -q janome==0.5.0 >&2
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat "$here"/../Fixtures/golden/*.jsonl \
  | jq -r '.. | strings | select(test("[\u3041-\u30ff\u4e00-\u9fff]"))' \
  | grep -P '[\x{3041}-\x{30ff}\x{4e00}-\x{9fff}]' > "$work/text.txt"
for _ in $(seq "$ours_n"); do cat "$work/text.txt"; done > "$work/ours.txt"
for _ in $(seq "$theirs_n"); do cat "$work/text.txt"; done > "$work/theirs.txt"
chars() { python3 -c 'import sys; print(len(sys.stdin.read()))' < "$1"; }

seconds() { local out=$1 in=$2 s e; shift 2; s=$(date +%s.%N); "$@" < "$in" > "$out"; e=$(date +%s.%N); echo "$e - $s" | bc -l; }
"$bin/ja-tokenize" --build-dictionary > /dev/null   # the one-time dictionary build is not what is measured
ours=$(seconds "$work/ours.out" "$work/ours.txt" "$bin/ja-tokenize")
mecab=$(seconds "$work/mecab.out" "$work/ours.txt" mecab -b 1048576 -d /var/lib/mecab/dic/ipadic-utf8)
"$venv/bin/python" "$here/janome_reference.py" < "$work/theirs.txt" > /dev/null 2> "$work/janome.time"
janome=$(tail -n 1 "$work/janome.time")
awk -v oc="$(chars "$work/ours.txt")" -v tc="$(chars "$work/theirs.txt")" -v o="$ours" -v m="$mecab" -v j="$janome" 'BEGIN {
  printf "Japanese morphological analysis (the golden fixtures'"'"' Japanese lines)\n"
  printf "  ja-tokenize (Swift)     %9d chars %7.2f s %10.0f chars/s\n", oc, o, oc / o
  printf "  MeCab 0.996 (C)         %9d chars %7.2f s %10.0f chars/s\n", oc, m, oc / m
  printf "  Janome 0.5.0 (Python)   %9d chars %7.2f s %10.0f chars/s\n", tc, j, tc / j
  printf "  %.0fx Janome; %.2fx MeCab'"'"'s speed\n", (oc / o) / (tc / j), (oc / o) / (oc / m)
}'
