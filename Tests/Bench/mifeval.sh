#!/usr/bin/env bash
# M-IFEval-Ja responses scored per second: `score` (the 33 checkers in Swift, strict and loose, all
# four metrics) against the reference's own checkers (its mifeval_ja package, run unchanged by
# mifeval_reference.py) on the same responses — every M-IFEval-Ja case of the golden fixtures
# (real gpt-4o and gemma answers, and the generated edits of them) — in one run: `score` on the
# cases repeated MIFEVAL_BENCH_REPEAT times, the reference on every MIFEVAL_BENCH_EVERY-th case
# (it takes about 0.1 s of CPU per response). Fails unless both give the same four values on
# every response the reference scored.
#
# The reference's package is read from SWALLOW_REFERENCE (a clone of swallow-llm/
# swallow-evaluation-instruct, bare or not) at the commit the task file cites; by default it is
# cloned once into ~/.cache/evalpipe/swallow-evaluation-instruct. Its Python dependencies come from
# PyPI into ~/.cache/evalpipe/mifeval-bench-venv the first time. Nothing of it is in this repository.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=${EVALPIPE_BIN:?set EVALPIPE_BIN to the directory of the built tools}
ours_n=${MIFEVAL_BENCH_REPEAT:-10}   # copies of the cases for score
every=${MIFEVAL_BENCH_EVERY:-4}      # the reference's sample: every n-th case
commit=35202112ae544faba0a956376318eed13e5a726e
package=lighteval/src/lighteval/tasks/swallow/mifeval_ja
reference=${SWALLOW_REFERENCE:-$HOME/.cache/evalpipe/swallow-evaluation-instruct}
if [ ! -e "$reference" ]; then
  git clone -q --bare https://github.com/swallow-llm/swallow-evaluation-instruct "$reference" >&2
fi
gitdir=$(git -C "$reference" rev-parse --absolute-git-dir 2>/dev/null || echo "$reference")
venv=~/.cache/evalpipe/mifeval-bench-venv
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import janome, langdetect, ja_sentence_segmenter, absl, immutabledict, numpy" 2>/dev/null; then
  python3 -m venv "$venv" && "$venv/bin/pip" install -q janome==0.5.0 langdetect==1.0.9 six==1.17.0 \
    ja_sentence_segmenter==0.0.2 absl-py==2.5.1 immutabledict==4.3.1 "numpy<2" >&2
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/mifeval_ja"
for f in main.py ja_instructions.py ja_instructions_util.py mifeval_ja_instructions_registry.py; do
  git --git-dir="$gitdir" show "$commit:$package/$f" > "$work/mifeval_ja/$f" \
    || { echo "mifeval.sh: $reference has no $package/$f at $commit (set SWALLOW_REFERENCE to a clone of swallow-evaluation-instruct)" >&2; exit 1; }
done

# The cases as `score` reads them (render-prompts and strip-reasoning are not measured).
fixtures="$here/../Fixtures/golden"
jq -c 'select(.task == "mifeval_ja") | {id, task, index: 0, row: .sample, responses: [{content: .responses[0]}]}' \
  "$fixtures/instruction_following.jsonl" "$fixtures/peer-lighteval-mifeval-ja.jsonl" "$fixtures/mifeval-generated.jsonl" \
  | "$bin/render-prompts" --tasks "$here/../../tasks" | "$bin/strip-reasoning" --parser none > "$work/cases.jsonl"
for _ in $(seq "$ours_n"); do cat "$work/cases.jsonl"; done > "$work/ours.jsonl"
awk -v n="$every" 'NR % n == 1' "$work/cases.jsonl" > "$work/theirs.jsonl"

# Wall-clock and CPU seconds of each side (the machine may be shared: CPU is the steadier one).
python3 "$here/rusage.py" "$work/ours.time" "$bin/score" --tasks "$here/../../tasks" < "$work/ours.jsonl" > "$work/ours.out"
[ "$(wc -l < "$work/ours.out")" = "$(wc -l < "$work/ours.jsonl")" ] || { echo "mifeval.sh: score lost records" >&2; exit 1; }
read -r ours_wall ours_cpu < <(jq -r '"\(.wall_s) \(.cpu_s)"' "$work/ours.time")
# The reference's time excludes Python's start-up and imports (the helper times its own loop).
REFERENCE_SRC="$work/mifeval_ja" "$venv/bin/python" "$here/mifeval_reference.py" < "$work/theirs.jsonl" > "$work/theirs.out" 2> "$work/theirs.time" \
  || { tail -n 5 "$work/theirs.time" >&2; exit 1; }
read -r theirs_wall theirs_cpu < <(tail -n 1 "$work/theirs.time")
# Same values: prompt-level 0/1 and the instruction-level lists (ours: the first response's).
four='{prompt_level_strict_acc, inst_level_strict_acc, prompt_level_loose_acc, inst_level_loose_acc}'
same=$(head -n "$(wc -l < "$work/cases.jsonl")" "$work/ours.out" | awk -v n="$every" 'NR % n == 1' \
  | jq -c ".responses[0].scores | $four" | paste -d '\t' - <(jq -c "$four" "$work/theirs.out") \
  | awk -F '\t' '$1 == $2' | wc -l)
awk -v on="$(wc -l < "$work/ours.jsonl")" -v tn="$(wc -l < "$work/theirs.jsonl")" -v ow="$ours_wall" -v oc="$ours_cpu" \
    -v tw="$theirs_wall" -v tc="$theirs_cpu" -v same="$same" 'BEGIN {
  printf "M-IFEval-Ja responses scored (four metrics; the golden fixtures'"'"' responses)\n"
  printf "                                  responses   wall s  responses/s    CPU s  responses/CPU s\n"
  printf "  score (Swift)                    %8d %8.2f %12.0f %8.2f %16.0f\n", on, ow, on / ow, oc, on / oc
  printf "  the reference'"'"'s mifeval_ja       %8d %8.2f %12.1f %8.2f %16.1f\n", tn, tw, tn / tw, tc, tn / tc
  printf "  speed-up %.0fx (wall), %.0fx (CPU); same four values on %d/%d responses\n", (on / ow) / (tn / tw), (on / oc) / (tn / tc), same, tn
  if (same != tn) { print "mifeval.sh: the values differ from the reference'"'"'s" > "/dev/stderr"; exit 1 }
}'
