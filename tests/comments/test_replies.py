"""Replies: one level, through the same posting pipeline; threads kept together on pages;
the reply page without JavaScript; what moderators see around a held reply."""

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment, TrustedCommenter
from comments.moderation import moderate
from tests.factories import ArticleFactory, CommentFactory
from tests.formparts import answer_question, field

pytestmark = pytest.mark.django_db

NOT_REPLYABLE = "The comment you are replying to is no longer shown"


@pytest.fixture
def thread(article):
    """A published comment with one published reply, both a few minutes old."""
    now = timezone.now()
    top = CommentFactory(article=article, name="Kofi", created_at=now - timedelta(minutes=9))
    reply = CommentFactory(
        article=article,
        name="Awa",
        parent=top,
        reply_to=top,
        body="Je ne suis pas d'accord.",
        created_at=now - timedelta(minutes=5),
    )
    return top, reply


def test_a_reply_goes_through_the_pipeline_and_lands_in_its_thread(
    article, thread, comment_data, post_comment, solve_altcha, client
):
    top, _ = thread
    response = post_comment(
        comment_data(altcha=solve_altcha(), parent=str(top.pk), comment="Merci Kofi.")
    )

    reply = Comment.objects.get(body="Merci Kofi.")
    assert (reply.parent, reply.reply_to, reply.status) == (top, top, "approved")
    assert reply.reasons == [{"code": "pow_solved"}]  # the captcha's verdict, as any comment
    assert response.status_code == 302
    assert response["Location"] == reply.get_absolute_url()
    assert response["Location"].endswith(f"#comment-{reply.pk}")
    page = client.get(response["Location"]).text
    thread_html = page[page.index(f'id="comment-{top.pk}"') :]
    replies = thread_html[thread_html.index('class="comment-replies') :]
    assert "Merci Kofi." in replies and "Je ne suis pas d&#x27;accord." in replies
    assert "3 comments" in page  # the count takes replies in


def test_a_reply_to_a_reply_joins_the_thread_and_names_whom_it_answers(
    article, thread, comment_data, post_comment, solve_altcha, client
):
    top, first_reply = thread
    post_comment(
        comment_data(
            altcha=solve_altcha(), parent=str(first_reply.pk), comment="Awa a raison.", name="Ali"
        )
    )

    reply = Comment.objects.get(body="Awa a raison.")
    assert reply.parent == top and reply.reply_to == first_reply
    html = client.get(article.get_absolute_url()).text
    item = html[html.index(f'id="comment-{reply.pk}"') :]
    assert re.search(r"in reply to <bdi>Awa</bdi>", item[:2000])


@pytest.mark.parametrize(
    "forged",
    ["abc", "1\x00", "\x00", "9" * 30, "99999999999999999", "-1", "1.5", " 1", "١", "0x1"],
)
def test_a_forged_parent_is_a_400_with_the_text_kept_and_nothing_stored(
    article, thread, comment_data, post_comment, solve_altcha, forged
):
    response = post_comment(
        comment_data(altcha=solve_altcha(), parent=forged, comment="Mon texte gardé.")
    )

    assert response.status_code == 400
    assert NOT_REPLYABLE in response.text
    assert "Mon texte gardé." in response.text
    assert not Comment.objects.filter(body="Mon texte gardé.").exists()
    # Shown again without the forged parent: sent again, it is a comment on the article.
    assert 'name="parent" value="' not in response.text or field(response.text, "parent") == ""


@pytest.mark.parametrize("status", ["pending", "rejected", "spam"])
def test_a_reply_to_a_comment_not_published_is_refused(
    article, comment_data, post_comment, solve_altcha, status
):
    hidden = CommentFactory(article=article, status=status)

    response = post_comment(
        comment_data(altcha=solve_altcha(), parent=str(hidden.pk), comment="Réponse.")
    )

    assert response.status_code == 400
    assert NOT_REPLYABLE in response.text and "Réponse." in response.text
    assert Comment.objects.count() == 1


def test_a_reply_into_a_thread_no_longer_published_is_refused(
    article, thread, comment_data, post_comment, solve_altcha
):
    top, first_reply = thread
    Comment.objects.filter(pk=top.pk).update(status=Comment.Status.REJECTED)

    response = post_comment(
        comment_data(altcha=solve_altcha(), parent=str(first_reply.pk), comment="Réponse.")
    )

    assert response.status_code == 400 and NOT_REPLYABLE in response.text


def test_a_reply_to_another_articles_comment_is_refused(
    article, comment_data, post_comment, solve_altcha
):
    elsewhere = CommentFactory(article=ArticleFactory())

    response = post_comment(
        comment_data(altcha=solve_altcha(), parent=str(elsewhere.pk), comment="Réponse.")
    )

    assert response.status_code == 400 and NOT_REPLYABLE in response.text
    assert not Comment.objects.filter(body="Réponse.").exists()


def test_a_reply_without_the_captcha_is_refused_and_keeps_its_parent(
    article, thread, comment_data, post_comment
):
    top, _ = thread
    response = post_comment(comment_data(parent=str(top.pk), comment="Sans captcha."))

    assert response.status_code == 400
    assert "Sans captcha." in response.text
    assert field(response.text, "parent") == str(top.pk)
    assert "Reply to <bdi>Kofi</bdi>" in response.text
    assert not Comment.objects.filter(body="Sans captcha.").exists()


def test_replies_count_against_the_rate_limit(
    settings, article, thread, comment_data, post_comment, solve_altcha
):
    settings.COMMENTS_RATE_LIMIT = 1
    top, _ = thread
    post_comment(comment_data(altcha=solve_altcha(), parent=str(top.pk), comment="Un."))

    response = post_comment(
        comment_data(altcha=solve_altcha(), parent=str(top.pk), comment="Deux.")
    )

    assert response.status_code == 429 and "Retry-After" in response
    assert "Deux." in response.text
    assert not Comment.objects.filter(body="Deux.").exists()


def test_a_held_reply_shows_under_its_thread_to_its_author_only(
    settings, article, thread, comment_data, post_comment, solve_altcha, client
):
    settings.COMMENTS_PREMODERATION = True
    top, _ = thread
    response = post_comment(
        comment_data(altcha=solve_altcha(), parent=str(top.pk), comment="En attente.")
    )

    reply = Comment.objects.get(body="En attente.")
    assert reply.status == "pending" and reply.parent == top
    page = client.get(response["Location"]).text
    replies = page[page.index('class="comment-replies') :]
    assert f'id="comment-{reply.pk}"' in replies[: replies.index("</ol>")]
    assert "Waiting for moderation" in replies
    assert "En attente." not in Client().get(article.get_absolute_url()).text


def test_pages_count_threads_and_keep_each_thread_whole(settings, client, article):
    settings.COMMENTS_PER_PAGE = 2
    now = timezone.now()
    first, second, third = (
        CommentFactory(article=article, body=f"Fil {n}", created_at=now - timedelta(hours=5 - n))
        for n in range(3)
    )
    # The first thread's replies are newer than every thread: still on page 1.
    late = [
        CommentFactory(article=article, parent=first, reply_to=first, body=f"Réponse {n}")
        for n in range(3)
    ]
    on_third = CommentFactory(article=article, parent=third, reply_to=third, body="Sous le 3")

    page_one = client.get(article.get_absolute_url()).text
    page_two = client.get(f"{article.get_absolute_url()}?commentaires=2").text

    assert all(f"Réponse {n}" in page_one for n in range(3))
    assert "Fil 0" in page_one and "Fil 1" in page_one and "Fil 2" not in page_one
    assert "Fil 2" in page_two and "Sous le 3" in page_two and "Réponse 0" not in page_two
    assert "Page 1 of 2" in page_one and "7 comments" in page_one
    assert "commentaires" not in late[2].get_absolute_url()
    assert on_third.get_absolute_url().endswith(f"?commentaires=2#comment-{on_third.pk}")
    # Past the end: the last page of threads, not of comments.
    past = client.get(f"{article.get_absolute_url()}?commentaires=3")
    assert past.status_code == 302 and "commentaires=2" in past["Location"]
    assert second.get_absolute_url().endswith(f"#comment-{second.pk}")


def test_a_reply_whose_thread_was_rejected_is_not_shown(client, article, thread):
    top, reply = thread
    top.status = Comment.Status.REJECTED
    top.save()

    html = client.get(article.get_absolute_url()).text

    assert reply.body.replace("'", "&#x27;") not in html
    assert "0 comments" in html


def test_the_comments_cost_one_query_however_many_replies(client, article):
    def comment_queries():
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(article.get_absolute_url()).status_code == 200
        return sum("comments_comment" in q["sql"] for q in queries)

    CommentFactory(article=article)
    few = comment_queries()
    for top in CommentFactory.create_batch(5, article=article):
        CommentFactory.create_batch(4, article=article, parent=top, reply_to=top)

    assert comment_queries() == few == 1


# The reply page, for readers without JavaScript ------------------------------------


def reply_url(article, comment):
    return reverse("comments:reply", args=[article.slug, comment.pk])


def test_the_reply_page_is_the_readers_own_with_the_form_and_the_thread(client, article, thread):
    top, reply = thread

    response = client.get(reply_url(article, reply))

    assert response.status_code == 200
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    html = response.text
    assert "Reply to <bdi>Awa</bdi>" in html and "Kofi" in html
    assert field(html, "parent") == str(reply.pk)
    assert field(html, "csrfmiddlewaretoken") and field(html, "rendered_at")
    assert 'name="question_token"' in html  # the no-JavaScript question, written in
    assert "newsroom-reply-form" not in html
    assert '<meta name="robots" content="noindex">' in html


def test_a_reader_without_javascript_replies_from_the_reply_page(settings, article, thread):
    settings.COMMENTS_MIN_SUBMIT_SECONDS = 0
    top, reply = thread
    browser = Client(enforce_csrf_checks=True)
    html = browser.get(reply_url(article, reply)).text

    response = browser.post(
        reverse("comments:post", args=[article.slug]),
        {
            "csrfmiddlewaretoken": field(html, "csrfmiddlewaretoken"),
            "rendered_at": field(html, "rendered_at"),
            "parent": field(html, "parent"),
            "name": "Moussa",
            "comment": "Réponse sans JavaScript.",
            "website": "",
            **answer_question(html),
        },
    )

    assert response.status_code == 302
    stored = Comment.objects.get(body="Réponse sans JavaScript.")
    assert stored.parent == top and stored.reply_to == reply
    assert stored.reasons == [{"code": "question_answered"}]


@pytest.mark.parametrize("case", ["pending", "other article", "unknown", "huge"])
def test_the_reply_page_of_a_comment_that_cannot_be_answered_is_a_404(client, article, case):
    target = {
        "pending": lambda: CommentFactory(article=article, status="pending").pk,
        "other article": lambda: CommentFactory().pk,
        "unknown": lambda: 424242,
        "huge": lambda: 10**30,
    }[case]()

    response = client.get(f"/en/article/{article.slug}/commenter/repondre/{target}/")

    assert response.status_code == 404


def test_the_reply_page_is_a_404_once_comments_are_closed(client, thread):
    top, _ = thread
    top.article.comments_open = False
    top.article.save()

    assert client.get(reply_url(top.article, top)).status_code == 404


def test_reply_links_are_on_the_shared_page_and_gone_when_comments_close(client, article, thread):
    top, reply = thread
    html = client.get(article.get_absolute_url()).text
    assert f'href="{reply_url(article, top)}"' in html
    assert f'href="{reply_url(article, reply)}"' in html
    assert "comments-reply.js" in html

    article.comments_open = False
    article.save()
    html = client.get(article.get_absolute_url()).text
    assert "comment-reply-link" not in html


# Moderators -----------------------------------------------------------------------


def test_the_admin_page_of_a_held_reply_shows_its_thread(client, moderator, article, thread):
    top, first = thread
    held = CommentFactory(
        article=article, parent=top, reply_to=first, status="pending", body="Réponse retenue"
    )
    client.force_login(moderator)

    html = client.get(reverse("admin:comments_comment_change", args=[held.pk])).text

    conversation = html[html.index('class="comment-thread"') :]
    conversation = conversation[: conversation.index("</ol>")]
    assert "Kofi" in conversation and "Awa" in conversation and "Réponse retenue" in conversation
    assert 'class="comment-thread-this"' in conversation
    assert "Waiting for moderation" in conversation and "Published" in conversation


def test_the_queue_says_what_a_reply_answers(client, moderator, article, thread):
    top, reply = thread
    client.force_login(moderator)

    html = client.get(reverse("admin:comments_comment_changelist")).text

    assert "Reply to Kofi: «" in html


def test_the_queue_names_the_reply_a_held_reply_answers(client, moderator, article, thread):
    top, first = thread
    CommentFactory(article=article, parent=top, reply_to=first, status="pending", body="Faux !")
    client.force_login(moderator)

    html = client.get(reverse("admin:comments_comment_changelist")).text

    text = html.index('<span class="comment-queue-text">Faux !')
    cell = html[html.rindex('<span class="comment-queue-author">', 0, text) : text]
    assert "Reply to Awa: « Je ne suis pas d&#x27;accord. »" in cell
    assert "Reply to Kofi" not in cell


def test_the_queue_costs_the_same_with_replies(client, moderator):
    client.force_login(moderator)

    def counted():
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("admin:comments_comment_changelist")).status_code == 200
        return len(queries)

    tops = [CommentFactory(article=ArticleFactory()) for _ in range(3)]
    small = counted()
    for top in tops:
        CommentFactory.create_batch(3, article=top.article, parent=top, status="pending")
    assert counted() == small


def test_the_moderators_email_about_a_held_reply_names_the_comment_it_answers(
    settings, article, thread, comment_data, post_comment, solve_altcha, mailoutbox, moderator
):
    settings.COMMENTS_PREMODERATION = True
    top, _ = thread
    post_comment(comment_data(altcha=solve_altcha(), parent=str(top.pk), comment="Retenue."))

    reply = Comment.objects.get(body="Retenue.")
    (mail,) = mailoutbox
    # In the site's language (French), with the reply's admin page, which shows the thread.
    assert "répond à Kofi" in mail.body
    assert f"/admin/comments/comment/{reply.pk}/change/" in mail.body


def test_the_moderators_email_about_a_reply_to_a_reply_names_that_reply(
    settings, article, thread, comment_data, post_comment, solve_altcha, mailoutbox, moderator
):
    settings.COMMENTS_PREMODERATION = True
    _, first = thread
    post_comment(comment_data(altcha=solve_altcha(), parent=str(first.pk), comment="Retenue."))

    (mail,) = mailoutbox
    assert "répond à Awa" in mail.body and "Je ne suis pas d'accord." in mail.body
    assert "Kofi" not in mail.body


def test_the_reply_page_shows_the_regular_readers_mark_on_every_comment_of_the_thread(
    client, article
):
    record = TrustedCommenter.objects.create(key_digest="0" * 64, approved_at=timezone.now())
    top = CommentFactory(article=article, name="Kofi", trusted_commenter=record)
    CommentFactory(article=article, parent=top, reply_to=top, trusted_commenter=record)

    with CaptureQueriesContext(connection) as queries:
        html = client.get(reply_url(article, top)).text

    thread = html[html.index(f'id="comment-{top.pk}"') : html.index('class="comment-replies')]
    assert '<span class="comment-trusted">Regular reader</span>' in thread
    assert html.count('<span class="comment-trusted">Regular reader</span>') == 2
    assert len(queries) <= 5  # the comment answered, then its thread in one query


def test_the_reply_page_answers_head_as_get_and_refuses_a_post(client, article, thread):
    top, _ = thread

    assert client.head(reply_url(article, top)).status_code == 200
    assert client.post(reply_url(article, top)).status_code == 405


@pytest.mark.parametrize("decision", ["spam", "rejected"])
def test_a_name_a_moderator_took_down_is_not_shown_through_the_replies_to_it(
    client, article, thread, moderator, decision
):
    top, _ = thread
    spam = CommentFactory(article=article, parent=top, reply_to=top, name="CASINO-BONUS.example")
    answer = CommentFactory(article=article, parent=top, reply_to=spam, body="Non merci.")
    reader = Client()
    assert (
        "in reply to <bdi>CASINO-BONUS.example</bdi>" in reader.get(article.get_absolute_url()).text
    )

    moderate(Comment.objects.filter(pk=spam.pk), decision, moderator)

    for url in (article.get_absolute_url(), reply_url(article, answer)):
        html = reader.get(url).text
        assert "Non merci." in html and "CASINO" not in html, url


def test_the_confirmation_step_of_a_reply_says_whom_it_answers(article, thread, confirmation_step):
    top, reply = thread

    html = confirmation_step(parent=str(reply.pk), comment="Réponse à confirmer.")

    assert "Reply to <bdi>Awa</bdi>" in html
    assert field(html, "parent") == str(reply.pk)
