import math
import re

from django import template
from django.core.paginator import Page, Paginator
from django.db.models import Count, F, Q, Window
from django.db.models.functions import Coalesce, DenseRank
from django.utils.functional import SimpleLazyObject
from django.utils.html import Urlizer, escape, normalize_newlines
from django.utils.safestring import mark_safe

from articles.caching import comment_scope
from newsportal.pagecache import scope_token

from .. import heat, outcomes
from ..captcha import get_provider
from ..captcha import reader_parts as captcha_parts
from ..conf import settings
from ..forms import CommentForm
from ..models import PAGE_PARAMETER, Comment
from ..moderation import closes_at, comments_are_open, is_premoderated
from ..newsroom import may_reply

register = template.Library()


class ReaderLinks(Urlizer):
    """Links in a reader's text: followed by no search engine, marked as user content."""

    url_template = '<a href="{href}" rel="nofollow ugc noopener">{url}</a>'


urlize_reader_text = ReaderLinks()
# Everything Urlizer could turn into a link has one of these; most comments have none,
# and urlize costs far more than escaping (docs/benchmarks.md).
MAY_LINK_RE = re.compile(r"://|www\.|@|\.(?:com|edu|gov|int|mil|net|org)\b", re.IGNORECASE)


@register.filter(needs_autoescape=True)
def comment_text(value, autoescape=True):
    """Escape a reader's text, link its URLs (nofollow ugc) and keep its line breaks."""
    # A plain str copy: even text marked safe upstream is escaped, a reader wrote it.
    text = str.__str__(str(value))
    if MAY_LINK_RE.search(text):
        linked = urlize_reader_text(text, trim_url_limit=60, autoescape=True)
    else:
        linked = escape(text)
    return mark_safe(normalize_newlines(linked).replace("\n", "<br>"))  # noqa: S308 (escaped above)


MAX_COMMENT_PAGE = 100_000


def clean_comment_page(value):
    """The comment page number `?commentaires=` asks for as comment_page reads it: digits
    from 2 to MAX_COMMENT_PAGE, or None for the first page (anything else)."""
    try:
        number = min(max(1, int(value)), MAX_COMMENT_PAGE)
    except ValueError:
        return None
    return str(number) if number > 1 else None


def comment_page(article, number):
    """One page of threads: approved top-level comments, oldest first, each with its
    approved replies (`thread_replies`, oldest first), in one query.

    Pages count threads, never replies, so a thread is never cut in two. Window
    functions ride along with the rows: the threads' rank (`thread_rank`, which picks
    the page), the number of threads (the paginator's count) and the number of all
    shown comments, replies included (`page.comment_total`, the count the page prints).
    So the article page costs one query for its comments whether there are 0, 10 or
    500 of them; only a page number past the end costs more: it falls back to the last
    page. A reply whose thread is no longer published is not shown.
    """
    per_page = settings.COMMENTS_PER_PAGE
    try:
        # Capped: a huge number would overflow the OFFSET (a database error, not a page);
        # past the end, the last page is shown anyway.
        number = min(max(1, int(number)), MAX_COMMENT_PAGE)
    except (TypeError, ValueError):
        number = 1
    thread_created = Coalesce("parent__created_at", "created_at")
    thread_id = Coalesce("parent_id", "pk")
    shown = (
        Comment.objects.approved()
        .on_article(article)
        .filter(Q(parent__isnull=True) | Q(parent__status=Comment.Status.APPROVED))
        .for_page()
        .annotate(
            thread_rank=Window(DenseRank(), order_by=[thread_created.asc(), thread_id.asc()]),
            threads=Window(Count("pk", filter=Q(parent__isnull=True))),
            total=Window(Count("pk")),
        )
    )

    def page_rows(number):
        return list(
            shown.filter(
                thread_rank__gt=(number - 1) * per_page, thread_rank__lte=number * per_page
            ).order_by("thread_rank", F("parent_id").asc(nulls_first=True), "created_at", "pk")
        )

    rows = page_rows(number)
    if not rows and number > 1:
        threads = Comment.objects.approved().on_article(article).top_level().count()
        number = max(1, math.ceil(threads / per_page))
        rows = page_rows(number)
    threads, by_id = [], {}
    for row in rows:
        if row.parent_id is None:
            row.thread_replies = []
            by_id[row.pk] = row
            threads.append(row)
        elif parent := by_id.get(row.parent_id):
            parent.thread_replies.append(row)
    paginator = Paginator([], per_page)
    paginator.__dict__["count"] = rows[0].threads if rows else 0  # known: no COUNT query
    page = Page(threads, number, paginator)
    page.comment_total = rows[0].total if rows else 0
    return page


@register.inclusion_tag("comments/section.html", takes_context=True)
def comments_section(context, article):
    """The comments under an article: the approved ones, then the form.

    The form is the same for every reader (no CSRF token, stamp or captcha in it), so
    the page can be cached anywhere; static/js/comments-form.js fetches the reader's
    parts when the form is touched. Only a form shown again to one reader (bound, after
    an error) carries them inline: `reader_parts`.
    """
    request = context["request"]
    is_open = comments_are_open(article)
    provider = get_provider()
    sent_form = context.get("comment_form")
    form = (sent_form or CommentForm(article=article)) if is_open else None
    reader_parts = bool(form is not None and form.is_bound)
    parts = {"captcha": {}, "assets": {}, "csrf_token": None}
    if reader_parts:
        parts = captcha_parts(request, provider)
        if context.get("comment_show_question"):
            # The proof of work never came: offer the question to every browser.
            parts["captcha"]["question_visible"] = True
    premoderated = is_premoderated(article)
    outcome, own_pending = outcomes.take(request, article)
    # The reader's own held replies go under their thread; their other held comments
    # after the published ones, on the last page.
    own_replies = [c for c in own_pending if c.parent_id]
    # Staff who may reply in the newsroom's name follow « Reply » to the reply page, which
    # has that form (comments.newsroom). Only a request with a session cookie can be
    # theirs: the user is not looked up otherwise (that would add Vary: Cookie).
    newsroom_staff = outcomes.has_proof(request) and may_reply(getattr(request, "user", None))
    own_pending = [c for c in own_pending if not c.parent_id]
    return {
        "request": request,
        "article": article,
        # Lazy: the rendered list is kept in a fragment cache (comments/section.html).
        "page_obj": SimpleLazyObject(
            lambda: comment_page(article, request.GET.get(PAGE_PARAMETER))
        ),
        "comment_page_requested": request.GET.get(PAGE_PARAMETER, "")[:12],
        "comments_version": scope_token(request, comment_scope(article.slug))
        if context.get("page_generation")
        else None,
        "page_parameter": PAGE_PARAMETER,
        "comments_open": is_open,
        "closes_at": closes_at(article),
        "form": form,
        "refused_form": sent_form if not is_open else None,
        "outcome": outcome,
        "own_pending": own_pending,
        "own_replies": own_replies,
        "newsroom_staff": newsroom_staff,
        "captcha_template": provider.template_name,
        "captcha": parts["captcha"],
        "assets": parts["assets"],
        "reader_parts": reader_parts,
        "csrf_token": parts["csrf_token"],
        "LANGUAGE_CODE": context.get("LANGUAGE_CODE"),
        # The light page (newsportal.lightmode) leaves the in-place reply script out.
        "light_mode": context.get("light_mode"),
        "premoderated": premoderated,
        # A flood switched the story to pre-moderation (comments.heat): the page says so.
        # Asked only of a pre-moderated story (a hot one is), so that the usual page
        # reads the shared cache of hot stories once, not twice.
        "hot_until": heat.premoderated_until(article) if premoderated else None,
        "page_generation": context.get("page_generation"),
    }


@register.filter
def replies_of(comments, thread_id):
    """The comments of `comments` (a list) that reply in the thread `thread_id` (an int)."""
    return [c for c in comments or () if c.parent_id == thread_id]


@register.simple_tag
def pending_comment_count():
    return Comment.objects.pending().count()
