"""Template tags for page metadata: captured blocks, social cards, hreflang, JSON-LD."""

import json

from django import template
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.urls import translate_url
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from articles.discovery.metadata import OG_LOCALES, social_image
from newsportal.siteurl import site_url

register = template.Library()

# As in django.utils.html.json_script: nothing in the data can close the <script>.
_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


class CaptureNode(template.Node):
    def __init__(self, nodelist, name):
        self.nodelist = nodelist
        self.name = name

    def render(self, context):
        # Rendered template output: already escaped by the templates that made it.
        context[self.name] = mark_safe(self.nodelist.render(context).strip())  # noqa: S308
        return ""


@register.tag
def capture(parser, token):
    """`{% capture as name %}…{% endcapture %}`: render once, use as often as needed.

    Blocks inside stay overridable, so base.html can reuse the page's title and
    description in its social cards.
    """
    bits = token.split_contents()
    if len(bits) != 3 or bits[1] != "as":
        raise template.TemplateSyntaxError("Usage: {% capture as name %}…{% endcapture %}")
    nodelist = parser.parse(("endcapture",))
    parser.delete_first_token()
    return CaptureNode(nodelist, bits[2])


@register.inclusion_tag("includes/social_meta.html", takes_context=True)
def social_meta(context, title, description, url, image=None, type="website"):  # noqa: A002
    language = get_language() or settings.LANGUAGE_CODE
    return {
        "title": title,
        "description": description,
        "url": url,
        "type": type,
        "image": social_image(image),
        "site_name": settings.SITE_NAME,
        "locale": OG_LOCALES.get(language, language),
        "alternate_locales": [
            OG_LOCALES.get(code, code) for code, _name in settings.LANGUAGES if code != language
        ],
    }


@register.simple_tag(takes_context=True)
def language_alternates(context):
    """`<link rel="alternate" hreflang>` for each language, and x-default (French)."""
    request = context.get("request")
    if request is None or getattr(request, "resolver_match", None) is None:
        return ""
    page = request.GET.get("page", "")
    query = f"?page={page}" if page.isdigit() and page != "1" else ""
    links, default = [], None
    for code, _name in settings.LANGUAGES:
        href = site_url(translate_url(request.path, code)) + query
        links.append(format_html('<link rel="alternate" hreflang="{}" href="{}">', code, href))
        if code == settings.LANGUAGE_CODE:
            default = href
    if default:
        links.append(format_html('<link rel="alternate" hreflang="x-default" href="{}">', default))
    return mark_safe("\n  ".join(links))  # noqa: S308  (each link built by format_html)


@register.simple_tag
def json_ld(data):
    """Write `data` as a JSON-LD script element (data, never executed: no CSP nonce)."""
    payload = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    return format_html(
        '<script type="application/ld+json">{}</script>',
        mark_safe(payload.translate(_JSON_SCRIPT_ESCAPES)),  # noqa: S308
    )
