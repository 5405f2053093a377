"""The search page's order: what each sort does, and what it calls the next page.

Relevance has no « older » page: its links say « Page précédente » / « Page suivante »;
newest first goes on to « Plus anciens », oldest first to « Plus récents ». A sort the
page does not know is relevance, never an error.
"""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from articles.discovery import search
from tests.factories import ArticleFactory

from .conftest import postgresql_only

pytestmark = pytest.mark.django_db

SEARCH = "/recherche/"
ENGLISH_SEARCH = "/en/recherche/"


@pytest.fixture
def harmattan(sections, settings):
    """Five articles about the harmattan, one an hour: two pages of two (and one)."""
    settings.ARTICLES_PER_PAGE = 2
    now = timezone.now()
    return [
        ArticleFactory(
            title=f"Harmattan {n}",
            # The second newest matches in its title twice: the most relevant.
            standfirst="Le harmattan souffle, le harmattan dure." if n == 1 else "Vent sec.",
            section=sections["benin"],
            published_at=now - timedelta(hours=n + 1),
        )
        for n in range(5)
    ]


def page_links(html):
    """{rel: link text} of the pagination's neighbouring pages."""
    nav = re.search(r'<nav aria-label="Pages".*?</nav>', html, re.S)
    if nav is None:
        return {}
    return dict(re.findall(r'rel="(prev|next)" href="[^"]*">([^<]+)</a>', nav.group(0)))


def titles(response):
    return [article.title for article in response.context["articles"]]


def selected_sort(html):
    select = re.search(r'<select id="search-sort".*?</select>', html, re.S).group(0)
    return re.findall(r'<option value="([^"]*)" selected>', select)


@pytest.mark.parametrize(
    ("sort", "first_page", "second_page"),
    [
        (
            "relevance",
            {"next": "Page suivante"},
            {"prev": "Page précédente", "next": "Page suivante"},
        ),
        ("date", {"next": "Plus anciens"}, {"prev": "Plus récents", "next": "Plus anciens"}),
        ("oldest", {"next": "Plus récents"}, {"prev": "Plus anciens", "next": "Plus récents"}),
    ],
)
def test_each_sort_names_its_next_and_previous_pages(
    client, harmattan, sort, first_page, second_page
):
    first = client.get(SEARCH, {"q": "harmattan", "sort": sort})
    assert first.status_code == 200
    assert page_links(first.text) == first_page
    assert selected_sort(first.text) == [sort]
    second = client.get(SEARCH, {"q": "harmattan", "sort": sort, "page": 2})
    assert page_links(second.text) == second_page
    # The link to the next page keeps the order.
    assert f"sort={sort}" in re.search(r'rel="next" href="([^"]*)"', first.text).group(1)


def test_relevance_never_says_older_or_newer(client, harmattan):
    for params in ({"q": "harmattan"}, {"q": "harmattan", "sort": "relevance"}):
        for page in (1, 2, 3):
            html = client.get(SEARCH, {**params, "page": page}).text
            nav = re.search(r'<nav aria-label="Pages".*?</nav>', html, re.S).group(0)
            assert "Plus anciens" not in nav and "Plus récents" not in nav


def test_the_english_page_names_its_pages_too(client, harmattan):
    relevance = client.get(ENGLISH_SEARCH, {"q": "harmattan"})
    assert page_links(relevance.text) == {"next": "Next page"}
    newest = client.get(ENGLISH_SEARCH, {"q": "harmattan", "sort": "date"})
    assert page_links(newest.text) == {"next": "Older"}
    oldest = client.get(ENGLISH_SEARCH, {"q": "harmattan", "sort": "oldest"})
    assert page_links(oldest.text) == {"next": "Newer"}


def test_newest_and_oldest_first_sort_by_date(client, harmattan, settings):
    settings.ARTICLES_PER_PAGE = 20
    newest = [f"Harmattan {n}" for n in range(5)]
    assert titles(client.get(SEARCH, {"q": "harmattan", "sort": "date"})) == newest
    assert titles(client.get(SEARCH, {"q": "harmattan", "sort": "oldest"})) == newest[::-1]
    by_relevance = titles(client.get(SEARCH, {"q": "harmattan"}))
    assert by_relevance[0] == "Harmattan 1"
    assert sorted(by_relevance) == sorted(newest)


def test_the_sort_menu_offers_the_three_orders_in_french(client, harmattan):
    html = client.get(SEARCH, {"q": "harmattan"}).text
    select = re.search(r'<select id="search-sort".*?</select>', html, re.S).group(0)
    assert re.findall(r'<option value="([^"]*)"[^>]*>([^<]+)</option>', select) == [
        ("relevance", "Pertinence"),
        ("date", "Plus récents d’abord"),
        ("oldest", "Plus anciens d’abord"),
    ]
    assert selected_sort(html) == ["relevance"]


@pytest.mark.parametrize("sort", ["relevance", "date", "oldest", "", "bogus"])
def test_without_a_query_any_sort_invites_to_search(client, harmattan, sort):
    response = client.get(SEARCH, {"sort": sort})
    assert response.status_code == 200
    assert titles(response) == []
    assert 'aria-label="Pages"' not in response.text


@pytest.mark.parametrize(
    "sort",
    [
        "bogus",
        "DATE",
        "-published_at",
        "rank; DROP TABLE articles_article",
        "%00",
        "\x00",
        "é" * 500,
    ],
)
def test_a_sort_the_page_does_not_know_is_relevance(client, harmattan, sort):
    response = client.get(SEARCH, {"q": "harmattan", "sort": sort})
    assert response.status_code == 200
    assert titles(response) == titles(client.get(SEARCH, {"q": "harmattan"}))
    assert page_links(response.text) == {"next": "Page suivante"}
    # The menu says which order the page applied.
    assert selected_sort(response.text) == ["relevance"]


def test_repeated_or_raw_sort_parameters_never_fail(client, harmattan):
    for query_string in (
        "q=harmattan&sort=date&sort=oldest",
        "q=harmattan&sort[]=date",
        "q=harmattan&sort=%FF%FE",
        "q=harmattan&sort",
        "sort=oldest&page=abc",
    ):
        assert client.get(f"{SEARCH}?{query_string}").status_code == 200, query_string


@postgresql_only
def test_many_matches_say_which_ones_are_shown_for_each_order(client, sections, monkeypatch):
    monkeypatch.setattr(search, "MAX_RESULTS", 3)
    now = timezone.now()
    for hours in range(5):
        ArticleFactory(
            title=f"Marché {hours}",
            section=sections["benin"],
            published_at=now - timedelta(hours=hours + 1),
        )
    relevance = client.get(SEARCH, {"q": "marché"})
    assert "voici les plus pertinents des 3 plus récents" in relevance.text
    newest = client.get(SEARCH, {"q": "marché", "sort": "date"})
    assert titles(newest) == ["Marché 0", "Marché 1", "Marché 2"]
    assert "voici les 3 plus récents" in newest.text
    oldest = client.get(SEARCH, {"q": "marché", "sort": "oldest"})
    assert titles(oldest) == ["Marché 4", "Marché 3", "Marché 2"]
    assert "voici les 3 plus anciens" in oldest.text
