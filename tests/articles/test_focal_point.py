"""Photos are cut to fixed ratios around their focal point: a portrait phone photo
gives a 16:9 hero and home lead, and 3:2 cards, showing the part the desk chose."""

import re
from io import BytesIO

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import models
from django.test import Client
from PIL import Image as PILImage
from PIL import ImageDraw

from articles.models import Image
from tests.factories import ArticleFactory, SectionFactory

pytestmark = pytest.mark.django_db

RED, GREEN, BLUE = (220, 20, 20), (20, 200, 20), (20, 20, 220)


def portrait_bands():
    """A 1000 × 2000 portrait photo: red rows 0–699, green 700–1299, blue 1300–1999."""
    picture = PILImage.new("RGB", (1000, 2000), GREEN)
    draw = ImageDraw.Draw(picture)
    draw.rectangle((0, 0, 999, 699), fill=RED)
    draw.rectangle((0, 1300, 999, 1999), fill=BLUE)
    buffer = BytesIO()
    picture.save(buffer, "PNG")
    return ContentFile(buffer.getvalue(), name="portrait.png")


def stored_picture(url):
    """The rendition file behind a rendition URL, decoded."""
    name = url.removeprefix(settings.MEDIA_URL)
    with default_storage.open(name) as handle:
        return PILImage.open(handle).convert("RGB").copy()


def near(colour, expected, tolerance=40):
    return all(abs(a - b) <= tolerance for a, b in zip(colour, expected, strict=True))


def portrait(**fields):
    return Image.objects.create(file=portrait_bands(), alt_text="Une foule au marché", **fields)


@pytest.mark.parametrize(
    "focal_y, colour", [(0.1, RED), (0.5, GREEN), (0.95, BLUE)], ids=["top", "centre", "bottom"]
)
def test_a_portrait_photo_is_cut_to_16_9_around_its_focal_point(focal_y, colour):
    image = portrait(focal_y=focal_y)
    crops = image.crops["16:9"]
    widest = crops[-1]
    assert widest["width"] == 1000  # the original's width: only the height is cut
    assert abs(widest["height"] - 1000 * 9 / 16) <= 1
    picture = stored_picture(widest["url_jpeg"])
    assert picture.size == (widest["width"], widest["height"])
    # Every pixel comes from the band around the focal point: top, middle and bottom rows.
    for y in (2, picture.height // 2, picture.height - 3):
        assert near(picture.getpixel((500, y)), colour), (focal_y, y, picture.getpixel((500, y)))
    for entry in crops:
        assert abs(entry["width"] / entry["height"] - 16 / 9) < 0.01
    # Cards get 3:2, from the same place; the original-ratio renditions stay.
    card = image.crops["3:2"][-1]
    assert abs(card["width"] / card["height"] - 3 / 2) < 0.01
    assert near(stored_picture(card["url_jpeg"]).getpixel((500, card["height"] // 2)), colour)
    assert image.renditions[-1]["height"] == 2000


def test_a_focal_point_at_the_edge_keeps_the_crop_inside_the_photo():
    image = portrait(focal_x=1.0, focal_y=0.0)
    picture = stored_picture(image.crops["16:9"][-1]["url_jpeg"])
    assert near(picture.getpixel((0, 0)), RED)
    assert picture.size == (1000, round(1000 * 9 / 16))


def test_moving_the_focal_point_makes_new_crops_at_new_addresses():
    image = portrait(focal_y=0.1)
    old_crop = image.crops["16:9"][-1]["url_jpeg"]
    originals = image.renditions
    image.focal_y = 0.95
    image.save()
    image.refresh_from_db()
    new_crop = image.crops["16:9"][-1]["url_jpeg"]
    assert new_crop != old_crop  # no browser keeps showing the old crop
    assert near(stored_picture(new_crop).getpixel((500, 10)), BLUE)
    assert not default_storage.exists(old_crop.removeprefix(settings.MEDIA_URL))
    assert image.renditions == originals  # the file did not change: same renditions


def test_make_renditions_gives_crops_to_photos_uploaded_before_them(capsys):
    image = portrait(focal_y=0.1)
    models.QuerySet.update(Image.objects.filter(pk=image.pk), crops={})
    call_command("make_renditions", "--stale")
    image.refresh_from_db()
    assert set(image.crops) == set(settings.RENDITION_RATIOS)
    assert near(stored_picture(image.crops["16:9"][-1]["url_jpeg"]).getpixel((500, 10)), RED)
    call_command("make_renditions", "--stale")
    assert "0 images (1 up to date" in capsys.readouterr().out


def img_tag(html, marker):
    """The first <img …> after `marker` in `html`."""
    start = html.index(marker)
    return re.search(r"<img [^>]*>", html[start:]).group(0)


def attr(tag, name):
    return re.search(rf'\b{name}="([^"]*)"', tag).group(1)


def test_the_hero_home_lead_and_cards_reserve_the_crop_size():
    image = portrait(focal_y=0.1)
    section = SectionFactory(name="Société", slug="societe")
    article = ArticleFactory(section=section, hero_image=image, title="Le marché de Dantokpa")
    page = Client()

    hero = img_tag(page.get(article.get_absolute_url()).text, 'class="article-hero"')
    wide = image.crops["16:9"][1]  # the fallback: second-narrowest
    assert (attr(hero, "width"), attr(hero, "height")) == (str(wide["width"]), str(wide["height"]))
    assert attr(hero, "width") == "720" and attr(hero, "height") == "405"
    assert "16x9-50-10-" in attr(hero, "srcset")  # the crop around the focal point

    lead = img_tag(page.get("/").text, 'class="lead-story"')
    assert (attr(lead, "width"), attr(lead, "height")) == ("720", "405")

    card = img_tag(page.get(section.get_absolute_url()).text, 'class="card-article-image"')
    assert (attr(card, "width"), attr(card, "height")) == ("720", "480")
    assert "3x2-50-10-" in attr(card, "srcset")


def test_photos_without_crops_yet_keep_their_own_ratio():
    image = portrait()
    models.QuerySet.update(Image.objects.filter(pk=image.pk), crops={})
    article = ArticleFactory(hero_image=image)
    hero = img_tag(Client().get(article.get_absolute_url()).text, 'class="article-hero"')
    assert (attr(hero, "width"), attr(hero, "height")) == ("720", "1440")
