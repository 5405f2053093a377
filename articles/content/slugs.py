"""The slug policy: one rule for articles, sections, tags and authors (docs/input.md).

- The name goes through the input policy (newsportal.textinput), then anyascii
  transliterates any script to ASCII (« Ελλάδα » → `ellada`, « Москва » → `moskva`,
  « 北京 » → `beijing`, « 🏆 » → `trophy`, « cœur » → `coeur`), then Django's `slugify`
  keeps letters, digits and hyphens, lower case.
- An elided French article is a word of its own: « l’heure » gives `l-heure`.
- A name that leaves nothing (« ??? ») gets a stable fallback: the kind of object and
  a short digest of the name (« !!! » → `tag-3894b0d5`), the same every time.
- A slug is unique among the live objects of its kind *and* among the old slugs that
  still redirect to one of them: an address that leads to an article (a section, a tag,
  an author) is never handed to another one; the newcomer gets `-2`, `-3`…
"""

import hashlib
import re

from anyascii import anyascii
from django.utils.text import slugify

from newsportal.textinput import clean_text

# Apostrophes of elision separate words (« l’heure » → « l heure »).
APOSTROPHES = str.maketrans({"’": " ", "'": " ", "ʼ": " ", "‘": " "})
# What the `slug` path converter accepts: anything else cannot be linked to.
SLUG_SHAPE = re.compile(r"[-a-zA-Z0-9_]+")
# Room left for a "-NN" suffix when a slug is taken.
SUFFIX_ROOM = 5


def make_slug(text, *, max_length=200, fallback="article"):
    """Return the slug of `text` (str): ASCII, lower case, at most `max_length`, never empty.

    `fallback` (a slug word: "article", "tag", "rubrique", "auteur") names the object
    when the text gives no letter or digit: `fallback-<8 hex digits of a digest>`.
    """
    text = clean_text(str(text or ""), multiline=False).translate(APOSTROPHES)
    slug = slugify(anyascii(text))[:max_length].strip("-")
    if slug:
        return slug
    if not text.strip():
        return fallback
    digest = hashlib.blake2b(text.strip().encode(), digest_size=4).hexdigest()
    return f"{fallback}-{digest}"[:max_length]


def french_slugify(text, max_length=200):
    """The article slug of `text` (the name the demo content and older code use)."""
    return make_slug(text, max_length=max_length, fallback="article")


def first_free(base, used):
    """Return `base`, or `base-2`, `base-3`… whichever is not in `used` (a set of str)."""
    slug, n = base, 2
    while slug in used:
        slug = f"{base}-{n}"
        n += 1
    return slug


# model -> its old-address model (articles.models.OldAddress, with `old_slug` and a
# foreign key named TARGET); filled by the model module, so that `unique_slug` knows
# which old slugs still lead somewhere.
REDIRECTS = {}


def register_redirects(model, redirect_model):
    """Declare that `redirect_model.old_slug` rows keep old slugs of `model`."""
    REDIRECTS[model] = redirect_model


def slugs_in_use(model, prefix, exclude_pk=None):
    """The slugs starting with `prefix` that `model` rows use or that still redirect."""
    taken = model._default_manager.filter(slug__startswith=prefix)
    if exclude_pk:
        taken = taken.exclude(pk=exclude_pk)
    used = set(taken.values_list("slug", flat=True))
    if model in REDIRECTS:
        redirect_model = REDIRECTS[model]
        redirects = redirect_model._default_manager.filter(old_slug__startswith=prefix)
        if exclude_pk:
            redirects = redirects.exclude(**{f"{redirect_model.TARGET}_id": exclude_pk})
        used |= set(redirects.values_list("old_slug", flat=True))
    return used


def unique_slug(model, text, exclude_pk=None, max_length=200, *, fallback=None, base=None):
    """Return a slug for `text` that no other row of `model` uses, now or as an old slug.

    `base`, when given, is a slug already chosen (an editor's): kept if free, else
    suffixed. Raises nothing; the result is never empty.
    """
    fallback = fallback or model._meta.model_name
    if base:
        base = base[: max_length - SUFFIX_ROOM].strip("-") or fallback
    else:
        base = make_slug(text, max_length=max_length - SUFFIX_ROOM, fallback=fallback)
    return first_free(base, slugs_in_use(model, base, exclude_pk))


def redirect_holder(model, slug, exclude_pk=None):
    """The object of `model` that an old `slug` still redirects to (not `exclude_pk`), or None."""
    if model not in REDIRECTS or not slug:
        return None
    others = model._default_manager.exclude(pk=exclude_pk) if exclude_pk else None
    return REDIRECTS[model].leads_to(slug, among=others)


class SlugNotice:
    """Why an object did not get the slug it asked for: shown to the editor in the admin.

    `wanted` and `given` are slugs; `holder` is the object the wanted address still
    leads to.
    """

    def __init__(self, wanted, given, holder):
        self.wanted, self.given, self.holder = wanted, given, holder

    def message(self):
        from django.utils.translation import gettext as _

        return _(
            "The address “%(wanted)s” still leads to “%(holder)s” (one of its former "
            "addresses), so this one got “%(given)s”."
        ) % {"wanted": self.wanted, "holder": self.holder, "given": self.given}


def claim_slug(instance, text, *, fallback, max_length):
    """Give `instance` (with a `slug`) a slug by the policy, in place.

    Empty, or not a slug an address can carry: made from `text` (or from the slug's
    own text), unique. Chosen by an editor but held by another object's old slug:
    suffixed, and `instance.slug_notice` (a SlugNotice) says why. Model forms call it
    from `clean()` (the slug is then known to the unique checks), saves again.
    """
    model = type(instance)
    if instance.slug and not SLUG_SHAPE.fullmatch(instance.slug):
        # Imported or written around a form (« élection », « a b »): what an address
        # cannot carry is transliterated like a name.
        text, instance.slug = instance.slug, ""
    if not instance.slug:
        instance.slug = unique_slug(
            model, text, exclude_pk=instance.pk, max_length=max_length, fallback=fallback
        )
        return
    holder = redirect_holder(model, instance.slug, exclude_pk=instance.pk)
    if holder is not None:
        wanted = instance.slug
        instance.slug = unique_slug(
            model, text, exclude_pk=instance.pk, max_length=max_length, base=wanted
        )
        instance.slug_notice = SlugNotice(wanted, instance.slug, holder)
