"""What the page cache (newsportal.pagecache) must know about content.

The cache imports no app; this module tells it, from `ArticlesConfig.ready()`:

- which writes make pages stale: a save or delete of any model readers see (sections,
  articles, authors, photos, ad slots, corrections, old addresses, tags and their
  links), and the admin's log entries, which record the changes made by admin actions
  that send no model signal. Read counts are not content.
- when pages change by themselves: an article scheduled for later, an ad slot starting
  or ending, breaking news leaving the strip (`next_scheduled_change`).
- what else ends a stored article page (`register_article_page_bound`: comments
  closing by themselves, registered by `comments`).
- an article's comment scope (`comment_scope`), which `comments` renews when a comment
  is posted, approved or removed (`comments_changed`).
"""

from django.apps import apps
from django.db.models import Min, Q
from django.db.models.signals import m2m_changed, post_delete, post_save

from newsportal import pagecache

# Models of the articles app that readers never see.
# (Autosaved drafts and edit locks are the newsroom's own: an autosave forgets no page.)
NOT_CONTENT = {"articlereadcount", "articledraft", "articlelock"}


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
    from articles.models import BREAKING_NEWS_AGE, AdSlot, Article

    published = Q(status=Article.Status.PUBLISHED)
    articles = Article.objects.aggregate(
        scheduled=Min("published_at", filter=published & Q(published_at__gt=now)),
        breaking=Min(
            "published_at",
            filter=published
            & Q(is_breaking=True, published_at__lte=now, published_at__gt=now - BREAKING_NEWS_AGE),
        ),
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
    """A content model was saved, deleted or had its links changed: new generation."""
    pagecache.content_changed()


def connect():
    """Register the schedule and connect one receiver per content model (sender-specific)."""
    pagecache.register_schedule(next_scheduled_change)
    content = [
        model
        for model in apps.get_app_config("articles").get_models()
        if model._meta.model_name not in NOT_CONTENT
    ]
    content += list(apps.get_app_config("taggit").get_models())
    content.append(apps.get_model("admin", "LogEntry"))
    for model in content:
        uid = f"pagecache:{model._meta.label_lower}"
        post_save.connect(forget_pages, sender=model, dispatch_uid=uid)
        post_delete.connect(forget_pages, sender=model, dispatch_uid=uid)
    # Links between content (tags, bylines, related articles): m2m through models.
    for model in apps.get_app_config("articles").get_models():
        for field in model._meta.many_to_many:
            through = field.remote_field.through
            m2m_changed.connect(
                forget_pages, sender=through, dispatch_uid=f"pagecache:{through._meta.label_lower}"
            )
