"""Editors choose the front page: the lead story, the featured stories, the pinned stories
of a section block, each until an optional time; readers never see a chosen article
before it is live; journalists cannot change it; the preview saves nothing."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.contrib.admin.models import LogEntry
from django.urls import reverse
from django.utils import timezone, translation

from articles.models import Article, FrontPageBlock, FrontPageChoice
from tests.factories import ArticleFactory, SectionFactory

pytestmark = pytest.mark.django_db

Kind = FrontPageBlock.Kind


@pytest.fixture(autouse=True)
def in_french():
    """The newsroom's admin and pages in French (the admin's addresses have no prefix)."""
    with translation.override("fr"):
        yield


@pytest.fixture
def sections(db):
    return {
        "politique": SectionFactory(name="Politique", slug="politique", position=1),
        "sport": SectionFactory(name="Sport", slug="sport", position=2),
    }


@pytest.fixture
def stories(sections):
    """Six live articles, the newest first: « Dépêche 0 » is one minute old."""
    now = timezone.now()
    return [
        ArticleFactory(
            title=f"Dépêche {n}",
            section=sections["politique"] if n % 2 == 0 else sections["sport"],
            published_at=now - timedelta(minutes=1 + n * 10),
        )
        for n in range(6)
    ]


def choose(kind, *articles, section=None, expires_at=None):
    block, _ = FrontPageBlock.objects.get_or_create(kind=kind, section=section)
    for position, article in enumerate(articles, start=1):
        FrontPageChoice.objects.create(
            block=block, article=article, position=position, expires_at=expires_at
        )
    return block


def lead_title(html):
    lead = re.search(
        r'<div class="lead-story">.*?<h2 class="card-article-title">(.*?)</h2>', html, re.S
    )
    return re.sub(r"<[^>]+>", "", lead.group(1)).strip() if lead else None


def titles_in(html, labelled_by):
    part = re.search(rf'<section[^>]*aria-labelledby="{labelled_by}".*?</section>', html, re.S)
    if part is None:
        return []
    return [
        re.sub(r"<[^>]+>", "", title).strip()
        for title in re.findall(r'<h3 class="card-article-title">(.*?)</h3>', part.group(0), re.S)
    ]


def test_without_choices_the_newest_leads_and_the_next_are_featured(client, stories):
    html = client.get("/").text
    assert lead_title(html) == "Dépêche 0"
    assert titles_in(html, "featured-title") == ["Dépêche 1", "Dépêche 2", "Dépêche 3"]


def test_a_chosen_lead_outranks_newer_articles(client, stories):
    choose(Kind.LEAD, stories[4])
    html = client.get("/").text
    assert lead_title(html) == "Dépêche 4"
    # The newest fill the featured stories, and the lead shows once.
    assert titles_in(html, "featured-title") == ["Dépêche 0", "Dépêche 1", "Dépêche 2"]


def test_featured_stories_keep_the_editors_order_and_newest_fill_the_rest(client, stories):
    choose(Kind.FEATURED, stories[5], stories[3])
    html = client.get("/").text
    assert titles_in(html, "featured-title") == ["Dépêche 5", "Dépêche 3", "Dépêche 1"]
    assert lead_title(html) == "Dépêche 0"
    # « Latest news » lists the rest, none of them twice.
    latest = re.search(r'<ol class="latest-list.*?</ol>', html, re.S).group(0)
    assert "Dépêche 2" in latest and "Dépêche 4" in latest
    assert "Dépêche 5" not in latest and "Dépêche 0" not in latest


def test_the_newest_featured_story_stays_featured_rather_than_leading(client, stories):
    choose(Kind.FEATURED, stories[0])
    html = client.get("/").text
    assert lead_title(html) == "Dépêche 1"
    assert titles_in(html, "featured-title")[0] == "Dépêche 0"


def test_a_chosen_lead_expires(client, stories):
    until = timezone.now() + timedelta(hours=3)
    choose(Kind.LEAD, stories[4], expires_at=until)
    assert lead_title(client.get("/").text) == "Dépêche 4"
    with time_machine.travel(until + timedelta(seconds=1)):
        assert lead_title(client.get("/").text) == "Dépêche 0"


def test_an_expired_lead_gives_way_to_the_next_chosen_one(client, stories):
    block = choose(Kind.LEAD, stories[4], expires_at=timezone.now() + timedelta(hours=1))
    FrontPageChoice.objects.create(block=block, article=stories[5], position=2)
    assert lead_title(client.get("/").text) == "Dépêche 4"
    with time_machine.travel(timezone.now() + timedelta(hours=2)):
        assert lead_title(client.get("/").text) == "Dépêche 5"


@pytest.mark.parametrize("state", ["draft", "review", "scheduled", "deleted"])
def test_a_chosen_article_not_live_never_shows(client, stories, sections, state):
    hidden = ArticleFactory(title="Le scoop sous embargo", section=sections["politique"])
    choose(Kind.LEAD, hidden)
    choose(Kind.FEATURED, hidden)
    choose(Kind.SECTION, hidden, section=sections["politique"])
    if state == "scheduled":
        Article.objects.filter(pk=hidden.pk).update(
            published_at=timezone.now() + timedelta(hours=2)
        )
    elif state == "deleted":
        hidden.delete()
    else:
        Article.objects.filter(pk=hidden.pk).update(status=state)
    for url in ("/", sections["politique"].get_absolute_url()):
        html = client.get(url).text
        assert "Le scoop sous embargo" not in html, url
    assert lead_title(client.get("/").text) == "Dépêche 0"
    if state == "scheduled":
        with time_machine.travel(timezone.now() + timedelta(hours=3)):
            assert lead_title(client.get("/").text) == "Le scoop sous embargo"


def test_a_section_block_shows_its_pinned_stories_first(client, stories, sections):
    politique = sections["politique"]
    html = client.get("/").text
    assert titles_in(html, f"section-{politique.pk}") == ["Dépêche 0", "Dépêche 2", "Dépêche 4"]
    choose(Kind.SECTION, stories[4], stories[2], section=politique)
    html = client.get("/").text
    assert titles_in(html, f"section-{politique.pk}") == ["Dépêche 4", "Dépêche 2", "Dépêche 0"]
    # The other section's block is its own.
    assert titles_in(html, f"section-{sections['sport'].pk}") == [
        "Dépêche 1",
        "Dépêche 3",
        "Dépêche 5",
    ]


def test_a_pinned_story_moved_to_another_section_leaves_the_block(client, stories, sections):
    politique = sections["politique"]
    choose(Kind.SECTION, stories[4], section=politique)
    Article.objects.filter(pk=stories[4].pk).update(section=sections["sport"])
    html = client.get("/").text
    assert "Dépêche 4" not in titles_in(html, f"section-{politique.pk}")


def test_a_choice_shows_at_once_on_the_cached_home_page(client, stories):
    assert lead_title(client.get("/").text) == "Dépêche 0"
    assert client.get("/")["X-Page-Cache"] == "hit"
    block = choose(Kind.LEAD, stories[3], stories[5])
    assert lead_title(client.get("/").text) == "Dépêche 3"
    assert client.get("/")["X-Page-Cache"] == "hit"
    # A bulk write (no model signal) renews the page too.
    block.choices.filter(article=stories[3]).update(position=9)
    assert lead_title(client.get("/").text) == "Dépêche 5"
    block.choices.all().delete()
    assert lead_title(client.get("/").text) == "Dépêche 0"


def test_a_cached_home_page_does_not_outlive_a_choice(client, stories):
    until = timezone.now() + timedelta(minutes=5)
    choose(Kind.LEAD, stories[4], expires_at=until)
    assert lead_title(client.get("/").text) == "Dépêche 4"
    assert client.get("/")["X-Page-Cache"] == "hit"
    with time_machine.travel(until + timedelta(seconds=1)):
        response = client.get("/")
        assert response["X-Page-Cache"] == "miss"
        assert lead_title(response.text) == "Dépêche 0"


def test_choices_cost_the_home_page_one_query_however_many(client, stories, sections):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def cold():
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/").status_code == 200
        return [query["sql"] for query in queries]

    without = cold()
    choose(Kind.LEAD, stories[5])
    choose(Kind.FEATURED, *stories[1:4])
    choose(Kind.SECTION, stories[4], stories[2], section=sections["politique"])
    choose(Kind.SECTION, stories[5], section=sections["sport"])
    many = cold()
    assert len(many) == len(without)
    assert len([sql for sql in many if "frontpagechoice" in sql]) == 1


# The admin ----------------------------------------------------------------------------


CHANGELIST = "admin:articles_frontpageblock_changelist"


def form_data(block, rows, **fields):
    """The block's change form as a browser posts it: `rows` = [(position, article,
    expires_at), …] as new choices."""
    data = {
        "choices-TOTAL_FORMS": str(len(rows)),
        "choices-INITIAL_FORMS": "0",
        "choices-MIN_NUM_FORMS": "0",
        "choices-MAX_NUM_FORMS": "1000",
        **fields,
    }
    for i, (position, article, expires_at) in enumerate(rows):
        data[f"choices-{i}-position"] = str(position)
        data[f"choices-{i}-article"] = str(article.pk)
        if expires_at:
            local = timezone.localtime(expires_at)
            data[f"choices-{i}-expires_at_0"] = local.strftime("%Y-%m-%d")
            data[f"choices-{i}-expires_at_1"] = local.strftime("%H:%M:%S")
        else:
            data[f"choices-{i}-expires_at_0"] = data[f"choices-{i}-expires_at_1"] = ""
    return data


def test_an_editor_chooses_the_lead_in_the_admin(client, editor, stories):
    block = FrontPageBlock.objects.create(kind=Kind.LEAD)
    client.force_login(editor)
    url = reverse("admin:articles_frontpageblock_change", args=[block.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "Prévisualiser la une" in page.text
    assert 'name="choices-1-position" value="2"' in page.text  # new rows numbered in order
    data = form_data(block, [(1, stories[5], None)])
    # The untouched rows are sent with their positions, and left out.
    data.update({"choices-TOTAL_FORMS": "3", "choices-1-position": "2", "choices-2-position": "3"})
    response = client.post(url, data)
    assert response.status_code == 302
    assert list(block.choices.values_list("article__title", flat=True)) == ["Dépêche 5"]
    client.logout()
    assert lead_title(client.get("/").text) == "Dépêche 5"


def test_an_editor_adds_a_section_block(client, editor, stories, sections):
    client.force_login(editor)
    politique = sections["politique"]
    data = form_data(None, [(1, stories[4], None)], kind=Kind.SECTION, section=politique.pk)
    response = client.post(reverse("admin:articles_frontpageblock_add"), data)
    assert response.status_code == 302
    assert FrontPageBlock.objects.get(section=politique).choices.get().article == stories[4]


def test_bad_choices_are_told_in_french_and_nothing_is_saved(client, editor, stories, sections):
    client.force_login(editor)
    politique = sections["politique"]
    block = FrontPageBlock.objects.create(kind=Kind.SECTION, section=politique)
    url = reverse("admin:articles_frontpageblock_change", args=[block.pk])
    past = timezone.now() - timedelta(hours=1)
    # A sport story in the politics block; a time already passed.
    response = client.post(url, form_data(block, [(1, stories[1], None), (2, stories[2], past)]))
    assert response.status_code == 200
    assert "n’est pas dans la rubrique Politique" in response.text
    assert "Cette heure est déjà passée." in response.text
    assert not FrontPageChoice.objects.exists()
    # A second lead block, a section block without a section.
    FrontPageBlock.objects.create(kind=Kind.LEAD)
    add = reverse("admin:articles_frontpageblock_add")
    response = client.post(add, form_data(None, [], kind=Kind.LEAD))
    assert response.status_code == 200
    assert "La page d’accueil a déjà ce bloc" in response.text
    response = client.post(add, form_data(None, [], kind=Kind.SECTION))
    assert response.status_code == 200
    assert "Choisissez la rubrique de ce bloc." in response.text
    assert FrontPageBlock.objects.count() == 2


def test_a_draft_cannot_be_chosen(client, editor, stories, sections):
    draft = ArticleFactory(title="Brouillon", status="draft", published_at=None)
    block = FrontPageBlock.objects.create(kind=Kind.LEAD)
    client.force_login(editor)
    url = reverse("admin:articles_frontpageblock_change", args=[block.pk])
    response = client.post(url, form_data(block, [(1, draft, None)]))
    assert response.status_code == 200
    assert not FrontPageChoice.objects.exists()
    # The autocomplete offers live and scheduled articles, never a draft.
    scheduled = ArticleFactory(
        title="Dépêche programmée", published_at=timezone.now() + timedelta(days=1)
    )
    found = client.get(
        reverse("admin:autocomplete"),
        {
            "term": "",
            "app_label": "articles",
            "model_name": "frontpagechoice",
            "field_name": "article",
        },
    ).json()
    offered = {int(result["id"]) for result in found["results"]}
    assert scheduled.pk in offered and stories[0].pk in offered
    assert draft.pk not in offered


def test_journalists_cannot_see_or_change_the_front_page(client, journalist, stories):
    block = FrontPageBlock.objects.create(kind=Kind.LEAD)
    client.force_login(journalist)
    change = reverse("admin:articles_frontpageblock_change", args=[block.pk])
    assert client.get(reverse(CHANGELIST)).status_code == 403
    assert client.get(change).status_code in (302, 403)
    client.post(change, form_data(block, [(1, stories[5], None)]))
    preview = reverse("admin:articles_frontpageblock_preview", args=[block.pk])
    assert client.post(preview, form_data(block, [(1, stories[5], None)])).status_code == 403
    assert not FrontPageChoice.objects.exists()
    assert "articles/frontpageblock" not in client.get(reverse("admin:index")).text


def test_the_preview_shows_unsaved_choices_and_writes_nothing(client, editor, stories):
    block = choose(Kind.LEAD, stories[4])
    client.force_login(editor)
    logged = LogEntry.objects.count()
    preview = reverse("admin:articles_frontpageblock_preview", args=[block.pk])
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.post(preview, form_data(block, [(1, stories[5], None)]))
    writes = [q["sql"] for q in queries if q["sql"].split()[0] in ("INSERT", "UPDATE", "DELETE")]
    assert writes == []
    assert response.status_code == 200
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    assert "Aperçu de la une" in response.text
    # The unsaved choice leads, the saved one (not in the form) is left out.
    assert lead_title(response.text) == "Dépêche 5"
    assert list(block.choices.values_list("article", flat=True)) == [stories[4].pk]
    assert LogEntry.objects.count() == logged
    client.logout()
    assert lead_title(client.get("/").text) == "Dépêche 4"


def test_the_preview_skips_what_readers_would_not_see(client, editor, stories):
    block = FrontPageBlock.objects.create(kind=Kind.LEAD)
    scheduled = ArticleFactory(
        title="Dépêche programmée", published_at=timezone.now() + timedelta(days=1)
    )
    client.force_login(editor)
    preview = reverse("admin:articles_frontpageblock_preview", args=[block.pk])
    response = client.post(preview, form_data(block, [(1, scheduled, None)]))
    assert response.status_code == 200
    assert "Dépêche programmée" not in response.text
    assert lead_title(response.text) == "Dépêche 0"


def test_a_preview_with_errors_lists_them_and_saves_nothing(client, editor, stories, sections):
    block = FrontPageBlock.objects.create(kind=Kind.SECTION, section=sections["politique"])
    client.force_login(editor)
    preview = reverse("admin:articles_frontpageblock_preview", args=[block.pk])
    response = client.post(preview, form_data(block, [(1, stories[1], None)]))
    assert response.status_code == 400
    assert "n’est pas dans la rubrique Politique" in response.text
    assert "no-store" in response["Cache-Control"]
    assert not FrontPageChoice.objects.exists()
    # A new block's form previews too.
    new = reverse("admin:articles_frontpageblock_preview_new")
    response = client.post(new, form_data(None, [(1, stories[3], None)], kind=Kind.FEATURED))
    assert response.status_code == 200
    assert titles_in(response.text, "featured-title")[0] == "Dépêche 3"
    assert not FrontPageBlock.objects.filter(kind=Kind.FEATURED).exists()
    assert client.get(preview).status_code == 404  # POST only


def test_a_section_page_starts_with_its_pinned_stories(client, stories, sections, settings):
    politique = sections["politique"]
    url = politique.get_absolute_url()
    choose(
        Kind.SECTION, stories[4], section=politique, expires_at=timezone.now() + timedelta(hours=1)
    )
    html = client.get(url).text
    assert titles_in(html, "pinned-title") == ["Dépêche 4"]
    listed = re.findall(r'<h2 class="card-article-title">\s*<a[^>]*>(.*?)</a>', html, re.S)
    assert listed == ["Dépêche 0", "Dépêche 2"]  # the pinned story shows once
    # Only the first page starts with them; the list leaves them out on every page.
    settings.ARTICLES_PER_PAGE = 1
    second = client.get(url, {"page": 2}).text
    assert titles_in(second, "pinned-title") == []
    assert "Dépêche 4" not in second
    # A subsection's page has no block of its own.
    sub = SectionFactory(name="Assemblée", slug="assemblee", parent=politique)
    assert "pinned-title" not in client.get(sub.get_absolute_url()).text
    # When the choice expires, the story goes back into the list by itself.
    settings.ARTICLES_PER_PAGE = 20
    with time_machine.travel(timezone.now() + timedelta(hours=2)):
        html = client.get(url).text
        assert titles_in(html, "pinned-title") == []
        assert "Dépêche 4" in html


def test_a_block_whose_article_was_unpublished_still_saves(client, editor, stories):
    block = choose(Kind.LEAD, stories[4], stories[5])
    Article.objects.filter(pk=stories[4].pk).update(status="draft")
    client.force_login(editor)
    url = reverse("admin:articles_frontpageblock_change", args=[block.pk])
    page = client.get(url)
    assert "Non : pas publié" in page.text
    first, second = block.choices.order_by("position")
    data = form_data(block, [])
    data.update(
        {
            "choices-TOTAL_FORMS": "2",
            "choices-INITIAL_FORMS": "2",
            "choices-0-id": str(first.pk),
            "choices-0-block": str(block.pk),
            "choices-0-position": "2",
            "choices-0-article": str(stories[4].pk),
            "choices-1-id": str(second.pk),
            "choices-1-block": str(block.pk),
            "choices-1-position": "1",
            "choices-1-article": str(stories[5].pk),
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, re.findall(
        r'class="errorlist[^"]*"[^>]*>(.*?)</ul>', response.text, re.S
    )
    assert [c.article_id for c in block.choices.order_by("position")] == [
        stories[5].pk,
        stories[4].pk,
    ]
    # The changelist names the chosen stories in order.
    assert "Dépêche 5, Dépêche 4" in client.get(reverse(CHANGELIST)).text
