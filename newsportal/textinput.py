"""The input policy: what text the portal accepts, whoever typed it (docs/input.md).

Every piece of text that comes in (a reader's comment, a journalist's standfirst pasted
from a word processor, a tag, an import with `loaddata`) is brought to one form before
it is stored:

- Unicode NFC (« é » is one code point, however the keyboard or the import spelled it);
- no C0 or C1 control character other than tab and newline (a carriage return, a
  vertical tab, a form feed or NEL becomes a newline; in a one-line field, tab and
  newline become a space);
- no noncharacter, lone surrogate or private-use code point.

What is left can be written in any XML 1.0 document (feeds, sitemaps), any HTML page
and any PostgreSQL text column (which refuses NUL). The rule comes from the XML 1.0
`Char` production (https://www.w3.org/TR/xml/#charsets), Unicode's definition of
noncharacters (Unicode 15, §23.7) and private use (§23.5).

Where it is applied:

- `CharField`: a form field for forms that are not model forms (comments, search);
- `InputPolicyModel`: a model mixin whose `clean_fields` applies the policy first, so
  model forms (the admin) validate, check uniqueness and show the text as it will be;
- `apply_to_instance`, connected to `pre_save` of every model that takes text
  (articles.apps), so that any save (`save()`, the admin, `loaddata`) stores clean text;
- `xml_text`: the same cleaning on output, for rows stored before the policy existed;
- `QueryStringPolicyMiddleware`: in every query parameter (public pages, search, the
  admin's filters, search and autocomplete) a forbidden code point becomes U+FFFD
  before any view runs; a path with a control character is a 404.

This module is site-wide glue: it imports no app.
"""

import re
import unicodedata

from django import forms
from django.db import models
from django.http import QueryDict

# C0 controls but tab (U+0009) and newline (U+000A), DEL and the C1 controls; carriage
# returns are dealt with first. Lone surrogates (U+D800–U+DFFF); the private-use areas
# (U+E000–U+F8FF, planes 15 and 16); the noncharacters U+FDD0–U+FDEF and the last two
# code points of every plane (U+FFFE, U+FFFF, U+1FFFE … U+10FFFF).
_FORBIDDEN = re.compile(
    "["
    "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
    "\ud800-\udfff"
    "\ue000-\uf8ff"
    "\ufdd0-\ufdef\ufffe\uffff"
    + "".join(f"{chr(plane << 16 | 0xFFFE)}{chr(plane << 16 | 0xFFFF)}" for plane in range(1, 15))
    + "\U000f0000-\U0010ffff"
    "]"
)
# Word processors write a line break inside a paragraph as a vertical tab (or a form
# feed, or NEL): a newline, so that the words on either side stay apart.
_LINE_BREAKS = re.compile("\r\n?|[\x0b\x0c\x85]")
_ONE_LINE_SPACES = re.compile(r"[\t\n]")


def clean_text(value, *, multiline=True):
    """Return `value` (a str, or None) under the input policy; other types unchanged.

    `multiline=False` (one-line fields: names, titles, tags) also turns tabs and
    newlines into spaces. Never raises: text that breaks the rules loses the code
    points at fault, nothing else.
    """
    if not isinstance(value, str) or not value:
        return value
    text = _LINE_BREAKS.sub("\n", value)
    text = _FORBIDDEN.sub("", text)
    if not multiline:
        text = _ONE_LINE_SPACES.sub(" ", text)
    return unicodedata.normalize("NFC", text)


# Letters that draw nothing: the Hangul fillers and the blank Braille pattern.
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")
# Format (Cf: zero-width spaces and joiners, word joiner, bidi controls, tag characters
# U+E0000…), combining marks (Mn, Me: variation selectors, combining accents alone),
# separators (Zs, Zl, Zp) and the controls left (Cc: tab, newline).
_INVISIBLE_CATEGORIES = frozenset({"Cf", "Mn", "Me", "Zs", "Zl", "Zp", "Cc"})


def is_blank(value):
    """Whether `value` (a str) shows nothing: every character is invisible.

    Empty text is blank. Invisible means a Unicode general category in
    `_INVISIBLE_CATEGORIES` (Unicode 15, §4.5) or one of `_BLANK_LETTERS`.
    """
    return all(
        char in _BLANK_LETTERS or unicodedata.category(char) in _INVISIBLE_CATEGORIES
        for char in value
    )


def is_clean(value):
    """Whether `value` (a str) already follows the input policy (multi-line rules)."""
    return clean_text(value) == value


def xml_text(value):
    """`value` as text an XML 1.0 document can carry (for rows stored before the policy).

    Feeds and sitemaps pass every piece of text through this on output; `None` stays None.
    """
    if value is None:
        return None
    return clean_text(str(value))


# Forms -----------------------------------------------------------------------------


class CharField(forms.CharField):
    """A form CharField that applies the input policy before any validation.

    One-line unless its widget is a Textarea. `required` and `max_length` are checked
    on the cleaned text: a comment made only of control characters, or only of
    invisible ones (`is_blank`: zero-width spaces, word joiners, tag characters,
    combining marks alone), is empty.
    """

    def to_python(self, value):
        multiline = isinstance(self.widget, forms.Textarea)
        value = super().to_python(clean_text(value, multiline=multiline))
        if isinstance(value, str) and value and is_blank(value):
            return self.empty_value
        return value


# Models ----------------------------------------------------------------------------


def policy_fields(model):
    """The fields of `model` that take free text: CharField and TextField, but not slugs,
    addresses, e-mails, file names or fields with choices (their values are fixed)."""
    fields = []
    for field in model._meta.concrete_fields:
        if not isinstance(field, models.CharField | models.TextField):
            continue
        if isinstance(field, models.SlugField | models.URLField | models.EmailField):
            continue
        if field.choices or isinstance(field, models.FileField):
            continue
        fields.append(field)
    return fields


def apply_to_instance(instance):
    """Apply the input policy to every free-text field of a model instance, in place."""
    for field in policy_fields(type(instance)):
        value = getattr(instance, field.attname)
        cleaned = clean_text(value, multiline=isinstance(field, models.TextField))
        if cleaned is not value:
            setattr(instance, field.attname, cleaned)


def apply_before_save(sender, instance, **kwargs):
    """A `pre_save` receiver: every save stores clean text, `loaddata` (raw) included."""
    apply_to_instance(instance)


class InputPolicyModel:
    """Model mixin: the input policy runs before field validation (model forms, admin).

    The form then checks lengths and uniqueness on the text as it will be stored: the
    NFD spelling of an existing unique name is refused like the NFC one.
    """

    def clean_fields(self, exclude=None):
        apply_to_instance(self)
        # Text that shows nothing counts as empty: a required name made only of
        # zero-width spaces gets « This field cannot be blank. ».
        for field in policy_fields(type(self)):
            value = getattr(self, field.attname)
            if isinstance(value, str) and value and is_blank(value):
                setattr(self, field.attname, "")
        return super().clean_fields(exclude=exclude)


# Requests --------------------------------------------------------------------------

_PATH_FORBIDDEN = re.compile("[\x00-\x1f\x7f]")


def clean_parameter(value):
    """A query parameter (str) with each forbidden code point replaced by U+FFFD.

    Replaced, not removed: `?page=%00` stays a page number that is not one (a 404 like
    `?page=abc`), as Django already does with bytes that are not UTF-8.
    """
    return unicodedata.normalize("NFC", _FORBIDDEN.sub("\ufffd", value))


def clean_query(query):
    """A QueryDict with every key and value under the policy (`clean_parameter`), or
    `query` itself when it already follows it (one scan, no copy)."""
    if not any(
        _FORBIDDEN.search(key) or any(_FORBIDDEN.search(v) for v in values)
        for key, values in query.lists()
    ):
        return query
    cleaned = QueryDict(mutable=True)
    for key, values in query.lists():
        cleaned.setlist(clean_parameter(key), [clean_parameter(value) for value in values])
    cleaned._mutable = False
    return cleaned


class QueryStringPolicyMiddleware:
    """Bring every query parameter under the input policy before any view sees it, and
    answer 404 (the site's page) to a path with a control character.

    PostgreSQL refuses NUL in a query, which surfaced as a 500 in search, section
    filters and the admin's autocomplete `term`, changelist filters and search `q`. Here
    NUL, the other control characters but tab and newline, private-use code points and
    noncharacters become U+FFFD in keys and values (and in QUERY_STRING, which pages
    copy into their links), as bytes that are not UTF-8 already did when Django decoded
    the query string. A view then treats them as any other garbage: no result, the
    first page, a 404 for a page number that is not one; never a 500. No address has a
    control character in its path.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _PATH_FORBIDDEN.search(request.path_info):
            from django.core.handlers.exception import response_for_exception
            from django.http import Http404

            return response_for_exception(request, Http404("No address has control characters."))
        if request.META.get("QUERY_STRING"):
            cleaned = clean_query(request.GET)
            if cleaned is not request.GET:
                request.GET = cleaned
                request.META["QUERY_STRING"] = cleaned.urlencode()
        return self.get_response(request)
