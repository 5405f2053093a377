"""The newsroom's e-mail: editors told of an article submitted for review, a journalist
told why their article was sent back.

Each notice is a Django task (`django.tasks`): the workflow (articles.newsroom.publishing)
enqueues it once the transaction that changed the article commits, with the article's id
only, and the task reads the article again. With TASKS_BACKEND=database (production) a
worker (`manage.py db_worker`) sends it, out of the editor's request; a mail server that
fails makes the task raise and it is run again later (newsportal.tasks.retried). It never
undoes the transition: the article is in review (or back in draft) whether or not the
e-mail went out. With TASKS_BACKEND=immediate (development) it is sent in the request and
a failure is only logged.

Addresses are those of the active users with an address; links point to the public
address (newsportal.siteurl), as the moderators' e-mail does (comments.moderation).
"""

import logging

from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.tasks import task
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from articles.models import Article
from newsportal.recipients import addresses_of
from newsportal.siteurl import site_url
from newsportal.tasks import retried

logger = logging.getLogger(__name__)


def editor_emails():
    """The addresses (sorted strs) of the active users who may publish: the Editors'
    group, anyone given `articles.publish_article`, and superusers."""
    return addresses_of("articles", "publish_article", superusers=True)


def journalist_emails(article):
    """The addresses (sorted strs) of the article's owner and of the users who sign it."""
    users = get_user_model().objects.filter(
        Q(pk=article.owner_id) | Q(author__articles=article), is_active=True
    )
    return sorted(set(users.exclude(email="").values_list("email", flat=True)))


def _change_url(article):
    return site_url(reverse("admin:articles_article_change", args=[article.pk]))


def _send(subject, message, recipients, what):
    """Send one e-mail; returns the number sent. A failure of the mail server is logged
    and raised again (OSError, smtplib.SMTPException), so that the task is run again
    later (newsportal.tasks.retried)."""
    if not recipients:
        return 0
    try:
        return send_mail(subject, message, None, recipients)
    except Exception:
        logger.exception("Could not send the newsroom's e-mail: %s", what)
        raise


@retried
@task
def notify_editors_of_submission(article_id):
    """E-mail the editors (`editor_emails`) that article `article_id` (an int) waits for
    review, with a link to it in the admin. Returns the number of e-mails sent (0 when
    the article is gone or no longer in review); raises when the mail server fails."""
    from django.conf import settings

    article = Article.objects.filter(pk=article_id, status=Article.Status.IN_REVIEW).first()
    if article is None:
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("[%(site)s] An article waits for review: « %(title)s »") % {
            "site": settings.SITE_NAME,
            "title": article.title,
        }
        message = _(
            "« %(title)s » was submitted for review.\n\n%(standfirst)s\n\n"
            "Review it: %(link)s\nAll articles in review: %(queue)s\n"
        ) % {
            "title": article.title,
            "standfirst": article.standfirst,
            "link": _change_url(article),
            "queue": site_url(reverse("admin:articles_article_changelist") + IN_REVIEW_QUERY),
        }
    return _send(subject, message, editor_emails(), f"article {article_id} submitted")


@retried
@task
def notify_journalist_of_send_back(article_id):
    """E-mail the article's journalists (`journalist_emails`) that an editor sent it back,
    and why. Returns the number of e-mails sent (0 when it is not sent back any more)."""
    from django.conf import settings

    article = (
        Article.objects.filter(pk=article_id, status=Article.Status.DRAFT)
        .exclude(sent_back_reason="")
        .select_related("sent_back_by")
        .first()
    )
    if article is None:
        return 0
    editor = article.sent_back_by
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("[%(site)s] Your article was sent back: « %(title)s »") % {
            "site": settings.SITE_NAME,
            "title": article.title,
        }
        message = _(
            "%(editor)s sent « %(title)s » back to you as a draft.\n\n"
            "Reason:\n%(reason)s\n\nYour article: %(link)s\n"
        ) % {
            "editor": (editor.get_full_name() or editor.get_username()) if editor else "–",
            "title": article.title,
            "reason": article.sent_back_reason,
            "link": _change_url(article),
        }
    return _send(subject, message, journalist_emails(article), f"article {article_id} sent back")


# The admin's list of the articles in review (the status filter).
IN_REVIEW_QUERY = f"?status__exact={Article.Status.IN_REVIEW.value}"


def after_commit(notice, article):
    """Enqueue the task `notice` for `article` once the current transaction commits (at
    once outside one), so that a worker reads the saved row and a rolled-back change
    sends nothing. The article may be unsaved yet (the admin's add form): its id is
    read at commit. A failure to enqueue is logged (robust), never raised."""

    def enqueue():
        if article.pk is None:
            logger.warning("Not sent: %s for an article that was never saved", notice.name)
            return
        notice.enqueue(article.pk)

    transaction.on_commit(enqueue, robust=True)
