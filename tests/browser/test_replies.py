"""Replies on a 390 px phone: a reader replies with JavaScript (the form opens in place)
and without it (the reply page); a moderator replies in the newsroom's name, and a
reader who types « Rédaction » as a name gets no mark."""

import re
from datetime import timedelta

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.utils import timezone, translation
from playwright.sync_api import expect

from articles.newsroom import roles
from articles.newsroom.roles import MODERATORS
from comments.models import Comment
from tests.factories import ArticleFactory, CommentFactory, UserFactory

from .conftest import PHONE

pytestmark = pytest.mark.django_db(transaction=True)


def conversation():
    """An article with a published comment by Kofi, and its English address."""
    article = ArticleFactory()
    top = CommentFactory(
        article=article,
        name="Kofi",
        body="Quand aura lieu le vote ?",
        created_at=timezone.now() - timedelta(minutes=10),
    )
    with translation.override("en"):
        return article, top, article.get_absolute_url()


def solve_captcha(page):
    page.locator("altcha-widget").get_by_text("I'm not a robot", exact=True).click()
    page.wait_for_function("() => document.querySelector('input[name=altcha]')?.value")


def test_a_reader_replies_in_place_with_javascript(page, cheap_captcha, artifacts):
    article, top, url = conversation()

    page.goto(url)
    thread = page.locator(f"#comment-{top.pk}")
    thread.get_by_role("link", name="Reply to Kofi").click()
    # The form opened under Kofi's comment, saying whom it answers.
    form = thread.locator("#comment-form")
    expect(form).to_be_visible()
    expect(form.locator(".comment-replying")).to_contain_text("Kofi")
    expect(page.locator("#id_comment")).to_be_focused()
    page.locator("#id_name").fill("Awa")
    page.locator("#id_comment").fill("Le 12 mars, je crois.")
    solve_captcha(page)
    page.screenshot(path=artifacts / "reply-form-in-place.png")
    page.get_by_role("button", name="Post the comment").click()

    replies = page.locator(f"#comment-{top.pk} .comment-replies")
    expect(replies).to_contain_text("Le 12 mars, je crois.")
    expect(page.get_by_text("Thank you, your comment is published.")).to_be_visible()
    reply = Comment.objects.get(body="Le 12 mars, je crois.")
    assert reply.parent_id == top.pk and reply.status == Comment.Status.APPROVED
    expect(page.locator(f"#comment-{reply.pk}")).to_be_in_viewport()
    page.screenshot(path=artifacts / "reply-published.png")


def test_a_reader_replies_without_javascript(chromium, live_server, cheap_captcha, artifacts):
    article, top, url = conversation()
    context = chromium.new_context(
        viewport=PHONE, base_url=live_server.url, locale="en", java_script_enabled=False
    )
    page = context.new_page()
    page.set_default_timeout(10_000)

    page.goto(url)
    page.locator(f"#comment-{top.pk}").get_by_role("link", name="Reply to Kofi").click()
    expect(page.get_by_role("heading", name="Reply to Kofi", level=1)).to_be_visible()
    expect(page.locator(f"#comment-{top.pk}")).to_contain_text("Quand aura lieu le vote ?")
    page.locator("#id_name").fill("Moussa")
    page.locator("#id_comment").fill("Réponse sans JavaScript.")
    label = page.locator("label[for=id_question_answer]").inner_text()
    a, b = (int(n) for n in re.findall(r"\d+", label))
    page.locator("#id_question_answer").fill(str(a + b))
    page.screenshot(path=artifacts / "reply-page-no-js.png", full_page=True)
    page.get_by_role("button", name="Post the reply").click()

    replies = page.locator(f"#comment-{top.pk} .comment-replies")
    expect(replies).to_contain_text("Réponse sans JavaScript.")
    reply = Comment.objects.get(body="Réponse sans JavaScript.")
    assert reply.parent_id == top.pk
    context.close()


def test_a_newsroom_reply_has_a_mark_a_typed_name_cannot_get(
    page, chromium, live_server, cheap_captcha, artifacts
):
    article, top, url = conversation()
    roles.sync_roles(apps)  # a transactional test before this one may have flushed them
    moderator = UserFactory(username="moderatrice", first_name="Fatou", is_staff=True)
    moderator.groups.add(Group.objects.get(name=MODERATORS))

    # The moderator, logged in, answers from the article page on a phone.
    staff = chromium.new_context(viewport=PHONE, base_url=live_server.url, locale="en")
    desk = staff.new_page()
    desk.set_default_timeout(10_000)
    desk.goto("/en/admin/login/")
    desk.get_by_label("Username").fill("moderatrice")
    desk.get_by_label("Password").fill("correct horse battery staple")
    desk.get_by_role("button", name="Log in").click()
    expect(
        desk.get_by_role("link", name="Log out").or_(desk.locator("#logout-form"))
    ).to_have_count(1)
    desk.goto(url)
    desk.locator(f"#comment-{top.pk}").get_by_role("link", name="Reply to Kofi").click()
    newsroom_form = desk.locator("#newsroom-reply-form")
    expect(newsroom_form).to_be_visible()
    newsroom_form.get_by_label("Reply").fill("Le vote aura lieu le 12 mars.")
    newsroom_form.get_by_role("button", name="Publish the newsroom reply").click()
    expect(desk.locator(".comment-newsroom")).to_contain_text("Le vote aura lieu le 12 mars.")
    staff.close()
    reply = Comment.objects.get(newsroom=True)
    assert reply.newsroom_author == moderator and reply.parent == top

    # A reader sees the mark; typing the newsroom's name does not give it.
    page.goto(url)
    official = page.locator(f"#comment-{reply.pk}")
    expect(official.locator(".comment-newsroom-mark")).to_have_text("Newsroom")
    official.scroll_into_view_if_needed()
    page.screenshot(path=artifacts / "newsroom-reply.png")
    official.get_by_role("link", name=re.compile("^Reply to")).click()
    page.locator("#id_name").fill("Rédaction")
    page.locator("#id_comment").fill("Le vote est annulé.")
    solve_captcha(page)
    page.get_by_role("button", name="Post the comment").click()

    expect(page.get_by_text("This name is kept for the newsroom")).to_be_visible()
    expect(page.locator("#id_comment")).to_have_value("Le vote est annulé.")
    page.screenshot(path=artifacts / "newsroom-name-refused.png")
    page.goto(url)
    expect(page.locator(".comment-newsroom-mark")).to_have_count(1)
    expect(page.locator("#comments")).not_to_contain_text("Le vote est annulé.")
    assert not Comment.objects.filter(body="Le vote est annulé.").exists()
