"""Light mode (newsportal.lightmode): Save-Data and the /leger/ address give pages without
photos and with a small stylesheet; caches keep the light and the full page apart."""

import re
from pathlib import Path
from urllib.parse import quote

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

SAVE_DATA = {"Save-Data": "on"}
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def pages(site):
    return {
        "home": "/",
        "section": site["news"].get_absolute_url(),
        "tag": "/tag/cedeao/",
        "author": site["author"].get_absolute_url(),
        "search": "/recherche/?q=sommet",
        "article": site["article"].get_absolute_url(),
        "corrections": "/corrections/",
    }


def is_light(response):
    html = response.content.decode()
    return "/css/light" in html and "/css/bootstrap-used" not in html


def has_photos(response):
    return bool(re.search(r"<(img|picture|source)\b", response.content.decode()))


def test_every_reader_page_has_a_light_variant_without_photos(client, pages):
    for name, url in pages.items():
        full = client.get(url)
        assert full.status_code == 200, name
        assert not is_light(full), name
        assert "Version légère" in full.content.decode(), name
        for light in (client.get(url, headers=SAVE_DATA), client.get("/leger" + url)):
            assert light.status_code == 200, name
            assert is_light(light), name
            assert not has_photos(light), name
            assert "Version complète" in light.content.decode(), name
    assert has_photos(client.get(pages["article"]))


def test_light_article_offers_the_smallest_rendition_on_tap(client, site):
    html = client.get(site["article"].get_absolute_url(), headers=SAVE_DATA).content.decode()
    smallest = site["image"].rendition_set("16:9").smallest
    link = re.search(r'<a class="photo-tap" href="([^"]+)"', html)
    assert link and link[1] == smallest["url_jpeg"]
    assert "Afficher la photo" in html
    photo = client.get(link[1])  # the file itself, without JavaScript
    assert photo.status_code == 200 and photo["Content-Type"] == "image/jpeg"
    photo.close()


def test_plain_addresses_vary_on_save_data_and_the_light_address_does_not(client, pages):
    for name, url in pages.items():
        assert "Save-Data" in client.get(url)["Vary"], name
        assert "Save-Data" in client.get(url, headers=SAVE_DATA)["Vary"], name
        assert "Save-Data" not in client.get("/leger" + url).get("Vary", ""), name


@pytest.mark.parametrize("first_light", [False, True])
def test_warm_cache_gives_each_reader_their_variant(pages, first_light):
    """A Save-Data request after a full one (and the reverse) is answered from its own
    stored copy, never the other's."""
    reader, saver = Client(), Client(headers=SAVE_DATA)
    order = [saver, reader] if first_light else [reader, saver]
    for name, url in pages.items():
        if name == "search":
            continue  # search pages are not kept
        for client in order:
            assert client.get(url)["X-Page-Cache"] == "miss", name
        for client in order * 2:
            response = client.get(url)
            assert response["X-Page-Cache"] == "hit", name
            assert is_light(response) is (client is saver), name
            assert "Save-Data" in response["Vary"], name


@pytest.mark.parametrize("first_light", [False, True])
def test_warm_cache_keeps_the_light_address_apart(pages, client, first_light):
    for name, url in pages.items():
        if name == "search":
            continue
        urls = ["/leger" + url, url] if first_light else [url, "/leger" + url]
        for address in urls * 3:
            response = client.get(address)
            assert is_light(response) is address.startswith("/leger"), (name, address)
        assert client.get("/complet" + url, headers=SAVE_DATA)["X-Page-Cache"] == "hit"
        assert not is_light(client.get("/complet" + url, headers=SAVE_DATA)), name


def test_links_of_a_light_address_keep_the_reader_in_light_mode(client, site, pages):
    html = client.get("/leger" + pages["article"]).content.decode()
    links = re.findall(r'\s(?:href|action)="(/[^"]*)"', html)
    site_links = [
        link for link in links if not link.startswith(("/static/", "/media/", "/flux/", "//"))
    ]
    assert site_links and all(link.startswith(("/leger/", "/complet/")) for link in site_links)
    assert f'href="/leger{site["article"].section.get_absolute_url()}"' in html
    assert 'action="/leger/recherche/"' in html
    assert f'href="/complet{pages["article"]}"' in html  # the switch back
    # The canonical address and the share links name the plain page.
    canonical = re.search(r'<link rel="canonical" href="([^"]+)"', html)[1]
    assert "/leger" not in canonical
    assert quote(canonical, safe="") in html


def test_light_english_page_keeps_its_language(client, site):
    response = client.get("/leger/en" + site["article"].get_absolute_url())
    assert response.status_code == 200 and is_light(response)
    assert 'lang="en"' in response.content.decode()
    assert 'href="/leger/en/"' in response.content.decode()


def test_redirect_from_a_light_address_stays_light(client, site):
    response = client.get("/leger/rubrique/news-infos")  # no trailing slash
    assert response.status_code == 301
    assert response["Location"] == "/leger/rubrique/news-infos/"


def test_unknown_light_address_is_a_404_in_the_sites_style(client):
    response = client.get("/leger/article/nulle-part/")
    assert response.status_code == 404
    assert "Version complète" in response.content.decode()


def test_save_data_other_values_give_the_full_page(client, pages):
    assert not is_light(client.get(pages["home"], headers={"Save-Data": "off"}))
    assert is_light(client.get(pages["home"], headers={"Save-Data": " ON "}))


# Values that Python's str.strip() reads as "on" but nginx's micro-cache key does not, and
# the reverse: each must give the page that the recipe's key names.
SAVE_DATA_VALUES = ["on", "ON", " on\t", "\ton ", "off", "", "on, off", "\xa0on", "on\xa0",
                    "on\x85", "\x0bon", "on\x0c", "\u3000on"]  # fmt: skip


@pytest.mark.parametrize("value", SAVE_DATA_VALUES)
def test_save_data_is_read_as_the_nginx_recipe_keys_it(client, pages, value):
    """A light page given for a value the micro-cache keys as the full page's would be
    kept under the full page's key and served to every reader who follows (and the
    reverse): only spaces and tabs may surround "on", in the portal as in the recipe."""
    recipe = (ROOT / "docs" / "nginx" / "newsportal.conf").read_text()
    pattern = re.search(r'map \$http_save_data \$newsportal_variant \{.*?"~\*(.+?)" "light";',
                        recipe, re.S)[1]  # fmt: skip
    pattern = pattern.replace("\\s", "[ \\t\\n\\x0b\\f\\r]")  # PCRE's \s: ASCII only
    keyed_light = re.search(pattern, value, re.I | re.A) is not None
    response = client.get(pages["home"], headers={"Save-Data": value})
    assert is_light(response) is keyed_light


def test_a_comment_sent_from_a_light_page_leads_back_to_the_light_page(site, settings):
    from comments.models import Comment
    from tests.formparts import confirm, form_action

    settings.COMMENTS_MIN_SUBMIT_SECONDS = 0
    browser = Client(enforce_csrf_checks=True)
    article = site["article"]
    page = browser.get("/leger" + article.get_absolute_url()).content.decode()
    action = form_action(page)
    assert action.startswith("/leger/article/")
    # Without JavaScript: the confirmation step, itself light, then the comment.
    step = browser.post(
        action, {"name": "Aïcha", "comment": "Lu en version légère.", "website": ""}
    )
    assert step.status_code == 200 and is_light(step)
    assert form_action(step.content.decode()) == action
    response = confirm(browser, step.content.decode())
    assert response.status_code == 302
    assert response["Location"].startswith("/leger" + article.get_absolute_url())
    assert Comment.objects.get().body == "Lu en version légère."


def test_light_body_photos_are_links_to_their_smallest_rendition(client, site):
    from tests.factories import ImageFactory

    article, photo, other = site["article"], ImageFactory(), ImageFactory()
    article.body = (
        f'<p>Avant.</p><figure data-image="{photo.pk}"></figure>'
        f'<figure data-gallery="{photo.pk},{other.pk}"></figure><p>Après.</p>'
    )
    article.save()
    full = client.get(article.get_absolute_url())
    assert full.content.decode().count("<picture") >= 4
    light = client.get(article.get_absolute_url(), headers=SAVE_DATA)
    html = light.content.decode()
    assert not has_photos(light)
    assert html.count('class="photo-tap"') == 4  # the hero, the photo, the gallery's two
    assert photo.rendition_set().smallest["url_jpeg"] in html
    assert other.rendition_set().smallest["url_jpeg"] in html


@pytest.mark.parametrize("name", ["home", "article", "section", "tag", "author", "search"])
def test_light_pages_stay_within_the_query_budgets(client, site, name, monkeypatch):
    from django.db.models import FETCH_RAISE

    from tests.articles.test_query_budgets import BUDGETS, cold_count, urls

    # Lazy loading raises, as in the budgets' own test: a light template line that reads
    # a field its query did not load fails with the field's name.
    monkeypatch.setattr("articles.models.LISTING_FETCH_MODE", FETCH_RAISE)
    monkeypatch.setattr("django.db.models.query.DEFAULT_FETCH_MODE", FETCH_RAISE)
    url = urls(site)[name]
    full = cold_count(client, url)
    light = cold_count(client, "/leger" + url)
    assert light <= full <= BUDGETS[name], (name, full, light)


def test_a_browser_turning_save_data_on_never_keeps_its_full_copy(client, pages):
    """The two variants have their own ETags: a revalidation with the other variant's
    answers 200 with the page asked for, never 304."""
    for name, url in pages.items():
        if name == "search":
            continue
        full = client.get(url)
        light = client.get(url, headers={**SAVE_DATA, "If-None-Match": full["ETag"]})
        assert light.status_code == 200 and is_light(light), name
        back = client.get(url, headers={"If-None-Match": light["ETag"]})
        assert back.status_code == 200 and not is_light(back), name
        same = client.get(url, headers={**SAVE_DATA, "If-None-Match": light["ETag"]})
        assert same.status_code == 304, name


def test_light_article_spares_the_in_place_reply_script_and_replies_by_their_page(client, site):
    from tests.factories import CommentFactory

    comment = CommentFactory(article=site["article"], status="approved")
    url = site["article"].get_absolute_url()
    assert "js/comments-reply" in client.get(url).content.decode()
    for light in (client.get(url, headers=SAVE_DATA), client.get("/leger" + url)):
        html = light.content.decode()
        assert "js/comments-reply" not in html
        reply = re.search(rf'href="([^"]+/repondre/{comment.pk}/)"', html)
        assert reply, "« Reply » leads to the reply page"
        page = client.get(reply[1], headers=SAVE_DATA)
        assert page.status_code == 200 and is_light(page)


def test_light_pages_keep_the_full_pages_noindex(client, site):
    """Search results, a reply page and a 404 are kept out of search engines in both
    variants: the light page leaves out link-preview tags, not the robots rule."""
    from tests.factories import CommentFactory

    comment = CommentFactory(article=site["article"], status="approved")
    reply = f"{site['article'].get_absolute_url()}commenter/repondre/{comment.pk}/"
    noindex = re.compile(r'<meta name="robots" content="noindex[^"]*">')
    for url in ("/recherche/?q=sommet", "/recherche/?q=sommet&sort=oldest", reply,
                "/article/nulle-part/"):  # fmt: skip
        for response in (
            client.get(url),
            client.get(url, headers=SAVE_DATA),
            client.get("/leger" + url),
        ):
            assert noindex.search(response.content.decode()), (url, response.status_code)
    # The search form alone stays indexable, light or not.
    for response in (client.get("/recherche/"), client.get("/leger/recherche/")):
        assert not noindex.search(response.content.decode())


@pytest.mark.parametrize(
    "path",
    ["/admin/", "/admin/login/", "/en/admin/", "/flux/rss/", "/sitemap.xml", "/robots.txt",
     "/healthz", "/i18n/setlang/", "/media/photos/x.jpg", "/static/css/site.css"],
)  # fmt: skip
@pytest.mark.parametrize("prefix", ["/leger", "/complet"])
def test_addresses_without_a_light_version_are_not_found_under_a_prefix(client, prefix, path):
    """The newsroom, the feeds, the crawlers' files and the files have one address each:
    `/leger/admin/` is no second door to the newsroom (a proxy that keeps `/admin/` to
    the office's addresses would not see it), nor `/leger/robots.txt` a second file."""
    response = client.get(prefix + path)
    assert response.status_code == 404
    assert client.get(prefix + "/").status_code == 200
