"""Most read: reads counted without tracking anyone, written after the response."""

import itertools
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from articles.discovery import readership
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
    gone = ArticleFactory(section=sections["monde"])
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
    first = ArticleFactory(title="Le plus lu", section=sections["benin"])
    second = ArticleFactory(title="Le deuxième", section=sections["monde"])
    old = ArticleFactory(title="Lu il y a longtemps", section=sections["monde"])
    ArticleFactory(title="Jamais lu", section=sections["monde"])
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
    other = ArticleFactory(title="Un autre article", section=sections["monde"])
    for story in (article, other):
        ArticleReadCount.objects.create(article=story, day=timezone.localdate(), reads=5)
    assert most_read_titles(read(client, article)) == ["Un autre article"]


def test_most_read_is_one_query_then_cached(article, django_assert_num_queries):
    ArticleReadCount.objects.create(article=article, day=timezone.localdate(), reads=3)
    with django_assert_num_queries(1):
        assert readership.most_read() == [article]
    with django_assert_num_queries(0):
        assert readership.most_read() == [article]


def test_a_script_reloading_an_article_counts_once_per_window(client, sections, settings):
    settings.READ_COUNT_FLUSH_SECONDS = 3600
    old = ArticleFactory(
        title="Un vieil article",
        section=sections["monde"],
        published_at=timezone.now() - timedelta(days=30),
    )
    fresh = ArticleFactory(title="L’article du jour", section=sections["benin"])
    read(client, fresh, times=3)  # three readers
    script = READER | {"REMOTE_ADDR": "203.0.113.7"}
    for _ in range(200):
        assert client.get(old.get_absolute_url(), **script).status_code == 200
    assert readership.pending_reads()[(old.pk, timezone.localdate())] == 1
    readership.flush_reads()
    # The same client again, after a flush (another worker's, say): already counted.
    for _ in range(50):
        client.get(old.get_absolute_url(), **script)
    readership.flush_reads()
    assert reads_in_database(old) == 1
    assert reads_in_database(fresh) == 3
    readership.forget_most_read()  # the list is kept a few minutes: read it anew
    assert readership.most_read()[0] == fresh
    # Another browser behind the same address is another reader.
    client.get(old.get_absolute_url(), **(script | {"HTTP_USER_AGENT": "Mozilla/5.0 Safari/18"}))
    readership.flush_reads()
    assert reads_in_database(old) == 2


def test_reads_wait_for_the_database_and_are_written_once_it_is_back(
    client, article, settings, monkeypatch
):
    settings.READ_COUNT_FLUSH_SECONDS = 3600
    read(client, article, times=2)

    def away(rows):
        raise OSError("the database is away")

    real = readership._upsert
    monkeypatch.setattr(readership, "_upsert", away)
    assert readership.flush_reads() == 0
    read(client, article)  # a third reader meanwhile
    monkeypatch.setattr(readership, "_upsert", real)
    assert readership.flush_reads() == 3
    assert reads_in_database(article) == 3
    assert readership.flush_reads() == 0  # nothing twice


def test_reader_marks_keep_no_address_and_expire(client, article, settings):
    from tests.articles.test_cache_bounds import stored_keys

    settings.READ_COUNT_WINDOW_SECONDS = 1800
    client.get(article.get_absolute_url(), **READER, REMOTE_ADDR="203.0.113.99")
    readership.flush_reads()
    keys = stored_keys()
    marks = [key for key in keys if readership.SEEN_KEY_PREFIX in key]
    salts = [key for key in keys if readership.SALT_KEY_PREFIX in key]
    assert len(marks) == 1 and len(salts) == 1
    assert all(keys[key] is not None for key in marks + salts)  # both have a lifetime
    for key in keys:
        assert "203.0.113.99" not in key and "Firefox" not in key
    # The mark is a digest keyed by the day's salt: a new salt, another mark.
    day = timezone.localdate()
    from django.test import RequestFactory

    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.99", **READER)
    mark = readership.reader_mark(request, day)
    readership._salts.clear()
    from django.core.cache import cache

    cache.delete(f"{readership.SALT_KEY_PREFIX}:{day.isoformat()}")
    assert readership.reader_mark(request, day) != mark


def _in_another_connection(work):
    """Run `work()` in a thread, so on its own database connection; return its result."""
    import threading

    from django.db import connection

    result = {}

    def run():
        try:
            result["value"] = work()
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(30)
    return result["value"]


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="two connections with a transaction open in one: PostgreSQL (SQLite locks)",
)
@pytest.mark.django_db(transaction=True)
def test_a_read_during_the_admin_transaction_cannot_bring_back_an_unpublished_article():
    from django.db import transaction
    from django.test import Client

    from comments.models import Comment
    from tests.factories import SectionFactory

    article = ArticleFactory(title="Bientôt retiré", section=SectionFactory(), tags=[])
    ArticleReadCount.objects.create(article=article, day=timezone.localdate(), reads=10)
    assert readership.most_read() == [article]
    url = article.get_absolute_url()
    assert "Bientôt retiré" in Client().get("/").content.decode()

    with transaction.atomic():
        article.status = Article.Status.DRAFT
        article.save()
        # A reader on another connection still sees the committed rows, and fills the
        # caches the save has just emptied with them.
        assert _in_another_connection(lambda: [a.pk for a in readership.most_read()]) == [
            article.pk
        ]
        home = _in_another_connection(lambda: Client().get("/").content.decode())
        assert "Bientôt retiré" in home
    assert readership.most_read() == []
    assert "Bientôt retiré" not in Client().get("/").content.decode()
    assert Client().get(url).status_code == 404

    # The same for an approved comment: a reader between the save and the commit.
    article.status = Article.Status.PUBLISHED
    article.save()
    assert Client().get(url).status_code == 200
    with transaction.atomic():
        Comment.objects.create(
            article=article, name="Awa", body="Un avis publié", status=Comment.Status.APPROVED
        )
        before = _in_another_connection(lambda: Client().get(url).content.decode())
        assert "Un avis publié" not in before
    assert "Un avis publié" in Client().get(url).content.decode()
