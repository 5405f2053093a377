""" "Visible to readers" has one definition (articles.models.live_q), and everything that
asks it gets the same answer: the queryset, an article in memory, the related articles'
SQL and the admin's publication filter, at any moment.
"""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.urls import reverse

from articles.discovery.related import visible_sql
from articles.models import BREAKING_NEWS_AGE, Article
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 1, 7, 0, tzinfo=UTC)
Status = Article.Status


@pytest.fixture
def every_state(section):
    """An article in each state the clock or the desk can put one in."""
    with time_machine.travel(NOW - timedelta(days=5), tick=False):
        states = {
            "draft": {"status": Status.DRAFT, "published_at": None},
            "review": {"status": Status.IN_REVIEW, "published_at": None},
            # Unpublished: back to draft, its date kept.
            "unpublished": {"status": Status.DRAFT, "published_at": NOW - timedelta(days=1)},
            "live": {"published_at": NOW - timedelta(days=1)},
            "live this instant": {"published_at": NOW},
            "scheduled": {"published_at": NOW + timedelta(seconds=1)},
            "breaking": {"published_at": NOW - timedelta(hours=1), "is_breaking": True},
            "old breaking": {
                "published_at": NOW - BREAKING_NEWS_AGE - timedelta(seconds=1),
                "is_breaking": True,
            },
            "scheduled breaking": {"published_at": NOW + timedelta(hours=1), "is_breaking": True},
        }
        return {
            name: ArticleFactory(title=name, section=section, **fields)
            for name, fields in states.items()
        }


LIVE = {"live", "live this instant", "breaking", "old breaking"}
SCHEDULED = {"scheduled", "scheduled breaking"}


def titles(articles):
    return {article.title for article in articles}


def test_the_queryset_and_an_article_in_memory_agree(every_state):
    with time_machine.travel(NOW, tick=False):
        assert titles(Article.objects.published()) == LIVE
        assert titles(a for a in every_state.values() if a.is_live) == LIVE
        assert titles(Article.objects.scheduled()) == SCHEDULED
        assert titles(a for a in every_state.values() if a.is_scheduled) == SCHEDULED
        assert titles(Article.objects.unpublished()) == {"draft", "review", "unpublished"}
        assert titles(Article.objects.breaking()) == {"breaking"}


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (NOW, LIVE),
        (NOW + timedelta(seconds=1), LIVE | {"scheduled"}),
        (NOW + timedelta(days=1), LIVE | SCHEDULED),
    ],
)
def test_the_related_articles_sql_is_the_same_condition(every_state, moment, expected):
    sql, params = visible_sql("a", moment)
    table = connection.ops.quote_name(Article._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT a.title FROM {table} a WHERE {sql}", params)  # noqa: S608
        found = {title for (title,) in cursor.fetchall()}
    assert found == expected
    assert found == titles(Article.objects.published(at=moment))


@pytest.mark.parametrize(
    ("choice", "expected"),
    [
        ("live", LIVE),
        ("scheduled", SCHEDULED),
        ("unpublished", {"draft", "review", "unpublished"}),
    ],
)
def test_the_admin_filter_asks_the_same(client, editor, every_state, choice, expected):
    client.force_login(editor)
    with time_machine.travel(NOW, tick=False):
        response = client.get(reverse("admin:articles_article_changelist"), {"publication": choice})
    assert titles(response.context["cl"].result_list) == expected
