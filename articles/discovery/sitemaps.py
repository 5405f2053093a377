"""Sitemaps for search engines, the Google News sitemap, and robots.txt.

`/sitemap.xml` is an index of the sections, the articles (paged, ARTICLES_PER_SITEMAP a
page, newest first), the tags and the authors that have published articles, and the
site's own pages (the corrections page).
`/sitemap-news.xml` lists the articles of the last 48 hours in Google News' format.
Both list the French (canonical) address of each page, whatever language the crawler
asks for; pages carry their `hreflang` alternates themselves. Links use SITE_URL.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.db.models import Max
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone, translation

from articles.discovery.labels import published_authors, published_tags
from articles.discovery.sections import section_tree
from articles.models import Article, live_corrections
from newsportal import lightmode
from newsportal.pagecache import shared
from newsportal.siteurl import site_scheme, site_url
from newsportal.textinput import xml_text

ARTICLES_PER_SITEMAP = 5000
NEWS_SITEMAP_HOURS = 48
NEWS_SITEMAP_LIMIT = 1000  # Google News reads at most 1,000 URLs per sitemap.


class PublicSitemap(Sitemap):
    """A sitemap whose URLs are on SITE_URL, not on whatever host the request used."""

    # Django writes each URL as f"{protocol}://{domain}{location}": with these two it is
    # site_url(location), the address every other link names.
    @property
    def protocol(self):
        return site_scheme()

    def get_domain(self, site=None):
        return site_url().partition("://")[2]


class SectionSitemap(PublicSitemap):
    changefreq = "hourly"
    priority = 0.8

    def items(self):
        tree = section_tree()
        latest = dict(
            Article.objects.published()
            .order_by()
            .values_list("section_id")
            .annotate(latest=Max("published_at"))
        )
        # A section changes when any of its subsections gets an article.
        items = []
        for section in sorted(tree.by_id.values(), key=lambda c: c.path):
            dates = [latest[pk] for pk in tree.subtree_ids(section) if pk in latest]
            items.append((section, max(dates) if dates else None))
        return items

    def location(self, item):
        return item[0].get_absolute_url()

    def lastmod(self, item):
        return item[1]


class ArticleSitemap(PublicSitemap):
    limit = ARTICLES_PER_SITEMAP
    priority = 0.6

    def items(self):
        return (
            Article.objects.published()
            .only("slug", "published_at", "updated_at")
            .order_by("-published_at", "-pk")
        )

    def lastmod(self, item):
        return max(item.updated_at, item.published_at)

    def get_latest_lastmod(self):
        # One aggregate instead of Django's default (every article, one by one).
        latest = Article.objects.published().aggregate(
            updated=Max("updated_at"), published=Max("published_at")
        )
        dates = [date for date in latest.values() if date]
        return max(dates) if dates else None


class TagSitemap(PublicSitemap):
    limit = ARTICLES_PER_SITEMAP
    priority = 0.3

    def items(self):
        return published_tags().exclude(slug="").order_by("slug")


class AuthorSitemap(PublicSitemap):
    priority = 0.3

    def items(self):
        return published_authors().order_by("slug")


class PageSitemap(PublicSitemap):
    """The site's own pages that are not content lists: the corrections page, once
    a live article has a correction (its date is the page's last modification)."""

    priority = 0.2
    changefreq = "daily"

    def items(self):
        # Asked for twice per request (the last modification, the pages): one query.
        if not hasattr(self, "_pages"):
            latest = live_corrections().aggregate(latest=Max("published_at"))["latest"]
            self._pages = [("articles:corrections", latest)] if latest else []
        return self._pages

    def location(self, item):
        return reverse(item[0])

    def lastmod(self, item):
        return item[1]


class NewsSitemap(PublicSitemap):
    """Google News: the articles published in the last 48 hours, newest first."""

    limit = NEWS_SITEMAP_LIMIT

    def items(self):
        now = timezone.now()
        articles = list(
            Article.objects.published(at=now)
            .filter(published_at__gte=now - timedelta(hours=NEWS_SITEMAP_HOURS))
            .only("title", "slug", "published_at")
            .order_by("-published_at", "-pk")[:NEWS_SITEMAP_LIMIT]
        )
        for article in articles:
            # As XML can carry it, even for a title stored before the input policy.
            article.title = " ".join(xml_text(article.title).split())
            # W3C date and time to the second, with the offset (2025-03-12T08:30:00+01:00).
            article.news_publication_date = timezone.localtime(article.published_at).isoformat(
                timespec="seconds"
            )
        return articles


SITEMAPS = {
    "sections": SectionSitemap,
    "articles": ArticleSitemap,
    "tags": TagSitemap,
    "authors": AuthorSitemap,
    "pages": PageSitemap,
}


def _in_default_language(view):
    # These URLs are outside i18n_patterns: without this, a crawler sending
    # Accept-Language: en would get /en/ addresses.
    def wrapped(request, *args, **kwargs):
        with translation.override(settings.LANGUAGE_CODE):
            response = view(request, *args, **kwargs)
            if hasattr(response, "render"):
                response.render()
        # The same for every client: any cache may keep it (newsportal.pagecache.shared).
        return shared(request, response, max_age=600)

    return wrapped


@_in_default_language
def index(request):
    # Django's index view names the request's host; ours names SITE_URL, like the rest.
    entries = []
    for name, sitemap_class in SITEMAPS.items():
        sitemap = sitemap_class()
        location = site_url(reverse("sitemap-part", kwargs={"part": name}))
        lastmod = sitemap.get_latest_lastmod()
        entries.append(sitemap_views.SitemapIndexItem(location, lastmod))
        entries += [
            sitemap_views.SitemapIndexItem(f"{location}?p={page}", lastmod)
            for page in range(2, sitemap.paginator.num_pages + 1)
        ]
    return TemplateResponse(
        request, "sitemap_index.xml", {"sitemaps": entries}, content_type="application/xml"
    )


@_in_default_language
def part(request, part):
    """One of SITEMAPS (`sections`, `articles`, `tags`, `authors`, `pages`): what
    Django's sitemap view calls a "section", a word this project keeps for the site's
    sections."""
    return sitemap_views.sitemap(request, SITEMAPS, section=part)


@_in_default_language
def news(request):
    return sitemap_views.sitemap(request, {"news": NewsSitemap}, template_name="sitemaps/news.xml")


@_in_default_language
def robots_txt(request):
    disallowed = []
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            # Search results are endless combinations of words: not worth crawling
            # (the search page itself, a form, may be: "/recherche/?" is a prefix of
            # every address with a query, not of "/recherche/").
            disallowed += [reverse("admin:index"), reverse("articles:search") + "?"]
    # The same results at the light and full addresses (newsportal.lightmode).
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            search = reverse("articles:search") + "?"
        disallowed += [prefix + search for prefix in lightmode.PREFIXES]
    lines = [
        "User-agent: *",
        *(f"Disallow: {path}" for path in dict.fromkeys(disallowed)),
        "",
        f"Sitemap: {site_url(reverse('sitemap'))}",
        f"Sitemap: {site_url(reverse('sitemap-news'))}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
