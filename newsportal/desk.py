"""What waits for the desk, counted on the admin index: articles in review, scheduled
today, comments held. Imports no app.

Each app registers a provider (`register`): a function of the request returning a list
of `DeskCount`, empty for a user who may not see what it counts, in a query or two.
The admin index (templates/admin/index.html) shows them with the `desk_counts` tag of
this template library (settings.TEMPLATES, "desk").
"""

from dataclasses import dataclass

from django import template

register = template.Library()

_providers = []


@dataclass(frozen=True)
class DeskCount:
    """One count on the admin index: `label` (translated text naming the count), `count`
    (an int) and `url` (the admin list it counts, filtered)."""

    label: str
    count: int
    url: str


def register_provider(provider):
    """Add `provider(request)` → list of DeskCount to what the admin index counts."""
    if provider not in _providers:
        _providers.append(provider)


def counts_for(request):
    """Every registered provider's counts for `request.user`, in registration order."""
    return [count for provider in _providers for count in provider(request)]


@register.simple_tag(takes_context=True)
def desk_counts(context):
    """The counts the user of the page's request may see (a list of DeskCount)."""
    request = context.get("request")
    return counts_for(request) if request is not None else []
