"""Read replicas (newsportal/dbrouters.py): with DATABASE_REPLICA_URL, reads made outside
a transaction go to the replica; writes, migrations and everything a transaction reads
go to the primary. Without it, nothing changes."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import router, transaction

from articles.models import Article
from comments.models import Comment
from newsportal.dbrouters import REPLICA, ReplicaRouter

ROOT = Path(__file__).resolve().parents[2]

# Transactional: a test wrapped in a transaction would read from the primary throughout.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def replica(monkeypatch):
    """A replica alias, as the settings add it (never connected to here: the router only
    names it)."""
    monkeypatch.setitem(settings.DATABASES, REPLICA, {**settings.DATABASES["default"]})
    monkeypatch.setattr(router, "routers", [ReplicaRouter()])
    return REPLICA


def test_reads_go_to_the_replica_writes_and_transactions_to_the_primary(replica):
    assert router.db_for_read(Article) == "replica"
    assert router.db_for_read(Comment) == "replica"
    assert Article.objects.all().db == "replica"
    assert router.db_for_write(Article) == "default"
    with transaction.atomic():
        # A transaction reads its own writes and locks what it will change: the primary.
        assert router.db_for_read(Article) == "default"
        assert Article.objects.all().db == "default"
        assert Article.objects.select_for_update().db == "default"
    assert router.db_for_read(Article) == "replica"
    assert router.allow_migrate("default", "articles")
    assert not router.allow_migrate("replica", "articles")


def test_without_a_replica_the_router_leaves_everything_on_the_primary(monkeypatch):
    monkeypatch.setattr(router, "routers", [ReplicaRouter()])
    assert REPLICA not in settings.DATABASES
    assert router.db_for_read(Article) == "default"
    assert Article.objects.all().db == "default"


def settings_with(**environ):
    code = (
        "from django.conf import settings; "
        "print(sorted(settings.DATABASES), getattr(settings, 'DATABASE_ROUTERS', []), "
        "settings.DATABASES.get('replica', {}).get('NAME'), "
        "settings.DATABASES.get('replica', {}).get('TEST', {}).get('MIRROR'))"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_"))}
    env |= {"DEBUG": "true", "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/primary"}
    env |= environ
    return subprocess.run(  # noqa: S603  (our interpreter, our settings)
        [sys.executable, "-c", f"import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = "
         f"'newsportal.settings'; django.setup(); {code}"],
        cwd=ROOT, env=env, capture_output=True, text=True, check=True, timeout=60,
    ).stdout.strip()  # fmt: skip


def test_database_replica_url_adds_the_replica_and_its_router():
    assert settings_with() == "['default'] [] None None"
    assert settings_with(DATABASE_REPLICA_URL="postgres://reader@10.0.0.21:5432/newsportal") == (
        "['default', 'replica'] ['newsportal.dbrouters.ReplicaRouter'] newsportal default"
    )
