"""Article search: what readers type, what they find, and the highlighted snippets.

On PostgreSQL, full-text search: a stored, weighted `tsvector` per article (title A,
standfirst B, body C, tags D) under the `french_unaccent` configuration (French
stemming, accents ignored: "election" finds « élections »), a GIN index, `SearchRank`
ordering and `SearchHeadline` snippets. On SQLite, a fallback that matches accent- and
case-folded words (a crude French plural stemming included) and ranks by where they
match, with snippets made in Python. Both return the same queryset shape, so one view
and one template serve both.

Only `Article.objects.published()` is ever searched. Whatever the reader types is
cleaned first (control characters out, length capped) and handed to
`websearch_to_tsquery`, which never fails on syntax: quotes, operators and SQL are
just words.
"""

import html
import re
import unicodedata
from dataclasses import dataclass
from datetime import timedelta

from django import forms
from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVector,
)
from django.db import connection, models
from django.db.models import (
    Case,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    StringAgg,
    Subquery,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Concat
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from articles.content.tagging import article_tag_items
from articles.models import Article

SEARCH_CONFIG = "french_unaccent"
MAX_QUERY_LENGTH = 200
MAX_TERMS = 12
# The most recent matches that are ranked and counted (PostgreSQL): 50 pages of 20.
MAX_RESULTS = 1000
# Highlight markers: private-use characters that no reader types and no HTML contains.
# The database puts them around matches; render_snippet() escapes everything else and
# only then turns them into <mark> elements.
MARK_START, MARK_END = "\ue000", "\ue001"
_MARKERS_RE = re.compile(f"([{MARK_START}{MARK_END}])")
_SPACES_RE = re.compile(r"\s+")
_WORD_RE = re.compile(r"\w+")
_TAG_RE = re.compile(r"<[^>]*>")
_WORD_SPLIT_RE = re.compile(r"(\w+)")

# Words the SQLite fallback ignores (PostgreSQL's French configuration has its own list).
_STOPWORDS_TEXT = """
    a au aux avec ce ces d dans de des du elle en et il ils je l la le les leur lui ma
    mais me meme mes moi mon n ne nos notre nous on ou par pas pour qu que qui s sa se
    ses son sur t ta te tes toi ton tu un une vos votre vous y
"""
FRENCH_STOPWORDS = frozenset(_STOPWORDS_TEXT.split())


def clean_query(raw):
    """Return what is searchable in `raw`: no control characters, no runs of spaces."""
    if not raw:
        return ""
    # Cc (control, NUL included), Cf (format), Cs (lone surrogates), Co (private use,
    # our highlight markers), Cn (unassigned): none of them is something to search for.
    text = "".join(
        " " if unicodedata.category(char).startswith("C") else char
        for char in raw[: MAX_QUERY_LENGTH * 4]
    )
    return _SPACES_RE.sub(" ", text).strip()[:MAX_QUERY_LENGTH].strip()


def fold(text):
    """Lower-case `text` and take the accents off (« Élection » → "election")."""
    text = text.replace("œ", "oe").replace("Œ", "oe").replace("æ", "ae").replace("Æ", "ae")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()


def _stem(word):
    # Singular and plural meet: "élections" and "election" both become "election".
    if len(word) > 4 and word[-1] in "sx":
        return word[:-1]
    return word


def query_terms(query):
    """Return the folded, crudely stemmed words of `query` (SQLite fallback)."""
    terms = []
    for word in _WORD_RE.findall(fold(query)):
        if len(word) < 2 or word in FRENCH_STOPWORDS:
            continue
        term = _stem(word)
        if term not in terms:
            terms.append(term)
    return terms[:MAX_TERMS]


# --- The search document (PostgreSQL) ------------------------------------------------


def search_document():
    """Return the weighted `tsvector` expression of an article (title A … tags D)."""
    tag_names = Subquery(
        article_tag_items()
        .filter(object_id=OuterRef("pk"))
        .order_by()
        .values("object_id")
        .annotate(names=StringAgg("tag__name", Value(" ")))
        .values("names"),
        output_field=TextField(),
    )
    # The body's HTML tags are tokens that the French configuration does not index.
    return (
        SearchVector("title", weight="A", config=SEARCH_CONFIG)
        + SearchVector("standfirst", weight="B", config=SEARCH_CONFIG)
        + SearchVector("body", weight="C", config=SEARCH_CONFIG)
        + SearchVector(tag_names, weight="D", config=SEARCH_CONFIG)
    )


def update_search_vectors(articles=None):
    """Recompute the search vector of `articles` (a queryset; all articles by default).

    The database already keeps every vector right (triggers of migration 0009, whoever
    writes); this is for a changed search configuration. Returns the number of rows.
    """
    if connection.vendor != "postgresql":
        return 0
    from articles.models import content_written

    articles = Article.objects.all() if articles is None else articles
    # Writing NULL makes the trigger compute the vector again.
    updated = models.QuerySet.update(articles, search_vector=None)
    content_written()  # search pages may find other articles now
    return updated


# --- Folding on SQLite ---------------------------------------------------------------


class Fold(Func):
    """`np_fold(text)`: the SQL side of fold(), a Python function registered on SQLite."""

    function = "np_fold"
    output_field = TextField()


_WORD_RE = re.compile(r"\w+")


def _sqlite_fold(value):
    # The folded words, each after a space: " term" then matches at the start of a word
    # only, so « election » finds « élections » but not « sélection ».
    return " " + " ".join(_WORD_RE.findall(fold(value))) if value else ""


def register_sqlite_functions(sender, connection, **kwargs):
    """`connection_created`: give a new SQLite connection the folding function."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("np_fold", 1, _sqlite_fold, deterministic=True)


# --- Querying ------------------------------------------------------------------------


class Order:
    """The orders of results a reader may choose (the `sort` parameter's values)."""

    RELEVANCE = "relevance"
    DATE = "date"  # newest first
    OLDEST = "oldest"

    # How each order sorts the rows: relevance first, then the newest.
    ORDER_BY = {
        RELEVANCE: ("-rank", "-published_at", "-pk"),
        DATE: ("-published_at", "-pk"),
        OLDEST: ("published_at", "pk"),
    }


def _text_of(expression):
    # The body without its tags, for snippets; entities are decoded in Python.
    return Func(
        expression,
        Value("<[^>]*>"),
        Value(" "),
        Value("g"),
        function="regexp_replace",
        output_field=TextField(),
    )


def search_articles(query, *, section_ids=None, since=None, order=Order.RELEVANCE):
    """Return the published articles matching `query`, best first, with snippet sources.

    On PostgreSQL the matching ids are looked up here (one query); the queryset
    returned ranks and highlights them. Each article carries `title_marked` and
    `snippet_marked` (text with highlight markers, PostgreSQL) or `snippet_source`
    (SQLite, marked in Python by attach_snippets()).
    """
    query = clean_query(query)
    articles = Article.objects.published().for_listing()
    if section_ids is not None:
        articles = articles.filter(section_id__in=section_ids)
    if since is not None:
        articles = articles.filter(published_at__gte=since)
    if connection.vendor == "postgresql":
        return _search_postgresql(articles, query, order)
    return _search_fallback(articles, query, order)


def newest_matches(articles, search_query, *, oldest=False):
    """Return the ids of the MAX_RESULTS newest `articles` matching `search_query`
    (the oldest ones with `oldest`)."""
    order = ("published_at", "pk") if oldest else ("-published_at", "-pk")
    return (
        articles.filter(search_vector=search_query)
        .order_by(*order)
        .values_list("pk", flat=True)[:MAX_RESULTS]
    )


def results_capped(count):
    """Whether `count` results are only the newest MAX_RESULTS matches of many more."""
    return connection.vendor == "postgresql" and count >= MAX_RESULTS


def websearch(query):
    return SearchQuery(clean_query(query), config=SEARCH_CONFIG, search_type="websearch")


def _search_postgresql(articles, query, order):
    if not query:
        return articles.none()
    search_query = websearch(query)
    # Rank the MAX_RESULTS most recent matches, not every match: a common word matches
    # much of the archive, and ranking (or even counting) a hundred thousand articles
    # takes seconds. The newest-first scan stops after MAX_RESULTS matches; it runs once
    # here, so the paginator's count and the page only look up these ids.
    # Sorted oldest first, the results are the oldest matches.
    candidates = list(newest_matches(articles, search_query, oldest=order == Order.OLDEST))
    articles = (
        Article.objects.published()
        .for_listing()
        .filter(pk__in=candidates)
        .annotate(
            rank=SearchRank(F("search_vector"), search_query),
            title_marked=SearchHeadline(
                "title",
                search_query,
                config=SEARCH_CONFIG,
                start_sel=MARK_START,
                stop_sel=MARK_END,
                highlight_all=True,
            ),
            snippet_marked=SearchHeadline(
                Concat("standfirst", Value(" "), _text_of("body"), output_field=TextField()),
                search_query,
                config=SEARCH_CONFIG,
                start_sel=MARK_START,
                stop_sel=MARK_END,
                max_words=35,
                min_words=15,
                max_fragments=2,
                fragment_delimiter=" … ",
            ),
        )
    )
    return articles.order_by(*Order.ORDER_BY.get(order, Order.ORDER_BY[Order.RELEVANCE]))


def _search_fallback(articles, query, order):
    terms = query_terms(query)
    if not terms:
        return articles.none()
    articles = articles.alias(
        folded_title=Fold("title"),
        folded_standfirst=Fold("standfirst"),
        folded_body=Fold("body"),
    )
    rank = Value(0)
    for term in (f" {term}" for term in terms):
        tagged = (
            article_tag_items().filter(object_id=OuterRef("pk")).alias(folded_tag=Fold("tag__name"))
        )
        has_tag = Exists(tagged.filter(folded_tag__contains=term))
        articles = articles.filter(
            Q(folded_title__contains=term)
            | Q(folded_standfirst__contains=term)
            | Q(folded_body__contains=term)
            | has_tag
        )
        # The same weights as PostgreSQL's: title > standfirst > body > tags.
        for field, weight in (("folded_title", 10), ("folded_standfirst", 4), ("folded_body", 2)):
            rank = rank + Case(
                When(**{f"{field}__contains": term}, then=Value(weight)),
                default=Value(0),
                output_field=IntegerField(),
            )
    articles = articles.annotate(
        rank=rank,
        snippet_source=Concat("standfirst", Value(" "), "body", output_field=TextField()),
    )
    return articles.order_by(*Order.ORDER_BY.get(order, Order.ORDER_BY[Order.RELEVANCE]))


# --- Snippets ------------------------------------------------------------------------


def render_snippet(marked):
    """Turn text with highlight markers into safe HTML with <mark> elements.

    Everything between the markers is escaped; the markers become balanced tags
    whatever order they come in, so nothing from the article or the query can open
    an element.
    """
    parts, inside = [], False
    for part in _MARKERS_RE.split(marked or ""):
        if part == MARK_START:
            if not inside:
                parts.append("<mark>")
                inside = True
        elif part == MARK_END:
            if inside:
                parts.append("</mark>")
                inside = False
        elif part:
            parts.append(escape(part))
    if inside:
        parts.append("</mark>")
    return mark_safe("".join(parts))  # noqa: S308  (every piece above is escaped)


def _decode(marked):
    # ts_headline() returns the stored text: entities from the sanitized body included.
    return _SPACES_RE.sub(" ", html.unescape(marked or "")).strip()


def mark_terms(text, terms, max_words=None):
    """Put highlight markers around the words of `text` that start with one of `terms`.

    With `max_words`, keep a window of that many words around the first match.
    """
    words = text.split()
    if max_words and len(words) > max_words:
        first = next(
            (i for i, word in enumerate(words) if any(fold(word).startswith(t) for t in terms)), 0
        )
        start = max(0, first - max_words // 4)
        end = min(len(words), start + max_words)
        text = " ".join(words[start:end])
        text = ("… " if start > 0 else "") + text + (" …" if end < len(words) else "")
    # Split into words and what lies between them; only words get markers.
    return "".join(
        f"{MARK_START}{part}{MARK_END}"
        if index % 2 and any(fold(part).startswith(term) for term in terms)
        else part
        for index, part in enumerate(_WORD_SPLIT_RE.split(text))
    )


def attach_snippets(articles, query):
    """Give each article of a results page `title_html` and `snippet_html` (safe HTML)."""
    terms = query_terms(clean_query(query))
    for article in articles:
        if hasattr(article, "snippet_marked"):
            article.title_html = render_snippet(_decode(article.title_marked))
            article.snippet_html = render_snippet(_decode(article.snippet_marked))
        else:
            text = _decode(_TAG_RE.sub(" ", getattr(article, "snippet_source", "") or ""))
            article.title_html = render_snippet(mark_terms(article.title, terms))
            article.snippet_html = render_snippet(mark_terms(text, terms, max_words=35))
    return articles


# --- The search form -----------------------------------------------------------------

PERIODS = {
    "24h": timedelta(days=1),
    "7d": timedelta(days=7),
    "30d": timedelta(days=30),
    "1y": timedelta(days=365),
}


@dataclass(frozen=True)
class SearchParams:
    query: str = ""
    section: object = None
    since: object = None
    order: str = Order.RELEVANCE

    @property
    def is_filtered(self):
        return self.section is not None or self.since is not None


class SearchForm(forms.Form):
    """The reader's query and filters; a bad filter value is ignored, never an error."""

    q = forms.CharField(label=_("Search the site"), required=False, strip=True)
    section = forms.ChoiceField(label=_("Section"), required=False)
    period = forms.ChoiceField(
        label=_("Period"),
        required=False,
        choices=[
            ("", _("Any time")),
            ("24h", _("In the last 24 hours")),
            ("7d", _("In the last week")),
            ("30d", _("In the last month")),
            ("1y", _("In the last year")),
        ],
    )
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            (Order.RELEVANCE, _("Relevance")),
            (Order.DATE, _("Newest first")),
            (Order.OLDEST, _("Oldest first")),
        ],
    )

    def __init__(self, *args, tree, **kwargs):
        super().__init__(*args, **kwargs)
        self.tree = tree
        choices = [("", _("All sections"))]
        for root in tree.roots:
            choices.append((root.path, root.name))
            stack = list(reversed(tree.children_of(root)))
            while stack:
                section = stack.pop()
                choices.append((section.path, f"{'  ' * section.depth}– {section.name}"))
                stack.extend(reversed(tree.children_of(section)))
        self.fields["section"].choices = choices

    def search_params(self, now=None):
        """Return what to search for, keeping the valid part of what was sent."""
        if not self.is_bound:
            return SearchParams()
        self.is_valid()
        data = self.cleaned_data
        period = PERIODS.get(data.get("period") or "")
        return SearchParams(
            query=clean_query(self.data.get("q", "")),
            section=self.tree.by_path.get(data.get("section") or ""),
            since=(now or timezone.now()) - period if period else None,
            order=data.get("sort") or Order.RELEVANCE,
        )
