/// The Python side of the engine: one long-lived interpreter per worker (inside the sandbox) that
/// has the reference's star-imported modules loaded once and forks a fresh child per program, so
/// Python's start-up stays off the critical path. Our own code; it reproduces the reference's
/// grading semantics (lighteval's extended/lcb/codegen_metrics.py in swallow-evaluation-instruct
/// 3520211): the same program assembly, the same signal.alarm timeouts, the same mock patches of
/// stdin in stdin mode, the same Decimal line comparison and result codes.
///
/// Protocol on the worker's stdin/stdout, one JSON object per line. Request: `{"mode":
/// "check"|"stdin"|"call", "code", "test"/"fn_name"/"inputs"/"outputs", "timeout"}`. Reply:
/// `{"result": [...]}` (the grader's list), `{"result": null, "why": ...}` (the program ended
/// without a result: the caller applies the reference's default) or `{"error": ...}` (the harness
/// itself failed).
enum Harness {
    static let source = #"""
import ast, ctypes, faulthandler, json, os, resource, secrets, select, shutil, signal, sys, tempfile, time
from decimal import Decimal
from io import StringIO
from types import ModuleType
from unittest.mock import mock_open, patch

IMPORTS = ("from string import *\nfrom re import *\nfrom datetime import *\nfrom collections import *\n"
    "from heapq import *\nfrom bisect import *\nfrom copy import *\nfrom math import *\nfrom random import *\n"
    "from statistics import *\nfrom itertools import *\nfrom functools import *\nfrom operator import *\n"
    "from io import *\nfrom sys import *\nfrom json import *\nfrom builtins import *\nfrom typing import *\n"
    "import string\nimport re\nimport datetime\nimport collections\nimport heapq\nimport bisect\nimport copy\n"
    "import math\nimport random\nimport statistics\nimport itertools\nimport functools\nimport operator\n"
    "import io\nimport sys\nimport json\nsys.setrecursionlimit(50000)\n")
# Load what every program star-imports once, before any fork.
exec(compile(IMPORTS, "<imports>", "exec"), {})
# The reference's children are forked from lighteval, which has numpy loaded: a program's
# `import numpy` is then a lookup, unaffected by the guard (numpy's own import needs os.getcwd…).
try:
    import numpy
except ImportError:
    pass
sys.setrecursionlimit(1000)
LIMITS = json.loads(sys.argv[1])
# The spawning thread's signal mask is inherited: SIGALRM must get through to the alarms.
signal.pthread_sigmask(signal.SIG_SETMASK, set())
OUTPUT_CAP = LIMITS["output_cap"]
libc = ctypes.CDLL(None, use_errno=True)
PR_SET_PDEATHSIG, PR_SET_CHILD_SUBREAPER = 1, 36
libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
# Orphans of a program (a double-forked daemon) are re-parented to us, so we can kill them.
libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
BASE = tempfile.mkdtemp(prefix="run-", dir=LIMITS.get("tmp") or None)
os.chmod(BASE, 0o711)

class TimeoutException(Exception):
    pass

def on_alarm(signum, frame):
    print("timeout occured: alarm went off")
    raise TimeoutException

class Capture(list):
    # Python-level stdout capture, as the reference grades stdin programs.
    def __enter__(self):
        self.saved = sys.stdout
        sys.stdout = self.buffer = StringIO()
        self.buffer.close = lambda x: 1
        return self
    def __exit__(self, *exc):
        self.append(self.buffer.getvalue())
        sys.stdout = self.saved

def compile_code(code, timeout):
    signal.alarm(timeout)
    try:
        module = ModuleType("tmp_sol", "")
        exec(code, module.__dict__)
        compiled = module.Solution() if "class Solution" in code else module
        assert compiled is not None
    finally:
        signal.alarm(0)
    return compiled

def lookup(obj, name):
    try:
        assert hasattr(obj, name)
        return getattr(obj, name)
    except Exception:
        return None

def unwrap_main(code):
    # A trailing `if __name__ == '__main__':` block runs at top level.
    try:
        tree = ast.parse(code)
        last = tree.body[-1]
        if isinstance(last, ast.If) and ast.unparse(last.test).strip() == "__name__ == '__main__'":
            code = ast.unparse(tree.body[:-1]) + "\n" + ast.unparse(last.body)
    except Exception:
        pass
    return code

def as_function(code):
    # Imports stay at module level; every other statement becomes the body of wrapped_function.
    try:
        tree = ast.parse(code)
        imports = [s for s in tree.body if isinstance(s, (ast.Import, ast.ImportFrom))]
        others = [s for s in tree.body if not isinstance(s, (ast.Import, ast.ImportFrom))]
        fn = ast.FunctionDef(name="wrapped_function",
            args=ast.arguments(posonlyargs=[], args=[], kwonlyargs=[], kw_defaults=[], defaults=[]),
            body=others, decorator_list=[], lineno=-1)
        return IMPORTS + "\n" + ast.unparse(imports) + "\n" + ast.unparse(fn)
    except Exception:
        return code

def lazy_mock_open(text):
    # The reference's mock_open(read_data=text), built on the first call of open(): it is about ten
    # MagicMocks, most of a trivial program's grading time, and few programs call open().
    made = []
    def opener(*args, **kwargs):
        if not made:
            made.append(mock_open(read_data=text))
        return made[0](*args, **kwargs)
    return opener

def call_with_stdin(method, text):
    lines = iter(text.split("\n"))
    # Stacked like the reference's decorators: the read/readline/readlines patches land on the
    # original sys.stdin object, not on the StringIO.
    @patch("builtins.open", lazy_mock_open(text))
    @patch("sys.stdin", StringIO(text))
    @patch("sys.stdin.readline", lambda *a: next(lines))
    @patch("sys.stdin.readlines", lambda *a: text.split("\n"))
    @patch("sys.stdin.read", lambda *a: text)
    def inner(m):
        try:
            return m()
        except SystemExit:
            pass
    return inner(method)

def stripped_lines(s):
    return [line.strip() for line in s.strip().split("\n")]

def decimals(line):
    try:
        return [Decimal(t) for t in line.split()]
    except Exception:
        return None

def grade_stdin(code, inputs, outputs, timeout):
    method = lookup(compile_code(as_function(unwrap_main(code)), timeout), "wrapped_function")
    if method is None:
        return [-4]
    results = []
    for given, want in zip(inputs, outputs):
        signal.alarm(timeout)
        faulthandler.enable()
        with Capture() as out:
            try:
                call_with_stdin(method, "\n".join(given) if isinstance(given, list) else given)
                signal.alarm(0)
            except Exception as e:
                signal.alarm(0)
                results.append(-3 if "timeoutexception" in repr(e).lower() else -4)
                return results
            finally:
                signal.alarm(0)
                faulthandler.disable()
        got_lines, want_lines = stripped_lines(out[0]), stripped_lines(want)
        if len(got_lines) != len(want_lines):
            results.append(-2)
            return results
        for g, w in zip(got_lines, want_lines):
            if g == w:
                continue
            dg, dw = decimals(g), decimals(w)
            if dg is None or dw is None or dg != dw:
                results.append(-2)
                return results
        results.append(True)
    return results

def grade_call(code, inputs, outputs, fn_name, timeout):
    code = IMPORTS + "\n\n" + code
    method = lookup(compile_code(code, timeout), fn_name)
    if method is None:
        return [-4]
    inputs = [[json.loads(line) for line in i.split("\n")] for i in inputs]
    outputs = [json.loads(o) for o in outputs]
    results = []
    for args, want in zip(inputs, outputs):
        signal.alarm(timeout)
        faulthandler.enable()
        try:
            got = method(*args)
            signal.alarm(0)
            if isinstance(got, tuple):
                got = list(got)
            ok = got == want
            results.append(ok)
            if not ok:
                return results
        except Exception as e:
            signal.alarm(0)
            results.append(-3 if "timeoutexception" in repr(e).lower() else -4)
            return results
        finally:
            signal.alarm(0)
            faulthandler.disable()
    return results

def grade_check(code, entry_point, test, timeout):
    module = compile_code(IMPORTS + "\n\n" + code + "\n\n" + test, timeout)
    method, check = lookup(module, entry_point), lookup(module, "check")
    if method is None or check is None:
        return [-4]
    signal.alarm(timeout)
    faulthandler.enable()
    try:
        check(method)
        signal.alarm(0)
        return [True]
    except Exception as e:
        signal.alarm(0)
        return [-3] if "timeoutexception" in repr(e).lower() else [False]
    finally:
        signal.alarm(0)
        faulthandler.disable()

def grade(req):
    timeout = req["timeout"]
    signal.alarm(timeout)
    try:
        if req["mode"] == "check":
            return grade_check(req["code"], req["fn_name"], req["test"], timeout)
        if req["mode"] == "call":
            return grade_call(req["code"], req["inputs"], req["outputs"], req["fn_name"], timeout)
        return grade_stdin(req["code"], req["inputs"], req["outputs"], timeout)
    except Exception:
        return [-4]
    finally:
        signal.alarm(0)

def guard():
    # The reference's reliability_guard: not a security measure here (the sandbox is), but
    # programs see the same crippled os/shutil/subprocess, so verdicts match.
    import builtins, subprocess
    faulthandler.disable()
    builtins.quit = None
    os.environ["OMP_NUM_THREADS"] = "1"
    for name in ("kill", "system", "putenv", "remove", "removedirs", "rmdir", "fchdir", "setuid", "fork",
                 "forkpty", "killpg", "rename", "renames", "truncate", "replace", "unlink", "fchmod", "fchown",
                 "chmod", "chown", "chroot", "lchflags", "lchmod", "lchown", "getcwd", "chdir"):
        setattr(os, name, None)
    shutil.rmtree = shutil.move = shutil.chown = None
    subprocess.Popen = None
    builtins.help = None
    for name in ("ipdb", "joblib", "resource", "psutil", "tkinter"):
        sys.modules[name] = None

def child(req, result_fd, output_fd, home, uid, nonce):
    try:
        os.setsid()
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        hard = lambda n: (n, n)
        resource.setrlimit(resource.RLIMIT_AS, hard(LIMITS["memory"]))
        resource.setrlimit(resource.RLIMIT_FSIZE, hard(LIMITS["file_size"]))
        resource.setrlimit(resource.RLIMIT_NOFILE, hard(LIMITS["open_files"]))
        resource.setrlimit(resource.RLIMIT_NPROC, hard(LIMITS["processes"]))
        resource.setrlimit(resource.RLIMIT_CORE, hard(0))
        cpu = req["wall"] + 1
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.dup2(output_fd, 1)
        os.dup2(output_fd, 2)
        os.dup2(result_fd, 3)
        os.closerange(4, 1 << 16)
        os.chdir(home)
        if uid is not None:
            os.setgroups([])
            os.setgid(uid)
            os.setuid(uid)
        os.environ.clear()
        os.environ.update({"HOME": home, "TMPDIR": home, "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"})
        sys.stdin = open(os.devnull)
        sys.stdout = open(1, "w", closefd=False)
        sys.stderr = open(2, "w", closefd=False)
        sys.set_int_max_str_digits(50000)
        sys.setrecursionlimit(1000)
        signal.signal(signal.SIGALRM, on_alarm)
        channel = open(3, "w", closefd=False)
        guard()
    except BaseException as e:
        os.write(result_fd, (json.dumps({"nonce": nonce, "error": "sandbox set-up: %r" % e}) + "\n").encode())
        os._exit(70)
    try:
        result = grade(req)
        channel.write(json.dumps({"nonce": nonce, "result": result}) + "\n")
        channel.flush()
    except BaseException:
        # SystemExit, KeyboardInterrupt…: the reference's child ends without a result, too.
        pass
    os._exit(0)

def children():
    pids = []
    for tid in os.listdir("/proc/self/task"):
        try:
            with open("/proc/self/task/%s/children" % tid) as f:
                pids += [int(p) for p in f.read().split()]
        except OSError:
            pass
    return pids

def reap_all(pid):
    # The program's session, then every orphan re-parented to us, until none is left.
    for _ in range(1000):
        try:
            os.killpg(pid, signal.SIGKILL)
        except OSError:
            pass
        left = children()
        if not left:
            return
        for p in left:
            try:
                os.kill(p, signal.SIGKILL)
            except OSError:
                pass
        while True:
            try:
                if os.waitpid(-1, os.WNOHANG)[0] == 0:
                    break
            except ChildProcessError:
                break
        time.sleep(0.001)

def run(req, slot):
    uid = LIMITS["uid"]
    home = tempfile.mkdtemp(dir=BASE)
    if uid is not None:
        os.chown(home, uid, uid)
    nonce = secrets.token_hex(16)
    r_read, r_write = os.pipe()
    o_read, o_write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r_read)
        os.close(o_read)
        child(req, r_write, o_write, home, uid, nonce)
    os.close(r_write)
    os.close(o_write)
    deadline = time.monotonic() + req["wall"]
    channel, output, dropped = b"", b"", 0
    open_fds = {r_read, o_read}
    status = None
    timed_out = False
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            timed_out = True
            break
        ready, _, _ = select.select(list(open_fds), [], [], min(left, 0.05)) if open_fds else ([], [], [])
        for fd in ready:
            data = os.read(fd, 65536)
            if not data:
                open_fds.discard(fd)
            elif fd == r_read:
                if len(channel) < (1 << 20) + len(data):
                    channel += data
                else:
                    channel = b"overflow"
            else:
                keep = max(0, min(len(data), OUTPUT_CAP - len(output)))
                output += data[:keep]
                dropped += len(data) - keep
        if status is None:
            done, status_ = os.waitpid(pid, os.WNOHANG)
            if done:
                status = status_
        if status is not None and not open_fds:
            break
        if status is not None and not ready:
            # Exited; whatever it left running holds the pipes open: stop listening.
            break
    if status is None:
        try:
            os.killpg(pid, signal.SIGKILL)
        except OSError:
            pass
    reap_all(pid)
    os.close(r_read)
    os.close(o_read)
    shutil.rmtree(home, ignore_errors=True)
    reply = {"output_bytes": len(output) + dropped, "output": output.decode("utf-8", "replace")}
    try:
        message = json.loads(channel.decode()) if channel.count(b"\n") == 1 and channel.endswith(b"\n") else None
    except ValueError:
        message = None
    if isinstance(message, dict) and message.get("nonce") == nonce and "error" in message:
        reply["error"] = message["error"]
    elif timed_out:
        reply.update(result=None, why="global timeout")
    elif isinstance(message, dict) and message.get("nonce") == nonce and isinstance(message.get("result"), list):
        reply["result"] = message["result"]
    elif channel:
        reply.update(result=None, why="result channel corrupted")
    else:
        code = os.waitstatus_to_exitcode(status) if status is not None else None
        reply.update(result=None, why="ended without a result (exit status %s)" % code)
    return reply

def main():
    slot = 0
    out = os.fdopen(os.dup(1), "w")
    inp = os.fdopen(os.dup(0), "r")
    null = os.open(os.devnull, os.O_RDWR)
    os.dup2(null, 0)
    os.dup2(null, 1)
    out.write(json.dumps({"ready": True, "uid": LIMITS["uid"]}) + "\n")
    out.flush()
    for line in inp:
        try:
            reply = run(json.loads(line), slot)
        except Exception as e:
            reply = {"error": "harness: %r" % e}
        out.write(json.dumps(reply) + "\n")
        out.flush()

main()
"""#
}
