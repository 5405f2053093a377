"""draft → in review → published → draft, the pre-publish checks, and corrections."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse, reverse_lazy
from django.utils import timezone, translation

from articles.models import Article, Correction
from articles.newsroom import publishing
from tests.factories import ArticleFactory, ImageFactory

from .conftest import article_form_data

pytestmark = pytest.mark.django_db

CHANGELIST = reverse_lazy("admin:articles_article_changelist")
ADD = reverse_lazy("admin:articles_article_add")


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def texts(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_journalist_writes_and_submits_an_article(client, journalist, section):
    client.force_login(journalist)
    new = Article(
        title="Pluies à Cotonou",
        standfirst="Des quartiers inondés.",
        body="<p>Il a plu toute la nuit.</p>",
        section=section,
    )
    data = article_form_data(new, slug="", tags="météo, Cotonou", _submit_review="1")
    response = client.post(ADD, data, follow=True)
    assert response.status_code == 200
    article = Article.objects.get(title="Pluies à Cotonou")
    assert article.owner == journalist
    assert article.slug == "pluies-a-cotonou"
    assert article.status == Article.Status.IN_REVIEW
    assert article.submitted_at is not None
    assert sorted(t.name for t in article.tags.all()) == ["Cotonou", "météo"]
    assert "“Pluies à Cotonou” was sent to the editors." in texts(response)


def test_submit_for_review_action(client, journalist, ready_draft):
    client.force_login(journalist)
    response = client.post(
        CHANGELIST,
        {"action": "submit_for_review", "_selected_action": [ready_draft.pk]},
        follow=True,
    )
    ready_draft.refresh_from_db()
    assert ready_draft.status == Article.Status.IN_REVIEW
    assert "1 article sent to the editors." in texts(response)


def test_editor_publishes_from_review(client, editor, ready_draft):
    ready_draft.status = Article.Status.IN_REVIEW
    ready_draft.save()
    client.force_login(editor)
    response = client.post(
        CHANGELIST, {"action": "publish", "_selected_action": [ready_draft.pk]}, follow=True
    )
    ready_draft.refresh_from_db()
    assert ready_draft.status == Article.Status.PUBLISHED
    assert ready_draft.published_at <= timezone.now()
    assert "1 article published." in texts(response)
    assert client.get(ready_draft.get_absolute_url()).status_code == 200


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"standfirst": ""}, "The standfirst is empty."),
        ({"hero_image": "no-alt"}, "The hero image has no alternative text."),
        ({"hero_image": "no-credit"}, "The hero image has no credit."),
        ({"body": "photo-no-alt"}, "A photo in the body has no alternative text."),
        ({"body": "photo-no-credit"}, "A photo in the body has no credit."),
    ],
)
def test_publishing_is_blocked_with_a_clear_message(client, editor, ready_draft, change, message):
    if change.get("hero_image") == "no-alt":
        change = {"hero_image": ImageFactory(alt_text="", credit="AFP")}
    elif change.get("hero_image") == "no-credit":
        change = {"hero_image": ImageFactory(alt_text="Une photo", credit="")}
    elif change.get("body") in ("photo-no-alt", "photo-no-credit"):
        # A gallery of body photos (articles.media.body), one of them lacking it.
        fine = ImageFactory(alt_text="Une photo", credit="AFP")
        lacking = ImageFactory(
            **({"alt_text": ""} if change["body"] == "photo-no-alt" else {"credit": ""})
        )
        body = f'<p>Texte.</p><figure data-gallery="{fine.pk},{lacking.pk}"></figure>'
        change = {"body": body}
    for name, value in change.items():
        setattr(ready_draft, name, value)
    ready_draft.save()
    client.force_login(editor)
    response = client.post(
        CHANGELIST, {"action": "publish", "_selected_action": [ready_draft.pk]}, follow=True
    )
    ready_draft.refresh_from_db()
    assert ready_draft.status == Article.Status.DRAFT
    [error] = [m for m in texts(response) if "was not published" in m]
    assert message in error

    # The same check guards the form's status field.
    data = article_form_data(ready_draft, status="published")
    response = client.post(change_url(ready_draft), data)
    assert response.status_code == 200
    assert message in response.text
    assert "This article cannot be published yet:" in response.text
    ready_draft.refresh_from_db()
    assert ready_draft.status == Article.Status.DRAFT


def test_article_without_section_cannot_be_published():
    article = Article(title="Sans rubrique", standfirst="Chapô", body="<p>Texte</p>")
    assert "The article has no section." in publishing.publication_problems(article)


def test_typography_slips_warn_but_do_not_block(client, editor, ready_draft):
    ready_draft.title = 'Le "budget" adopté!'
    ready_draft.save()
    client.force_login(editor)
    response = client.post(
        CHANGELIST, {"action": "publish", "_selected_action": [ready_draft.pk]}, follow=True
    )
    ready_draft.refresh_from_db()
    assert ready_draft.status == Article.Status.PUBLISHED
    messages = texts(response)
    assert any("no-break space is missing" in m for m in messages)
    assert any("straight quotes" in m for m in messages)


@pytest.mark.parametrize(
    ("text", "slips"),
    [
        ("Il a dit\u00a0: « oui\u00a0».", 0),
        ("Il a dit\u202f: « oui ».", 0),
        ("Rendez-vous à 20:30 sur https://example.org/a?b=c", 0),
        ("Vraiment ?!", 1),  # an ordinary space before ?
        ("Il a dit: oui", 1),
        ("Il a dit : oui", 1),
        ('Il a dit "oui"', 1),
    ],
)
def test_typography_rules(text, slips):
    article = Article(title="Titre", standfirst="", body=f"<p>{text}</p>")
    assert len(publishing.typography_warnings(article)) == slips


def test_unpublish_and_send_back(client, editor, ready_draft, section, journalist):
    published = ArticleFactory(owner=journalist, section=section)
    ready_draft.status = Article.Status.IN_REVIEW
    ready_draft.save()
    client.force_login(editor)
    client.post(CHANGELIST, {"action": "unpublish", "_selected_action": [published.pk]})
    client.post(
        CHANGELIST,
        {
            "action": "send_back_to_draft",
            "_selected_action": [ready_draft.pk],
            "post": "yes",
            "reason": "Le titre est trop long.",
        },
    )
    published.refresh_from_db()
    ready_draft.refresh_from_db()
    assert published.status == Article.Status.DRAFT
    assert ready_draft.status == Article.Status.DRAFT
    assert client.get(published.get_absolute_url()).status_code == 404
    # Back to draft, the journalist may edit it again.
    client.force_login(journalist)
    assert 'name="title"' in client.get(change_url(published)).text


def test_editor_publishes_through_the_form(client, editor, ready_draft):
    client.force_login(editor)
    response = client.post(
        change_url(ready_draft), article_form_data(ready_draft, status="published")
    )
    assert response.status_code == 302
    ready_draft.refresh_from_db()
    assert ready_draft.status == Article.Status.PUBLISHED
    assert ready_draft.published_at is not None


@pytest.fixture
def live_article(journalist, section):
    return ArticleFactory(
        title="Le budget adopté",
        owner=journalist,
        section=section,
        published_at=timezone.now() - timedelta(days=2),
        updated_at=timezone.now() - timedelta(days=2),
        hero_image=ImageFactory(),
    )


def test_correction_is_dated_shown_and_updates_the_article(client, editor, live_article):
    before = live_article.updated_at
    earlier = timezone.localtime() - timedelta(hours=1)
    client.force_login(editor)
    data = article_form_data(
        live_article,
        **{
            "corrections-TOTAL_FORMS": "1",
            "corrections-0-published_at_0": earlier.date().isoformat(),
            "corrections-0-published_at_1": earlier.strftime("%H:%M:%S"),
            "corrections-0-kind": "correction",
            "corrections-0-text": "Le budget s’élève à 3 000 milliards, et non 300.",
        },
    )
    response = client.post(change_url(live_article), data)
    assert response.status_code == 302
    correction = Correction.objects.get(article=live_article)
    assert correction.created_by == editor
    live_article.refresh_from_db()
    assert live_article.updated_at > before
    page = client.get(live_article.get_absolute_url())
    assert "Le budget s’élève à 3 000 milliards, et non 300." in page.text
    assert 'id="corrections-title"' in page.text


def test_a_correction_dated_in_the_future_is_refused_in_french(client, editor, live_article):
    """« Mis à jour le » a day to come, or a feed item from the future: a note is dated
    when it is made (a few minutes of clock difference aside)."""
    tomorrow = timezone.localtime() + timedelta(days=1)
    client.force_login(editor)
    data = article_form_data(
        live_article,
        **{
            "corrections-TOTAL_FORMS": "1",
            "corrections-0-published_at_0": tomorrow.date().isoformat(),
            "corrections-0-published_at_1": tomorrow.strftime("%H:%M:%S"),
            "corrections-0-kind": "update",
            "corrections-0-text": "Un bilan à venir.",
        },
    )
    with translation.override("fr"):
        response = client.post(change_url(live_article).replace("/en/", "/"), data)
    assert response.status_code == 200
    assert "Une note ne peut pas être datée dans le futur." in response.text
    assert not Correction.objects.exists()


def test_minor_change_keeps_updated_at(client, editor, live_article):
    before = live_article.updated_at
    client.force_login(editor)
    data = article_form_data(live_article, title="Le budget adopté.", minor_change="on")
    assert client.post(change_url(live_article), data).status_code == 302
    live_article.refresh_from_db()
    assert live_article.title == "Le budget adopté."
    assert live_article.updated_at == before


def test_change_of_substance_moves_updated_at(client, editor, live_article):
    before = live_article.updated_at
    client.force_login(editor)
    data = article_form_data(live_article, body="<p>Nouveau paragraphe.</p>")
    assert client.post(change_url(live_article), data).status_code == 302
    live_article.refresh_from_db()
    assert live_article.updated_at > before
    page = client.get(live_article.get_absolute_url())
    assert "updated on" in page.text


def test_journalist_cannot_add_corrections(client, journalist, live_article):
    client.force_login(journalist)
    response = client.get(change_url(live_article))
    assert "corrections-TOTAL_FORMS" not in response.text


def test_submit_button_is_for_journalists_on_drafts(client, journalist, editor, ready_draft):
    client.force_login(journalist)
    assert 'name="_submit_review"' in client.get(ADD).text
    assert 'name="_submit_review"' in client.get(change_url(ready_draft)).text
    ready_draft.status = Article.Status.IN_REVIEW
    ready_draft.save()
    assert 'name="_submit_review"' not in client.get(change_url(ready_draft)).text
    client.force_login(editor)
    assert 'name="_submit_review"' not in client.get(ADD).text


def test_new_article_is_signed_by_the_journalist(client, journalist):
    client.force_login(journalist)
    form = client.get(ADD).context["adminform"].form
    assert form.initial["authors"] == [journalist.author.pk]


def test_tags_field_suggests_existing_tags(client, journalist, section):
    ArticleFactory(section=section, tags=["économie", "port"])
    client.force_login(journalist)
    response = client.get(ADD)
    assert 'list="id_tags-suggestions"' in response.text
    assert '<option value="économie">' in response.text
    assert "js/tag-suggest.js" in response.text


def test_alt_text_that_is_a_file_name_blocks_publishing(ready_draft):
    ready_draft.hero_image.alt_text = "DSC_0042.JPG"
    problems = publishing.publication_problems(ready_draft)
    assert "The hero image's alternative text is a file name: describe the photo." in problems


def test_saving_over_a_newer_save_is_refused(client, editor, journalist, ready_draft):
    from django.test import Client

    # The journalist opens the form…
    client.force_login(journalist)
    form = client.get(change_url(ready_draft)).context["adminform"].form
    loaded = form.initial["loaded_version"]
    # …meanwhile the editor saves the article.
    desk = Client()
    desk.force_login(editor)
    data = article_form_data(ready_draft, title="Titre du chef")
    assert desk.post(change_url(ready_draft), data).status_code == 302
    # The journalist's save would erase it: refused, with a message saying why.
    ready_draft.refresh_from_db()
    data = article_form_data(ready_draft, title="Titre de la journaliste", loaded_version=loaded)
    response = client.post(change_url(ready_draft), data)
    assert response.status_code == 200
    assert "chef saved this article at" in response.text
    assert response.context["adminform"].form.non_field_errors()
    ready_draft.refresh_from_db()
    assert ready_draft.title == "Titre du chef"
    # With the page reloaded, the journalist's save goes through.
    fresh = client.get(change_url(ready_draft)).context["adminform"].form.initial
    data["loaded_version"] = fresh["loaded_version"]
    assert client.post(change_url(ready_draft), data).status_code == 302


def test_read_only_view_shows_no_form_only_fields(client, journalist, section):
    published = ArticleFactory(owner=journalist, section=section)
    client.force_login(journalist)
    response = client.get(change_url(published))
    assert "loaded_version" not in response.text
    assert "Minor change" not in response.text
