"""What the page cache (newsportal.pagecache) must know about content.

The cache imports no app; this module tells it:

- that pages are stale (`forget_pages`), on the app's domain events (articles.events,
  connected in articles.signals): an article published or unpublished, or any other
  content changed (articles, sections, authors, photos, ad slots, corrections, old
  addresses, tags and their links, the editors' front-page choices, an admin log entry
  about content). The page cache starts at most two generations per transaction
  however many rows it writes (newsportal.pagecache.content_changed). Read counts are not content.
- when pages change by themselves: an article scheduled for later, an ad slot starting
  or ending, breaking news leaving the strip (`next_scheduled_change`, registered by
  `ArticlesConfig.ready()`).
  A front-page choice expiring ends the pages that show it: the home page bounds its
  stored copy by the earliest expiry among the choices it shows
  (`HomeView.page_cache_valid_until`, articles.discovery.frontpage); a chosen article
  scheduled for later is an article scheduled for later.
- what else ends a stored article page (`register_article_page_bound`: comments
  closing by themselves, registered by `comments`).
- an article's comment scope (`comment_scope`), which `comments` renews when a comment
  is posted, approved or removed (`comments_changed`).
"""

from django.db.models import Min, Q

from newsportal import pagecache

# What bounds an article page's life besides content changes: functions of the article
# returning an aware datetime or None (comments closing by themselves, registered by the
# comments app, which articles does not import).
_article_page_bounds = []


def register_article_page_bound(bound):
    """Add `bound(article)` (an aware datetime or None) to what ends a stored article page."""
    if bound not in _article_page_bounds:
        _article_page_bounds.append(bound)


def article_page_valid_until(article):
    """The earliest registered bound of this article's page (aware datetime), or None."""
    moments = [moment for bound in _article_page_bounds if (moment := bound(article))]
    return min(moments) if moments else None


# The query parameters an article page reads (its comment pages, registered by comments).
article_page_parameters = []


def comment_scope(slug):
    """The page-cache scope of an article's comments: `comments:<slug>`."""
    return f"comments:{slug}"


def comments_changed(article_ids):
    """Renew the comment scopes of these articles (ids: an iterable of ints), now and
    again once the transaction commits (pagecache.now_and_on_commit)."""
    from articles.models import Article

    article_ids = list(article_ids)

    def renew():
        for slug in Article.objects.filter(pk__in=article_ids).values_list("slug", flat=True):
            pagecache.scope_changed(comment_scope(slug))

    pagecache.now_and_on_commit(renew)


def next_scheduled_change(now):
    """When the pages change by themselves next (an aware datetime), or None: a scheduled
    article, an ad slot starting or ending, breaking news leaving the strip."""
    from articles.models import BREAKING_NEWS_AGE, AdSlot, Article, breaking_q, scheduled_q

    # The same conditions as the pages that show them (articles.models: one definition).
    articles = Article.objects.aggregate(
        scheduled=Min("published_at", filter=scheduled_q(now)),
        breaking=Min("published_at", filter=breaking_q(now)),
    )
    ads = AdSlot.objects.filter(is_active=True).aggregate(
        starts=Min("starts_at", filter=Q(starts_at__gt=now)),
        ends=Min("ends_at", filter=Q(ends_at__gt=now)),
    )
    if articles["breaking"]:
        articles["breaking"] += BREAKING_NEWS_AGE
    moments = [moment for moment in (*articles.values(), *ads.values()) if moment]
    return min(moments) if moments else None


def forget_pages(sender, **kwargs):
    """Content changed (articles.events): start a new page generation."""
    pagecache.content_changed()
