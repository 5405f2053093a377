"""What becomes of a reader's comment: the posting policy, one step after another.

`PostingPolicy().post(article, data, sender)` takes what the form sent (`data`: the
fields and the captcha's answer, request.POST or a dict of str), the article and what
the portal knows of the client (`Sender`), and returns an outcome that the view only
renders (comments.views.CommentPostView). The steps, in this order (docs/comments.md,
« What happens to a POST »):

1. rate limit per client IP (comments.ratelimit) → `Refused`, 429, `retry_after`;
2. comments open (comments.moderation) → `Refused`, 403;
3. Django's CSRF check (done by the view: `Sender.csrf_passed`) → `ToConfirm`;
4. the form's fields → `Refused`, 400, with the fields' own errors (a reply to anything
   but a published comment of this article included: comments.forms.replyable);
5. the same rendered form stored a comment already → `AlreadyReceived`;
6. the captcha provider's verdict (comments.captcha), the portal's own signals
   (comments.scoring) and the decision (comments.moderation.decide) → `Refused`, 400,
   with the verdict's reasons and one message that says what to do;
   A browser a moderator trusts (comments.trust) publishes from a lower score; one
   asking to be remembered is held the first time;
7. stored, its form stamp spent in the same transaction → `Published`, or `Held` (and
   the moderators emailed; the story's heat checked, comments.heat).

Nothing is stored before step 7, and every refusal keeps the reader's form (their name
and text) for the page that shows it again. A command or a test calls the policy the
same way as the view, without a request: `Sender(ip_address=…)`.
"""

import logging
import math
from dataclasses import dataclass, field, replace
from datetime import timedelta

from django.db import transaction
from django.utils import timezone, translation

from . import captcha, heat, moderation, notifications, outcomes, ratelimit, scoring, trust
from .conf import settings
from .forms import CommentForm
from .models import Comment, TrustedCommenter
from .reasons import describe_all

logger = logging.getLogger(__name__)

# The rate limit's scope (comments.ratelimit) and the kind of spent form stamps
# (comments.captcha.spend_once).
RATE_SCOPE = "comments"
STAMP_KIND = "comment-form"


@dataclass(frozen=True)
class Sender:
    """What the portal knows of whoever sent a comment, besides what they typed.

    `ip_address`: the client's (newsportal.clientip; None when unknown); `user_agent`:
    the User-Agent header; `host`: the host name the form was posted to, without port
    (what reCAPTCHA's answer must name, unless COMMENTS_RECAPTCHA_HOSTNAMES says
    otherwise); `csrf_passed`: whether the post passed Django's CSRF check (the view
    runs it; a caller without a request, a command or a test, has no other site to
    guard against); `trust_key`: the key the browser holds (its trust cookie or its
    session's claim, comments.trust), or a new one when the reader ticked « Remember
    me » and has none; None otherwise.
    """

    ip_address: str | None = None
    user_agent: str = ""
    host: str = ""
    csrf_passed: bool = True
    trust_key: str | None = None


@dataclass(frozen=True)
class Published:
    """Stored and shown to readers at once."""

    comment: Comment


@dataclass(frozen=True)
class Held:
    """Stored, waiting for a moderator (who was emailed).

    `reasons`: the verdict's stored reasons (comments.reasons), the comment's own; a
    comment held by pre-moderation may have only the captcha's (`pow_solved`).
    """

    comment: Comment

    @property
    def reasons(self):
        return self.comment.reasons


@dataclass(frozen=True)
class Refused:
    """Nothing stored: the article page comes back with `form` and `status`.

    `code` says which step refused: "rate_limited" (429, wait `retry_after` seconds),
    "comments_closed" (403), "form_invalid" (400; the form's field errors say what is
    wrong) or "low_score" (400; `reasons` are the verdict's, `score` its score).
    `message` (a lazy translated str) is the one thing the reader is told, already added
    to the form's errors; None for field errors. `show_question`: the proof of work never
    came, so the no-JavaScript question is offered to every browser.
    """

    code: str
    status: int
    form: CommentForm
    message: str | None = None
    reasons: list[dict] = field(default_factory=list)
    score: float | None = None
    retry_after: int | None = None
    show_question: bool = False


@dataclass(frozen=True)
class ToConfirm:
    """The post failed Django's CSRF check: nothing stored, the confirmation step asks
    the reader to send `form` again (with a token and the no-JavaScript question)."""

    form: CommentForm


@dataclass(frozen=True)
class AlreadyReceived:
    """The same rendered form was sent again after it stored a comment: nothing stored."""


class PostingPolicy:
    """Takes a comment through the steps of the module's docstring; one `post` per comment.

    In the spirit of django-contrib-comments' moderator: one object holds the rules, the
    view renders what it decides. Every threshold is a setting (comments.conf), read on
    each call. A subclass may change one step (`rate_limited`, `verdict`, `decide`).
    """

    def post(self, article, data, sender):
        """The outcome of one post on `article` (a published Article).

        Returns Published, Held, Refused, ToConfirm or AlreadyReceived (this module).
        Counts the post against the sender's rate limit, whatever its outcome; writes
        the comment and spends its form stamp only for Published and Held.
        """
        form = CommentForm(data, article=article)
        if retry_after := self.rate_limited(sender):
            minutes = math.ceil(retry_after / 60)
            return self.refuse(
                form,
                "rate_limited",
                outcomes.RATE_LIMITED % {"minutes": minutes},
                status=429,
                retry_after=retry_after,
            )
        if not moderation.comments_are_open(article):
            return self.refuse(form, "comments_closed", outcomes.COMMENTS_CLOSED, status=403)
        if not sender.csrf_passed:
            form.is_valid()  # the step shows what is missing or too long
            return ToConfirm(form)
        if not form.is_valid():
            return Refused("form_invalid", 400, form)
        if captcha.already_spent(STAMP_KIND, form.stamp):
            # Sent again after it was stored: the same answer, nothing stored twice.
            return AlreadyReceived()

        verdict = self.verdict(article, form, data, sender)
        commenter, trusted = self.commenter(form, sender)
        if trusted:
            verdict = replace(verdict, trusted=True)
        status = self.decide(article, verdict)
        if status == Comment.Status.APPROVED and commenter is not None and not trusted:
            # Asking to be remembered: the first comment is read by a moderator.
            status = Comment.Status.PENDING
        if status is None:
            with translation.override("en"):
                logger.info(
                    "Comment refused on %s: score %s, %s",
                    article.slug,
                    verdict.score,
                    describe_all(verdict.reasons),
                )
            return self.refuse(
                form,
                "low_score",
                outcomes.refusal_message(verdict.reasons),
                reasons=verdict.reasons,
                score=verdict.score,
                show_question=outcomes.needs_question(verdict.reasons),
            )

        with transaction.atomic():
            # The same rendered form sent twice (a double click, a resent POST) stores
            # one comment: its stamp is spent with the first one, in the same transaction.
            expires_at = timezone.now() + timedelta(seconds=settings.COMMENTS_MAX_FORM_AGE)
            if not captcha.spend_once(STAMP_KIND, form.stamp, expires_at):
                return AlreadyReceived()
            if commenter is not None and commenter.pk is None:
                commenter, _ = TrustedCommenter.objects.get_or_create(
                    key_digest=commenter.key_digest
                )
            comment = self.store(article, form, status, verdict, sender, commenter=commenter)
        if status == Comment.Status.PENDING:
            notifications.hold_for_moderation_notice(comment)
            heat.check(article.pk)
            return Held(comment)
        return Published(comment)

    def rate_limited(self, sender):
        """Count the post; the seconds to wait when the sender is over the limit, else None."""
        return ratelimit.hit(
            RATE_SCOPE,
            sender.ip_address or "unknown",
            settings.COMMENTS_RATE_LIMIT,
            settings.COMMENTS_RATE_WINDOW,
        )

    def verdict(self, article, form, data, sender):
        """The captcha provider's Verdict on `data`, with the portal's own signals."""
        return scoring.assess(
            captcha.get_provider().verify(data, sender),
            article=article,
            body=form.cleaned_data["comment"],
            honeypot=form.cleaned_data["website"],
            stamp=form.stamp,
            ip_address=sender.ip_address,
        )

    def decide(self, article, verdict):
        """Comment.Status.APPROVED, PENDING, or None (refused): comments.moderation.decide."""
        return moderation.decide(article, verdict)

    def commenter(self, form, sender):
        """The browser's TrustedCommenter to link the comment to, and whether it is trusted.

        (record, True): the browser's key names a trusted record, whatever the box says;
        (record, False): the reader ticked « Remember me » with a key of a record still
        waiting for a moderator, or a new key (the record, unsaved, is created with the
        comment); (None, False): neither, or the record was revoked (it confers nothing).
        """
        key = sender.trust_key
        record = trust.record_of(key)
        if record is not None and record.revoked_at:
            return None, False
        if record is not None and record.is_trusted:
            return record, True
        if not (key and form.cleaned_data.get("remember")):
            return None, False
        return record or TrustedCommenter(key_digest=TrustedCommenter.key_digest_of(key)), False

    def store(self, article, form, status, verdict, sender, *, commenter=None):
        """Create the comment: what the reader wrote, the verdict, the abuse record, for a
        reply its thread and the comment it answers (checked by the form), and the
        browser's trust record (`commenter`, a saved TrustedCommenter or None)."""
        return Comment.objects.create(
            article=article,
            parent=form.cleaned_data.get("thread"),
            reply_to=form.cleaned_data.get("answered"),
            name=form.cleaned_data["name"],
            body=form.cleaned_data["comment"],
            status=status,
            score=verdict.score,
            provider=verdict.provider,
            reasons=verdict.reasons,
            ip_address=sender.ip_address,
            user_agent=sender.user_agent[: Comment._meta.get_field("user_agent").max_length],
            trusted_commenter=commenter,
        )

    def refuse(self, form, code, message, *, status=400, **details):
        """A Refused outcome whose message is also the form's one error."""
        form.refuse(message)
        return Refused(code, status, form, message=message, **details)
