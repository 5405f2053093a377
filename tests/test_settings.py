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
