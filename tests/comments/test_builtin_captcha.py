"""Posting a comment with the builtin provider: ALTCHA proof of work and own signals."""

import re
import time

import altcha
import pytest
import time_machine
from django.urls import reverse

from comments.conf import settings as comment_settings
from comments.models import Comment
from comments.scoring import sign_render_time

pytestmark = pytest.mark.django_db

SCORE_ERROR = 'id="comment-form-error"'


def test_valid_solution_publishes_and_says_so(
    client, article, comment_data, post_comment, solve_altcha
):
    response = post_comment(comment_data(altcha=solve_altcha()))

    comment = Comment.objects.get()
    assert comment.status == Comment.Status.APPROVED
    assert comment.score == 1.0
    assert comment.provider == "builtin"
    assert comment.reasons == [{"code": "pow_solved"}]
    assert response.status_code == 302
    assert response["Location"].endswith(f"{article.get_absolute_url()}#comment-{comment.pk}")
    page = client.get(response["Location"])
    assert "Thank you, your comment is published." in page.text
    assert "Très bon article, merci à la rédaction." in page.text


def test_wrong_solution_is_rejected_and_keeps_reader_text(
    comment_data, post_comment, solve_altcha, refusals
):
    payload = altcha.Payload.from_base64(solve_altcha())
    payload.solution.counter += 1
    payload.solution.derived_key = "00" * 32

    response = post_comment(comment_data(altcha=payload.to_base64()))

    assert response.status_code == 400
    assert SCORE_ERROR in response.text
    assert 'value="Aïcha"' in response.text
    assert "Très bon article, merci à la rédaction." in response.text
    assert not Comment.objects.exists()
    assert "wrong solution" in refusals.text


def test_tampered_challenge_is_rejected(comment_data, post_comment, solve_altcha, refusals):
    payload = altcha.Payload.from_base64(solve_altcha())
    payload.challenge.parameters.cost = 1

    response = post_comment(comment_data(altcha=payload.to_base64()))

    assert response.status_code == 400
    assert not Comment.objects.exists()
    assert "challenge not signed by us" in refusals.text


def test_unreadable_payload_is_rejected(comment_data, post_comment, refusals):
    response = post_comment(comment_data(altcha="not-base64-json"))

    assert response.status_code == 400
    assert SCORE_ERROR in response.text
    assert not Comment.objects.exists()
    assert "unreadable payload" in refusals.text


def test_solution_used_twice_is_refused_the_second_time(
    comment_data, post_comment, solve_altcha, refusals
):
    payload = solve_altcha()
    first = post_comment(comment_data(altcha=payload))
    second = post_comment(comment_data(altcha=payload, comment="Une autre phrase, même défi."))

    assert first.status_code == 302
    assert second.status_code == 400
    assert SCORE_ERROR in second.text
    assert Comment.objects.count() == 1
    assert "challenge already used" in refusals.text


def test_expired_challenge_is_rejected(
    settings, article, comment_data, post_comment, solve_altcha, refusals
):
    payload = solve_altcha()
    later = time.time() + comment_settings.COMMENTS_ALTCHA_EXPIRES + 60
    with time_machine.travel(later, tick=False):
        response = post_comment(
            comment_data(altcha=payload, rendered_at=sign_render_time(article.pk, at=later - 60))
        )

    assert response.status_code == 400
    assert SCORE_ERROR in response.text
    assert not Comment.objects.exists()
    assert "challenge expired" in refusals.text


def test_missing_captcha_is_rejected(comment_data, post_comment, refusals):
    response = post_comment(comment_data())

    assert response.status_code == 400
    assert SCORE_ERROR in response.text
    assert not Comment.objects.exists()
    assert "captcha missing" in refusals.text


def test_honeypot_filled_is_rejected(comment_data, post_comment, solve_altcha, refusals):
    response = post_comment(comment_data(altcha=solve_altcha(), website="https://spam.example"))

    assert response.status_code == 400
    assert SCORE_ERROR in response.text
    assert not Comment.objects.exists()
    assert "honeypot filled" in refusals.text


def test_posting_right_after_the_page_loads_is_rejected(
    article, comment_data, post_comment, solve_altcha, refusals
):
    too_fast = sign_render_time(article.pk, at=time.time())

    response = post_comment(comment_data(altcha=solve_altcha(), rendered_at=too_fast))

    assert response.status_code == 400
    assert SCORE_ERROR in response.text
    assert not Comment.objects.exists()
    assert "submitted too fast" in refusals.text


def test_forged_render_stamp_is_rejected(comment_data, post_comment, solve_altcha, refusals):
    response = post_comment(comment_data(altcha=solve_altcha(), rendered_at="1700000000"))

    assert response.status_code == 400
    assert not Comment.objects.exists()
    assert "form stamp missing or forged" in refusals.text


def test_stamp_from_another_article_is_rejected(comment_data, post_comment, solve_altcha, refusals):
    other = sign_render_time(999_999, at=time.time() - 60)

    response = post_comment(comment_data(altcha=solve_altcha(), rendered_at=other))

    assert response.status_code == 400
    assert not Comment.objects.exists()
    assert "form stamp missing or forged" in refusals.text


def test_form_left_open_a_long_time_is_held(article, comment_data, post_comment, solve_altcha):
    two_days_ago = sign_render_time(article.pk, at=time.time() - 2 * 86400)

    response = post_comment(comment_data(altcha=solve_altcha(), rendered_at=two_days_ago))

    comment = Comment.objects.get()
    assert response.status_code == 302
    assert comment.status == Comment.Status.PENDING
    assert any(reason["code"] == "form_too_old" for reason in comment.reasons)


def test_many_links_hold_the_comment(comment_data, post_comment, solve_altcha):
    body = "Voir https://a.example http://b.example www.c.example et https://d.example"

    post_comment(comment_data(altcha=solve_altcha(), comment=body))

    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PENDING
    assert {"code": "links", "count": 4} in comment.reasons


def test_one_link_still_publishes(comment_data, post_comment, solve_altcha):
    post_comment(comment_data(altcha=solve_altcha(), comment="La source : https://a.example/x"))

    assert Comment.objects.get().status == Comment.Status.APPROVED


def test_duplicate_text_is_held(comment_data, post_comment, solve_altcha):
    post_comment(comment_data(altcha=solve_altcha(), comment="Bravo !"))
    post_comment(comment_data(altcha=solve_altcha(), comment="  BRAVO   ! "))

    first, second = Comment.objects.order_by("pk")
    assert first.status == Comment.Status.APPROVED
    assert second.status == Comment.Status.PENDING
    assert {"code": "duplicate"} in second.reasons


def test_many_recent_posts_from_one_client_are_held(
    settings, comment_data, post_comment, solve_altcha
):
    settings.COMMENTS_RECENT_POSTS_LIMIT = 2
    for number in range(3):
        post_comment(comment_data(altcha=solve_altcha(), comment=f"Remarque numéro {number}"))

    statuses = list(Comment.objects.order_by("pk").values_list("status", flat=True))
    assert statuses == ["approved", "approved", "pending"]
    assert {"code": "recent_posts", "count": 2} in Comment.objects.last().reasons


def test_reader_without_javascript_answers_the_question_and_is_held(
    client, article, comment_data, post_comment, confirmation_step
):
    question, token = _question_from(confirmation_step())
    a, b = _numbers(question)

    response = post_comment(comment_data(question_token=token, question_answer=str(a + b)))

    comment = Comment.objects.get()
    assert response.status_code == 302
    assert comment.status == Comment.Status.PENDING
    assert comment.reasons == [{"code": "question_answered"}]
    followed = client.get(response["Location"])
    assert "It will appear once a moderator has read it." in followed.text


def test_wrong_answer_to_the_question_is_rejected(
    client, article, comment_data, post_comment, refusals, confirmation_step
):
    _, token = _question_from(confirmation_step())

    response = post_comment(comment_data(question_token=token, question_answer="-1"))

    assert response.status_code == 400
    assert SCORE_ERROR in response.text
    assert not Comment.objects.exists()
    assert "wrong answer to the question" in refusals.text


def test_question_answered_twice_is_refused(
    client, article, comment_data, post_comment, refusals, confirmation_step
):
    question, token = _question_from(confirmation_step())
    answer = str(sum(_numbers(question)))

    post_comment(comment_data(question_token=token, question_answer=answer))
    second = post_comment(
        comment_data(question_token=token, question_answer=answer, comment="Encore moi.")
    )

    assert second.status_code == 400
    assert Comment.objects.count() == 1
    assert "question already used" in refusals.text


def test_altcha_challenge_endpoint_answers_fresh_signed_json(client):
    first = client.get(reverse("comments:altcha-challenge"))
    second = client.get(reverse("comments:altcha-challenge"))

    assert first.status_code == 200
    assert first["Content-Type"] == "application/json"
    assert "no-cache" in first["Cache-Control"]
    assert first.json()["signature"]
    assert first.json()["parameters"]["algorithm"] == "PBKDF2/SHA-256"
    assert first.json()["parameters"]["nonce"] != second.json()["parameters"]["nonce"]
    assert client.post(reverse("comments:altcha-challenge")).status_code == 405


def _numbers(question):
    return [int(number) for number in re.findall(r"\d+", question)]


def _question_from(html):
    token = re.search(r'name="question_token" value="([^"]+)"', html).group(1)
    question = re.search(r'for="id_question_answer">([^<]+)<', html).group(1).strip()
    return question, token


def _solved(**create_options):
    challenge = altcha.create_challenge("PBKDF2/SHA-256", 10, counter=3, **create_options)
    solution = altcha.solve_challenge(challenge, timeout=30)
    return altcha.Payload(challenge, solution).to_base64()


@pytest.mark.parametrize(
    "forged",
    [
        pytest.param(lambda: _solved(expires_at=int(time.time()) + 600), id="unsigned challenge"),
        pytest.param(
            lambda: _solved(expires_at=int(time.time()) + 600, hmac_secret="not-our-key"),
            id="signed with another key",
        ),
        pytest.param(lambda: "e30=", id="empty json"),
        pytest.param(lambda: "x" * 5000, id="junk"),
    ],
)
def test_no_request_publishes_without_a_passing_verdict(comment_data, post_comment, forged):
    response = post_comment(comment_data(altcha=forged()))

    assert response.status_code == 400
    assert not Comment.objects.exists()
