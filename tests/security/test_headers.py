"""Secure by default: check --deploy, CSP with nonces, security headers and cookies."""

import base64
import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from tests.factories import ArticleFactory

ROOT = Path(__file__).resolve().parents[2]

# A production environment as an operator sets it: nothing from the test settings.
PRODUCTION_ENV = {
    "SECRET_KEY": "kX3v9Qw2-production-like-secret-Zt7pL0mN4bR8sY1uH6jD5cF2gA9eW3q",
    "ALLOWED_HOSTS": "news.example.org",
    "EMAIL_URL": "smtp+tls://redaction:secret@mail.example.org:587",
    "DATABASE_URL": "sqlite:////tmp/np-hard-deploy-check.sqlite3",
}


def production(*args, code=None):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SECURE_", "SESSION_", "CSRF_", "DEBUG", "STATICFILES", "REDIS"))
        and key
        not in {
            "SECRET_KEY",
            "ALLOWED_HOSTS",
            "DATABASE_URL",
            "EMAIL_URL",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
    }
    env.update(PRODUCTION_ENV)
    command = [sys.executable, "-c", code] if code else [sys.executable, "manage.py", *args]
    return subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def test_check_deploy_passes_with_zero_warnings():
    result = production("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


PRODUCTION_SETTINGS = """
import json, django
django.setup()
from django.conf import settings as s
print(json.dumps({name: getattr(s, name) for name in [
    "SESSION_COOKIE_NAME", "CSRF_COOKIE_NAME", "LANGUAGE_COOKIE_NAME", "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE", "LANGUAGE_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_DOMAIN", "CSRF_COOKIE_DOMAIN", "SESSION_COOKIE_PATH", "CSRF_COOKIE_PATH",
    "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_SSL_REDIRECT",
]}))
"""


def test_production_cookies_are_secure_host_cookies():
    result = production(
        code="import os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', "
        "'newsportal.settings');" + PRODUCTION_SETTINGS
    )
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    # `__Host-` is only kept by browsers for Secure cookies with Path=/ and no Domain.
    assert values["SESSION_COOKIE_NAME"] == "__Host-sessionid"
    assert values["CSRF_COOKIE_NAME"] == "__Host-csrftoken"
    assert values["LANGUAGE_COOKIE_NAME"] == "__Host-language"
    for kind in ("SESSION", "CSRF"):
        assert values[f"{kind}_COOKIE_SECURE"] is True
        assert values[f"{kind}_COOKIE_DOMAIN"] is None
        assert values[f"{kind}_COOKIE_PATH"] == "/"
    assert values["LANGUAGE_COOKIE_SECURE"] is True
    assert values["SESSION_COOKIE_HTTPONLY"] is True
    assert values["SECURE_HSTS_SECONDS"] >= 31536000
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert values["SECURE_SSL_REDIRECT"] is True


def csp_directives(response):
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


@pytest.fixture
def article(db):
    return ArticleFactory()


@pytest.fixture
def pages(article, admin_client):
    return {
        "home": reverse("articles:home"),
        "article": article.get_absolute_url(),
        "section": article.section.get_absolute_url(),
        "404": "/nulle-part/",
        "admin login": reverse("admin:login"),
    }


def script_hash(code):
    digest = hashlib.sha256(code.encode()).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


def test_every_page_has_a_strict_csp_and_public_pages_no_nonce(client, pages):
    """Scripts only from the site itself, and an inline script only by its hash. Public
    pages carry no nonce, so that a page can be the same bytes for every reader; the
    admin (never cached) has inline import maps, with the nonce of its header."""
    with_scripts = set()
    for name, url in pages.items():
        response = client.get(url)
        assert "Content-Security-Policy" in response, name
        policy = response["Content-Security-Policy"]
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy, name
        directives = csp_directives(response)
        assert directives["frame-ancestors"] == ["'none'"], name
        assert directives["object-src"] == ["'none'"], name
        assert directives["base-uri"] == ["'self'"], name
        assert directives["script-src"][0] == "'self'", name
        nonce = [v for v in directives["script-src"] if v.startswith("'nonce-")]
        if "admin" not in name:
            assert nonce == [] and "nonce=" not in response.text, name
        html = response.content.decode()
        for attributes, code in re.findall(r"<script\b([^>]*)>(.*?)</script>", html, re.S):
            if 'type="application/ld+json"' in attributes:
                continue  # data, never run
            with_scripts.add(name)
            src = re.search(r'src="([^"]+)"', attributes)
            if src:
                assert src.group(1).startswith("/"), (name, attributes)  # the site's own
            elif nonce and f'nonce="{nonce[0][7:-1]}"' in attributes:
                assert "admin" in name, name
            else:
                assert script_hash(code) in directives["script-src"], (name, code[:80])
    assert {"article", "admin login"} <= with_scripts


def test_the_admin_article_form_runs_its_inline_import_map_by_nonce(admin_client):
    response = admin_client.get(reverse("admin:articles_article_add"))
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    importmaps = re.findall(r'<script type="importmap"[^>]*>', response.text)
    assert importmaps and all(f'nonce="{nonce}"' in tag for tag in importmaps)


def test_security_headers_on_every_response(client, pages):
    for name, url in pages.items():
        response = client.get(url, secure=True)
        assert response["Strict-Transport-Security"] == (
            "max-age=31536000; includeSubDomains; preload"
        ), name
        assert response["X-Content-Type-Options"] == "nosniff", name
        assert response["Referrer-Policy"] == "strict-origin-when-cross-origin", name
        assert response["Cross-Origin-Opener-Policy"] == "same-origin", name
        assert response["X-Frame-Options"] == "DENY", name
        policy = response["Permissions-Policy"]
        for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()"):
            assert feature in policy, name


def test_session_cookie_is_httponly_and_samesite(admin_user, client):
    response = client.post(
        reverse("admin:login"), {"username": admin_user.username, "password": "password"}
    )
    assert response.status_code == 302
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["path"] == "/"
    assert not cookie["domain"]
