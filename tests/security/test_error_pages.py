"""Error pages: styled, never a stack trace or a setting, whatever went wrong."""

import pytest
from django.db import OperationalError
from django.test import Client
from django.urls import path

from tests.factories import ArticleFactory

SECRET_MARKERS = ["Traceback", "SECRET_KEY", "test-only-secret-key", "DATABASES", "File &quot;"]


def boom(request):
    raise RuntimeError("secret internals: SECRET_KEY=test-only-secret-key")


def database_gone(request):
    raise OperationalError("server closed the connection unexpectedly")


urlpatterns = [path("boom/", boom), path("db-gone/", database_gone)]
handler500 = "newsportal.views.server_error"


def assert_no_internals(response):
    body = response.content.decode()
    for marker in SECRET_MARKERS:
        assert marker not in body, marker
    assert 'class="error-page"' in body
    assert "site.css" in body


@pytest.fixture
def raising_client(settings):
    settings.ROOT_URLCONF = __name__
    return Client(raise_request_exception=False)


def test_500_page_is_static_and_styled(raising_client):
    response = raising_client.get("/boom/")
    assert response.status_code == 500
    assert_no_internals(response)
    assert "Une erreur est survenue" in response.content.decode()


def test_database_outage_is_a_styled_503_with_retry_after(raising_client, settings):
    response = raising_client.get("/db-gone/")
    assert response.status_code == 503
    assert response["Retry-After"] == str(settings.OUTAGE_RETRY_AFTER)
    assert "no-cache" in response["Cache-Control"]
    assert_no_internals(response)
    assert "server closed the connection" not in response.content.decode()


def test_database_outage_in_a_middleware_is_a_503_too(raising_client, settings, monkeypatch):
    # Outside a view the outage middleware never sees it; handler500 turns it into a 503.
    from django.contrib.sessions.backends.db import SessionStore

    def unreachable(self, *args, **kwargs):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(SessionStore, "load", unreachable)
    raising_client.cookies["sessionid"] = "x" * 32
    response = raising_client.get("/db-gone/")
    assert response.status_code == 503


@pytest.mark.django_db
def test_disallowed_host_gets_the_static_400(client):
    response = client.get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert_no_internals(response)
    assert "Requête invalide" in response.content.decode()


@pytest.mark.django_db
def test_403_page_is_styled(client, django_user_model):
    user = django_user_model.objects.create_user("lecteur", password="x", is_staff=True)
    client.force_login(user)
    # A staff member with no permission at all opening the user form by its URL.
    response = client.get("/en/admin/auth/user/add/")
    assert response.status_code == 403
    body = response.content.decode()
    assert 'class="error-page"' in body
    assert "Access refused" in body
    assert "Traceback" not in body


@pytest.mark.django_db
def test_csrf_failure_page_explains_in_the_readers_language(client):
    csrf_client = Client(enforce_csrf_checks=True)
    article = ArticleFactory()
    response = csrf_client.post(f"/en/article/{article.slug}/commenter/", {"name": "x"})
    assert response.status_code == 403
    body = response.content.decode()
    # A comment comes back on its article with what the reader wrote (comments.outcomes).
    assert "this form had expired and was not sent" in body
    assert article.title in body
    assert "CSRF" not in body  # no jargon, no reason string from Django
    other = csrf_client.post("/i18n/setlang/", {"language": "en"})
    assert other.status_code == 403
    assert 'class="error-code">403' in other.content.decode()
    response = csrf_client.post(f"/article/{article.slug}/commenter/", {"name": "x"})
    assert response.status_code == 403
    assert 'lang="fr"' in response.content.decode()
