"""The portal's own risk signals, combined with the captcha verdict into one score.

The captcha provider gives a `Verdict` (a score from 0.0 to 1.0 with its reasons); each
signal here takes a penalty off it and records a reason a moderator can read.
`comments.moderation.decide` turns the result into rejected, held or published with the
thresholds from the settings.
"""

import re
import secrets
import time
from dataclasses import dataclass, field, replace
from datetime import timedelta

from django.core import signing
from django.utils import timezone

from .conf import settings
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
    # marks any later post of the same form as a resubmission (comments.posting).
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


@dataclass(frozen=True)
class Verdict:
    """A score from 0.0 (a robot) to 1.0 (a human) with the reasons for it.

    One value for every step: a captcha provider returns one (comments.captcha), `assess`
    returns another with the portal's own signals taken into account, and
    `comments.moderation.decide` turns that into rejected, held or published.
    """

    # The captcha provider that gave the first score ("builtin", "recaptcha").
    provider: str
    # None: the provider could not answer (the comment is held, never lost).
    score: float | None
    # Stored reasons (comments.reasons): dicts with a code and its figures.
    reasons: list[dict] = field(default_factory=list)
    # A passed check (a solved proof of work, a right answer to the question): the
    # portal's signals may hold such a comment, never refuse it (comments.moderation).
    passed: bool = False
    # A signal only robots give (honeypot, forged stamp, sent too fast) fired.
    robot_signal: bool = False
    # Sent from a trusted commenter's browser (comments.trust): published from
    # COMMENTS_TRUSTED_PUBLISH_FROM (comments.moderation.decide).
    trusted: bool = False

    @property
    def unavailable(self):
        """Whether the provider could not answer (no score)."""
        return self.score is None

    @classmethod
    def failed(cls, provider, code, **figures):
        """A failed check: score 0.0, one reason (`code` and its figures)."""
        return cls(provider, 0.0, [reason(code, **figures)])

    @classmethod
    def provider_unavailable(cls, provider, detail):
        """The provider could not be reached or did not give a verdict (`detail`: why)."""
        return cls(
            provider,
            None,
            [reason("captcha_unavailable"), reason("provider_error", detail=detail)],
        )


def assess(verdict, *, article, body, honeypot, stamp, ip_address, now=None):
    """The captcha's `verdict` with the portal's own signals: a new Verdict.

    Each signal that fires adds its reason and takes its penalty off the score (kept
    between 0.0 and 1.0, rounded to 3 places); an unavailable verdict stays unavailable
    (score None) with the reasons added. `stamp` is the form's signed render time,
    `ip_address` the client's (None: unknown), `now` an aware datetime (default: now).
    """
    now = now or timezone.now()
    reasons = list(verdict.reasons)
    penalty = 0.0
    robot_signal = verdict.robot_signal

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

    score = None if verdict.unavailable else round(min(max(verdict.score - penalty, 0.0), 1.0), 3)
    return replace(verdict, score=score, reasons=reasons, robot_signal=robot_signal)
