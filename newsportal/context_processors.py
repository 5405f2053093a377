from django.conf import settings
from django.utils.functional import SimpleLazyObject

from newsportal.siteurl import site_url


def site(request):
    """The site's name and menu, for every template; the menu loads only when used."""
    from articles.discovery.sections import section_tree

    return {
        "site_name": settings.SITE_NAME,
        "site_url": site_url(),
        "section_tree": SimpleLazyObject(lambda: section_tree(request)),
    }
