"""The anonymous page cache: whole pages kept in the cache, the same bytes for every reader.

How a page is kept (docs/performance.md has the whole design):

- Only anonymous GET/HEAD requests go through it: a request carrying a session cookie
  (a logged-in user) or a messages cookie (a reader just back from posting) is rendered
  fresh and answered `private, no-store`.
- A stored page holds nothing that belongs to one reader: no CSRF token, no CSP nonce,
  no form stamp, no captcha question. The comment form fetches those when the reader
  first touches it, or asks for them on a confirmation step without JavaScript
  (comments.views, docs/comments.md). So the app's cache, nginx or a CDN can serve the
  page as it is.
- Invalidation: every stored page remembers the *generation* it was built in. Saving or
  deleting anything readers see (articles, sections, tags, authors, photos, ad slots,
  related links, corrections…) starts a new generation, so every page changes at once;
  an article's comments have a generation of their own, so an approved comment renews
  that article page only. One `get_many` reads the page and its generations together.
  Every invalidation runs again once the transaction commits (`now_and_on_commit`), so
  a reader rendering between a save and its commit cannot keep the old content; a
  transaction starts two generations at most, however many rows it writes
  (`content_changed`).
- Time: a stored page also expires at the next scheduled change (an article scheduled
  for later, an ad slot starting or ending, breaking news leaving the strip), at
  midnight (the header shows the date) and after PAGE_CACHE_SECONDS at most.
- Variants: a middleware before this one may set `request.page_variant` (the light
  page of newsportal.lightmode); a page is kept once per variant, never served to
  another.
- Bounded: every key written has a lifetime. A page is keyed by its path and only the
  query parameters pages read (register_query_parameters), so `?utm_source=…` or
  `?fbclid=…` makes no new entry; an address that answers 404 stores nothing (a scope
  with no recorded change is read as NO_CHANGE, never written).
- HTTP: a weak ETag answers `If-None-Match` with 304; every cached page is `public` with
  `s-maxage` (PAGE_CACHE_SHARED_MAX_AGE) for a shared cache. The `X-Page-Cache` header
  (hit, miss, bypass) is sent only with PAGE_CACHE_STATUS_HEADER (on with DEBUG): in
  production it would tell anyone what others have just read.
"""

import hashlib
import secrets
import threading
import time
from collections import OrderedDict
from datetime import timedelta

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.core.signals import setting_changed
from django.db import connection, transaction
from django.dispatch import receiver
from django.http import HttpResponse, HttpResponseNotModified, QueryDict
from django.utils import timezone, translation
from django.utils.cache import (
    add_never_cache_headers,
    get_conditional_response,
    patch_cache_control,
    patch_vary_headers,
    set_response_etag,
)
from django.utils.http import parse_etags, urlencode

from newsportal.pagecache.invalidation import listener

GENERATION_KEY = "pagecache:generation"
PAGE_KEY_PREFIX = "pagecache:page"
SCOPE_KEY_PREFIX = "pagecache:scope"
# Without a known schedule (a generation started by a reader after the cache was
# emptied), stored pages live this long at most, so a scheduled article still shows soon.
UNKNOWN_SCHEDULE_SECONDS = 60
# The generation record lives this long in the shared cache; when it expires, the next
# reader starts a new one (every page is then rendered once more: nothing goes stale).
GENERATION_SECONDS = 24 * 3600
# A scope's token lives this long. It must outlive every page and fragment stored under
# NO_CHANGE (PAGE_CACHE_SECONDS, 600 s for fragments), so that a page kept from before
# a change can never match again once the token has expired.
SCOPE_SECONDS = 24 * 3600
# The version of a scope with no change recorded in the last SCOPE_SECONDS: nothing is
# written for it, so any address (a 404 included) costs no key.
NO_CHANGE = "-"

_hit_hooks = {}
_query_parameters = {}  # name -> clean(value): the value to key on, or None to drop it


def register_hit(name, hook):
    """Run `hook(request, extra)` when a page stored with `on_hit=name` is served from the cache.

    A hit may be served before the URL is resolved (PageCacheMiddleware), so the hook is
    found by name, with what the view left in `response.page_cache_extra`.
    """
    _hit_hooks[name] = hook


# Generations.


def _new_token():
    return secrets.token_hex(8)


class _Resets(threading.local):
    """What content_changed needs to know of this thread (its database connection)."""

    # The generation start registered to run when this thread's transaction commits.
    on_commit = None
    # Whether this thread read the generation since it last started one.
    read = False


_resets = _Resets()


def start_generation(next_change=None, known=False):
    """Start a new generation: every page stored before it is stale from now on.

    Publishes the change to every process (invalidation). Content changes go through
    content_changed, which starts as few as correctness allows.
    """
    _resets.read = False
    record = {
        "token": _new_token(),
        "next_change": next_change.timestamp() if next_change else None,
        "schedule_known": known,
    }
    cache.set(GENERATION_KEY, record, timeout=GENERATION_SECONDS)
    _remember(GENERATION_KEY, record)
    return record


# The generations a worker may use without asking the shared cache. With Redis, each
# process listens to the changes every process publishes (newsportal.pagecache.invalidation), so a
# hit costs no round trip and a change still shows everywhere at once. Otherwise, with
# PAGE_CACHE_CHECK_SECONDS > 0, a worker trusts what it read for that long (a change
# made in another worker shows there within that time, this worker's own at once); 0,
# the default, asks every time.
_known = {}


def _remember(key, value):
    """This process wrote `key`: keep it, and tell the other processes (invalidation)."""
    listener.wrote(key, value)
    if settings.PAGE_CACHE_CHECK_SECONDS > 0:
        _known[key] = (value, time.monotonic() + settings.PAGE_CACHE_CHECK_SECONDS)


# What a process remembers for a generation key that the shared cache does not hold (a
# scope with no recorded change): absent is an answer too, kept under the same rules,
# so a hit on such a page makes no round trip either.
ABSENT = "\x00absent"


def _shared_get_many(keys, versions):
    """cache.get_many, with the generation keys (`versions`) from memory while trusted.

    A version key the shared cache does not hold is left out of the result, as by
    get_many, and remembered as absent."""
    now, found = time.monotonic(), {}
    if GENERATION_KEY in versions:
        _resets.read = True
    for key in versions:
        value = listener.get(key)
        if value is None and settings.PAGE_CACHE_CHECK_SECONDS > 0:
            value, until = _known.get(key, (None, 0))
            value = value if until > now else None
        if value is not None:
            found[key] = value
    missing = [key for key in keys if key not in found]
    if missing:
        epoch = listener.begin_read()
        fetched = cache.get_many(missing)
        kept = {key: fetched.get(key, ABSENT) for key in versions if key in missing}
        listener.keep(epoch, kept)
        if settings.PAGE_CACHE_CHECK_SECONDS > 0:
            for key, value in kept.items():
                _known[key] = (value, now + settings.PAGE_CACHE_CHECK_SECONDS)
        found.update(fetched)
    if ABSENT in found.values():
        return {key: value for key, value in found.items() if value != ABSENT}
    return found


def _add_or_get(key, value, timeout=GENERATION_SECONDS):
    """Write `value` under `key` unless another process did first; the value in force."""
    if cache.add(key, value, timeout=timeout):
        _remember(key, value)
        return value
    return cache.get(key) or value


_schedules = []


def register_schedule(next_change):
    """Add `next_change(now)` to what bounds a page's life.

    `next_change` takes an aware datetime and returns the next aware datetime at which
    pages change by themselves (an article scheduled for later, an ad slot starting), or
    None. Apps register theirs in `AppConfig.ready()`: the cache imports no app.
    """
    if next_change not in _schedules:
        _schedules.append(next_change)


def next_scheduled_change(now=None):
    """The earliest moment any registered schedule names (an aware datetime), or None."""
    now = now or timezone.now()
    moments = [moment for schedule in _schedules if (moment := schedule(now))]
    return min(moments) if moments else None


def refresh_generation():
    """Start a generation that knows the next scheduled change (two small queries)."""
    return start_generation(next_scheduled_change(), known=True)


def now_and_on_commit(invalidate):
    """Run `invalidate()` now and, inside a transaction, again once it commits.

    The run on commit is the one that counts: a reader rendering between the save and
    the commit reads the old rows and may store them again under what the first run
    renewed. The first run makes the change show at once for the writer's own
    connection (and in tests, whose transaction never commits). One run on commit per
    transaction for the same function.
    """
    invalidate()
    if connection.in_atomic_block and not any(
        func is invalidate for _, func, _ in connection.run_on_commit
    ):
        transaction.on_commit(invalidate)


def content_changed(**kwargs):
    """Something readers see changed: a new generation now, and again once it commits.

    At most two generations per transaction, however many rows it writes (an admin save
    writes the article, its tags, bylines, related links and a log entry):

    - the first change starts one at once: the writer's own connection, which alone can
      read the rows before the commit, sees them (as do tests, which never commit);
    - one starts when the transaction commits, the one that counts: a reader rendering
      between the change and the commit read the old rows and may have stored them
      under the first;
    - a further change in the same transaction starts one at once only if this thread
      read the generation since the last one (it may have stored a page holding the
      earlier rows); other connections read the committed rows, which the start on
      commit covers.

    A rolled-back transaction (or savepoint) drops its start on commit, so the next
    change starts anew. Outside a transaction the change is already committed: one
    generation, which knows the next scheduled change.
    """
    if not connection.in_atomic_block:
        refresh_generation()
        return
    registered = _resets.on_commit
    pending = registered is not None and any(
        func is registered for _, func, _ in connection.run_on_commit
    )
    if pending and not _resets.read:
        return
    start_generation()
    if not pending:

        def start_on_commit():
            refresh_generation()

        _resets.on_commit = start_on_commit
        transaction.on_commit(start_on_commit)


def scope_key(scope):
    # A scope holds a slug from the URL, which a request may make thousands of
    # characters long: past 64, use its digest (cache keys stay under 250 characters).
    if len(scope) > 64:
        scope = "sha256:" + hashlib.sha256(scope.encode()).hexdigest()
    return f"{SCOPE_KEY_PREFIX}:{scope}"


def scope_changed(scope):
    """Renew one scope (an article's comments): only the pages that name it are stale.

    The token carries its own end (`<random>.<unix time>`), so that every process stops
    using it at the same moment the shared cache drops it (scope_version).
    """
    token = f"{_new_token()}.{int(time.time() + SCOPE_SECONDS)}"
    cache.set(scope_key(scope), token, timeout=SCOPE_SECONDS)
    _remember(scope_key(scope), token)


def scope_version(token, now=None):
    """The version a scope's stored token stands for: the token, or NO_CHANGE when
    there is none or it has ended."""
    if not token:
        return NO_CHANGE
    _, _, end = token.rpartition(".")
    try:
        return token if int(end) > (now or time.time()) else NO_CHANGE
    except ValueError:  # a token from before tokens carried their end
        return token


@receiver(setting_changed)
def forget_pages_on_setting_change(**kwargs):
    # Tests change settings on the fly; a deployment restarts, and gunicorn.conf.py
    # starts a new generation then.
    start_generation()
    _local_pages.clear()
    _known.clear()
    listener.forget_all()
    _per_generation.clear()


# Serving.


def has_session(request):
    """Whether `request` sends a session cookie (and the session middleware ran): only
    then may a view read `request.session`, since reading it makes the answer vary on
    Cookie, which a shared page must not."""
    return settings.SESSION_COOKIE_NAME in request.COOKIES and hasattr(request, "session")


def is_cacheable(request):
    """An anonymous reader's GET with nothing personal waiting (no session, no message)."""
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and CookieStorage.cookie_name not in request.COOKIES
    )


def register_query_parameters(*names, clean=None):
    """Declare query parameters that public pages read (`page`, a comment page…).

    Only these are part of a page's cache key, and a page is rendered from a request
    that carries only these: any other parameter (`utm_*`, `fbclid`, `gclid`, a random
    one) makes no new entry and cannot end up in a stored page (in a pagination link,
    say). `clean(value)` gives the value the page reads the same way (`"02"` → `"2"`),
    or None when the page ignores it, so that many spellings make one entry.
    """
    for name in names:
        _query_parameters[name] = clean


def page_number(value):
    """clean for page numbers: digits without leading zeros; anything else as it is
    (the page decides: a 404, or the last page for `last`)."""
    return str(int(value)) if value.isdecimal() and len(value) <= 12 else value


def page_query(request, names=None):
    """The request's registered query parameters as a query string, sorted by name
    (the values of one name keep their order), cleaned; "" when there are none.

    `names`: the parameters this page reads (an iterable of str), None for every
    registered one; the others are left out."""
    if not request.META.get("QUERY_STRING"):
        return ""
    kept = []
    for name, values in request.GET.lists():
        if name not in _query_parameters or (names is not None and name not in names):
            continue
        if clean := _query_parameters[name]:
            values = [value for value in map(clean, values) if value is not None]
        if values:
            kept.append((name, values))
    kept.sort(key=lambda item: item[0])
    return urlencode(kept, doseq=True)


def page_path(request):
    """The address a page is stored under: the path and page_query()."""
    query = page_query(request)
    return f"{request.path}?{query}" if query else request.path


def keep_page_parameters(request, names=None):
    """Make the request hold only the parameters the page reads (`names`, or every
    registered one): `request.GET` and the query string, so the page's cache key
    (page_key) and its links name nothing else."""
    if request.META.get("QUERY_STRING"):
        query = page_query(request, names)
        request.GET = QueryDict(query)
        request.META["QUERY_STRING"] = query


def page_key_for(full_path, language=None, variant=""):
    """The cache key of the page at `full_path` (page_path) in `language` (default: the
    active one) and `variant` (a str: "" for the full page, "light" for the light one)."""
    digest = hashlib.md5(full_path.encode(), usedforsecurity=False).hexdigest()
    variant = f":{variant}" if variant else ""
    return f"{PAGE_KEY_PREFIX}:{language or translation.get_language()}{variant}:{digest}"


def page_variant(request):
    """The variant of the page a request gets: `request.page_variant`, which a middleware
    before this cache sets (newsportal.lightmode: "light" for the light page), or ""."""
    return getattr(request, "page_variant", "")


def page_key(request):
    return page_key_for(page_path(request), variant=page_variant(request))


def _current_versions(found, scopes):
    generation = found.get(GENERATION_KEY)
    if generation is None:
        # Emptied cache (a restart with local memory, an eviction): the schedule is
        # unknown until the next change, so pages are kept a short while only.
        generation = _add_or_get(GENERATION_KEY, _unknown_record())
    elif generation["next_change"] and time.time() >= generation["next_change"]:
        generation = refresh_generation()
    versions = [generation["token"]]
    now = time.time()
    for scope in scopes:
        versions.append(scope_version(found.get(scope_key(scope)), now))
    return generation, tuple(versions)


def _unknown_record():
    return {"token": _new_token(), "next_change": None, "schedule_known": False}


def _next_midnight(now):
    local = timezone.localtime(timezone.make_aware(now) if timezone.is_naive(now) else now)
    tomorrow = (local + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return tomorrow.timestamp()


class LocalPages:
    """The most recently served pages of this process (a small LRU).

    `size`: how many to keep; by default PAGE_CACHE_LOCAL_PAGES (read on each put).
    """

    def __init__(self, size=None):
        self.pages = OrderedDict()
        self.lock = threading.Lock()
        self.size = size

    def get(self, key):
        with self.lock:
            entry = self.pages.get(key)
            if entry is not None:
                self.pages.move_to_end(key)
            return entry

    def put(self, key, entry):
        with self.lock:
            self.pages[key] = entry
            self.pages.move_to_end(key)
            while len(self.pages) > (self.size or settings.PAGE_CACHE_LOCAL_PAGES):
                self.pages.popitem(last=False)

    def clear(self):
        with self.lock:
            self.pages.clear()


_local_pages = LocalPages()


def serve(request, render, scopes=(), valid_until=None, on_hit=None):
    """Answer an anonymous GET from the cache, or render it and keep it.

    `render()` returns the view's rendered response; `valid_until()` may bound
    how long the page stays true (comments closing); `on_hit` names a hook
    (register_hit) run on a cache hit with what `render` left in
    `response.page_cache_extra` (counting a read, say).
    """
    if settings.PAGE_CACHE_SECONDS <= 0:
        # Page cache off: the same headers and ETag, rendered every time.
        response = render()
        if response.status_code != 200 or response.streaming:
            return response
        return respond(request, _entry(response, None, None, (), None), "off")
    key = page_key(request)
    now = time.time()
    # A copy of the page in this process's memory saves moving and unpickling it; the
    # generations still come from the shared cache, so it is never served stale.
    local = _local_pages.get(key)
    if local and local["until"] <= now:
        local = None
    keys = [GENERATION_KEY, *(scope_key(s) for s in scopes)]
    found = _shared_get_many(keys if local else [*keys, key], keys)
    generation, versions = _current_versions(found, scopes)
    request.page_generation = generation["token"]
    request.page_schedule_known = generation.get("schedule_known", True)
    request.page_scopes = dict(zip(scopes, versions[1:], strict=True))
    if local and local["versions"] != versions:
        found[key] = cache.get(key)
        local = None
    entry = local or found.get(key)
    if (
        entry
        and entry.get("body") is not None
        and entry["versions"] == versions
        and entry["until"] > now
    ):
        if not local:
            _local_pages.put(key, entry)
        _run_hit_hook(request, entry)
        status = "hit"
    else:
        response = render()
        if response.status_code != 200 or response.cookies or response.streaming:
            return response
        until = [now + settings.PAGE_CACHE_SECONDS, _next_midnight(timezone.now())]
        if generation["next_change"]:
            until.append(generation["next_change"])
        elif not generation.get("schedule_known"):
            until.append(now + UNKNOWN_SCHEDULE_SECONDS)
        if valid_until and (moment := valid_until()) and moment.timestamp() > now:
            until.append(moment.timestamp())
        entry = _entry(response, versions, min(until), tuple(scopes), on_hit)
        timeout = int(entry["until"] - now)
        if timeout > 0:
            cache.set(key, entry, timeout=timeout)
            _local_pages.put(key, entry)
        status = "miss"
    # PageCacheMiddleware keeps the final headers with this process's copy.
    request.page_cache_entry = entry
    return respond(request, entry, status)


def _run_hit_hook(request, entry):
    if entry["hit"] and (hook := _hit_hooks.get(entry["hit"])):
        hook(request, entry["extra"])


def _entry(response, versions, until, scopes, on_hit):
    body = bytes(response.content)
    return {
        "versions": versions,
        "until": until,
        "scopes": scopes,
        # The page's bytes, the same for every reader: served as they are.
        "body": body,
        "content_type": response["Content-Type"],
        "etag": hashlib.md5(body, usedforsecurity=False).hexdigest()[:20],
        "hit": on_hit,
        "extra": getattr(response, "page_cache_extra", None),
        # A view's own CSP (django.views.decorators.csp.csp_override, or the article
        # page's frame-src for its embeds) goes with its page.
        "csp": getattr(response, "_csp_config", None),
    }


def respond(request, entry, status):
    """The response for a stored page: its bytes, or 304 for a matching ETag.

    Every reader gets the same bytes and headers, so the page is `public` with
    `s-maxage` for a shared cache (nginx, a CDN) and `max-age=0` for browsers, which
    revalidate with the weak ETag.
    """
    etag = f'W/"{entry["etag"]}"'
    if _matches(request, etag):
        response = HttpResponseNotModified()
        # No CSP header on a 304: the browser keeps the one that came with its copy.
        response._csp_config = response._csp_ro_config = {}
    else:
        response = HttpResponse(entry["body"], content_type=entry["content_type"])
        response["Content-Length"] = len(entry["body"])
        if entry.get("csp") is not None:
            response._csp_config = entry["csp"]
    response["ETag"] = etag
    if settings.PAGE_CACHE_STATUS_HEADER:
        response["X-Page-Cache"] = status
    patch_vary_headers(response, ["Cookie"])
    patch_cache_control(
        response, public=True, max_age=0, s_maxage=settings.PAGE_CACHE_SHARED_MAX_AGE
    )
    return response


def shared(request, response, max_age=0):
    """Headers of a public response rendered each time (a feed, a sitemap), for any cache.

    The same bytes go to every reader, so the response is `public` with `max_age` seconds
    for browsers and PAGE_CACHE_SHARED_MAX_AGE (`s-maxage`) for shared caches, with an
    ETag of its bytes; a matching `If-None-Match` gets a 304 (Django's
    get_conditional_response). Other responses (errors, streaming) are left as they are.
    """
    if response.status_code != 200 or response.streaming:
        return response
    if not response.has_header("ETag"):
        set_response_etag(response)
    patch_cache_control(
        response, public=True, max_age=max_age, s_maxage=settings.PAGE_CACHE_SHARED_MAX_AGE
    )
    return get_conditional_response(request, etag=response["ETag"], response=response)


def _matches(request, etag):
    header = request.META.get("HTTP_IF_NONE_MATCH")
    if not header:
        return False
    wanted = parse_etags(header)
    return "*" in wanted or etag in wanted or etag.removeprefix("W/") in wanted


def personal(response):
    """Headers of a page rendered for one person (logged in, a message waiting, a POST)."""
    add_never_cache_headers(response)
    patch_vary_headers(response, ["Cookie"])
    if settings.PAGE_CACHE_STATUS_HEADER:
        response["X-Page-Cache"] = "bypass"
    return response


def scope_token(request, scope):
    """A scope's current token (read once per request): its fragments are keyed by it."""
    tokens = request.__dict__.setdefault("page_scopes", {})
    if scope not in tokens:
        key = scope_key(scope)
        tokens[scope] = scope_version(_shared_get_many([key], [key]).get(key))
    return tokens[scope]


def generation_token(request):
    """The current generation, read once per request: fragments are keyed by it."""
    if not hasattr(request, "page_generation"):
        record = _shared_get_many([GENERATION_KEY], [GENERATION_KEY]).get(GENERATION_KEY)
        if record is None:
            record = _add_or_get(GENERATION_KEY, _unknown_record())
        elif record["next_change"] and time.time() >= record["next_change"]:
            record = refresh_generation()
        request.page_generation = record["token"]
        request.page_schedule_known = record.get("schedule_known", True)
    return request.page_generation


# What per_generation keeps: a few site-wide values and the most recently read articles.
_per_generation = LocalPages(size=512)


def per_generation(request, name, compute, seconds=None):
    """`compute()`, kept in this process while the generation stays (and `seconds` at most).

    For content that pages need and only a content change alters (the section tree, ad
    slots, the most read list, an article with its tags): a page rendered for a
    logged-in reader gets it without a query or a round trip, since the request reads
    the generation anyway. Any change starts a new generation, so it is never stale;
    `name` must say everything the value depends on. None is not kept. The 512 most
    recent names are kept. Under a generation that does not know the next scheduled
    change (the shared cache lost it), a value is kept UNKNOWN_SCHEDULE_SECONDS at most,
    as pages are: an ad starting or ending by its time shows within that time.
    """
    token = generation_token(request)
    if not getattr(request, "page_schedule_known", True):
        seconds = min(seconds or UNKNOWN_SCHEDULE_SECONDS, UNKNOWN_SCHEDULE_SECONDS)
    now = time.monotonic()
    kept = _per_generation.get(name)
    if kept is not None and kept[0] == token and kept[1] > now:
        return kept[2]
    value = compute()
    if value is not None:
        _per_generation.put(name, (token, now + seconds if seconds else float("inf"), value))
    return value


class CachedPageMixin:
    """For public pages: anonymous GETs go through the page cache (see the module doc).

    A page holds nothing of one reader, cached or not: fragments kept in the cache
    (`{% cache … page_generation %}`: related articles, the comment form) and the pages
    themselves are the same for everyone; the comment form fetches a reader's own values
    when it is touched (comments.views.form_parts).
    """

    page_cache = True
    # The registered query parameters this page reads (a tuple of names), None for all:
    # any other makes no new entry (a `?page=` on a page without pages, say).
    page_query_parameters = None

    def page_cache_scopes(self):
        return ()

    def page_cache_valid_until(self):
        return None

    # The name of a hook (register_hit) run on a cache hit, when the view's code does not run.
    page_cache_on_hit = None

    def render_page(self, request, *args, **kwargs):
        response = super().dispatch(request, *args, **kwargs)
        if hasattr(response, "render"):
            response.render()
        return response

    def dispatch(self, request, *args, **kwargs):
        if not self.page_cache:
            return super().dispatch(request, *args, **kwargs)
        if not is_cacheable(request):
            return personal(self.render_page(request, *args, **kwargs))
        keep_page_parameters(request, self.page_query_parameters)
        return serve(
            request,
            lambda: self.render_page(request, *args, **kwargs),
            scopes=self.page_cache_scopes(),
            valid_until=self.page_cache_valid_until,
            on_hit=self.page_cache_on_hit,
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["page_generation"] = generation_token(self.request)
        return context


# Early hits.

# Headers of the stored response that respond() makes anew for each hit.
_OWN_HEADERS = {"content-length", "content-type", "etag", "x-page-cache", "cache-control"}


class PageCacheMiddleware:
    """Serves the pages this process holds before the middleware that a hit does not need.

    Placed after SecurityMiddleware, WhiteNoise and the CSP middleware (their headers
    go on every answer) and before sessions, locale, CSRF, authentication, messages
    and the rest. A page goes the whole way once per process: the view stores it
    (serve), and on the way out this middleware keeps, with this process's copy, the
    headers the inner middleware added (Vary, Content-Language, X-Frame-Options,
    Permissions-Policy…). After that an anonymous GET for it is answered here: the URL
    is not resolved, no session, user or message storage is made. What a hit does need
    is done here as the full stack would: the Host header is validated, the generations
    are read from the shared cache (so it is never stale), the language is the URL's,
    the hit hook runs. The page sets no cookie, so CSRF has nothing to do.

    Anything else (a page not in this process, a stale one, a reader with a session or
    a message) takes the normal way.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.early_hit(request)
        if response is not None:
            return response
        response = self.get_response(request)
        entry = getattr(request, "page_cache_entry", None)
        if entry is not None and response.status_code == 200 and "headers" not in entry:
            entry["headers"] = [
                (name, value)
                for name, value in response.headers.items()
                if name.lower() not in _OWN_HEADERS
            ]
        if response.cookies and "public" in response.get("Cache-Control", ""):
            # Inner middleware set a cookie on the way out (CSRF replacing a malformed
            # cookie, say): that answer is this reader's, never one for a shared cache.
            del response["Cache-Control"]
            personal(response)
        return response

    def early_hit(self, request):
        if settings.PAGE_CACHE_SECONDS <= 0 or not is_cacheable(request):
            return None
        language = translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE
        key = page_key_for(page_path(request), language, page_variant(request))
        entry = _local_pages.get(key)
        if entry is None or "headers" not in entry or entry["until"] <= time.time():
            return None
        request.get_host()  # DisallowedHost (a 400) as CommonMiddleware would raise it
        scopes = entry["scopes"]
        keys = [GENERATION_KEY, *(scope_key(s) for s in scopes)]
        generation, versions = _current_versions(_shared_get_many(keys, keys), scopes)
        if versions != entry["versions"]:
            return None
        request.page_generation = generation["token"]
        with translation.override(language):
            request.LANGUAGE_CODE = language
            _run_hit_hook(request, entry)
            response = respond(request, entry, "hit")
        for name, value in entry["headers"]:  # Vary included
            response[name] = value
        return response
