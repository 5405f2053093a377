"""Corrections, clarifications and updates: on the article page, in its JSON-LD, on the
public corrections page and in its feed."""

from datetime import timedelta
from email.utils import parsedate_to_datetime

import pytest
from django.utils import timezone

from articles.models import Article, Correction
from tests.factories import ArticleFactory

from .pages import parse_xml, read_page

pytestmark = pytest.mark.django_db

Kind = Correction.Kind
ATOM = "{http://www.w3.org/2005/Atom}"
SITE = "http://127.0.0.1:8000"


def correct(article, kind, text, ago=timedelta(0)):
    return Correction.objects.create(
        article=article, kind=kind, text=text, published_at=timezone.now() - ago
    )


@pytest.fixture
def corrected(article):
    """The article with one note of each kind, oldest first: correction, clarification,
    update."""
    notes = [
        correct(article, Kind.CORRECTION, "Le taux était de 62 %, pas 26 %.", timedelta(hours=3)),
        correct(article, Kind.CLARIFICATION, "Il s’agit du premier tour.", timedelta(hours=2)),
        correct(article, Kind.UPDATE, "Les résultats provisoires sont tombés.", timedelta(hours=1)),
    ]
    return article, notes


# On the article page ---------------------------------------------------------------


def test_each_correction_shows_its_type_on_the_article_page(client, corrected):
    article, notes = corrected
    html = client.get(article.get_absolute_url()).text
    for note, label in zip(notes, ["Correction", "Précision", "Mise à jour"], strict=True):
        assert (
            f'<li id="correction-{note.pk}"><strong class="correction-kind">{label}</strong>'
            in html
        )
    english = client.get("/en" + article.get_absolute_url()).text
    assert '<strong class="correction-kind">Clarification</strong>' in english


def test_json_ld_tells_corrections_and_clarifications_from_updates(client, corrected):
    article, notes = corrected
    [data, _breadcrumbs] = read_page(client.get(article.get_absolute_url())).json_ld
    assert [(c["@type"], c["name"], c["text"]) for c in data["correction"]] == [
        ("CorrectionComment", "Correction", notes[0].text),
        ("CorrectionComment", "Précision", notes[1].text),
    ]
    # The update is no correction: it moves dateModified, to its own date.
    assert (
        data["dateModified"]
        == timezone.localtime(notes[2].published_at).replace(microsecond=0).isoformat()
    )


def test_an_update_alone_makes_no_correction_in_json_ld(client, article):
    update = correct(article, Kind.UPDATE, "Le décompte est terminé.")
    [data, _breadcrumbs] = read_page(client.get(article.get_absolute_url())).json_ld
    assert "correction" not in data
    assert (
        data["dateModified"]
        == timezone.localtime(update.published_at).replace(microsecond=0).isoformat()
    )


def test_a_correction_within_the_hour_shows_the_updated_line(client, sections):
    article = ArticleFactory(
        section=sections["benin"], published_at=timezone.now() - timedelta(minutes=20)
    )
    page = client.get(article.get_absolute_url()).text
    assert "mis à jour le" not in page

    correction = correct(article, Kind.CORRECTION, "Le nom du ministre était mal écrit.")
    page = client.get(article.get_absolute_url()).text
    moment = timezone.localtime(correction.published_at)
    assert f'<time class="article-updated" datetime="{moment.isoformat()}">' in page
    assert "mis à jour le" in page
    assert f'(<a href="#correction-{correction.pk}">correction</a>)' in page


def test_the_updated_line_names_the_latest_note_and_its_type(client, corrected):
    article, notes = corrected
    page = client.get(article.get_absolute_url()).text
    moment = timezone.localtime(notes[2].published_at)
    assert f'<time class="article-updated" datetime="{moment.isoformat()}">' in page
    assert f'(<a href="#correction-{notes[2].pk}">mise à jour</a>)' in page


def test_a_later_edit_of_substance_shows_as_itself(client, sections):
    now = timezone.now()
    article = ArticleFactory(section=sections["benin"], published_at=now - timedelta(hours=5))
    correct(article, Kind.CLARIFICATION, "Précision sur le lieu.", timedelta(hours=4))
    Article.objects.filter(pk=article.pk).update(updated_at=now)
    page = client.get(article.get_absolute_url()).text
    assert f'datetime="{timezone.localtime(now).isoformat()}"' in page
    assert "précision</a>)" not in page


# The corrections page --------------------------------------------------------------


def test_the_corrections_page_lists_live_articles_corrections_newest_first(
    client, corrected, hidden_articles
):
    article, notes = corrected
    for hidden in hidden_articles:
        correct(hidden, Kind.CORRECTION, f"Secret : {hidden.title}")
    response = client.get("/corrections/")
    assert response.status_code == 200
    html = response.text
    assert "Secret" not in html
    positions = [html.index(note.text) for note in reversed(notes)]
    assert positions == sorted(positions)  # newest first
    assert f'href="{article.get_absolute_url()}#correction-{notes[0].pk}"' in html
    for label in ("Correction", "Précision", "Mise à jour"):
        assert f'<strong class="correction-kind">{label}</strong>' in html
    page = read_page(response)
    assert page.h1 == ["Corrections"]
    assert '<a href="/corrections/">Corrections</a>' in client.get("/").text  # the footer


def test_the_corrections_page_in_english(client, corrected):
    response = client.get("/en/corrections/")
    assert response.status_code == 200
    assert '<strong class="correction-kind">Clarification</strong>' in response.text


def test_the_corrections_page_is_paginated_and_404s_on_bad_pages(client, article, settings):
    for n in range(settings.ARTICLES_PER_PAGE + 1):
        correct(article, Kind.CORRECTION, f"Erreur numéro {n}.", timedelta(minutes=n))
    first = client.get("/corrections/").text
    assert (
        "Erreur numéro 0." in first and f"Erreur numéro {settings.ARTICLES_PER_PAGE}." not in first
    )
    second = client.get("/corrections/?page=2").text
    assert f"Erreur numéro {settings.ARTICLES_PER_PAGE}." in second
    for bad in ("abc", "3", "0", "-1", "99999"):
        assert client.get(f"/corrections/?page={bad}").status_code == 404, bad


def test_a_new_correction_shows_at_once_on_the_cached_page(client, article):
    client.get("/corrections/")
    assert client.get("/corrections/")["X-Page-Cache"] == "hit"
    correct(article, Kind.UPDATE, "Un bilan plus lourd.")
    assert "Un bilan plus lourd." in client.get("/corrections/").text
    correction = Correction.objects.get(article=article)
    correction.text = "Un bilan revu."
    correction.save()
    assert "Un bilan revu." in client.get("/corrections/").text
    correction.delete()
    assert "Un bilan revu." not in client.get("/corrections/").text


def test_an_unpublished_article_takes_its_corrections_off_the_page(client, article):
    correct(article, Kind.CORRECTION, "Une erreur de date.")
    assert "Une erreur de date." in client.get("/corrections/").text
    article.status = Article.Status.DRAFT
    article.save()
    assert "Une erreur de date." not in client.get("/corrections/").text


def test_the_corrections_page_is_in_the_sitemap_once_there_is_one(client, article):
    index = client.get("/sitemap-pages.xml").text
    assert "/corrections/" not in index
    correct(article, Kind.CORRECTION, "Une erreur.")
    assert f"{SITE}/corrections/</loc>" in client.get("/sitemap-pages.xml").text


# The corrections feed --------------------------------------------------------------


def test_the_corrections_rss_feed(client, corrected, hidden_articles):
    article, notes = corrected
    correct(hidden_articles[0], Kind.CORRECTION, "Secret.")
    response = client.get("/flux/corrections/rss/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    channel = parse_xml(response).find("channel")
    assert channel.findtext("link") == f"{SITE}/corrections/"
    items = channel.findall("item")
    assert [item.findtext("description") for item in items] == [n.text for n in reversed(notes)]
    newest = items[0]
    assert newest.findtext("title") == f"Mise à jour\u00a0: {article.title}"
    assert newest.findtext("link") == f"{SITE}{article.get_absolute_url()}#correction-{notes[2].pk}"
    assert newest.find("guid").text.endswith(f"correction/{notes[2].pk}")
    assert parsedate_to_datetime(newest.findtext("pubDate")) == notes[2].published_at.replace(
        microsecond=0
    )
    assert [c.text for c in newest.findall("category")] == ["Mise à jour"]


def test_the_corrections_atom_feed(client, corrected):
    _article, notes = corrected
    response = client.get("/en/flux/corrections/atom/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = parse_xml(response)
    entries = feed.findall(f"{ATOM}entry")
    assert [entry.findtext(f"{ATOM}summary") for entry in entries] == [
        n.text for n in reversed(notes)
    ]
    assert entries[1].findtext(f"{ATOM}title").startswith("Clarification: ")


def test_the_corrections_page_links_its_feeds(client, article):
    page = read_page(client.get("/corrections/"))
    feeds = {link["href"] for link in page.links if link.get("rel") == "alternate"}
    assert {"/flux/corrections/rss/", "/flux/corrections/atom/"} <= feeds


@pytest.mark.django_db(transaction=True)
def test_the_migration_makes_existing_notes_corrections():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    written = ArticleFactory()  # with today's models, before going back
    before = [("articles", "0017_send_back_reason")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    OldCorrection = executor.loader.project_state(before).apps.get_model("articles", "Correction")
    OldCorrection.objects.create(article_id=written.pk, text="Une erreur d’avant les types.")

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    assert Correction.objects.get(article=written).kind == Kind.CORRECTION
