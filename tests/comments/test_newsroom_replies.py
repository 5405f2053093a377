"""Newsroom replies: staff with the permission answer from the admin or the reply page;
the « Newsroom » mark comes from a stored flag that no reader's form can set."""

import pytest
from django.contrib.admin.models import ADDITION, LogEntry
from django.test import Client
from django.urls import reverse

from comments.models import Comment
from tests.factories import CommentFactory, UserFactory

pytestmark = pytest.mark.django_db

MARK = '<span class="comment-newsroom-mark">Newsroom</span>'
RESERVED = "This name is kept for the newsroom"


@pytest.fixture
def question(article):
    return CommentFactory(article=article, name="Kofi", body="Quand aura lieu le vote ?")


def newsroom_reply_url(comment):
    return reverse("admin:comments_comment_newsroom_reply", args=[comment.pk])


def test_a_moderator_replies_from_the_admin_published_at_once_and_recorded(
    client, moderator, article, question
):
    client.force_login(moderator)
    form = client.get(newsroom_reply_url(question))
    assert form.status_code == 200 and "Quand aura lieu le vote ?" in form.text

    response = client.post(
        newsroom_reply_url(question), {"name": "La rédaction", "body": "Le 12 mars."}
    )

    reply = Comment.objects.get(newsroom=True)
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:comments_comment_change", args=[reply.pk])
    assert (reply.parent, reply.reply_to, reply.status) == (question, question, "approved")
    assert reply.newsroom_author == moderator and reply.moderated_by == moderator
    assert reply.moderated_at == reply.created_at
    assert reply.ip_address is None
    entry = LogEntry.objects.get(object_id=str(reply.pk))
    assert entry.user == moderator and entry.action_flag == ADDITION
    html = Client().get(article.get_absolute_url()).text
    item = html[html.index(f'id="comment-{reply.pk}"') :][:1500]
    assert MARK in item and "Le 12 mars." in item
    assert "comment-newsroom" in html[html.index(f'id="comment-{reply.pk}"') - 60 :][:100]


def test_the_comment_admin_page_offers_the_newsroom_reply(client, moderator, question):
    client.force_login(moderator)

    html = client.get(reverse("admin:comments_comment_change", args=[question.pk])).text

    assert f'href="{newsroom_reply_url(question)}"' in html
    assert "Reply in the newsroom&#x27;s name" in html or "Reply in the newsroom's name" in html


def test_a_newsroom_reply_from_the_reply_page_lands_on_the_article(
    client, moderator, article, question
):
    client.force_login(moderator)
    page = client.get(reverse("comments:reply", args=[article.slug, question.pk]))
    assert "newsroom-reply-form" in page.text
    assert "private" in page["Cache-Control"]

    response = client.post(
        newsroom_reply_url(question), {"name": "Rédaction", "body": "Merci.", "next": "page"}
    )

    reply = Comment.objects.get(newsroom=True)
    assert response["Location"] == reply.get_absolute_url()


def test_the_staff_form_never_reaches_the_shared_article_page(client, moderator, article, question):
    client.force_login(moderator)
    own = client.get(article.get_absolute_url()).text  # rendered for the moderator
    shared = Client().get(article.get_absolute_url()).text

    for html in (own, shared):
        assert "newsroom-reply-form" not in html
        assert newsroom_reply_url(question) not in html
    # The moderator's « Reply » leads to the reply page (its form has the newsroom's);
    # the shared page, rendered after the moderator's, says nothing of staff.
    assert "data-newsroom-staff" in own and "data-newsroom-staff" not in shared
    assert (
        "newsroom-reply-form"
        not in Client().get(reverse("comments:reply", args=[article.slug, question.pk])).text
    )


@pytest.mark.parametrize("who", ["anonymous", "editor without the permission"])
def test_only_staff_with_the_permission_may_reply(client, question, who):
    if who != "anonymous":
        client.force_login(UserFactory(username="redacteur", is_staff=True))

    response = client.post(newsroom_reply_url(question), {"name": "Rédaction", "body": "Faux."})

    assert response.status_code in (302, 403)
    if who == "anonymous":
        assert "/admin/login/" in response["Location"]
    else:
        assert response.status_code == 403
    assert not Comment.objects.filter(newsroom=True).exists()


def test_the_newsroom_reply_checks_csrf(moderator, question):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(moderator)

    response = browser.post(newsroom_reply_url(question), {"name": "Rédaction", "body": "Hop."})

    assert response.status_code == 403
    assert not Comment.objects.filter(newsroom=True).exists()


@pytest.mark.parametrize("status", ["pending", "rejected"])
def test_a_newsroom_reply_to_a_comment_not_published_is_a_400_with_the_text_kept(
    client, moderator, article, status
):
    held = CommentFactory(article=article, status=status)
    client.force_login(moderator)

    response = client.post(newsroom_reply_url(held), {"name": "Rédaction", "body": "Gardé ici."})

    assert response.status_code == 400
    assert "Only a published comment can be answered" in response.text
    assert "Gardé ici." in response.text
    assert not Comment.objects.filter(newsroom=True).exists()


def test_an_empty_newsroom_reply_is_a_400(client, moderator, question):
    client.force_login(moderator)

    response = client.post(newsroom_reply_url(question), {"name": "Rédaction", "body": "  "})

    assert response.status_code == 400 and "This field is required." in response.text
    assert not Comment.objects.filter(newsroom=True).exists()


def test_a_newsroom_reply_to_a_reply_joins_its_thread(client, moderator, article, question):
    reader_reply = CommentFactory(article=article, parent=question, reply_to=question, name="Awa")
    client.force_login(moderator)

    client.post(newsroom_reply_url(reader_reply), {"name": "Rédaction", "body": "Oui."})

    reply = Comment.objects.get(newsroom=True)
    assert reply.parent == question and reply.reply_to == reader_reply


@pytest.mark.parametrize(
    "name",
    [
        "Rédaction",
        "La rédaction",
        "REDACTION ✓",
        "Ré\u200bdaction",
        "Rеdaсtion",
        "Newsroom",
        # Small capitals, a dotless i, a Greek capital nu: lookalikes read by sound too.
        "ʀédaction",
        "Rédactıon",
        "REDACTIOΝ",
        "ɴᴇᴡsʀᴏᴏᴍ",
    ],
)
def test_a_reader_typing_the_newsrooms_name_is_refused_and_gets_no_mark(
    article, question, comment_data, post_comment, solve_altcha, name
):
    response = post_comment(
        comment_data(altcha=solve_altcha(), name=name, parent=str(question.pk), comment="Faux.")
    )

    assert response.status_code == 400
    assert RESERVED in response.text and "Faux." in response.text
    assert not Comment.objects.filter(body="Faux.").exists()


def test_no_field_a_reader_sends_sets_the_mark(
    client, article, question, comment_data, post_comment, solve_altcha
):
    post_comment(
        comment_data(
            altcha=solve_altcha(),
            name="Aïcha",
            comment="Je tente.",
            newsroom="on",
            newsroom_author="1",
            parent=str(question.pk),
        )
    )

    stored = Comment.objects.get(body="Je tente.")
    assert stored.newsroom is False and stored.newsroom_author is None
    assert MARK not in client.get(article.get_absolute_url()).text


def test_a_name_stored_as_redaction_by_a_moderators_edit_still_has_no_mark(client, article):
    # Even a name that got through (an old comment, a moderator's edit) is only a name.
    CommentFactory(article=article, name="Rédaction", body="Ancien.")

    assert MARK not in client.get(article.get_absolute_url()).text


def test_a_name_reordered_by_bidi_controls_is_stored_and_shown_as_typed(
    client, article, question, comment_data, post_comment, solve_altcha
):
    # « \u202e » (RIGHT-TO-LEFT OVERRIDE) would draw « noitcadéR » as « Rédaction ».
    names = ["\u202enoitcadéR", "Réda\u202enoitc\u202c", "\u2067noitcadéR\u2069"]
    for number, name in enumerate(names):
        post_comment(
            comment_data(
                altcha=solve_altcha(), name=name, parent=str(question.pk), comment=f"Essai {number}"
            )
        )
    stored = list(Comment.objects.filter(parent=question).values_list("name", flat=True))

    assert stored == ["noitcadéR", "Rédanoitc", "noitcadéR"]
    html = client.get(article.get_absolute_url()).text
    assert "\u202e" not in html and "\u2067" not in html


def test_a_name_made_only_of_bidi_controls_is_a_name_missing(
    article, comment_data, post_comment, solve_altcha
):
    response = post_comment(
        comment_data(altcha=solve_altcha(), name="\u202e\u202c", comment="Sans nom.")
    )

    assert response.status_code == 400
    assert "This field is required." in response.text and "Sans nom." in response.text
