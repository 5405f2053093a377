"""The search page: what readers find, in which order, and what they can never break."""

import re
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from taggit.models import Tag

from articles.discovery import search
from articles.discovery.search import MARK_END, MARK_START, clean_query, render_snippet
from articles.models import Article, content_written
from tests.factories import ArticleFactory

from .conftest import postgresql_only
from .pages import read_page

pytestmark = pytest.mark.django_db

SEARCH = "/recherche/"


def found_titles(client, **params):
    response = client.get(SEARCH, params)
    assert response.status_code == 200
    return [article.title for article in response.context["articles"]]


def test_accents_and_capitals_do_not_matter(client, sections):
    ArticleFactory(title="Une élection sans surprise", section=sections["benin"])
    assert found_titles(client, q="election") == ["Une élection sans surprise"]
    assert found_titles(client, q="ÉLECTION") == ["Une élection sans surprise"]


def test_a_word_is_not_found_inside_another_word(client, sections):
    ArticleFactory(title="La sélection nationale en stage", section=sections["benin"])
    ArticleFactory(title="Élections municipales à Porto-Novo", section=sections["benin"])
    assert found_titles(client, q="election") == ["Élections municipales à Porto-Novo"]
    response = client.get(SEARCH, {"q": "election"})
    assert f"{MARK_START}" not in response.text  # markers never reach the page
    assert "<mark>Élections</mark>" in response.text


def test_plural_finds_singular_and_singular_finds_plural(client, sections):
    ArticleFactory(title="Les inondations à Cotonou", section=sections["benin"])
    ArticleFactory(title="Une élection disputée", section=sections["monde"])
    assert found_titles(client, q="inondation") == ["Les inondations à Cotonou"]
    assert found_titles(client, q="élections") == ["Une élection disputée"]


@postgresql_only
def test_french_stemming_matches_other_forms_of_a_word(client, sections):
    ArticleFactory(title="Les présidentielles approchent", section=sections["benin"])
    ArticleFactory(title="Le gouvernement démissionne", section=sections["benin"])
    assert found_titles(client, q="présidentiel") == ["Les présidentielles approchent"]
    assert found_titles(client, q="démissionner") == ["Le gouvernement démissionne"]


@postgresql_only
def test_quoted_phrase_and_excluded_word(client, sections):
    ArticleFactory(title="Le ministre des finances présente le budget", section=sections["benin"])
    ArticleFactory(title="Les finances du ministre", section=sections["benin"])
    assert found_titles(client, q='"ministre des finances"') == [
        "Le ministre des finances présente le budget"
    ]
    assert found_titles(client, q="finances -budget") == ["Les finances du ministre"]


def test_title_outranks_standfirst_outranks_body_outranks_tags(client, sections):
    now = timezone.now()
    # Newest first in creation, so that only the weights can give the expected order.
    ArticleFactory(
        title="Dans les tags",
        standfirst="Rien.",
        body="<p>Rien.</p>",
        tags=["Paludisme"],
        section=sections["benin"],
        published_at=now - timedelta(hours=1),
    )
    ArticleFactory(
        title="Dans le corps",
        standfirst="Rien.",
        body="<p>Le paludisme recule.</p>",
        section=sections["benin"],
        published_at=now - timedelta(hours=2),
    )
    ArticleFactory(
        title="Dans le chapeau",
        standfirst="Le paludisme recule.",
        section=sections["benin"],
        published_at=now - timedelta(hours=3),
    )
    ArticleFactory(
        title="Le paludisme recule",
        standfirst="Rien.",
        section=sections["benin"],
        published_at=now - timedelta(hours=4),
    )
    assert found_titles(client, q="paludisme") == [
        "Le paludisme recule",
        "Dans le chapeau",
        "Dans le corps",
        "Dans les tags",
    ]
    # Newest first on request.
    assert found_titles(client, q="paludisme", sort="date")[0] == "Dans les tags"


def test_only_published_articles_are_found(client, article, hidden_articles):
    assert found_titles(client, q="élection") == [article.title]


def test_section_filter_includes_subsections(client, sections):
    ArticleFactory(title="Coton au Bénin", section=sections["benin"])
    ArticleFactory(title="Coton dans le monde", section=sections["monde"])
    assert found_titles(client, q="coton", section="afrique") == ["Coton au Bénin"]
    assert found_titles(client, q="coton", section="monde") == ["Coton dans le monde"]


def test_date_filter_leaves_out_older_articles(client, sections):
    ArticleFactory(title="Coton récent", section=sections["benin"])
    ArticleFactory(
        title="Coton ancien",
        section=sections["benin"],
        published_at=timezone.now() - timedelta(days=40),
    )
    assert found_titles(client, q="coton", period="7d") == ["Coton récent"]
    assert sorted(found_titles(client, q="coton")) == ["Coton ancien", "Coton récent"]


def test_results_are_paginated_and_the_next_page_keeps_the_query(client, sections, settings):
    for n in range(25):
        ArticleFactory(title=f"Récolte numéro {n}", section=sections["benin"])
    response = client.get(SEARCH, {"q": "récolte", "section": "benin"})
    assert len(response.context["articles"]) == 20
    assert "1 of 2" in response.text or "1 sur 2" in response.text
    assert 'href="?q=r%C3%A9colte&amp;section=benin&amp;page=2"' in response.text
    assert len(client.get(SEARCH, {"q": "récolte", "page": "2"}).context["articles"]) == 5
    # Out of range: the last page; garbage: the first. Never a 404 or a 500.
    assert len(client.get(SEARCH, {"q": "récolte", "page": "999"}).context["articles"]) == 5
    assert len(client.get(SEARCH, {"q": "récolte", "page": "abc"}).context["articles"]) == 20


def test_matches_are_highlighted_in_title_and_snippet(client, article):
    response = client.get(SEARCH, {"q": "Cotonou"})
    assert "<mark>Cotonou</mark>" in response.text
    response = client.get(SEARCH, {"q": "election"})
    assert "<mark>Élection</mark>" in response.text


def test_snippets_escape_the_article(client, sections):
    ArticleFactory(
        title='Le <b onmouseover="alert(1)">scrutin</b> & la <script>x</script> fraude',
        standfirst="Un scrutin <img src=x onerror=alert(2)> contesté.",
        section=sections["benin"],
    )
    page = client.get(SEARCH, {"q": "scrutin"}).text
    assert "<mark>scrutin</mark>" in page
    for injected in ("<b onmouseover", "<script>x", "<img src=x"):
        assert injected not in page
    assert "Le &lt;b onmouseover=&quot;" in page


def test_the_query_is_escaped_wherever_the_page_repeats_it(client, article):
    query = '"><img src=y onerror=alert(3)><script>alert(4)</script>'
    page = client.get(SEARCH, {"q": query}).text
    assert "<img src=y" not in page and "<script>alert(4)" not in page
    assert "&quot;&gt;&lt;img src=y onerror=alert(3)&gt;" in page


def test_markers_in_content_cannot_unbalance_the_highlights():
    html = render_snippet(f"a {MARK_END}b{MARK_START} <c> {MARK_START}{MARK_START}d")
    assert str(html) == "a b<mark> &lt;c&gt; d</mark>"


@pytest.mark.parametrize(
    "query",
    [
        '"',
        "'",
        '"élection',
        "élection & | ! <-> :* ( ) \\",
        "'; DROP TABLE articles_article; --",
        "1' OR '1'='1",
        "\x00élection\x00",
        "élection\x07\x1b[31m\u200b\u202e",
        "é" * 10_000,
        "élection " * 2_000,
        "le la les de des",
        "-",
        "!!!",
        "*",
        "%",
        "_",
        "\ue000élection\ue001",
    ],
)
def test_hostile_queries_give_results_or_an_empty_page(client, article, query):
    response = client.get(SEARCH, {"q": query})
    assert response.status_code == 200
    assert Article.objects.filter(pk=article.pk).exists()


def test_invalid_utf8_and_bad_filters_are_ignored(client, article):
    response = client.get(
        SEARCH + "?q=%ED%A0%80%FF%C3&section=%00nope&period=forever&sort=%27&page=-1"
    )
    assert response.status_code == 200
    response = client.get(SEARCH, {"q": "élection", "section": "nope", "period": "x"})
    assert [a.title for a in response.context["articles"]] == [article.title]


def test_query_is_cleaned_of_control_characters_and_capped():
    assert clean_query("\x00a\tb\x1fc\u200bd") == "a b c d"
    assert len(clean_query("x" * 10_000)) == 200
    assert clean_query(None) == ""


def test_empty_results_say_what_to_do_next(client, article):
    response = client.get(SEARCH, {"q": "zzzyx", "section": "monde"})
    page = response.text
    assert "zzzyx" in page
    assert 'href="/recherche/?q=zzzyx"' in page  # the same search without filters
    assert 'href="/"' in page


def test_page_without_query_invites_to_search_and_may_be_indexed(client):
    page = read_page(client.get(SEARCH))
    assert page.first("robots") is None
    assert page.h1


@pytest.mark.parametrize(
    "params", [{"q": "sommet"}, {"q": ""}, {"section": "monde"}, {"sort": "oldest"}, {"page": "2"}]
)
def test_results_are_kept_out_of_search_engines(client, params):
    # Site search results are endless combinations of words, and a spammer can link to
    # one with words of their own: never indexed, whatever the parameters.
    page = read_page(client.get(SEARCH, params))
    assert page.first("robots") == "noindex, follow"


def test_header_has_a_search_box_on_every_page(client, article):
    for url in ("/", article.get_absolute_url(), "/rubrique/afrique/"):
        text = client.get(url).text
        assert 'role="search"' in text
        assert 'action="/recherche/"' in text and 'name="q"' in text


def test_search_page_query_count(client, article, django_assert_max_num_queries):
    # Section tree (cold cache), the matching ids (PostgreSQL), the count, the page.
    with django_assert_max_num_queries(4):
        assert client.get(SEARCH, {"q": "élection", "section": "afrique"}).status_code == 200


@postgresql_only
def test_search_vector_follows_title_and_tag_changes(client, article):
    assert found_titles(client, q="législatives") == []
    article.title = "Législatives : le Bénin vote"
    article.save()
    assert found_titles(client, q="législatives") == [article.title]

    article.tags.add("Décentralisation")
    assert found_titles(client, q="decentralisation") == [article.title]
    article.tags.remove("Décentralisation")
    assert found_titles(client, q="decentralisation") == []

    tag = Tag.objects.get(name="Politique")
    tag.name = "Gouvernance"
    tag.save()
    assert found_titles(client, q="gouvernance") == [article.title]


@postgresql_only
def test_search_vector_is_weighted(article):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT search_vector::text FROM articles_article WHERE id = %s", [article.pk]
        )
        vector = cursor.fetchone()[0]
    assert "'presidentiel':2A" in vector  # title, accent folded, stemmed
    assert "'cotonou':" in vector and "C" in vector.split("'cotonou':")[1].split(" ")[0]
    assert re.search(r"'polit':\d+( |$)", vector)  # tag, weight D (printed without letter)


@postgresql_only
def test_update_search_vectors_command_rebuilds_every_vector(client, article):
    # The database does not let a write clear a vector (migration 0009's trigger)…
    Article.objects.update(search_vector=None)
    assert found_titles(client, q="cotonou") == [article.title]
    # …so the command is for vectors cleared behind its back (or a new configuration).
    with connection.cursor() as cursor:
        # As a replica applies rows: ordinary triggers do not fire.
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute("UPDATE articles_article SET search_vector = NULL")
        cursor.execute("SET LOCAL session_replication_role = DEFAULT")
    content_written()  # what code writing with SQL calls after it
    assert found_titles(client, q="cotonou") == []
    call_command("update_search_vectors", stdout=StringIO())
    assert found_titles(client, q="cotonou") == [article.title]


@postgresql_only
def test_a_very_common_word_ranks_the_newest_matches_and_says_so(client, sections, monkeypatch):
    monkeypatch.setattr(search, "MAX_RESULTS", 3)
    now = timezone.now()
    for hours in range(5):
        ArticleFactory(
            title=f"Marché {hours}",
            section=sections["benin"],
            published_at=now - timedelta(hours=hours + 1),
        )
    response = client.get(SEARCH, {"q": "marché"})
    assert sorted(a.title for a in response.context["articles"]) == [
        "Marché 0",
        "Marché 1",
        "Marché 2",
    ]
    assert "Ajoutez un mot ou un filtre" in response.text
