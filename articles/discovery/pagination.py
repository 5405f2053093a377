"""Article lists that stay fast at any depth.

Numbered pages (`?page=N`) go up to ARTICLES_MAX_PAGES: their OFFSET stays small and
the count behind « Page N of M » stops counting there. Past the last numbered page,
« Older » links carry a keyset cursor (`?avant=<published time>-<id>`): the next page
starts from that point in the (published_at, id) index, however deep it is, instead of
scanning and throwing away every newer article.
"""

import re
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

CURSOR_PARAMETER = "avant"


class CappedPaginator(Paginator):
    """A paginator whose count stops at the last numbered page (one bounded query)."""

    @cached_property
    def count(self):
        limit = self.per_page * settings.ARTICLES_MAX_PAGES
        counted = self.object_list[: limit + 1].count()
        self.has_older = counted > limit
        return min(counted, limit)


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)


def cursor_for(article):
    # Whole microseconds, computed exactly (a float timestamp can be one off).
    return f"{(article.published_at - EPOCH) // MICROSECOND}-{article.pk}"


# A cursor as cursor_for writes it: microseconds since 1970, a dash, a primary key.
CURSOR_SHAPE = re.compile(r"(0|[1-9][0-9]{0,17})-([1-9][0-9]{0,17})")


def clean_cursor(value):
    """The page-cache spelling of `?avant=` (pagecache.register_query_parameters): a
    well-formed cursor as it is, anything else as one value that answers 404, so no
    spelling of a cursor (`+1`, `1_0`, ` 1`) makes a page of its own."""
    return value if CURSOR_SHAPE.fullmatch(value) else "-"


def parse_cursor(value):
    """(published_at, pk) from `?avant=`; a 404 for anything else, never a 500."""
    try:
        if not CURSOR_SHAPE.fullmatch(value):
            raise ValueError(value)
        moment, pk = (int(part) for part in value.split("-"))
        published_at = EPOCH + moment * MICROSECOND
    except (ValueError, OverflowError, OSError):
        raise Http404(_("No such page.")) from None
    return published_at, pk


def older_than(queryset, cursor):
    published_at, pk = parse_cursor(cursor)
    # The first condition alone is what the index can seek to; the OR settles ties.
    return queryset.filter(published_at__lte=published_at).filter(
        Q(published_at__lt=published_at) | Q(published_at=published_at, pk__lt=pk)
    )


class KeysetPage:
    """One page after a cursor: `articles`, and the cursor of the next one if any."""

    def __init__(self, queryset, cursor, per_page):
        rows = list(older_than(queryset, cursor)[: per_page + 1])
        self.object_list = rows[:per_page]
        self.older_cursor = cursor_for(rows[per_page - 1]) if len(rows) > per_page else None
