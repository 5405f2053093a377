"""The admin speaks French: form titles, column headers, filters, form labels, the
history of an article, the rich-text editor's dialogs."""

import json
import re
from datetime import timedelta
from html import unescape

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.models import CHANGE, LogEntry
from django.urls import reverse
from django.utils import timezone, translation
from taggit.models import Tag

from articles.models import FrontPageBlock
from comments.models import Comment, StoryHeat, TrustedCommenter
from tests.factories import (
    AdSlotFactory,
    ArticleFactory,
    AuthorFactory,
    CommentFactory,
    ImageFactory,
    SectionFactory,
    UserFactory,
)
from tests.newsroom.conftest import article_form_data

pytestmark = pytest.mark.django_db

# Words French writes as English does (« image », « position »…): the same on both sides.
SAME_IN_FRENCH = {
    "",
    "article",
    "correction",
    "date",
    "description",
    "image",
    "position",
    "score",
    "slug",
    "url",
    "active",
    "publication",
    "id",
}


def french(path):
    """The French admin's address for an admin path (/admin/…, no language prefix)."""
    with translation.override("fr"):
        return reverse(path[0], args=path[1:])


def english(path):
    with translation.override("en"):
        return reverse(path[0], args=path[1:])


def texts(pattern, html):
    # The labels of hidden inputs are hidden too (a form-only field such as loaded_version).
    for hidden in re.findall(r'<input type="hidden"[^>]* id="([^"]+)"', html):
        html = re.sub(rf'<label[^>]* for="{hidden}"[^>]*>.*?</label>', "", html, flags=re.S)
    return [
        re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", "", t))).strip().rstrip(" :")
        for t in re.findall(pattern, html, re.S)
    ]


COLUMN = (
    r'<th scope="col"[^>]*>\s*(?:<div class="sortoptions">.*?</div>\s*)?'
    r'<div class="text">(.*?)</div>'
)
FILTER = r'<details data-filter-title="([^"]*)"'
LABEL = r"<label[^>]*>(.*?)</label>"


def untranslated(client, path, pattern):
    """Pairs (English, French) of `pattern`'s texts on `path` that are the same in both
    languages, apart from words French shares with English."""
    french_page = client.get(french(path))
    english_page = client.get(english(path))
    assert french_page.status_code == english_page.status_code == 200, path
    fr, en = texts(pattern, french_page.text), texts(pattern, english_page.text)
    assert len(fr) == len(en), (path, fr, en)
    pairs = zip(en, fr, strict=True)
    return [(e, f) for e, f in pairs if e == f and e.lower() not in SAME_IN_FRENCH]


@pytest.fixture
def superuser(client):
    user = UserFactory(username="admin", is_staff=True, is_superuser=True)
    client.force_login(user)
    return user


@pytest.fixture
def one_of_each(superuser):
    article = ArticleFactory(title="Le budget adopté")
    article.slug = "le-budget-vote"
    article.save()
    section = SectionFactory(name="Diplomatie")
    section.slug = "diplo"
    section.save()
    author = AuthorFactory(name="Awa Diallo")
    author.slug = "awa"
    author.save()
    tag = Tag.objects.create(name="cedeao", slug="cedeao")
    tag.slug = "cedeao-2"
    tag.save()
    return {
        "article": article,
        "image": ImageFactory(alt_text="L’hémicycle"),
        "section": section,
        "author": author,
        "tag": tag,
        "adslot": AdSlotFactory(),
        "comment": CommentFactory(article=article),
        "frontpageblock": FrontPageBlock.objects.create(kind=FrontPageBlock.Kind.LEAD),
        "trustedcommenter": TrustedCommenter.objects.create(key_digest="0" * 64),
        "storyheat": StoryHeat.objects.create(
            article=article, premoderated_until=timezone.now() + timedelta(hours=6)
        ),
    }


def registered():
    """Every model the newsroom administers, as (app_label, model_name)."""
    return sorted(
        (model._meta.app_label, model._meta.model_name)
        for model in admin.site._registry
        if model._meta.app_label in {"articles", "comments", "taggit"}
    )


def test_every_admin_list_has_french_columns_and_filters(client, one_of_each):
    found = {}
    for app_label, model_name in registered():
        path = (f"admin:{app_label}_{model_name}_changelist",)
        if bad := untranslated(client, path, COLUMN) + untranslated(client, path, FILTER):
            found[model_name] = bad
    assert found == {}


def test_every_admin_form_has_french_labels_and_title(client, rf, superuser, one_of_each):
    request = rf.get("/")
    request.user = superuser
    found = {}
    for app_label, model_name in registered():
        model = apps.get_model(app_label, model_name)
        paths = [(f"admin:{app_label}_{model_name}_change", model._default_manager.first().pk)]
        if admin.site._registry[model].has_add_permission(request):
            paths.append((f"admin:{app_label}_{model_name}_add",))
        for path in paths:
            title = texts(r"<h1>(.*?)</h1>", client.get(french(path)).text)[0]
            # Django's « Ajout de %s » and its kind, filled with a noun without its article.
            assert not title.startswith(("Ajout de ", "Modification de ", "Affichage de ")), title
            if bad := untranslated(client, path, LABEL):
                found[path[0]] = bad
    assert found == {}


def test_add_and_change_titles_read_as_sentences(client, superuser):
    article = ArticleFactory()
    add = client.get(french(("admin:articles_article_add",))).text
    assert "<h1>Ajouter un article</h1>" in add
    assert "<title>Ajouter un article |" in add
    change = client.get(french(("admin:articles_article_change", article.pk))).text
    assert "<h1>Modifier l’article</h1>" in change
    image = ImageFactory()
    assert (
        "<h1>Modifier l’image</h1>"
        in client.get(french(("admin:articles_image_change", image.pk))).text
    )


def test_image_list_columns_are_french(client, superuser):
    ImageFactory(alt_text="Le port de Dakar")
    columns = texts(COLUMN, client.get(french(("admin:articles_image_changelist",))).text)
    assert {"Largeur", "Hauteur", "Importée le"} <= set(columns)
    assert not {"Width", "Height", "Created at"} & set(columns)


def test_history_names_the_changed_fields_by_their_labels(client, editor, ready_draft):
    client.force_login(editor)
    url = french(("admin:articles_article_change", ready_draft.pk))
    form = client.get(url).context["adminform"].form
    data = article_form_data(
        ready_draft,
        title="Le budget est adopté",
        body="<p>Les députés ont adopté le texte en seconde lecture.</p>",
        loaded_version=form.initial["loaded_version"],
    )
    assert client.post(url, data).status_code == 302
    history = client.get(french(("admin:articles_article_history", ready_draft.pk))).text
    assert "Modification de titre et corps." in history
    assert "loaded_version" not in history
    assert "Body" not in history
    # The admin's log keeps msgids, translated when shown: English on the English admin.
    entry = LogEntry.objects.get(object_id=ready_draft.pk, action_flag=CHANGE)
    with translation.override("en"):
        assert entry.get_change_message() == "Changed title and body."


def test_a_moderators_edit_is_logged_by_label(client, moderator):
    comment = CommentFactory(name="Lecteur", body="Mon numéro est le 77 000 00 00")
    client.force_login(moderator)
    url = french(("admin:comments_comment_change", comment.pk))
    assert "<h1>Modifier le commentaire</h1>" in client.get(url).text
    data = {"name": comment.name, "body": "Mon numéro est masqué", "status": comment.status}
    assert client.post(url, data).status_code == 302
    history = client.get(french(("admin:comments_comment_history", comment.pk))).text
    assert "Modification de commentaire." in history
    assert Comment.objects.get(pk=comment.pk).body == "Mon numéro est masqué"


def test_the_editors_dialogs_are_translated(client, superuser):
    """The rich-text editor's dialogs (« Edit Link », « URL », « Update ») read the
    JavaScript catalogue, which carries django-prose-editor's French translations."""
    page = client.get(french(("admin:articles_article_add",))).text
    sources = re.findall(r'<script src="([^"]*jsi18n[^"]*)"', page)
    served = "".join(client.get(src).text for src in sources)
    for english_text, french_text in [
        ("Edit Link", "Modifier le lien"),
        ("Update", "Mettre à jour"),
        ("Cancel", "Annuler"),
    ]:
        assert f"{json.dumps(english_text)}: {json.dumps(french_text)}" in served
