from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import resolve, reverse
from django.utils import timezone, translation

from comments.captcha import spend_once
from comments.models import Comment, SpentToken
from comments.scoring import text_digest
from tests.factories import CommentFactory

pytestmark = pytest.mark.django_db


def test_querysets_name_the_statuses():
    approved = CommentFactory(status="approved")
    pending = CommentFactory(status="pending")
    CommentFactory(status="spam")

    assert list(Comment.objects.approved()) == [approved]
    assert list(Comment.objects.pending()) == [pending]


def test_score_outside_zero_to_one_is_refused_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        CommentFactory(score=1.5)


def test_unknown_status_is_refused_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        CommentFactory(status="published")


def test_text_fingerprint_ignores_case_and_spacing():
    comment = CommentFactory(body="Merci   pour\nCET article")

    assert comment.body_digest == text_digest("merci pour cet article")


def test_moderation_permission_exists():
    from django.contrib.auth.models import Permission

    assert Permission.objects.filter(codename="can_moderate", content_type__app_label="comments")


def test_a_token_is_spent_once_and_expired_ones_are_purged():
    later = timezone.now() + timedelta(minutes=5)

    assert spend_once("altcha", "signature-1", later)
    assert not spend_once("altcha", "signature-1", later)
    assert spend_once("recaptcha", "signature-1", later)

    SpentToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert spend_once("other", "x", later)
    assert SpentToken.objects.count() == 1


def test_comment_urls_reverse_and_resolve():
    with translation.override("fr"):
        assert reverse("comments:post", args=["un-article"]) == "/article/un-article/commenter/"
        assert reverse("comments:altcha-challenge") == "/commentaires/altcha/defi/"
        assert resolve("/article/un-article/commenter/").view_name == "comments:post"
    assert resolve("/en/commentaires/altcha/defi/").view_name == "comments:altcha-challenge"


@pytest.mark.parametrize("how", ["update", "bulk_update", "bulk_create"])
def test_bulk_writes_renew_the_cached_article_page(article, how):
    """Writes that send no model signal (a script, a data migration) renew the pages of
    the comments' articles like a save does."""
    url = article.get_absolute_url()
    held = CommentFactory(article=article, body="Un avis attendu", status="pending")
    assert "Un avis attendu" not in Client().get(url).text
    assert Client().get(url)["X-Page-Cache"] == "hit"

    if how == "update":
        Comment.objects.filter(pk=held.pk).update(status=Comment.Status.APPROVED)
    elif how == "bulk_update":
        held.status = Comment.Status.APPROVED
        Comment.objects.bulk_update([held], ["status"])
    else:
        Comment.objects.bulk_create(
            [Comment(article=article, name="Koffi", body="Un avis attendu", status="approved")]
        )

    assert "Un avis attendu" in Client().get(url).text
