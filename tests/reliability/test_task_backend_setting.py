"""TASKS_BACKEND chooses where background tasks run: the database queue in production,
at once in development, and nothing else."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {"SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "news.example.org"}


def tasks_backend(**overrides):
    """The backend the settings choose in a fresh process with `overrides` as its
    environment (TASKS_BACKEND and DEBUG only from `overrides`)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"TASKS_BACKEND", "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS"}
    }
    env.update(overrides)
    return subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "--no-imports",
            "-c",
            "from django.conf import settings; print(settings.TASKS['default']['BACKEND'])",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("env", "backend"),
    [
        (PRODUCTION, "django_tasks_db.DatabaseBackend"),
        ({"DEBUG": "true"}, "django.tasks.backends.immediate.ImmediateBackend"),
        ({**PRODUCTION, "TASKS_BACKEND": "immediate"}, "django.tasks.backends.immediate."),
        ({"DEBUG": "true", "TASKS_BACKEND": "database"}, "django_tasks_db.DatabaseBackend"),
    ],
)
def test_the_backend_follows_the_environment(env, backend):
    result = tasks_backend(**env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].startswith(backend)


def test_an_unknown_backend_stops_the_start_with_one_line():
    result = tasks_backend(**PRODUCTION, TASKS_BACKEND="redis")
    assert result.returncode != 0
    assert result.stderr.strip() == "newsportal: TASKS_BACKEND must be database or immediate."
