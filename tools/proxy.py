"""A stand-in for the production proxy, for Lighthouse runs: gzip, /media/, the rest to gunicorn.

    python tools/proxy.py 8080 http://127.0.0.1:8000 media/

What nginx does in front of gunicorn in production (docs/performance.md): it serves
uploaded photos from MEDIA_ROOT and compresses HTML. Local use only (127.0.0.1).
"""

import gzip
import mimetypes
import sys
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

PORT, UPSTREAM, MEDIA = int(sys.argv[1]), sys.argv[2].rstrip("/"), Path(sys.argv[3]).resolve()
HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "content-encoding"}


class Proxy(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):  # noqa: N802
        if self.path.startswith("/media/"):
            return self.media()
        request = urllib.request.Request(
            UPSTREAM + self.path,
            headers={k: v for k, v in self.headers.items() if k.lower() != "host"}
            | {"Host": "127.0.0.1", "X-Forwarded-Proto": "http"},
        )
        try:
            response = urllib.request.urlopen(request, timeout=30)
        except urllib.error.HTTPError as error:
            response = error
        body = response.read()
        headers = [(k, v) for k, v in response.headers.items() if k.lower() not in HOP]
        encoding = response.headers.get("Content-Encoding")
        if (
            not encoding
            and "gzip" in self.headers.get("Accept-Encoding", "")
            and (response.headers.get("Content-Type", "").startswith("text/html"))
        ):
            body, encoding = gzip.compress(body, 6), "gzip"
        self.send_response(response.status)
        for key, value in headers:
            self.send_header(key, value)
        if encoding:
            self.send_header("Content-Encoding", encoding)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def media(self):
        path = (MEDIA / self.path.removeprefix("/media/").split("?")[0]).resolve()
        if MEDIA not in path.parents or not path.is_file():
            self.send_error(404)
            return
        body = path.read_bytes()
        self.send_response(200)
        self.send_header("Content-Type", mimetypes.guess_type(path.name)[0] or "image/webp")
        self.send_header("Cache-Control", "public, max-age=31536000, immutable")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


ThreadingHTTPServer(("127.0.0.1", PORT), Proxy).serve_forever()
