"""Structured logs (newsportal/logs.py): JSON lines tied to their request by its id, the
staff user named, no client IP unless LOG_CLIENT_IP. Read from the very handler and
formatter settings.LOGGING configures, with its output redirected for the test."""

import io
import json
import logging
import os
import re
import subprocess
import sys

import pytest
from django.http import HttpResponse
from django.urls import path

from newsportal.logs import JsonFormatter
from tests.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db

READER_IP = "203.0.113.77"
HEX_ID = re.compile(r"[0-9a-f]{32}")


def boom(request):
    raise RuntimeError("the view failed")


def fine(request):
    logging.getLogger("newsportal.test").warning("a line from the view")
    return HttpResponse("ok")


# This module is also the URLconf of the tests marked `urls` below.
urlpatterns = [path("boom/", boom), path("fine/", fine)]


class Lines:
    """What the console handler wrote during the test: raw text and parsed lines."""

    def __init__(self, stream):
        self.stream = stream

    @property
    def text(self):
        return self.stream.getvalue()

    def all(self):
        return [json.loads(line) for line in self.text.splitlines() if line.strip()]

    def of(self, logger):
        return [line for line in self.all() if line["logger"] == logger]


@pytest.fixture
def log_lines():
    handlers = [
        handler
        for handler in logging.getLogger().handlers
        if isinstance(handler.formatter, JsonFormatter)
    ]
    assert handlers, "settings.LOGGING writes no JSON lines (LOG_FORMAT is json in tests)"
    stream = io.StringIO()
    previous = [handler.setStream(stream) for handler in handlers]
    yield Lines(stream)
    for handler, old in zip(handlers, previous, strict=True):
        handler.setStream(old)


def test_a_request_logs_json_lines_carrying_the_id_of_its_response_header(client, log_lines):
    response = client.get("/cette-page-n-existe-pas/", REMOTE_ADDR=READER_IP)
    assert response.status_code == 404
    request_id = response["X-Request-ID"]
    assert HEX_ID.fullmatch(request_id)
    (line,) = log_lines.of("django.request")
    assert line["request_id"] == request_id
    assert line["level"] == "WARNING"
    assert line["message"] == "Not Found: /cette-page-n-existe-pas/"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00", line["time"])
    # An anonymous reader is nobody in the logs, and their address is nowhere.
    assert "user" not in line
    assert READER_IP not in log_lines.text
    assert "client_ip" not in log_lines.text


def test_each_request_gets_its_own_id(client):
    first = client.get("/robots.txt")["X-Request-ID"]
    second = client.get("/robots.txt")["X-Request-ID"]
    assert HEX_ID.fullmatch(first) and HEX_ID.fullmatch(second)
    assert first != second


@pytest.mark.urls("tests.test_logs")
def test_a_staff_request_names_its_user(client, log_lines):
    client.force_login(UserFactory(username="redactrice", is_staff=True))
    response = client.get("/fine/")
    (line,) = log_lines.of("newsportal.test")
    assert line["user"] == "redactrice"
    assert line["request_id"] == response["X-Request-ID"]


@pytest.mark.urls("tests.test_logs")
def test_a_logged_in_reader_who_is_not_staff_is_not_named(client, log_lines):
    client.force_login(UserFactory(username="lectrice", is_staff=False))
    client.get("/fine/")
    (line,) = log_lines.of("newsportal.test")
    assert "user" not in line
    assert "lectrice" not in log_lines.text


@pytest.mark.urls("tests.test_logs")
def test_a_server_error_is_logged_with_its_request_id_and_traceback(client, log_lines):
    client.raise_request_exception = False
    response = client.get("/boom/", REMOTE_ADDR=READER_IP)
    assert response.status_code == 500
    (line,) = log_lines.of("django.request")
    assert line["level"] == "ERROR"
    assert line["request_id"] == response["X-Request-ID"]
    assert "RuntimeError: the view failed" in line["exception"]
    assert line["status_code"] == 500
    assert READER_IP not in log_lines.text


def test_with_log_client_ip_the_address_is_in_the_lines(client, settings, log_lines):
    settings.LOG_CLIENT_IP = True
    client.get("/cette-page-n-existe-pas/", REMOTE_ADDR=READER_IP)
    (line,) = log_lines.of("django.request")
    assert line["client_ip"] == READER_IP


def test_a_request_id_sent_by_a_client_with_no_proxy_in_front_is_replaced(client, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    response = client.get("/robots.txt", HTTP_X_REQUEST_ID="forged-by-the-client")
    assert response["X-Request-ID"] != "forged-by-the-client"
    assert HEX_ID.fullmatch(response["X-Request-ID"])


def test_the_id_the_trusted_proxy_sent_is_kept_when_well_formed(client, settings, log_lines):
    settings.TRUSTED_PROXY_COUNT = 1
    nginx_id = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"
    response = client.get("/cette-page-n-existe-pas/", HTTP_X_REQUEST_ID=nginx_id)
    assert response["X-Request-ID"] == nginx_id
    assert log_lines.of("django.request")[0]["request_id"] == nginx_id

    for malformed in ("", "a b", "x" * 129, '"}{"injected": 1', "é" * 8):
        response = client.get("/robots.txt", HTTP_X_REQUEST_ID=malformed)
        assert HEX_ID.fullmatch(response["X-Request-ID"]), malformed


def test_a_page_cache_hit_has_its_own_request_id(client):
    ArticleFactory()
    first = client.get("/")
    second = client.get("/")
    assert second["X-Page-Cache"] == "hit"
    assert HEX_ID.fullmatch(second["X-Request-ID"])
    assert second["X-Request-ID"] != first["X-Request-ID"]


def test_a_failed_admin_login_logs_no_address(client, log_lines):
    UserFactory(username="editrice", is_staff=True)
    for _ in range(2):
        client.post(
            "/en/admin/login/",
            {"username": "editrice", "password": "wrong-guess", "next": "/admin/"},
            REMOTE_ADDR=READER_IP,
        )
    axes_lines = log_lines.of("axes.handlers.database")
    assert any("editrice" in line["message"] for line in axes_lines)
    assert READER_IP not in log_lines.text


def test_a_failed_admin_login_logs_the_address_with_log_client_ip(client, settings, log_lines):
    settings.LOG_CLIENT_IP = True
    UserFactory(username="editrice", is_staff=True)
    client.post(
        "/en/admin/login/",
        {"username": "editrice", "password": "wrong-guess", "next": "/admin/"},
        REMOTE_ADDR=READER_IP,
    )
    assert any(READER_IP in line["message"] for line in log_lines.of("axes.handlers.database"))


def test_log_lines_outside_a_request_have_no_request_id(log_lines):
    logging.getLogger("newsportal.test").warning("from a command")
    (line,) = log_lines.of("newsportal.test")
    assert line["message"] == "from a command"
    assert "request_id" not in line


def test_the_log_format_is_text_in_development_json_in_production_and_nothing_else():
    from tests.test_settings import ROOT, run_check

    def log_format(**env):
        clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "LOG_FORMAT"}}
        code = "from django.conf import settings; print(settings.LOG_FORMAT)"
        return (
            subprocess.run(
                [sys.executable, "manage.py", "shell", "-c", code],
                cwd=ROOT,
                env={**clean, "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "news.example.org", **env},
                capture_output=True,
                text=True,
                timeout=60,
            )
            .stdout.strip()
            .splitlines()[-1]
        )

    assert log_format(DEBUG="true") == "text"
    assert log_format() == "json"
    result = run_check(DEBUG="true", LOG_FORMAT="xml")
    assert result.returncode != 0
    assert result.stderr.strip() == "newsportal: LOG_FORMAT must be json or text."


def test_a_python_warning_is_a_json_log_line_too():
    """Django's and libraries' warnings (a naive datetime, a missing static folder) go
    through Python's warnings module, not logging: with LOG_FORMAT=json they must still
    come out as one JSON object per line, not as free text on stderr."""
    from tests.test_settings import ROOT

    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "LOG_FORMAT"}}
    code = "import warnings; warnings.warn('a library complains')"
    result = subprocess.run(
        [sys.executable, "-W", "always", "manage.py", "shell", "-v0", "-c", code],
        cwd=ROOT,
        env={**clean, "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "news.example.org"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines, result.stderr
    records = [json.loads(line) for line in lines]
    (warning,) = [r for r in records if "a library complains" in r["message"]]
    assert warning["logger"] == "py.warnings"
    assert warning["level"] == "WARNING"
