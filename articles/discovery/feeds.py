"""RSS 2.0 and Atom feeds: the whole site, each section (with its subsections), each tag,
each author. Published articles only, newest first, with the full standfirst, the
authors, the section and tags as categories, and the hero image as an enclosure. And
the corrections of the live articles (`CorrectionFeed`), one item per correction.

Links use SITE_URL, like the canonical links of the pages, so a feed fetched through
an internal host name still points readers to the public site.
"""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.core.files.storage import default_storage
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Enclosure, Rss201rev2Feed
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from articles.content.tagging import article_tag_items
from articles.discovery.labels import published_authors, published_tags
from articles.discovery.metadata import hero_rendition
from articles.discovery.redirects import old_address, redirect_old_address
from articles.discovery.sections import section_tree
from articles.models import (
    Article,
    Author,
    AuthorSlugRedirect,
    SectionRedirect,
    TagSlugRedirect,
    live_corrections,
)
from newsportal.pagecache import shared
from newsportal.siteurl import site_host, site_url
from newsportal.textinput import xml_text

FEED_ITEMS = 30


def rendition_size_in_bytes(rendition):
    # The renditions list stores URLs; a local file's size is one stat() away.
    media_url = settings.MEDIA_URL
    url = rendition["url_jpeg"]
    if url.startswith(media_url):
        try:
            return default_storage.size(url.removeprefix(media_url))
        except (OSError, NotImplementedError):
            pass
    return 0


def xml_safe(value):
    """`value` with its text (a str, or strs in a list or tuple) under the input policy."""
    if isinstance(value, str):
        return xml_text(value)
    if isinstance(value, list | tuple):
        return type(value)(xml_safe(item) for item in value)
    return value


class ArticleFeed(Feed):
    """The latest articles of the whole site, as RSS 2.0."""

    feed_type = Rss201rev2Feed
    # The articles are in French whatever the interface language of the feed's URL.
    language = "fr"

    def __call__(self, request, *args, **kwargs):
        response = super().__call__(request, *args, **kwargs)
        # Feed readers poll; let them keep a copy for a few minutes, and any shared
        # cache for PAGE_CACHE_SHARED_MAX_AGE; an ETag answers their next poll with 304.
        return shared(request, response, max_age=300)

    def _get_dynamic_attr(self, attname, obj, default=None):
        # Every piece of text goes out as XML can carry it, even from a row stored
        # before the input policy (a standfirst with a vertical tab, say).
        return xml_safe(super()._get_dynamic_attr(attname, obj, default))

    # The feed --------------------------------------------------------------------------

    def title(self, obj):
        return settings.SITE_NAME

    def link(self, obj):
        return site_url(reverse("articles:home"))

    def description(self, obj):
        return _("The latest news from %(site)s.") % {"site": settings.SITE_NAME}

    def subtitle(self, obj):
        return self.description(obj)

    def feed_copyright(self, obj):
        return f"© {settings.SITE_NAME}"

    def articles(self, obj):
        return Article.objects.published()

    def items(self, obj):
        articles = list(
            self.articles(obj)
            .select_related("section", "hero_image")
            .defer("body", "search_vector")
            .prefetch_related(Prefetch("authors", queryset=Author.objects.only("name", "slug")))
            .order_by("-published_at", "-pk")[:FEED_ITEMS]
        )
        # The tag names of all items in one light query (no Tag objects, no prefetch).
        tags = {}
        for article_id, name in (
            article_tag_items()
            .filter(object_id__in=[article.pk for article in articles])
            .values_list("object_id", "tag__name")
        ):
            tags.setdefault(article_id, []).append(name)
        for article in articles:
            article.feed_tags = sorted(tags.get(article.pk, []), key=str.lower)
        return articles

    # The items -------------------------------------------------------------------------

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.standfirst

    def item_link(self, item):
        return site_url(item.get_absolute_url())

    def item_guid(self, item):
        # Stable across slug changes: a renamed article is not a new item to readers.
        return f"tag:{site_host()},{item.published_at:%Y-%m-%d}:article/{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return max(item.updated_at, item.published_at)

    def item_author_name(self, item):
        names = [author.name for author in item.authors.all()]
        return ", ".join(names) or None

    def item_categories(self, item):
        return [item.section.name, *item.feed_tags]

    def item_enclosures(self, item):
        rendition = hero_rendition(item.hero_image)
        if rendition is None:
            return []
        return [
            Enclosure(
                site_url(rendition["url_jpeg"]),
                str(rendition_size_in_bytes(rendition)),
                "image/jpeg",
            )
        ]


class OneObjectFeed(ArticleFeed):
    """The articles of one section, tag or author (`obj`), found by its address.

    Subclasses give `articles(obj)` and `about`, the feed's description: a translated
    text with %(name)s (the object's name) and %(site)s (SITE_NAME).
    """

    about = None

    def title(self, obj):
        return f"{obj.name} – {settings.SITE_NAME}"

    def link(self, obj):
        return site_url(obj.get_absolute_url())

    def description(self, obj):
        return self.about % {"name": obj.name, "site": settings.SITE_NAME}


class SectionFeed(OneObjectFeed):
    """A section's articles, its subsections' included."""

    about = gettext_lazy("The latest news of the section %(name)s on %(site)s.")

    def get_object(self, request, path):
        section = section_tree().by_path.get(path.strip("/"))
        if section is None:
            raise Http404(_("No section at this address."))
        return section

    def articles(self, obj):
        return Article.objects.published().filter(section_id__in=section_tree().subtree_ids(obj))


class TagFeed(OneObjectFeed):
    about = gettext_lazy("The latest articles tagged %(name)s on %(site)s.")

    def get_object(self, request, slug):
        # As the tag's page: no feed for a tag no live article has.
        return get_object_or_404(published_tags(), slug=slug)

    def articles(self, obj):
        return Article.objects.published().filter(tags=obj)


class AuthorFeed(OneObjectFeed):
    about = gettext_lazy("The latest articles by %(name)s on %(site)s.")

    def get_object(self, request, slug):
        return get_object_or_404(published_authors(), slug=slug)

    def articles(self, obj):
        return Article.objects.published().filter(authors=obj)


class CorrectionFeed(ArticleFeed):
    """The corrections, clarifications and updates of the live articles, newest first:
    one item per correction, titled with its type and its article's title, linking to
    the correction under the article."""

    def title(self, obj):
        return _("Corrections – %(site)s") % {"site": settings.SITE_NAME}

    def link(self, obj):
        return site_url(reverse("articles:corrections"))

    def description(self, obj):
        return _("The corrections, clarifications and updates of %(site)s.") % {
            "site": settings.SITE_NAME
        }

    def items(self, obj):
        return list(
            live_corrections().only(
                "kind", "text", "published_at", "article__title", "article__slug"
            )[:FEED_ITEMS]
        )

    def item_title(self, item):
        return _("%(kind)s: %(title)s") % {
            "kind": item.get_kind_display(),
            "title": item.article.title,
        }

    def item_description(self, item):
        return item.text

    def item_link(self, item):
        return site_url(f"{item.article.get_absolute_url()}#correction-{item.pk}")

    def item_guid(self, item):
        return f"tag:{site_host()},{item.published_at:%Y-%m-%d}:correction/{item.pk}"

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.published_at

    def item_author_name(self, item):
        return None

    def item_categories(self, item):
        return [item.get_kind_display()]

    def item_enclosures(self, item):
        return []


class FeedFormatConverter:
    """`rss` or `atom` in a feed's URL."""

    regex = "rss|atom"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


def feed_view(feed_class, redirect_model=None, among=None):
    """Return one view serving `feed_class` as RSS (`rss`) or Atom (`atom`).

    `redirect_model` (optional, an articles.models.OldAddress) keeps the old addresses
    of the feed's object: a path or slug found there answers 301 to the same feed at
    the object's new address, in the same format, like the object's page. `among` (a
    function returning a queryset of the object's model) limits that to the objects
    with a feed (the embargo: a 301 would name an unpublished tag's new slug).
    """
    atom_class = type(f"{feed_class.__name__}Atom", (feed_class,), {"feed_type": Atom1Feed})
    feeds = {"rss": feed_class(), "atom": atom_class()}

    def view(request, fmt, **kwargs):
        try:
            return feeds[fmt](request, **kwargs)
        except Http404:
            if redirect_model is None:
                raise
        [(key, address)] = kwargs.items()  # ("path", …) for a section, ("slug", …) otherwise
        target = old_address(redirect_model, address, among=among() if among else None)
        url = target and reverse(
            request.resolver_match.view_name, kwargs={key: getattr(target, key), "fmt": fmt}
        )
        return redirect_old_address(request, target, url)

    return view


site_feed = feed_view(ArticleFeed)
corrections_feed = feed_view(CorrectionFeed)
section_feed = feed_view(SectionFeed, SectionRedirect)
tag_feed = feed_view(TagFeed, TagSlugRedirect, published_tags)
author_feed = feed_view(AuthorFeed, AuthorSlugRedirect, published_authors)
