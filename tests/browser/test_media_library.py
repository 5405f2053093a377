"""The media library in Chromium at 1280 px: an editor finds a photo by its caption
among thumbnails, sets its focal point by clicking on it, and the article's hero is a
16:9 cut of the part clicked; the hero picker shows thumbnails."""

from io import BytesIO

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from PIL import Image as PILImage
from PIL import ImageDraw

from articles.models import Image
from articles.newsroom import roles
from tests.factories import ArticleFactory, SectionFactory, UserFactory

from .csp import violations
from .test_newsroom import PASSWORD, log_in


@pytest.fixture
def story(transactional_db, settings):
    """An editor, and a published article whose hero is a portrait photo: red top rows
    (0–699 of 2000), green middle, blue bottom."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    roles.sync_roles(apps)
    editor = UserFactory(username="chef", is_staff=True, password=PASSWORD)
    editor.groups.add(Group.objects.get(name=roles.EDITORS))
    picture = PILImage.new("RGB", (1000, 2000), (20, 200, 20))
    draw = ImageDraw.Draw(picture)
    draw.rectangle((0, 0, 999, 699), fill=(220, 20, 20))
    draw.rectangle((0, 1300, 999, 1999), fill=(20, 20, 220))
    buffer = BytesIO()
    picture.save(buffer, "PNG")
    photo = Image.objects.create(
        file=ContentFile(buffer.getvalue(), name="p.png"),
        alt_text="Le marché Dantokpa",
        caption="Étals au petit matin",
        credit="AFP",
    )
    section = SectionFactory(name="Économie", slug="economie")
    article = ArticleFactory(section=section, hero_image=photo, title="Le marché rouvre")
    return photo, article


HERO_CENTRE_COLOUR = """(img) => {
    const canvas = document.createElement("canvas");
    canvas.width = img.naturalWidth;
    canvas.height = img.naturalHeight;
    const context = canvas.getContext("2d");
    context.drawImage(img, 0, 0);
    return Array.from(context.getImageData(img.naturalWidth / 2, img.naturalHeight / 2, 1, 1).data);
}"""


def test_an_editor_finds_a_photo_and_sets_its_focal_point(desk, story, artifacts):
    page = desk
    photo, article = story
    log_in(page, "chef")

    # The library: a thumbnail per row, the usage count, search by caption.
    page.goto("/admin/articles/image/?q=petit+matin")
    thumbnail = page.locator("img.photo-thumbnail")
    assert thumbnail.count() == 1
    assert thumbnail.get_attribute("alt") == "Le marché Dantokpa"
    assert thumbnail.evaluate("img => img.complete && img.naturalWidth") > 0
    assert thumbnail.bounding_box()["height"] <= 96  # a portrait photo stays a thumbnail
    assert "Utilisée dans 1 article" in page.inner_text("#result_list")
    artifacts.joinpath("media-library.png").write_bytes(page.screenshot(full_page=True))

    # The focal point: a click near the top of the photo fills the two fields.
    page.click("a:has-text('Le marché Dantokpa')")
    shown = page.locator(".focal-picker img")
    box = shown.bounding_box()
    shown.click(position={"x": box["width"] * 0.5, "y": box["height"] * 0.1})
    assert page.input_value("#id_focal_x") == "0.50"
    assert abs(float(page.input_value("#id_focal_y")) - 0.1) <= 0.01
    assert page.locator(".focal-marker").is_visible()
    artifacts.joinpath("focal-point.png").write_bytes(page.screenshot(full_page=True))
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist .success")
    photo.refresh_from_db()
    assert abs(photo.focal_y - 0.1) <= 0.01

    # The article's hero: a 16:9 cut of the red top rows, not a page-tall portrait.
    page.goto(article.get_absolute_url())
    hero = page.locator(".article-hero img")
    hero.evaluate("img => img.decode()")
    size = hero.bounding_box()
    assert abs(size["width"] / size["height"] - 16 / 9) < 0.02
    assert size["height"] < 500
    red, green, blue, _ = hero.evaluate(HERO_CENTRE_COLOUR)
    assert red > 150 and green < 80 and blue < 80, (red, green, blue)
    artifacts.joinpath("focal-point-hero.png").write_bytes(page.screenshot())

    # The hero picker: the chosen photo and each result show a thumbnail.
    page.goto(f"/admin/articles/article/{article.pk}/change/")
    assert page.locator(".field-hero_image .select2-selection .photo-option img").count() == 1
    page.click(".field-hero_image .select2-selection")
    page.fill(".select2-container--open .select2-search__field", "matin")
    option = page.locator(".select2-results__option .photo-option", has_text="Le marché Dantokpa")
    option.wait_for()
    assert option.locator("img").evaluate("img => img.complete && img.naturalWidth") > 0
    artifacts.joinpath("hero-picker.png").write_bytes(page.screenshot())
    assert violations(page) == []
