"""Cards in lists ask for a thumbnail-sized photo on phones (the smallest rendition) and
keep their section label; the home page's lead story asks for a large one. How many
show per screen is measured in Chromium (tests/browser/test_phone_lists.py)."""

import re

import pytest

from tests.factories import ArticleFactory, ImageFactory

pytestmark = pytest.mark.django_db

PHONE_THUMBNAIL = "(max-width: 575.98px) 6.5rem, "
CARD = re.compile(r'<article class="card-article[^"]*">.*?</article>', re.S)


@pytest.fixture
def photographed(site):
    """Every article of the site with a photo, and a few more."""
    for number in range(4):
        ArticleFactory(
            title=f"Le port de Cotonou en chiffres {number}",
            section=site["benin"],
            hero_image=site["image"],
            tags=["CEDEAO"],
            authors=[site["author"]],
        )
    site["neighbour"].hero_image = ImageFactory()
    site["neighbour"].save()
    return site


def cards(html):
    return CARD.findall(html)


def sizes_of(card):
    return set(re.findall(r'sizes="([^"]*)"', card))


def test_the_home_lead_is_large_and_every_other_card_compact(client, photographed):
    found = cards(client.get("/").text)
    leads = [card for card in found if "card-article-lead" in card]
    assert len(leads) == 1
    assert all(not size.startswith(PHONE_THUMBNAIL) for size in sizes_of(leads[0]))
    others = [card for card in found if "card-article-lead" not in card]
    assert others
    for card in others:
        assert 'class="section-label"' in card
        if "<img" in card:
            assert all(size.startswith(PHONE_THUMBNAIL) for size in sizes_of(card))
            assert re.search(r'<img [^>]*width="\d+" height="\d+"', card)


@pytest.mark.parametrize("name", ["section", "tag", "author", "related"])
def test_list_cards_ask_for_a_thumbnail_on_phones(client, photographed, name):
    url = {
        "section": photographed["afrique"].get_absolute_url(),
        "tag": "/tag/cedeao/",
        "author": photographed["author"].get_absolute_url(),
        "related": photographed["article"].get_absolute_url(),
    }[name]
    html = client.get(url).text
    if name == "related":
        html = re.search(r'<section id="related".*?</section>', html, re.S).group(0)
    found = cards(html)
    assert found and all("card-article-lead" not in card for card in found)
    with_photo = [card for card in found if "<img" in card]
    assert with_photo
    for card in with_photo:
        assert all(size.startswith(PHONE_THUMBNAIL) for size in sizes_of(card)), card
        assert 'class="section-label"' in card


def test_search_results_ask_for_a_thumbnail_on_phones(client, photographed):
    html = client.get("/recherche/", {"q": "cotonou"}).text
    results = re.findall(r'<li class="search-result">.*?</li>', html, re.S)
    assert len(results) >= 4
    for result in results:
        assert 'class="section-label"' in result
        if "<img" in result:
            assert sizes_of(result) == {"(max-width: 575.98px) 5rem, 10rem"}
