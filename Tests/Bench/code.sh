#!/usr/bin/env bash
# Programs verified per second: `score` (one run per program in the sandbox, --jobs = cores)
# against the reference's execution path — lighteval's codegen_metrics from PyPI (0.8.1; 0.8.0 is
# not on PyPI) in a throwaway venv, called per problem and once per metric as the reference
# does — on the same stdin-mode programs: the golden and sample HumanEval problems' canonical
# solutions and failing variants (each wrapped as a stdin program that runs check() and prints
# ok), and LiveCodeBench-style stdin programs. Also the machine's limit: `python3 -c pass`
# spawns per second × cores.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=${EVALPIPE_BIN:?set EVALPIPE_BIN to the directory of the built tools}
copies=${CODE_BENCH_REPEAT:-6}
venv=~/.cache/evalpipe/code-bench-venv
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import lighteval.tasks.extended.lcb.codegen_metrics" 2>/dev/null; then
  python3 -m venv "$venv" && "$venv/bin/pip" install -q --no-deps lighteval==0.8.1 >&2 2>/dev/null && "$venv/bin/pip" install -q "numpy<2" tqdm >&2
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cores=$(nproc)

# One record per problem, 10 programs each (5 passing, 5 failing), in both tools' shapes.
jq -c '.sample' "$here/../Fixtures/golden/code.jsonl" | jq -sc 'unique_by(.task_id)[]' > "$work/he.jsonl"
cat "$here/../../tasks/samples/humaneval.jsonl" >> "$work/he.jsonl"
jq -c '(.prompt + .canonical_solution + "\n" + .test + "\ncheck(" + .entry_point + ")\nprint(\"ok\")\n") as $good
       | (.prompt + "    return None\n" + .test + "\ncheck(" + .entry_point + ")\nprint(\"ok\")\n") as $bad
       | {bench: {inputs: [""], outputs: ["ok\n"], fn_name: null}, codes: ([range(5) | $good] + [range(5) | $bad])}' \
  "$work/he.jsonl" > "$work/problems.jsonl"
jq -nc '{bench: {inputs: ["1 2\n", "10 -3\n", "0 0\n"], outputs: ["3\n", "7\n", "0\n"], fn_name: null},
         codes: ([range(5) | "a, b = map(int, input().split())\nprint(a + b)\n"] + [range(5) | "a, b = map(int, input().split())\nprint(a - b)\n"])}' >> "$work/problems.jsonl"
jq -nc '{bench: {inputs: ["5\n3 1 4 1 5\n"], outputs: ["1 1 3 4 5\n"], fn_name: null},
         codes: ([range(5) | "n = int(input())\nprint(*sorted(map(int, input().split())))\n"] + [range(5) | "n = int(input())\nprint(*map(int, input().split()))\n"])}' >> "$work/problems.jsonl"
for _ in $(seq "$copies"); do cat "$work/problems.jsonl"; done > "$work/theirs.jsonl"
# score's records: a task file of our own for stdin programs (the livecodebench scoring, tests in the row).
mkdir -p "$work/tasks"
sed -n '/^dataset:/,/^  split:/p' "$here/../../tasks/livecodebench.yaml" > "$work/tasks/bench.yaml"
cat >> "$work/tasks/bench.yaml" <<'YAML'
scoring:
  extractor: code_block_or_response
  metrics: ["codegen_pass@1:10", "codegen_pass@10:10"]
  execution: {mode: livecodebench, timeout: 6}
YAML
jq -c '{id: "bench", task: "bench", target: {},
        row: {public_test_cases: ([.bench.inputs, .bench.outputs] | transpose | map({input: .[0], output: .[1], testtype: "stdin"}) | tojson),
              private_test_cases: "eJxrYJnKxgABPUzRsVP0ABkLAyg=", metadata: "{}"},
        responses: [.codes[] | {answer: .}]}' "$work/theirs.jsonl" > "$work/ours.jsonl"
programs=$(( $(wc -l < "$work/ours.jsonl") * 10 ))

s=$(date +%s.%N)
"$bin/score" --tasks "$work/tasks" --jobs "$cores" "$work/ours.jsonl" > "$work/ours.out" 2> "$work/ours.err"
e=$(date +%s.%N)
ours=$(echo "$e - $s" | bc -l)
[ "$(wc -l < "$work/ours.out")" = "$(wc -l < "$work/ours.jsonl")" ] || { cat "$work/ours.err" >&2; echo "score lost records" >&2; exit 1; }
level=$(grep -o 'sandbox [a-z]*' "$work/ours.err" | head -n 1)
# Every program verified as expected: the first five of each record pass, the rest fail.
jq -e -s 'all(.[]; [.responses[].execution.passed] == [true,true,true,true,true,false,false,false,false,false])' "$work/ours.out" >/dev/null \
  || { echo "score gave unexpected verdicts" >&2; exit 1; }

"$venv/bin/python" "$here/code_reference.py" < "$work/theirs.jsonl" > "$work/theirs.out" 2> "$work/theirs.err"
theirs=$(tail -n 1 "$work/theirs.err")

# The machine's limit: fresh interpreters that do nothing, one per core in parallel.
n_spawn=200
s=$(date +%s.%N)
seq "$n_spawn" | xargs -P "$cores" -I{} /usr/bin/python3 -c pass
e=$(date +%s.%N)
spawn=$(echo "$e - $s" | bc -l)

awk -v n="$programs" -v o="$ours" -v t="$theirs" -v sn="$n_spawn" -v st="$spawn" -v lvl="$level" -v c="$cores" 'BEGIN {
  printf "programs verified (HumanEval canonical/failing, LiveCodeBench-style stdin; %d cores)\n", c
  printf "  score (%s, one run per program)            %6d programs %7.2f s %8.1f programs/s\n", lvl, n, o, n / o
  printf "  lighteval codegen_metrics (twice per program)  %6d programs %7.2f s %8.1f programs/s\n", n, t, n / t
  printf "  python3 -c pass, %d in parallel               %6d spawns   %7.2f s %8.1f spawns/s\n", c, sn, st, sn / st
  printf "  speed-up %.1fx; %.0f%% of the spawn limit\n", (n / o) / (n / t), 100 * (n / o) / (sn / st)
}'
