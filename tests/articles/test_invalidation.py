"""Generation changes pushed over Redis pub/sub (newsportal.pagecache.invalidation): a hit makes no
round trip, and a change made by another process shows at once."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from newsportal import pagecache
from newsportal.pagecache import invalidation

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
needs_redis = pytest.mark.skipif(
    "django_redis" not in settings.CACHES["default"]["BACKEND"],
    reason="pub/sub needs Redis (the suite's PostgreSQL run sets REDIS_URL)",
)


def wait_for(condition, seconds=10):
    """Wait for the listener thread (this waits for an event; it measures nothing)."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the listener did not get there"
        time.sleep(0.02)


@needs_redis
def test_hits_make_no_round_trip_and_another_process_change_shows_at_once(site, monkeypatch):
    url = site["article"].get_absolute_url()
    Client().get(url)
    wait_for(lambda: invalidation.listener.live)
    Client().get(url)  # the generations are now known to this process
    calls = []
    real = pagecache.cache.get_many
    monkeypatch.setattr(pagecache.cache, "get_many", lambda keys: calls.append(keys) or real(keys))
    assert Client().get(url)["X-Page-Cache"] == "hit"
    assert calls == []

    # Another process (another gunicorn worker, say) starts a generation.
    before = invalidation.listener.known.get(pagecache.GENERATION_KEY)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "from newsportal.pagecache import start_generation; start_generation()",
        ],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "newsportal.settings"},
        check=True,
        capture_output=True,
    )
    wait_for(lambda: invalidation.listener.known.get(pagecache.GENERATION_KEY) != before)
    response = Client().get(url)
    assert response["X-Page-Cache"] == "miss"
    assert calls  # the new generation was read from Redis


def test_a_value_read_while_a_change_arrived_is_not_kept():
    listener = invalidation.Listener()
    listener.pid, listener.live = os.getpid(), True  # as if subscribed
    epoch = listener.begin_read()
    listener.epoch += 1  # what the listener thread does when a message arrives
    listener.keep(epoch, {"pagecache:generation": {"token": "old"}})
    assert listener.get("pagecache:generation") is None
    listener.keep(listener.begin_read(), {"pagecache:generation": {"token": "new"}})
    assert listener.get("pagecache:generation") == {"token": "new"}


def test_nothing_is_trusted_while_the_subscription_is_down():
    listener = invalidation.Listener()
    listener.pid, listener.live = os.getpid(), True  # as if subscribed
    listener.keep(listener.begin_read(), {"pagecache:generation": {"token": "t"}})
    listener.live = False
    assert listener.get("pagecache:generation") is None


def test_a_forked_process_does_not_trust_its_parents_values():
    listener = invalidation.Listener()
    listener.pid, listener.live = os.getpid(), True
    listener.keep(listener.begin_read(), {"pagecache:generation": {"token": "parent"}})
    listener.pid = os.getpid() + 1  # as seen from a child forked after the parent listened
    assert listener.get("pagecache:generation") is None
