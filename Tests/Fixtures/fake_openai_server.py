#!/usr/bin/env python3
"""A fake OpenAI-compatible chat server for tests (Python 3 stdlib only).

Binds 127.0.0.1 on a free port, prints the port on stdout, and exits when stdin closes (or on
SIGTERM). Answers derive from the request: each choice's content is
"<last user message>|seed=<seed>|i=<choice index>". Directives inside the last user message
select behaviours; counters are per distinct message, so every test uses its own text:

  [fail=500x2]        the first 2 requests with this message get HTTP 500 (any status works)
  [retry_after=1]     add `Retry-After: 1` to those failures
  [bad_request]       always HTTP 400 with an OpenAI-style error message
  [choices=1]         return at most 1 choice whatever n asks (llama-cpp-python)
  [stall=2.5]         wait 2.5 s before answering
  [hold=H]            wait until POST /control/release {"name": "H"} (at most 600 s)
  [reasoning]         add reasoning_content; [reasoning_key] uses the newer `reasoning` key
  [reverse]           list choices in reverse index order
  [capacity=g:4]      HTTP 429 while more than 4 requests of group g are being handled
  [echo_headers]      HTTP 401 whose body repeats the request headers (Authorization included), as
                      some proxies and debug servers do; [echo_key_answer] puts them in the answer
  [endless]           HTTP 200 whose body never ends (no Content-Length, bytes until the client leaves)
  [huge_usage]        usage counts of 2^63-1
  [chaos=0.4]         with probability 0.4 a random fault: 429, 500 or 503, a connection reset,
                      a stall of [chaos_stall=S] seconds (default 3) before answering, a 200 with a
                      malformed body, or a correct body trickled out slowly

Control: GET /control/requests?contains=TEXT lists {body, authorization} of the chat requests whose
body contains TEXT; GET /control/counters?contains=TEXT maps each last user message containing
TEXT to its number of requests; GET /control/stats gives {"max_active": most requests handled at
once}; POST /control/reset clears requests, counters and stats; POST /control/release
{"name": H} lets the [hold=H] requests answer. GET /v1/models lists one model.
A proxy request (absolute URL) for any host is answered as if it were ours.
"""
import json
import random
import re
import socket
import struct
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

lock = threading.Lock()
requests = []
counters = {}
holds = {}  # name -> threading.Event
active = 0
max_active = 0
groups = {}


def directive(text, name):
    m = re.search(r"\[" + name + r"(?:=([^\]]*))?\]", text)
    if not m:
        return None
    return m.group(1) if m.group(1) is not None else True


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, so the client can reuse connections

    def log_message(self, *args):
        pass

    def reply(self, status, obj, headers=()):
        """A negative status sends the body in small pieces with pauses (a slow network)."""
        data = json.dumps(obj).encode()
        try:
            self.send_response(abs(status))
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for k, v in headers:
                self.send_header(k, v)
            self.end_headers()
            if status < 0:
                for i in range(0, len(data), 16):
                    self.wfile.write(data[i:i + 16])
                    self.wfile.flush()
                    time.sleep(0.01)
            else:
                self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (timeout test)

    def do_GET(self):
        url = urlparse(self.path)
        if url.path == "/v1/models":
            return self.reply(200, {"object": "list", "data": [{"id": "fake-model", "object": "model"}]})
        if url.path == "/control/requests":
            needle = parse_qs(url.query).get("contains", [""])[0]
            with lock:
                hits = [r for r in requests if needle in json.dumps(r["body"])]
            return self.reply(200, hits)
        if url.path == "/control/counters":
            needle = parse_qs(url.query).get("contains", [""])[0]
            with lock:
                return self.reply(200, {k: v for k, v in counters.items() if needle in k})
        if url.path == "/control/stats":
            with lock:
                return self.reply(200, {"max_active": max_active})
        self.reply(404, {"error": {"message": "not found"}})

    def do_POST(self):
        global active, max_active
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.path == "/control/reset":
            with lock:
                requests.clear()
                counters.clear()
                max_active = 0
            return self.reply(200, {})
        if self.path == "/control/release":
            with lock:
                event = holds.setdefault(json.loads(body)["name"], threading.Event())
            event.set()
            return self.reply(200, {})
        if urlparse(self.path).path != "/v1/chat/completions":
            return self.reply(404, {"error": {"message": "not found"}})
        with lock:
            active += 1
            max_active = max(max_active, active)
        try:
            self.chat(json.loads(body))
        finally:
            with lock:
                active -= 1

    def chat(self, req):
        user = [m["content"] for m in req.get("messages", []) if m.get("role") == "user"]
        text = user[-1] if user else ""
        with lock:
            requests.append({"body": req, "authorization": self.headers.get("Authorization")})
            counters[text] = counters.get(text, 0) + 1
            count = counters[text]
        stall = directive(text, "stall")
        if stall:
            time.sleep(float(stall))
        hold = directive(text, "hold")
        if hold:
            with lock:
                event = holds.setdefault(hold, threading.Event())
            event.wait(600)
        capacity = directive(text, "capacity")
        if capacity:
            group, cap = capacity.split(":")
            with lock:
                groups[group] = groups.get(group, 0) + 1
                over = groups[group] > int(cap)
            try:
                if over:
                    return self.reply(429, {"error": {"message": "rate limited"}})
                time.sleep(0.05)
                return self.answer(req, text)
            finally:
                with lock:
                    groups[group] -= 1
        chaos = directive(text, "chaos")
        if chaos and random.random() < float(chaos):
            return self.fault(req, text, random.choice(["429", "500", "503", "reset", "stall", "malformed", "slow"]))
        fail = directive(text, "fail")
        if fail:
            status, times = fail.split("x")
            if count <= int(times):
                after = directive(text, "retry_after")
                headers = [("Retry-After", after)] if after else []
                return self.reply(int(status), {"error": {"message": f"injected {status}"}}, headers)
        if directive(text, "echo_headers"):
            headers = "\n".join(f"{k}: {v}" for k, v in self.headers.items())
            return self.reply(401, {"error": {"message": f"invalid key; you sent:\n{headers}"}})
        if directive(text, "endless"):
            try:
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Connection", "close")
                self.end_headers()
                self.close_connection = True
                self.wfile.write(b'{"choices": [{"message": {"content": "')
                chunk = b"x" * 65536
                while True:
                    self.wfile.write(chunk)
            except (BrokenPipeError, ConnectionResetError):
                return
        if directive(text, "bad_request"):
            return self.reply(400, {"error": {"message": "This model's maximum context length is 4096 tokens",
                                              "type": "BadRequestError", "code": 400}})
        self.answer(req, text)

    def fault(self, req, text, kind):
        if kind in ("429", "500", "503"):
            return self.reply(int(kind), {"error": {"message": f"injected {kind}"}})
        if kind == "reset":
            # SO_LINGER 0: close() sends RST, as a crashed server or a dropped proxy connection does.
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True
            self.connection.close()
            return
        if kind == "stall":
            time.sleep(float(directive(text, "chaos_stall") or 3))
            return self.answer(req, text)
        if kind == "malformed":
            data = b'{"id": "chatcmpl-fake", "choices": [{"index": 0, "mess'
            try:
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass
            return
        self.answer(req, text, trickle=True)

    def answer(self, req, text, trickle=False):
        n = req.get("n", 1)
        cap = directive(text, "choices")
        if cap:
            n = min(n, int(cap))
        choices = []
        for i in range(n):
            message = {"role": "assistant", "content": f"{text}|seed={req.get('seed')}|i={i}"}
            if directive(text, "echo_key_answer"):
                message["content"] += "|" + str(self.headers.get("Authorization"))
            if directive(text, "reasoning"):
                message["reasoning_content"] = f"thinking {i}"
            if directive(text, "reasoning_key"):
                message["reasoning"] = f"thinking {i}"
            choices.append({"index": i, "message": message, "finish_reason": "stop", "logprobs": None})
        if directive(text, "reverse"):
            choices.reverse()
        self.reply(200 if not trickle else -200, {
            "id": "chatcmpl-fake", "object": "chat.completion", "created": int(time.time()),
            "model": req.get("model"), "choices": choices,
            "usage": {"prompt_tokens": 2**63 - 1, "completion_tokens": 2**63 - 1, "total_tokens": 2**63 - 1}
            if directive(text, "huge_usage") else
            {"prompt_tokens": 10, "completion_tokens": 5 * n, "total_tokens": 10 + 5 * n},
            "timings": {"prompt_ms": 1.5},  # llama-server adds this; clients must ignore it
        })


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 1024  # the default backlog of 5 drops bursts of concurrent connects

    def handle_error(self, request, client_address):
        pass  # injected resets and clients that gave up are expected, not worth a traceback


def main():
    server = Server(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(server.server_address[1], flush=True)
    sys.stdin.read()  # returns when the test closes our stdin or exits
    server.shutdown()


if __name__ == "__main__":
    main()
