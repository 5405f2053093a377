"""A plain HTTP browser for the deployment tests, which talk to real servers (gunicorn,
nginx) they start on 127.0.0.1: its own cookies, no redirect followed, gzip on request.

Shared by tests/deployment/test_nginx.py (one reader in front of nginx) and
tests/deployment/test_several_servers.py (one person's cookies moving from server A to B).
"""

import gzip
import http.cookies
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field

import pytest
from django.conf import settings
from django.db import connection

# gunicorn (another process) reads the test database and hears of changes over Redis.
needs_postgresql_and_redis = pytest.mark.skipif(
    connection.vendor != "postgresql"
    or "django_redis" not in settings.CACHES["default"]["BACKEND"],
    reason="the app servers read the test database from other processes: the suite's "
    "PostgreSQL run with Redis (DATABASE_URL=postgres://…, REDIS_URL=redis://…)",
)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    """Redirects come back as answers (3xx), to be looked at."""

    def redirect_request(self, *args, **kwargs):
        return None


@dataclass
class Answer:
    """One response: status, headers, the bytes as sent (`raw`) and the text (`body`,
    gunzipped when the server compressed it)."""

    status: int
    headers: object
    raw: bytes

    @property
    def body(self):
        raw = self.raw
        if self.headers.get("Content-Encoding") == "gzip":
            raw = gzip.decompress(raw)
        return raw.decode(errors="replace")

    @property
    def cache(self):
        """nginx's cache status (the recipe's X-Cache-Status), None without it."""
        return self.headers.get("X-Cache-Status")

    @property
    def public(self):
        return "public" in (self.headers.get("Cache-Control") or "")


@dataclass
class Browser:
    """One person's browser pointed at `base` (http://127.0.0.1:PORT); `at(other)` is the
    same browser, the same cookies, talking to another server. `headers`: sent with every
    request (`Save-Data: on`, say)."""

    base: str
    cookies: dict = field(default_factory=dict)
    headers: dict = field(default_factory=dict)

    def at(self, base):
        return Browser(base, self.cookies, self.headers)

    def request(self, path, data=None, files=None, compressed=False):
        """GET `path`, or POST `data` (urlencoded, or multipart with `files`: a field →
        (file name, content type, bytes)). Raises OSError when the server does not answer
        within 30 s."""
        headers = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0", **self.headers}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if compressed:
            headers["Accept-Encoding"] = "gzip"
        body = None
        if files:
            body, headers["Content-Type"] = multipart(data or {}, files)
        elif data is not None:
            body = urllib.parse.urlencode(data).encode()
        url = path if path.startswith("http") else self.base + path
        # 127.0.0.1 only: the servers the test started.
        request = urllib.request.Request(url, data=body, headers=headers)  # noqa: S310
        try:
            response = urllib.request.build_opener(NoRedirect).open(request, timeout=30)
        except urllib.error.HTTPError as error:
            response = error
        with response:
            raw = response.read()
            self.keep_cookies(response.headers.get_all("Set-Cookie") or [])
            return Answer(response.status, response.headers, raw)

    def keep_cookies(self, lines):
        """Keep the cookies of `Set-Cookie` lines; drop those they expire."""
        for line in lines:
            for name, morsel in http.cookies.SimpleCookie(line).items():
                if morsel.value in ("", '""') or morsel["max-age"] == "0":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value

    def get(self, path, **kwargs):
        return self.request(path, **kwargs)


def multipart(fields, files):
    """(body, content type) of a multipart/form-data form: `files` maps a field to
    (file name, content type, bytes)."""
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
            f"{value}\r\n".encode()
        )
    for name, (filename, content_type, content) in files.items():
        parts.append(
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                f'filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n'
            ).encode()
            + content
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"
