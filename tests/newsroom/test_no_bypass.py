"""No way round the pre-publish checks on a published article: restoring a version,
editing a photo it shows, a bulk action, an import. Each is refused with a French
message, and nothing changes."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from reversion.models import Version

from articles.models import Article, Image
from tests.factories import ArticleFactory, ImageFactory

from .conftest import article_form_data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def french(english_admin):
    """The French admin (/admin/…) and commands in French: the messages are checked."""
    from django.utils import translation

    with translation.override("fr"):
        yield


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def messages_of(response):
    return " ".join(str(m) for m in response.context["messages"])


# --- Restoring a version ----------------------------------------------------------------


@pytest.fixture
def live_with_history(client, editor, section):
    """A live article saved twice by an editor: first with photo `first`, then with
    `second` and a new title; `first` has since lost its alternative text."""
    first = ImageFactory(alt_text="Le port de Cotonou", credit="AFP")
    second = ImageFactory(alt_text="Le marché Dantokpa", credit="AFP")
    article = ArticleFactory(
        title="Le port s’agrandit", slug="port", section=section, hero_image=first
    )
    client.force_login(editor)
    saves = [("Le port s’agrandit", "port", first), ("Le port", "port-2", second)]
    for title, slug, image in saves:
        data = article_form_data(article, title=title, slug=slug, hero_image=image.pk)
        assert client.post(change_url(article), data).status_code == 302
        article.refresh_from_db()
    Image.objects.filter(pk=first.pk).update(alt_text="")
    return article


def test_restoring_a_version_that_fails_the_checks_is_refused(client, live_with_history):
    article = live_with_history
    oldest = Version.objects.get_for_object(article).last()
    url = reverse("admin:articles_article_revision", args=[article.pk, oldest.pk])
    response = client.post(url, follow=True)
    assert response.status_code == 200
    text = messages_of(response)
    assert "n’a pas été restaurée" in text
    assert "L’image principale n’a pas de texte alternatif." in text
    before = article.hero_image_id
    article.refresh_from_db()
    assert (article.title, article.slug, article.hero_image_id) == ("Le port", "port-2", before)
    assert Version.objects.get_for_object(article).count() == 2


def test_restoring_a_version_that_passes_keeps_the_live_address(client, live_with_history):
    article = live_with_history
    first = Version.objects.get_for_object(article).last()
    Image.objects.filter(pk=first.field_dict["hero_image_id"]).update(alt_text="Le port")
    url = reverse("admin:articles_article_revision", args=[article.pk, first.pk])
    response = client.post(url, follow=True)
    assert "a été restaurée" in messages_of(response)
    article.refresh_from_db()
    assert article.title == "Le port s’agrandit"
    assert article.slug == "port-2"
    assert client.get("/article/port-2/").status_code == 200


# --- Editing a photo ----------------------------------------------------------------------


def image_form(image, **overrides):
    data = {
        "alt_text": image.alt_text,
        "caption": image.caption,
        "credit": image.credit,
        "focal_x": "0.5",
        "focal_y": "0.5",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize("field", ["alt_text", "credit"])
def test_a_photo_published_articles_show_keeps_alt_text_and_credit(client, editor, field):
    photo = ImageFactory(alt_text="La lagune au matin", credit="AFP")
    ArticleFactory(hero_image=photo)
    ArticleFactory(body=f'<p>Texte.</p><figure data-gallery="9999,{photo.pk}"></figure>')
    ArticleFactory(hero_image=photo, status=Article.Status.DRAFT, published_at=None)
    client.force_login(editor)
    url = reverse("admin:articles_image_change", args=[photo.pk])
    response = client.post(url, image_form(photo, **{field: "  "}))
    assert response.status_code == 200
    errors = " ".join(response.context["adminform"].form.errors[field])
    what = "texte alternatif" if field == "alt_text" else "crédit"
    assert (
        "2 articles publiés (en ligne ou programmés) montrent cette photo\u00a0: "
        f"elle doit garder son {what}."
    ) in errors
    photo.refresh_from_db()
    assert (photo.alt_text, photo.credit) == ("La lagune au matin", "AFP")


def test_a_photo_only_drafts_show_may_lose_its_credit(client, editor):
    photo = ImageFactory(alt_text="La lagune au matin", credit="AFP")
    ArticleFactory(hero_image=photo, status=Article.Status.DRAFT, published_at=None)
    client.force_login(editor)
    url = reverse("admin:articles_image_change", args=[photo.pk])
    assert client.post(url, image_form(photo, credit="")).status_code == 302
    photo.refresh_from_db()
    assert photo.credit == ""


def test_a_journalist_cannot_change_their_photo_once_a_published_body_shows_it(client, journalist):
    photo = ImageFactory(uploaded_by=journalist)
    client.force_login(journalist)
    url = reverse("admin:articles_image_change", args=[photo.pk])
    assert 'name="alt_text"' in client.get(url).text
    ArticleFactory(body=f'<figure data-image="{photo.pk}"></figure>')
    assert 'name="alt_text"' not in client.get(url).text
    assert client.post(url, image_form(photo, alt_text="")).status_code == 403


# --- Bulk actions -------------------------------------------------------------------------


def test_publish_action_refuses_each_failing_article_with_its_reasons(client, editor, ready_draft):
    lacking = ArticleFactory(
        title="Sans chapô", standfirst="", status=Article.Status.DRAFT, published_at=None
    )
    client.force_login(editor)
    response = client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "publish", "_selected_action": [ready_draft.pk, lacking.pk]},
        follow=True,
    )
    text = messages_of(response)
    assert "«\u00a0Sans chapô\u00a0» n’a pas été publié\u00a0: Le chapô est vide." in text
    lacking.refresh_from_db()
    ready_draft.refresh_from_db()
    assert lacking.status == Article.Status.DRAFT
    assert ready_draft.status == Article.Status.PUBLISHED


# --- Import -------------------------------------------------------------------------------


def test_loaddata_loads_a_published_article_failing_the_checks_as_a_draft(
    tmp_path, client, section
):
    photo = ImageFactory(alt_text="Une pirogue", credit="")
    fixture = tmp_path / "archive.json"

    def article(pk, slug, hero):
        return {
            "model": "articles.article",
            "pk": pk,
            "fields": {
                "title": f"Article importé {pk}",
                "slug": slug,
                "standfirst": "Le chapô.",
                "body": "<p>Texte.</p>",
                "section": section.pk,
                "hero_image": hero,
                "status": "published",
                "published_at": "2026-11-30T10:00:00Z",
                "created_at": "2026-11-30T10:00:00Z",
                "updated_at": "2026-11-30T10:00:00Z",
            },
        }

    fixture.write_text(
        json.dumps([article(9101, "importe-sans-credit", photo.pk), article(9102, "importe", None)])
    )
    stderr = StringIO()
    call_command("loaddata", str(fixture), verbosity=0, stderr=stderr)
    assert Article.objects.get(pk=9101).status == Article.Status.DRAFT
    assert Article.objects.get(pk=9102).status == Article.Status.PUBLISHED
    assert "Article importé 9101" in stderr.getvalue()
    assert "L’image principale n’a pas de crédit." in stderr.getvalue()
    assert "9102" not in stderr.getvalue()
    assert client.get("/article/importe-sans-credit/").status_code == 404
    assert client.get("/article/importe/").status_code == 200


# --- Invisible text is no text ----------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("alt_text", "\u200b"),
        ("alt_text", "\u3164"),
        ("credit", "\u200b\u2060"),
        ("credit", "\u00a0"),
    ],
)
def test_invisible_alt_text_or_credit_is_refused_on_a_photo_in_use(client, editor, field, value):
    photo = ImageFactory(alt_text="La lagune au matin", credit="AFP")
    article = ArticleFactory(hero_image=photo)
    client.force_login(editor)
    url = reverse("admin:articles_image_change", args=[photo.pk])
    response = client.post(url, image_form(photo, **{field: value}))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors[field]
    photo.refresh_from_db()
    assert (photo.alt_text, photo.credit) == ("La lagune au matin", "AFP")
    assert 'alt="La lagune au matin"' in client.get(article.get_absolute_url()).text


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ({"body": "<p>&nbsp;</p>"}, "Le corps de l’article est vide."),
        ({"body": "<p>\u200b \u2060</p>"}, "Le corps de l’article est vide."),
        ({"standfirst": "\u200b"}, "Le chapô est vide."),
        ({"hero_alt": "\u200b"}, "L’image principale n’a pas de texte alternatif."),
        ({"hero_credit": "\u200b"}, "L’image principale n’a pas de crédit."),
    ],
)
def test_the_checks_take_invisible_text_for_none(editor, ready_draft, fields, problem):
    """Text stored around the forms (an import, the shell) is checked as readers see it."""
    from articles.newsroom import publishing

    image_fields = {"hero_alt": "alt_text", "hero_credit": "credit"}
    for name, value in fields.items():
        if name in image_fields:
            Image.objects.filter(pk=ready_draft.hero_image_id).update(**{image_fields[name]: value})
        else:
            Article.objects.filter(pk=ready_draft.pk).update(**{name: value})
    ready_draft.refresh_from_db()
    ready_draft.hero_image.refresh_from_db()
    assert problem in publishing.publication_problems(ready_draft)
    with pytest.raises(publishing.PublishingBlocked):
        publishing.publish(ready_draft, editor)
    ready_draft.refresh_from_db()
    assert ready_draft.status != Article.Status.PUBLISHED


def test_loaddata_of_a_photo_cannot_blank_a_live_articles_alt_text(tmp_path, client):
    from django.core import serializers
    from django.core.management.base import CommandError

    photo = ImageFactory(alt_text="Une pirogue", credit="AFP")
    article = ArticleFactory(hero_image=photo)
    rows = json.loads(serializers.serialize("json", [photo]))
    rows[0]["fields"].update(alt_text="", credit="")
    fixture = tmp_path / "photos.json"
    fixture.write_text(json.dumps(rows))
    with pytest.raises(CommandError, match=f"Rien n’a été chargé.*n° {article.pk}"):
        call_command("loaddata", str(fixture), verbosity=0, stderr=StringIO())
    photo.refresh_from_db()
    assert (photo.alt_text, photo.credit) == ("Une pirogue", "AFP")
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED
    assert 'alt="Une pirogue"' in client.get(article.get_absolute_url()).text


def test_loaddata_cleans_bodies_and_keeps_a_live_articles_old_address(tmp_path, client):
    """An import saves raw, around Article.save(): the body is still cleaned by the
    allow-list, and a live article moved to a new slug keeps answering at the old one."""
    from django.core import serializers

    article = ArticleFactory(slug="ancienne-adresse")
    rows = json.loads(serializers.serialize("json", [article]))
    rows[0]["fields"].update(
        slug="nouvelle-adresse",
        body='<p>Texte importé.</p><script>alert(1)</script><img src="x" onerror="alert(2)">',
    )
    fixture = tmp_path / "archive.json"
    fixture.write_text(json.dumps(rows))
    call_command("loaddata", str(fixture), verbosity=0, stderr=StringIO())
    page = client.get("/article/nouvelle-adresse/")
    assert page.status_code == 200
    assert "Texte importé." in page.text
    assert "alert(" not in page.text
    old = client.get("/article/ancienne-adresse/")
    assert (old.status_code, old["Location"]) == (301, "/article/nouvelle-adresse/")
