"""Template filters for photos: which renditions a picture prints."""

from django import template

register = template.Library()


@register.filter
def renditions_for(image, ratio=""):
    """`image|renditions_for:"16:9"`: the image's RenditionSet cut to that ratio of
    settings.RENDITION_RATIOS around its focal point, or its original-ratio renditions
    when `ratio` is empty (see articles.models.Image.rendition_set)."""
    return image.rendition_set(ratio or None)
