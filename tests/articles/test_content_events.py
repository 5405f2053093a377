"""The articles app's domain events (articles.events): what a save did to the content,
told once, whoever wrote; and every receiver of the app connected in one place
(articles.signals)."""

import ast
from pathlib import Path

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.core import serializers
from django.db import models
from django.test import Client
from django.utils import timezone

from articles import events
from articles.discovery import readership
from articles.models import Article, ArticleReadCount
from newsportal import pagecache
from tests.factories import ArticleFactory, SectionFactory, UserFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
DRAFT, PUBLISHED = Article.Status.DRAFT, Article.Status.PUBLISHED


@pytest.fixture
def told():
    """The domain events sent while the test runs, as (event name, sender) pairs."""
    heard = []
    receivers = {}
    for name in ("article_published", "article_unpublished", "content_changed"):

        def receiver(sender, name=name, **kwargs):
            heard.append((name, sender))

        receivers[name] = receiver
        getattr(events, name).connect(receiver, dispatch_uid=f"test:{name}")
    yield heard
    for name in receivers:
        getattr(events, name).disconnect(dispatch_uid=f"test:{name}")


@pytest.fixture
def article(db):
    return ArticleFactory(title="La saison des pluies", section=SectionFactory(), tags=[])


def article_events(heard):
    return [name for name, sender in heard if sender is Article]


def test_publishing_a_draft_is_told_once(told):
    draft = ArticleFactory(status=DRAFT, published_at=None, tags=[])
    told.clear()
    draft.status = PUBLISHED
    draft.save()
    assert article_events(told) == ["article_published"]


def test_a_new_published_article_is_a_publication(told):
    ArticleFactory(status=PUBLISHED, tags=[])
    assert article_events(told)[0] == "article_published"


def test_unpublishing_and_deleting_are_told(told, article):
    told.clear()
    article.status = DRAFT
    article.save(update_fields=["status"])
    assert article_events(told) == ["article_unpublished"]
    told.clear()
    published = ArticleFactory(tags=[])
    told.clear()
    Article.objects.filter(pk=published.pk).delete()
    assert article_events(told) == ["article_unpublished"]


def test_editing_a_live_article_is_a_change_not_a_publication(told, article):
    told.clear()
    article.title = "La saison des pluies commence tôt"
    article.save()
    # Saved again from another copy: the status the row holds decides, not memory.
    Article.objects.get(pk=article.pk).save(update_fields=["title"])
    assert article_events(told) == ["content_changed", "content_changed"]


def test_a_raw_save_that_takes_an_article_offline_empties_most_read_at_once(told, article):
    """`loaddata` and a recovered revision save raw, without Article.save()."""
    ArticleReadCount.objects.create(article=article, day=timezone.localdate(), reads=10)
    assert readership.most_read() == [article]
    article.status = DRAFT
    data = serializers.serialize("json", [article])
    told.clear()
    for loaded in serializers.deserialize("json", data):
        loaded.save()
    assert article_events(told) == ["article_unpublished"]
    assert readership.most_read() == []


def test_a_command_writing_with_sql_empties_most_read_when_it_says_so(article):
    """A command or a migration that writes with SQL calls content_written(): every
    cache derived from content hears it, « most read » included."""
    from articles.models import content_written

    ArticleReadCount.objects.create(article=article, day=timezone.localdate(), reads=10)
    assert readership.most_read() == [article]
    models.QuerySet.update(Article.objects.filter(pk=article.pk), status=DRAFT)
    assert readership.most_read() == [article]  # no signal: the list is still kept
    content_written()
    assert readership.most_read() == []


def test_an_admin_log_entry_about_content_makes_pages_stale(article):
    """An admin action may change rows without a model signal; its log entry tells."""
    url = article.get_absolute_url()
    Client().get(url)
    models.QuerySet.update(Article.objects.filter(pk=article.pk), title="Titre changé en SQL")
    assert "Titre changé en SQL" not in Client().get(url).text  # no signal: still stored
    LogEntry.objects.log_actions(UserFactory().pk, [article], CHANGE, single_object=True)
    assert "Titre changé en SQL" in Client().get(url).text


def test_an_admin_log_entry_about_anything_else_keeps_the_pages(article, monkeypatch):
    started = []
    monkeypatch.setattr(pagecache, "start_generation", lambda *a, **k: started.append(a))
    user = UserFactory()
    LogEntry.objects.log_actions(user.pk, [user], CHANGE, single_object=True)
    assert started == []


def connections_outside_signals():
    """(module, line) of every `@receiver` or `<signal>.connect(` in articles/ but
    articles/signals.py."""
    found = []
    for path in sorted((ROOT / "articles").rglob("*.py")):
        if path == ROOT / "articles" / "signals.py" or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            called = node.func if isinstance(node, ast.Call) else None
            named = getattr(called, "attr", getattr(called, "id", None))
            # (`signals.connect()` in ArticlesConfig.ready() takes no receiver.)
            if named == "receiver" or (named == "connect" and (node.args or node.keywords)):
                found.append((str(path.relative_to(ROOT)), node.lineno))
    return found


def test_the_app_connects_its_receivers_in_signals_only():
    assert connections_outside_signals() == []
