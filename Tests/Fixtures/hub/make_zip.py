#!/usr/bin/env python3
"""Writes a ZIP archive for the tests: `make_zip.py OUT` reads JSON from stdin, a list of
[name, text, method] with method "stored", "deflated" or "dir"; text is written as UTF-8 (a
leading U+FEFF becomes the byte order mark), or, for names under __MACOSX/, as the bytes of an
AppleDouble header followed by the text, as macOS writes resource forks."""
import json
import sys
import zipfile

with zipfile.ZipFile(sys.argv[1], "w") as z:
    for name, text, method in json.load(sys.stdin):
        if method == "dir":
            z.writestr(zipfile.ZipInfo(name), b"")
            continue
        data = text.encode("utf-8")
        if name.startswith("__MACOSX/"):
            data = b"\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X        " + data
        z.writestr(name, data, zipfile.ZIP_DEFLATED if method == "deflated" else zipfile.ZIP_STORED)
