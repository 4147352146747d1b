#!/usr/bin/env python3
"""A small Hugging Face Hub on loopback for the tests: serves ROOT/{org}/{name}/{branch}/… (a branch
directory named with %2F for slashes: refs%2Fconvert%2Fparquet) the way huggingface.co does.

    GET  /api/datasets/{repo}/revision/{rev}          {"id", "sha", "siblings": [{"rfilename"}]}
    HEAD/GET /datasets/{repo}/resolve/{rev}/{path}    X-Repo-Commit and ETag; *.parquet and *.zip are "LFS"
    (models: /api/models/… and /{repo}/resolve/…, the same repositories)
         files: 302 to /cdn/… with X-Linked-Etag (their sha256) and X-Linked-Size
    GET  /cdn/{repo}/{branch}/{path}                  the bytes; honours Range: bytes=N-

A repo directory holding a file `.gated` answers 401 unless `Authorization: Bearer TOKEN` is sent;
a file `.commit-{branch dir}` gives that branch's commit (else a SHA-1 of repo@branch).
Misbehaviour for the tests, once per file: --drop PATH closes the connection halfway through the
file; --stall PATH:SECONDS stops sending halfway for that long; --oversize PATH sends 100 bytes more
than the file; --undersize PATH sends half the file (both with a matching Content-Length);
--bad-range PATH answers a range request with a 206 starting at 0. Always: --no-range ignores Range
headers; --commit SHA, --repo-commit SHA and --etag VALUE replace what the API, X-Repo-Commit and
ETags say; --sibling NAME adds a listing entry; --filler N adds N more (a large repository, whose
`siblings` the API cuts at 5,000; GET /api/…/tree/{rev}?recursive=true pages through all of it;
--foreign-next points its next pages at another host; --location URL redirects LFS files there).
Each request is logged to --log as `METHOD path range-header`. Prints the port on the first line.
"""
import argparse
import hashlib
import json
import os
import signal
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

args = None
once = set()
lock = threading.Lock()


def first_time(key):
    with lock:
        if key in once:
            return False
        once.add(key)
        return True


def commit_of(repo, branch):
    pinned = os.path.join(args.root, repo, ".commit-" + branch)
    if os.path.exists(pinned):
        return open(pinned).read().strip()
    return hashlib.sha1(f"{repo}@{branch}".encode()).hexdigest()


def branches(repo):
    d = os.path.join(args.root, repo)
    return sorted(os.listdir(d)) if os.path.isdir(d) else []


def find(repo, rev):
    """The branch directory a revision (branch name or commit) names, or None."""
    for b in branches(repo):
        if b.startswith("."):
            continue
        if urllib.parse.unquote(b) == rev or commit_of(repo, b) == rev:
            return b
    return None


def files(repo, branch):
    base = os.path.join(args.root, repo, branch)
    out = []
    for d, _, names in os.walk(base):
        for n in names:
            out.append(os.path.relpath(os.path.join(d, n), base))
    return sorted(out)


class Hub(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def do_HEAD(self):
        self.handle_any(head=True)

    def do_GET(self):
        self.handle_any(head=False)

    def reply(self, status, body=b"", headers=(), head=False):
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def error(self, status, message, head):
        self.reply(status, json.dumps({"error": message}).encode(), [("Content-Type", "application/json"), ("X-Error-Message", message)], head)

    def handle_any(self, head):
        if args.log:
            with lock, open(args.log, "a") as f:
                f.write(f"{self.command} {self.path} {self.headers.get('Range', '-')}\n")
        path = urllib.parse.urlsplit(self.path).path
        parts = path.split("/")
        try:
            if path.startswith(("/api/datasets/", "/api/models/")) and parts[5] == "tree":
                return self.tree("/".join(parts[3:5]), urllib.parse.unquote(parts[6]), head)
            if path.startswith(("/api/datasets/", "/api/models/")) and parts[5] == "revision":
                return self.revision("/".join(parts[3:5]), urllib.parse.unquote("/".join(parts[6:])), head)
            if path.startswith("/datasets/") and parts[4] == "resolve":
                repo = "/".join(parts[2:4])
                return self.resolve(repo, urllib.parse.unquote(parts[5]), urllib.parse.unquote("/".join(parts[6:])), head)
            if not path.startswith("/cdn/") and parts[3] == "resolve":  # a model: /{org}/{name}/resolve/…
                return self.resolve("/".join(parts[1:3]), urllib.parse.unquote(parts[4]), urllib.parse.unquote("/".join(parts[5:])), head)
            if path.startswith("/cdn/"):
                return self.cdn("/".join(parts[2:4]), parts[4], urllib.parse.unquote("/".join(parts[5:])), head)
        except IndexError:
            pass
        self.error(404, "not found", head)

    def gated(self, repo, head):
        if not os.path.exists(os.path.join(args.root, repo, ".gated")):
            return False
        if self.headers.get("Authorization") == f"Bearer {args.token}":
            return False
        self.error(401, f"Access to dataset {repo} is restricted. You must have access to it and be authenticated to access it. Please log in.", head)
        return True

    def revision(self, repo, rev, head):
        if self.gated(repo, head):
            return
        b = find(repo, rev)
        if b is None:
            return self.error(404, f"Revision Not Found for url: {self.path}", head)
        names = self.names(repo, b)
        if len(names) > 1000:  # as the Hub's caches may: a large list cut short (the tree is whole)
            names = names[:5000]
        body = {"id": repo, "sha": args.commit or commit_of(repo, b), "siblings": [{"rfilename": f} for f in names]}
        self.reply(200, json.dumps(body).encode(), [("Content-Type", "application/json")], head)

    def names(self, repo, branch):
        """Listing order: the filler first, so a list cut short misses the real files."""
        return [f"filler/{i:05d}-{'x' * 40}.txt" for i in range(args.filler)] + files(repo, branch) + args.sibling

    def tree(self, repo, rev, head):
        """The paginated recursive tree: 1000 files a page, the next page in a Link header."""
        if self.gated(repo, head):
            return
        b = find(repo, rev)
        if b is None:
            return self.error(404, f"Revision Not Found for url: {self.path}", head)
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
        start = int(query.get("cursor", ["0"])[0])
        names = self.names(repo, b)
        page = [{"type": "file", "oid": "0" * 40, "size": 1, "path": f} for f in names[start:start + 1000]]
        headers = [("Content-Type", "application/json")]
        if start + 1000 < len(names):
            host = "elsewhere.invalid" if args.foreign_next else self.headers["Host"]
            base = f"http://{host}{urllib.parse.urlsplit(self.path).path}"
            headers.append(("Link", f'<{base}?recursive=true&expand=false&cursor={start + 1000}>; rel="next"'))
        self.reply(200, json.dumps(page).encode(), headers, head)

    def resolve(self, repo, rev, file, head):
        if self.gated(repo, head):
            return
        b = find(repo, rev)
        full = os.path.join(args.root, repo, b or "-", file)
        if b is None or not os.path.isfile(full):
            return self.error(404, "Entry not found", head)
        data = open(full, "rb").read()
        common = [("X-Repo-Commit", args.repo_commit or commit_of(repo, b))]
        if file.endswith((".parquet", ".zip")) or file in args.oversize + args.undersize + args.bad_range or args.no_range:
            sha = args.etag or hashlib.sha256(data).hexdigest()
            location = args.location or "/cdn/" + repo + "/" + b + "/" + urllib.parse.quote(file)
            return self.reply(302, b"", common + [("Location", location), ("X-Linked-Etag", f'"{sha}"'),
                                                  ("X-Linked-Size", str(len(data))), ("ETag", '"pointer"')], head)
        blob = args.etag or hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()
        self.reply(200, data, common + [("ETag", f'"{blob}"')], head)

    def cdn(self, repo, branch, file, head):
        full = os.path.join(args.root, repo, branch, file)
        if not os.path.isfile(full):
            return self.error(404, "no such object", head)
        data = open(full, "rb").read()
        start = 0
        rng = None if args.no_range else self.headers.get("Range")
        if rng and rng.startswith("bytes="):
            start = int(rng[6:].split("-")[0])
        if start >= len(data) and len(data) > 0:
            return self.reply(416, b"", [("Content-Range", f"bytes */{len(data)}")], head)
        if file in args.oversize and first_time(("oversize", file)):
            return self.reply(200, data + b"x" * 100, [], head)
        if file in args.undersize and first_time(("undersize", file)):
            return self.reply(200, data[: len(data) // 2], [], head)
        if start > 0 and file in args.bad_range and first_time(("bad-range", file)):
            return self.reply(206, data, [("Content-Range", f"bytes 0-{len(data) - 1}/{len(data)}")], head)
        status = 206 if start > 0 else 200
        self.send_response(status)
        if status == 206:
            self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
        self.send_header("Content-Length", str(len(data) - start))
        self.end_headers()
        if head:
            return
        body = data[start:]
        half = len(body) // 2
        if file in args.drop and first_time(("drop", file)):
            self.wfile.write(body[:half])
            self.wfile.flush()
            self.close_connection = True
            self.connection.shutdown(2)
            return
        stall = dict(s.rsplit(":", 1) for s in args.stall)
        if file in stall and first_time(("stall", file)):
            self.wfile.write(body[:half])
            self.wfile.flush()
            time.sleep(float(stall[file]))
            try:
                self.wfile.write(body[half:])
            except OSError:
                pass
            return
        self.wfile.write(body)


def main():
    global args
    p = argparse.ArgumentParser()
    p.add_argument("--root", required=True)
    p.add_argument("--token", default="secret-token")
    p.add_argument("--drop", action="append", default=[])
    p.add_argument("--stall", action="append", default=[])
    p.add_argument("--log")
    p.add_argument("--oversize", action="append", default=[])
    p.add_argument("--undersize", action="append", default=[])
    p.add_argument("--bad-range", action="append", default=[])
    p.add_argument("--no-range", action="store_true")
    p.add_argument("--commit")
    p.add_argument("--repo-commit")
    p.add_argument("--etag")
    p.add_argument("--sibling", action="append", default=[])
    p.add_argument("--filler", type=int, default=0)
    p.add_argument("--foreign-next", action="store_true")
    p.add_argument("--location")
    args = p.parse_args()
    # A parent may have blocked SIGTERM (test runners do): make stopping us work regardless.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    server = ThreadingHTTPServer(("127.0.0.1", 0), Hub)
    server.daemon_threads = True
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
