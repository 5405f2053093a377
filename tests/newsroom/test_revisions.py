"""Every admin save keeps a version; editors see the history, a diff, and restore."""

import pytest
from django.urls import reverse
from reversion.models import Version

from articles.models import Article

from .conftest import article_form_data

pytestmark = pytest.mark.django_db


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def revision_url(article, version):
    return reverse("admin:articles_article_revision", args=[article.pk, version.pk])


@pytest.fixture
def edited_twice(client, editor, ready_draft):
    client.force_login(editor)
    for title, body in [
        ("Le budget adopté", "<p>Première version du texte.</p>"),
        ("Le budget adopté de justesse", "<p>Deuxième version du texte.</p>"),
    ]:
        data = article_form_data(ready_draft, title=title, body=body)
        assert client.post(change_url(ready_draft), data).status_code == 302
        ready_draft.refresh_from_db()
    return ready_draft


def test_every_admin_save_keeps_a_version(edited_twice, editor):
    versions = Version.objects.get_for_object(edited_twice)
    assert versions.count() == 2
    assert versions.first().revision.user == editor


def test_actions_keep_a_version_too(client, editor, edited_twice):
    client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "publish", "_selected_action": [edited_twice.pk]},
    )
    latest = Version.objects.get_for_object(edited_twice).first()
    assert latest.field_dict["status"] == Article.Status.PUBLISHED


def test_editor_sees_history_and_diff(client, edited_twice):
    history = client.get(reverse("admin:articles_article_history", args=[edited_twice.pk]))
    assert history.status_code == 200
    oldest = Version.objects.get_for_object(edited_twice).last()
    assert revision_url(edited_twice, oldest) in history.text

    diff = client.get(revision_url(edited_twice, oldest))
    assert diff.status_code == 200
    changes = {str(c["label"]): c["lines"] for c in diff.context["changes"]}
    assert ("-", "Le budget adopté") in changes[label("title")]
    assert ("+", "Le budget adopté de justesse") in changes[label("title")]
    assert ("-", "Première version du texte.") in changes[label("body")]
    assert "Restore this version" in diff.text


def test_editor_restores_a_version_without_changing_status(client, edited_twice):
    edited_twice.status = Article.Status.IN_REVIEW
    edited_twice.save()
    oldest = Version.objects.get_for_object(edited_twice).last()
    response = client.post(revision_url(edited_twice, oldest))
    assert response.status_code == 302
    edited_twice.refresh_from_db()
    assert edited_twice.title == "Le budget adopté"
    assert edited_twice.body == "<p>Première version du texte.</p>"
    assert edited_twice.status == Article.Status.IN_REVIEW
    # The restore is itself a version: the later text is not lost.
    latest = Version.objects.get_for_object(edited_twice).first()
    assert "Restored the version of" in latest.revision.get_comment()


def test_journalist_cannot_see_diffs_or_restore(client, journalist, edited_twice):
    oldest = Version.objects.get_for_object(edited_twice).last()
    client.force_login(journalist)
    assert client.get(revision_url(edited_twice, oldest)).status_code == 403
    assert client.post(revision_url(edited_twice, oldest)).status_code == 403
    edited_twice.refresh_from_db()
    assert edited_twice.title == "Le budget adopté de justesse"


def test_only_editors_recover_deleted_articles(client, journalist, editor, edited_twice):
    title = edited_twice.title
    client.force_login(editor)
    delete = reverse("admin:articles_article_delete", args=[edited_twice.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 302
    deleted = Version.objects.get_deleted(Article).get()
    recover = reverse("admin:articles_article_recover", args=[deleted.pk])
    recoverlist = reverse("admin:articles_article_recoverlist")

    client.force_login(journalist)
    assert "recoverlink" not in client.get(reverse("admin:articles_article_changelist")).text
    assert client.get(recoverlist).status_code == 403
    assert client.post(recover).status_code == 403
    assert not Article.objects.filter(title=title).exists()

    client.force_login(editor)
    assert "recoverlink" in client.get(reverse("admin:articles_article_changelist")).text
    assert title in client.get(recoverlist).text


def test_journalist_sees_own_history_without_diff_links(client, journalist, edited_twice):
    oldest = Version.objects.get_for_object(edited_twice).last()
    client.force_login(journalist)
    history = client.get(reverse("admin:articles_article_history", args=[edited_twice.pk]))
    assert history.status_code == 200
    assert "chef" in history.text
    assert revision_url(edited_twice, oldest) not in history.text


def label(field):
    """The field's label as the diff page shows it (in the site's language)."""
    return str(Article._meta.get_field(field).verbose_name)


def stored_as_before_0010(version):
    """Rewrite a version's data as releases before migration 0010 stored it."""
    import json

    data = json.loads(version.serialized_data)
    for row in data:
        row["fields"]["category"] = row["fields"].pop("section")
    Version.objects.filter(pk=version.pk).update(serialized_data=json.dumps(data))
    return Version.objects.get(pk=version.pk)


def test_a_version_stored_before_the_rename_restores_its_section(client, edited_twice):
    import importlib

    from django.apps import apps

    from tests.factories import SectionFactory

    migration = importlib.import_module("articles.migrations.0012_versions_name_the_section")
    oldest = Version.objects.get_for_object(edited_twice).last()
    section = edited_twice.section
    stored_as_before_0010(oldest)
    edited_twice.section = SectionFactory(name="Sport")
    edited_twice.save()

    migration.rename_in_versions(apps, None)
    response = client.post(revision_url(edited_twice, oldest))

    assert response.status_code == 302
    edited_twice.refresh_from_db()
    assert edited_twice.section == section
    assert edited_twice.title == "Le budget adopté"


def test_a_version_without_its_section_keeps_the_current_one(client, edited_twice):
    oldest = stored_as_before_0010(Version.objects.get_for_object(edited_twice).last())
    section = edited_twice.section

    diff = client.get(revision_url(edited_twice, oldest))
    response = client.post(revision_url(edited_twice, oldest))

    assert diff.status_code == 200
    assert response.status_code == 302
    edited_twice.refresh_from_db()
    assert edited_twice.section == section
    assert edited_twice.title == "Le budget adopté"
