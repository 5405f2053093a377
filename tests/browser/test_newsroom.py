"""The newsroom end to end in Chromium: a journalist writes, an editor publishes."""

import pytest
from django.apps import apps
from django.contrib.auth.models import Group

from articles.models import Article
from articles.newsroom import roles
from tests.factories import SectionFactory, UserFactory, png_bytes

from .csp import violations

PASSWORD = "correct horse battery staple"


@pytest.fixture
def newsroom(transactional_db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    roles.sync_roles(apps)  # a transactional test flushes what the migrations made
    journalist = UserFactory(username="awa", is_staff=True, password=PASSWORD)
    journalist.groups.add(Group.objects.get(name=roles.JOURNALISTS))
    editor = UserFactory(username="chef", is_staff=True, password=PASSWORD)
    editor.groups.add(Group.objects.get(name=roles.EDITORS))
    section = SectionFactory(name="Économie", slug="economie")
    return journalist, editor, section


def log_in(page, username):
    page.goto("/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")


def pick(page, field, text):
    """Choose `text` in an admin autocomplete (select2) field."""
    page.click(f".field-{field} .select2-selection")
    page.fill(".select2-container--open .select2-search__field", text)
    page.click(f".select2-results__option:has-text('{text}')")


def test_journalist_writes_editor_publishes(desk, newsroom, tmp_path, artifacts):
    page = desk
    photo = tmp_path / "marche.png"
    photo.write_bytes(png_bytes(1200, 800))

    # The journalist uploads a photo, with its alternative text and credit.
    log_in(page, "awa")
    page.goto("/admin/articles/image/add/")
    page.set_input_files("#id_file", str(photo))
    page.fill("#id_alt_text", "Le marché Dantokpa au petit matin")
    page.fill("#id_credit", "Rédaction")
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist .success")

    # … writes the article in the rich-text editor, with tags, and submits it.
    page.goto("/admin/articles/article/add/")
    page.locator("#id_title").press_sequentially("Le port de Cotonou bat un record")
    assert page.input_value("#id_slug") == "le-port-de-cotonou-bat-un-record"
    page.fill("#id_standfirst", "Le trafic a progressé de 12 % en un an.")
    page.click(".field-body .ProseMirror[contenteditable=true] >> visible=true")
    page.keyboard.type("Le port autonome a accueilli plus de navires que jamais.")
    pick(page, "section", "Économie")
    page.fill("#id_tags", "port, économie")
    pick(page, "hero_image", "Le marché Dantokpa")
    artifacts.joinpath("newsroom-journalist-article.png").write_bytes(
        page.screenshot(full_page=True)
    )
    page.click("input[name=_submit_review]")
    page.wait_for_selector(".messagelist .success")
    assert "a été transmis aux éditeurs" in page.inner_text(".messagelist")

    article = Article.objects.get(title="Le port de Cotonou bat un record")
    assert article.status == Article.Status.IN_REVIEW
    assert article.body == "<p>Le port autonome a accueilli plus de navires que jamais.</p>"
    assert {t.name for t in article.tags.all()} == {"économie", "port"}

    # The editor publishes it from the list.
    page.context.clear_cookies()
    log_in(page, "chef")
    page.goto("/admin/articles/article/?status__exact=review")
    page.check(f"input[name=_selected_action][value='{article.pk}']")
    page.select_option("select[name=action]", "publish")
    page.click("button[name=index]")
    page.wait_for_selector(".messagelist .success")
    assert "1 article" in page.inner_text(".messagelist .success")
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED

    # Readers see it on the home page and in its section.
    page.goto("/")
    assert page.locator("a", has_text="Le port de Cotonou bat un record").count() >= 1
    page.goto("/rubrique/economie/")
    page.click("a:has-text('Le port de Cotonou bat un record')")
    page.wait_for_selector("h1:has-text('Le port de Cotonou bat un record')")
    assert "Le port autonome a accueilli" in page.inner_text(".article-body")
    assert violations(page) == []
