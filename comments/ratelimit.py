"""Per-client rate limits kept in the cache (Redis in production, so shared by workers)."""

import math
import time

from django.core.cache import cache


def hit(scope, client, limit, window, now=None):
    """Count one request; return the seconds to wait when the client is over its limit.

    A fixed window: at most `limit` requests per `window` seconds per client and scope.
    """
    now = time.time() if now is None else now
    slot = int(now // window)
    key = f"ratelimit:{scope}:{client}:{slot}"
    cache.add(key, 0, timeout=window + 1)
    try:
        count = cache.incr(key)
    except ValueError:
        # The key expired between add and incr: this request opens the next window.
        cache.set(key, 1, timeout=window + 1)
        count = 1
    if not isinstance(count, int):
        # A cache that is down (django-redis with IGNORE_EXCEPTIONS) answers None:
        # let the post through rather than refuse every reader.
        return None
    if count > limit:
        return max(1, math.ceil((slot + 1) * window - now))
    return None
