"""The private preview of drafts and scheduled articles."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def preview_url(article):
    return reverse("articles:preview", args=[article.pk])


def test_author_previews_a_draft_with_no_cache(client, journalist, ready_draft):
    client.force_login(journalist)
    response = client.get(preview_url(ready_draft))
    assert response.status_code == 200
    assert ready_draft.title in response.text
    assert response.context["is_preview"]
    assert 'class="alert alert-warning" role="status"' in response.text
    assert "no-cache" in response["Cache-Control"]
    assert "private" in response["Cache-Control"] or "no-store" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    # The public address still answers 404.
    assert client.get(ready_draft.get_absolute_url()).status_code == 404


def test_editor_previews_a_scheduled_article(client, editor, section):
    scheduled = ArticleFactory(section=section, published_at=timezone.now() + timedelta(hours=2))
    client.force_login(editor)
    assert client.get(preview_url(scheduled)).status_code == 200


@pytest.mark.parametrize("who", ["anonymous", "other_journalist", "moderator"])
def test_others_get_404(client, request, ready_draft, who):
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    response = client.get(preview_url(ready_draft))
    assert response.status_code == 404
    assert ready_draft.title not in response.text


def test_unknown_article_is_404(client, editor):
    client.force_login(editor)
    assert client.get(reverse("articles:preview", args=[999999])).status_code == 404


def test_admin_links_to_preview_for_drafts_and_to_site_for_live_articles(
    client, editor, ready_draft, section
):
    live = ArticleFactory(section=section)
    client.force_login(editor)
    draft_page = client.get(reverse("admin:articles_article_change", args=[ready_draft.pk]))
    assert preview_url(ready_draft) in draft_page.text
    assert "viewsitelink" in draft_page.text
    live_page = client.get(reverse("admin:articles_article_change", args=[live.pk]))
    assert preview_url(live) not in live_page.text
    assert f'href="{live.get_absolute_url()}" class="viewsitelink"' in live_page.text
    assert f'href="{ready_draft.get_absolute_url()}"' not in draft_page.text
