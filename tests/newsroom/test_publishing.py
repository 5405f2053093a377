"""The workflow's transitions called directly, as a command would: no admin, no request.

Each transition checks who asks and what must be true first; a refusal changes
nothing, in memory or in the database.
"""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from articles.models import Article
from articles.newsroom import publishing
from tests.factories import ArticleFactory, ImageFactory

pytestmark = pytest.mark.django_db

Status = Article.Status


def stored(article):
    """The article as the database has it."""
    return Article.objects.get(pk=article.pk)


def in_review(article):
    article.status = Status.IN_REVIEW
    article.save()
    return article


# Submit for review ------------------------------------------------------------------


def test_journalist_submits_a_draft(journalist, ready_draft):
    assert publishing.submit_for_review(ready_draft, journalist) is True
    article = stored(ready_draft)
    assert article.status == Status.IN_REVIEW
    assert article.submitted_at is not None


def test_submitting_what_is_not_a_draft_changes_nothing(journalist, ready_draft):
    in_review(ready_draft)
    assert publishing.submit_for_review(ready_draft, journalist) is False
    assert stored(ready_draft).submitted_at is None


def test_journalist_cannot_submit_someone_elses_draft(other_journalist, ready_draft):
    with pytest.raises(PermissionDenied):
        publishing.submit_for_review(ready_draft, other_journalist)
    assert stored(ready_draft).status == Status.DRAFT


def test_submit_without_commit_leaves_the_database_alone(journalist, ready_draft):
    assert publishing.submit_for_review(ready_draft, journalist, commit=False) is True
    assert ready_draft.status == Status.IN_REVIEW
    assert stored(ready_draft).status == Status.DRAFT


# Publish and schedule ---------------------------------------------------------------


def test_editor_publishes_now(editor, ready_draft):
    publishing.publish(ready_draft, editor)
    article = stored(ready_draft)
    assert article.status == Status.PUBLISHED
    assert article.published_at <= timezone.now()
    assert article.updated_at >= article.published_at
    assert article in Article.objects.published()


def test_editor_schedules_with_a_future_time(editor, ready_draft):
    go_live = timezone.now() + timedelta(hours=5)
    publishing.publish(ready_draft, editor, at=go_live)
    article = stored(ready_draft)
    assert article.published_at == go_live
    assert article in Article.objects.scheduled()
    assert article not in Article.objects.published()
    with time_machine.travel(go_live + timedelta(seconds=1)):
        assert article in Article.objects.published()


def test_putting_an_article_back_online_keeps_its_original_date(editor, ready_draft):
    first_out = timezone.now() - timedelta(days=10)
    ready_draft.published_at = first_out
    ready_draft.updated_at = first_out
    ready_draft.save()
    publishing.publish(ready_draft, editor)
    article = stored(ready_draft)
    assert article.published_at == first_out
    assert not article.is_updated  # readers are not told it changed


def test_journalist_may_not_publish(journalist, ready_draft):
    with pytest.raises(PermissionDenied):
        publishing.publish(ready_draft, journalist)
    assert stored(ready_draft).status == Status.DRAFT


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"standfirst": "  "}, "The standfirst is empty."),
        ({"body": "<p> </p>"}, "The body is empty."),
        ({"hero_image": "no-alt"}, "The hero image has no alternative text."),
        ({"hero_image": "file-name"}, "The hero image's alternative text is a file name"),
        ({"hero_image": "hidden-file-name"}, "The hero image's alternative text is a file name"),
        ({"hero_image": "no-credit"}, "The hero image has no credit."),
    ],
)
def test_publishing_is_blocked_and_changes_nothing(editor, ready_draft, change, problem):
    images = {
        "no-alt": {"alt_text": "", "credit": "AFP"},
        "file-name": {"alt_text": "IMG_2041.jpg", "credit": "AFP"},
        # A zero-width space or a bidi mark around a file name does not make it a description.
        "hidden-file-name": {"alt_text": "vacances.jpg\u200b\u200e", "credit": "AFP"},
        "no-credit": {"alt_text": "Le port au matin", "credit": ""},
    }
    for name, value in change.items():
        if name == "hero_image":
            value = ImageFactory(**images[value])
        setattr(ready_draft, name, value)
    ready_draft.save()
    with pytest.raises(publishing.PublishingBlocked) as blocked:
        publishing.publish(ready_draft, editor)
    assert any(problem in message for message in blocked.value.problems)
    assert ready_draft.status == Status.DRAFT
    assert ready_draft.published_at is None
    assert stored(ready_draft).status == Status.DRAFT


# Unpublish and send back ------------------------------------------------------------


def test_editor_unpublishes_a_live_article(editor, section):
    article = ArticleFactory(section=section)
    assert publishing.unpublish(article, editor) is True
    assert stored(article).status == Status.DRAFT
    assert article not in Article.objects.published()


def test_editor_unpublishes_a_scheduled_article(editor, section):
    article = ArticleFactory(section=section, published_at=timezone.now() + timedelta(days=1))
    assert publishing.unpublish(article, editor) is True
    assert article not in Article.objects.scheduled()


def test_unpublishing_a_draft_changes_nothing(editor, ready_draft):
    assert publishing.unpublish(ready_draft, editor) is False
    assert stored(ready_draft).status == Status.DRAFT


def test_journalist_may_not_unpublish(journalist, section):
    article = ArticleFactory(section=section, owner=journalist)
    with pytest.raises(PermissionDenied):
        publishing.unpublish(article, journalist)
    assert article in Article.objects.published()


def test_editor_sends_an_article_back_to_its_journalist(editor, ready_draft):
    in_review(ready_draft)
    assert publishing.send_back(ready_draft, editor, "Sources manquantes.") is True
    article = stored(ready_draft)
    assert article.status == Status.DRAFT
    assert (article.sent_back_reason, article.sent_back_by) == ("Sources manquantes.", editor)


def test_sending_back_what_is_not_in_review_changes_nothing(editor, section):
    article = ArticleFactory(section=section)
    assert publishing.send_back(article, editor, "Pourquoi pas") is False
    assert stored(article).status == Status.PUBLISHED


def test_journalist_may_not_send_back(journalist, ready_draft):
    in_review(ready_draft)
    with pytest.raises(PermissionDenied):
        publishing.send_back(ready_draft, journalist, "Je me renvoie")
    assert stored(ready_draft).status == Status.IN_REVIEW


# A status chosen in a form ----------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "goal", "submitted"),
    [
        (Status.DRAFT, Status.IN_REVIEW, True),
        (Status.IN_REVIEW, Status.DRAFT, False),
        (Status.DRAFT, Status.PUBLISHED, False),
        (Status.IN_REVIEW, Status.PUBLISHED, False),
        (Status.PUBLISHED, Status.DRAFT, False),
        (Status.PUBLISHED, Status.IN_REVIEW, True),
    ],
)
def test_move_goes_through_the_transitions(editor, ready_draft, start, goal, submitted):
    ready_draft.status = start
    ready_draft.save()
    assert publishing.move(ready_draft, editor, goal, reason="À revoir") is True
    article = stored(ready_draft)
    assert article.status == goal
    assert (article.submitted_at is not None) is submitted
    assert (article in Article.objects.published()) is (goal == Status.PUBLISHED)


def test_move_to_the_same_status_changes_nothing(editor, ready_draft):
    assert publishing.move(ready_draft, editor, Status.DRAFT) is False


def test_a_refused_move_leaves_the_article_as_it_was(editor, ready_draft):
    ready_draft.standfirst = ""
    ready_draft.save()
    with pytest.raises(publishing.PublishingBlocked):
        publishing.move(ready_draft, editor, Status.PUBLISHED, commit=False)
    assert (ready_draft.status, ready_draft.published_at) == (Status.DRAFT, None)


def test_a_move_refused_halfway_leaves_the_article_as_it_was(section):
    # May publish and unpublish, may not edit: published → review is unpublish (allowed),
    # then submit (refused).
    from django.contrib.auth.models import Permission

    from tests.factories import UserFactory

    user = UserFactory(is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="publish_article"))
    article = ArticleFactory(section=section)
    with pytest.raises(PermissionDenied):
        publishing.move(article, user, Status.IN_REVIEW)
    assert (article.status, article.submitted_at) == (Status.PUBLISHED, None)
    assert article in Article.objects.published()


# Dates readers see ------------------------------------------------------------------


@pytest.fixture
def live_article(section):
    two_days_ago = timezone.now() - timedelta(days=2)
    return ArticleFactory(section=section, published_at=two_days_ago, updated_at=two_days_ago)


def test_an_edit_of_substance_dates_a_live_article(live_article):
    assert publishing.record_edit(live_article, ["body"]) is True
    assert live_article.is_updated


@pytest.mark.parametrize(("changed", "minor"), [(["body"], True), (["owner"], False), ([], False)])
def test_a_minor_edit_does_not(live_article, changed, minor):
    assert publishing.record_edit(live_article, changed, minor=minor) is False
    assert not live_article.is_updated


def test_a_scheduled_article_is_never_updated_before_it_goes_out(section):
    go_live = timezone.now() + timedelta(days=1)
    article = ArticleFactory(section=section, published_at=go_live, updated_at=timezone.now())
    assert publishing.record_edit(article, ["body"]) is True
    assert article.updated_at == go_live


def test_an_edit_of_a_draft_is_not_dated(ready_draft):
    assert publishing.record_edit(ready_draft, ["body"]) is False


# Who works on what ------------------------------------------------------------------


def test_journalist_works_on_the_articles_they_own_or_sign(
    journalist, other_journalist, editor, section
):
    owned = ArticleFactory(section=section, owner=journalist)
    signed = ArticleFactory(section=section, owner=other_journalist, authors=[journalist.author])
    ArticleFactory(section=section, owner=other_journalist)
    everything = Article.objects.all()
    assert set(publishing.articles_of(journalist, everything)) == {owned, signed}
    assert publishing.articles_of(editor, everything).count() == 3


def test_only_a_draft_may_be_submitted(journalist, ready_draft):
    assert publishing.can_submit(journalist, ready_draft)
    in_review(ready_draft)
    assert not publishing.can_submit(journalist, ready_draft)
