"""The moderators' decisions as domain functions: what the admin's actions call, and a
command or a test can call without a request (comments.moderation)."""

import pytest
from django.core import signing
from django.test import Client

from comments import moderation
from comments.events import comments_moderated
from comments.models import Comment
from tests.factories import ArticleFactory, CommentFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def heard():
    events = []

    def listen(sender, comment_ids, status, user, **kwargs):
        events.append((sorted(comment_ids), status, user))

    comments_moderated.connect(listen, sender=Comment, dispatch_uid="test-heard")
    yield events
    comments_moderated.disconnect(sender=Comment, dispatch_uid="test-heard")


def test_approving_publishes_renews_the_page_and_is_told(heard):
    article = ArticleFactory(title="Le port s'agrandit")
    held = [
        CommentFactory(article=article, body=f"Avis {n}", status=Comment.Status.PENDING)
        for n in range(2)
    ]
    moderator = UserFactory()
    page = Client().get(article.get_absolute_url()).text
    assert "Avis 0" not in page

    count, token = moderation.moderate(
        Comment.objects.filter(pk__in=[c.pk for c in held]), Comment.Status.APPROVED, moderator
    )

    assert count == 2
    assert set(Comment.objects.values_list("status", flat=True)) == {"approved"}
    assert Comment.objects.filter(moderated_by=moderator).count() == 2
    assert "Avis 0" in Client().get(article.get_absolute_url()).text  # no stale page
    assert heard == [(sorted(c.pk for c in held), Comment.Status.APPROVED, moderator)]
    assert token


def test_undo_puts_back_what_was_there_and_leaves_later_decisions(heard):
    article = ArticleFactory()
    first = CommentFactory(article=article, status=Comment.Status.PENDING)
    second = CommentFactory(article=article, status=Comment.Status.PENDING)
    moderator = UserFactory()
    _count, token = moderation.moderate(
        Comment.objects.filter(pk__in=[first.pk, second.pk]), Comment.Status.SPAM, moderator
    )
    Comment.objects.filter(pk=second.pk).update(status=Comment.Status.APPROVED)  # later

    restored = moderation.undo(token, moderator)

    assert [c.pk for c in restored] == [first.pk]
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.moderated_by) == (Comment.Status.PENDING, None)
    assert second.status == Comment.Status.APPROVED
    assert heard[-1] == ([first.pk], Comment.Status.PENDING, moderator)


def test_undo_refuses_a_token_it_did_not_make():
    with pytest.raises(signing.BadSignature):
        moderation.undo("made-up", UserFactory())
