#!/usr/bin/env python3
"""The write side of the Hugging Face Hub on loopback, for bin/publish's tests. It checks every
request the way the Hub would and refuses what the Hub would refuse:

    POST /api/repos/create                              {type, name, organization, private}; 409 if it exists
    POST /api/datasets/{repo}/preupload/{rev}           {files: [{path, sample, size, sha}]} → uploadMode
         (lfs for files of --lfs-threshold bytes or more, as the Hub does for large files)
    POST /datasets/{repo}.git/info/lfs/objects/batch    git-lfs batch: upload actions for unknown oids only
    PUT  /storage/{oid}?sig=…                           the object; must carry the signed header, never a token
    POST /verify/{oid}                                  {oid, size}
    POST /api/datasets/{repo}/commit/{rev}              x-ndjson: header, file (base64), lfsFile lines

Every API request needs `Authorization: Bearer TOKEN` (--token). Committed files are written under
ROOT/{repo}/{rev}/{path}; ROOT/{repo}/.private holds the private flag. --fail-once PATH answers the
first request to that path with a 500 (clients must retry). Each request is logged to --log as
`METHOD path auth` (auth: token, none or other). Prints the port on the first line.
"""
import argparse
import base64
import hashlib
import json
import os
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

args = None
lock = threading.Lock()
failed = set()
objects = {}  # oid -> bytes


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def reply(self, code, body=b"", ctype="application/json"):
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
        elif isinstance(body, str):
            body = body.encode()
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n)

    def auth(self):
        a = self.headers.get("Authorization")
        return "none" if a is None else "token" if a == "Bearer " + args.token else "other"

    def handle_any(self, method):
        path = self.path.split("?")[0]
        data = self.body()
        auth = self.auth()
        with open(args.log, "a") as log:
            log.write(f"{method} {path} {auth}\n")
        with lock:
            if path in args.fail_once and path not in failed:
                failed.add(path)
                return self.reply(500, {"error": "try again"})
        if path.startswith("/storage/"):
            return self.storage(method, path, data, auth)
        if auth != "token":
            # The Hub echoes nothing of the header; we echo it to prove clients redact what comes back.
            return self.reply(401, {"error": "Invalid credentials in Authorization header: " + str(self.headers.get("Authorization"))})
        m = re.fullmatch(r"/api/datasets/([^/]+/[^/]+)/(preupload|commit)/(.+)", path)
        if method == "POST" and path == "/api/repos/create":
            return self.create(json.loads(data))
        if method == "POST" and m and m.group(2) == "preupload":
            return self.preupload(m.group(1), json.loads(data))
        if method == "POST" and m and m.group(2) == "commit":
            return self.commit(m.group(1), m.group(3), data)
        m = re.fullmatch(r"/datasets/([^/]+/[^/]+)\.git/info/lfs/objects/batch", path)
        if method == "POST" and m:
            if "application/vnd.git-lfs+json" not in (self.headers.get("Accept") or ""):
                return self.reply(406, {"message": "Accept must be application/vnd.git-lfs+json"})
            return self.batch(json.loads(data))
        m = re.fullmatch(r"/verify/([0-9a-f]{64})", path)
        if method == "POST" and m:
            v = json.loads(data)
            ok = v.get("oid") == m.group(1) and m.group(1) in objects and len(objects[m.group(1)]) == v.get("size")
            return self.reply(200 if ok else 422, {"ok": ok})
        return self.reply(404, {"error": f"no route {method} {path}"})

    def create(self, req):
        if req.get("type") != "dataset" or not req.get("name") or not isinstance(req.get("private"), bool):
            return self.reply(400, {"error": "bad create request"})
        repo = os.path.join(args.root, req.get("organization") or "user", req["name"])
        if os.path.isdir(repo):
            return self.reply(409, {"error": "You already created this dataset repo"})
        os.makedirs(repo)
        with open(os.path.join(repo, ".private"), "w") as f:
            f.write(json.dumps(req["private"]))
        return self.reply(200, {"url": f"http://127.0.0.1/datasets/{req.get('organization')}/{req['name']}"})

    def preupload(self, repo, req):
        if not os.path.isdir(os.path.join(args.root, repo)):
            return self.reply(404, {"error": "Repository not found"})
        out = []
        for f in req["files"]:
            if not re.fullmatch(r"[0-9a-f]{64}", f.get("sha", "")) or not isinstance(f.get("size"), int):
                return self.reply(400, {"error": "bad file entry"})
            sample = base64.b64decode(f["sample"], validate=True)
            if len(sample) > 512:
                return self.reply(400, {"error": "sample over 512 bytes"})
            mode = "lfs" if f["size"] >= args.lfs_threshold else "regular"
            out.append({"path": f["path"], "uploadMode": mode, "shouldIgnore": False})
        return self.reply(200, {"files": out, "commitOid": "0" * 40})

    def batch(self, req):
        if req.get("operation") != "upload" or req.get("hash_algo", "sha256") != "sha256":
            return self.reply(422, {"message": "bad batch"})
        port = self.server.server_address[1]
        out = []
        for o in req["objects"]:
            entry = {"oid": o["oid"], "size": o["size"]}
            if o["oid"] not in objects:
                entry["actions"] = {
                    "upload": {"href": f"http://127.0.0.1:{port}/storage/{o['oid']}?sig=s3cr3t", "header": {"X-Upload-Signature": "sig-" + o["oid"][:8]}},
                    "verify": {"href": f"http://127.0.0.1:{port}/verify/{o['oid']}", "header": {"X-Verify": "1"}},
                }
            out.append(entry)
        return self.reply(200, {"transfer": "basic", "objects": out}, "application/vnd.git-lfs+json")

    def storage(self, method, path, data, auth):
        oid = path.rsplit("/", 1)[1]
        if method != "PUT" or auth != "none":
            return self.reply(403, {"error": "storage takes a signed PUT and no Authorization header"})
        if self.headers.get("X-Upload-Signature") != "sig-" + oid[:8]:
            return self.reply(403, {"error": "bad signature"})
        if hashlib.sha256(data).hexdigest() != oid:
            return self.reply(400, {"error": "content does not match its oid"})
        with lock:
            objects[oid] = data
        return self.reply(200, "")

    def commit(self, repo, rev, data):
        if "application/x-ndjson" not in (self.headers.get("Content-Type") or ""):
            return self.reply(415, {"error": "expected application/x-ndjson"})
        lines = [json.loads(l) for l in data.split(b"\n") if l.strip()]
        if not lines or lines[0].get("key") != "header" or not lines[0]["value"].get("summary"):
            return self.reply(400, {"error": "the first line must be the header"})
        files = {}
        for l in lines[1:]:
            v = l["value"]
            if l["key"] == "file":
                if v.get("encoding") != "base64":
                    return self.reply(400, {"error": "encoding"})
                files[v["path"]] = base64.b64decode(v["content"], validate=True)
            elif l["key"] == "lfsFile":
                if v.get("algo") != "sha256" or v["oid"] not in objects or len(objects[v["oid"]]) != v.get("size"):
                    return self.reply(400, {"error": f"LFS object {v.get('oid')} was not uploaded"})
                files[v["path"]] = objects[v["oid"]]
            else:
                return self.reply(400, {"error": "unknown key " + str(l["key"])})
        for p, content in files.items():
            if p.startswith("/") or ".." in p.split("/"):
                return self.reply(400, {"error": "bad path " + p})
            target = os.path.join(args.root, repo, rev, p)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with open(target, "wb") as f:
                f.write(content)
        oid = hashlib.sha1(data).hexdigest()
        return self.reply(200, {"commitOid": oid, "commitUrl": f"http://127.0.0.1/datasets/{repo}/commit/{oid}"})

    def do_POST(self):
        self.handle_any("POST")

    def do_PUT(self):
        self.handle_any("PUT")

    def do_GET(self):
        self.handle_any("GET")


def main():
    global args
    p = argparse.ArgumentParser()
    p.add_argument("--root", required=True)
    p.add_argument("--token", required=True)
    p.add_argument("--log", required=True)
    p.add_argument("--lfs-threshold", type=int, default=10 * 1024 * 1024)
    p.add_argument("--fail-once", action="append", default=[])
    args = p.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
