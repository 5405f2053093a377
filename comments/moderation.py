"""The comment policy: when comments are open, and what a score decides."""

import logging
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from newsportal.siteurl import site_url

from .conf import settings
from .models import Comment
from .reasons import describe_all

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


def is_premoderated(article):
    """Whether every comment waits for a moderator, whatever its score."""
    return settings.COMMENTS_PREMODERATION or article.comments_premoderated


def decide(article, verdict):
    """Rejected (None), held (PENDING) or published (APPROVED), for a `Verdict` (comments.scoring).

    A passed captcha check (a solved proof of work, a right answer to the question) is
    at worst held: many mobile readers share one carrier IP, so the portal's signals
    about the client (recent posts, links, duplicates, an old form) may lower its score
    but never refuse it. Only a signal no person gives (honeypot, forged stamp, sent
    too fast) still refuses it. Thresholds: COMMENTS_REJECT_BELOW, COMMENTS_PUBLISH_FROM.
    """
    if verdict.unavailable:
        return Comment.Status.PENDING
    if verdict.score < settings.COMMENTS_REJECT_BELOW:
        if verdict.passed and not verdict.robot_signal:
            return Comment.Status.PENDING
        return None
    if verdict.score >= settings.COMMENTS_PUBLISH_FROM and not is_premoderated(article):
        return Comment.Status.APPROVED
    return Comment.Status.PENDING


def moderator_emails():
    """Addresses of the active users allowed to moderate, plus COMMENTS_MODERATOR_EMAILS."""
    can_moderate = Q(codename="can_moderate", content_type__app_label="comments")
    from django.contrib.auth.models import Permission

    permission = Permission.objects.filter(can_moderate).first()
    emails = set(settings.COMMENTS_MODERATOR_EMAILS)
    if permission:
        users = (
            get_user_model()
            .objects.filter(is_active=True)
            .exclude(email="")
            .filter(Q(groups__permissions=permission) | Q(user_permissions=permission))
            .values_list("email", flat=True)
            .distinct()
        )
        emails.update(users)
    return sorted(emails)


def hold_for_moderation_notice(comment):
    """Email the moderators that a comment waits for them; never fails the reader's post."""
    recipients = moderator_emails()
    if not recipients:
        return 0
    queue = site_url("/admin/comments/comment/?status__exact=pending")
    subject = _("[%(site)s] A comment waits for moderation on « %(title)s »") % {
        "site": settings.SITE_NAME,
        "title": comment.article.title,
    }
    message = _(
        "%(name)s commented on « %(title)s ».\n\n%(body)s\n\n"
        "Score: %(score)s\nReasons: %(reasons)s\n\nModeration queue: %(queue)s\n"
    ) % {
        "name": comment.name,
        "title": comment.article.title,
        "body": comment.body,
        "score": "–" if comment.score is None else f"{comment.score:.2f}",
        "reasons": describe_all(comment.reasons),
        "queue": queue,
    }
    try:
        return send_mail(subject, message, None, recipients)
    except Exception:
        # The comment is saved and queued; a mail server being down must not lose it.
        logger.exception("Could not email the moderators about comment %s", comment.pk)
        return 0
