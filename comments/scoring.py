"""The portal's own risk signals, combined with the captcha verdict into one score.

The captcha provider gives a score from 0.0 to 1.0; each signal here takes a penalty
off it and records a reason a moderator can read. `comments.moderation.decide` turns
the result into rejected, held or published with the thresholds from the settings.
"""

import re
import secrets
import time
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.utils import timezone

from .models import Comment, text_digest
from .reasons import reason

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
    # Stored reasons (comments.reasons): dicts with a code and its figures.
    reasons: list[dict] = field(default_factory=list)
    # The captcha check was passed (a proof of work, a right answer to the question).
    passed: bool = False
    # A signal only robots give (honeypot, forged stamp, sent too fast) fired.
    robot_signal: bool = False

    @property
    def captcha_unavailable(self):
        return self.score is None


def assess(verdict, *, article, body, honeypot, stamp, ip_address, now=None):
    """Combine the captcha verdict with the portal's own signals."""
    now = now or timezone.now()
    reasons = list(verdict.reasons)
    penalty = 0.0
    robot_signal = False

    if honeypot.strip():
        reasons.append(reason("honeypot"))
        penalty += 1.0
        robot_signal = True

    age = form_age(stamp, article.pk)
    if age is None:
        reasons.append(reason("stamp_forged"))
        penalty += PENALTY_BAD_STAMP
        robot_signal = True
    elif age < settings.COMMENTS_MIN_SUBMIT_SECONDS:
        reasons.append(reason("too_fast", seconds=round(max(age, 0))))
        penalty += PENALTY_TOO_FAST
        robot_signal = True
    elif age > settings.COMMENTS_MAX_FORM_AGE:
        reasons.append(reason("form_too_old", hours=round(age / 3600)))
        penalty += PENALTY_TOO_OLD

    links = len(LINK_RE.findall(body))
    if links:
        reasons.append(reason("links", count=links))
        penalty += PENALTY_PER_LINK * links
        if links > settings.COMMENTS_MAX_LINKS:
            penalty += PENALTY_TOO_MANY_LINKS

    day_ago = now - timedelta(days=1)
    if Comment.objects.filter(body_digest=text_digest(body), created_at__gte=day_ago).exists():
        reasons.append(reason("duplicate"))
        penalty += PENALTY_DUPLICATE

    if ip_address:
        since = now - timedelta(seconds=settings.COMMENTS_RECENT_POSTS_WINDOW)
        recent = Comment.objects.filter(ip_address=ip_address, created_at__gte=since).count()
        if recent >= settings.COMMENTS_RECENT_POSTS_LIMIT:
            reasons.append(reason("recent_posts", count=recent))
            penalty += PENALTY_RECENT_POSTS

    if verdict.unavailable:
        return Assessment(verdict.provider, None, reasons, robot_signal=robot_signal)
    score = round(min(max(verdict.score - penalty, 0.0), 1.0), 3)
    return Assessment(
        verdict.provider, score, reasons, passed=verdict.passed, robot_signal=robot_signal
    )
