"""Derived data is right after every kind of write (one test per write path).

Derived from the content: search vectors (PostgreSQL), renditions, cached pages and the
cached section tree. Each test warms the page cache (the page is a hit), writes one way,
then checks what a reader sees: the cached page shows the change, search finds the new
words (on PostgreSQL through the stored vector), renditions exist and have the colours
of the new file.
"""

import json
from io import BytesIO, StringIO

import pytest
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.search import SearchQuery
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image as PILImage
from reversion.models import Version
from taggit.models import Tag, TaggedItem

from articles.discovery.search import SEARCH_CONFIG, search_document
from articles.models import Article, Image, Section, content_written
from tests.factories import ArticleFactory, ImageFactory, SectionFactory

from .conftest import article_form_data

pytestmark = pytest.mark.django_db

on_postgresql = connection.vendor == "postgresql"
postgresql_only = pytest.mark.skipif(
    not on_postgresql, reason="the stored search vector is PostgreSQL's (SQLite reads the text)"
)


def reader_page(url):
    """A page as an anonymous reader gets it: (text, whether it came from the cache)."""
    response = Client().get(url)
    assert response.status_code == 200, url
    return response.text, response["X-Page-Cache"] == "hit"


def warm(url):
    """Load `url` until it is served from the page cache; returns its text."""
    reader_page(url)
    text, hit = reader_page(url)
    assert hit, f"{url} is not cached: the test would prove nothing"
    return text


def vector_matches(article, words):
    """Whether the article's stored vector matches `words` (PostgreSQL), else True."""
    if not on_postgresql:
        return True
    query = SearchQuery(words, config=SEARCH_CONFIG, search_type="websearch")
    return Article.objects.filter(pk=article.pk, search_vector=query).exists()


def found(words):
    """Titles the search page finds for `words` (a fresh reader)."""
    response = Client().get("/recherche/", {"q": words})
    assert response.status_code == 200
    return [article.title for article in response.context["articles"]]


@pytest.fixture
def section(db):
    return SectionFactory(name="Politique", slug="politique")


@pytest.fixture
def story(section):
    return ArticleFactory(
        title="Le budget adopté",
        standfirst="L’Assemblée a voté dans la nuit.",
        body="<p>Les députés ont voté le texte.</p>",
        section=section,
        tags=["Parlement"],
    )


def png(colour, size=(400, 300)):
    buffer = BytesIO()
    PILImage.new("RGB", size, colour).save(buffer, "PNG")
    return buffer.getvalue()


def rendition_colour(image):
    entry = image.renditions[0]
    with default_storage.open(f"renditions/{image.pk}/{entry['width']}.jpg") as handle:
        picture = PILImage.open(handle)
        return picture.convert("RGB").getpixel((picture.width // 2, picture.height // 2))


def close(colour, expected, tolerance=8):
    return all(abs(a - b) <= tolerance for a, b in zip(colour, expected, strict=True))


# --- bulk_create ----------------------------------------------------------------------


def test_bulk_create_articles_show_on_cached_pages_and_are_found(section, story):
    warm("/")
    warm(section.get_absolute_url())
    now = timezone.now()
    Article.objects.bulk_create(
        [
            Article(
                title=f"Inondations à Cotonou, bilan {n}",
                slug=f"inondations-{n}",
                standfirst="Les pluies ont noyé trois quartiers.",
                section=section,
                status=Article.Status.PUBLISHED,
                published_at=now,
            )
            for n in range(3)
        ]
    )
    for url in ("/", section.get_absolute_url()):
        text, hit = reader_page(url)
        assert not hit and "Inondations à Cotonou, bilan 2" in text, url
    assert "Inondations à Cotonou, bilan 0" in found("inondations")
    for article in Article.objects.filter(slug__startswith="inondations-"):
        assert article.search_vector if on_postgresql else True
        assert vector_matches(article, "pluie quartier")  # standfirst, stemmed


def test_bulk_created_tags_are_searchable(story):
    parliament = Tag.objects.create(name="Décentralisation")
    TaggedItem.objects.bulk_create(
        [
            TaggedItem(
                tag=parliament,
                content_type=ContentType.objects.get_for_model(Article),
                object_id=story.pk,
            )
        ]
    )
    content_written()  # the taggit table is not ours: the writer tells the caches
    assert vector_matches(story, "decentralisation")
    assert story.title in found("décentralisation")


def test_bulk_created_images_get_their_renditions():
    images = Image.objects.bulk_create(
        [
            Image(
                file=default_storage.save("images/bulk/red.png", ContentFile(png((200, 20, 20))))
            ),
            Image(
                file=default_storage.save("images/bulk/blue.png", ContentFile(png((20, 20, 200))))
            ),
        ]
    )
    red, blue = (Image.objects.get(pk=image.pk) for image in images)
    assert red.renditions and blue.renditions
    assert close(rendition_colour(red), (200, 20, 20))
    assert close(rendition_colour(blue), (20, 20, 200))


# --- update() and bulk_update() ------------------------------------------------------


@pytest.mark.parametrize("how", ["update", "bulk_update"])
def test_updated_title_shows_on_the_cached_page_and_is_found(story, how):
    url = story.get_absolute_url()
    warm(url)
    warm("/")
    title = "Le budget rejeté par les sénateurs"
    if how == "update":
        assert Article.objects.filter(pk=story.pk).update(title=title) == 1
    else:
        story.title = title
        Article.objects.bulk_update([story], ["title"])
    for page in (url, "/"):
        text, hit = reader_page(page)
        assert not hit and title in text, page
    story.refresh_from_db()
    assert vector_matches(story, "sénateur")
    assert not vector_matches(story, "adopté") or not on_postgresql
    assert title in found("sénateurs")


def test_updated_section_name_shows_in_cached_menus(story, section):
    warm("/")
    Section.objects.filter(pk=section.pk).update(name="Vie politique")
    text, hit = reader_page("/")
    assert not hit and "Vie politique" in text


def test_image_file_replaced_with_update_gets_new_renditions(story):
    image = ImageFactory(file=ContentFile(png((200, 20, 20)), name="red.png"))
    Article.objects.filter(pk=story.pk).update(hero_image=image)
    url = story.get_absolute_url()
    warm(url)
    blue = default_storage.save("images/replaced/blue.png", ContentFile(png((20, 20, 200))))
    Image.objects.filter(pk=image.pk).update(file=blue)
    image.refresh_from_db()
    assert close(rendition_colour(image), (20, 20, 200))
    assert not reader_page(url)[1]


@postgresql_only
def test_renamed_tag_with_update_is_searchable(story):
    Tag.objects.filter(name="Parlement").update(name="Hémicycle")
    assert vector_matches(story, "hemicycle")
    assert not vector_matches(story, "parlement")


# --- loaddata -------------------------------------------------------------------------


def test_loaddata_article_tag_and_image(tmp_path, section):
    warm("/")
    file_name = default_storage.save("images/fixture/green.png", ContentFile(png((20, 180, 40))))
    fixture = tmp_path / "newsroom.json"
    fixture.write_text(
        json.dumps(
            [
                {
                    "model": "articles.image",
                    "pk": 9001,
                    "fields": {
                        "file": file_name,
                        "width": 400,
                        "height": 300,
                        "alt_text": "Une rizière",
                        "credit": "Rédaction",
                        "renditions": [],
                        "created_at": "2026-11-30T10:00:00Z",
                    },
                },
                {
                    "model": "articles.article",
                    "pk": 9001,
                    "fields": {
                        "title": "La récolte de riz dépasse les attentes",
                        "slug": "recolte-riz",
                        "standfirst": "Les coopératives de Malanville se réjouissent.",
                        "body": "<p>Texte.</p>",
                        "section": section.pk,
                        "hero_image": 9001,
                        "status": "published",
                        "published_at": "2026-11-30T10:00:00Z",
                        "created_at": "2026-11-30T10:00:00Z",
                        "updated_at": "2026-11-30T10:00:00Z",
                    },
                },
                {
                    "model": "taggit.tag",
                    "pk": 9001,
                    "fields": {"name": "Agriculture", "slug": "agriculture"},
                },
                {
                    "model": "taggit.taggeditem",
                    "pk": 9001,
                    "fields": {
                        "tag": 9001,
                        "content_type": ["articles", "article"],
                        "object_id": 9001,
                    },
                },
            ]
        )
    )
    call_command("loaddata", str(fixture), verbosity=0)
    article = Article.objects.get(pk=9001)
    image = Image.objects.get(pk=9001)
    assert image.renditions
    assert close(rendition_colour(image), (20, 180, 40))
    text, hit = reader_page("/")
    assert not hit and article.title in text
    assert vector_matches(article, "coopérative")
    assert vector_matches(article, "agriculture")  # the tag, loaded after the article
    assert article.title in found("agriculture")


# --- SQL (a management command, a migration, dbshell) --------------------------------


@postgresql_only
def test_sql_writes_keep_the_search_vector(story):
    article_type = ContentType.objects.get_for_model(Article).pk
    tag = Tag.objects.create(name="Cacao")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE articles_article SET standfirst = %s WHERE id = %s",
            ["Les producteurs de coton manifestent.", story.pk],
        )
        assert vector_matches(story, "producteur coton")
        cursor.execute(
            "INSERT INTO taggit_taggeditem (tag_id, content_type_id, object_id)"
            " VALUES (%s, %s, %s)",
            [tag.pk, article_type, story.pk],
        )
        assert vector_matches(story, "cacao")
        cursor.execute("DELETE FROM taggit_taggeditem WHERE tag_id = %s", [tag.pk])
        assert not vector_matches(story, "cacao")
        cursor.execute(
            "INSERT INTO articles_article (title, slug, standfirst, body, section_id, status,"
            " published_at, created_at, updated_at, is_breaking, comments_open,"
            " comments_premoderated) VALUES (%s, 'sql', '', '', %s, 'published', now(), now(),"
            " now(), false, true, false) RETURNING id",
            ["Le port de Lomé s’agrandit", story.section_id],
        )
        inserted = Article.objects.get(pk=cursor.fetchone()[0])
    assert vector_matches(inserted, "port lome")


def test_sql_writing_commands_tell_the_cache(story):
    url = story.get_absolute_url()
    warm(url)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE articles_article SET title = %s WHERE id = %s", ["Titre corrigé", story.pk]
        )
    assert reader_page(url)[1], "SQL alone tells no cache (what content_written is for)"
    content_written()
    text, hit = reader_page(url)
    assert not hit and "Titre corrigé" in text


@postgresql_only
def test_trigger_vector_is_the_documented_search_document(story):
    ArticleFactory(title="Sans étiquette", section=story.section, tags=[])
    for article in Article.objects.annotate(document=search_document()):
        assert str(article.search_vector) == str(article.document), article.title


# --- The admin -----------------------------------------------------------------------


def test_admin_edit_shows_on_cached_page_and_is_found(client, editor, story):
    url = story.get_absolute_url()
    warm(url)
    client.force_login(editor)
    change = reverse("admin:articles_article_change", args=[story.pk])
    data = article_form_data(story, title="Le budget amendé", tags="Parlement, Finances")
    assert client.post(change, data).status_code == 302
    text, hit = reader_page(url)
    assert not hit and "Le budget amendé" in text
    story.refresh_from_db()
    assert vector_matches(story, "amendé") and vector_matches(story, "finances")
    assert "Le budget amendé" in found("finances")


def test_admin_image_upload_makes_renditions(client, editor):
    client.force_login(editor)
    upload = ContentFile(png((240, 200, 0)), name="jaune.png")
    upload.content_type = "image/png"
    response = client.post(
        reverse("admin:articles_image_add"),
        {"file": upload, "alt_text": "Un champ", "caption": "", "credit": "Rédaction"},
    )
    assert response.status_code == 302
    assert close(rendition_colour(Image.objects.get()), (240, 200, 0))


# --- A restore (revisions) -----------------------------------------------------------


@pytest.fixture
def edited_twice(client, editor, story):
    client.force_login(editor)
    for title in ("Le budget adopté", "Le budget censuré"):
        data = article_form_data(story, title=title)
        assert (
            client.post(reverse("admin:articles_article_change", args=[story.pk]), data).status_code
            == 302
        )
        story.refresh_from_db()
    return story


def test_restored_version_shows_and_is_found(client, edited_twice):
    url = edited_twice.get_absolute_url()
    warm(url)
    oldest = Version.objects.get_for_object(edited_twice).last()
    restore = reverse("admin:articles_article_revision", args=[edited_twice.pk, oldest.pk])
    assert client.post(restore).status_code == 302
    text, hit = reader_page(url)
    assert not hit and "Le budget adopté" in text
    edited_twice.refresh_from_db()
    assert vector_matches(edited_twice, "adopté")
    assert not vector_matches(edited_twice, "censuré") or not on_postgresql


def test_reverted_version_raw_save_keeps_derived_data(edited_twice):
    # Version.revert() saves raw (as loaddata does): no Article.save(), no receivers
    # but the generic ones. The database still computes the vector.
    url = edited_twice.get_absolute_url()
    warm(url)
    oldest = Version.objects.get_for_object(edited_twice).last()
    with transaction.atomic():
        oldest.revert()
    text, hit = reader_page(url)
    assert not hit and "Le budget adopté" in text
    edited_twice.refresh_from_db()
    assert vector_matches(edited_twice, "adopté")


# --- Management commands ---------------------------------------------------------------


def test_make_renditions_tells_the_cache(story, settings):
    image = ImageFactory(file=ContentFile(png((200, 20, 20), size=(1200, 800)), name="p.png"))
    Article.objects.filter(pk=story.pk).update(hero_image=image)
    settings.RENDITION_WIDTHS = [300, 600]
    url = story.get_absolute_url()
    text = warm(url)
    assert " 300w" not in text  # made with the old widths
    call_command("make_renditions", "--stale", stdout=StringIO())
    text, hit = reader_page(url)
    assert not hit and " 300w" in text and " 600w" in text


def test_seed_demo_articles_are_all_searchable():
    call_command("seed_demo", "--articles", "12", "--no-images", stdout=StringIO())
    articles = Article.objects.published()
    assert articles.count() >= 12
    if on_postgresql:
        assert not Article.objects.filter(search_vector__isnull=True).exists()
    first = articles.order_by("pk").first()
    word = max(first.title.split(), key=len)
    assert first.title in found(word)
