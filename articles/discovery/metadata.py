"""What pages tell search engines and social networks about themselves.

OpenGraph and Twitter cards, `hreflang` alternates, and on article pages the JSON-LD
`NewsArticle` and `BreadcrumbList` (schema.org), built here as plain dictionaries and
written by the `seo` template tags with script-safe escaping.
"""

from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from newsportal.siteurl import site_url


def hero_rendition(image):
    """The rendition that represents an article elsewhere (feeds, social cards, JSON-LD)."""
    if image is None or not image.renditions:
        return None
    return image.largest


# The logo drawn for the publisher (static/img/logo.png) and the default social card.
LOGO = {"path": "img/logo.png", "width": 600, "height": 60}
DEFAULT_SOCIAL_IMAGE = {"path": "img/social-card.png", "width": 1200, "height": 630}
OG_LOCALES = {"fr": "fr_FR", "en": "en_GB"}


def static_image(image):
    return {
        "url": site_url(static(image["path"])),
        "width": image["width"],
        "height": image["height"],
    }


def social_image(image=None):
    """Return url, width, height and alt of the picture that represents a page."""
    rendition = hero_rendition(image)
    if rendition is None:
        return {**static_image(DEFAULT_SOCIAL_IMAGE), "alt": settings.SITE_NAME}
    return {
        "url": site_url(rendition["url_jpeg"]),
        "width": rendition["width"],
        "height": rendition["height"],
        "alt": image.alt_text,
    }


def _iso(moment):
    return timezone.localtime(moment).isoformat(timespec="seconds")


def breadcrumb_items(ancestors, section, current):
    """The visible breadcrumbs as (name, url) pairs; the last one, the page, has no url."""
    items = [(_("Home"), reverse("articles:home"))]
    items += [(ancestor.name, ancestor.get_absolute_url()) for ancestor in ancestors]
    if section is not None:
        items.append((section.name, section.get_absolute_url()))
    items.append((current, None))
    return items


def breadcrumb_list(items, page_url):
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": position,
                "name": name,
                "item": site_url(url or page_url),
            }
            for position, (name, url) in enumerate(items, 1)
        ],
    }


def publisher():
    return {
        "@type": "NewsMediaOrganization",
        "name": settings.SITE_NAME,
        "url": site_url(reverse("articles:home")),
        "logo": {"@type": "ImageObject", **static_image(LOGO)},
    }


def news_article(article, authors, tags, corrections=()):
    """The JSON-LD `NewsArticle` of `article` (a dict), with its `corrections` (Correction
    objects): corrections and clarifications as `correction` (CorrectionComment), any
    of them, updates included, moving `dateModified` to its date."""
    url = site_url(article.get_absolute_url())
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "url": url,
        "headline": article.title,
        "description": article.standfirst,
        # A draft shown in preview has no publication time yet.
        "datePublished": _iso(article.published_at or article.updated_at),
        # Any correction, clarification or update dated after the last edit moves it.
        "dateModified": _iso(
            max(
                filter(
                    None,
                    (
                        article.updated_at,
                        article.published_at,
                        *(correction.published_at for correction in corrections),
                    ),
                )
            )
        ),
        "author": [
            {"@type": "Person", "name": author.name, "url": site_url(author.get_absolute_url())}
            for author in authors
        ]
        or [{"@type": "Organization", "name": settings.SITE_NAME}],
        "publisher": publisher(),
        "articleSection": article.section.name,
        "keywords": [tag.name for tag in tags],
        "inLanguage": "fr",
        "isAccessibleForFree": True,
    }
    # Corrections and clarifications are schema.org CorrectionComments (named with their
    # type); an update is news added, not a correction: it shows in dateModified only.
    notices = [correction for correction in corrections if correction.is_correction_comment]
    if notices:
        data["correction"] = [
            {
                "@type": "CorrectionComment",
                "name": correction.get_kind_display(),
                "text": correction.text,
                "datePublished": _iso(correction.published_at),
            }
            for correction in notices
        ]
    if hero_rendition(article.hero_image):
        image = social_image(article.hero_image)
        data["image"] = [
            {
                "@type": "ImageObject",
                "url": image["url"],
                "width": image["width"],
                "height": image["height"],
            }
        ]
    return data


def article_structured_data(article, authors, tags, ancestors, corrections=()):
    """The JSON-LD of an article page: the article and its breadcrumbs."""
    items = breadcrumb_items(ancestors, article.section, article.title)
    return [
        news_article(article, authors, tags, corrections),
        breadcrumb_list(items, article.get_absolute_url()),
    ]
