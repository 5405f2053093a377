"""Old addresses of sections, tags and authors: each keeps answering with a 301.

A renamed article keeps its old slugs (ArticleSlugRedirect); sections, tags and authors
keep theirs in SectionRedirect, TagSlugRedirect and AuthorSlugRedirect. The pages
(articles.views) and the feeds (articles.discovery.feeds) both look them up here.
"""

from django.http import Http404, HttpResponsePermanentRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from taggit.models import Tag

from articles.models import AuthorSlugRedirect, SectionRedirect, TagSlugRedirect


def old_section(path):
    """The section an old path (« news-infos/diplomatie ») still leads to, or None."""
    found = SectionRedirect.objects.filter(old_path=path.strip("/")).select_related("section")
    return found[0].section if found else None


def old_tag(slug):
    """The tag an old slug still leads to, or None."""
    found = TagSlugRedirect.objects.filter(old_slug=slug).select_related("tag")
    return found[0].tag if found else None


def old_author(slug):
    """The author an old slug still leads to, or None."""
    found = AuthorSlugRedirect.objects.filter(old_slug=slug).select_related("author")
    return found[0].author if found else None


def redirect_old_address(request, target, url=None):
    """301 to `target`'s page (or to `url`), the query string kept; 404 when None.

    A renamed section (with its subsections), tag or author keeps answering at every
    old address, as a renamed article does.
    """
    if target is None:
        raise Http404(_("Nothing at this address."))
    if url is None:
        url = (
            reverse("articles:tag", kwargs={"slug": target.slug})
            if isinstance(target, Tag)
            else target.get_absolute_url()
        )
    if query := request.META.get("QUERY_STRING"):
        url = f"{url}?{query}"
    return HttpResponsePermanentRedirect(url)
