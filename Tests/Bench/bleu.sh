#!/usr/bin/env bash
# WMT20 en→ja segments scored per second on a 1,000-segment corpus, in one run: `score | aggregate`
# (extraction, segmentation, 13a statistics, corpus BLEU) for each metric alone and for both in one
# pass, against the reference's path for each metric (bleu_reference.py: Janome + sacreBLEU 2.5.1,
# nagisa 0.2.11 + sacreBLEU), five rounds of both sides, medians; fails unless the corpus BLEUs agree.
# The corpus: sentences of the golden fixtures' Japanese responses as references, seeded edits of
# them as the model's answers (some without a `日本語:` line, some empty). janome, sacrebleu and
# nagisa come from PyPI into ~/.cache/evalpipe/bleu-bench-venv the first time; our nagisa weights
# from bin/nagisa-setup.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=${EVALPIPE_BIN:?set EVALPIPE_BIN to the directory of the built tools}
segments=${BLEU_BENCH_SEGMENTS:-1000}
venv=~/.cache/evalpipe/bleu-bench-venv
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import janome, sacrebleu, nagisa" 2>/dev/null; then
  python3 -m venv "$venv" && "$venv/bin/pip" install -q janome==0.5.0 sacrebleu==2.5.1 nagisa==0.2.11 >&2
fi
eval "$("$here/../../bin/nagisa-setup")"
export NAGISA_DATA
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

jq -r 'select(.task == "mifeval_ja") | .responses[0]' "$here"/../Fixtures/golden/{instruction_following,peer-lighteval-mifeval-ja}.jsonl \
  | python3 -c '
import json, random, re, sys
n = int(sys.argv[1])
rng = random.Random(20)
sentences = sorted({s.strip() for s in re.split(r"(?<=。)|\n", sys.stdin.read())
                    if 10 <= len(s.strip()) <= 120 and re.search(r"[\u3041-\u30ff\u4e00-\u9fff]", s)})
if len(sentences) < n:
    sys.exit(f"bleu.sh: only {len(sentences)} sentences for {n} segments")
def edit(ref):
    chars = list(ref)
    for _ in range(rng.randint(0, 6)):
        i = rng.randrange(len(chars))
        op = rng.random()
        if op < 0.4: del chars[i]
        elif op < 0.7: chars.insert(i, rng.choice("のはがをにでとしたるだ、。"))
        else: j = rng.randrange(len(chars)); chars[i], chars[j] = chars[j], chars[i]
        if not chars: break
    return "".join(chars)
for i, ref in enumerate(rng.sample(sentences, n)):
    k = rng.random()
    answer = ("以下が翻訳です。\n日本語: " + edit(ref) if k < 0.1 else edit(ref) if k < 0.15 else
              "" if k < 0.17 else "日本語: " + edit(ref))
    print(json.dumps({"id": f"bench:{i}", "task": "wmt20_en_ja", "index": i,
                      "row": {"translation": {"en": f"source {i}", "ja": ref}},
                      "responses": [{"content": answer}]}, ensure_ascii=False))
' "$segments" \
  | "$bin/render-prompts" --tasks "$here/../../tasks" | "$bin/strip-reasoning" --parser none > "$work/answers.jsonl"

# Ours: both metrics in one pass (the task file as it is), and each alone (the task file with one
# metric), each as `score | aggregate`; wall-clock and CPU seconds (the machine may be shared: CPU
# is the steadier one). Two like-for-like views: from process start (ours from exec, the
# reference's Python process with its imports and the segmenter's construction), and scoring only
# (the reference's loop as bleu_reference.py times it; ours the 1,000-segment run minus a
# 1-segment run of the same pipeline, which is start-up, dictionary and model load).
mkdir "$work/bleu" "$work/nagisa"
sed -e 's/metrics: \[bleu, bleu_lmevalja\]/metrics: [bleu]/' -e '/wmt20_en_ja_bleu_lmevalja/d' \
  "$here/../../tasks/wmt20_en_ja.yaml" > "$work/bleu/wmt20_en_ja.yaml"
sed -e 's/metrics: \[bleu, bleu_lmevalja\]/metrics: [bleu_lmevalja]/' -e 's/^  metric: bleu$/  metric: bleu_lmevalja/' \
  -e '/{key: wmt20_en_ja_bleu, position: 90}/d' "$here/../../tasks/wmt20_en_ja.yaml" > "$work/nagisa/wmt20_en_ja.yaml"
head -n 1 "$work/answers.jsonl" > "$work/one.jsonl"
"$bin/score" --tasks "$here/../../tasks" < "$work/one.jsonl" > /dev/null   # the dictionary is built once, not measured
run() {   # NAME TASKS_DIR INPUT: prints "wall cpu bleu bleu_lmevalja"
  python3 "$here/rusage.py" "$work/$1.time" bash -c '"$0" --tasks "$1" < "$2" | "$3"' \
    "$bin/score" "$2" "$3" "$bin/aggregate" > "$work/$1.json"
  jq -rn --slurpfile t "$work/$1.time" --slurpfile m "$work/$1.json" \
    '"\($t[0].wall_s) \($t[0].cpu_s) \($m[0].results[0].metrics.bleu.mean // "-") \($m[0].results[0].metrics.bleu_lmevalja.mean // "-")"'
}
ours() {  # NAME TASKS_DIR: prints "wall cpu wall-start-up cpu-start-up bleu bleu_lmevalja"
  local w c b n w1 c1
  read -r w c b n < <(run "$1" "$2" "$work/answers.jsonl")
  read -r w1 c1 _ < <(run "$1.one" "$2" "$work/one.jsonl")
  echo "$w $c $(awk -v a="$w" -v b="$w1" 'BEGIN { print a - b }') $(awk -v a="$c" -v b="$c1" 'BEGIN { print a - b }') $b $n"
}
ref() {   # SEGMENTER: prints "wall cpu loop-wall loop-cpu bleu"
  python3 "$here/rusage.py" "$work/$1.ref.process" "$venv/bin/python" "$here/bleu_reference.py" "$1" \
    < "$work/answers.jsonl" 2> "$work/$1.ref.time" > "$work/$1.ref"
  echo "$(jq -r '"\(.wall_s) \(.cpu_s)"' "$work/$1.ref.process") $(tail -n 1 "$work/$1.ref.time") $(cat "$work/$1.ref")"
}
# Rounds (BLEU_BENCH_ROUNDS, default 5), each side in turn within a round, so that a machine that
# slows down or speeds up weighs on both; throughputs are the medians over the rounds, speed-ups
# the medians of each round's own ratio (the two sides of a ratio measured seconds apart).
rounds=${BLEU_BENCH_ROUNDS:-5}
for _ in $(seq "$rounds"); do
  ours both "$here/../../tasks" >> "$work/both.runs"
  ours bleu "$work/bleu" >> "$work/bleu.runs"
  ours nagisa "$work/nagisa" >> "$work/nagisa.runs"
  ref janome >> "$work/janome.runs"
  ref nagisa >> "$work/nagisa-ref.runs"
done
median() {  # RUNS: per column the median of the rounds (a column that is not a number: the first round's)
  awk '{ for (i = 1; i <= NF; i++) v[NR, i] = $i; if (NF > nf) nf = NF }
    END { for (i = 1; i <= nf; i++) {
      if (v[1, i] !~ /^-?[0-9.]+(e-?[0-9]+)?$/) m = v[1, i]
      else {
        # Rounds sorted by value (their text kept: the corpus BLEUs are compared to 1e-10).
        for (r = 1; r <= NR; r++) { for (k = r - 1; k >= 1 && v[a[k], i] + 0 > v[r, i] + 0; k--) a[k + 1] = a[k]; a[k + 1] = r }
        m = NR % 2 ? v[a[(NR + 1) / 2], i] : (v[a[NR / 2], i] + v[a[NR / 2 + 1], i]) / 2
      }
      printf "%s%s", m, (i < nf ? " " : "\n") } }' "$1"
}
speedups() {  # OURS REFS...: per view (wall, CPU; scoring only: wall, CPU) the median over the rounds of the
              # round's reference seconds (summed over REFS, 5 columns each) over ours (6 columns)
  paste -d ' ' "$@" | awk -v refs=$(($# - 1)) '{ for (c = 1; c <= 4; c++) {
    t = 0; for (k = 0; k < refs; k++) t += $(6 + 5 * k + c); printf "%s%s", t / $c, (c < 4 ? " " : "\n") } }' > "$work/ratios"
  median "$work/ratios"
}
read -r sj_w sj_c sj_sw sj_sc < <(speedups "$work/bleu.runs" "$work/janome.runs")
read -r sg_w sg_c sg_sw sg_sc < <(speedups "$work/nagisa.runs" "$work/nagisa-ref.runs")
read -r sb_w sb_c sb_sw sb_sc < <(speedups "$work/both.runs" "$work/janome.runs" "$work/nagisa-ref.runs")
read -r both_w both_c both_sw both_sc both_b both_n < <(median "$work/both.runs")
read -r bleu_w bleu_c bleu_sw bleu_sc bleu_b _ < <(median "$work/bleu.runs")
read -r nagisa_w nagisa_c nagisa_sw nagisa_sc _ nagisa_n < <(median "$work/nagisa.runs")
read -r janome_w janome_c janome_sw janome_sc janome_b < <(median "$work/janome.runs")
read -r nref_w nref_c nref_sw nref_sc nref_b < <(median "$work/nagisa-ref.runs")
awk -v n="$segments" -v rounds="$rounds" \
    -v sjw="$sj_w" -v sjc="$sj_c" -v sjsw="$sj_sw" -v sjsc="$sj_sc" -v sgw="$sg_w" -v sgc="$sg_c" -v sgsw="$sg_sw" -v sgsc="$sg_sc" \
    -v sbw="$sb_w" -v sbc="$sb_c" -v sbsw="$sb_sw" -v sbsc="$sb_sc" \
    -v bw="$both_w" -v bc="$both_c" -v bsw="$both_sw" -v bsc="$both_sc" -v b1="$both_b" -v b2="$both_n" \
    -v jw="$bleu_w" -v jc="$bleu_c" -v jsw="$bleu_sw" -v jsc="$bleu_sc" -v jb="$bleu_b" \
    -v gw="$nagisa_w" -v gc="$nagisa_c" -v gsw="$nagisa_sw" -v gsc="$nagisa_sc" -v gb="$nagisa_n" \
    -v rjw="$janome_w" -v rjc="$janome_c" -v rjsw="$janome_sw" -v rjsc="$janome_sc" -v rjb="$janome_b" \
    -v rgw="$nref_w" -v rgc="$nref_c" -v rgsw="$nref_sw" -v rgsc="$nref_sc" -v rgb="$nref_b" 'BEGIN {
  printf "WMT20 en→ja corpus BLEU, %d segments; segments per second (medians of %d rounds)\n", n, rounds
  printf "  %-40s %21s   %21s\n", "", "from process start", "scoring only"
  printf "  %-40s %10s %10s   %10s %10s  %s\n", "", "wall", "CPU", "wall", "CPU", "corpus BLEU"
  row = "  %-40s %8.0f/s %8.0f/s   %8.0f/s %8.0f/s  %s\n"
  printf row, "score | aggregate, bleu (Janome)", n / jw, n / jc, n / jsw, n / jsc, jb
  printf row, "Janome 0.5.0 + sacreBLEU 2.5.1", n / rjw, n / rjc, n / rjsw, n / rjsc, rjb
  printf row, "score | aggregate, bleu_lmevalja (nagisa)", n / gw, n / gc, n / gsw, n / gsc, gb
  printf row, "nagisa 0.2.11 + sacreBLEU 2.5.1", n / rgw, n / rgc, n / rgsw, n / rgsc, rgb
  printf row, "score | aggregate, both (the task file)", n / bw, n / bc, n / bsw, n / bsc, b1 " " b2
  printf "  speed-up from process start (median of the rounds), by CPU: %.0fx Janome path, %.0fx nagisa path, %.0fx both; by wall-clock: %.0fx, %.0fx, %.0fx\n", \
    sjc, sgc, sbc, sjw, sgw, sbw
  printf "  speed-up scoring only (median of the rounds), by CPU: %.0fx Janome path, %.0fx nagisa path, %.0fx both; by wall-clock: %.0fx, %.0fx, %.0fx\n", \
    sjsc, sgsc, sbsc, sjsw, sgsw, sbsw
  same = 1
  split(jb " " b1 " " rjb, x, " "); for (i in x) if ((x[i] - rjb) ^ 2 > 1e-20 * (1 + rjb * rjb)) same = 0
  split(gb " " b2 " " rgb, y, " "); for (i in y) if ((y[i] - rgb) ^ 2 > 1e-20 * (1 + rgb * rgb)) same = 0
  if (!same) { print "bleu.sh: the corpus BLEUs differ from the reference'"'"'s" > "/dev/stderr"; exit 1 }
}'
