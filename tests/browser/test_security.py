"""In Chromium: the CSP breaks nothing (ALTCHA widget, admin rich-text editor) and is
never violated; a sample of 50 XSS payloads, everywhere readers see them, runs nothing."""

from urllib.parse import urlencode

import pytest
from django.contrib.auth import get_user_model
from django.utils import translation

from comments.models import Comment
from tests.factories import ArticleFactory, CommentFactory, ImageFactory
from tests.security.xss_payloads import PAYLOADS

from .csp import violations, watch

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "correct horse battery staple"


def test_public_pages_and_the_captcha_widget_work_under_the_csp(page, cheap_captcha):
    watch(page)
    article = ArticleFactory(hero_image=ImageFactory())
    CommentFactory(article=article)
    with translation.override("en"):
        url = article.get_absolute_url()
    for path in ("/", article.section.get_absolute_url(), "/nulle-part/"):
        page.goto(path)
    page.goto(url)
    page.locator("#id_name").fill("Aïcha")
    page.locator("#id_comment").fill("Merci pour cet article.")
    page.locator("altcha-widget").get_by_text("I'm not a robot", exact=True).click()
    # The widget's worker solved the proof of work: the CSP let it run.
    page.wait_for_function("() => document.querySelector('input[name=altcha]')?.value")
    page.get_by_role("button", name="Post the comment").click()
    page.get_by_text("Thank you, your comment").wait_for()
    assert Comment.objects.filter(body="Merci pour cet article.").exists()
    assert violations(page) == []
    assert page.dialogs == []


def test_admin_rich_text_editor_works_under_the_csp(page):
    get_user_model().objects.create_superuser("chef", "chef@example.test", PASSWORD)
    watch(page)
    page.goto("/en/admin/login/")
    page.fill("#id_username", "chef")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto("/en/admin/articles/article/add/")
    editor = page.locator(".ProseMirror >> visible=true").first
    editor.click()
    page.keyboard.type("Le texte de l’article.")
    assert "Le texte de l’article." in editor.inner_text()
    assert violations(page) == []


def test_fifty_payloads_run_nothing_in_the_browser(page):
    sample = [payload for payload in PAYLOADS if "\x00" not in payload][::8][:50]
    assert len(sample) == 50
    image = ImageFactory(alt_text=sample[0][:250], caption=sample[1][:300], credit=sample[2][:120])
    article = ArticleFactory(
        hero_image=image,
        body="".join(f"<p>{payload}</p>" for payload in sample),
        tags=[payload[:100] for payload in sample[:10]],
    )
    Comment.objects.bulk_create(
        Comment(
            article=article,
            name=payload[:80],
            body=payload,
            status=Comment.Status.APPROVED,
        )
        for payload in sample
    )
    watch(page)
    page.goto(article.get_absolute_url())
    # Give anything that would run a chance: focus, hover and click what the page shows.
    for selector in (".comment-body", ".article-body p", ".comment-author"):
        for element in page.locator(selector).all()[:20]:
            element.dispatch_event("mouseover")
            element.dispatch_event("click")
    for link in page.locator(".article-body a, .comment-body a").all()[:20]:
        link.focus()
    page.wait_for_load_state("networkidle")
    assert page.dialogs == []
    assert page.evaluate("() => window.__xss") is None
    assert page.locator("#comments .comment").count() == 50
    # The search page echoes what it was asked: 50 payloads in one query.
    page.goto("/recherche/?" + urlencode({"q": " ".join(sample)}))
    page.wait_for_load_state("networkidle")
    assert page.dialogs == []
    assert page.evaluate("() => window.__xss") is None
    # What the CSP blocked would have been a script that got through: there is none.
    assert violations(page) == []
