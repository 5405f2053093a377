"""Who sees, changes and publishes what in the newsroom admin, including by direct URL."""

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.urls import reverse, reverse_lazy

from articles.models import Article
from articles.newsroom import roles
from tests.factories import ArticleFactory

from .conftest import article_form_data

pytestmark = pytest.mark.django_db

CHANGELIST = reverse_lazy("admin:articles_article_changelist")


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def delete_url(article):
    return reverse("admin:articles_article_delete", args=[article.pk])


def action_names(response):
    return {name for name, _label in response.context["action_form"].fields["action"].choices}


def test_groups_hold_exactly_the_listed_permissions(groups):
    roles.sync_roles(apps)
    for role, grants in roles.ROLE_PERMISSIONS.items():
        # "publish" on "article" is "publish_article"; "can_moderate" is named in full.
        expected = {
            f"{app_label}.{action}_{model}"
            if Permission.objects.filter(codename=f"{action}_{model}").exists()
            else f"{app_label}.{action}"
            for app_label, models in grants.items()
            for model, actions in models.items()
            for action in actions
        }
        group = Group.objects.get(name=role)
        held = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}
        assert held == expected, role


def test_journalist_lists_only_own_articles(client, journalist, other_journalist, section):
    mine = ArticleFactory(title="Mon papier", owner=journalist, status="draft", section=section)
    theirs = ArticleFactory(title="Son papier", owner=other_journalist, status="draft")
    client.force_login(journalist)
    response = client.get(CHANGELIST)
    assert response.status_code == 200
    listed = list(response.context["cl"].result_list)
    assert listed == [mine]
    assert theirs.title not in response.text


def test_journalist_sees_articles_they_sign(client, journalist, other_journalist):
    signed = ArticleFactory(owner=other_journalist, status="draft", authors=[journalist.author])
    client.force_login(journalist)
    assert list(client.get(CHANGELIST).context["cl"].result_list) == [signed]


def test_journalist_cannot_open_or_post_to_another_journalists_article(
    client, journalist, other_journalist
):
    theirs = ArticleFactory(title="Son papier", owner=other_journalist, status="draft")
    client.force_login(journalist)
    response = client.get(change_url(theirs))
    assert response.status_code == 302  # "does not exist", like any unknown id
    response = client.post(change_url(theirs), article_form_data(theirs, title="Piraté"))
    assert response.status_code == 302
    assert client.get(delete_url(theirs)).status_code in (302, 403)
    theirs.refresh_from_db()
    assert theirs.title == "Son papier"
    history = reverse("admin:articles_article_history", args=[theirs.pk])
    assert client.get(history).status_code == 302


def test_journalist_edits_own_draft(client, journalist, ready_draft):
    client.force_login(journalist)
    response = client.get(change_url(ready_draft))
    assert response.status_code == 200
    assert 'name="title"' in response.text
    # Publication fields are read-only for a journalist.
    assert 'name="status"' not in response.text
    assert 'name="published_at_0"' not in response.text
    response = client.post(
        change_url(ready_draft), article_form_data(ready_draft, title="Le budget voté")
    )
    assert response.status_code == 302
    ready_draft.refresh_from_db()
    assert ready_draft.title == "Le budget voté"
    assert ready_draft.status == Article.Status.DRAFT


def test_journalist_cannot_publish_through_the_form(client, journalist, ready_draft):
    client.force_login(journalist)
    client.post(
        change_url(ready_draft),
        article_form_data(ready_draft, status="published", published_at_0="2026-01-01"),
    )
    ready_draft.refresh_from_db()
    assert ready_draft.status == Article.Status.DRAFT
    assert ready_draft.published_at is None


def test_journalist_own_published_article_is_read_only(client, journalist, section):
    published = ArticleFactory(title="Déjà en ligne", owner=journalist, section=section)
    client.force_login(journalist)
    response = client.get(change_url(published))
    assert response.status_code == 200
    assert 'name="title"' not in response.text
    response = client.post(change_url(published), article_form_data(published, title="Changé"))
    assert response.status_code == 403
    published.refresh_from_db()
    assert published.title == "Déjà en ligne"


def test_journalist_has_no_publishing_or_delete_actions(client, journalist, ready_draft):
    client.force_login(journalist)
    actions = action_names(client.get(CHANGELIST))
    assert "submit_for_review" in actions
    assert not actions & {"publish", "unpublish", "send_back_to_draft", "delete_selected"}
    assert client.get(delete_url(ready_draft)).status_code == 403


def test_journalist_posting_the_publish_action_by_hand_does_nothing(
    client, journalist, ready_draft
):
    client.force_login(journalist)
    client.post(CHANGELIST, {"action": "publish", "_selected_action": [ready_draft.pk]})
    ready_draft.refresh_from_db()
    assert ready_draft.status == Article.Status.DRAFT


def test_editor_sees_and_changes_every_article(client, editor, ready_draft, other_journalist):
    other = ArticleFactory(owner=other_journalist, status="published")
    client.force_login(editor)
    response = client.get(CHANGELIST)
    assert set(response.context["cl"].result_list) == {ready_draft, other}
    assert {"publish", "unpublish", "send_back_to_draft", "delete_selected"} <= action_names(
        response
    )
    response = client.get(change_url(other))
    assert 'name="title"' in response.text
    assert 'name="status"' in response.text
    assert 'name="owner"' in response.text
    assert client.get(delete_url(ready_draft)).status_code == 200


def test_editor_reassigns_an_article(client, editor, ready_draft, other_journalist):
    client.force_login(editor)
    response = client.post(
        change_url(ready_draft), article_form_data(ready_draft, owner=other_journalist.pk)
    )
    assert response.status_code == 302
    ready_draft.refresh_from_db()
    assert ready_draft.owner == other_journalist


def test_moderator_and_anonymous_reach_no_article(client, moderator, ready_draft):
    assert client.get(CHANGELIST).status_code == 302  # to the login page
    client.force_login(moderator)
    assert client.get(CHANGELIST).status_code == 403
    assert client.get(change_url(ready_draft)).status_code == 403


def test_journalist_related_articles_autocomplete_offers_published_articles(
    client, journalist, ready_draft, other_journalist
):
    published = ArticleFactory(title="Le vote de la loi", owner=other_journalist)
    draft = ArticleFactory(title="Le vote secret", owner=other_journalist, status="draft")
    client.force_login(journalist)
    response = client.get(
        reverse("admin:autocomplete"),
        {
            "term": "vote",
            "app_label": "articles",
            "model_name": "article",
            "field_name": "related_articles",
        },
    )
    assert response.status_code == 200
    ids = {int(item["id"]) for item in response.json()["results"]}
    assert published.pk in ids
    assert draft.pk not in ids
