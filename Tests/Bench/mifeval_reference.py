"""The reference's own M-IFEval-Ja scoring, for the bench (and for computing more golden cases):
`mifeval_ja_metric` from the reference repository's lighteval/src/lighteval/tasks/swallow/mifeval_ja/,
imported unchanged from REFERENCE_SRC (a directory holding that package's four files), with the
few lighteval names its main.py imports replaced by empty stand-ins (they only declare the task).

Reads records as `score` reads them ({row: {prompt, instruction_id_list, kwargs}, responses: [{answer}]}),
prints the metric's dict per record, and the seconds spent scoring (imports excluded) on stderr:
wall-clock, then CPU.
"""
import json
import os
import sys
import time
import types


def stand_in(name, **attrs):
    module = types.ModuleType(name)
    module.__dict__.update(attrs)
    sys.modules[name] = module
    return module


class Anything:
    def __init__(self, *args, **kwargs):
        self.__dict__.update(kwargs)

    def __getattr__(self, name):
        return name


class Doc:
    def __init__(self, **kwargs):
        self.__dict__.update(kwargs)


for name in ["lighteval", "lighteval.metrics", "lighteval.metrics.utils", "lighteval.tasks", "lighteval.tasks.swallow"]:
    stand_in(name).__path__ = []
stand_in("lighteval.metrics.metrics", Metrics=Anything())
stand_in("lighteval.metrics.utils.metric_utils", MetricCategory=Anything(), MetricUseCase=Anything(),
         SampleLevelMetricGrouping=Anything)
stand_in("lighteval.tasks.lighteval_task", LightevalTaskConfig=Anything)
stand_in("lighteval.tasks.requests", Doc=Doc)
package = stand_in("lighteval.tasks.swallow.mifeval_ja")
package.__path__ = [os.environ["REFERENCE_SRC"]]

from lighteval.tasks.swallow.mifeval_ja.main import mifeval_ja_metric, mifeval_ja_prompt  # noqa: E402

records = [json.loads(line) for line in sys.stdin]
start, cpu = time.perf_counter(), time.process_time()
for r in records:
    doc = mifeval_ja_prompt(r["row"], "mifeval_ja")
    result = mifeval_ja_metric([r["responses"][0]["answer"]], doc)
    print(json.dumps(result, ensure_ascii=False))
print(f"{time.perf_counter() - start:.3f} {time.process_time() - cpu:.3f}", file=sys.stderr)
