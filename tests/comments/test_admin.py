"""The moderators' queue in the admin."""

from datetime import timedelta

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import timezone

from articles.newsroom.roles import MODERATORS
from comments.models import Comment
from tests.factories import ArticleFactory, CommentFactory, UserFactory

pytestmark = pytest.mark.django_db

QUEUE = "admin:comments_comment_changelist"


@pytest.fixture
def moderator_client(client, moderator):
    client.force_login(moderator)
    return client


def test_moderators_group_holds_the_comment_permissions_only():
    codenames = set(
        Group.objects.get(name=MODERATORS).permissions.values_list("codename", flat=True)
    )

    assert codenames == {
        "view_comment",
        "change_comment",
        "delete_comment",
        "can_moderate",
        "can_reply_as_newsroom",
        # Trusted commenters (revoke) and stories under pre-moderation (switch back).
        "view_trustedcommenter",
        "change_trustedcommenter",
        "view_storyheat",
        "change_storyheat",
    }


def test_moderator_sees_comments_but_not_articles(moderator_client):
    assert moderator_client.get(reverse(QUEUE)).status_code == 200
    assert moderator_client.get(reverse("admin:articles_article_changelist")).status_code == 403
    assert moderator_client.get(reverse("admin:comments_comment_add")).status_code == 403


def test_queue_lists_pending_first_with_score_and_reasons(moderator_client):
    now = timezone.now()
    CommentFactory(body="Déjà publié", created_at=now)
    CommentFactory(
        body="En attente",
        status="pending",
        score=0.45,
        reasons=["proof of work solved", "3 link(s)"],
        created_at=now - timedelta(days=1),
    )

    html = moderator_client.get(reverse(QUEUE)).text

    assert html.index("En attente") < html.index("Déjà publié")
    assert "0.45" in html
    assert "proof of work solved; 3 link(s)" in html


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ({"status__exact": "pending"}, "Attente", "Publié"),
        ({"score_band": "low"}, "Faible", "Publié"),
        ({"score_band": "middle"}, "Attente", "Faible"),
        ({"score_band": "high"}, "Publié", "Attente"),
        ({"score_band": "none"}, "Indisponible", "Publié"),
        ({"provider": "recaptcha"}, "Indisponible", "Attente"),
        ({"q": "Attente"}, "Attente", "Publié"),
    ],
)
def test_queue_filters_and_search(moderator_client, query, shown, hidden):
    CommentFactory(body="Publié", score=0.9)
    CommentFactory(body="Attente", status="pending", score=0.5)
    CommentFactory(body="Faible", status="rejected", score=0.1)
    CommentFactory(body="Indisponible", status="pending", score=None, provider="recaptcha")

    html = moderator_client.get(reverse(QUEUE), query).text

    assert shown in html
    assert hidden not in html


def test_queue_filters_by_article_and_date(moderator_client):
    first, second = ArticleFactory(), ArticleFactory()
    CommentFactory(article=first, body="Sur le premier")
    CommentFactory(
        article=second, body="Sur le second", created_at=timezone.now() - timedelta(days=40)
    )

    by_article = moderator_client.get(reverse(QUEUE), {"article__id__exact": first.pk}).text
    midnight = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    today = moderator_client.get(reverse(QUEUE), {"created_at__gte": str(midnight)}).text

    assert "Sur le premier" in by_article and "Sur le second" not in by_article
    assert "Sur le premier" in today and "Sur le second" not in today


@pytest.mark.parametrize(
    ("action", "status", "message"),
    [
        ("approve", "approved", "2 comments published."),
        ("reject", "rejected", "2 comments rejected."),
        ("mark_as_spam", "spam", "2 comments marked as spam."),
    ],
)
def test_bulk_actions_moderate_and_record_who(moderator_client, moderator, action, status, message):
    comments = CommentFactory.create_batch(2, status="pending")

    response = moderator_client.post(
        reverse(QUEUE),
        {"action": action, "_selected_action": [c.pk for c in comments]},
        follow=True,
    )

    assert message in response.text
    for comment in Comment.objects.all():
        assert comment.status == status
        assert comment.moderated_by == moderator
        assert comment.moderated_at is not None


def test_approved_comment_appears_on_the_article(moderator_client, client):
    comment = CommentFactory(status="pending", body="Enfin publié")
    moderator_client.post(reverse(QUEUE), {"action": "approve", "_selected_action": [comment.pk]})
    moderator_client.logout()

    assert "Enfin publié" in client.get(comment.article.get_absolute_url()).text


def test_actions_need_can_moderate(client):
    viewer = UserFactory(username="lecteur-staff", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_comment"))
    client.force_login(viewer)
    comment = CommentFactory(status="pending")

    html = client.get(reverse(QUEUE)).text
    client.post(reverse(QUEUE), {"action": "approve", "_selected_action": [comment.pk]})

    assert 'value="approve"' not in html
    comment.refresh_from_db()
    assert comment.status == "pending"


def test_editing_the_status_records_the_moderator(moderator_client, moderator):
    comment = CommentFactory(status="pending")
    url = reverse("admin:comments_comment_change", args=[comment.pk])

    moderator_client.post(url, {"name": comment.name, "body": comment.body, "status": "approved"})

    comment.refresh_from_db()
    assert comment.status == "approved"
    assert comment.moderated_by == moderator
    assert comment.original_body == ""  # the text was not edited


def test_edit_keeps_the_original_for_the_record_and_logs_who_and_when(
    moderator_client, moderator, client
):
    comment = CommentFactory(name="Awa", body="Appelez-moi au 97 00 00 00, merci.")
    url = reverse("admin:comments_comment_change", args=[comment.pk])

    response = moderator_client.post(
        url, {"name": "Awa", "body": "Appelez-moi au [numéro retiré], merci.", "status": "approved"}
    )

    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.body == "Appelez-moi au [numéro retiré], merci."
    assert comment.original_body == "Appelez-moi au 97 00 00 00, merci."
    assert comment.original_name == "Awa"
    entry = LogEntry.objects.get(object_id=str(comment.pk))
    assert entry.user == moderator
    assert entry.action_flag == CHANGE
    assert "Comment" in entry.get_change_message() or "comment" in entry.get_change_message()
    history = moderator_client.get(
        reverse("admin:comments_comment_history", args=[comment.pk])
    ).text
    assert moderator.username in history
    # The original is in the admin, never on the public page.
    assert "97 00 00 00" in moderator_client.get(url).text
    moderator_client.logout()
    page = client.get(comment.article.get_absolute_url()).text
    assert "[numéro retiré]" in page
    assert "97 00 00 00" not in page

    # A second edit keeps the first original.
    moderator_client.force_login(moderator)
    moderator_client.post(url, {"name": "Awa B.", "body": "Merci.", "status": "approved"})
    comment.refresh_from_db()
    assert comment.original_body == "Appelez-moi au 97 00 00 00, merci."
    assert comment.original_name == "Awa"


def test_viewer_without_can_moderate_cannot_edit_the_text(client):
    viewer = UserFactory(username="lecteur-staff", is_staff=True)
    viewer.user_permissions.add(
        Permission.objects.get(codename="view_comment"),
        Permission.objects.get(codename="change_comment"),
    )
    client.force_login(viewer)
    comment = CommentFactory(body="Texte du lecteur")

    client.post(
        reverse("admin:comments_comment_change", args=[comment.pk]),
        {"name": "X", "body": "Autre", "status": "spam"},
    )

    comment.refresh_from_db()
    assert (comment.body, comment.status) == ("Texte du lecteur", "approved")


def test_admin_index_shows_the_pending_count(moderator_client):
    CommentFactory.create_batch(3, status="pending")
    CommentFactory(status="approved")

    html = moderator_client.get(reverse("admin:index")).text

    assert "3 comments waiting for moderation" in html
    assert f"{reverse(QUEUE)}?status__exact=pending" in html
