"""CSRF tokens for pages filled per response (articles.pagecache), made fast.

`get_token(request)` does what `django.middleware.csrf.get_token` does, in the same
format that CsrfViewMiddleware checks: a 32-character secret kept in the CSRF cookie
(`request.META["CSRF_COOKIE"]`, sent by the middleware's `process_response` when
`CSRF_COOKIE_NEEDS_UPDATE` is set) and a 64-character masked token in the form.

Why not Django's: its `get_random_string` draws every character through
`secrets.choice`, about 45 µs for 32 characters, and a new reader needs two strings
(the secret and the mask): a quarter of the time of a page served from the page
cache. Here the random characters come from one `os.urandom` call mapped by
`bytes.translate` (rejection sampling, so every character is equally likely).

It also works before CsrfViewMiddleware has run (the page cache's early hits): the
secret is then read from the cookie, and a malformed cookie is replaced.
"""

import os
import re

from django.conf import settings
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH

_CHARS = CSRF_ALLOWED_CHARS
_INDEX = {char: index for index, char in enumerate(_CHARS)}
# Bytes below 248 (4 × 62) map to a character each; the others are dropped, so that
# each of the 62 characters has the same chance.
_LIMIT = len(_CHARS) * (256 // len(_CHARS))
_TABLE = bytes(ord(_CHARS[byte % len(_CHARS)]) if byte < _LIMIT else 0 for byte in range(256))
_DROPPED = bytes(range(_LIMIT, 256))
_SECRET_RE = re.compile(f"[a-zA-Z0-9]{{{CSRF_SECRET_LENGTH}}}")


def random_chars(length):
    """`length` random characters of CSRF_ALLOWED_CHARS, from the OS's random source."""
    chars = b""
    while len(chars) < length:
        chars += os.urandom(length + 8).translate(_TABLE, _DROPPED)
    return chars[:length].decode()


def mask(secret):
    """The secret masked as Django masks it (a new mask each time, against BREACH)."""
    mask = random_chars(CSRF_SECRET_LENGTH)
    cipher = "".join(
        _CHARS[(_INDEX[s] + _INDEX[m]) % len(_CHARS)] for s, m in zip(secret, mask, strict=True)
    )
    return mask + cipher


def get_token(request):
    """The CSRF token for a form on this response; sets the cookie like Django's get_token."""
    secret = request.META.get("CSRF_COOKIE")
    if secret is None:
        cookie = request.COOKIES.get(settings.CSRF_COOKIE_NAME, "")
        secret = cookie if _SECRET_RE.fullmatch(cookie) else random_chars(CSRF_SECRET_LENGTH)
        request.META["CSRF_COOKIE"] = secret
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True
    return mask(secret)
