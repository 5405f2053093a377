"""Related articles judged by hand: a small newsroom's stories, and for a few of them
which stories « À lire aussi » must show first and which must not come before them.

The corpus is what made the ranking change: stories on an election in Bénin were shown
a summit in Beijing and a film festival, newer stories that shared only the tags every
story carries (« Afrique », « Actualité »). Runs on SQLite and PostgreSQL alike.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.discovery.related import related_articles
from articles.models import Article
from tests.factories import ArticleFactory, SectionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def newsroom():
    now = timezone.now()
    politique = SectionFactory(name="Politique", slug="politique")
    sections = {
        "politique/afrique": SectionFactory(name="Afrique", slug="afrique", parent=politique),
        "politique/france": SectionFactory(name="France", slug="france", parent=politique),
        "economie": SectionFactory(name="Économie", slug="economie"),
        "sport": SectionFactory(name="Sport", slug="sport"),
    }
    international = SectionFactory(name="International", slug="international")
    sections["international/asie"] = SectionFactory(name="Asie", slug="asie", parent=international)
    culture = SectionFactory(name="Culture", slug="culture")
    sections["culture/cinema"] = SectionFactory(name="Cinéma", slug="cinema", parent=culture)
    sections["culture/musique"] = SectionFactory(name="Musique", slug="musique", parent=culture)

    def story(title, section, tags, age, **extra):
        return ArticleFactory(
            title=title,
            section=sections[section],
            tags=tags,
            published_at=now - age,
            **extra,
        )

    day, hour = timedelta(days=1), timedelta(hours=1)
    stories = {
        "benin": story(
            "Bénin : la présidentielle fixée au 12 avril",
            "politique/afrique",
            ["Bénin", "élection", "Afrique", "Actualité"],
            day,
        ),
        "benin-lists": story(
            "Bénin : la commission électorale publie les listes",
            "politique/afrique",
            ["Bénin", "élection", "Afrique"],
            10 * day,
        ),
        "benin-opposition": story(
            "Bénin : l’opposition désigne son candidat",
            "politique/afrique",
            ["Bénin", "élection"],
            40 * day,
        ),
        "niger-vote": story(
            "Niger : les élections locales reportées",
            "politique/afrique",
            ["Niger", "élection", "Afrique"],
            3 * day,
        ),
        "togo-parliament": story(
            "Togo : le Parlement siège en session extraordinaire",
            "politique/afrique",
            ["Togo", "Afrique", "Actualité"],
            2 * hour,
        ),
        "cotonou-port": story(
            "Le port de Cotonou bat son record de trafic",
            "economie",
            ["Bénin", "Afrique", "économie"],
            5 * day,
        ),
        "beijing": story(
            "Pékin accueille un sommet Chine-Afrique",
            "international/asie",
            ["Pékin", "Chine", "Afrique", "Actualité"],
            hour,
        ),
        "china-trade": story(
            "La Chine relance ses exportations",
            "international/asie",
            ["Chine", "économie"],
            20 * day,
        ),
        "tokyo": story("Tokyo se prépare au typhon", "international/asie", ["Japon"], 2 * day),
        "festival": story(
            "Le festival du film de Ouagadougou ouvre ses portes",
            "culture/cinema",
            ["festival", "cinéma", "Afrique", "Actualité"],
            2 * hour,
        ),
        "festival-prize": story(
            "Un film sénégalais primé au festival",
            "culture/cinema",
            ["festival", "cinéma"],
            30 * day,
        ),
        "music-festival": story(
            "Le festival des musiques urbaines affiche complet",
            "culture/musique",
            ["festival", "musique"],
            6 * day,
        ),
        # Neither ever shows: not yet live.
        "benin-draft": story(
            "Bénin : brouillon sur le scrutin",
            "politique/afrique",
            ["Bénin", "élection"],
            day,
            status=Article.Status.DRAFT,
        ),
        "benin-embargo": story(
            "Bénin : les résultats (sous embargo)",
            "politique/afrique",
            ["Bénin", "élection"],
            -day,
        ),
    }
    # The tags every story carries: many newer and older stories elsewhere.
    for n in range(30):
        story(
            f"Brève numéro {n}",
            "sport" if n % 2 else "economie",
            ["Actualité", "Afrique"] if n % 3 else ["Actualité"],
            timedelta(minutes=5 * n + 1) if n < 10 else (60 + n) * day,
        )
    return stories


def titles(stories, names):
    return [stories[name].title for name in names]


def related_titles(article, limit=6):
    tag_ids = [t.pk for t in article.tags.all()]
    return [a.title for a in related_articles(article, tag_ids, limit=limit)]


def test_an_election_in_benin_lists_its_election_stories_first(newsroom):
    got = related_titles(newsroom["benin"])
    # The other stories of the same election, best match first.
    assert got[:2] == titles(newsroom, ["benin-lists", "benin-opposition"])
    # Then the other elections of the section, before anything from other sections.
    assert got[2] == newsroom["niger-vote"].title
    elsewhere = titles(newsroom, ["beijing", "festival"])
    same_section = titles(
        newsroom, ["benin-lists", "benin-opposition", "niger-vote", "togo-parliament"]
    )
    for title in elsewhere:
        if title in got:
            assert all(got.index(near) < got.index(title) for near in same_section)


def test_an_election_in_benin_never_lists_a_draft_or_an_embargoed_story(newsroom):
    got = related_titles(newsroom["benin"], limit=20)
    assert newsroom["benin-draft"].title not in got
    assert newsroom["benin-embargo"].title not in got
    assert newsroom["benin"].title not in got


def test_the_same_country_in_another_section_comes_before_a_mere_common_tag(newsroom):
    got = related_titles(newsroom["benin"], limit=20)
    cotonou = got.index(newsroom["cotonou-port"].title)
    assert all(cotonou < got.index(title) for title in titles(newsroom, ["beijing", "festival"]))


def test_a_film_festival_lists_festivals_before_elections(newsroom):
    got = related_titles(newsroom["festival"])
    assert got[:2] == titles(newsroom, ["festival-prize", "music-festival"])
    for title in titles(newsroom, ["benin", "benin-lists", "niger-vote", "beijing"]):
        assert title not in got[:2]


def test_a_summit_in_beijing_lists_china_then_its_section(newsroom):
    got = related_titles(newsroom["beijing"])
    assert got[:2] == titles(newsroom, ["china-trade", "tokyo"])
    assert newsroom["festival"].title not in got[:2]


def test_the_editors_pick_still_comes_first_however_weak_the_match(newsroom):
    benin = newsroom["benin"]
    benin.related_articles.add(newsroom["festival"], newsroom["tokyo"])
    got = related_titles(benin)
    # The picks, newest first, then the ranking.
    assert got[:3] == titles(newsroom, ["festival", "tokyo", "benin-lists"])


def test_related_cards_keep_their_section_label(client, newsroom):
    response = client.get(newsroom["benin"].get_absolute_url())
    html = response.text
    related = html[html.index('id="related"') :]
    related = related[: related.index("</section>")]
    assert newsroom["benin-lists"].title in related
    # The card's label: its section (« Afrique », under « Politique »).
    assert ">Afrique</a>" in related
