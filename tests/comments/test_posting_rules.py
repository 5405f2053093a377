"""The rules around a post: CSRF, rate limit, fields, closing, pre-moderation, emails."""

import pytest
from django.test import Client
from django.urls import reverse

from comments.models import Comment
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def test_post_without_csrf_token_is_forbidden(article, comment_data, solve_altcha):
    browser = Client(enforce_csrf_checks=True)

    response = browser.post(
        reverse("comments:post", args=[article.slug]), comment_data(altcha=solve_altcha())
    )

    assert response.status_code == 403
    assert not Comment.objects.exists()


def test_form_on_the_page_carries_a_working_csrf_token(article, comment_data, solve_altcha):
    import re

    browser = Client(enforce_csrf_checks=True)
    page = browser.get(article.get_absolute_url()).text
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)

    response = browser.post(
        reverse("comments:post", args=[article.slug]),
        comment_data(altcha=solve_altcha(), csrfmiddlewaretoken=token),
    )

    assert response.status_code == 302
    assert Comment.objects.count() == 1


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
