"""Every placement the admin offers shows where it says, labelled « Publicité », served
by the portal; an inactive, not yet started or ended ad shows nowhere; a cached page
shows a changed ad at once, and an ad starting or ending by its time."""

import re
import time
from datetime import timedelta
from types import SimpleNamespace

import pytest
import time_machine
from django.utils import timezone

from articles.models import AdSlot
from newsportal import pagecache
from tests.factories import AdSlotFactory, ImageFactory

pytestmark = pytest.mark.django_db

# Where each placement shows (AdSlot's docstring, docs/newsroom.md).
WHERE = {
    AdSlot.Placement.HOME: {"home"},
    AdSlot.Placement.ARTICLE: {"article"},
    AdSlot.Placement.SIDEBAR: {"home", "article", "section", "subsection", "tag", "author"},
}
AD_TEXT = "Réclame du marché Dantokpa"
AD_BLOCK = re.compile(r'<(aside|div) class="ad-slot".*?</\1>', re.S)


@pytest.fixture
def pages(site):
    # The site's own ads (tests/articles/conftest.py) out of the way.
    AdSlot.objects.all().delete()
    return {
        "home": "/",
        "article": site["article"].get_absolute_url(),
        "section": site["news"].get_absolute_url(),
        "subsection": site["diplomatie"].get_absolute_url(),
        "tag": "/tag/cedeao/",
        "author": site["author"].get_absolute_url(),
        "search": "/recherche/?q=cedeao",
        "corrections": "/corrections/",
        "english home": "/en/",
    }


def ad_blocks(html):
    """The ads of a page: the text of each `class="ad-slot"` element."""
    return [match.group(0) for match in AD_BLOCK.finditer(html)]


def pages_showing(client, pages, text):
    return {name for name, url in pages.items() if text in client.get(url).text}


def test_the_admin_offers_only_placements_that_show_somewhere(admin_client):
    page = admin_client.get("/admin/articles/adslot/add/", HTTP_ACCEPT_LANGUAGE="fr").text
    offered = set(re.findall(r'<option value="(\w+)"', page))
    assert offered == set(AdSlot.Placement.values) == set(WHERE)
    assert "Colonne latérale : la colonne de côté de la page d’accueil" in page


@pytest.mark.parametrize("placement", AdSlot.Placement.values)
def test_an_ad_shows_on_its_placement_pages_only(client, pages, placement):
    AdSlotFactory(placement=placement, text=AD_TEXT)
    expected = set(WHERE[placement])
    if "home" in expected:
        expected.add("english home")
    assert pages_showing(client, pages, AD_TEXT) == expected


@pytest.mark.parametrize("placement", AdSlot.Placement.values)
def test_an_ad_is_labelled_and_makes_no_request_to_anyone_else(client, pages, placement):
    AdSlotFactory(
        placement=placement,
        text=AD_TEXT,
        image=ImageFactory(alt_text="Le marché Dantokpa"),
        link_url="https://dantokpa.example/",
    )
    for name in WHERE[placement]:
        blocks = [b for b in ad_blocks(client.get(pages[name]).text) if AD_TEXT in b]
        assert len(blocks) == 1, name
        ad = blocks[0]
        assert '<p class="ad-label">Publicité</p>' in ad, name
        assert 'rel="sponsored noopener"' in ad and 'href="https://dantokpa.example/"' in ad
        assert "<script" not in ad and "<iframe" not in ad
        sources = re.findall(r'(?:src|srcset)="([^"]+)"', ad)
        assert sources and all(url.startswith("/media/") for s in sources for url in s.split(", "))


def test_the_sidebar_is_the_side_column(client, pages):
    """Home: the side column, under « Latest news »; article: the top of the column of
    « Read also »; lists: a column beside the cards. On phones each falls after the
    page's main column (the order of the page)."""
    AdSlotFactory(placement=AdSlot.Placement.SIDEBAR, text=AD_TEXT)
    home = client.get(pages["home"]).text
    latest_end = home.index("</section>", home.index('class="latest-list'))
    assert home.index('<div class="col-lg-4">') < latest_end < home.index(AD_TEXT)
    assert home.index(AD_TEXT) < home.index('class="section-block"')
    article = client.get(pages["article"]).text
    assert (
        article.index('<aside class="col-lg-4">')
        < article.index(AD_TEXT)
        < article.index('id="related"')
    )
    assert article.index('class="article-body"') < article.index(AD_TEXT)
    # Inside the article's side column (an <aside>), the ad is not a second <aside>.
    assert '<div class="ad-slot">' in article
    for name in ("section", "tag", "author"):
        html = client.get(pages[name]).text
        assert html.index("list-with-sidebar") < html.index('class="card-grid"'), name
        assert html.index('class="card-grid"') < html.index(AD_TEXT), name


def test_a_list_without_sidebar_ads_keeps_the_whole_width(client, pages):
    AdSlotFactory(placement=AdSlot.Placement.HOME, text=AD_TEXT)
    assert "list-with-sidebar" not in client.get(pages["section"]).text


@pytest.mark.parametrize("placement", AdSlot.Placement.values)
@pytest.mark.parametrize(
    "state",
    [
        {"is_active": False},
        {"starts_at": timedelta(days=1)},
        {"ends_at": -timedelta(minutes=1)},
        {"starts_at": -timedelta(days=3), "ends_at": -timedelta(days=1)},
    ],
    ids=["inactive", "not started", "ended", "past campaign"],
)
def test_an_ad_out_of_its_dates_or_inactive_shows_nowhere(client, pages, placement, state):
    now = timezone.now()
    AdSlotFactory(
        placement=placement,
        text=AD_TEXT,
        **{
            field: now + value if isinstance(value, timedelta) else value
            for field, value in state.items()
        },
    )
    assert pages_showing(client, pages, AD_TEXT) == set()
    assert all("Publicité" not in client.get(url).text for url in pages.values())


def test_the_first_ad_by_position_shows(client, pages):
    AdSlotFactory(placement=AdSlot.Placement.SIDEBAR, text="Deuxième annonce", position=2)
    AdSlotFactory(placement=AdSlot.Placement.SIDEBAR, text=AD_TEXT, position=1)
    html = client.get(pages["section"]).text
    assert AD_TEXT in html and "Deuxième annonce" not in html


@pytest.mark.parametrize("placement", AdSlot.Placement.values)
def test_cached_pages_show_a_changed_ad_at_once(client, pages, placement):
    ad = AdSlotFactory(placement=placement, text=AD_TEXT)
    shown = sorted(WHERE[placement])
    for name in shown:
        client.get(pages[name])
        assert client.get(pages[name])["X-Page-Cache"] == "hit", name

    ad.text = "Nouvelle campagne"
    ad.save()
    for name in shown:
        html = client.get(pages[name]).text
        assert "Nouvelle campagne" in html and AD_TEXT not in html, name

    ad.is_active = False
    ad.save()
    assert pages_showing(client, pages, "Nouvelle campagne") == set()

    ad.delete()
    AdSlotFactory(placement=placement, text="Une autre annonce")
    assert pages_showing(client, pages, "Une autre annonce") == set(WHERE[placement]) | (
        {"english home"} if "home" in WHERE[placement] else set()
    )


@pytest.mark.parametrize("placement", AdSlot.Placement.values)
def test_cached_pages_start_and_end_an_ad_by_its_times(client, pages, placement):
    now = timezone.now()
    starts, ends = now + timedelta(hours=1), now + timedelta(hours=3)
    AdSlotFactory(placement=placement, text=AD_TEXT, starts_at=starts, ends_at=ends)
    # What the commit does (a test's transaction never commits): a generation that
    # knows the next scheduled change, the ad's start.
    pagecache.refresh_generation()
    shown = sorted(WHERE[placement])
    for name in shown:
        assert AD_TEXT not in client.get(pages[name]).text, name
        assert client.get(pages[name])["X-Page-Cache"] == "hit", name
    with time_machine.travel(starts + timedelta(seconds=1)):
        for name in shown:
            assert AD_TEXT in client.get(pages[name]).text, name
    with time_machine.travel(ends + timedelta(seconds=1)):
        for name in shown:
            assert AD_TEXT not in client.get(pages[name]).text, name


def test_every_placement_is_read_in_one_query(django_assert_num_queries):
    for placement in AdSlot.Placement.values:
        AdSlotFactory.create_batch(2, placement=placement, image=ImageFactory())
    with django_assert_num_queries(1):
        ads = AdSlot.objects.live_by_placement(1)
        assert {placement: len(found) for placement, found in ads.items()} == dict.fromkeys(
            AdSlot.Placement.values, 1
        )
        assert all(ad.image.alt_text is not None for found in ads.values() for ad in found)


def test_an_ad_starts_by_its_time_after_the_shared_cache_lost_the_schedule(
    client, pages, monkeypatch
):
    starts = timezone.now() + timedelta(hours=1)
    AdSlotFactory(placement=AdSlot.Placement.SIDEBAR, text=AD_TEXT, starts_at=starts)
    pagecache.refresh_generation()
    # The shared cache loses the generation (an eviction, a restart): the next reader
    # starts one that knows no schedule, and the ads read under it are kept briefly.
    pagecache.cache.delete(pagecache.GENERATION_KEY)
    pagecache.listener.forget_all()
    assert AD_TEXT not in client.get(pages["section"]).text

    two_hours_on = SimpleNamespace(
        time=lambda: time.time(), monotonic=lambda: time.monotonic() + 2 * 3600
    )
    with time_machine.travel(starts + timedelta(seconds=1)):
        monkeypatch.setattr(pagecache, "time", two_hours_on)
        assert AD_TEXT in client.get(pages["section"]).text


@pytest.mark.parametrize("address", ["", "/leger"])
def test_an_ad_without_text_or_alt_text_still_names_its_link(client, pages, address):
    """An ad made of a photo without alt text (or of nothing but its link) is no empty
    link: the advertiser's name (else the ad's) is its text, on full and light pages."""
    AdSlotFactory(
        placement=AdSlot.Placement.ARTICLE,
        text="",
        image=ImageFactory(alt_text=""),
        advertiser="Brasserie du Golfe",
    )
    AdSlotFactory(placement=AdSlot.Placement.SIDEBAR, name="Annonce sans rien", text="")
    # Its photo's renditions not made yet (the task queue's work): no photo to show.
    waiting = ImageFactory(alt_text="Bannière de la foire")
    type(waiting).objects.filter(pk=waiting.pk).update(renditions=[])
    AdSlotFactory(placement=AdSlot.Placement.HOME, text="", image=waiting, advertiser="Foire")
    html = client.get(address + pages["article"]).text
    links = re.findall(r'<a [^>]*class="ad-link">(.*?)</a>', html, re.S)
    assert len(links) == 2
    names = [re.sub(r"<[^>]+>|\s+", " ", link).strip() for link in links]
    assert "Brasserie du Golfe" in names and "Annonce sans rien" in names
    home = client.get(address + "/").text
    home_links = re.findall(r'<a [^>]*class="ad-link">(.*?)</a>', home, re.S)
    assert any("Foire" in link for link in home_links)
