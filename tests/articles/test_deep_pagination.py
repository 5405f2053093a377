"""Deep pages of a big section: numbered pages up to a cap, then keyset « Older » links."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import ArticleFactory, SectionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def section(settings):
    settings.ARTICLES_PER_PAGE = 3
    settings.ARTICLES_MAX_PAGES = 2
    section = SectionFactory(name="Sport", slug="sport")
    now = timezone.now()
    for n in range(11):
        ArticleFactory(
            title=f"Match {n:02d}", section=section, published_at=now - timedelta(hours=n + 1)
        )
    # Two articles at the same second: the cursor orders them by id too.
    same = now - timedelta(hours=30)
    ArticleFactory(title="Match 11", section=section, published_at=same)
    ArticleFactory(title="Match 12", section=section, published_at=same)
    return section


def titles(html):
    return re.findall(r"Match \d\d", html)


def older_link(html):
    match = re.search(r'rel="next" href="([^"]+)"', html)
    return match.group(1).replace("&amp;", "&") if match else None


def test_numbered_pages_stop_at_the_cap_then_older_links_follow_by_keyset(client, section):
    url = section.get_absolute_url()
    seen, page_url, pages = [], url, 0
    while page_url:
        response = client.get(page_url if page_url.startswith("/") else url + page_url)
        assert response.status_code == 200
        seen += titles(response.text)
        page_url = older_link(response.text)
        pages += 1
    assert seen == [f"Match {n:02d}" for n in range(11)] + ["Match 12", "Match 11"]
    assert pages == 5
    assert client.get(url + "?page=3").status_code == 404


def test_a_keyset_page_costs_no_count_and_no_offset(client, section):
    from articles.discovery.pagination import cursor_for
    from articles.models import Article

    middle = Article.objects.get(title="Match 05")
    url = f"{section.get_absolute_url()}?avant={cursor_for(middle)}"
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    assert titles(response.text)[0] == "Match 06"
    sql = " ".join(q["sql"] for q in queries).upper()
    assert "COUNT(" not in sql and "OFFSET" not in sql
    assert len(queries) <= 8


@pytest.mark.parametrize(
    "cursor", ["abc", "1-2-3", "-", "99999999999999999999999-1", "1.5-2", "", "12-"]
)
def test_a_bad_cursor_is_a_404_never_a_500(client, section, cursor):
    response = client.get(f"{section.get_absolute_url()}?avant={cursor}")
    assert response.status_code in (200, 404)
    if cursor:
        assert response.status_code == 404
