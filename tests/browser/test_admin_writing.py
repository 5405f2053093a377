"""The article form's small aids and the admin's accessibility, in Chromium at 1280 px:
word count and reading time while typing, a title box that fits a headline, the editor
in French, and no axe-core violation on the article, image and comment forms."""

import re
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from articles.newsroom import roles
from tests.factories import ArticleFactory, AuthorFactory, CommentFactory, ImageFactory, UserFactory

from .csp import violations
from .test_newsroom import PASSWORD, log_in

pytestmark = pytest.mark.django_db(transaction=True)

AXE = (Path(__file__).parent / "vendor/axe-core/axe.min.js").read_text()
# Every rule axe runs by default (WCAG 2.x A and AA, best practices), every impact.
RUN_AXE = """async () => {
  const results = await axe.run(document);
  return results.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ")),
  }));
}"""


@pytest.fixture
def staff(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    roles.sync_roles(apps)  # a transactional test flushes what the migrations made
    people = {}
    for username, group in [("chef", roles.EDITORS), ("modo", roles.MODERATORS)]:
        people[username] = UserFactory(username=username, is_staff=True, password=PASSWORD)
        people[username].groups.add(Group.objects.get(name=group))
    return people


def open_article_form(page, path="/admin/articles/article/add/"):
    page.goto(path)
    page.locator(".ProseMirror[contenteditable]").wait_for()
    page.locator("#id_body_count").wait_for()


def test_word_count_and_reading_time_follow_the_typing(desk, staff, artifacts):
    page = desk
    log_in(page, "chef")
    open_article_form(page)
    count = page.locator("#id_body_count")
    assert count.get_attribute("aria-live") == "polite"
    assert count.inner_text() == "0 mot · rien à lire pour l’instant"

    page.click(".ProseMirror[contenteditable]")
    page.keyboard.type("Les députés ont adopté l’essentiel du texte")
    expect(count).to_have_text("7 mots · environ 1 minute de lecture")

    # 231 words at 230 words a minute: two minutes, rounded up.
    page.keyboard.press("Enter")
    page.keyboard.insert_text(" ".join(["mot"] * 224))
    expect(count).to_have_text("231 mots · environ 2 minutes de lecture")
    page.screenshot(path=str(artifacts / "admin-word-count.png"))
    assert violations(page) == []


def test_the_editor_speaks_french(desk, staff):
    page = desk
    log_in(page, "chef")
    open_article_form(page)
    toolbar = page.locator(".prose-editor").first
    for name in ["Gras", "Italique", "Insérer un lien", "Liste à puces"]:
        assert toolbar.locator(f"[title='{name}']").count() >= 1, name
    titles = toolbar.evaluate(
        "(root) => [...root.querySelectorAll('[title]')].map((node) => node.title)"
    )
    assert not {"bold", "insert link", "heading 2", "paragraph"} & set(titles)
    menu = toolbar.evaluate("(root) => root.textContent")
    assert "Titre 2" in menu and "Paragraphe" in menu
    assert not re.search(r"\b(Heading|Paragraph)\b", menu)

    # The link dialog: its own catalogue (django-prose-editor's French).
    page.click(".ProseMirror[contenteditable]")
    page.keyboard.type("Le communiqué")
    page.keyboard.press("Control+A")
    page.click("[title='Insérer un lien']")
    dialog = page.locator("dialog[open]")
    dialog.wait_for()
    text = dialog.inner_text()
    assert "Modifier le lien" in text and "Mettre à jour" in text and "Annuler" in text
    assert not re.search(r"\b(Edit Link|Update|Cancel)\b", text)


def test_the_title_box_fits_a_headline(desk, staff):
    page = desk
    log_in(page, "chef")
    open_article_form(page)
    box = page.locator("#id_title").bounding_box()
    assert box["width"] >= 600
    font_size = page.locator("#id_title").evaluate("(node) => getComputedStyle(node).fontSize")
    assert float(font_size.removesuffix("px")) >= 20


def axe_violations(page, path, ready=".submit-row"):
    page.goto(path)
    page.locator(ready).first.wait_for()
    # Let select2 and the editor set themselves up before the audit.
    page.wait_for_load_state("networkidle")
    page.evaluate(AXE)
    return page.evaluate(RUN_AXE)


def test_admin_forms_have_no_axe_violation(desk, staff, artifacts):
    page = desk
    # Pickers with and without a choice: sections, photos, authors, related articles.
    article = ArticleFactory(
        title="Le budget adopté",
        status="draft",
        published_at=None,
        authors=[AuthorFactory(name="Awa Diallo"), AuthorFactory(name="Koffi Mensah")],
        tags=["budget", "assemblée"],
    )
    article.related_articles.add(ArticleFactory(title="Le budget en commission"))
    image = ImageFactory(alt_text="L’hémicycle pendant le vote", credit="AFP")
    comment = CommentFactory(article=article)
    found = {}

    log_in(page, "chef")
    for name, path in {
        "article add": "/admin/articles/article/add/",
        "article change": f"/admin/articles/article/{article.pk}/change/",
        "image add": "/admin/articles/image/add/",
        "image change": f"/admin/articles/image/{image.pk}/change/",
    }.items():
        found[name] = axe_violations(page, path)
        if name.startswith("article"):
            page.screenshot(path=str(artifacts / f"admin-{name.replace(' ', '-')}.png"))
    page.context.clear_cookies()

    log_in(page, "modo")
    path = f"/admin/comments/comment/{comment.pk}/change/"
    found["comment change (moderator)"] = axe_violations(page, path)

    assert {name: v for name, v in found.items() if v} == {}
    assert violations(page) == []
