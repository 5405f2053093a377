"""What the reader sees after sending a comment: their own comment, or the form and their text."""

import re
import time

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse

from comments.conf import settings as comment_settings
from comments.models import Comment
from comments.scoring import sign_render_time
from tests.factories import CommentFactory

pytestmark = pytest.mark.django_db

PAYLOAD = "<script>alert('x')</script> & « guillemets »"
ESCAPED = "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; « guillemets »"


def comments_part(html):
    return html.split('id="comments"')[1].split('id="related"')[0]


def question_of(html):
    question = re.search(r'for="id_question_answer">(.*?) <span', html).group(1)
    token = re.search(r'name="question_token" value="([^"]+)"', html).group(1)
    return sum(int(n) for n in re.findall(r"\d+", question)), token


def test_held_comment_lands_on_itself_marked_and_private(
    settings, client, article, comment_data, post_comment, solve_altcha
):
    settings.COMMENTS_PREMODERATION = True
    CommentFactory(article=article, body="Un avis déjà publié")
    client.get(article.get_absolute_url())  # the page is in the page cache

    response = post_comment(comment_data(altcha=solve_altcha(), comment=PAYLOAD))

    comment = Comment.objects.get(status="pending")
    assert response.status_code == 302
    assert response["Location"] == f"{article.get_absolute_url()}#comment-{comment.pk}"
    page = client.get(response["Location"])
    part = comments_part(page.text)
    assert f'class="comment comment-pending" id="comment-{comment.pk}"' in part
    assert "Waiting for moderation" in part
    assert "It will appear once a moderator has read it." in part
    assert ESCAPED in part and "<script>alert" not in part
    # After the published one: in its place, the newest.
    assert part.index("Un avis déjà publié") < part.index(ESCAPED)
    assert "private" in page["Cache-Control"] and "no-store" in page["Cache-Control"]
    assert page["X-Page-Cache"] == "bypass"
    assert django_settings.SESSION_COOKIE_NAME in client.cookies

    # Nobody else gets it, from the cache or freshly rendered.
    for other in (Client(), Client()):
        other_page = other.get(article.get_absolute_url())
        assert ESCAPED not in other_page.text
        assert "Waiting for moderation" not in other_page.text

    # Reloaded: still there, marked, without the thank-you said once.
    again = comments_part(client.get(article.get_absolute_url()).text)
    assert f'id="comment-{comment.pk}"' in again
    assert "Only you can see this comment until a moderator has read it." in again
    assert "It will appear once a moderator has read it." not in again


def test_reader_pages_are_shared_again_once_nothing_waits(
    settings, client, article, comment_data, post_comment, solve_altcha
):
    settings.COMMENTS_PREMODERATION = True
    post_comment(comment_data(altcha=solve_altcha()))
    client.get(article.get_absolute_url())
    Comment.objects.update(status="approved")

    page = client.get(article.get_absolute_url())

    assert "comment-pending" not in page.text
    assert "Très bon article, merci à la rédaction." in page.text
    deleted = page.cookies[django_settings.SESSION_COOKIE_NAME]
    assert deleted.value == "" and deleted["max-age"] == 0
    del client.cookies[django_settings.SESSION_COOKIE_NAME]  # as a browser forgets it
    assert client.get(article.get_absolute_url())["X-Page-Cache"] in {"hit", "miss"}


def test_published_comment_shows_with_the_thank_you_inside_it(
    client, article, comment_data, post_comment, solve_altcha
):
    response = post_comment(comment_data(altcha=solve_altcha()))

    comment = Comment.objects.get()
    html = client.get(response["Location"]).text
    item = html.split(f'id="comment-{comment.pk}"')[1].split("</li>")[0]
    assert "Thank you, your comment is published." in item
    assert "Très bon article, merci à la rédaction." in item
    assert html.count("Thank you, your comment is published.") == 1


def test_low_score_keeps_reader_text_escaped_with_one_message_that_says_what_to_do(
    comment_data, post_comment, refusals
):
    response = post_comment(comment_data(comment=PAYLOAD))

    assert response.status_code == 400
    assert "no-store" in response["Cache-Control"]
    assert response.text.count("Tick the box « I&#x27;m not a robot »") == 1
    assert f"{ESCAPED}</textarea>" in response.text
    assert "<script>alert" not in response.text
    assert not Comment.objects.exists()


def test_missing_proof_of_work_offers_the_question_to_every_browser(
    client, article, comment_data, post_comment
):
    response = post_comment(comment_data())

    form = response.text.split('id="comment-form"')[1]
    assert 'id="id_question_answer"' in form
    assert "<noscript>" not in form.split("id_question_answer")[0].split("comment-captcha")[-1]
    answer, token = question_of(response.text)

    retry = post_comment(comment_data(question_token=token, question_answer=str(answer)))

    assert retry.status_code == 302
    assert Comment.objects.get().status == Comment.Status.PENDING


def test_wrong_answer_says_to_work_out_the_new_sum(
    client, article, comment_data, post_comment, confirmation_step
):
    _, token = question_of(confirmation_step())

    response = post_comment(comment_data(question_token=token, question_answer="999"))

    assert "The answer to the question was not right." in response.text
    assert "Aïcha" in response.text


def test_expired_form_keeps_the_text_and_says_to_send_again(
    comment_data, post_comment, solve_altcha
):
    response = post_comment(
        comment_data(altcha=solve_altcha(), rendered_at="expired", comment="Texte gardé")
    )

    assert response.status_code == 400
    assert "This form has expired." in response.text
    assert "Texte gardé</textarea>" in response.text


def test_failed_csrf_check_gives_the_confirmation_step_with_the_text_and_a_fresh_token(
    article, comment_data, solve_altcha
):
    reader = Client(enforce_csrf_checks=True)
    url = reverse("comments:post", args=[article.slug])

    response = reader.post(url, comment_data(comment=PAYLOAD, csrfmiddlewaretoken="stale"))

    # The page the form came from is shared, so a stale or missing token leads to the
    # confirmation step (never cached): the text kept, escaped, and a token to send it.
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert f"{ESCAPED}</textarea>" in response.text
    assert "<script>alert" not in response.text
    assert not Comment.objects.exists()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.text).group(1)
    sent = reader.post(url, comment_data(altcha=solve_altcha(), csrfmiddlewaretoken=token))
    assert sent.status_code == 302
    assert Comment.objects.count() == 1


def test_other_forms_keep_the_plain_csrf_page(client):
    reader = Client(enforce_csrf_checks=True)

    response = reader.post("/i18n/setlang/", {"language": "fr"})

    assert response.status_code == 403
    assert 'class="error-code">403' in response.text
    assert "comment-form" not in response.text


@pytest.mark.parametrize("recent", [3, 8])
def test_right_answer_on_a_shared_ip_is_held_never_refused(
    settings, client, article, comment_data, post_comment, recent, confirmation_step
):
    settings.COMMENTS_RECENT_POSTS_LIMIT = 3
    CommentFactory.create_batch(recent, article=article, ip_address="127.0.0.1")
    answer, token = question_of(confirmation_step())

    response = post_comment(
        comment_data(
            question_token=token,
            question_answer=str(answer),
            comment="Voir https://a.example et https://b.example et https://c.example",
        )
    )

    assert response.status_code == 302
    comment = Comment.objects.get(status="pending")
    assert comment.score < comment_settings.COMMENTS_REJECT_BELOW
    assert {"code": "recent_posts", "count": recent} in comment.reasons


def test_right_answer_with_the_honeypot_filled_is_still_refused(
    client, article, comment_data, post_comment, confirmation_step
):
    answer, token = question_of(confirmation_step())

    response = post_comment(
        comment_data(question_token=token, question_answer=str(answer), website="x")
    )

    assert response.status_code == 400
    assert not Comment.objects.exists()


def test_too_fast_says_so(article, comment_data, post_comment, solve_altcha):
    response = post_comment(
        comment_data(altcha=solve_altcha(), rendered_at=sign_render_time(article.pk, time.time()))
    )

    assert "The form was sent too quickly after the page opened." in response.text


def test_pending_comment_of_a_long_thread_lands_on_the_last_page(
    settings, client, article, comment_data, post_comment, solve_altcha
):
    settings.COMMENTS_PER_PAGE = 2
    settings.COMMENTS_PREMODERATION = True
    CommentFactory.create_batch(3, article=article)

    response = post_comment(comment_data(altcha=solve_altcha()))

    comment = Comment.objects.get(status="pending")
    assert response["Location"].endswith(f"?commentaires=2#comment-{comment.pk}")
    assert f'id="comment-{comment.pk}"' in client.get(response["Location"]).text
    first_page = client.get(article.get_absolute_url() + "?commentaires=1").text
    assert f'id="comment-{comment.pk}"' not in first_page


def test_blocked_recaptcha_script_offers_the_question(siteverify, comment_data, post_comment):
    response = post_comment(comment_data())

    assert response.status_code == 400
    form = response.text.split('id="comment-form"')[1].split("</form>")[0]
    assert "<noscript>" not in form
    assert 'id="id_question_answer"' in form
    answer, token = question_of(response.text)
    retry = post_comment(comment_data(question_token=token, question_answer=str(answer)))
    assert retry.status_code == 302
    assert Comment.objects.get().status == Comment.Status.PENDING
    assert siteverify.requests == []


def test_readers_without_javascript_are_told_and_then_asked_the_question(
    client, article, confirmation_step
):
    form = client.get(article.get_absolute_url()).text.split('id="comment-form"')[1]
    notice = form.split("<noscript>")[1].split("</noscript>")[0]
    assert "you will be asked to confirm your comment" in notice
    assert 'id="id_question_answer"' not in form  # the shared page holds no question

    step = confirmation_step()
    assert 'id="id_question_answer"' in step


def test_page_with_the_reader_pending_comment_costs_four_queries(
    settings,
    client,
    article,
    comment_data,
    post_comment,
    solve_altcha,
    django_assert_num_queries,
    django_assert_max_num_queries,
):
    settings.COMMENTS_PREMODERATION = True
    post_comment(comment_data(altcha=solve_altcha()))
    client.get(article.get_absolute_url())  # the outcome, shown once, is taken
    CommentFactory.create_batch(20, article=article)

    # Anyone else: the page from the cache, no query. The reader: the session, which of
    # their comments still wait, the ones on this article, the comment list itself.
    other = Client()
    other.get(article.get_absolute_url())
    with django_assert_num_queries(0):
        other.get(article.get_absolute_url())
    with django_assert_max_num_queries(4):
        page = client.get(article.get_absolute_url())
    assert "comment-pending" in page.text
    assert page.text.count('class="comment"') == 20


def test_form_sent_twice_lands_on_the_comment_it_stored(
    settings, client, article, comment_data, post_comment, solve_altcha
):
    settings.COMMENTS_PREMODERATION = True
    data = comment_data(altcha=solve_altcha())
    first = post_comment(data)
    client.get(first["Location"])

    again = post_comment(data)

    comment = Comment.objects.get()
    assert again.status_code == 302
    assert again["Location"] == first["Location"]
    part = comments_part(client.get(again["Location"]).text)
    assert f'id="comment-{comment.pk}"' in part
    assert "Your comment was already received." in part
