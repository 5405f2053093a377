"""Photos, galleries and embeds in the body, in Chromium: a reader's embed makes no
request to its provider before the click; a journalist puts photos and an embed in a
story through the editor."""

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from articles.models import Article, Image
from tests.factories import ArticleFactory, ImageFactory, png_bytes

from .conftest import DESKTOP
from .csp import violations, watch
from .test_newsroom import log_in, newsroom, pick  # noqa: F401  (fixture)

YOUTUBE = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
TWEET = "https://x.com/jack/status/20"


@pytest.fixture
def reader(chromium, live_server):
    """A page that records every request and lets none leave the machine."""
    context = chromium.new_context(viewport=DESKTOP, base_url=live_server.url, locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(30_000)  # networkidle on a machine that may be busy
    watch(page)
    own = urlsplit(live_server.url).netloc
    page.requests = []
    page.on("request", lambda request: page.requests.append(request.url))

    def only_ours(route):
        if urlsplit(route.request.url).netloc == own or route.request.url.startswith("data:"):
            route.continue_()
        else:
            route.abort()  # offline: the provider is never reached, its request recorded

    context.route("**/*", only_ours)
    page.own = own
    yield page
    context.close()


def outside(page):
    return [
        url
        for url in page.requests
        if not url.startswith("data:") and urlsplit(url).netloc != page.own
    ]


def test_an_embed_makes_no_third_party_request_before_the_click(reader, transactional_db):
    photos = [ImageFactory(alt_text=f"Photo {n} du sommet") for n in range(2)]
    article = ArticleFactory(
        title="Le sommet en images et en vidéo",
        body=(
            "<p>Premier paragraphe.</p>"
            f'<figure data-image="{photos[0].pk}"></figure>'
            f'<figure data-embed="youtube" data-src="{YOUTUBE}"></figure>'
            f'<figure data-gallery="{photos[0].pk},{photos[1].pk}"></figure>'
            f'<figure data-embed="x" data-src="{TWEET}"></figure>'
        ),
    )
    page = reader
    page.goto(article.get_absolute_url())
    page.wait_for_load_state("networkidle")
    # Lazy photos below the fold load too: everything the page would fetch by itself.
    page.mouse.wheel(0, 20_000)
    page.wait_for_load_state("networkidle")

    assert page.locator(".article-body picture").count() == 3
    assert outside(page) == []
    assert page.locator("iframe").count() == 0
    youtube = page.locator(".body-embed[data-embed-provider=youtube]")
    assert "YouTube" in youtube.inner_text()
    assert youtube.locator("a.body-embed-link").get_attribute("href") == YOUTUBE
    button = youtube.get_by_role("button", name="Charger le contenu")
    assert button.is_visible()

    with page.expect_request("https://www.youtube-nocookie.com/**"):
        button.click()
    frame = page.locator(".body-embed-player iframe")
    frame.wait_for(state="attached")
    assert frame.get_attribute("src") == "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"
    assert frame.get_attribute("title") == "Contenu de YouTube"
    # The click loaded this embed only: the tweet stays a placeholder.
    assert {urlsplit(url).netloc for url in outside(page)} == {"www.youtube-nocookie.com"}
    assert page.locator("iframe").count() == 1
    assert page.locator(".body-embed[data-embed-provider=x] .body-embed-load").is_visible()
    assert violations(page) == []


def test_without_javascript_an_embed_is_a_plain_link(chromium, live_server, transactional_db):
    article = ArticleFactory(body=f'<figure data-embed="youtube" data-src="{YOUTUBE}"></figure>')
    context = chromium.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto(article.get_absolute_url())
    assert page.locator(".body-embed-load").is_hidden()
    assert page.get_by_role("link", name="Le voir sur YouTube").get_attribute("href") == YOUTUBE
    context.close()


def test_journalist_puts_two_photos_an_embed_and_a_gallery_in_a_story(
    desk,
    newsroom,  # noqa: F811
    tmp_path,
    artifacts,
):
    journalist, _editor, section = newsroom
    # Her own uploads: a journalist's library is her photos and the public ones.
    ImageFactory(
        alt_text="Le marché Dantokpa au petit matin", credit="Rédaction", uploaded_by=journalist
    )
    ImageFactory(alt_text="Un pêcheur sur la lagune", credit="Agence", uploaded_by=journalist)
    page = desk
    log_in(page, "awa")
    page.goto("/admin/articles/article/add/")
    page.fill("#id_title", "Cotonou en images")
    pick(page, "section", section.name)
    editor = page.locator(".field-body .ProseMirror[contenteditable=true] >> visible=true")
    editor.click()
    page.keyboard.type("Le marché s’éveille.")

    # A photo from the media library, found by its alt text.
    page.get_by_role("button", name="Insérer une photo").click()
    dialog = page.locator("dialog.np-media-dialog")
    expect(dialog.locator(".np-media-photos li")).to_have_count(2)
    dialog.get_by_role("searchbox").fill("Dantokpa")
    expect(dialog.locator(".np-media-photos li")).to_have_count(1)
    found = dialog.get_by_role("button", name="Le marché Dantokpa au petit matin")
    assert found.locator("img").count() == 1  # its thumbnail
    found.click()
    artifacts.joinpath("newsroom-body-photo-dialog.png").write_bytes(page.screenshot())
    dialog.get_by_role("button", name="Insérer").click()
    expect(dialog).to_have_count(0)

    # A second photo, uploaded on the spot in the admin's photo form.
    page.get_by_role("button", name="Insérer une photo").click()
    photo = tmp_path / "lagune.png"
    photo.write_bytes(png_bytes(1200, 800))
    with page.expect_popup() as popup_info:
        dialog.get_by_role("button", name="Téléverser une nouvelle photo").click()
    popup = popup_info.value
    popup.set_input_files("#id_file", str(photo))
    popup.fill("#id_alt_text", "La lagune de Cotonou au coucher du soleil")
    popup.fill("#id_credit", "Awa")
    popup.click("input[name=_save]")
    popup.wait_for_event("close")
    chosen = dialog.locator(".np-media-photos button[aria-pressed=true]")
    chosen.wait_for()
    expect(chosen).to_contain_text("La lagune de Cotonou")
    dialog.get_by_role("button", name="Insérer").click()

    # An embed, by its address.
    page.get_by_role("button", name="Intégrer une vidéo ou un post").click()
    dialog.get_by_label("Adresse du contenu à intégrer").fill(YOUTUBE)
    expect(dialog).to_contain_text("YouTube reconnu")
    dialog.get_by_role("button", name="Insérer").click()
    expect(page.locator(".np-media-block")).to_have_count(3)

    # And a gallery of both photos, in the order they are clicked.
    page.get_by_role("button", name="Insérer une galerie").click()
    expect(dialog.locator(".np-media-photos li")).to_have_count(3)
    dialog.get_by_role("button", name="La lagune de Cotonou au coucher du soleil").click()
    dialog.get_by_role("button", name="Le marché Dantokpa au petit matin").click()
    expect(dialog).to_contain_text("2 photo(s) choisie(s)")
    dialog.get_by_role("button", name="Insérer").click()
    expect(page.locator(".np-media-block")).to_have_count(4)
    artifacts.joinpath("newsroom-body-media.png").write_bytes(page.screenshot(full_page=True))

    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist .success")

    article = Article.objects.get(title="Cotonou en images")
    market = Image.objects.get(alt_text__startswith="Le marché")
    lagoon = Image.objects.get(alt_text__startswith="La lagune")
    assert lagoon.uploaded_by == journalist
    assert f'<figure data-image="{market.pk}"></figure>' in article.body
    assert f'<figure data-image="{lagoon.pk}"></figure>' in article.body
    assert f'<figure data-embed="youtube" data-src="{YOUTUBE}"></figure>' in article.body
    assert article.body.endswith(f'<figure data-gallery="{lagoon.pk},{market.pk}"></figure>')
    # In the order they were put in, after the text.
    assert article.body.index("s’éveille") < article.body.index(f'"{market.pk}"')
    assert article.body.index(f'"{market.pk}"') < article.body.index(f'"{lagoon.pk}"')
    assert article.body.index(f'"{lagoon.pk}"') < article.body.index("data-embed")

    # Opened again, the editor shows the blocks, and saving keeps them as they were.
    page.goto(f"/admin/articles/article/{article.pk}/change/")
    blocks = page.locator(".np-media-block")
    expect(blocks).to_have_count(4)
    expect(blocks.nth(3)).to_contain_text("Galerie de 2 photos")
    expect(blocks.nth(2)).to_contain_text("Contenu YouTube (chargé au clic du lecteur)")
    stored = article.body
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist .success")
    article.refresh_from_db()
    assert article.body == stored
    assert violations(page) == []
