"""In Chromium on a 390 px phone: share links that make no request before the tap, and
light pages (Save-Data, or the /leger/ address) within 15 KB without a photo."""

from urllib.parse import quote, urlsplit

import pytest

from tests.factories import ArticleFactory, ImageFactory, SectionFactory

from .conftest import PHONE
from .csp import violations, watch
from .test_performance import busy_article  # noqa: F401 (a fixture)
from .weight import transferred

pytestmark = pytest.mark.django_db(transaction=True)

# A light page on a first visit, as compressed on the wire, headers included.
LIGHT_BUDGET = 15 * 1024

# The accessible name of each share link.
SERVICES = [
    "Partager sur WhatsApp",
    "Partager sur Facebook",
    "Partager sur Telegram",
    "Partager sur X",
    "Envoyer par E-mail",
]

# Record what the copy button hands to the phone's share sheet or to the clipboard.
STUB_SHARE = """
window.shared = [];
navigator.share = (data) => { window.shared.push(data); return Promise.resolve(); };
"""
STUB_CLIPBOARD = """
window.copied = [];
Object.defineProperty(navigator, "share", { value: undefined, configurable: true });
Object.defineProperty(navigator, "clipboard", { value: {
  writeText: (text) => { window.copied.push(text); return Promise.resolve(); },
}, configurable: true });
"""


def phone(chromium, live_server, **options):
    context = chromium.new_context(
        viewport=PHONE, base_url=live_server.url, locale="fr-FR", **options
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    watch(page)
    return context, page


@pytest.fixture
def shared_article(db):
    return ArticleFactory(
        title="Élections au Bénin : « le vote s’est bien passé »",
        section=SectionFactory(name="Bénin", slug="benin"),
        hero_image=ImageFactory(),
    )


def test_share_links_make_no_request_before_the_tap(chromium, live_server, shared_article):
    context, page = phone(chromium, live_server)
    page.add_init_script(STUB_SHARE)
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(shared_article.get_absolute_url(), wait_until="networkidle")
    canonical = page.locator("link[rel=canonical]").get_attribute("href")
    assert canonical.endswith(shared_article.get_absolute_url())

    share = page.get_by_role("region", name="Partager")
    for service in SERVICES:
        link = share.get_by_role("link", name=service, exact=True)
        assert quote(canonical, safe="") in link.get_attribute("href"), service
        box = link.bounding_box()
        assert box["height"] >= 24 and box["width"] >= 24, service

    copy = share.get_by_role("button", name="Copier le lien")
    copy.click()
    share.get_by_text("Lien partagé.").wait_for()
    assert page.evaluate("window.shared") == [{"title": shared_article.title, "url": canonical}]
    page.wait_for_load_state("networkidle")
    hosts = {urlsplit(url).netloc for url in requests}
    assert hosts == {urlsplit(live_server.url).netloc}, requests
    assert violations(page) == []
    context.close()


def test_copy_button_uses_the_clipboard_without_a_share_sheet(
    chromium, live_server, shared_article
):
    context, page = phone(chromium, live_server)
    page.add_init_script(STUB_CLIPBOARD)
    page.goto(shared_article.get_absolute_url())
    canonical = page.locator("link[rel=canonical]").get_attribute("href")
    page.get_by_role("button", name="Copier le lien").click()
    page.get_by_role("status").get_by_text("Lien copié.").wait_for()
    assert page.evaluate("window.copied") == [canonical]
    context.close()


def test_share_links_work_without_javascript(chromium, live_server, shared_article):
    context, page = phone(chromium, live_server, java_script_enabled=False)
    page.goto(shared_article.get_absolute_url())
    share = page.get_by_role("region", name="Partager")
    assert share.get_by_role("link").count() == len(SERVICES)
    assert share.get_by_role("button", name="Copier le lien").count() == 0  # hidden: no JS
    context.close()


def light_load(chromium, live_server, collected_static, url, artifacts, name, **options):
    context, page = phone(chromium, live_server, **options)
    loaded, requested = [], []
    page.on("response", lambda response: loaded.append(response))
    page.on("request", lambda request: requested.append(request.url))
    page.goto(url, wait_until="networkidle")
    rows, total_gzip, _, report = transferred(loaded, collected_static)
    (artifacts / f"light-weight-{name}.txt").write_text(report)
    assert violations(page) == []
    return context, page, rows, total_gzip, report, requested


@pytest.mark.parametrize(
    "variant",
    [
        pytest.param({"extra_http_headers": {"Save-Data": "on"}}, id="save-data"),
        pytest.param({"prefix": "/leger"}, id="address"),
    ],
)
def test_light_pages_weigh_at_most_15_kb_without_a_photo(
    chromium,
    live_server,
    busy_article,  # noqa: F811 (the fixture imported above)
    collected_static,
    artifacts,
    variant,
):
    options = dict(variant)
    prefix = options.pop("prefix", "")
    for name, url in (("article", busy_article.get_absolute_url()), ("home", "/")):
        context, page, rows, total, report, requested = light_load(
            chromium,
            live_server,
            collected_static,
            prefix + url,
            artifacts,
            f"{prefix.strip('/') or 'save-data'}-{name}",
            **options,
        )
        assert not [url for url in requested if "/media/" in url], report
        assert not any("altcha" in path for path, _, _, _ in rows), report
        assert any("light" in path for path, kind, _, _ in rows if kind == "stylesheet")
        assert total <= LIGHT_BUDGET, report
        if name == "article":
            shot = f"article-light-{prefix.strip('/') or 'save-data'}.png"
            page.screenshot(path=artifacts / shot)
            # The photo on tap: its smallest rendition, in place.
            page.get_by_role("link", name="Afficher la photo").click()
            photo = page.locator("img.photo-shown")
            photo.wait_for()
            page.wait_for_function("() => document.querySelector('img.photo-shown').complete")
            assert [url for url in requested if "/media/" in url]
            # Still no captcha code: it waits for the comment form to be touched.
            assert not [url for url in requested if "altcha" in url]
        context.close()


def test_light_switch_link_in_the_footer(chromium, live_server, shared_article):
    context, page = phone(chromium, live_server)
    page.goto(shared_article.get_absolute_url())
    page.get_by_role("link", name="Version légère").click()
    page.wait_for_url(f"**/leger{shared_article.get_absolute_url()}")
    assert page.locator("picture").count() == 0
    page.get_by_role("link", name=shared_article.section.name).first.click()
    page.wait_for_url("**/leger/rubrique/benin/")
    page.get_by_role("link", name="Version complète").click()
    page.wait_for_url("**/complet/rubrique/benin/")
    assert page.locator("link[href*=bootstrap-used]").count() == 1
    context.close()


def test_light_pages_and_share_links_have_no_axe_violation(page):
    from tests.security.sitedata import build_site

    from .test_accessibility import axe_violations

    site = build_site()
    article = site["articles"][0]
    article.hero_image = ImageFactory(alt_text="Des délégués autour d'une table")
    article.save()
    paths = {
        "home": "/leger/",
        "section": "/leger" + site["sections"][0].get_absolute_url(),
        "article": "/leger" + article.get_absolute_url(),
        "full article (share links)": article.get_absolute_url(),
        "tag": "/leger/tag/cedeao/",
        "search": "/leger/recherche/?q=sommet",
        "corrections": "/leger/corrections/",
    }
    found = {name: axe_violations(page, path) for name, path in paths.items()}
    assert {name: v for name, v in found.items() if v} == {}


def test_comment_from_a_light_page_loads_the_captcha_only_when_touched(
    page, live_server, cheap_captcha
):
    from comments.models import Comment

    article = ArticleFactory(title="Un article lu en version légère", hero_image=ImageFactory())
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    url = f"/leger/en{article.get_absolute_url()}"  # the English strings are the source ones
    page.goto(url, wait_until="networkidle")
    assert not [u for u in requested if "altcha" in u or "/media/" in u]

    page.locator("#id_name").fill("Lectrice économe")
    page.locator("#id_comment").fill("Envoyé depuis la version légère.")
    page.locator("altcha-widget").get_by_text("I'm not a robot", exact=True).click()
    page.wait_for_function("() => document.querySelector('input[name=altcha]')?.value")
    assert [u for u in requested if "altcha" in u]
    assert not [u for u in requested if "/media/" in u]
    page.get_by_role("button", name="Post the comment").click()

    page.get_by_text("Thank you, your comment is published.").wait_for()
    assert f"/leger/en{article.get_absolute_url()}" in page.url
    assert page.locator("link[href*='css/light']").count() == 1
    assert Comment.objects.get().body == "Envoyé depuis la version légère."


def test_light_pages_keep_hidden_controls_hidden_without_javascript(chromium, live_server, db):
    """light.css stands in for Bootstrap, whose `[hidden]` rule it must keep: a light
    page without JavaScript shows no button that only a script could make work (the
    embed's « Charger le contenu », the copy button)."""
    article = ArticleFactory(
        title="Une vidéo dans l’article",
        body='<p>Avant.</p><figure data-embed="youtube" '
        'data-src="https://www.youtube.com/watch?v=dQw4w9WgXcQ"></figure><p>Après.</p>',
    )
    for url in ("/leger" + article.get_absolute_url(), article.get_absolute_url()):
        context, page = phone(chromium, live_server, java_script_enabled=False)
        page.goto(url)
        assert page.get_by_role("link", name="Voir sur YouTube").is_visible(), url
        assert page.get_by_role("button", name="Charger le contenu").count() == 0, url
        assert page.get_by_role("button", name="Copier le lien").count() == 0, url
        context.close()


def test_a_reply_from_a_light_page_loads_the_captcha_only_when_touched(
    page, live_server, cheap_captcha
):
    from comments.models import Comment
    from tests.factories import CommentFactory

    article = ArticleFactory(title="Un article lu en version légère")
    first = CommentFactory(article=article, status="approved", name="Kofi")
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(f"/leger/en{article.get_absolute_url()}", wait_until="networkidle")
    page.get_by_role("link", name="Reply to Kofi").click()
    page.wait_for_url("**/leger/en/article/**/repondre/**")
    page.wait_for_load_state("networkidle")
    assert not [u for u in requested if "altcha" in u]  # « Reply » tapped, form untouched

    page.locator("#id_name").fill("Lectrice économe")
    page.locator("#id_comment").fill("Une réponse depuis la version légère.")
    page.locator("altcha-widget").get_by_text("I'm not a robot", exact=True).click()
    page.wait_for_function("() => document.querySelector('input[name=altcha]')?.value")
    assert [u for u in requested if "altcha" in u]
    page.get_by_role("button", name="Post the reply").click()

    page.get_by_text("Thank you, your comment is published.").wait_for()
    assert "/leger/en/article/" in page.url
    reply = Comment.objects.get(parent=first)
    assert reply.body == "Une réponse depuis la version légère."
