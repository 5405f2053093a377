"""Most read: counting reads without knowing the reader.

A read is an article page served to something that looks like a person: not a HEAD
request, not a browser's prefetch, not a robot by its User-Agent. Nothing about the
reader is kept: no cookie is set or read, no IP address or User-Agent is stored, the
only thing counted is (article, day).

Each client counts once per article per READ_COUNT_WINDOW_SECONDS, so a script
reloading a page cannot put an old article first. A client is a *reader mark*: a keyed
BLAKE2b digest of its IP address and User-Agent, whose key (the salt) is random, made
anew every day and kept only in the cache, with a lifetime of two days. Once the salt
is gone a mark cannot be tied back to an address, even by someone holding the cache;
the marks themselves are cache keys that live READ_COUNT_WINDOW_SECONDS. Readers behind
one address with the same browser count as one: the price of keeping nothing.

Counting never writes during the request. count_read() adds the reader mark to a set in
this process's memory; after the response has been sent (Django's `request_finished`
signal, which fires when the server closes the response), a process whose counters are
older than READ_COUNT_FLUSH_SECONDS keeps the marks not yet seen in the window (one
pipelined `SET NX EX` per mark on Redis, in one round trip) and adds their number to
ArticleReadCount in one `INSERT … ON CONFLICT DO UPDATE SET reads = reads +
excluded.reads` statement. Every worker flushes its own counters into the shared
database, so no worker needs another one's memory, and a crash loses at most one
interval of counts (acceptable for a « most read » list; not for billing).

most_read() reads the counts of the last days in one query, and keeps the list in the
cache for a few minutes; an article published, unpublished, changed or deleted
(articles.events) forgets it, now and again once the transaction commits, so an
article taken offline leaves the list at once.
"""

import hashlib
import logging
import re
import secrets
import threading
import time
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone

from articles.models import Article, ArticleReadCount
from newsportal import cachedobjects
from newsportal.clientip import client_ip

logger = logging.getLogger(__name__)

# v2: articles name their section (Category before); see newsportal.cachedobjects.
MOST_READ_CACHE_KEY = "articles:most-read:v2"
MOST_READ_COUNT = 5
MOST_READ_DAYS = 2
MOST_READ_CACHE_SECONDS = 300
FLUSH_BATCH = 500
SALT_KEY_PREFIX = "articles:read-salt"
SALT_SECONDS = 2 * 24 * 3600
SEEN_KEY_PREFIX = "articles:read-seen"
# Reader marks a process holds between flushes at most (a flood of made-up User-Agents
# is not counted past it, and costs no more memory).
MAX_PENDING_MARKS = 50_000

ROBOT_RE = re.compile(
    r"bot|crawl|spider|slurp|archiver|facebookexternalhit|embedly|preview|monitor|"
    r"headless|curl|wget|python-|httpclient|java/|go-http|feed",
    re.IGNORECASE,
)

_lock = threading.Lock()
_pending = {}  # (article pk, day) -> set of reader marks
_pending_marks = 0
_last_flush = time.monotonic()
_salts = {}  # day -> that day's salt (bytes), read from the cache once per process
_unwritten = {}  # (article pk, day) -> counted reads the database was away for


def is_reader(request):
    """Whether this request is a person reading (as far as can be told without tracking)."""
    if request.method != "GET":
        return False
    # META rather than request.headers, which builds a dict of every header: this runs
    # on every page-cache hit of an article.
    meta = request.META
    purpose = (meta.get("HTTP_SEC_PURPOSE", "") + meta.get("HTTP_PURPOSE", "")).lower()
    if "prefetch" in purpose or "prerender" in purpose:
        return False
    user_agent = meta.get("HTTP_USER_AGENT", "")
    return bool(user_agent) and not ROBOT_RE.search(user_agent)


def count_read(request, article):
    """Count one read of `article` in memory (no I/O)."""
    _count(request, article.pk)


def count_cached_read(request, extra):
    """count_read for an article page served from the page cache (newsportal.pagecache)."""
    _count(request, extra["article_pk"])


def _count(request, article_pk):
    global _pending_marks
    if is_reader(request):
        day = timezone.localdate()
        mark = reader_mark(request, day)
        with _lock:
            marks = _pending.setdefault((article_pk, day), set())
            if mark not in marks and _pending_marks < MAX_PENDING_MARKS:
                marks.add(mark)
                _pending_marks += 1


def day_salt(day):
    """The salt of reader marks for `day` (16 random bytes, shared by every process
    through the cache, kept SALT_SECONDS)."""
    salt = _salts.get(day)
    if salt is None:
        key = f"{SALT_KEY_PREFIX}:{day.isoformat()}"
        cache.add(key, secrets.token_hex(16), timeout=SALT_SECONDS)
        # None when the cache is unreachable: a salt of this process only, kept for
        # the day, still unknown to anyone else.
        salt = bytes.fromhex(cache.get(key) or secrets.token_hex(16))
        _salts.clear()  # yesterday's salt is of no more use here
        _salts[day] = salt
    return salt


def reader_mark(request, day):
    """A reader's mark for `day`: 24 hex digits from IP address and User-Agent, keyed
    by the day's salt; the address and User-Agent themselves are not kept."""
    client = f"{client_ip(request) or ''}\n{request.META.get('HTTP_USER_AGENT', '')}"
    return hashlib.blake2b(client.encode(), key=day_salt(day), digest_size=12).hexdigest()


def pending_reads():
    """{(article pk, day): readers counted in this process since the last flush}."""
    with _lock:
        return {item: len(marks) for item, marks in _pending.items()}


def _first_reads(batch):
    """{(article pk, day): how many of its reader marks were not counted in the window}.

    A mark is recorded as a cache key living READ_COUNT_WINDOW_SECONDS; on Redis all the
    batch's marks are recorded in one pipelined round trip.
    """
    window = settings.READ_COUNT_WINDOW_SECONDS
    items = [
        (item, f"{SEEN_KEY_PREFIX}:{item[0]}:{mark}")
        for item, marks in batch.items()
        for mark in marks
    ]
    client = getattr(cache, "client", None)
    if client is not None and hasattr(client, "get_client"):  # django-redis
        pipeline = client.get_client(write=True).pipeline(transaction=False)
        for _, key in items:
            pipeline.set(cache.make_and_validate_key(key), 1, nx=True, ex=window)
        first = pipeline.execute()
    else:
        first = [cache.add(key, 1, timeout=window) for _, key in items]
    counts = {}
    for (item, _), is_first in zip(items, first, strict=True):
        if is_first:
            counts[item] = counts.get(item, 0) + 1
    return counts


def flush_reads():
    """Add the counted reads to the database; return how many reads were written."""
    global _last_flush, _pending, _pending_marks
    with _lock:
        batch, unwritten = _pending, dict(_unwritten)
        _pending, _pending_marks = {}, 0
        _unwritten.clear()
        _last_flush = time.monotonic()
    if not batch and not unwritten:
        return 0
    try:
        counts = _first_reads(batch) if batch else {}
    except Exception:
        # The cache is away: keep the marks for the next flush rather than lose them.
        logger.exception("Could not check the readers of %d articles; keeping them", len(batch))
        with _lock:
            for item, marks in batch.items():
                _pending.setdefault(item, set()).update(marks)
                _pending_marks += len(marks)
            _keep_unwritten(unwritten)
        return 0
    _add(counts, unwritten)
    try:
        rows = list(counts.items())
        chunks = [rows[start : start + FLUSH_BATCH] for start in range(0, len(rows), FLUSH_BATCH)]
        if len(chunks) == 1:
            _upsert(chunks[0])  # one statement: atomic by itself
        elif chunks:
            with transaction.atomic():
                for chunk in chunks:
                    _upsert(chunk)
    except Exception:
        # The database is away: keep the counts (their readers are already marked as
        # seen) for the next flush rather than lose them.
        logger.exception("Could not write the reads of %d articles; keeping them", len(counts))
        with _lock:
            _keep_unwritten(counts)
        return 0
    return sum(counts.values())


def _add(counts, more):
    for item, reads in more.items():
        counts[item] = counts.get(item, 0) + reads


def _keep_unwritten(counts):
    # At most MAX_PENDING_MARKS articles and days are kept while the database is away.
    if len(_unwritten) < MAX_PENDING_MARKS:
        _add(_unwritten, counts)


def _upsert(rows):
    table = ArticleReadCount._meta.db_table
    articles = Article._meta.db_table
    values = ", ".join(["(%s, %s, %s)"] * len(rows))
    params = [value for (article_id, day), reads in rows for value in (article_id, day, reads)]
    # VALUES columns are column1… on both PostgreSQL and SQLite; the join drops the
    # reads of an article deleted meanwhile; SQLite needs the WHERE before ON CONFLICT.
    sql = (
        f"INSERT INTO {table} (article_id, day, reads) "  # noqa: S608  (names from models)
        f"SELECT v.column1, v.column2, v.column3 FROM (VALUES {values}) AS v "
        f"JOIN {articles} a ON a.id = v.column1 WHERE 1 = 1 "
        f"ON CONFLICT (article_id, day) DO UPDATE SET reads = {table}.reads + excluded.reads"
    )
    if connection.vendor == "postgresql":
        sql = sql.replace("(%s, %s, %s)", "(%s::bigint, %s::date, %s::integer)")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def flush_when_due(**kwargs):
    """After each response (`request_finished`): flush the counts once they are due."""
    interval = getattr(settings, "READ_COUNT_FLUSH_SECONDS", 60)
    if (_pending or _unwritten) and time.monotonic() - _last_flush >= interval:
        flush_reads()


def most_read(exclude=None, count=MOST_READ_COUNT, request=None):
    """Return the most read published articles of the last days (one query, cached).

    With the request, the list is also kept in this process for the page generation
    (newsportal.pagecache.per_generation) and MOST_READ_CACHE_SECONDS at most.
    """
    if request is not None:
        from newsportal.pagecache import per_generation

        articles = per_generation(
            request, MOST_READ_CACHE_KEY, _most_read_list, seconds=MOST_READ_CACHE_SECONDS
        )
    else:
        articles = _most_read_list()
    return [article for article in articles if article.pk != getattr(exclude, "pk", None)][:count]


def _most_read_list():
    articles = cachedobjects.read(MOST_READ_CACHE_KEY)
    if articles is None:
        since = timezone.localdate() - timedelta(days=MOST_READ_DAYS - 1)
        articles = list(
            Article.objects.published()
            .for_listing()
            .filter(read_counts__day__gte=since)
            .annotate(recent_reads=Sum("read_counts__reads"))
            .order_by("-recent_reads", "-published_at", "-pk")[: MOST_READ_COUNT + 1]
        )
        cache.set(MOST_READ_CACHE_KEY, articles, MOST_READ_CACHE_SECONDS)
    return articles


def forget_most_read(**kwargs):
    """Forget the list now and once the transaction commits: an article was published,
    unpublished or changed, or content was written without signals (articles.events)."""
    from newsportal.pagecache import now_and_on_commit

    now_and_on_commit(_delete_most_read)


def _delete_most_read():
    cache.delete(MOST_READ_CACHE_KEY)
