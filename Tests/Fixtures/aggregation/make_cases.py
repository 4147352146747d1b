"""Builds the aggregation cases of Tests/AggregationTests/ReferenceAggregationTests.swift: scored
records per case (<case>.records.jsonl) and the aggregated_results.json the reference's own
aggregation script computes from the same per-task values (<case>.expected.json).

Per case: `aggregate` (ours) gives every task's per-task values (per subset: mean and count); they
are written as lighteval results files (results_<timestamp>.json: `results` keyed
`swallow|<reference task>[:<subset>]|0`, `config_tasks` with `effective_num_docs`, the `_average`
and `all` entries lighteval adds), and swallow-evaluation-instruct's scripts/aggregate_results.py
(commit 3520211, run as it is, never copied here) aggregates them.

  python3 make_cases.py --run RESULTS/<provider>/<publisher>/<model>/<settings> \
      --reference path/to/scripts/aggregate_results.py --bin .build/release --tasks tasks

RUN is a `make suite SAMPLES=1 LIMIT=2` run folder. The cases: `suite` (that run's records as
they are), `random` (every task whose scores are plain numbers re-drawn over all its subsets with
a seeded RNG, the others as run), `partial` (`random` without some tasks and subsets, and the
Japanese MT-Bench also as its 6,144-character variant, so its keys are ambiguous: -1).
"""
import argparse
import glob
import json
import os
import random
import subprocess
import sys
import tempfile

import yaml

here = os.path.dirname(os.path.abspath(__file__))
ap = argparse.ArgumentParser()
ap.add_argument("--run", required=True)
ap.add_argument("--reference", required=True)
ap.add_argument("--bin", required=True)
ap.add_argument("--tasks", required=True)
args = ap.parse_args()

KEEP = ("id", "task", "subset", "status", "scores")  # and the model the records were sent to


def task_file(name):
    with open(os.path.join(args.tasks, name + ".yaml")) as f:
        return yaml.safe_load(f)


def load_run():
    records = []
    for path in sorted(glob.glob(os.path.join(args.run, "*", "scored.jsonl")) + glob.glob(os.path.join(args.run, "*", "judge-*", "scored.jsonl"))):
        with open(path) as f:
            for line in f:
                r = json.loads(line)
                kept = {k: r[k] for k in KEEP if k in r}
                kept["call"] = {"model": r.get("call", {}).get("model")}
                records.append(kept)
    return records


def randomized(records, rng):
    by_task = {}
    for r in records:
        by_task.setdefault(r["task"], []).append(r)
    out = []
    for task, rs in by_task.items():
        plain = all(isinstance(v, (int, float)) and not isinstance(v, bool) for r in rs for v in r.get("scores", {}).values())
        if not plain or not rs[0].get("scores"):
            out += rs
            continue
        metrics = sorted(rs[0]["scores"])
        subsets = [str(s) for s in task_file(task).get("subsets") or []] or [None]
        for s in subsets:
            if s is not None and rng.random() < 0.25:
                continue
            for i in range(rng.randint(1, 4)):
                scores = {}
                for m in metrics:
                    if "pass@" in m:
                        scores[m] = rng.randint(0, 10) / 10 if "@1:" in m else float(rng.random() < 0.5)
                    elif "f1" in m:
                        scores[m] = rng.random()
                    else:
                        scores[m] = rng.randint(0, 1)
                r = {"id": f"{task}:{s}:{i}", "task": task, "status": "ok", "scores": scores, "call": rs[0].get("call", {})}
                if s is not None:
                    r["subset"] = s
                out.append(r)
    return out


def partial(records, rng):
    drop = {"hellaswag", "math_500", "wmt20_ja_en", "humanevalplus"}
    out = []
    for r in records:
        if r["task"] in drop or (r["task"] == "mmlu_english" and rng.random() < 0.5):
            continue
        out.append(r)
        if r["task"] == "japanese_mt_bench":
            out.append(dict(r, task="japanese_mt_bench_truncate_6144"))
    return out


def per_task_values(records, work):
    """Our per-task values: `aggregate`'s JSON over each task's records."""
    by_task = {}
    for r in records:
        by_task.setdefault(r["task"], []).append(r)
    out = {}
    for task, rs in sorted(by_task.items()):
        path = os.path.join(work, task + ".jsonl")
        with open(path, "w") as f:
            f.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in rs)
        doc = json.loads(subprocess.run([os.path.join(args.bin, "aggregate"), "--tasks", args.tasks, path],
                                        check=True, capture_output=True, text=True).stdout)
        out[task] = doc["results"][0]
    return out


def lighteval_files(values, model, folder):
    """One results file per task, a second apart, as lighteval writes them. Its values are floats
    (numpy's means, sacreBLEU's scores): our JSON writes 0.0 as 0, which Python would read as an int."""
    for i, (task, res) in enumerate(sorted(values.items())):
        ref = task_file(task)["reference"]
        results, config_tasks = {}, {}
        subsets = res.get("subsets") or {}
        if subsets:
            for name in sorted(subsets):
                results[f"swallow|{ref}:{name}|0"] = {m: float(v["mean"]) for m, v in subsets[name]["metrics"].items()}
                config_tasks[f"swallow|{ref}:{name}"] = {"name": f"{ref}:{name}", "effective_num_docs": subsets[name]["records"]}
            if len(subsets) > 1:
                ms = list(next(iter(results.values())).keys())
                results[f"swallow|{ref.split(':')[0]}:_average|0"] = {m: sum(e[m] for e in results.values() if m in e) / len(subsets) for m in ms}
        else:
            results[f"swallow|{ref}|0"] = {m: float(v["mean"]) for m, v in res["metrics"].items()}
            config_tasks[f"swallow|{ref}"] = {"name": ref, "effective_num_docs": res["records"]}
        results["all"] = {}
        doc = {"config_general": {"model_name": model, "start_time": 0.0, "end_time": 1.0,
                                  "total_evaluation_time_secondes": "1.0"},
               "results": results, "config_tasks": config_tasks}
        with open(os.path.join(folder, f"results_2026-12-01T10-00-{i:02d}.123456.json"), "w") as f:
            json.dump(doc, f, indent=2, ensure_ascii=False)


def reference_aggregation(values, model, work):
    raw, agg = os.path.join(work, "raw"), os.path.join(work, "agg")
    os.makedirs(os.path.join(raw, model))
    lighteval_files(values, model, os.path.join(raw, model))
    subprocess.run([sys.executable, args.reference, "--model_name", model, "--raw_results_dir", raw,
                    "--aggregated_outputs_dir", agg], check=True, capture_output=True)
    with open(os.path.join(agg, model, "aggregated_results.json")) as f:
        return f.read()


rng = random.Random(18)
suite = load_run()
cases = {"suite": suite}
cases["random"] = randomized(suite, rng)
cases["partial"] = partial(cases["random"], rng)
for name, records in cases.items():
    model = records[0]["call"]["model"]
    with tempfile.TemporaryDirectory() as work:
        expected = reference_aggregation(per_task_values(records, work), model, work)
    with open(os.path.join(here, f"{name}.records.jsonl"), "w") as f:
        f.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    with open(os.path.join(here, f"{name}.expected.json"), "w") as f:
        f.write(expected)
    values = json.loads(expected)["results"]
    print(f"{name}: {len(records)} records, {sum(v != -1 for v in values.values())} of {len(values)} keys with values", file=sys.stderr)
