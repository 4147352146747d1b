"""The reference's execution path for the bench: lighteval's own codegen_metrics (PyPI lighteval
0.8.1, the LiveCodeBench harness the Swallow fork copied), called as lcb_swallow.py calls it: one
problem per call, once per metric (pass@1 and pass@10). Reads bench records on stdin, prints
the wall seconds of the whole loop on stderr and each record's results on stdout."""
import json, sys, time
from lighteval.tasks.extended.lcb.codegen_metrics import codegen_metrics

records = [json.loads(l) for l in sys.stdin]
start = time.time()
for r in records:
    sample = [{"input_output": json.dumps(r["bench"])}]
    gens = [[c for c in r["codes"]]]
    for k in (1, 10):
        metrics, results = codegen_metrics(sample, gens, k_list=[k], num_process_evaluate=8)
    print(json.dumps(results[0]))
print(time.time() - start, file=sys.stderr)
