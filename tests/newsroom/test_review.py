"""Review with a voice: editors e-mailed on a submission, a send-back says why and the
journalist reads it, the admin index counts what waits for the desk."""

from datetime import datetime, time, timedelta

import pytest
from django.urls import reverse, reverse_lazy
from django.utils import timezone

from articles.models import Article
from articles.newsroom import notifications, publishing
from comments.models import Comment
from tests.factories import ArticleFactory, CommentFactory, UserFactory

from .conftest import article_form_data

pytestmark = pytest.mark.django_db

CHANGELIST = reverse_lazy("admin:articles_article_changelist")
# The French admin (no language prefix): its messages as the desk reads them.
FRENCH_CHANGELIST = "/admin/articles/article/"


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def in_review(article):
    article.status = Article.Status.IN_REVIEW
    article.save()
    return article


def stored(article):
    return Article.objects.get(pk=article.pk)


# Editors are told of a submission ------------------------------------------------


def test_a_submission_emails_the_editors_only(
    client,
    journalist,
    other_journalist,
    editor,
    moderator,
    ready_draft,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    second_editor = UserFactory(username="redchef", is_staff=True)
    second_editor.groups.add(*editor.groups.all())
    UserFactory(username="lecteur")  # not staff, no permission
    client.force_login(journalist)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            change_url(ready_draft), article_form_data(ready_draft, _submit_review="1")
        )
    assert response.status_code == 302
    assert stored(ready_draft).status == Article.Status.IN_REVIEW
    [email] = mailoutbox
    assert sorted(email.to) == sorted([editor.email, second_editor.email])
    assert ready_draft.title in email.subject
    # A link to the article in the admin, on the public address (SITE_URL).
    assert f"http://127.0.0.1:8000/admin/articles/article/{ready_draft.pk}/change/" in email.body


def test_a_new_article_submitted_from_the_add_form_emails_the_editors(
    client, journalist, editor, section, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(journalist)
    new = Article(title="Pluies à Cotonou", standfirst="Inondations.", body="<p>Texte</p>")
    new.section = section
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:articles_article_add"),
            article_form_data(new, slug="", _submit_review="1"),
        )
    assert response.status_code == 302
    article = Article.objects.get(title="Pluies à Cotonou")
    assert article.status == Article.Status.IN_REVIEW
    [email] = mailoutbox
    assert email.to == [editor.email]
    assert f"/admin/articles/article/{article.pk}/change/" in email.body


def test_the_submit_action_emails_the_editors(
    client, journalist, editor, ready_draft, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(journalist)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            CHANGELIST, {"action": "submit_for_review", "_selected_action": [ready_draft.pk]}
        )
    assert stored(ready_draft).status == Article.Status.IN_REVIEW
    assert [email.to for email in mailoutbox] == [[editor.email]]


def test_the_e_mail_is_sent_once_the_submission_is_saved(
    journalist, editor, ready_draft, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        publishing.submit_for_review(ready_draft, journalist)
    assert mailoutbox == []  # nothing before the commit
    for callback in callbacks:
        callback()
    assert len(mailoutbox) == 1


def test_a_mail_failure_does_not_break_the_submission(
    client,
    journalist,
    editor,
    ready_draft,
    monkeypatch,
    caplog,
    django_capture_on_commit_callbacks,
):
    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("no mail server")

    monkeypatch.setattr(notifications, "send_mail", refuse)
    client.force_login(journalist)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            change_url(ready_draft), article_form_data(ready_draft, _submit_review="1")
        )
    assert response.status_code == 302
    assert stored(ready_draft).status == Article.Status.IN_REVIEW
    assert "Could not send the newsroom's e-mail" in caplog.text


def test_the_notice_is_a_task_a_worker_backend_can_take(settings, journalist, ready_draft):
    # The same call, queued instead of run: nothing else to change for a worker.
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    result = notifications.notify_editors_of_submission.enqueue(ready_draft.pk)
    assert result.args == [ready_draft.pk]


# Sending back requires a reason ----------------------------------------------------


def test_the_send_back_action_asks_why_first(client, editor, ready_draft, mailoutbox):
    in_review(ready_draft)
    client.force_login(editor)
    response = client.post(
        FRENCH_CHANGELIST, {"action": "send_back_to_draft", "_selected_action": [ready_draft.pk]}
    )
    assert response.status_code == 200
    assert 'name="reason"' in response.text
    assert ready_draft.title in response.text
    assert stored(ready_draft).status == Article.Status.IN_REVIEW


def test_a_send_back_without_a_reason_is_refused_in_french(client, editor, ready_draft):
    in_review(ready_draft)
    client.force_login(editor)
    response = client.post(
        FRENCH_CHANGELIST,
        {
            "action": "send_back_to_draft",
            "_selected_action": [ready_draft.pk],
            "post": "yes",
            "reason": "\u200b \u200b",
        },
    )
    assert response.status_code == 200
    assert "Dites pourquoi l’article retourne à son journaliste." in response.text
    article = stored(ready_draft)
    assert (article.status, article.sent_back_reason) == (Article.Status.IN_REVIEW, "")


def test_a_status_change_to_draft_without_a_reason_is_refused_in_french(
    client, editor, ready_draft
):
    in_review(ready_draft)
    client.force_login(editor)
    response = client.post(
        f"/admin/articles/article/{ready_draft.pk}/change/",
        article_form_data(ready_draft, status="draft", title="Titre changé"),
    )
    assert response.status_code == 200
    assert "Dites pourquoi l’article retourne à son journaliste." in response.text
    article = stored(ready_draft)
    assert (article.status, article.title) == (Article.Status.IN_REVIEW, ready_draft.title)


def test_a_send_back_without_a_reason_is_refused_by_the_workflow(editor, ready_draft):
    in_review(ready_draft)
    with pytest.raises(publishing.ReasonRequired):
        publishing.send_back(ready_draft, editor, "")
    with pytest.raises(publishing.ReasonRequired):
        publishing.move(ready_draft, editor, Article.Status.DRAFT, reason=" \n")
    with pytest.raises(publishing.ReasonRequired):  # invisible: no reason
        publishing.send_back(ready_draft, editor, "\u200b\u2060\x0b")
    assert ready_draft.status == Article.Status.IN_REVIEW
    assert stored(ready_draft).status == Article.Status.IN_REVIEW


def test_the_reason_reaches_the_journalist(
    client, editor, journalist, ready_draft, mailoutbox, django_capture_on_commit_callbacks
):
    in_review(ready_draft)
    reason = "Il manque la réaction du ministre.\nCitez vos sources."
    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            CHANGELIST,
            {
                "action": "send_back_to_draft",
                "_selected_action": [ready_draft.pk],
                "post": "yes",
                "reason": reason,
            },
        )
    assert response.status_code == 302
    article = stored(ready_draft)
    assert (article.status, article.sent_back_reason) == (Article.Status.DRAFT, reason)
    assert article.sent_back_by == editor and article.sent_back_at is not None

    # By e-mail, to the journalist alone.
    [email] = mailoutbox
    assert email.to == [journalist.email]
    assert "Il manque la réaction du ministre." in email.body

    # On the article, at the top of the form, and in their list.
    client.force_login(journalist)
    page = client.get(change_url(ready_draft)).text
    assert 'id="sent-back-reason"' in page
    assert "Il manque la réaction du ministre.<br>Citez vos sources." in page
    listing = client.get(CHANGELIST).text
    assert "Sent back: Il manque la réaction du ministre." in listing


def test_the_reason_is_set_through_the_form_and_cleared_on_the_next_submission(
    client, editor, journalist, ready_draft, django_capture_on_commit_callbacks
):
    in_review(ready_draft)
    client.force_login(journalist)
    assert 'name="send_back_reason"' not in client.get(change_url(ready_draft)).text
    client.force_login(editor)
    assert 'name="send_back_reason"' in client.get(change_url(ready_draft)).text
    response = client.post(
        change_url(ready_draft),
        article_form_data(ready_draft, status="draft", send_back_reason="Trop long."),
    )
    assert response.status_code == 302
    assert stored(ready_draft).sent_back_reason == "Trop long."

    client.force_login(journalist)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            change_url(ready_draft), article_form_data(stored(ready_draft), _submit_review="1")
        )
    article = stored(ready_draft)
    assert article.status == Article.Status.IN_REVIEW
    assert (article.sent_back_reason, article.sent_back_by) == ("", None)
    assert "Sent back:" not in client.get(CHANGELIST).text


# The admin index counts what waits ------------------------------------------------


@pytest.fixture
def waiting(section):
    """2 articles in review, 1 due later today, 1 due tomorrow, 3 comments held."""
    now = timezone.now()
    ArticleFactory.create_batch(2, section=section, status=Article.Status.IN_REVIEW)
    end_of_day = timezone.make_aware(datetime.combine(timezone.localdate(now), time.max))
    later_today = min(now + timedelta(minutes=5), end_of_day - timedelta(seconds=1))
    ArticleFactory(section=section, published_at=later_today)
    ArticleFactory(section=section, published_at=end_of_day + timedelta(hours=2))
    live = ArticleFactory(section=section)
    CommentFactory.create_batch(3, article=live, status=Comment.Status.PENDING)
    CommentFactory(article=live, status=Comment.Status.APPROVED)


def test_editors_see_articles_in_review_and_scheduled_today(
    client, editor, waiting, django_assert_max_num_queries
):
    client.force_login(editor)
    page = client.get(reverse("admin:index")).text
    assert "2 articles in review" in page
    assert f'{CHANGELIST}?status__exact=review"' in page
    assert "1 article scheduled today" in page
    today = timezone.localdate()
    assert (
        f"{CHANGELIST}?publication=scheduled&amp;published_at__year={today.year}"
        f"&amp;published_at__month={today.month}&amp;published_at__day={today.day}"
    ) in page
    assert "waiting for moderation" not in page  # not a moderator


def test_the_counts_link_to_lists_with_those_articles(client, editor, waiting):
    client.force_login(editor)
    today = timezone.localdate()
    scheduled = client.get(
        f"{CHANGELIST}?publication=scheduled&published_at__year={today.year}"
        f"&published_at__month={today.month}&published_at__day={today.day}"
    )
    assert scheduled.context["cl"].result_count == 1
    assert client.get(f"{CHANGELIST}?status__exact=review").context["cl"].result_count == 2


def test_moderators_see_comments_held_only(client, moderator, waiting):
    client.force_login(moderator)
    page = client.get(reverse("admin:index")).text
    assert "3 comments waiting for moderation" in page
    assert "in review" not in page and "scheduled today" not in page


def test_journalists_see_their_articles_sent_back_only(
    client, journalist, other_journalist, editor, waiting, ready_draft, section
):
    in_review(ready_draft)
    publishing.send_back(ready_draft, editor, "À reprendre.")
    someone_elses = in_review(ArticleFactory(section=section, owner=other_journalist))
    publishing.send_back(someone_elses, editor, "Pas le vôtre.")
    client.force_login(journalist)
    page = client.get(reverse("admin:index")).text
    assert "1 of your articles sent back" in page
    assert "in review" not in page and "waiting for moderation" not in page
    listing = client.get(f"{CHANGELIST}?sent_back=yes")
    assert [article.pk for article in listing.context["cl"].result_list] == [ready_draft.pk]


def test_the_counts_cost_one_query_each(client, editor, waiting, django_assert_num_queries):
    from articles.admin.articles import desk_counts

    client.force_login(editor)
    request = client.get(reverse("admin:index")).wsgi_request
    with django_assert_num_queries(1):
        counts = desk_counts(request)
    assert [item.count for item in counts] == [2, 1]


def test_the_counts_in_french(client, editor, waiting):
    client.force_login(editor)
    page = client.get("/admin/").text
    assert "2 articles en relecture" in page
    assert "1 article programmé aujourd’hui" in page
    assert 'class="desk-counts"' in page
