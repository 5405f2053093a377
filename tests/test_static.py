"""Static files: the trimmed Bootstrap is current, and production serves hashed,
compressed files cached for a year."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.utils.functional import empty

ROOT = Path(__file__).resolve().parents[1]


def test_trimmed_bootstrap_matches_the_templates():
    result = subprocess.run(
        [sys.executable, "tools/purge_css.py", "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr


def test_trimmed_bootstrap_keeps_what_pages_and_crispy_forms_use():
    css = (ROOT / "static/css/bootstrap-used.css").read_text()
    for selector in (
        ".container",
        ".row",
        ".col-lg-8",
        ".breadcrumb-item",
        ".pagination",
        ".form-control",
        ".form-label",
        ".is-invalid",
        ".invalid-feedback",
        ".btn-primary",
        ".alert-danger",
        ".visually-hidden-focusable",
    ):
        assert selector in css, selector
    assert "data-bs-theme=dark" not in css


@pytest.fixture
def production_static(settings, collected_static):
    """Serve the collected files the way production does (no finders, manifest names)."""
    settings.STATIC_ROOT = collected_static
    settings.WHITENOISE_USE_FINDERS = False
    settings.WHITENOISE_AUTOREFRESH = False
    settings.WHITENOISE_MAX_AGE = 31536000
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "newsportal.staticfiles.MinifiedStaticFilesStorage"},
    }
    from django.contrib.staticfiles.storage import staticfiles_storage

    staticfiles_storage._wrapped = empty
    yield
    staticfiles_storage._wrapped = empty


@pytest.mark.django_db
def test_production_static_files_are_hashed_compressed_and_cached_for_a_year(
    production_static,
):
    from django.templatetags.static import static
    from django.test import Client

    url = static("css/bootstrap-used.css")
    assert re.search(r"bootstrap-used\.[0-9a-f]{12}\.css$", url), url
    client = Client()  # a new handler: whitenoise reads the settings above
    for encoding in ("br", "gzip"):
        response = client.get(url, headers={"Accept-Encoding": encoding})
        assert response.status_code == 200
        assert response["Content-Encoding"] == encoding
        assert "max-age=31536000" in response["Cache-Control"]
        assert "immutable" in response["Cache-Control"]
        assert "Accept-Encoding" in response["Vary"]
        response.close()


@pytest.mark.django_db
def test_pages_link_hashed_static_files_and_no_third_party_asset(production_static, db):
    from django.test import Client

    from tests.factories import ArticleFactory

    article = ArticleFactory()
    for url in ("/", article.get_absolute_url()):
        html = Client().get(url).text
        assets = re.findall(r'(?:href|src)="([^"]+\.(?:css|js))"', html)
        assert assets, url
        for asset in assets:
            assert asset.startswith("/static/"), asset  # served by us, not a third party
            assert re.search(r"\.[0-9a-f]{12}\.(css|js)$", asset), asset


def test_collectstatic_minifies_our_css_and_js_and_leaves_other_files_alone(collected_static):
    import json

    import django.contrib.admin
    from django.conf import settings

    from newsportal.staticfiles import minified

    paths = json.loads((collected_static / "staticfiles.json").read_text())["paths"]
    source = Path(settings.BASE_DIR) / "static"
    for name in ("css/site.css", "css/light.css", "js/reader.js", "js/comments-form.js"):
        original = (source / name).read_text()
        served = (collected_static / paths[name]).read_text()
        assert "/*" in original or "//" in original  # the sources keep their comments
        assert len(served) < len(original) * 0.85, name
        assert "/*" not in served, name
        if name.endswith(".js"):  # (a stylesheet's url()s are also given hashed names)
            assert served == minified(name, original)
    # Django's admin files and files minified already are copied as they are.
    admin_js = "admin/js/core.js"
    admin_static = Path(django.contrib.admin.__path__[0]) / "static"
    assert (collected_static / paths[admin_js]).read_bytes() == (
        admin_static / admin_js
    ).read_bytes()
    assert minified("js/vendor.min.js", "a  /* b */") == "a  /* b */"
    assert minified("admin/css/base.css", "a  /* b */") == "a  /* b */"
