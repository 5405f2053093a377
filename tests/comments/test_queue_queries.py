"""The moderation queue costs the same number of queries with 5 comments or 30.

Each comment is on an article of its own (the list prints the article, and the article
filter lists them all) and carries its reasons, as the queue shows them.
"""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from comments.models import Comment
from tests.factories import ArticleFactory, CommentFactory

pytestmark = pytest.mark.django_db

# One of them lists the stories under pre-moderation above the queue (comments.heat).
BUDGET = 12


def add_comments(n):
    for i in range(n):
        CommentFactory(
            article=ArticleFactory(),
            status=Comment.Status.PENDING if i % 2 else Comment.Status.APPROVED,
            reasons=[{"code": "pow_solved"}, {"code": "links", "count": 2}],
        )


def counted(client):
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("admin:comments_comment_changelist"))
    assert response.status_code == 200
    return len(queries), len(response.context["cl"].result_list)


def test_queue_queries_do_not_grow_with_comments(client, moderator):
    client.force_login(moderator)
    add_comments(5)
    small, shown = counted(client)
    assert shown == 5
    add_comments(25)
    large, shown = counted(client)
    assert shown == 30
    assert large == small, f"{small} queries for 5 comments, {large} for 30"
    assert large <= BUDGET, f"{large} queries, budget {BUDGET}"
