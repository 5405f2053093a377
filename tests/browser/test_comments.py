"""A reader posts through the ALTCHA widget in Chromium; a moderator publishes it in admin."""

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.utils import translation

from articles.newsroom import roles
from articles.newsroom.roles import MODERATORS
from comments.models import Comment
from tests.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

PAYLOAD_NAME = '<img src=x onerror="alert(1)">Mallory'
PAYLOAD_TEXT = "<script>alert('pwned')</script>\nSecond line with <b>bold</b>"


def test_reader_posts_moderator_approves_reader_sees_it(
    page, cheap_captcha, chromium, live_server, artifacts
):
    console = []
    page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
    article = ArticleFactory(comments_premoderated=True)
    with translation.override("en"):
        url = article.get_absolute_url()

    page.goto(url)
    page.locator("#id_name").fill(PAYLOAD_NAME)
    page.locator("#id_comment").fill(PAYLOAD_TEXT)
    page.locator("altcha-widget").get_by_text("I'm not a robot", exact=True).click()
    # The widget puts the solved payload in a hidden "altcha" input of the form.
    page.wait_for_function("() => document.querySelector('input[name=altcha]')?.value")
    page.screenshot(path=artifacts / "comment-form-verified.png")
    page.get_by_role("button", name="Post the comment").click()

    page.get_by_text("It will appear once a moderator has read it.").wait_for()
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PENDING
    assert comment.reasons == [{"code": "pow_solved"}]
    # Shown to its author only, marked as waiting.
    mine = page.locator(f"#comment-{comment.pk}.comment-pending")
    assert "Waiting for moderation" in mine.inner_text()
    reader_two = chromium.new_context(base_url=live_server.url, locale="en")
    other = reader_two.new_page()
    other.goto(url)
    assert "Mallory" not in other.locator("#comments").inner_text()
    reader_two.close()

    roles.sync_roles(apps)  # a transactional test before this one may have flushed them
    moderator = UserFactory(username="moderatrice", is_staff=True)
    moderator.groups.add(Group.objects.get(name=MODERATORS))
    admin = chromium.new_context(base_url=live_server.url, locale="en")
    admin_page = admin.new_page()
    admin_page.goto("/en/admin/login/")
    admin_page.get_by_label("Username").fill("moderatrice")
    admin_page.get_by_label("Password").fill("correct horse battery staple")
    admin_page.get_by_role("button", name="Log in").click()
    admin_page.get_by_text("1 comment waiting for moderation").click()
    admin_page.locator("input[name=_selected_action]").first.check()
    admin_page.locator("select[name=action]").select_option("approve")
    admin_page.get_by_role("button", name="Run").click()
    admin_page.get_by_text("1 comment published.").wait_for()
    admin.close()

    page.goto(url)
    shown = page.locator(f"#comment-{comment.pk}")
    assert PAYLOAD_NAME in shown.locator(".comment-author").inner_text()
    assert shown.locator(".comment-body").inner_text() == PAYLOAD_TEXT
    assert shown.locator("script, img, b").count() == 0
    shown.scroll_into_view_if_needed()
    page.screenshot(path=artifacts / "comment-published.png")
    assert page.dialogs == []
    assert not [line for line in console if "Content Security Policy" in line]
