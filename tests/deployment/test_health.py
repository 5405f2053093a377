"""/healthz as a load balancer asks for it: any Host, plain http, DEBUG off."""

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


@pytest.fixture
def production(settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["newsportal.example"]


def test_a_load_balancer_check_gets_an_answer_whatever_its_host(client, production):
    # The server's private address as Host, over http: what a load balancer sends.
    for method in (client.get, client.head):
        response = method("/healthz", HTTP_HOST="10.0.0.11:8000")
        assert response.status_code == 200
    assert client.get("/healthz", HTTP_HOST="10.0.0.11:8000").json() == {"status": "ok"}
    assert "no-cache" in client.get("/healthz", HTTP_HOST="10.0.0.11")["Cache-Control"]
    # Every other address keeps both rules.
    assert client.get("/", HTTP_HOST="10.0.0.11:8000").status_code == 400
    assert client.get("/", HTTP_HOST="newsportal.example").status_code == 301


def test_the_check_says_503_when_the_database_does_not_answer(client, production, monkeypatch):
    def unreachable(*args, **kwargs):
        raise connection.Database.OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", unreachable)
    response = client.get("/healthz", HTTP_HOST="10.0.0.11")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable"}


def test_a_failed_check_logs_why(client, production, monkeypatch, caplog):
    """The load balancer only sees 503: the server's own log must say what failed, or
    the operator of a machine taken out of service has nothing to go on."""

    def unreachable(*args, **kwargs):
        raise connection.Database.OperationalError("connection refused by 10.0.0.20")

    monkeypatch.setattr(connection, "cursor", unreachable)
    client.get("/healthz", HTTP_HOST="10.0.0.11")
    assert any("connection refused by 10.0.0.20" in r.getMessage() for r in caplog.records)
