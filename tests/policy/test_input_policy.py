"""The input policy (newsportal.textinput, docs/input.md): every form and every save
stores text as NFC, without control characters (but tab and newline), noncharacters,
lone surrogates or private-use code points — whoever typed it."""

import json
import unicodedata

import pytest
from django.core.management import call_command

from articles.models import AdSlot, Article, Author, Correction, Image, Section
from comments.forms import CommentForm
from comments.models import Comment
from newsportal.textinput import clean_text
from tests.factories import (
    AdSlotFactory,
    ArticleFactory,
    AuthorFactory,
    CommentFactory,
    ImageFactory,
    SectionFactory,
)

NFD_ELECTION = unicodedata.normalize("NFD", "élection")

# (typed, stored in a multi-line field, stored in a one-line field)
CASES = [
    ("Une ligne\x0bpuis une autre", "Une ligne\npuis une autre", "Une ligne puis une autre"),
    ("saut\x0cde page", "saut\nde page", "saut de page"),
    ("Windows\r\nfin de ligne", "Windows\nfin de ligne", "Windows fin de ligne"),
    ("\x00nul\x00", "nul", "nul"),
    ("cloche\x07 et échap\x1b[31m", "cloche et échap[31m", "cloche et échap[31m"),
    ("suppr\x7f et C1\x85 \x9b", "suppr et C1\n ", "suppr et C1  "),
    (NFD_ELECTION, "élection", "élection"),
    ("privé\ue000\uf8ff\U000f0000\U0010fffd", "privé", "privé"),
    ("non\ufdd0\ufffe\uffff\U0001fffe\U0010ffffcaractère", "noncaractère", "noncaractère"),
    ("seul\ud800\udfffe", "seule", "seule"),
    ("tabulation\tgardée", "tabulation\tgardée", "tabulation gardée"),
    ("🏆 Ελλάδα Москва 北京 مصر", "🏆 Ελλάδα Москва 北京 مصر", "🏆 Ελλάδα Москва 北京 مصر"),
    ("famille 👩\u200d👩\u200d👧 et drapeau 🇧🇯", None, None),  # joiners are kept
]


@pytest.mark.parametrize(("typed", "multiline", "one_line"), CASES)
def test_clean_text_follows_the_policy(typed, multiline, one_line):
    assert clean_text(typed) == (multiline if multiline is not None else typed)
    assert clean_text(typed, multiline=False) == (one_line if one_line is not None else typed)


def test_clean_text_leaves_other_values_alone():
    assert clean_text(None) is None
    assert clean_text("") == ""
    assert clean_text(42) == 42


@pytest.mark.django_db
@pytest.mark.parametrize(("typed", "multiline", "one_line"), CASES[:10])
def test_every_model_that_takes_text_stores_it_clean(typed, multiline, one_line):
    section = SectionFactory(name=f"Rubrique {typed}", description=typed)
    author = AuthorFactory(name=f"Auteur {typed}", role=typed, bio=typed)
    image = ImageFactory(alt_text=typed, caption=typed, credit=typed)
    article = ArticleFactory(
        title=f"Titre {typed}", standfirst=typed, section=section, hero_image=image
    )
    correction = Correction.objects.create(article=article, text=typed)
    ad = AdSlotFactory(name=f"Annonce {typed}", advertiser=typed, text=typed)
    comment = CommentFactory(article=article, name=f"Nom {typed}", body=typed)

    section = Section.objects.get(pk=section.pk)
    assert (section.name, section.description) == (f"Rubrique {one_line}", multiline)
    author = Author.objects.get(pk=author.pk)
    assert (author.name, author.role, author.bio) == (f"Auteur {one_line}", one_line, multiline)
    image = Image.objects.get(pk=image.pk)
    assert (image.alt_text, image.caption, image.credit) == (one_line, one_line, one_line)
    article = Article.objects.get(pk=article.pk)
    assert (article.title, article.standfirst) == (f"Titre {one_line}", multiline)
    assert Correction.objects.get(pk=correction.pk).text == multiline
    ad = AdSlot.objects.get(pk=ad.pk)
    assert (ad.name, ad.advertiser, ad.text) == (f"Annonce {one_line}", one_line, one_line)
    comment = Comment.objects.get(pk=comment.pk)
    assert (comment.name, comment.body) == (f"Nom {one_line}", multiline)


@pytest.mark.django_db
def test_loaddata_imports_are_cleaned_too(tmp_path):
    section = SectionFactory()
    fixture = tmp_path / "import.json"
    fixture.write_text(
        json.dumps(
            [
                {
                    "model": "articles.article",
                    "pk": 9001,
                    "fields": {
                        "title": f"Import\x0b{NFD_ELECTION}\ue000",
                        "slug": "import-election",
                        "standfirst": "Chapô\x0bcollé\x00 depuis un traitement de texte",
                        "body": "<p>Corps</p>",
                        "section": section.pk,
                        "status": "draft",
                        "created_at": "2026-01-01T00:00:00Z",
                        "updated_at": "2026-01-01T00:00:00Z",
                    },
                },
                {
                    "model": "taggit.tag",
                    "pk": 9002,
                    "fields": {"name": f"{NFD_ELECTION}\x0b2026", "slug": ""},
                },
            ]
        )
    )
    call_command("loaddata", str(fixture), verbosity=0)
    article = Article.objects.get(pk=9001)
    assert article.title == "Import élection"
    assert article.standfirst == "Chapô\ncollé depuis un traitement de texte"
    from taggit.models import Tag

    tag = Tag.objects.get(pk=9002)
    assert (tag.name, tag.slug) == ("élection 2026", "election-2026")


@pytest.mark.parametrize(
    ("name", "comment", "kept_name", "kept_comment"),
    [
        ("Awa\ue000", "Merci\ue001 pour\x0bcet article", "Awa", "Merci pour\ncet article"),
        (NFD_ELECTION, "Sur l’" + NFD_ELECTION, "élection", "Sur l’élection"),
        ("Koffi\x00", "Bien\x00 vu\x1b", "Koffi", "Bien vu"),
        ("Jean\tPaul", "ligne 1\r\nligne 2", "Jean Paul", "ligne 1\nligne 2"),
    ],
)
@pytest.mark.django_db
def test_comment_form_applies_the_policy(name, comment, kept_name, kept_comment):
    article = ArticleFactory()
    form = CommentForm({"name": name, "comment": comment}, article=article)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["name"] == kept_name
    assert form.cleaned_data["comment"] == kept_comment


@pytest.mark.django_db
def test_comment_made_only_of_forbidden_characters_is_refused_with_its_error():
    form = CommentForm(
        {"name": "\ue000\x0b", "comment": "\x00\x01\ue000"}, article=ArticleFactory()
    )
    assert not form.is_valid()
    assert set(form.errors) == {"name", "comment"}


@pytest.mark.django_db
def test_admin_form_stores_clean_text_and_finds_the_nfd_duplicate(admin_client):
    """The admin validates what will be stored: an NFD spelling of an existing section
    name at the same place is the same slug, and a pasted standfirst loses its controls."""
    Section.objects.create(name="Élection", slug="election")
    response = admin_client.post(
        "/admin/articles/section/add/",
        {"name": unicodedata.normalize("NFD", "Élection"), "slug": "election", "position": 0},
    )
    assert response.status_code == 200  # shown again, with the error
    assert Section.objects.count() == 1
    assert "Élection" in response.text


INLINE = {
    f"taggit_taggeditem_items-{key}": value
    for key, value in {"TOTAL_FORMS": "0", "INITIAL_FORMS": "0", "MAX_NUM_FORMS": "1000"}.items()
}


@pytest.mark.django_db
def test_tag_admin_refuses_an_nfd_copy_of_an_existing_tag(admin_client):
    from taggit.models import Tag

    Tag.objects.create(name="élection")
    response = admin_client.post(
        "/admin/taggit/tag/add/", {"name": NFD_ELECTION, "slug": "", **INLINE}
    )
    assert response.status_code == 200
    assert Tag.objects.count() == 1
    assert "errornote" in response.text
    # The same form with a new name, private-use character and all, is accepted.
    response = admin_client.post(
        "/admin/taggit/tag/add/", {"name": "Ελλάδα\ue000", "slug": "", **INLINE}
    )
    assert response.status_code == 302
    assert Tag.objects.filter(name="Ελλάδα", slug="ellada").exists()
