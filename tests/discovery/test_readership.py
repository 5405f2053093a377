"""Most read: reads counted without tracking anyone, written after the response."""

import itertools
from datetime import timedelta

import pytest
from django.utils import timezone

from articles import readership
from articles.models import Article, ArticleReadCount
from tests.factories import ArticleFactory

from .conftest import READER
from .pages import read_page

pytestmark = pytest.mark.django_db


_addresses = itertools.count(1)


def read(client, article, times=1, **headers):
    """`times` reads of the article, each by another reader (another IP address)."""
    for _ in range(times):
        address = f"198.51.100.{next(_addresses) % 250 + 1}"
        response = client.get(
            article.get_absolute_url(), **(READER | {"REMOTE_ADDR": address} | headers)
        )
        assert response.status_code == 200
    return response


def reads_in_database(article):
    return sum(ArticleReadCount.objects.filter(article=article).values_list("reads", flat=True))


def test_a_read_is_counted_without_cookie_and_without_writing_during_the_request(
    client, article, settings, django_assert_num_queries
):
    settings.READ_COUNT_FLUSH_SECONDS = 3600  # not due: nothing is written
    response = read(client, article)
    # The counter sets no cookie (the footer's language form sets the CSRF one).
    assert set(response.cookies) <= {"csrftoken"}
    assert readership.pending_reads() == {(article.pk, timezone.localdate()): 1}
    assert reads_in_database(article) == 0

    with django_assert_num_queries(1):  # one INSERT … ON CONFLICT for the whole buffer
        assert readership.flush_reads() == 1
    assert reads_in_database(article) == 1
    row = ArticleReadCount.objects.get(article=article)
    assert row.day == timezone.localdate()
    assert {f.name for f in ArticleReadCount._meta.fields} == {"id", "article", "day", "reads"}


def test_counts_are_flushed_after_the_response_when_due(client, article, settings):
    settings.READ_COUNT_FLUSH_SECONDS = 0
    read(client, article, times=3)
    assert readership.pending_reads() == {}
    assert reads_in_database(article) == 3


def test_flushes_add_up(client, article, settings):
    settings.READ_COUNT_FLUSH_SECONDS = 3600
    read(client, article, times=2)
    readership.flush_reads()
    read(client, article, times=3)
    readership.flush_reads()
    assert ArticleReadCount.objects.get(article=article).reads == 5


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_USER_AGENT": "Mozilla/5.0 (compatible; Googlebot/2.1)"},
        {"HTTP_USER_AGENT": "facebookexternalhit/1.1"},
        {"HTTP_USER_AGENT": "curl/8.5.0"},
        {"HTTP_USER_AGENT": ""},
        {"HTTP_SEC_PURPOSE": "prefetch"},
        {"HTTP_PURPOSE": "prefetch"},
    ],
)
def test_robots_and_prefetches_are_not_reads(client, article, headers):
    read(client, article, **headers)
    assert readership.pending_reads() == {}


def test_head_requests_are_not_reads(client, article):
    client.head(article.get_absolute_url(), **READER)
    assert readership.pending_reads() == {}


def test_reads_of_a_deleted_article_are_dropped(client, sections):
    gone = ArticleFactory(category=sections["monde"])
    read(client, gone)
    Article.objects.filter(pk=gone.pk).delete()
    readership.flush_reads()
    assert not ArticleReadCount.objects.exists()


def most_read_titles(response):
    page = read_page(response)
    text = response.content.decode()
    assert page  # parsed
    start = text.find('id="most-read-title"')
    if start == -1:
        return []
    block = text[start : text.find("</ol>", start)]
    return [
        line.split(">", 1)[1].split("<", 1)[0] for line in block.split('class="most-read-link"')[1:]
    ]


def test_home_shows_the_most_read_articles_in_order(client, sections):
    today = timezone.localdate()
    first = ArticleFactory(title="Le plus lu", category=sections["benin"])
    second = ArticleFactory(title="Le deuxième", category=sections["monde"])
    old = ArticleFactory(title="Lu il y a longtemps", category=sections["monde"])
    ArticleFactory(title="Jamais lu", category=sections["monde"])
    ArticleReadCount.objects.create(article=first, day=today, reads=50)
    ArticleReadCount.objects.create(article=second, day=today - timedelta(days=1), reads=20)
    ArticleReadCount.objects.create(article=old, day=today - timedelta(days=10), reads=900)
    assert most_read_titles(client.get("/")) == ["Le plus lu", "Le deuxième"]


def test_no_draft_or_scheduled_article_is_most_read(client, article, hidden_articles):
    today = timezone.localdate()
    for hidden in hidden_articles:
        ArticleReadCount.objects.create(article=hidden, day=today, reads=1000)
    ArticleReadCount.objects.create(article=article, day=today, reads=1)
    assert most_read_titles(client.get("/")) == [article.title]


def test_an_article_taken_offline_leaves_the_list_at_once(client, article):
    ArticleReadCount.objects.create(article=article, day=timezone.localdate(), reads=10)
    assert most_read_titles(client.get("/")) == [article.title]  # now cached
    article.status = Article.Status.DRAFT
    article.save()
    assert most_read_titles(client.get("/")) == []


def test_article_page_shows_the_others_most_read(client, article, sections):
    other = ArticleFactory(title="Un autre article", category=sections["monde"])
    for story in (article, other):
        ArticleReadCount.objects.create(article=story, day=timezone.localdate(), reads=5)
    assert most_read_titles(read(client, article)) == ["Un autre article"]


def test_most_read_is_one_query_then_cached(article, django_assert_num_queries):
    ArticleReadCount.objects.create(article=article, day=timezone.localdate(), reads=3)
    with django_assert_num_queries(1):
        assert readership.most_read() == [article]
    with django_assert_num_queries(0):
        assert readership.most_read() == [article]
