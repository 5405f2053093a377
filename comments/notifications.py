"""The moderators' e-mail: a comment held for moderation waits for them.

The reader's post never sends it: `hold_for_moderation_notice()` enqueues the task
`notify_moderators` once the comment is saved (on commit), with the comment's id only.
A worker (TASKS_BACKEND=database) sends it; a mail server that fails or hangs
(EMAIL_TIMEOUT) makes the task raise, and it is run again later (newsportal.tasks,
TASKS_MAX_ATTEMPTS), never lost and never in the reader's request.
"""

from django.core.mail import send_mail
from django.tasks import task
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from newsportal.siteurl import site_url
from newsportal.tasks import after_commit, retried

from .conf import settings
from .models import Comment
from .moderation import moderator_emails
from .reasons import describe_all

# The moderation queue in the admin: the comments waiting for a moderator.
QUEUE_PATH = "/admin/comments/comment/?status__exact=pending"


def hold_for_moderation_notice(comment):
    """Have the moderators e-mailed that `comment` (a saved, held Comment) waits for
    them, once the current transaction commits. Returns None; sends nothing itself."""
    after_commit(notify_moderators, comment.pk)


def moderation_notice(comment):
    """The (subject, body) strs of the moderators' e-mail about `comment`, in the
    site's language (settings.LANGUAGE_CODE)."""
    with translation.override(settings.LANGUAGE_CODE):
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
            "queue": site_url(QUEUE_PATH),
        }
        if comment.parent_id:
            # A reply: whom it answers, and its admin page, which shows the thread.
            parent = comment.parent
            excerpt = parent.body if len(parent.body) <= 200 else f"{parent.body[:199]}…"
            message += _("\nIt replies to %(name)s: « %(text)s »\nThe thread: %(url)s\n") % {
                "name": parent.name,
                "text": excerpt,
                "url": site_url(reverse("admin:comments_comment_change", args=[comment.pk])),
            }
    return subject, message


@retried
@task
def notify_moderators(comment_id):
    """E-mail the moderators (comments.moderation.moderator_emails) that comment
    `comment_id` (an int) waits for them. Returns the number of e-mails sent: 0 when
    the comment is gone or already decided, or nobody is to be told. Raises what the
    mail server raises (OSError, smtplib.SMTPException), so the task is run again."""
    comment = (
        Comment.objects.filter(pk=comment_id, status=Comment.Status.PENDING)
        .select_related("article", "parent")
        .first()
    )
    if comment is None:
        return 0
    recipients = moderator_emails()
    if not recipients:
        return 0
    subject, message = moderation_notice(comment)
    return send_mail(subject, message, None, recipients)
