"""A scheduled article goes live by itself, on time, everywhere readers can reach it."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from articles.models import Article
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory

from .conftest import article_form_data

pytestmark = pytest.mark.django_db

# 08:00 in Porto-Novo (UTC+1) on 1 December 2026.
GO_LIVE = datetime(2026, 12, 1, 7, 0, tzinfo=UTC)


@pytest.fixture
def scheduled(db):
    with time_machine.travel(GO_LIVE - timedelta(days=1), tick=False):
        section = SectionFactory(name="Économie", slug="economie")
        author = AuthorFactory(name="Awa Diallo")
        older = ArticleFactory(
            title="Le port de Cotonou agrandi",
            section=section,
            tags=["port"],
            # Signed too: an author with no live article has no page (the embargo).
            authors=[author],
            published_at=GO_LIVE - timedelta(days=3),
        )
        article = ArticleFactory(
            title="Le nouveau budget dévoilé",
            section=section,
            tags=["port"],
            authors=[author],
            published_at=GO_LIVE,
        )
    return article, older


def pages(article, older):
    """Every page where readers could meet the article."""
    return {
        "home": reverse("articles:home"),
        "section": article.section.get_absolute_url(),
        "tag": reverse("articles:tag", args=["port"]),
        "author": reverse("articles:author", args=[article.authors.get().slug]),
        "related": older.get_absolute_url(),
    }


def test_not_visible_one_second_before(client, scheduled):
    article, older = scheduled
    with time_machine.travel(GO_LIVE - timedelta(seconds=1), tick=False):
        assert client.get(article.get_absolute_url()).status_code == 404
        assert not Article.objects.published().filter(pk=article.pk).exists()
        for name, url in pages(article, older).items():
            response = client.get(url)
            assert response.status_code == 200, name
            assert article.title not in response.text, name


def test_visible_one_second_after(client, scheduled):
    article, older = scheduled
    with time_machine.travel(GO_LIVE + timedelta(seconds=1), tick=False):
        assert client.get(article.get_absolute_url()).status_code == 200
        for name, url in pages(article, older).items():
            response = client.get(url)
            assert response.status_code == 200, name
            assert article.title in response.text, name


def test_editor_schedules_in_newsroom_time(client, editor, ready_draft):
    client.force_login(editor)
    with time_machine.travel(GO_LIVE - timedelta(days=1), tick=False):
        data = article_form_data(
            ready_draft,
            status="published",
            published_at_0="2026-12-01",
            published_at_1="08:00:00",
        )
        response = client.post(
            reverse("admin:articles_article_change", args=[ready_draft.pk]), data, follow=True
        )
        assert response.status_code == 200
        ready_draft.refresh_from_db()
        assert ready_draft.published_at == GO_LIVE  # stored in UTC
        assert ready_draft.is_scheduled
        assert any("is scheduled" in str(m) for m in response.context["messages"])
        with translation.override("fr"):  # the French admin writes times as 08:00
            changelist_url = reverse("admin:articles_article_changelist")
        changelist = client.get(changelist_url, {"publication": "scheduled"})
        assert list(changelist.context["cl"].result_list) == [ready_draft]
        assert "08:00" in changelist.text  # shown in the newsroom's time, not UTC
        # The preview works for the desk before the time comes.
        preview = client.get(reverse("articles:preview", args=[ready_draft.pk]))
        assert preview.status_code == 200


def test_publish_action_keeps_a_future_time_and_schedules(client, editor, ready_draft):
    ready_draft.published_at = GO_LIVE
    ready_draft.save()
    client.force_login(editor)
    with time_machine.travel(GO_LIVE - timedelta(hours=2), tick=False):
        response = client.post(
            reverse("admin:articles_article_changelist"),
            {"action": "publish", "_selected_action": [ready_draft.pk]},
            follow=True,
        )
        assert "1 article scheduled." in [str(m) for m in response.context["messages"]]
        ready_draft.refresh_from_db()
        assert ready_draft.status == Article.Status.PUBLISHED
        assert ready_draft.published_at == GO_LIVE
        assert client.get(ready_draft.get_absolute_url()).status_code == 404
    with time_machine.travel(GO_LIVE, tick=False):
        assert client.get(ready_draft.get_absolute_url()).status_code == 200
