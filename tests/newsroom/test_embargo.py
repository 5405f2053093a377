"""Nothing of an unpublished article is seen before it is published: its photos and
renditions, its tags and its authors' pages, and, in the admin, no choice field offers
or accepts what its user may not see."""

import pytest
import time_machine
from django.urls import reverse

from articles.models import Article
from articles.newsroom import publishing
from tests.factories import ArticleFactory, AuthorFactory, ImageFactory

from .conftest import article_form_data

pytestmark = pytest.mark.django_db


def photo_paths(image):
    """The original's and every rendition's and crop's address."""
    paths = {image.file.url}
    for entry in image.renditions + [e for crops in (image.crops or {}).values() for e in crops]:
        paths |= {entry["url_jpeg"], entry["url_webp"]}
    return sorted(paths)


def get(client, path):
    """The answer to a GET, its file read to the end (which closes it, as a WSGI
    server would)."""
    response = client.get(path)
    if response.streaming:
        b"".join(response.streaming_content)
    return response


def statuses(client, paths):
    return {get(client, path).status_code for path in paths}


@pytest.fixture
def scoop(journalist, section):
    """A draft of `journalist` with its own photo, a tag and a byline of its own."""
    photo = ImageFactory(uploaded_by=journalist, alt_text="Le pont neuf", credit="AFP")
    article = ArticleFactory(
        title="Le pont neuf ouvre",
        standfirst="Le chantier a duré trois ans.",
        section=section,
        hero_image=photo,
        status=Article.Status.DRAFT,
        published_at=None,
        owner=journalist,
    )
    article.tags.add("Pont neuf exclusif")
    article.authors.add(AuthorFactory(name="Bio Guéra", slug="bio-guera"))
    return article


# --- Photos -------------------------------------------------------------------------------


def test_a_photo_under_embargo_is_404_until_its_article_is_published(
    client, scoop, journalist, other_journalist, editor
):
    paths = photo_paths(scoop.hero_image)
    assert len(paths) > 4
    assert statuses(client, paths) == {404}
    client.force_login(other_journalist)
    assert statuses(client, paths) == {404}
    for previewer in (journalist, editor):
        client.force_login(previewer)
        assert statuses(client, paths) == {200}
        response = get(client, paths[0])
        assert "private" in response["Cache-Control"]
        assert "no-store" in response["Cache-Control"]
    client.logout()
    publishing.publish(scoop, editor)
    assert statuses(client, paths) == {200}
    # Public now: a shared cache (nginx, a CDN) may keep it as long as a page.
    assert "public" in get(client, paths[0])["Cache-Control"]
    publishing.unpublish(scoop, editor)
    assert statuses(client, paths) == {404}


def test_a_scheduled_article_keeps_its_photo_under_embargo(client, scoop, editor):
    from datetime import timedelta

    from django.utils import timezone

    publishing.publish(scoop, editor, at=timezone.now() + timedelta(hours=3))
    paths = photo_paths(scoop.hero_image)
    assert statuses(client, paths) == {404}
    # Its time comes: the photo is public with the article, with no write in between.
    with time_machine.travel(scoop.published_at + timedelta(seconds=1)):
        assert statuses(client, paths) == {200}


def test_a_photo_in_a_live_body_is_public_and_a_library_photo_is_not(client, editor):
    in_body = ImageFactory(uploaded_by=editor)
    in_gallery = ImageFactory(uploaded_by=editor)
    unused = ImageFactory(uploaded_by=editor)
    ArticleFactory(
        body=f'<p>Texte.</p><figure data-image="{in_body.pk}"></figure>'
        f'<figure data-gallery="{unused.pk + 1000},{in_gallery.pk}"></figure>'
    )
    assert statuses(client, photo_paths(in_body)) == {200}
    assert statuses(client, photo_paths(in_gallery)) == {200}
    assert statuses(client, photo_paths(unused)) == {404}
    assert get(client, f"/media/renditions/{unused.pk + 5000}/w320.jpg").status_code == 404
    # A public photo's folder is no way to another's file.
    secret = photo_paths(unused)[-1].removeprefix("/media/")
    for detour in (
        f"/media/renditions/{in_body.pk}/../../{secret}",
        f"/media/renditions/{in_body.pk}/%2e%2e/%2e%2e/{secret}",
        f"/media/renditions/{in_body.pk}/./../../{secret}",
    ):
        assert get(client, detour).status_code == 404, detour


# --- Tags and authors --------------------------------------------------------------------


def test_a_tag_and_an_author_of_drafts_only_have_no_page_nor_feed(client, scoop, editor):
    tag = scoop.tags.get().slug
    addresses = [
        f"/tag/{tag}/",
        f"/flux/tag/{tag}/rss/",
        f"/flux/tag/{tag}/atom/",
        f"/en/tag/{tag}/",
        "/auteur/bio-guera/",
        "/flux/auteur/bio-guera/rss/",
    ]
    for address in addresses:
        assert client.get(address).status_code == 404, address
    sitemaps = client.get("/sitemap-tags.xml").text + client.get("/sitemap-authors.xml").text
    assert tag not in sitemaps and "bio-guera" not in sitemaps
    publishing.publish(scoop, editor)
    for address in addresses:
        assert client.get(address).status_code == 200, address
    assert tag in client.get("/sitemap-tags.xml").text


# --- Admin choice fields -----------------------------------------------------------------


@pytest.fixture
def others(other_journalist, section):
    """Another journalist's draft, an article in review and a scheduled one, and an
    unpublished photo: none of them the journalist may see."""
    from datetime import timedelta

    from django.utils import timezone

    draft = ArticleFactory(title="Brouillon secret", owner=other_journalist, status="draft")
    review = ArticleFactory(title="Relecture secrète", owner=other_journalist, status="review")
    scheduled = ArticleFactory(
        title="Embargo secret",
        owner=other_journalist,
        published_at=timezone.now() + timedelta(days=1),
    )
    draft.tags.add("Étiquette secrète")
    photo = ImageFactory(uploaded_by=other_journalist, alt_text="Photo secrète")
    return {"draft": draft, "review": review, "scheduled": scheduled, "photo": photo}


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


@pytest.mark.parametrize("which", ["draft", "review", "scheduled"])
def test_a_crafted_related_article_is_a_form_error(client, journalist, ready_draft, others, which):
    client.force_login(journalist)
    data = article_form_data(ready_draft, related_articles=[others[which].pk])
    response = client.post(change_url(ready_draft), data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["related_articles"]
    assert "Select a valid choice" in " ".join(errors)
    assert not ready_draft.related_articles.exists()


def test_a_live_article_is_a_valid_related_article(client, journalist, ready_draft):
    live = ArticleFactory(title="Un article en ligne")
    client.force_login(journalist)
    data = article_form_data(ready_draft, related_articles=[live.pk])
    assert client.post(change_url(ready_draft), data).status_code == 302
    assert list(ready_draft.related_articles.all()) == [live]


def test_the_form_never_shows_what_the_journalist_may_not_see(
    client, journalist, ready_draft, others
):
    # An editor linked the scheduled story: the journalist neither sees nor drops it.
    ready_draft.related_articles.add(others["scheduled"])
    client.force_login(journalist)
    page = client.get(change_url(ready_draft)).text
    for secret in ("Brouillon secret", "Relecture secrète", "Embargo secret"):
        assert secret not in page
    assert "Étiquette secrète" not in page
    assert client.post(change_url(ready_draft), article_form_data(ready_draft)).status_code == 302
    assert list(ready_draft.related_articles.all()) == [others["scheduled"]]


def test_a_crafted_hero_image_or_body_photo_is_a_form_error(
    client, journalist, ready_draft, others
):
    client.force_login(journalist)
    secret = others["photo"].pk
    data = article_form_data(ready_draft, hero_image=secret)
    errors = client.post(change_url(ready_draft), data).context["adminform"].form.errors
    assert "Select a valid choice" in " ".join(errors["hero_image"])
    body = f'<p>Texte.</p><figure data-image="{secret}"></figure>'
    response = client.post(change_url(ready_draft), article_form_data(ready_draft, body=body))
    assert "may not use" in " ".join(response.context["adminform"].form.errors["body"])
    ready_draft.refresh_from_db()
    assert ready_draft.hero_image_id != secret and str(secret) not in ready_draft.body
    # A public photo is anyone's to use.
    public = ImageFactory(uploaded_by=others["draft"].owner)
    ArticleFactory(hero_image=public)
    data = article_form_data(ready_draft, hero_image=public.pk)
    assert client.post(change_url(ready_draft), data).status_code == 302


def test_pickers_and_autocompletes_offer_only_what_the_journalist_may_see(
    client, journalist, ready_draft, others
):
    client.force_login(journalist)
    related = client.get(
        reverse("admin:autocomplete"),
        {
            "term": "secr",
            "app_label": "articles",
            "model_name": "article",
            "field_name": "related_articles",
        },
    )
    assert related.json()["results"] == []
    photos = client.get(
        reverse("admin:articles_image_picker"),
        {"term": "", "app_label": "articles", "model_name": "article", "field_name": "hero_image"},
    ).json()["results"]
    ids = {int(p["id"]) for p in photos}
    assert others["photo"].pk not in ids
    dialog = client.get(reverse("admin:articles_image_pick"), {"q": "secrète"}).json()
    assert dialog["results"] == []
    library = client.get(reverse("admin:articles_image_changelist")).text
    assert "Photo secrète" not in library
    tags = client.get(reverse("admin:taggit_tag_changelist"))
    assert tags.status_code == 200
    assert "Étiquette secrète" not in tags.text
    client.force_login(others["draft"].owner)
    assert "Étiquette secrète" in client.get(reverse("admin:taggit_tag_changelist")).text
