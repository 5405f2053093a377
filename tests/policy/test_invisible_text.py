"""Text that shows nothing (zero-width spaces, word joiners, tag characters, combining
marks alone) counts as empty: the reader sees « Ce champ est obligatoire. », the
editor « Ce champ ne peut pas être vide. », never an invisible comment or byline."""

import pytest

from articles.models import Author, Section
from newsportal.textinput import is_blank
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

INVISIBLE = [
    "\u200b",
    "\u200b\u200c\u200d\u2060",
    "\ufeff \u00a0\u3000",
    "\U000e0041\U000e0062\U000e007f",  # tag characters
    "\u0301\u20dd",  # combining marks alone
    "\ufe0f\u202e\u2066",
    "\u3164\u2800",  # Hangul filler, blank Braille
]


@pytest.mark.parametrize("text", INVISIBLE)
def test_the_comment_form_says_required_for_invisible_text(client, text):
    from comments.forms import CommentForm

    form = CommentForm({"name": text, "comment": text}, article=ArticleFactory())
    assert not form.is_valid()
    assert form.errors["name"] == ["Ce champ est obligatoire."]
    assert form.errors["comment"] == ["Ce champ est obligatoire."]


@pytest.mark.parametrize("text", INVISIBLE[:3])
def test_the_admin_refuses_an_invisible_author_or_section_name(admin_client, text):
    for url in ["/admin/articles/author/add/", "/admin/articles/section/add/"]:
        response = admin_client.post(url, {"name": text, "slug": "", "position": 0})
        assert response.status_code == 200
        assert "Ce champ ne peut pas être vide." in response.content.decode()
    assert not Author.objects.exists() and not Section.objects.exists()


@pytest.mark.parametrize("text", ["a\u200b", "é", "\u0915\u093f", "👍🏽", "Ⅳ", "ـ"])
def test_visible_text_is_not_blank(text):
    assert not is_blank(text)
