"""The nginx recipe is valid nginx, on every run of the suite (SQLite included)."""

import os
import re
import shutil
import tempfile
from pathlib import Path

import pytest

from tools import nginx_recipe


@pytest.fixture
def nginx():
    if not Path(nginx_recipe.NGINX).exists():
        message = f"nginx not found at {nginx_recipe.NGINX} (apt-get install nginx)"
        if os.environ.get("REQUIRE_NGINX") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return nginx_recipe.NGINX


def test_the_recipe_passes_nginx_own_check(nginx):
    folder = Path(tempfile.mkdtemp(prefix="np_nginx_check_"))
    try:
        process = nginx_recipe.start(folder, 8000, 8080, folder / "static", status_header=True)
        process.terminate()
        process.wait(timeout=30)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_the_recipe_takes_several_app_servers(nginx):
    folder = Path(tempfile.mkdtemp(prefix="np_nginx_check_"))
    try:
        process = nginx_recipe.start(folder, [8001, 8002], 8080, folder / "static")
        process.terminate()
        process.wait(timeout=30)
        upstream = re.search(
            r"upstream newsportal_app \{(.*?)\}", (folder / "newsportal.conf").read_text(), re.S
        ).group(1)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    servers = re.findall(r"^\s*server (\S+) max_fails=3 fail_timeout=10s;", upstream, re.M)
    assert servers == ["127.0.0.1:8001", "127.0.0.1:8002"]
    # One port, as before: one server line.
    text = nginx_recipe.render(folder, 8001, 8080, folder / "static")
    assert re.findall(r"^\s*server 127\.0\.0\.1:\d+", text, re.M) == ["    server 127.0.0.1:8001"]


def test_the_recipe_keeps_what_a_deployment_must_set(monkeypatch, tmp_path):
    text = nginx_recipe.RECIPE.read_text()
    for needed in (
        "proxy_cache_bypass $newsportal_personal",
        "proxy_no_cache $newsportal_personal $newsportal_not_shared",
        "proxy_cache_methods GET HEAD",
        "gzip on",
        nginx_recipe.SHIPPED_LIFETIME,
        nginx_recipe.UPSTREAM_SERVER,
    ):
        assert needed in text
    # The status header stays out of production: only the tests switch it on.
    assert "\n        add_header X-Cache-Status" not in text
    # A recipe that lost a value the tests replace fails loudly, never half-rendered.
    changed = tmp_path / "newsportal.conf"
    changed.write_text(text.replace("listen 80;", "listen 8080;"))
    monkeypatch.setattr(nginx_recipe, "RECIPE", changed)
    with pytest.raises(AssertionError, match="listen 80"):
        nginx_recipe.render(tmp_path, 8000, 8080, tmp_path / "static")
