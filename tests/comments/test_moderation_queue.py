"""The moderation queue: reasons in the admin's language, oldest pending first, undo."""

import re
from datetime import timedelta

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from comments import reasons
from comments.models import Comment
from tests.factories import ArticleFactory, CommentFactory, UserFactory

pytestmark = pytest.mark.django_db

QUEUE = "admin:comments_comment_changelist"


@pytest.fixture
def moderator_client(moderator):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(moderator)
    return browser


def csrf_of(browser):
    html = browser.get(reverse(QUEUE)).text
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def bulk(browser, action, comments):
    return browser.post(
        reverse(QUEUE),
        {
            "action": action,
            "_selected_action": [c.pk for c in comments],
            "csrfmiddlewaretoken": csrf_of(browser),
        },
        follow=True,
    )


def undo_form(html):
    form = re.search(
        r'<form class="comment-undo" method="post" action="([^"]+)">(.*?)</form>', html
    )
    assert form, "no undo button in the message"
    fields = dict(re.findall(r'name="([^"]+)" value="([^"]+)"', form.group(2)))
    return form.group(1), fields


def test_reasons_are_shown_in_french_with_their_figures(moderator):
    browser = Client()
    browser.force_login(moderator)
    CommentFactory(
        status="pending",
        reasons=[
            {"code": "question_answered"},
            {"code": "links", "count": 3},
            {"code": "recent_posts", "count": 4},
            {"code": "form_too_old", "hours": 30},
        ],
    )

    with translation.override("fr"):
        html = browser.get(reverse(QUEUE)).text

    assert "question résolue sans JavaScript" in html
    assert "3 liens" in html
    assert "4 commentaires récents du même client" in html
    assert "formulaire trop ancien (30 h)" in html
    assert "link(s)" not in html


def test_every_reason_code_has_a_sentence_in_both_languages():
    for code in reasons.SENTENCES:
        entry = {"code": code, "count": 2, "seconds": 5, "hours": 3, "score": 0.42}
        entry |= {"value": "login", "codes": "bad", "detail": "timeout"}
        english = reasons.describe(entry)
        with translation.override("fr"):
            french = reasons.describe(entry)
        assert english and "%(" not in english, code
        assert french and "%(" not in french, code
        assert french != english or code in {"provider_error"}, code


def test_oldest_pending_comment_comes_first(moderator):
    browser = Client()
    browser.force_login(moderator)
    now = timezone.now()
    CommentFactory(body="Publié hier", created_at=now - timedelta(days=1))
    CommentFactory(body="Attente récente", status="pending", created_at=now)
    CommentFactory(body="Attente ancienne", status="pending", created_at=now - timedelta(days=2))

    html = browser.get(reverse(QUEUE)).text

    order = [html.index(body) for body in ("Attente ancienne", "Attente récente", "Publié hier")]
    assert order == sorted(order)


def test_bulk_decision_is_undone_from_its_message(moderator_client, moderator, client):
    held = CommentFactory.create_batch(2, status="pending", body="Texte en attente")
    spam = CommentFactory(status="spam", body="Déjà classé spam")

    response = bulk(moderator_client, "approve", [*held, spam])

    assert "3 comments published." in response.text
    assert Comment.objects.filter(status="approved").count() == 3
    action, fields = undo_form(response.text)
    assert "csrfmiddlewaretoken" in fields

    # Without the CSRF token the undo is refused.
    refused = moderator_client.post(action, {"undo": fields["undo"]})
    assert refused.status_code == 403
    assert Comment.objects.filter(status="approved").count() == 3

    undone = moderator_client.post(action, fields, follow=True)

    assert "3 decisions undone." in undone.text
    statuses = dict(Comment.objects.values_list("pk", "status"))
    assert [statuses[c.pk] for c in held] == ["pending", "pending"]
    assert statuses[spam.pk] == "spam"
    assert Comment.objects.get(pk=held[0].pk).moderated_by is None
    assert LogEntry.objects.filter(user=moderator).count() == 3
    assert "Texte en attente" not in client.get(held[0].article.get_absolute_url()).text


def test_undo_leaves_a_later_decision_alone(moderator_client):
    first, second = CommentFactory.create_batch(2, status="pending")
    action, fields = undo_form(bulk(moderator_client, "reject", [first, second]).text)
    Comment.objects.filter(pk=second.pk).update(status="approved")  # decided again since

    moderator_client.post(action, fields)

    assert Comment.objects.get(pk=first.pk).status == "pending"
    assert Comment.objects.get(pk=second.pk).status == "approved"


def test_forged_or_reused_undo_tokens_change_nothing(moderator_client):
    comment = CommentFactory(status="pending")
    action, fields = undo_form(bulk(moderator_client, "mark_as_spam", [comment]).text)

    forged = moderator_client.post(action, fields | {"undo": fields["undo"] + "x"}, follow=True)
    assert "This undo link is not valid." in forged.text
    assert Comment.objects.get().status == "spam"
    assert moderator_client.get(action).status_code == 302


def test_undo_needs_can_moderate(moderator_client):
    comment = CommentFactory(status="pending")
    action, fields = undo_form(bulk(moderator_client, "approve", [comment]).text)
    viewer = UserFactory(username="lecteur-staff", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_comment"))
    browser = Client()
    browser.force_login(viewer)

    response = browser.post(action, {"undo": fields["undo"]})

    assert response.status_code == 403
    assert Comment.objects.get().status == "approved"


def test_old_reasons_become_codes_and_back():
    import importlib

    migration = importlib.import_module("comments.migrations.0004_reason_codes")
    old = [
        "proof of work solved",
        "question answered without JS",
        "3 link(s)",
        "2 recent comments from the same client",
        "submitted too fast (1 s after the page)",
        "form too old (48 h)",
        "recaptcha score 0.85",
        "wrong action 'login'",
        "siteverify refused: invalid-input-response",
        "siteverify: timed out",
        "something nobody wrote down",
    ]

    codes = [migration.to_code(sentence) for sentence in old]

    assert codes[:7] == [
        {"code": "pow_solved"},
        {"code": "question_answered"},
        {"code": "links", "count": 3},
        {"code": "recent_posts", "count": 2},
        {"code": "too_fast", "seconds": 1},
        {"code": "form_too_old", "hours": 48},
        {"code": "recaptcha_score", "score": 0.85},
    ]
    assert codes[7] == {"code": "recaptcha_wrong_action", "value": "login"}
    assert codes[8] == {"code": "recaptcha_refused", "codes": "invalid-input-response"}
    assert codes[9] == {"code": "provider_error", "detail": "siteverify: timed out"}
    assert codes[10] == "something nobody wrote down"
    assert [migration.to_sentence(code) for code in codes] == old


@pytest.mark.django_db(transaction=True)
def test_migration_converts_existing_rows():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    written = ArticleFactory()  # with today's models, before going back
    executor = MigrationExecutor(connection)
    # Back to comments 0003 (and the articles migrations that came after it).
    executor.migrate([("comments", "0003_comment_original_text")])
    old_apps = executor.loader.project_state([("comments", "0003_comment_original_text")]).apps
    OldComment = old_apps.get_model("comments", "Comment")
    OldArticle = old_apps.get_model("articles", "Article")
    article = OldArticle.objects.get(pk=written.pk)
    OldComment.objects.create(
        article=article,
        name="Ancien",
        body="Texte",
        reasons=["question answered without JS", "5 recent comments from the same client"],
    )

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    assert Comment.objects.get(name="Ancien").reasons == [
        {"code": "question_answered"},
        {"code": "recent_posts", "count": 5},
    ]
