"""Old addresses of sections, tags and authors: each keeps answering with a 301.

A renamed article keeps its old slugs (ArticleSlugRedirect); sections, tags and authors
keep theirs in SectionRedirect, TagSlugRedirect and AuthorSlugRedirect, all of them
`articles.models.OldAddress`. The pages (articles.views) and the feeds
(articles.discovery.feeds) both look them up here.
"""

from django.http import Http404, HttpResponsePermanentRedirect
from django.utils.translation import gettext as _


def old_address(redirect_model, address, among=None):
    """The object an old address still leads to, or None.

    `redirect_model` is one of the OldAddress models; `address` is a slug, or a section's
    path with or without its slashes (« news-infos/diplomatie/ »); `among` (a queryset)
    narrows the answer down, e.g. to published articles.
    """
    return redirect_model.leads_to(address.strip("/"), among=among)


def redirect_old_address(request, target, url=None):
    """301 to `target`'s page (or to `url`), the query string kept; 404 when None.

    A renamed section (with its subsections), tag or author keeps answering at every
    old address, as a renamed article does.
    """
    if target is None:
        raise Http404(_("Nothing at this address."))
    url = url or target.get_absolute_url()
    if query := request.META.get("QUERY_STRING"):
        url = f"{url}?{query}"
    return HttpResponsePermanentRedirect(url)
