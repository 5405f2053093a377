"""Photos, galleries and embeds in the article body: stored as our markup only, shown
with the hero's renditions, embeds as click-to-load placeholders under a CSP that opens
frames for this article's providers only."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.content.sanitize import sanitize_html
from articles.discovery.readership import flush_reads
from articles.media.body import render_body
from articles.models import Article
from tests.factories import ArticleFactory, ImageFactory

YOUTUBE = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"

KEPT = [
    '<figure data-image="12"></figure>',
    '<figure data-gallery="12,13,14"></figure>',
    f'<figure data-embed="youtube" data-src="{YOUTUBE}"></figure>',
    '<figure data-embed="vimeo" data-src="https://vimeo.com/76979871"></figure>',
    '<figure data-embed="x" data-src="https://x.com/jack/status/20"></figure>',
    '<figure data-embed="instagram" data-src="https://www.instagram.com/p/C1a2b3c4d5/"></figure>',
    '<figure data-embed="tiktok" data-src="https://www.tiktok.com/@rfi/video/7301234567890123456"></figure>',
    '<figure data-embed="dailymotion" data-src="https://www.dailymotion.com/video/x8abc12"></figure>',
    '<figure data-embed="facebook" data-src="https://www.facebook.com/rfi/posts/pfbid0abc"></figure>',
]


@pytest.mark.parametrize("html", KEPT)
def test_our_media_markup_is_kept_as_it_is(html):
    assert sanitize_html(html) == html


LOOK_ALIKES = {
    "event handler": ('<figure data-image="12" onerror="alert(1)"></figure>', ["onerror"]),
    "non-digit id": ('<figure data-image="12 onload=x"></figure>', ["data-image"]),
    "id with a letter": ('<figure data-image="12a"></figure>', ["data-image"]),
    "negative id": ('<figure data-image="-3"></figure>', ["data-image"]),
    "gallery with a word": ('<figure data-gallery="1,2,abc"></figure>', ["data-gallery"]),
    "unknown provider": (
        '<figure data-embed="evil" data-src="https://evil.example/x"></figure>',
        ["data-embed", "evil"],
    ),
    "javascript address": (
        '<figure data-embed="youtube" data-src="javascript:alert(1)"></figure>',
        ["javascript", "data-src"],
    ),
    "another site's address": (
        '<figure data-embed="youtube" data-src="https://evil.example/watch?v=dQw4w9WgXcQ"></figure>',
        ["evil", "data-src"],
    ),
    "plain http": (
        '<figure data-embed="youtube" data-src="http://www.youtube.com/watch?v=dQw4w9WgXcQ"></figure>',
        ["data-src"],
    ),
    "other data attribute": (
        '<figure data-html="<b>x</b>" data-image="3"></figure>',
        ["data-html"],
    ),
    "data attribute elsewhere": ('<p data-image="3">x</p>', ["data-image"]),
    "iframe inside": (
        f'<figure data-embed="youtube" data-src="{YOUTUBE}"><iframe src="https://evil.example/"></iframe></figure>',
        ["<iframe", "evil"],
    ),
}


@pytest.mark.parametrize("name", LOOK_ALIKES)
def test_look_alikes_of_our_media_markup_are_stripped(name):
    html, forbidden = LOOK_ALIKES[name]
    cleaned = sanitize_html(f"<p>Avant</p>{html}")
    assert "<p>Avant</p>" in cleaned
    for needle in forbidden:
        assert needle not in cleaned, (name, cleaned)


@pytest.fixture
def photos(db):
    return [
        ImageFactory(alt_text=f"Photo {n} du sommet", caption=f"Légende {n}", credit=f"Agence {n}")
        for n in range(3)
    ]


def test_a_body_photo_has_the_heros_renditions_srcset_and_lazy_loading(photos):
    photo = photos[0]
    html = render_body(f'<p>Texte</p><figure data-image="{photo.pk}"></figure>').html
    assert "<p>Texte</p>" in html
    assert "<picture>" in html
    assert f'srcset="{photo.srcset_webp}"' in html
    assert f'srcset="{photo.srcset_jpeg}"' in html
    assert 'loading="lazy"' in html
    assert 'sizes="(min-width: 992px) 800px, 100vw"' in html
    assert f'width="{photo.fallback["width"]}" height="{photo.fallback["height"]}"' in html
    assert 'alt="Photo 0 du sommet"' in html
    assert "Légende 0" in html and "© Agence 0" in html
    assert "data-image" not in html


def test_a_gallery_shows_its_photos_in_order_each_lazy(photos):
    ids = ",".join(str(p.pk) for p in reversed(photos))
    html = render_body(f'<figure data-gallery="{ids}"></figure>').html
    assert html.count("<picture>") == 3
    assert html.count('loading="lazy"') == 3
    assert re.findall(r'alt="(Photo \d) du sommet"', html) == [
        "Photo 2",
        "Photo 1",
        "Photo 0",
    ]
    assert "Galerie de 3 photos" in html


def test_unknown_photo_ids_render_nothing(photos):
    html = render_body(
        '<figure data-image="987654"></figure>'
        f'<figure data-gallery="987654,{photos[1].pk}"></figure>'
    ).html
    assert html.count("<picture>") == 1
    assert "Photo 1 du sommet" in html


def test_all_the_photos_of_a_body_come_in_one_query(photos):
    body = (
        f'<figure data-image="{photos[0].pk}"></figure>'
        f'<figure data-gallery="{photos[1].pk},{photos[2].pk}"></figure>'
        f'<figure data-image="{photos[2].pk}"></figure>'
    )
    with CaptureQueriesContext(connection) as queries:
        html = render_body(body).html
    assert html.count("<picture>") == 4
    assert len(queries) == 1


def test_a_body_without_photos_makes_no_query(db):
    with CaptureQueriesContext(connection) as queries:
        render_body(f'<p>x</p><figure data-embed="youtube" data-src="{YOUTUBE}"></figure>')
    assert len(queries) == 0


def test_an_embed_is_a_placeholder_that_loads_nothing_from_the_provider(db):
    rendered = render_body(f'<figure data-embed="youtube" data-src="{YOUTUBE}"></figure>')
    html = rendered.html
    assert "<iframe" not in html
    assert "YouTube" in html
    assert "Charger le contenu" in html
    assert f'href="{YOUTUBE}"' in html  # without JavaScript: a plain link
    assert "cookies" in html  # the privacy sentence
    # The player address waits on the button, for the reader's click.
    assert 'data-player="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"' in html
    # Nothing the browser would fetch by itself points at the provider.
    assert not re.search(r'(src|srcset|poster|data)="https://[^"]*(youtube|google)', html)
    assert rendered.embed_origins == ["https://www.youtube-nocookie.com"]


def test_an_embed_whose_address_was_stored_unchecked_renders_nothing(db):
    # A row written around the model (raw SQL, a fixture) is checked again on the page.
    html = render_body('<figure data-embed="youtube" data-src="https://evil.example/"></figure>')
    assert html.html == ""
    assert html.embed_origins == []


def article_with_media(photos, embed=True):
    body = (
        "<p>Premier paragraphe.</p>"
        f'<figure data-image="{photos[0].pk}"></figure>'
        f'<figure data-gallery="{photos[1].pk},{photos[2].pk}"></figure>'
    )
    if embed:
        body += f'<figure data-embed="youtube" data-src="{YOUTUBE}"></figure>'
    return ArticleFactory(title="Un sommet en images", body=body)


def csp(response):
    return dict(
        part.strip().split(" ", 1)
        for part in response["Content-Security-Policy"].split(";")
        if part.strip()
    )


def test_the_article_page_shows_body_photos_and_a_click_to_load_embed(client, photos):
    article = article_with_media(photos)
    response = client.get(article.get_absolute_url())
    html = response.content.decode()
    body = html.split('class="article-body"', 1)[1].split("</article>", 1)[0]
    assert body.count("<picture>") == 3
    assert "Charger le contenu" in body
    assert "<iframe" not in html
    assert re.search(r'<script src="/static/js/embeds(\.[0-9a-f]+)?\.js" defer>', html)


def test_the_csp_opens_frames_for_this_articles_providers_only(client, photos):
    with_embed = article_with_media(photos)
    without = article_with_media(photos, embed=False)
    for _round in ("miss", "hit"):
        policy = csp(client.get(with_embed.get_absolute_url()))
        assert policy["frame-src"] == "'self' https://www.youtube-nocookie.com"
        assert "frame-src" not in csp(client.get(without.get_absolute_url()))
    # The rest of the policy is the site's.
    assert policy["script-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert "vimeo" not in str(policy) and "facebook" not in str(policy)


def test_a_page_without_embeds_loads_no_embed_script(client, photos):
    response = client.get(article_with_media(photos, embed=False).get_absolute_url())
    assert b"embeds" not in response.content


def test_the_preview_expands_the_media_blocks_too(client, photos, django_user_model):
    article = article_with_media(photos)
    Article.objects.filter(pk=article.pk).update(status=Article.Status.DRAFT)
    editor = django_user_model.objects.create_superuser("chef", "chef@example.org", "x")
    client.force_login(editor)
    response = client.get(reverse("articles:preview", kwargs={"pk": article.pk}))
    assert response.status_code == 200
    assert response.content.decode().count("<picture>") == 3
    assert "youtube-nocookie" in csp(response)["frame-src"]


# The constant the media blocks add to an article page: one query for all its photos.
BODY_PHOTOS_QUERIES = 1


def test_an_article_with_a_gallery_stays_within_its_budget(client, site, photos):
    from tests.articles.test_query_budgets import BUDGETS, cold_count

    article = site["article"]
    plain = cold_count(client, article.get_absolute_url())
    ids = ",".join(str(p.pk) for p in photos)
    Article.objects.filter(pk=article.pk).update(
        body=f'<p>x</p><figure data-gallery="{ids}"></figure>'
        f'<figure data-image="{photos[0].pk}"></figure>'
    )
    cache.clear()
    flush_reads()
    with_gallery = cold_count(client, article.get_absolute_url())
    assert with_gallery == plain + BODY_PHOTOS_QUERIES
    assert with_gallery <= BUDGETS["article"] + BODY_PHOTOS_QUERIES


def test_a_caption_corrected_in_the_library_shows_in_the_article(client, photos):
    article = article_with_media(photos, embed=False)
    assert "Légende 0" in client.get(article.get_absolute_url()).content.decode()
    photos[0].caption = "Légende corrigée"
    photos[0].save()
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Légende corrigée" in html
    assert "Légende 0" not in html


def test_a_photo_deleted_from_the_library_leaves_the_article_whole(client, photos):
    article = article_with_media(photos, embed=False)
    photos[0].delete()
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    body = response.content.decode().split('class="article-body"', 1)[1]
    body = body.split("</article>", 1)[0]
    assert body.count("<picture>") == 2
    assert "Premier paragraphe." in body
