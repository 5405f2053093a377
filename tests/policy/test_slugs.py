"""One slug policy for articles, sections, tags and authors (articles.content.slugs): any script
transliterated, never empty, the same tag whatever the Unicode form of its name."""

import importlib
import unicodedata
import xml.etree.ElementTree as ET

import pytest
from django.apps import apps
from django.db import IntegrityError, transaction
from taggit.models import Tag

from articles.content.slugs import make_slug
from articles.models import Article, Author, Section
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory

NAMES = [
    ("🏆", "trophy"),
    ("Ελλάδα", "ellada"),
    ("Москва", "moskva"),
    ("北京", "beijing"),
    ("東京", "dongjing"),
    ("서울", "seoul"),
    ("مصر", "msr"),
    ("ישראל", "ysrl"),
    ("नमस्ते", "nmste"),
    ("ქართული", "kartuli"),
    ("Ærø ß œuvre", "aero-ss-oeuvre"),
    ("l’heure", "l-heure"),
    ("Côte d'Ivoire 🇨🇮", "cote-d-ivoire-ci"),
    (unicodedata.normalize("NFD", "élection"), "election"),
    ("Ｆｕｌｌ ｗｉｄｔｈ", "full-width"),
    ("ภาษาไทย", "phasaaithy"),
    ("አማርኛ", "amarnya"),
    ("Հայերեն", "hayeren"),
    ("ᏣᎳᎩ", "tsalagi"),
    ("𝐀𝐁𝐂 𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "abc-unicode"),
    ("İstanbul straße", "istanbul-strasse"),
    ("\u200fالعربية\u200f", "lrbyh"),
    ("½ ¼ ™", "12-14-tm"),
]


@pytest.mark.parametrize(("name", "slug"), NAMES)
def test_any_script_gets_a_readable_slug(name, slug):
    assert make_slug(name) == slug


@pytest.mark.parametrize(
    "name", ["!!!", "« »", "…", "\u200b", "\ue000", "·—·", "\u0301\u0301", "\u2060\u200d", "\ufeff"]
)
def test_a_name_without_letters_gets_a_stable_non_empty_slug(name):
    slug = make_slug(name, fallback="tag")
    assert slug.startswith("tag")
    assert slug == make_slug(name, fallback="tag")  # the same every time


def test_slugs_are_cut_to_their_length_without_a_trailing_hyphen():
    slug = make_slug("Ελλάδα " * 40, max_length=50)
    assert len(slug) <= 50 and not slug.endswith("-")


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "slug"), NAMES[:8] + [("!!!", None)])
def test_every_model_gets_a_slug_from_any_script(name, slug):
    section = Section.objects.create(name=name)
    author = Author.objects.create(name=name)
    article = ArticleFactory(title=name, slug="", section=section)
    article.tags.add(name)
    tag = article.tags.get()
    for obj, fallback in ((section, "rubrique"), (author, "auteur"), (article, "article")):
        assert obj.slug, obj
        assert obj.slug == slug if slug else obj.slug.startswith(fallback)
    assert tag.slug == slug if slug else tag.slug.startswith("tag")


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["🏆", "Ελλάδα", "!!!", "北京"])
def test_article_with_such_a_tag_and_the_tag_sitemap_answer(client, name):
    article = ArticleFactory(tags=[name], authors=[AuthorFactory(name=name)])
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    tag = Tag.objects.get(name=name)
    assert f'href="/tag/{tag.slug}/"' in response.text
    assert client.get(f"/tag/{tag.slug}/").status_code == 200
    sitemap = client.get("/sitemap-tags.xml")
    assert sitemap.status_code == 200
    assert f"/tag/{tag.slug}/" in sitemap.text
    ET.fromstring(sitemap.content)  # noqa: S314


@pytest.mark.django_db
def test_a_tag_stored_without_a_slug_breaks_no_page(client):
    """A row written around the policy (SQL, bulk_update): the link is left out, the
    page and the sitemap still answer."""
    article = ArticleFactory(tags=["Ελλάδα", "Bénin"])
    Tag.objects.filter(name="Ελλάδα").update(slug="")
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert "Ελλάδα" in response.text and 'href="/tag//"' not in response.text
    sitemap = client.get("/sitemap-tags.xml")
    assert sitemap.status_code == 200 and "/tag/benin/" in sitemap.text


@pytest.mark.django_db
@pytest.mark.parametrize(
    "spellings",
    [
        ["élection", unicodedata.normalize("NFD", "élection")],
        ["Côte d’Ivoire", unicodedata.normalize("NFD", "Côte d’Ivoire")],
        ["Ελλάδα", unicodedata.normalize("NFD", "Ελλάδα"), "ελλάδα"],
        ["Ǆ", unicodedata.normalize("NFD", "Ǆ")],
        ["élection", "élection\ue000", " élection\x0b"],
    ],
)
def test_the_same_name_in_another_unicode_form_is_the_same_tag(spellings):
    first = ArticleFactory()
    first.tags.add(spellings[0])
    for spelling in spellings[1:]:
        ArticleFactory().tags.add(spelling)
        first.tags.add(spelling)
    assert Tag.objects.count() == 1
    assert first.tags.count() == 1


@pytest.mark.django_db
def test_the_admin_tag_field_finds_the_nfc_tag(admin_client):
    from tests.newsroom.conftest import article_form_data

    Tag.objects.create(name="élection")
    article = ArticleFactory()
    data = article_form_data(article, tags=unicodedata.normalize("NFD", "élection, Ελλάδα"))
    response = admin_client.post(f"/admin/articles/article/{article.pk}/change/", data)
    assert response.status_code == 302
    assert sorted(article.tags.values_list("name", flat=True)) == ["élection", "Ελλάδα"]
    assert Tag.objects.count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize("model", [Article, Author, Section])
def test_the_database_refuses_an_empty_slug(model):
    obj = {
        Article: ArticleFactory,
        Author: AuthorFactory,
        Section: SectionFactory,
    }[model]()
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.filter(pk=obj.pk).update(slug="")


class AppsOf0007:
    """Today's models under the names migration 0007 knew: Category became Section in
    0010, with the same fields that 0007 reads and writes."""

    def get_model(self, app_label, name):
        return apps.get_model(app_label, {"Category": "Section"}.get(name, name))


@pytest.mark.django_db
@pytest.mark.parametrize("nfd_first", [False, True])
def test_the_migration_repairs_empty_slugs_and_merges_unicode_twins(nfd_first):
    migration = importlib.import_module("articles.migrations.0007_input_and_slug_policy")
    trophy = Tag.objects.create(name="🏆", slug="trophy-old")
    greek = Tag.objects.create(name="Ελλάδα", slug="ellada")
    older, newer = Tag.objects.create(name="a", slug="a"), Tag.objects.create(name="b", slug="b")
    nfc, nfd = (newer, older) if nfd_first else (older, newer)
    # As an old database has them: an empty slug, and the same name in NFC and NFD.
    Tag.objects.filter(pk=trophy.pk).update(slug="")
    Tag.objects.filter(pk=nfc.pk).update(name="élection", slug="election")
    Tag.objects.filter(pk=nfd.pk).update(
        name=unicodedata.normalize("NFD", "élection"), slug="election-2"
    )
    article, other = ArticleFactory(), ArticleFactory()
    article.tags.add(greek, nfc, nfd)
    other.tags.add(nfd)

    migration.repair_slugs_and_tags(AppsOf0007(), None)

    assert Tag.objects.get(pk=trophy.pk).slug == "trophy"
    assert list(Tag.objects.filter(slug__startswith="election").values_list("pk", "name")) == [
        (nfc.pk, "élection")
    ]
    assert sorted(article.tags.values_list("name", flat=True)) == ["élection", "Ελλάδα"]
    assert list(other.tags.values_list("name", flat=True)) == ["élection"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("typed", "slug"), [("élection", "election"), ("Ελλάδα", "ellada"), ("a b/c", "a-bc")]
)
def test_a_slug_no_address_can_carry_is_transliterated(client, typed, slug):
    """Written around a form (an import, a script): the slug becomes one a link can use."""
    section = Section.objects.create(name="Rubrique", slug=typed)
    author = Author.objects.create(name="Nom", slug=typed)
    article = ArticleFactory(slug=typed, section=section, authors=[author])
    tag = Tag.objects.create(name="Nom", slug=typed)
    article.tags.add(tag)
    for obj in (section, author, article, tag):
        assert obj.slug == slug, obj
    assert client.get(article.get_absolute_url()).status_code == 200


@pytest.mark.django_db
def test_the_migration_repairs_slugs_no_address_can_carry():
    migration = importlib.import_module("articles.migrations.0007_input_and_slug_policy")
    tag = Tag.objects.create(name="Ελλάδα")
    section = SectionFactory(name="Bénin", slug="benin")
    child = SectionFactory(name="Cotonou", slug="cotonou", parent=section)
    Tag.objects.filter(pk=tag.pk).update(slug="ελλάδα")
    Section.objects.filter(pk=section.pk).update(slug="bénin")
    migration.repair_slugs_and_tags(AppsOf0007(), None)
    assert Tag.objects.get(pk=tag.pk).slug == "ellada"
    assert Section.objects.get(pk=child.pk).path == "benin/cotonou"
