"""The rules around a post: CSRF, rate limit, fields, closing, pre-moderation, emails."""

import re

import pytest
from django.middleware.csrf import _unmask_cipher_token
from django.test import Client
from django.urls import reverse

from comments.models import Comment
from tests.factories import ArticleFactory
from tests.formparts import confirm, fetch_parts

pytestmark = pytest.mark.django_db


def test_post_without_csrf_token_stores_nothing_and_asks_to_confirm(
    article, comment_data, solve_altcha
):
    browser = Client(enforce_csrf_checks=True)
    data = comment_data(altcha=solve_altcha(), comment="<b>Mon</b> avis\nsur deux lignes")

    response = browser.post(reverse("comments:post", args=[article.slug]), data)

    assert response.status_code == 200
    assert not Comment.objects.exists()
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    html = response.text
    assert "Confirm your comment" in html
    # The reader's text, escaped, in the preview and in the field to send again.
    assert "&lt;b&gt;Mon&lt;/b&gt; avis<br>sur deux lignes" in html
    assert "<b>Mon</b>" not in html
    assert 'name="question_token"' in html and 'for="id_question_answer"' in html
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    assert _unmask_cipher_token(token) == response.cookies["csrftoken"].value


def test_the_confirmation_step_posts_the_comment_with_its_token(article, comment_data, settings):
    settings.COMMENTS_MIN_SUBMIT_SECONDS = 0
    browser = Client(enforce_csrf_checks=True)
    step = browser.post(reverse("comments:post", args=[article.slug]), comment_data())

    response = confirm(browser, step.text)

    assert response.status_code == 302
    comment = Comment.objects.get()
    assert comment.body == "Très bon article, merci à la rédaction."
    assert comment.reasons == [{"code": "question_answered"}]


def test_the_confirmation_step_shows_what_is_missing_and_keeps_the_text(article, comment_data):
    browser = Client(enforce_csrf_checks=True)
    response = browser.post(
        reverse("comments:post", args=[article.slug]), comment_data(name="", comment="Gardé")
    )
    assert response.status_code == 200
    assert "This field is required." in response.text and "Gardé" in response.text
    assert not Comment.objects.exists()


def test_a_token_from_another_site_or_reader_still_only_reaches_the_step(
    article, comment_data, solve_altcha
):
    victim, attacker = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    page = attacker.get(article.get_absolute_url()).text
    stolen = fetch_parts(attacker, page)["csrfmiddlewaretoken"]
    fetch_parts(victim, page)  # the victim has a cookie of their own
    for data in (
        comment_data(altcha=solve_altcha(), csrfmiddlewaretoken=stolen),
        comment_data(altcha=solve_altcha(), csrfmiddlewaretoken="x" * 64),
    ):
        response = victim.post(reverse("comments:post", args=[article.slug]), data)
        assert response.status_code == 200 and "Confirm your comment" in response.text
    assert not Comment.objects.exists()


def test_form_parts_carry_a_working_csrf_token(article, comment_data, solve_altcha):
    browser = Client(enforce_csrf_checks=True)
    page = browser.get(article.get_absolute_url()).text
    assert 'name="csrfmiddlewaretoken" value=""' in page
    token = fetch_parts(browser, page)["csrfmiddlewaretoken"]

    response = browser.post(
        reverse("comments:post", args=[article.slug]),
        comment_data(altcha=solve_altcha(), csrfmiddlewaretoken=token),
    )

    assert response.status_code == 302
    assert Comment.objects.count() == 1


def test_form_parts_are_never_cached_and_refuse_closed_or_unknown_articles(client, article):
    url = reverse("comments:form-parts", args=[article.slug])
    response = client.get(url)
    assert response.status_code == 200
    cache_control = response["Cache-Control"]
    assert "private" in cache_control and "no-store" in cache_control
    assert "public" not in cache_control
    parts = response.json()
    assert set(parts) == {"csrf_token", "rendered_at", "widget", "stylesheets", "scripts"}
    assert "<altcha-widget" in parts["widget"]
    assert any("altcha.min.js" in script["src"] for script in parts["scripts"])
    assert client.get(url).json()["rendered_at"] != parts["rendered_at"]
    assert client.post(url).status_code == 405

    article.comments_open = False
    article.save()
    assert client.get(url).status_code == 404
    assert client.get(reverse("comments:form-parts", args=["nulle-part"])).status_code == 404
    draft = ArticleFactory(status="draft")
    assert client.get(reverse("comments:form-parts", args=[draft.slug])).status_code == 404


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"name": ""}, "This field is required."),
        ({"name": "   "}, "This field is required."),
        ({"comment": ""}, "This field is required."),
        ({"comment": "x" * 3001}, "Ensure this value has at most 3000 characters"),
        ({"name": "n" * 81}, "Ensure this value has at most 80 characters"),
    ],
)
def test_empty_or_too_long_fields_get_field_errors(
    comment_data, post_comment, solve_altcha, fields, error
):
    response = post_comment(comment_data(altcha=solve_altcha(), **fields))

    assert response.status_code == 400
    assert error in response.text
    assert "The captcha score check failed" not in response.text
    assert not Comment.objects.exists()


def test_field_errors_keep_what_the_reader_wrote(comment_data, post_comment):
    response = post_comment(comment_data(name="", comment="Mon texte à garder"))

    assert "Mon texte à garder" in response.text


def test_closed_article_refuses_comments_and_gives_the_text_back(
    client, article, comment_data, post_comment, solve_altcha
):
    article.comments_open = False
    article.save()

    response = post_comment(
        comment_data(altcha=solve_altcha(), comment="<b>Mon avis</b> tardif"), follow=True
    )

    assert response.status_code == 403
    assert "Comments have just closed on this article" in response.text
    assert "&lt;b&gt;Mon avis&lt;/b&gt; tardif</textarea>" in response.text
    assert "<b>Mon avis</b>" not in response.text
    assert not Comment.objects.exists()


def test_unpublished_article_takes_no_comment(comment_data, post_comment, solve_altcha):
    draft = ArticleFactory(status="draft", published_at=None)

    response = post_comment(comment_data(altcha=solve_altcha()), target=draft)

    assert response.status_code == 404
    assert not Comment.objects.exists()


def test_get_on_the_comment_address_goes_to_the_article_comments(client, article):
    response = client.get(reverse("comments:post", args=[article.slug]))

    assert response.status_code == 302
    assert response["Location"] == f"{article.get_absolute_url()}#comments"
    assert client.get(reverse("comments:post", args=["no-such-article"])).status_code == 404


@pytest.mark.parametrize("site_wide", [True, False])
def test_premoderation_holds_even_a_perfect_score(
    settings, article, comment_data, post_comment, solve_altcha, client, site_wide
):
    if site_wide:
        settings.COMMENTS_PREMODERATION = True
    else:
        article.comments_premoderated = True
        article.save()

    response = post_comment(comment_data(altcha=solve_altcha()))

    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PENDING
    assert comment.score == 1.0
    page = client.get(response["Location"])
    assert "It will appear once a moderator has read it." in page.text
    assert "Comments are read by a moderator before they appear." in page.text
    # Its author sees it, marked; nobody else does.
    assert f'class="comment comment-pending" id="comment-{comment.pk}"' in page.text
    other = Client().get(article.get_absolute_url()).text
    assert "Très bon article" not in other.split('id="comments"')[1].split("<form")[0]


def test_held_comment_emails_the_moderators(
    settings, mailoutbox, moderator, article, comment_data, post_comment, solve_altcha
):
    settings.COMMENTS_PREMODERATION = True
    settings.COMMENTS_MODERATOR_EMAILS = ["redaction@example.test"]

    post_comment(comment_data(altcha=solve_altcha()))

    assert len(mailoutbox) == 1
    email = mailoutbox[0]
    assert sorted(email.to) == ["moderation@example.test", "redaction@example.test"]
    assert article.title in email.subject
    assert "Très bon article, merci à la rédaction." in email.body
    assert "/admin/comments/comment/?status__exact=pending" in email.body


def test_published_comment_sends_no_email(
    mailoutbox, moderator, comment_data, post_comment, solve_altcha
):
    post_comment(comment_data(altcha=solve_altcha()))

    assert Comment.objects.get().status == Comment.Status.APPROVED
    assert mailoutbox == []


def test_mail_server_down_does_not_lose_the_comment(
    settings, moderator, comment_data, post_comment, solve_altcha
):
    settings.COMMENTS_PREMODERATION = True
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": 9, "timeout": 1},
        }
    }

    response = post_comment(comment_data(altcha=solve_altcha()))

    assert response.status_code == 302
    assert Comment.objects.get().status == Comment.Status.PENDING


def test_user_agent_and_ip_are_kept_for_abuse_handling(comment_data, post_comment, solve_altcha):
    post_comment(
        comment_data(altcha=solve_altcha()),
        REMOTE_ADDR="2001:db8::1",
        HTTP_USER_AGENT="Mozilla/5.0 (Lecteur)",
    )

    comment = Comment.objects.get()
    assert comment.ip_address == "2001:db8::1"
    assert comment.user_agent == "Mozilla/5.0 (Lecteur)"
