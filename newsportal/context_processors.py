from django.conf import settings
from django.utils.functional import SimpleLazyObject

from newsportal import lightmode
from newsportal.siteurl import site_url


def site(request):
    """The site's name and menu, for every template; the menu loads only when used.
    `light_mode`: whether this is the light page (newsportal.lightmode), `light_switch`
    the address of the other variant."""
    from articles.discovery.sections import section_tree

    return {
        "site_name": settings.SITE_NAME,
        "site_url": site_url(),
        "section_tree": SimpleLazyObject(lambda: section_tree(request)),
        "light_mode": lightmode.is_light(request),
        "light_switch": SimpleLazyObject(lambda: lightmode.switch_path(request)),
    }
