"""Newsroom replies: a staff member answers a reader in the thread, marked « Newsroom ».

Only an authenticated staff member holding `comments.can_reply_as_newsroom` (the
Moderators group has it; articles.newsroom.roles) writes one, from the comment's admin
page or from the reply page of the article (comments.views.reply_page), both posting
to the admin view `CommentAdmin.newsroom_reply_view` (staff login and Django's CSRF
check). The mark on the page comes from the stored `Comment.newsroom` flag, which only
`reply_as_newsroom` sets: a reader's form has no such field, and a reader's name that
imitates the mark is refused (comments.forms.reserved_name). docs/comments.md,
« Newsroom replies ».
"""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from newsportal.textinput import CharField as PolicyCharField

from .conf import settings
from .forms import replyable
from .models import Comment

PERMISSION = "comments.can_reply_as_newsroom"

NOT_PUBLISHED = _(
    "Only a published comment can be answered: publish this comment (or the one that "
    "opens its thread) first."
)


def may_reply(user):
    """Whether `user` (a User, maybe anonymous) may reply in the newsroom's name."""
    return bool(user and user.is_authenticated and user.is_staff and user.has_perm(PERMISSION))


def signature(user):
    """The name a newsroom reply is signed with by default: the staff member's full
    name, else their username."""
    return user.get_full_name() or user.get_username()


class NewsroomReplyForm(forms.Form):
    """A newsroom reply: the name it is signed with and its text (the reader's limit)."""

    name = PolicyCharField(
        label=_("Signed"),
        max_length=Comment._meta.get_field("name").max_length,
        help_text=_("Shown with the « Newsroom » mark, which readers cannot get."),
    )
    body = PolicyCharField(label=_("Reply"), widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The readers' limit, a setting read when the form is made.
        self.fields["body"] = PolicyCharField(
            label=_("Reply"),
            max_length=settings.COMMENTS_BODY_MAX_LENGTH,
            widget=forms.Textarea(attrs={"rows": 5}),
        )


def reply_as_newsroom(comment, user, name, body, now=None):
    """Store and publish a newsroom reply to `comment` by `user` (a staff User).

    The reply joins `comment`'s thread (one level: a reply to a reply answers it in
    the same thread, naming its author). It is published at once and recorded: who
    wrote it (`newsroom_author`, also `moderated_by`) and when. Raises ValueError
    (with NOT_PUBLISHED) when `comment` or its thread is not published. The caller
    checks the permission (`may_reply`).
    """
    found = replyable(comment.article, str(comment.pk))
    if found is None:
        raise ValueError(NOT_PUBLISHED)
    thread, answered = found
    now = now or timezone.now()
    return Comment.objects.create(
        article_id=comment.article_id,
        parent=thread,
        reply_to=answered,
        name=name,
        body=body,
        status=Comment.Status.APPROVED,
        newsroom=True,
        newsroom_author=user,
        moderated_by=user,
        moderated_at=now,
        created_at=now,
    )
