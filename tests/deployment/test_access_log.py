"""gunicorn's access log (newsportal/accesslog.py) and the nginx recipe's, as run in
production: gunicorn started with gunicorn.conf.py, nginx with the recipe as shipped.
Each request is one JSON line with the request id the reader got in `X-Request-ID`, and
no client address unless LOG_CLIENT_IP=true.

gunicorn serves a database of its own (an empty SQLite file: /healthz and static files
need no table), so this runs on every database the suite runs on. The nginx part is
skipped without nginx (a failure with REQUIRE_NGINX=1).
"""

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

from tests.reliability.postgres import free_port, wait_for_http
from tools import nginx_recipe

ROOT = Path(__file__).resolve().parents[2]
USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0 test-access-log"
FORWARDED = "198.51.100.23"
HEX_ID = re.compile(r"[0-9a-f]{32}")


class Gunicorn:
    """gunicorn on 127.0.0.1 with the portal's configuration; its stdout is the access
    log, its stderr gunicorn's and the portal's own log lines."""

    def __init__(self, folder, **environment):
        self.folder = folder
        self.port = free_port()
        self.stdout = folder / "gunicorn.out"
        self.stderr = folder / "gunicorn.err"
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_"))}
        for name in ("DEBUG", "LOG_FORMAT", "LOG_CLIENT_IP", "REDIS_URL"):
            env.pop(name, None)
        env.update(
            DATABASE_URL=f"sqlite:///{folder / 'empty.sqlite3'}",
            SECRET_KEY="test-only-secret-key-never-used-in-production",
            ALLOWED_HOSTS="127.0.0.1",
            SECURE_SSL_REDIRECT="false",
            SESSION_COOKIE_SECURE="false",
            CSRF_COOKIE_SECURE="false",
            STATICFILES_BACKEND="django.contrib.staticfiles.storage.StaticFilesStorage",
            WHITENOISE_USE_FINDERS="true",
            PAGE_CACHE_SECONDS="0",
            GUNICORN_BIND=f"127.0.0.1:{self.port}",
            WEB_CONCURRENCY="1",
            GUNICORN_GRACEFUL_TIMEOUT="2",
            **environment,
        )
        with open(self.stdout, "w") as out, open(self.stderr, "w") as err:
            self.process = subprocess.Popen(  # noqa: S603  (our interpreter, our config)
                [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=err,
            )
        wait_for_http(f"http://127.0.0.1:{self.port}/healthz")

    def stop(self):
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()

    def access_lines(self, at_least):
        """The access log's lines, parsed (each must be JSON); waits for `at_least`."""
        deadline = time.monotonic() + 5
        while len(self.stdout.read_text().splitlines()) < at_least:
            if time.monotonic() > deadline:
                break
            time.sleep(0.05)
        return [json.loads(line) for line in self.stdout.read_text().splitlines()]


def get(url, **headers):
    # 127.0.0.1 only: the servers this test started.
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, **headers})  # noqa: S310
    with urllib.request.urlopen(request, timeout=15) as response:  # noqa: S310
        response.read()
        return response.status, response.headers


@pytest.fixture
def folder():
    # Readable by nginx's unprivileged workers (nobody, when started as root).
    path = Path(tempfile.mkdtemp(prefix="np_access_log_"))
    path.chmod(0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def gunicorn(folder):
    started = []

    def start(**environment):
        server = Gunicorn(folder, **environment)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


def test_gunicorn_writes_json_lines_with_the_request_id_and_no_address(gunicorn):
    server = gunicorn()
    base = f"http://127.0.0.1:{server.port}"
    answers = [
        get(f"{base}/healthz", **{"X-Forwarded-For": FORWARDED}),
        get(f"{base}/static/css/bootstrap-used.css"),
    ]

    lines = server.access_lines(at_least=3)  # the readiness check's /healthz, and ours

    ours = lines[-2:]
    assert [line["path"] for line in ours] == ["/healthz", "/static/css/bootstrap-used.css"]
    for line, (status, headers) in zip(ours, answers, strict=True):
        assert line["status"] == status == 200
        assert line["method"] == "GET"
        assert line["logger"] == "gunicorn.access"
        assert HEX_ID.fullmatch(line["request_id"])
        assert line["request_id"] == headers["X-Request-ID"]
        assert isinstance(line["duration_ms"], int)
        assert "client_ip" not in line and "user_agent" not in line
    log = server.stdout.read_text()
    assert "127.0.0.1" not in log and FORWARDED not in log and "test-access-log" not in log


def test_gunicorns_own_lines_are_json_and_name_no_client(gunicorn):
    """gunicorn's error log (stderr: its start, its workers, a malformed request) follows
    the same rule as the access log: JSON lines, and no client address."""
    import socket

    server = gunicorn()
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as connection:
        connection.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nBad Header\r\n\r\n")
        connection.recv(1024)
    deadline = time.monotonic() + 5
    while "Invalid request" not in server.stderr.read_text():
        assert time.monotonic() < deadline, "gunicorn logged no invalid request"
        time.sleep(0.05)
    server.stop()

    lines = [json.loads(line) for line in server.stderr.read_text().splitlines() if line]
    (invalid,) = [line for line in lines if "Invalid request" in line["message"]]
    assert invalid["logger"] == "gunicorn.error"
    assert invalid["level"] == "WARNING"
    assert "127.0.0.1" not in invalid["message"]
    assert any("Booting worker" in line["message"] for line in lines)


def test_with_log_client_ip_gunicorn_logs_the_address(gunicorn):
    server = gunicorn(LOG_CLIENT_IP="true")
    get(f"http://127.0.0.1:{server.port}/healthz")
    line = server.access_lines(at_least=2)[-1]
    assert line["client_ip"] == "127.0.0.1"
    assert line["user_agent"] == USER_AGENT


def test_log_format_text_keeps_plain_lines_without_the_address(gunicorn):
    server = gunicorn(LOG_FORMAT="text")
    status, headers = get(f"http://127.0.0.1:{server.port}/healthz")
    time.sleep(0.3)
    last = server.stdout.read_text().splitlines()[-1]
    assert last.startswith('"GET /healthz HTTP/1.1" 200')
    assert headers["X-Request-ID"] in last
    assert "127.0.0.1" not in last


def test_behind_the_nginx_recipe_one_request_id_ties_both_logs(gunicorn, folder):
    if not Path(nginx_recipe.NGINX).exists():
        message = f"nginx not found at {nginx_recipe.NGINX} (apt-get install nginx)"
        if os.environ.get("REQUIRE_NGINX") == "1":
            pytest.fail(message)
        pytest.skip(message)
    server = gunicorn(TRUSTED_PROXY_COUNT="1")
    nginx_port = free_port()
    (folder / "static").mkdir()
    nginx = nginx_recipe.start(folder, server.port, nginx_port, folder / "static")
    try:
        wait_for_http(f"http://127.0.0.1:{nginx_port}/healthz")
        # The reader's own X-Request-ID is not taken: nginx gives its own.
        status, headers = get(
            f"http://127.0.0.1:{nginx_port}/healthz?from=test", **{"X-Request-ID": "forged"}
        )
        request_id = headers["X-Request-ID"]
        assert status == 200
        assert HEX_ID.fullmatch(request_id)

        gunicorn_line = server.access_lines(at_least=3)[-1]
        assert gunicorn_line["path"] == "/healthz?from=test"
        assert gunicorn_line["request_id"] == request_id

        deadline = time.monotonic() + 5
        while "from=test" not in (folder / "access.log").read_text():
            assert time.monotonic() < deadline, "nginx logged nothing"
            time.sleep(0.05)
        text = (folder / "access.log").read_text()
        nginx_lines = [json.loads(line) for line in text.splitlines()]
        (ours,) = [line for line in nginx_lines if line["path"] == "/healthz?from=test"]
        assert ours["request_id"] == request_id
        assert ours["status"] == 200
        assert "127.0.0.1" not in text and "test-access-log" not in text
    finally:
        nginx.terminate()
        nginx.wait(timeout=30)
