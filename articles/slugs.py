"""Slugs from French titles: accents transliterated, ligatures spelled out, unique."""

from django.utils.text import slugify

# NFKD (used by slugify) splits « é » into « e » + accent, but has no decomposition
# for the ligatures French writes: without this table « cœur » would become « cur ».
# An elided article is a word of its own: « l’heure » gives « l-heure », not « lheure ».
FRENCH = str.maketrans(
    {"œ": "oe", "Œ": "Oe", "æ": "ae", "Æ": "Ae", "ß": "ss", "’": " ", "'": " ", "ʼ": " "}
)


def french_slugify(text, max_length=200):
    slug = slugify(str(text).translate(FRENCH))[:max_length].strip("-")
    return slug or "article"


def unique_slug(model, text, exclude_pk=None, max_length=200):
    """Return a slug for `text` that no other row of `model` uses, now or as an old slug."""
    base = french_slugify(text, max_length=max_length - 5)
    taken = model.objects.filter(slug__startswith=base)
    if exclude_pk:
        taken = taken.exclude(pk=exclude_pk)
    used = set(taken.values_list("slug", flat=True))
    if hasattr(model, "old_slugs"):
        redirects = model.old_slugs.rel.related_model.objects.filter(old_slug__startswith=base)
        if exclude_pk:
            redirects = redirects.exclude(article_id=exclude_pk)
        used |= set(redirects.values_list("old_slug", flat=True))
    slug, n = base, 2
    while slug in used:
        slug = f"{base}-{n}"
        n += 1
    return slug
