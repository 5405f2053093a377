"""Generation changes pushed to every worker, so that a page-cache hit needs no round trip.

A page-cache hit must know the current generations (newsportal.pagecache): asking Redis
costs a round trip per hit, a large part of a hit's time (docs/benchmarks.md). Instead
each process keeps the generations it has read, and listens on a Redis pub/sub channel
where every process that starts a generation or renews a scope publishes the key it
changed (after writing it). A listening process forgets that key as soon as the message
arrives, and reads it again on the next hit: a change shows everywhere at once, as with
a round trip per hit.

Correctness rests on three rules:

- A value read from Redis is kept only if no message arrived while it was being read
  (the `epoch` check), so a message can never be overtaken by the value it cancels.
- Values are trusted only while the subscription is up. When the listener starts, or
  its connection fails, everything kept is forgotten and every hit asks Redis again
  until the subscription is confirmed (it retries every second).
- Only content changes make pages stale, and every one of them goes through
  start_generation or scope_changed, which publish. A key lost from Redis by eviction
  or a flush changes no content; whoever writes it anew publishes.

Without Redis (local memory, one process) there is nothing to listen to and every hit
reads the generations from the cache, as before. PAGE_CACHE_LISTEN=false turns it off.
"""

import contextlib
import logging
import os
import threading
import time

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)

CHANNEL_SUFFIX = "pagecache:changes"
PING_SECONDS = 5
RETRY_SECONDS = 1


def _redis():
    """The cache's Redis client, or None when the cache is not Redis."""
    if not settings.PAGE_CACHE_LISTEN:
        return None
    client = getattr(cache, "client", None)
    if client is None or not hasattr(client, "get_client"):
        return None
    return client.get_client(write=True)


def channel(client):
    # Channels are server-wide: name the database and key prefix, so that two sites (or
    # the benchmark and the tests) on one Redis server do not hear each other.
    database = client.connection_pool.connection_kwargs.get("db", 0)
    prefix = settings.CACHES["default"].get("KEY_PREFIX", "")
    return f"{prefix}:{database}:{CHANNEL_SUFFIX}"


class Listener:
    """This process's subscription, and the generation values it may trust."""

    def __init__(self):
        self.lock = threading.Lock()
        self.known = {}
        self.epoch = 0
        self.live = False
        self.pid = None

    # Used by the page cache.

    def get(self, key):
        """A value this process may trust, or None (then it must ask Redis)."""
        if not self.live or self.pid != os.getpid() or not settings.PAGE_CACHE_LISTEN:
            return None  # (a forked child has no listener until its first read)
        return self.known.get(key)

    def begin_read(self):
        """Call before reading keys from Redis; pass the result to keep()."""
        self.ensure_started()
        return self.epoch

    def keep(self, epoch, values):
        """Keep values read from Redis, unless a message arrived since begin_read()."""
        with self.lock:
            if self.live and self.epoch == epoch:
                self.known.update(values)

    def wrote(self, key, value):
        """This process changed `key`: keep the new value, and tell the other processes."""
        with self.lock:
            self.epoch += 1
            self.known[key] = value
        publish(key)

    def forget_all(self):
        with self.lock:
            self.epoch += 1
            self.known.clear()

    # The subscription.

    def ensure_started(self):
        if self.pid == os.getpid():
            return
        with self.lock:
            if self.pid == os.getpid():
                return
            # A new process (a gunicorn worker forked from the master): nothing from
            # the parent is trusted, and the parent's thread did not come along.
            self.pid = os.getpid()
            self.live = False
            self.known.clear()
            if _redis() is None:
                return
            threading.Thread(target=self.run, name="pagecache-listener", daemon=True).start()

    def run(self):
        while self.pid == os.getpid():
            pubsub = None
            try:
                client = _redis()
                pubsub = client.pubsub()
                pubsub.subscribe(channel(client))
                last_ping = time.monotonic()
                while self.pid == os.getpid():
                    message = pubsub.get_message(timeout=1.0)
                    if message is None:
                        if time.monotonic() - last_ping > PING_SECONDS:
                            pubsub.ping()  # a dead connection raises here or on the read
                            last_ping = time.monotonic()
                    elif message["type"] == "subscribe":
                        self.forget_all()
                        self.live = True
                    elif message["type"] == "message":
                        key = message["data"]
                        key = key.decode() if isinstance(key, bytes) else key
                        with self.lock:
                            self.epoch += 1
                            self.known.pop(key, None)
            except Exception as error:  # Redis down or restarted: ask it every time
                logger.warning("page cache: not listening to changes (%r)", error)
            finally:
                self.live = False
                self.forget_all()
                if pubsub is not None:
                    with contextlib.suppress(Exception):  # already broken
                        pubsub.close()
            time.sleep(RETRY_SECONDS)


listener = Listener()


def publish(key):
    try:
        client = _redis()
        if client is not None:
            client.publish(channel(client), key)
    except Exception as error:
        # The other processes will not hear of it: they still trust the old value,
        # so say it loudly. Their subscription failing too is the likely cause, and
        # then they are asking Redis on every hit anyway.
        logger.error("page cache: could not publish a change of %s (%r)", key, error)
