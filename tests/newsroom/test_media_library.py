"""The media library: thumbnails and usage counts in the list, search by alt text,
caption and credit, thumbnails in the photo pickers, the focal point on the photo form."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from articles.models import Article, Image
from tests.factories import AdSlotFactory, ArticleFactory, ImageFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:articles_image_changelist"


@pytest.fixture
def library(section):
    """Three photos: one the hero of two articles (one a draft), one of one, one unused."""
    market = ImageFactory(
        alt_text="Le marché Dantokpa", caption="Étals au petit matin", credit="AFP"
    )
    port = ImageFactory(
        alt_text="Le port de Cotonou", caption="Grues et conteneurs", credit="Reuters"
    )
    unused = ImageFactory(alt_text="Une plage", caption="Sable blanc", credit="Rédaction")
    ArticleFactory(section=section, hero_image=market)
    ArticleFactory(
        section=section, hero_image=market, status=Article.Status.DRAFT, published_at=None
    )
    ArticleFactory(section=section, hero_image=port)
    AdSlotFactory(image=unused)  # an ad is no article: the count stays at zero
    return market, port, unused


def row_of(html, alt_text):
    """The changelist row (<tr>…</tr>) whose thumbnail has `alt_text` as alt."""
    rows = re.findall(r"<tr[ >].*?</tr>", html, flags=re.S)
    matching = [row for row in rows if f'alt="{alt_text}"' in row]
    assert len(matching) == 1, f"{len(matching)} rows with alt text {alt_text!r}"
    return matching[0]


def test_each_row_shows_a_lazy_thumbnail_and_how_many_articles_use_the_photo(
    client, editor, library
):
    market, port, unused = library
    client.force_login(editor)
    html = client.get(reverse(CHANGELIST)).text
    for image, usage in [
        (market, "Used in 2 articles"),
        (port, "Used in 1 article<"),
        (unused, "Not used"),
    ]:
        row = row_of(html, image.alt_text)
        thumbnail = re.search(r'<img [^>]*class="photo-thumbnail"[^>]*>', row).group(0)
        assert f'src="{image.renditions[0]["url_jpeg"]}"' in thumbnail  # the narrowest
        assert 'loading="lazy"' in thumbnail
        assert 'width="96" height="64"' in thumbnail  # 800 × 533, drawn 96 wide
        assert usage in row


def test_the_usage_count_reads_in_french_and_sorts(client, editor, library):
    client.force_login(editor)
    with translation.override("fr"):
        url = reverse(CHANGELIST)
    column = client.get(url).context["cl"].list_display.index("usage")
    response = client.get(url, {"o": f"-{column}"})  # the usage column, most used first
    assert "Utilisée dans 2 articles" in response.text
    assert "Inutilisée" in response.text
    counts = [image.usage_count for image in response.context["cl"].result_list]
    assert counts == [2, 1, 0]


@pytest.mark.parametrize(
    "term, found",
    [
        ("Dantokpa", "Le marché Dantokpa"),
        ("conteneurs", "Le port de Cotonou"),
        ("Rédaction", "Une plage"),
    ],
    ids=["alt text", "caption", "credit"],
)
def test_the_library_is_searched_by_alt_text_caption_and_credit(
    client, journalist, library, term, found
):
    client.force_login(journalist)
    response = client.get(reverse(CHANGELIST), {"q": term})
    assert [str(image) for image in response.context["cl"].result_list] == [found]


def picker(client, term="", **params):
    query = {"app_label": "articles", "model_name": "article", "field_name": "hero_image"}
    return client.get(reverse("admin:articles_image_picker"), {**query, **params, "term": term})


def test_the_hero_picker_results_carry_thumbnails(client, journalist, library):
    market, port, unused = library
    client.force_login(journalist)
    response = picker(client, "conteneurs")  # found by its caption
    assert response.status_code == 200
    assert response.json()["results"] == [
        {
            "id": str(port.pk),
            "text": "Le port de Cotonou",
            "thumbnail": port.renditions[0]["url_jpeg"],
        }
    ]
    everything = picker(client).json()["results"]
    assert {r["id"]: r["thumbnail"] for r in everything} == {
        str(i.pk): i.renditions[0]["url_jpeg"] for i in library
    }
    ad_picker = picker(client, "plage", model_name="adslot", field_name="image").json()["results"]
    assert [r["thumbnail"] for r in ad_picker] == [unused.renditions[0]["url_jpeg"]]


def test_the_picker_is_for_the_newsroom_only(client, library):
    assert picker(client).status_code == 302  # to the login page
    assert "thumbnail" not in picker(client).text


def test_the_article_form_uses_the_photo_picker_with_the_chosen_photo_s_thumbnail(
    client, editor, library
):
    market = library[0]
    article = Article.objects.filter(hero_image=market).first()
    client.force_login(editor)
    html = client.get(reverse("admin:articles_article_change", args=[article.pk])).text
    select = re.search(r'<select name="hero_image".*?</select>', html, flags=re.S).group(0)
    assert f'data-ajax--url="{reverse("admin:articles_image_picker")}"' in select
    assert f'data-thumbnail="{market.renditions[0]["url_jpeg"]}"' in select
    assert "js/photo-picker.js" in html
    # The section picker keeps the plain autocomplete.
    assert f'data-ajax--url="{reverse("admin:autocomplete")}"' in html


def test_the_photo_form_sets_the_focal_point_with_two_numbers(client, journalist, section):
    client.force_login(journalist)
    image = ImageFactory(uploaded_by=journalist)
    url = reverse("admin:articles_image_change", args=[image.pk])
    html = client.get(url).text
    assert re.search(r'<input type="number" name="focal_x" value="0.5"[^>]*step="0.01"', html)
    assert 'name="focal_y"' in html
    assert "data-focal-picker" in html and "js/photo-focal.js" in html
    old_crop = image.crops["16:9"][-1]["url_jpeg"]
    data = {
        "alt_text": image.alt_text,
        "caption": "",
        "credit": "AFP",
        "focal_x": "0.2",
        "focal_y": "0.8",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    image.refresh_from_db()
    assert (image.focal_x, image.focal_y) == (0.2, 0.8)
    assert image.crops["16:9"][-1]["url_jpeg"] != old_crop  # cut again around the new point

    response = client.post(url, {**data, "focal_x": "1.5"})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["focal_x"]
    assert Image.objects.get(pk=image.pk).focal_x == 0.2


def test_an_upload_without_a_focal_point_is_centred(client, journalist):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.factories import png_bytes

    client.force_login(journalist)
    add = reverse("admin:articles_image_add")
    assert "Save the photo first" in client.get(add).text
    client.post(
        add,
        {
            "file": SimpleUploadedFile("p.png", png_bytes(), content_type="image/png"),
            "alt_text": "Le marché Dantokpa",
            "credit": "AFP",
        },
    )
    image = Image.objects.get()
    assert (image.focal_x, image.focal_y) == (0.5, 0.5)
    assert set(image.crops) == {"16:9", "3:2"}


def test_the_picker_costs_the_same_queries_for_3_photos_or_20(client, journalist):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(journalist)
    counts = []
    for total in (3, 20):
        while Image.objects.count() < total:
            ImageFactory(uploaded_by=journalist)
        with CaptureQueriesContext(connection) as queries:
            results = picker(client).json()["results"]
        assert len(results) == total and all(r["thumbnail"] for r in results)
        counts.append(len(queries))
    assert counts[0] == counts[1]
