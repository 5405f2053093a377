from django import template
from django.urls import translate_url

register = template.Library()


@register.simple_tag(takes_context=True)
def translated_path(context, language):
    """This page's address in another language (/article/… ↔ /en/article/…)."""
    return translate_url(context["request"].path, language)
