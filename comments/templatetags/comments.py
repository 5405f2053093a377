import math
import re

from django import template
from django.core.paginator import Page, Paginator
from django.db.models import Count, Window
from django.middleware.csrf import get_token
from django.utils.functional import SimpleLazyObject
from django.utils.html import Urlizer, escape, normalize_newlines
from django.utils.safestring import mark_safe

from articles.caching import comment_scope
from newsportal.pagecache import scope_token

from .. import heat, outcomes
from ..captcha import get_provider
from ..conf import settings
from ..forms import CommentForm
from ..models import PAGE_PARAMETER, Comment
from ..moderation import closes_at, comments_are_open, is_premoderated

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
    """One page of approved comments, oldest first, and their total in the same query.

    A window COUNT(*) OVER () rides along with the page's rows, so the article page
    costs one query for its comments whether there are 0, 10 or 500 of them. Only a
    page number past the end costs more: it falls back to the last page.
    """
    per_page = settings.COMMENTS_PER_PAGE
    try:
        # Capped: a huge number would overflow the OFFSET (a database error, not a page);
        # past the end, the last page is shown anyway.
        number = min(max(1, int(number)), MAX_COMMENT_PAGE)
    except (TypeError, ValueError):
        number = 1
    comments = (
        Comment.objects.approved()
        .on_article(article)
        .for_page()
        .annotate(total=Window(Count("pk")))
    )
    rows = list(comments[(number - 1) * per_page : number * per_page])
    if rows:
        total = rows[0].total
    elif number == 1:
        total = 0
    else:
        total = comments.count()
        number = max(1, math.ceil(total / per_page))
        rows = list(comments[(number - 1) * per_page : number * per_page])
    paginator = Paginator([], per_page)
    paginator.__dict__["count"] = total  # known already: no COUNT query
    return Page(rows, number, paginator)


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
    captcha, assets, csrf_token = {}, {}, None
    if reader_parts:
        captcha = provider.widget_context(request) | provider.question_context()
        assets = provider.assets()
        csrf_token = get_token(request)
        if context.get("comment_show_question"):
            # The proof of work never came: offer the question to every browser.
            captcha["question_visible"] = True
    outcome, own_pending = outcomes.take(request, article)
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
        "captcha_template": provider.template_name,
        "captcha": captcha,
        "assets": assets,
        "reader_parts": reader_parts,
        "csrf_token": csrf_token,
        "LANGUAGE_CODE": context.get("LANGUAGE_CODE"),
        "premoderated": is_premoderated(article),
        # A flood switched the story to pre-moderation (comments.heat): the page says so.
        "hot_until": heat.premoderated_until(article),
        "page_generation": context.get("page_generation"),
    }


@register.simple_tag
def pending_comment_count():
    return Comment.objects.pending().count()
