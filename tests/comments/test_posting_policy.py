"""The posting policy called directly, as a command would: no request, no view."""

import time

import altcha
import pytest

from comments import outcomes
from comments.captcha import BuiltinProvider
from comments.conf import settings as comment_settings
from comments.models import Comment
from comments.posting import (
    AlreadyReceived,
    Held,
    PostingPolicy,
    Published,
    Refused,
    Sender,
    ToConfirm,
)
from comments.reasons import code_of, reason
from comments.scoring import Verdict, assess, sign_render_time

pytestmark = pytest.mark.django_db

READER = Sender(ip_address="198.51.100.7", user_agent="Mozilla/5.0 (Lecteur)", host="testserver")


def solved_altcha():
    """A proof of work solved as the widget would, from the provider itself."""
    challenge = altcha.Challenge.from_dict(BuiltinProvider().create_challenge())
    solution = altcha.solve_challenge(challenge, timeout=30)
    return altcha.Payload(challenge, solution).to_base64()


def answered_question():
    question, token = BuiltinProvider().create_question()
    numbers = [int(word) for word in question.replace("?", " ").split() if word.isdigit()]
    return {"question_token": token, "question_answer": str(sum(numbers))}


@pytest.fixture
def data(article):
    def fields(**changes):
        return {
            "name": "Aïcha",
            "comment": "Très bon article, merci à la rédaction.",
            "website": "",
            "rendered_at": sign_render_time(article.pk, at=time.time() - 60),
            **changes,
        }

    return fields


def codes(reasons):
    return [code_of(entry) for entry in reasons]


def test_a_verified_comment_is_published_with_the_senders_record(article, data, mailoutbox):
    outcome = PostingPolicy().post(article, data(altcha=solved_altcha()), READER)

    assert isinstance(outcome, Published)
    comment = Comment.objects.get()
    assert outcome.comment == comment
    assert comment.status == Comment.Status.APPROVED
    assert (comment.score, comment.provider, codes(comment.reasons)) == (
        1.0,
        "builtin",
        ["pow_solved"],
    )
    assert (comment.ip_address, comment.user_agent) == (READER.ip_address, READER.user_agent)
    assert mailoutbox == []


def test_a_low_score_is_refused_with_its_reasons_and_nothing_stored(article, data):
    outcome = PostingPolicy().post(article, data(comment="Sans preuve de travail"), READER)

    assert isinstance(outcome, Refused)
    assert (outcome.code, outcome.status, outcome.score) == ("low_score", 400, 0.0)
    assert codes(outcome.reasons) == ["captcha_missing"]
    assert outcome.message == outcomes.refusal_message(outcome.reasons)
    assert outcome.show_question
    # The form comes back with the reader's text and the one message.
    assert outcome.form.data["comment"] == "Sans preuve de travail"
    assert outcome.form.non_field_errors() == [str(outcome.message)]
    assert not Comment.objects.exists()


def test_a_passed_check_with_suspect_signals_is_held_with_its_reason_codes(
    article, data, moderator, mailoutbox, django_capture_on_commit_callbacks
):
    links = "Voir https://a.example https://b.example https://c.example"

    with django_capture_on_commit_callbacks(execute=True):
        outcome = PostingPolicy().post(article, data(altcha=solved_altcha(), comment=links), READER)

    assert isinstance(outcome, Held)
    assert codes(outcome.reasons) == ["pow_solved", "links"]
    comment = Comment.objects.get()
    assert outcome.comment == comment and comment.status == Comment.Status.PENDING
    assert comment.score == pytest.approx(0.4)  # 1.0 - 3 × 0.1 - 0.3 above two links
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["moderation@example.test"]


def test_premoderation_holds_what_would_be_published(settings, article, data):
    settings.COMMENTS_PREMODERATION = True

    outcome = PostingPolicy().post(article, data(altcha=solved_altcha()), READER)

    assert isinstance(outcome, Held)
    assert codes(outcome.reasons) == ["pow_solved"]


def test_over_the_rate_limit_is_refused_with_the_wait(settings, article, data):
    settings.COMMENTS_RATE_LIMIT = 1
    policy = PostingPolicy()
    policy.post(article, data(), READER)

    outcome = policy.post(article, data(altcha=solved_altcha()), READER)

    assert isinstance(outcome, Refused)
    assert (outcome.code, outcome.status) == ("rate_limited", 429)
    assert 1 <= outcome.retry_after <= comment_settings.COMMENTS_RATE_WINDOW
    assert not Comment.objects.exists()
    # Another client is not held back.
    other = Sender(ip_address="203.0.113.9")
    assert isinstance(policy.post(article, data(altcha=solved_altcha()), other), Published)


def test_closed_comments_are_refused_with_403(article, data):
    article.comments_open = False
    article.save()

    outcome = PostingPolicy().post(article, data(altcha=solved_altcha()), READER)

    assert isinstance(outcome, Refused)
    assert (outcome.code, outcome.status) == ("comments_closed", 403)
    assert outcome.message == outcomes.COMMENTS_CLOSED
    assert not Comment.objects.exists()


def test_a_failed_csrf_check_asks_to_confirm_and_spends_nothing(article, data):
    sent = data(altcha=solved_altcha())

    outcome = PostingPolicy().post(
        article, sent, Sender(ip_address="198.51.100.7", csrf_passed=False)
    )

    assert isinstance(outcome, ToConfirm)
    assert outcome.form.data["comment"] == sent["comment"]
    assert not Comment.objects.exists()
    # The proof of work was not used up: the same post, now checked, is published.
    assert isinstance(PostingPolicy().post(article, sent, READER), Published)


def test_field_errors_refuse_without_using_the_captcha(article, data):
    sent = data(altcha=solved_altcha(), name="")

    outcome = PostingPolicy().post(article, sent, READER)

    assert isinstance(outcome, Refused)
    assert (outcome.code, outcome.status, outcome.message) == ("form_invalid", 400, None)
    assert "name" in outcome.form.errors
    assert isinstance(PostingPolicy().post(article, {**sent, "name": "Aïcha"}, READER), Published)


def test_the_same_form_sent_twice_stores_one_comment(article, data):
    sent = data(altcha=solved_altcha())
    PostingPolicy().post(article, sent, READER)

    again = PostingPolicy().post(article, {**sent, "altcha": solved_altcha()}, READER)

    assert isinstance(again, AlreadyReceived)
    assert Comment.objects.count() == 1


def test_recaptcha_checks_the_host_the_sender_posted_to(siteverify, article, data):
    """The provider reads the client's facts from the Sender, not from a request."""
    elsewhere = Sender(ip_address="198.51.100.7", host="news.example.org")

    refused = PostingPolicy().post(article, data(**{"g-recaptcha-response": "ok-1"}), elsewhere)
    published = PostingPolicy().post(article, data(**{"g-recaptcha-response": "ok-2"}), READER)

    assert isinstance(refused, Refused)
    assert codes(refused.reasons) == ["recaptcha_wrong_hostname"]
    assert isinstance(published, Published)
    assert siteverify.requests[-1]["remoteip"] == READER.ip_address


def test_signals_keep_an_unavailable_verdict_unavailable(article):
    """A provider that could not answer holds the comment, whatever the signals add."""
    verdict = Verdict.provider_unavailable("recaptcha", "siteverify: timed out")

    assessed = assess(
        verdict,
        article=article,
        body="https://a.example",
        honeypot="",
        stamp=sign_render_time(article.pk, at=time.time() - 60),
        ip_address=None,
    )

    assert isinstance(assessed, Verdict) and assessed.unavailable
    assert assessed.reasons == [*verdict.reasons, reason("links", count=1)]


def test_a_subclass_may_change_one_step(article, data):
    class Strict(PostingPolicy):
        def decide(self, article, verdict):
            return Comment.Status.PENDING

    assert isinstance(Strict().post(article, data(altcha=solved_altcha()), READER), Held)


def test_the_question_answered_without_javascript_is_held(article, data):
    outcome = PostingPolicy().post(article, data(**answered_question()), READER)

    assert isinstance(outcome, Held)
    assert codes(outcome.reasons) == ["question_answered"]


def test_a_held_comment_leaves_the_cached_page_and_a_published_one_renews_it(
    client, settings, article, data
):
    settings.COMMENTS_PREMODERATION = True
    url = article.get_absolute_url()
    assert client.get(url)["X-Page-Cache"] == "miss"
    assert client.get(url)["X-Page-Cache"] == "hit"

    held = PostingPolicy().post(article, data(altcha=solved_altcha()), READER)

    assert isinstance(held, Held)
    assert client.get(url)["X-Page-Cache"] == "hit"  # readers see nothing new
    held.comment.status = Comment.Status.APPROVED
    held.comment.save()
    page = client.get(url)
    assert page["X-Page-Cache"] == "miss"
    assert "Très bon article, merci à la rédaction." in page.text
