"""An editor chooses the lead story in the admin, in Chromium at 1280 px, previews the
home page, saves, and readers see that article lead the home page."""

from datetime import timedelta

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.utils import timezone

from articles.models import FrontPageBlock
from articles.newsroom import roles
from tests.factories import ArticleFactory, SectionFactory, UserFactory

from .csp import violations
from .test_newsroom import PASSWORD, log_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def newsroom(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    roles.sync_roles(apps)  # a transactional test flushes what the migrations made
    editor = UserFactory(username="chef", is_staff=True, password=PASSWORD)
    editor.groups.add(Group.objects.get(name=roles.EDITORS))
    section = SectionFactory(name="Économie", slug="economie")
    now = timezone.now()
    older = ArticleFactory(
        title="Le port de Cotonou bat un record",
        section=section,
        published_at=now - timedelta(days=2),
    )
    newest = ArticleFactory(
        title="La pluie revient sur Parakou",
        section=section,
        published_at=now - timedelta(minutes=5),
    )
    return older, newest


def lead_text(page):
    return page.inner_text(".lead-story .card-article-title")


def test_an_editor_chooses_the_lead_story(desk, newsroom, artifacts):
    page = desk
    older, newest = newsroom
    page.goto("/")
    assert lead_text(page) == newest.title

    log_in(page, "chef")
    page.goto("/admin/articles/frontpageblock/add/")
    page.select_option("#id_kind", FrontPageBlock.Kind.LEAD)
    # The first row's article, through the autocomplete (select2).
    row = page.locator("#choices-0")
    row.locator("input[name='choices-0-position']").fill("1")
    row.locator(".field-article .select2-selection").click()
    page.fill(".select2-container--open .select2-search__field", "Cotonou")
    page.click(".select2-results__option:has-text('Le port de Cotonou bat un record')")

    # The preview opens in a tab of its own, the unsaved choice leading.
    with page.context.expect_page() as opened:
        page.click("button[name=_preview]")
    preview = opened.value
    preview.wait_for_load_state()
    assert "Aperçu de la une" in preview.inner_text(".alert")
    assert lead_text(preview) == older.title
    preview.close()
    assert not FrontPageBlock.objects.exists()

    artifacts.joinpath("front-page-editor.png").write_bytes(page.screenshot(full_page=True))
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist .success")
    assert FrontPageBlock.objects.get().choices.get().article == older

    # Readers see it lead the home page at once, the newest story among the featured.
    page.context.clear_cookies()
    page.goto("/")
    assert lead_text(page) == older.title
    assert newest.title in page.inner_text("[aria-labelledby=featured-title]")
    assert violations(page) == []
