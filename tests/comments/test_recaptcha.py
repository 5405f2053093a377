"""reCAPTCHA v3, with every verdict coming from a real HTTP siteverify on 127.0.0.1."""

import logging
import uuid

import pytest
from django.urls import reverse

from comments.models import Comment

pytestmark = pytest.mark.django_db

SCORE_ERROR = 'id="comment-form-error"'


def token(scenario):
    return f"{scenario}-{uuid.uuid4().hex}"


def test_good_score_publishes_and_siteverify_gets_secret_and_client_ip(
    siteverify, comment_data, post_comment
):
    response = post_comment(
        comment_data(**{"g-recaptcha-response": token("ok")}), REMOTE_ADDR="198.51.100.23"
    )

    comment = Comment.objects.get()
    assert response.status_code == 302
    assert comment.status == Comment.Status.APPROVED
    assert comment.provider == "recaptcha"
    assert comment.score == 0.9
    assert comment.ip_address == "198.51.100.23"
    sent = siteverify.requests[0]
    assert sent["secret"] == "test-secret-key"
    assert sent["remoteip"] == "198.51.100.23"


@pytest.mark.parametrize(
    ("scenario", "reason"),
    [
        ("low", "recaptcha score below threshold"),
        ("wrongaction", "wrong action 'login'"),
        ("wronghost", "wrong hostname 'evil.example'"),
        ("stale", "stale challenge"),
        ("invalid", "siteverify refused: invalid-input-response"),
    ],
)
def test_failed_check_rejects_and_keeps_reader_text(
    siteverify, comment_data, post_comment, caplog, scenario, reason
):
    caplog.set_level(logging.INFO, logger="comments.posting")

    response = post_comment(comment_data(**{"g-recaptcha-response": token(scenario)}))

    assert response.status_code == 400
    assert SCORE_ERROR in response.text
    assert "Très bon article, merci à la rédaction." in response.text
    assert not Comment.objects.exists()
    assert reason in caplog.text  # logged for the people who run the site


def test_score_threshold_is_a_setting(settings, siteverify, comment_data, post_comment):
    settings.COMMENTS_RECAPTCHA_MIN_SCORE = 0.1
    settings.COMMENTS_REJECT_BELOW = 0.1

    post_comment(comment_data(**{"g-recaptcha-response": token("low")}))

    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PENDING
    assert comment.score == 0.2


def test_token_used_twice_is_refused_without_asking_google_again(
    siteverify, comment_data, post_comment
):
    reused = token("ok")
    first = post_comment(comment_data(**{"g-recaptcha-response": reused}))
    second = post_comment(comment_data(**{"g-recaptcha-response": reused}, comment="Encore."))

    assert first.status_code == 302
    assert second.status_code == 400
    assert SCORE_ERROR in second.text
    assert Comment.objects.count() == 1
    assert len(siteverify.requests) == 1


def test_token_google_saw_already_is_refused(siteverify, comment_data, post_comment):
    used_elsewhere = token("ok")
    siteverify.seen.add(used_elsewhere)

    response = post_comment(comment_data(**{"g-recaptcha-response": used_elsewhere}))

    assert response.status_code == 400
    assert not Comment.objects.exists()


def test_missing_token_is_rejected_without_calling_google(siteverify, comment_data, post_comment):
    response = post_comment(comment_data())

    assert response.status_code == 400
    assert not siteverify.requests


@pytest.mark.parametrize("scenario", ["timeout", "error500", "garbage"])
def test_provider_failure_holds_the_comment_for_a_moderator(
    siteverify, comment_data, post_comment, client, mailoutbox, moderator, scenario
):
    siteverify.slow_seconds = 1.0

    response = post_comment(comment_data(**{"g-recaptcha-response": token(scenario)}))

    comment = Comment.objects.get()
    assert response.status_code == 302
    assert comment.status == Comment.Status.PENDING
    assert comment.score is None
    assert {"code": "captcha_unavailable"} in comment.reasons
    assert "It will appear once a moderator has read it." in client.get(response["Location"]).text
    assert [message.to for message in mailoutbox] == [[moderator.email]]


def test_siteverify_unreachable_holds_the_comment(settings, siteverify, comment_data, post_comment):
    settings.COMMENTS_RECAPTCHA_VERIFY_URL = "http://127.0.0.1:9/siteverify"

    response = post_comment(comment_data(**{"g-recaptcha-response": token("ok")}))

    assert response.status_code == 302
    assert Comment.objects.get().reasons[0] == {"code": "captcha_unavailable"}


def test_form_parts_load_google_script_with_the_site_key_only_when_touched(
    siteverify, client, article
):
    page = client.get(article.get_absolute_url()).text
    assert "google.com" not in page and "g-recaptcha-response" not in page

    parts = client.get(reverse("comments:form-parts", args=[article.slug])).json()

    scripts = [script["src"] for script in parts["scripts"]]
    assert scripts[0] == "https://www.google.com/recaptcha/api.js?render=test-site-key"
    assert scripts[1].endswith(".js") and "comments-recaptcha" in scripts[1]
    assert 'name="g-recaptcha-response"' in parts["widget"]
    assert "altcha-widget" not in parts["widget"]


def test_reader_without_javascript_can_answer_the_question_instead(
    siteverify, client, article, comment_data, post_comment, confirmation_step
):
    import re

    html = confirmation_step()
    token = re.search(r'name="question_token" value="([^"]+)"', html).group(1)
    question = re.search(r'for="id_question_answer">([^<]+)<', html).group(1)
    answer = sum(int(n) for n in re.findall(r"\d+", question))

    response = post_comment(comment_data(question_token=token, question_answer=str(answer)))

    assert response.status_code == 302
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PENDING
    assert comment.provider == "recaptcha"
    assert not siteverify.requests
