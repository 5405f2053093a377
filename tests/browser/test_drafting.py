"""Never losing work, in Chromium as a journalist: preview the unsaved form, leave and
come back to the autosaved text, meet an edit lock, resolve a conflict."""

import pytest

from articles.models import Article, ArticleDraft
from tests.factories import ArticleFactory

from .conftest import DESKTOP
from .csp import LISTEN, violations, watch
from .test_newsroom import log_in, newsroom  # noqa: F401  (fixture)

BODY = ".field-body .ProseMirror[contenteditable=true] >> visible=true"
STATUS = "#article-drafting-status"


@pytest.fixture
def fast_ping(settings):
    """The form pings every second instead of every 30: a test need not wait."""
    settings.NEWSROOM_AUTOSAVE_SECONDS = 1
    return settings


@pytest.fixture
def story(newsroom):  # noqa: F811
    journalist, _editor, section = newsroom
    journalist.first_name = "Awa"
    journalist.save()
    return ArticleFactory(
        title="La saison des pluies commence",
        standfirst="Les premières averses sont tombées sur Cotonou.",
        body="<p>Il a plu toute la nuit.</p>",
        section=section,
        status=Article.Status.DRAFT,
        published_at=None,
        owner=journalist,
    )


@pytest.fixture
def desks(chromium, live_server):
    """Two desktop browsers (two people), each with its own cookies."""
    opened = []

    def open_desk():
        context = chromium.new_context(viewport=DESKTOP, base_url=live_server.url, locale="fr-FR")
        # Pages opened by the form (the preview) are watched too.
        context.add_init_script(LISTEN)
        context.on("page", watch)
        page = context.new_page()
        page.set_default_timeout(15_000)
        opened.append(context)
        return page

    yield open_desk
    for context in opened:
        context.close()


def change_url(article):
    return f"/admin/articles/article/{article.pk}/change/"


def test_journalist_previews_the_unsaved_form(desks, story, artifacts):
    page = desks()
    log_in(page, "awa")
    page.goto(change_url(story))
    page.fill("#id_title", "La saison des pluies commence tôt")
    page.click(BODY)
    page.keyboard.press("End")
    page.keyboard.type(" Les rues de Cotonou sont inondées.")
    with page.context.expect_page() as opened:
        page.click("button[name=_preview]")
    preview = opened.value
    preview.wait_for_load_state()
    frame = preview.frame_locator(".form-preview-frame")
    frame.locator("h1:has-text('La saison des pluies commence tôt')").wait_for()
    assert "Les rues de Cotonou sont inondées." in frame.locator(".article-body").inner_text()
    assert frame.locator("body").evaluate("() => window.innerWidth") == 1280
    artifacts.joinpath("newsroom-preview-desktop.png").write_bytes(
        preview.screenshot(full_page=False)
    )
    preview.click("label[for=preview-phone]")
    assert frame.locator("body").evaluate("() => window.innerWidth") == 390
    artifacts.joinpath("newsroom-preview-phone.png").write_bytes(preview.screenshot())
    assert violations(preview) == []
    # Nothing was saved; the form is still there with its changes.
    story.refresh_from_db()
    assert story.title == "La saison des pluies commence"
    assert page.input_value("#id_title") == "La saison des pluies commence tôt"


def test_journalist_leaves_and_comes_back_to_the_autosaved_text(desks, story, fast_ping, artifacts):
    page = desks()
    log_in(page, "awa")
    page.goto(change_url(story))
    page.click(BODY)
    page.keyboard.press("End")
    page.keyboard.type(" La météo annonce encore de l’orage.")
    page.wait_for_selector(f"{STATUS}:has-text('Brouillon enregistré automatiquement à')")
    # A ping may have left while the sentence was being typed: send the one after it now
    # (the form's own ping, which the page answers before this returns).
    page.evaluate("() => document.getElementById('article_form').articleDraftingPing()")
    story.refresh_from_db()
    assert "orage" not in story.body  # autosaved apart, not into the article
    assert "orage" in ArticleDraft.objects.get(article=story).data["body"][0]

    # Leaving with unsaved changes: the browser asks first.
    asked = []
    page.on("dialog", lambda dialog: (asked.append(dialog.type), dialog.accept()))
    page.close(run_before_unload=True)
    page.wait_for_event("close")
    assert asked == ["beforeunload"]

    page = desks()
    log_in(page, "awa")
    page.goto(change_url(story))
    offer = page.locator("a:has-text('Reprendre le brouillon enregistré automatiquement à')")
    artifacts.joinpath("newsroom-autosave-offer.png").write_bytes(page.screenshot())
    offer.click()
    page.wait_for_selector(f"{BODY} >> text=La météo annonce encore de l’orage.")
    # Saving the form is no reason to warn.
    asked = []
    page.on("dialog", lambda dialog: (asked.append(dialog.type), dialog.accept()))
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist .success")
    assert asked == []
    story.refresh_from_db()
    assert "La météo annonce encore de l’orage." in story.body
    assert not ArticleDraft.objects.exists()
    assert violations(page) == []


def test_editor_meets_an_edit_lock_and_takes_over(desks, story, fast_ping, artifacts):
    awa = desks()
    log_in(awa, "awa")
    awa.goto(change_url(story))

    chef = desks()
    log_in(chef, "chef")
    chef.goto(change_url(story))
    notice = chef.locator(".drafting-lock")
    assert "Awa édite cet article depuis" in notice.inner_text()
    artifacts.joinpath("newsroom-edit-lock.png").write_bytes(chef.screenshot())
    chef.click("button:has-text('Prendre la main')")
    chef.wait_for_url(f"**{change_url(story)}")
    assert chef.locator(".drafting-lock").count() == 0
    # Awa's form learns it at its next ping.
    awa.wait_for_selector(f"{STATUS}:has-text('chef édite cet article depuis')")
    assert violations(chef) == [] and violations(awa) == []


def test_journalist_resolves_a_conflict(desks, story, artifacts):
    awa = desks()
    log_in(awa, "awa")
    awa.goto(change_url(story))
    awa.click("input[name=_continue]")  # a first save: the article has a history
    awa.wait_for_selector(".messagelist .success")

    chef = desks()
    log_in(chef, "chef")
    chef.goto(change_url(story))
    chef.fill("#id_title", "Saison des pluies : Cotonou sous l’eau")
    chef.click("input[name=_continue]")
    chef.wait_for_selector(".messagelist .success")

    awa.click(BODY)
    awa.keyboard.press("End")
    awa.keyboard.type(" Les écoles restent fermées.")
    awa.click("input[name=_continue]")
    # The message is in view at the top of the form, with what the other save changed.
    errors = awa.locator(".errorlist.nonfield")
    assert "chef a enregistré cet article à" in errors.inner_text()
    assert errors.is_visible()
    diff = awa.locator(".drafting-conflict")
    assert "Saison des pluies : Cotonou sous l’eau" in diff.locator(".diff-added").inner_text()
    artifacts.joinpath("newsroom-conflict.png").write_bytes(awa.screenshot())
    # Saving again as is would be refused again; "save mine anyway" goes through.
    awa.click("button[name=_overwrite]")
    awa.wait_for_selector(".messagelist .success")
    story.refresh_from_db()
    assert "Les écoles restent fermées." in story.body
    assert violations(awa) == []
