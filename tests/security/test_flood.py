"""Floods: 1,000 comment POSTs from one client, and a form sent twice."""

import pytest
from django.urls import reverse

from comments.models import Comment

from .conftest import comment_post, solve_altcha

pytestmark = pytest.mark.django_db

FLOOD = 1000


def test_a_thousand_posts_from_one_client(client, cheap_captcha, article, settings):
    settings.COMMENTS_RATE_LIMIT = 10
    settings.COMMENTS_RATE_WINDOW = 600
    settings.COMMENTS_RECENT_POSTS_LIMIT = 100  # the point here is the rate limit
    action = reverse("comments:post", args=[article.slug])
    # Enough solved challenges for every post the limit lets through (two windows at most).
    solutions = [solve_altcha(client) for _ in range(2 * settings.COMMENTS_RATE_LIMIT)]
    statuses, acknowledged = [], []
    for number in range(FLOOD):
        text = f"Commentaire de la vague numéro {number}."
        altcha = solutions[number] if number < len(solutions) else "garbage"
        response = client.post(
            action,
            comment_post(article, comment=text, altcha=altcha),
            REMOTE_ADDR="203.0.113.66",
        )
        statuses.append(response.status_code)
        if response.status_code == 429:
            assert 1 <= int(response["Retry-After"]) <= settings.COMMENTS_RATE_WINDOW
            assert "no-cache" in response["Cache-Control"]
        elif response.status_code == 302:
            acknowledged.append(text)
    assert 500 not in statuses
    assert set(statuses) <= {302, 400, 429}
    limited = statuses.count(429)
    # The limit may restart once if the flood straddles a window boundary.
    assert limited >= FLOOD - 2 * settings.COMMENTS_RATE_LIMIT
    assert statuses[: settings.COMMENTS_RATE_LIMIT] == [302] * settings.COMMENTS_RATE_LIMIT
    # Every comment acknowledged is stored exactly once; nothing else is.
    stored = list(Comment.objects.filter(article=article).values_list("body", flat=True))
    assert sorted(stored) == sorted(acknowledged)
    assert len(acknowledged) >= settings.COMMENTS_RATE_LIMIT


def test_the_same_form_sent_twice_stores_one_comment(client, cheap_captcha, article):
    action = reverse("comments:post", args=[article.slug])
    data = comment_post(article, comment="Envoyé deux fois.", altcha=solve_altcha(client))
    first = client.post(action, data)
    second = client.post(action, data, follow=True)
    assert first.status_code == 302
    # The second answer is a redirect too, saying the comment was received already.
    assert second.redirect_chain[0][1] == 302
    assert "already received" in second.content.decode() or "déjà" in second.content.decode()
    assert Comment.objects.filter(body="Envoyé deux fois.").count() == 1


def test_the_same_rendered_form_with_a_new_solution_stores_one_comment(
    client, cheap_captcha, article
):
    """Back button and resend: the widget solves a new challenge, the form's stamp is
    the same one; the duplicate is not stored (not even held for a moderator)."""
    action = reverse("comments:post", args=[article.slug])
    data = comment_post(article, comment="Renvoyé après retour.")
    assert client.post(action, {**data, "altcha": solve_altcha(client)}).status_code == 302
    assert client.post(action, {**data, "altcha": solve_altcha(client)}).status_code == 302
    assert Comment.objects.filter(body="Renvoyé après retour.").count() == 1


def test_the_same_question_answer_sent_twice_stores_one_comment(client, cheap_captcha, article):
    """Without JavaScript: the signed question token is spent by the first post."""
    from comments.captcha import BuiltinProvider

    provider = BuiltinProvider()
    question, token = provider.create_question()
    numbers = [int(word) for word in question.replace("?", " ").split() if word.isdigit()]
    data = comment_post(
        article,
        comment="Sans JavaScript, deux fois.",
        question_token=token,
        question_answer=str(sum(numbers)),
    )
    action = reverse("comments:post", args=[article.slug])
    assert client.post(action, data).status_code == 302
    client.post(action, data)
    assert Comment.objects.filter(body="Sans JavaScript, deux fois.").count() == 1
