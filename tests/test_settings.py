"""Production settings refuse to start without what production needs."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[1]


def run_check(**overrides):
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "ALLOWED_HOSTS", "DEBUG"}}
    env.update(overrides)
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("env", "missing"),
    [
        ({"ALLOWED_HOSTS": "news.example.org"}, "SECRET_KEY"),
        ({"SECRET_KEY": "x" * 50}, "ALLOWED_HOSTS"),
    ],
)
def test_production_start_without_a_required_setting_stops_with_one_line(env, missing):
    result = run_check(**env)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert missing in lines[0] and "DEBUG" in lines[0]


def test_production_start_with_required_settings_passes():
    result = run_check(SECRET_KEY="x" * 50, ALLOWED_HOSTS="news.example.org")
    assert result.returncode == 0, result.stderr


def test_development_needs_no_configuration():
    result = run_check(DEBUG="true")
    assert result.returncode == 0, result.stderr


@pytest.mark.django_db
def test_no_migration_is_pending():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_french_catalogue_is_compiled_and_current():
    po = ROOT / "locale/fr/LC_MESSAGES/django.po"
    mo = ROOT / "locale/fr/LC_MESSAGES/django.mo"
    assert mo.exists(), "run `make compilemessages`"
    assert mo.stat().st_mtime >= po.stat().st_mtime, "django.mo is older than django.po"


def test_benchmark_floor_is_not_an_address_in_normal_production(client, db):
    assert client.get("/bench/floor/").status_code == 404


def test_gunicorn_config_takes_workers_from_the_cpu_count_and_bind_from_the_env(monkeypatch):
    import multiprocessing
    import runpy

    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    monkeypatch.setenv("GUNICORN_BIND", "127.0.0.1:9123")
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert config["workers"] == multiprocessing.cpu_count() * 2 + 1
    assert config["bind"] == "127.0.0.1:9123"
    assert config["timeout"] > 0 and config["preload_app"] is True


def test_database_connections_persist_with_health_checks(settings):
    database = settings.DATABASES["default"]
    assert database["CONN_HEALTH_CHECKS"] is True
    if database["ENGINE"].endswith("postgresql"):
        assert database["CONN_MAX_AGE"] > 0


@pytest.mark.parametrize("value", ["0", "-3"])
def test_a_related_articles_half_life_of_no_days_stops_the_start(value):
    result = run_check(DEBUG="true", RELATED_ARTICLES_HALF_LIFE_DAYS=value)
    assert result.returncode != 0
    assert "RELATED_ARTICLES_HALF_LIFE_DAYS" in result.stderr.strip().splitlines()[-1]
