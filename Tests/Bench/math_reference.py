"""The reference's math verification cost on the bench's answers: for each record, the gold and
the response go through latex2sympy2_extended 1.0.6 (normalize_latex with lighteval's
configuration, then latex2sympy) and are compared as lighteval's sympy_expr_eq does in its common
path (structural and string equality, rounding when a side is a Float, then simplify(a - b)).
lighteval's regex scan is left out, which only favours the reference, and so is Python's start-up
and import time: the seconds spent verifying go to stderr. Each parse and comparison has the
reference's 5-second limit (a signal alarm, as lighteval's `timeout`). Prints one line per record:
1 when equal, else 0."""
import json
import signal
import sys
import time

from latex2sympy2_extended.latex2sympy2 import NormalizationConfig, latex2sympy, normalize_latex
from sympy import Basic, Float, Number, simplify

CONFIG = NormalizationConfig(basic_latex=True, units=True, malformed_operators=True, nits=True, boxed="all", equations=True)


class Timeout(Exception):
    pass


def alarm(signum, frame):
    raise Timeout()


signal.signal(signal.SIGALRM, alarm)


def limited(f, *args):
    signal.alarm(5)
    try:
        return f(*args)
    except Exception:
        return None
    finally:
        signal.alarm(0)


def parse(text):
    try:
        return latex2sympy(normalize_latex(text, CONFIG), convert_degrees=False, normalization_config=None)
    except Exception:
        return None


def equal(a, b, precision=5):
    if a is None or b is None:
        return False
    try:
        if a == b or str(a).strip() == str(b).strip():
            return True
        if isinstance(a, Basic) and isinstance(b, Basic):
            if isinstance(a, Float) or isinstance(b, Float):
                x, y = a.doit(), b.doit()
                if isinstance(x, Number) and isinstance(y, Number):
                    return x.round(precision) == y.round(precision)
            return simplify(a - b).is_zero is True
    except Exception:
        return False
    return False


records = [json.loads(line) for line in sys.stdin]
start = time.perf_counter()
for r in records:
    gold = limited(parse, r["target"]["golds"][0])
    pred = limited(parse, r["responses"][0]["answer"])
    print(1 if limited(equal, gold, pred) else 0)
print(f"{time.perf_counter() - start:.3f}", file=sys.stderr)
