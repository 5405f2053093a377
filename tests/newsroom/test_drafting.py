"""Never losing work in the article form: conflict, autosave, edit lock, unsaved preview."""

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from articles.models import Article, ArticleDraft, ArticleLock
from articles.newsroom import drafting
from newsportal.textinput import clean_text
from tests.factories import ArticleFactory

from .conftest import article_form_data

pytestmark = pytest.mark.django_db


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def autosave_url(article=None):
    if article is None:
        return reverse("admin:articles_article_autosave_new")
    return reverse("admin:articles_article_autosave", args=[article.pk])


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def loaded_version(client, article):
    """The version the admin form loads from (after a first save, as in the newsroom)."""
    if not Version.objects.get_for_object(article).exists():
        first = client.post(change_url(article), article_form_data(article))
        assert first.status_code == 302
        article.refresh_from_db()
    return client.get(change_url(article)).context["adminform"].form.initial["loaded_version"]


# The conflict between two saves ----------------------------------------------------------


@pytest.fixture
def conflict(editor, journalist, ready_draft):
    """The journalist opened the form; the editor saved since. Returns the journalist's
    client, the data they post and the editor's title."""
    mine = client_for(journalist)
    loaded = loaded_version(mine, ready_draft)
    desk = client_for(editor)
    edited = article_form_data(ready_draft, title="Titre du chef", body="<p>Texte du chef.</p>")
    assert desk.post(change_url(ready_draft), edited).status_code == 302
    data = article_form_data(ready_draft, title="Titre de la journaliste", body="<p>Mon texte.</p>")
    data["loaded_version"] = loaded
    return mine, data


def test_conflict_message_is_at_the_top_and_shows_what_the_other_changed(conflict, ready_draft):
    client, data = conflict
    response = client.post(change_url(ready_draft), data)
    assert response.status_code == 200
    form = response.context["adminform"].form
    # At the top of the form, not on the hidden field nobody sees.
    assert any("chef saved this article at" in error for error in form.non_field_errors())
    assert "loaded_version" not in form.errors
    # The other version: what the editor changed, line by line.
    lines = {line for change in response.context["conflict"]["changes"] for line in change["lines"]}
    assert ("+", "Titre du chef") in lines
    assert ("+", "Texte du chef.") in lines
    # My text is still in the form.
    assert "Titre de la journaliste" in response.text
    assert 'name="_overwrite"' in response.text
    ready_draft.refresh_from_db()
    assert ready_draft.title == "Titre du chef"
    # Reloading their version loses nothing: mine is offered back as a draft.
    reloaded = client.get(response.context["conflict"]["reload_url"])
    assert "Titre du chef" in reloaded.text
    assert "Resume the draft autosaved at" in reloaded.text
    resumed = client.get(change_url(ready_draft) + "?resume=1").context["adminform"].form
    assert resumed["title"].value() == "Titre de la journaliste"


def test_saving_again_is_stuck_without_the_way_out_and_saves_with_it(conflict, ready_draft):
    client, data = conflict
    first = client.post(change_url(ready_draft), data)
    # The same save again fails again (the form still carries the old version)…
    assert client.post(change_url(ready_draft), data).status_code == 200
    # …"save mine anyway", after seeing the diff, goes through.
    overwrite = first.context["conflict"]["version"].pk
    response = client.post(change_url(ready_draft), {**data, "_overwrite": str(overwrite)})
    assert response.status_code == 302
    ready_draft.refresh_from_db()
    assert ready_draft.title == "Titre de la journaliste"
    # The editor's text is not lost: it is a version in the history.
    titles = [v.field_dict["title"] for v in Version.objects.get_for_object(ready_draft)]
    assert "Titre du chef" in titles


def test_save_anyway_is_refused_when_yet_another_save_came(conflict, editor, ready_draft):
    client, data = conflict
    seen = client.post(change_url(ready_draft), data).context["conflict"]["version"].pk
    desk = client_for(editor)
    ready_draft.refresh_from_db()
    again = article_form_data(ready_draft, title="Titre du chef, encore")
    assert desk.post(change_url(ready_draft), again).status_code == 302
    response = client.post(change_url(ready_draft), {**data, "_overwrite": str(seen)})
    assert response.status_code == 200
    ready_draft.refresh_from_db()
    assert ready_draft.title == "Titre du chef, encore"


def test_editor_in_conflict_gets_a_link_to_the_comparison(editor, journalist, ready_draft):
    mine = client_for(editor)
    loaded = loaded_version(mine, ready_draft)
    other = client_for(journalist)
    assert other.post(change_url(ready_draft), article_form_data(ready_draft, title="Autre"))
    data = article_form_data(ready_draft, title="Le mien", loaded_version=loaded)
    response = mine.post(change_url(ready_draft), data)
    compare = reverse("admin:articles_article_revision", args=[ready_draft.pk, loaded])
    assert compare in response.text
    assert mine.get(compare).status_code == 200


# Autosave -------------------------------------------------------------------------------


def test_autosave_stores_a_draft_and_never_touches_the_article(client, journalist, ready_draft):
    client.force_login(journalist)
    before = Article.objects.values().get(pk=ready_draft.pk)
    versions = Version.objects.get_for_object(ready_draft).count()
    data = article_form_data(ready_draft, body="<p>Un texte en cours.</p>", title="Brouillon")
    response = client.post(autosave_url(ready_draft), data)
    assert response.status_code == 200
    assert "Draft autosaved at" in response.json()["saved"]
    assert "no-store" in response["Cache-Control"]
    draft = ArticleDraft.objects.get(article=ready_draft, user=journalist)
    assert draft.data["body"] == ["<p>Un texte en cours.</p>"]
    assert "csrfmiddlewaretoken" not in draft.data
    # Nothing readers or the history see changed.
    assert Article.objects.values().get(pk=ready_draft.pk) == before
    assert Version.objects.get_for_object(ready_draft).count() == versions
    # A second autosave replaces the first.
    client.post(autosave_url(ready_draft), {**data, "title": "Brouillon 2"})
    assert ArticleDraft.objects.filter(article=ready_draft).count() == 1


@pytest.mark.parametrize("bad", ["\x00", "\x0b", "\ue000", "\ufffe"])
def test_autosave_stores_the_draft_under_the_input_policy(client, journalist, ready_draft, bad):
    # PostgreSQL refuses NUL in a JSON column: a title pasted with one was a 500 on
    # every ping, and the draft was lost.
    client.force_login(journalist)
    data = article_form_data(ready_draft, body=f"<p>Un{bad}texte</p>", title=f"Brouil{bad}lon")
    data[f"champ{bad}"] = bad
    response = client.post(autosave_url(ready_draft), data)
    assert response.status_code == 200
    assert "Draft autosaved at" in response.json()["saved"]
    draft = ArticleDraft.objects.get(article=ready_draft, user=journalist)
    assert draft.data["title"] == [clean_text(f"Brouil{bad}lon")]
    assert draft.data["body"] == [clean_text(f"<p>Un{bad}texte</p>")]
    assert bad not in json.dumps(draft.data, ensure_ascii=False)


def test_autosave_of_a_live_article_leaves_its_page_alone(client, editor, section):
    live = ArticleFactory(section=section, title="En ligne", body="<p>Texte public.</p>")
    reader = Client()
    assert "Texte public." in reader.get(live.get_absolute_url()).text
    client.force_login(editor)
    client.post(autosave_url(live), article_form_data(live, body="<p>Pas encore.</p>"))
    page = reader.get(live.get_absolute_url()).text
    assert "Texte public." in page
    assert "Pas encore." not in page


def test_returning_offers_the_draft_and_restores_its_text(client, journalist, ready_draft):
    client.force_login(journalist)
    data = article_form_data(ready_draft, body="<p>Phrase tapée.</p>", title="Titre tapé")
    client.post(autosave_url(ready_draft), data)
    saved_at = timezone.localtime(ArticleDraft.objects.get().saved_at).strftime("%H:%M")

    page = client.get(change_url(ready_draft))
    assert f"Resume the draft autosaved at {saved_at}" in page.text
    assert page.context["adminform"].form["title"].value() == ready_draft.title

    resumed = client.get(change_url(ready_draft) + "?resume=1")
    form = resumed.context["adminform"].form
    assert form["title"].value() == "Titre tapé"
    assert form["body"].value() == "<p>Phrase tapée.</p>"
    assert form["section"].value() == str(ready_draft.section_id)
    # Saving it keeps it in the article and forgets the draft.
    posted = article_form_data(ready_draft, title="Titre tapé", body="<p>Phrase tapée.</p>")
    posted["loaded_version"] = form.initial["loaded_version"]
    assert client.post(change_url(ready_draft), posted).status_code == 302
    assert not ArticleDraft.objects.exists()
    assert "Resume the draft" not in client.get(change_url(ready_draft)).text


def test_a_draft_can_be_discarded(client, journalist, ready_draft):
    client.force_login(journalist)
    client.post(autosave_url(ready_draft), article_form_data(ready_draft, title="X"))
    url = reverse("admin:articles_article_discard", args=[ready_draft.pk])
    assert client.post(url).status_code == 302
    assert not ArticleDraft.objects.exists()


def test_a_new_article_is_autosaved_and_offered_on_the_add_page(client, journalist, section):
    client.force_login(journalist)
    unsaved = Article(title="Nouveau sujet", section=section, body="<p>Début.</p>")
    data = article_form_data(unsaved)
    assert client.post(autosave_url(), data).status_code == 200
    draft = ArticleDraft.objects.get(article=None, user=journalist)
    assert draft.data["title"] == ["Nouveau sujet"]
    assert not Article.objects.filter(title="Nouveau sujet").exists()
    add = reverse("admin:articles_article_add")
    assert "Resume the draft autosaved at" in client.get(add).text
    form = client.get(add + "?resume=1").context["adminform"].form
    assert form["title"].value() == "Nouveau sujet"
    # Adding the article forgets the new-article draft.
    assert client.post(add, data).status_code == 302
    assert not ArticleDraft.objects.exists()


@pytest.mark.parametrize("who", ["anonymous", "other_journalist", "moderator"])
def test_autosave_is_checked_like_a_change(request, ready_draft, who):
    client = Client()
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    response = client.post(autosave_url(ready_draft), article_form_data(ready_draft))
    assert response.status_code in (302, 403, 404)
    assert not ArticleDraft.objects.exists()


def test_autosave_needs_the_csrf_token(journalist, ready_draft):
    client = Client(enforce_csrf_checks=True)
    client.force_login(journalist)
    response = client.post(autosave_url(ready_draft), article_form_data(ready_draft))
    assert response.status_code == 403
    assert not ArticleDraft.objects.exists()


def test_autosave_answers_only_post(client, journalist, ready_draft):
    client.force_login(journalist)
    assert client.get(autosave_url(ready_draft)).status_code == 405


# The edit lock --------------------------------------------------------------------------


def test_second_editor_sees_who_is_editing_and_takes_over(journalist, editor, ready_draft):
    journalist.first_name = "Awa"
    journalist.save()
    awa = client_for(journalist)
    assert awa.get(change_url(ready_draft)).status_code == 200
    since = timezone.localtime(ArticleLock.objects.get().since).strftime("%H:%M")

    chef = client_for(editor)
    page = chef.get(change_url(ready_draft))
    assert f"Awa is editing this article since {since}." in page.text
    take_over = reverse("admin:articles_article_take_over", args=[ready_draft.pk])
    assert take_over in page.text
    # Opening the form did not take the lock.
    assert ArticleLock.objects.get().user == journalist

    assert chef.post(take_over).status_code == 302
    assert ArticleLock.objects.get().user == editor
    assert "is editing this article" not in chef.get(change_url(ready_draft)).text
    # Awa's next ping says who took over.
    answer = awa.post(autosave_url(ready_draft), {}).json()
    assert answer["lock"].startswith("chef is editing this article since")
    assert ArticleLock.objects.get().user == editor


def test_a_lock_without_ping_expires(journalist, editor, ready_draft):
    client_for(journalist).get(change_url(ready_draft))
    old = timezone.now() - timedelta(seconds=drafting.LOCK_SECONDS + 1)
    ArticleLock.objects.update(heartbeat=old)
    page = client_for(editor).get(change_url(ready_draft))
    assert "is editing this article" not in page.text
    assert ArticleLock.objects.get().user == editor


def test_the_ping_keeps_the_lock_alive(journalist, editor, ready_draft):
    awa = client_for(journalist)
    awa.get(change_url(ready_draft))
    old = timezone.now() - timedelta(seconds=drafting.LOCK_SECONDS - 10)
    ArticleLock.objects.update(heartbeat=old)
    assert awa.post(autosave_url(ready_draft), {}).json() == {"saved": "", "lock": ""}
    ArticleLock.objects.update(since=old)  # the heartbeat is renewed, not the start
    assert ArticleLock.objects.get().heartbeat > old
    assert "is editing this article" in client_for(editor).get(change_url(ready_draft)).text


def test_read_only_viewers_take_no_lock(client, journalist, section):
    published = ArticleFactory(owner=journalist, section=section)
    client.force_login(journalist)
    response = client.get(change_url(published))
    assert response.status_code == 200
    assert not ArticleLock.objects.exists()
    assert "article-drafting.js" not in response.text


def test_the_form_page_loads_the_safety_net(client, journalist, ready_draft):
    client.force_login(journalist)
    response = client.get(change_url(ready_draft))
    assert 'id="article-drafting"' in response.text
    assert autosave_url(ready_draft) in response.text
    assert "js/article-drafting.js" in response.text
    assert 'name="_preview"' in response.text


# The preview of the unsaved form --------------------------------------------------------


def preview_of(client, url, data):
    response = client.post(url, data)
    assert response.status_code == 302
    frame = client.get(response["Location"])
    assert frame.status_code == 200
    page_url = frame.context["page_url"]
    return frame, client.get(page_url), page_url


def test_preview_shows_the_unsaved_form_as_readers_will(client, journalist, ready_draft):
    client.force_login(journalist)
    before = Article.objects.values().get(pk=ready_draft.pk)
    data = article_form_data(
        ready_draft,
        title="Titre pas encore enregistré",
        body="<p>Paragraphe neuf.</p><script>alert(1)</script>",
        tags="budget, assemblée",
    )
    url = reverse("admin:articles_article_form_preview_change", args=[ready_draft.pk])
    frame, page, _url = preview_of(client, url, data)
    assert 'id="preview-phone"' in frame.text and 'id="preview-desktop"' in frame.text
    assert page.status_code == 200
    assert '<h1 id="article-title" class="article-title">Titre pas encore enregistré</h1>' in (
        page.text
    )
    assert "<p>Paragraphe neuf.</p>" in page.text
    assert "<script>alert(1)" not in page.text  # sanitized as on save
    assert "assemblée" in page.text
    assert page.context["is_preview"]
    for response in (frame, page):
        assert "no-store" in response["Cache-Control"]
        assert response["X-Robots-Tag"] == "noindex, nofollow"
    # Framed by the preview page only.
    assert page["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in page["Content-Security-Policy"]
    # Nothing saved.
    assert Article.objects.values().get(pk=ready_draft.pk) == before


def test_preview_of_a_new_article(client, journalist, section):
    client.force_login(journalist)
    unsaved = Article(title="Jamais enregistré", section=section, body="<p>Corps.</p>")
    url = reverse("admin:articles_article_form_preview_new")
    _frame, page, _url = preview_of(client, url, article_form_data(unsaved))
    assert "Jamais enregistré" in page.text
    assert not Article.objects.exists()


def test_preview_without_a_section_says_so(client, journalist):
    client.force_login(journalist)
    data = article_form_data(Article(title="Sans rubrique"), section="")
    url = reverse("admin:articles_article_form_preview_new")
    _frame, page, _url = preview_of(client, url, data)
    assert "Choose a section before previewing" in page.text


def test_preview_is_private_to_who_made_it(client, journalist, editor, ready_draft):
    client.force_login(journalist)
    url = reverse("admin:articles_article_form_preview_change", args=[ready_draft.pk])
    _frame, _page, page_url = preview_of(client, url, article_form_data(ready_draft))
    # Another session (even an editor's) does not find it; nor does a reader.
    assert client_for(editor).get(page_url).status_code == 404
    assert Client().get(page_url).status_code == 302  # to the admin login


def test_preview_is_checked_like_a_change(other_journalist, ready_draft):
    client = client_for(other_journalist)
    url = reverse("admin:articles_article_form_preview_change", args=[ready_draft.pk])
    assert client.post(url, article_form_data(ready_draft)).status_code in (403, 404)


@pytest.mark.parametrize("loaded", ["²", "１", "abc"])
def test_a_crafted_loaded_version_is_a_conflict_not_an_error(
    client, journalist, ready_draft, loaded
):
    """A version number that is no ASCII number (« ² » passes str.isdigit) is an unknown
    version: the form says someone saved since, nothing is saved, no error page."""
    client.force_login(journalist)
    url = reverse("admin:articles_article_change", args=[ready_draft.pk])
    client.post(url, article_form_data(ready_draft))  # a version to be in conflict with
    data = article_form_data(ready_draft, title="Autre titre", loaded_version=loaded)
    response = client.post(url, data)
    assert response.status_code == 200
    ready_draft.refresh_from_db()
    assert ready_draft.title != "Autre titre"
