"""Lists on a 390 × 844 phone: compact cards, five stories or more per screen, a small
thumbnail beside each title (the smallest rendition), the lead story large; and no axe
violation on the pages whose lists and ads changed, every ad placement live."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from articles.models import AdSlot
from tests.factories import (
    AdSlotFactory,
    ArticleFactory,
    AuthorFactory,
    ImageFactory,
    SectionFactory,
)

from .conftest import DESKTOP
from .test_accessibility import AXE, RUN_AXE

pytestmark = pytest.mark.django_db(transaction=True)

# Titles as long as the longest tenth of the demo's (75 characters and more).
TITLES = [
    "Présidentielle au Bénin : la commission électorale publie la liste des candidats",
    "Port de Cotonou : le trafic de conteneurs progresse de 4 % sur l’ensemble de l’année",
    "Niamey et Cotonou relancent le chantier du corridor ferroviaire après deux ans d’arrêt",
    "Coton : les producteurs du Borgou attendent une hausse du prix d’achat avant la récolte",
    "Santé : la campagne de vaccination contre la rougeole atteint les villages du Nord",
    "Éducation : les enseignants contractuels suspendent leur grève jusqu’à la rentrée",
]

# Fully inside the viewport (to a pixel: scrolling leaves fractions): the stories a
# reader sees whole without scrolling.
COUNT_VISIBLE = """(selector) => [...document.querySelectorAll(selector)].filter((el) => {
  const box = el.getBoundingClientRect();
  return box.height > 0 && box.top > -1 && box.bottom < window.innerHeight + 1;
}).length"""


@pytest.fixture
def lists_site(db):
    politique = SectionFactory(name="Politique", slug="politique", position=1)
    others = [
        SectionFactory(name=name, slug=slug, position=position)
        for position, (name, slug) in enumerate(
            [("Économie", "economie"), ("Société", "societe"), ("Sport", "sport")], start=2
        )
    ]
    author = AuthorFactory(name="Awa Diallo")
    photos = [ImageFactory(alt_text=f"Photo {n}") for n in range(3)]
    now = timezone.now()
    articles = []
    for number in range(30):
        articles.append(
            ArticleFactory(
                title=f"{TITLES[number % len(TITLES)]} ({number})",
                section=politique if number % 2 else others[number % 3],
                hero_image=photos[number % 3],
                tags=["élections"],
                authors=[author],
                is_breaking=number == 3,
                published_at=now - timedelta(hours=number + 1),
            )
        )
    for placement in AdSlot.Placement.values:
        AdSlotFactory(
            placement=placement,
            text=f"Annonce {placement}",
            image=ImageFactory(alt_text=f"Bannière {placement}"),
        )
    return {"politique": politique, "author": author, "articles": articles}


def wait_for_at_least(page, first, selector, minimum):
    """Scroll `first` (a locator) to the top of the screen and wait until `minimum`
    elements matching `selector` are whole on the screen (or time out); return how many
    are. The scroll is made again at each try: photos loading above may move the list."""
    page.wait_for_function(
        """([el, selector, minimum]) => {
             el.scrollIntoView({block: "start", behavior: "instant"});
             return Math.abs(el.getBoundingClientRect().top) < 2
               && ("""
        + COUNT_VISIBLE
        + """)(selector) >= minimum;
           }""",
        arg=[first.element_handle(), selector, minimum],
    )
    return page.evaluate(COUNT_VISIBLE, selector)


def test_a_section_shows_five_stories_a_screen(page, lists_site, artifacts):
    page.goto(lists_site["politique"].get_absolute_url())
    cards = page.locator(".card-grid .card-article")
    expect(cards).to_have_count(15)
    assert wait_for_at_least(page, cards.first, ".card-article", 5) >= 5
    page.screenshot(path=artifacts / "section-phone.png")


def test_compact_cards_have_a_small_thumbnail_beside_the_title(page, lists_site):
    page.goto(lists_site["politique"].get_absolute_url())
    card = page.locator(".card-grid .card-article").first
    thumbnail = card.locator(".card-article-image img")
    expect(thumbnail).to_be_visible()
    # The smallest rendition (360 px wide), with its size reserved: no layout shift.
    expect(thumbnail).to_have_js_property("complete", True)
    page.wait_for_function(
        "(img) => img.currentSrc.endsWith('-360.webp')", arg=thumbnail.element_handle()
    )
    assert thumbnail.get_attribute("width") and thumbnail.get_attribute("height")
    image_box = thumbnail.bounding_box()
    title_box = card.locator(".card-article-title").bounding_box()
    assert image_box["width"] <= 110
    assert image_box["x"] >= title_box["x"] + title_box["width"]  # beside, on the right
    assert image_box["y"] < title_box["y"] + title_box["height"]
    # The section label stays on every card.
    labels = page.locator(".card-grid .card-article .section-label")
    expect(labels).to_have_count(15)
    expect(labels.first).to_be_visible()


def test_the_home_keeps_its_lead_large_and_shows_five_stories_below_it(page, lists_site):
    page.goto("/")
    lead_image = page.locator(".lead-story .card-article-image img")
    expect(lead_image).to_be_visible()
    assert lead_image.bounding_box()["width"] > 300
    # Below the lead: the featured stories, then « À la une »'s latest news.
    featured = page.locator("#featured-title ~ .card-grid .card-article")
    expect(featured).to_have_count(3)
    stories = ".card-article:not(.card-article-lead), .latest-list > li"
    assert wait_for_at_least(page, featured.first, stories, 5) >= 5
    # A section's block on the home page.
    block = page.locator(".section-block .card-article")
    assert wait_for_at_least(page, block.first, ".card-article", 5) >= 5


def test_tag_author_and_search_show_five_stories_a_screen(page, lists_site):
    for url in ("/tag/elections/", lists_site["author"].get_absolute_url()):
        page.goto(url)
        cards = page.locator(".card-grid .card-article")
        expect(cards.first).to_be_visible()
        assert wait_for_at_least(page, cards.first, ".card-article", 5) >= 5, url
    page.goto("/recherche/?q=cotonou")
    results = page.locator(".search-result")
    expect(results.first).to_be_visible()
    assert wait_for_at_least(page, results.first, ".search-result", 5) >= 5
    thumbnail = results.first.locator("img")
    assert thumbnail.bounding_box()["width"] <= 110


def test_related_articles_are_compact_with_their_section_label(page, lists_site):
    article = lists_site["articles"][0]
    page.goto(article.get_absolute_url())
    related = page.locator("#related .card-article")
    expect(related.first).to_be_visible()
    expect(related.first.locator(".section-label")).to_be_visible()
    assert related.first.locator("img").bounding_box()["width"] <= 110


def test_the_sidebar_ad_falls_after_the_list_on_a_phone_and_beside_it_on_a_computer(
    page, lists_site, chromium, live_server
):
    url = lists_site["politique"].get_absolute_url()
    page.goto(url)
    ad = page.locator(".ad-slot", has_text="Annonce sidebar")
    expect(ad).to_have_count(1)
    expect(ad.get_by_text("Publicité", exact=True)).to_be_attached()
    last_card = page.locator(".card-article").last
    assert ad.bounding_box()["y"] > last_card.bounding_box()["y"]

    context = chromium.new_context(viewport=DESKTOP, base_url=live_server.url, locale="fr-FR")
    try:
        desk = context.new_page()
        desk.goto(url)
        ad = desk.locator(".ad-slot", has_text="Annonce sidebar")
        expect(ad).to_be_visible()
        first_card = desk.locator(".card-article").first
        assert (
            ad.bounding_box()["x"]
            > first_card.bounding_box()["x"] + first_card.bounding_box()["width"]
        )
    finally:
        context.close()


def axe(page, path):
    page.goto(path)
    page.evaluate(AXE)
    return page.evaluate(RUN_AXE)


def test_lists_and_ads_have_no_axe_violation_on_a_phone(page, lists_site):
    article = lists_site["articles"][0]
    paths = {
        "home": "/",
        "section": lists_site["politique"].get_absolute_url(),
        "section, page 2": lists_site["politique"].get_absolute_url() + "?page=2",
        "tag": "/tag/elections/",
        "author": lists_site["author"].get_absolute_url(),
        "article": article.get_absolute_url(),
        "search": "/recherche/?q=cotonou",
        "search, oldest first, page 2": "/recherche/?q=cotonou&sort=oldest&page=2",
        "English search": "/en/recherche/?q=cotonou&sort=date",
    }
    found = {name: axe(page, path) for name, path in paths.items()}
    assert {name: v for name, v in found.items() if v} == {}
