"""The portal's own risk signals, combined with the captcha verdict into one score.

The captcha provider gives a score from 0.0 to 1.0; each signal here takes a penalty
off it and records a reason a moderator can read. `comments.moderation.decide` turns
the result into rejected, held or published with the thresholds from the settings.
"""

import hashlib
import re
import secrets
import time
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.utils import timezone

from .models import Comment

STAMP_SALT = "comments.form-rendered"
LINK_RE = re.compile(r"https?://|www\.", re.IGNORECASE)

# Penalties taken off the captcha score; a moderator sees each as a reason.
PENALTY_BAD_STAMP = 1.0
PENALTY_TOO_FAST = 0.8
PENALTY_TOO_OLD = 0.4
PENALTY_PER_LINK = 0.1
PENALTY_TOO_MANY_LINKS = 0.3
PENALTY_DUPLICATE = 0.5
PENALTY_RECENT_POSTS = 0.4


def text_digest(text):
    """A fingerprint of a comment's words, blind to case and spacing."""
    normalized = " ".join(text.lower().split())
    return hashlib.sha256(normalized.encode()).hexdigest()


def sign_render_time(article_id, at=None):
    """The hidden form field that tells, on POST, when the form was shown."""
    moment = int(at if at is not None else time.time())
    # A nonce makes each rendering's stamp unique: a stamp that stored a comment once
    # marks any later post of the same form as a resubmission (comments.views).
    return signing.Signer(salt=STAMP_SALT).sign_object(
        {"a": article_id, "t": moment, "n": secrets.token_hex(6)}
    )


def form_age(stamp, article_id):
    """Seconds since the form was rendered, or None when the stamp is not ours."""
    try:
        value = signing.Signer(salt=STAMP_SALT).unsign_object(stamp)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(value, dict) or value.get("a") != article_id:
        return None
    return time.time() - value.get("t", 0)


@dataclass
class Assessment:
    """The captcha verdict and the portal's signals, as one score with its reasons."""

    provider: str
    score: float | None
    reasons: list[str] = field(default_factory=list)

    @property
    def captcha_unavailable(self):
        return self.score is None


def assess(verdict, *, article, body, honeypot, stamp, ip_address, now=None):
    """Combine the captcha verdict with the portal's own signals."""
    now = now or timezone.now()
    reasons = list(verdict.reasons)
    penalty = 0.0

    if honeypot.strip():
        reasons.append("honeypot filled")
        penalty += 1.0

    age = form_age(stamp, article.pk)
    if age is None:
        reasons.append("form stamp missing or forged")
        penalty += PENALTY_BAD_STAMP
    elif age < settings.COMMENTS_MIN_SUBMIT_SECONDS:
        reasons.append(f"submitted too fast ({max(age, 0):.0f} s after the page)")
        penalty += PENALTY_TOO_FAST
    elif age > settings.COMMENTS_MAX_FORM_AGE:
        reasons.append(f"form too old ({age / 3600:.0f} h)")
        penalty += PENALTY_TOO_OLD

    links = len(LINK_RE.findall(body))
    if links:
        reasons.append(f"{links} link(s)")
        penalty += PENALTY_PER_LINK * links
        if links > settings.COMMENTS_MAX_LINKS:
            penalty += PENALTY_TOO_MANY_LINKS

    day_ago = now - timedelta(days=1)
    if Comment.objects.filter(body_digest=text_digest(body), created_at__gte=day_ago).exists():
        reasons.append("same text posted in the last 24 h")
        penalty += PENALTY_DUPLICATE

    if ip_address:
        since = now - timedelta(seconds=settings.COMMENTS_RECENT_POSTS_WINDOW)
        recent = Comment.objects.filter(ip_address=ip_address, created_at__gte=since).count()
        if recent >= settings.COMMENTS_RECENT_POSTS_LIMIT:
            reasons.append(f"{recent} recent comments from the same client")
            penalty += PENALTY_RECENT_POSTS

    if verdict.unavailable:
        return Assessment(verdict.provider, None, reasons)
    score = round(min(max(verdict.score - penalty, 0.0), 1.0), 3)
    return Assessment(verdict.provider, score, reasons)
