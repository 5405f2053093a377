"""The comment policy: when comments are open, what a score decides, and the
moderators' decisions (with their undo), callable from the admin, a command or a test."""

import logging
from datetime import datetime, timedelta

from django.core import signing
from django.db import transaction
from django.utils import timezone

from newsportal.recipients import addresses_of

from .conf import settings
from .events import comments_moderated
from .models import Comment

logger = logging.getLogger(__name__)


def closes_at(article):
    """When comments close by themselves on this article (None: they stay open)."""
    days = settings.COMMENTS_CLOSE_AFTER_DAYS
    if not days or not article.published_at:
        return None
    return article.published_at + timedelta(days=days)


def comments_closing(article):
    """When an article's open comments close by themselves (an aware datetime), or None.

    Registered with articles.caching.register_article_page_bound: a stored article
    page ends then, so that it never shows an open form on a closed article.
    """
    return closes_at(article) if article.comments_open else None


def comments_are_open(article, now=None):
    """Whether readers may comment on `article` now (an aware datetime; default: now)."""
    closing = closes_at(article)
    return article.comments_open and (closing is None or (now or timezone.now()) < closing)


def is_premoderated(article, *, fresh=False):
    """Whether every comment waits for a moderator, whatever its score (a trusted
    commenter's too): the whole site, the article by its editor, or a story switched to
    pre-moderation by a flood (comments.heat; `fresh`: read from the database, not from
    the shared cache of stories in force)."""
    from .heat import is_hot

    return (
        settings.COMMENTS_PREMODERATION
        or article.comments_premoderated
        or is_hot(article, fresh=fresh)
    )


def decide(article, verdict):
    """Rejected (None), held (PENDING) or published (APPROVED), for a `Verdict` (comments.scoring).

    A passed captcha check (a solved proof of work, a right answer to the question) is
    at worst held: many mobile readers share one carrier IP, so the portal's signals
    about the client (recent posts, links, duplicates, an old form) may lower its score
    but never refuse it. Only a signal no person gives (honeypot, forged stamp, sent
    too fast) still refuses it. Thresholds: COMMENTS_REJECT_BELOW, COMMENTS_PUBLISH_FROM.

    A verdict `trusted` (from a trusted commenter's browser, comments.trust) is
    published from COMMENTS_TRUSTED_PUBLISH_FROM, unless pre-moderation holds every
    comment (the site's, the article's or a flood's).
    """
    if verdict.unavailable:
        return Comment.Status.PENDING
    if verdict.score < settings.COMMENTS_REJECT_BELOW:
        if verdict.passed and not verdict.robot_signal:
            return Comment.Status.PENDING
        return None
    publish_from = settings.COMMENTS_PUBLISH_FROM
    if verdict.trusted:
        publish_from = min(publish_from, settings.COMMENTS_TRUSTED_PUBLISH_FROM)
    if verdict.score >= publish_from and not is_premoderated(article, fresh=True):
        return Comment.Status.APPROVED
    return Comment.Status.PENDING


def moderator_emails():
    """Addresses of the active users allowed to moderate, plus COMMENTS_MODERATOR_EMAILS."""
    moderators = addresses_of("comments", "can_moderate")
    return sorted(set(settings.COMMENTS_MODERATOR_EMAILS) | set(moderators))


UNDO_SALT = "comments.admin.undo"  # (the salt of tokens already handed out)
# How long a bulk decision can be undone (seconds).
UNDO_SECONDS = 3600


def moderate(comments, status, user):
    """Give `comments` (a queryset of Comment) the moderator's decision `status`
    (approved, rejected or spam), by `user`, in one UPDATE.

    Renews the pages of their articles (CommentQuerySet.update) and sends
    comments_moderated. Returns (count, undo_token): the number of comments decided,
    and a signed token that `undo()` takes to put back what they were before.
    """
    with transaction.atomic():
        before = list(comments.values_list("pk", "status", "moderated_by_id", "moderated_at"))
        # The queryset's update() renews the pages of their articles (CommentQuerySet).
        count = comments.update(status=status, moderated_by=user, moderated_at=timezone.now())
    comments_moderated.send(
        sender=Comment, comment_ids=[row[0] for row in before], status=status, user=user
    )
    token = signing.dumps(
        {
            "to": status,
            "by": user.pk,
            "rows": [[pk, old, by, at.isoformat() if at else None] for pk, old, by, at in before],
        },
        salt=UNDO_SALT,
        compress=True,
    )
    return count, token


def undo(token, user):
    """Put back the statuses a bulk decision replaced; returns the comments restored.

    Only comments still in the status that decision gave them go back (a later decision
    by anyone stands). Raises signing.SignatureExpired after UNDO_SECONDS, and
    signing.BadSignature for a token `moderate()` did not make.
    """
    decision = signing.loads(token, salt=UNDO_SALT, max_age=UNDO_SECONDS)
    rows = {pk: (old, by, at) for pk, old, by, at in decision["rows"]}
    restored = []
    with transaction.atomic():
        for comment in Comment.objects.select_for_update().filter(
            pk__in=rows, status=decision["to"]
        ):
            old, by, at = rows[comment.pk]
            comment.status = old
            comment.moderated_by_id = by
            comment.moderated_at = datetime.fromisoformat(at) if at else None
            comment.save(update_fields=["status", "moderated_by", "moderated_at"])
            restored.append(comment)
    for status in {comment.status for comment in restored}:
        comments_moderated.send(
            sender=Comment,
            comment_ids=[c.pk for c in restored if c.status == status],
            status=status,
            user=user,
        )
    return restored
