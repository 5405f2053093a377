import re
import unicodedata

from anyascii import anyascii
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Layout
from django import forms
from django.utils.translation import gettext_lazy as _

from newsportal.textinput import CharField as PolicyCharField

from .conf import settings
from .models import Comment
from .scoring import sign_render_time

# A comment id as the reply form sends it: digits only, at most 18 of them (within a
# 64-bit integer, whatever the database), no sign, no spaces.
PARENT_ID_RE = re.compile(r"[0-9]{1,18}")
# Names only the newsroom may use: what a reader types is compared without accents,
# case, spaces or punctuation, so « La Rédaction », « REDACTION ✓ » or « Ré-daction »
# are refused too (docs/comments.md, « Newsroom replies »).
RESERVED_NAME_WORDS = ("redaction", "newsroom", "moderat", "administrat")
# The trusted commenters' mark (comments.trust), in both languages, compared the same
# way: a reader cannot type « Awa Lecteur fidèle » to look trusted. « Fidèle » alone is
# a first name, and stays allowed.
TRUSTED_MARK_WORDS = ("lecteurfidele", "regularreader")
# Explicit bidirectional embeddings, overrides and isolates (Unicode UAX #9: LRE, RLE,
# PDF, LRO, RLO, LRI, RLI, FSI, PDI): they reorder the letters drawn, so that
# « \u202enoitcadéR » shows as « Rédaction ». A name is shown in its own <bdi>, which
# isolates it already; they are removed from names (as Trojan Source, CVE-2021-42574).
BIDI_CONTROLS_RE = re.compile("[\u202a-\u202e\u2066-\u2069]")

NOT_REPLYABLE = _(
    "The comment you are replying to is no longer shown (or never was). Your text is kept "
    "below: send it as a comment on the article, or go back to the conversation."
)
RESERVED_NAME = _(
    "This name is kept for the newsroom's own replies. Choose another name, such as your "
    "first name."
)
TRUSTED_MARK_NAME = _(
    "« Regular reader » is a mark the site gives, not a name. Choose another name, such "
    "as your first name."
)


# Cyrillic and Greek letters drawn like the Latin ones of RESERVED_NAME_WORDS.
LOOKALIKES = str.maketrans("аԁеіոорѕтсνωмαειοτ", "adeinopstcvwmaeiot")


def _skeletons(name):
    """The ways `name` may read as Latin letters: lowercase letters and digits only.

    Two readings, since a lookalike may be read by its shape or by its sound: the
    shapes (NFKD, casefold, LOOKALIKES: Cyrillic « р » as « p ») and a
    transliteration (anyascii: small capitals « ʀᴇᴅ », dotless « ı », Greek capitals
    « Ν », Cyrillic « Р » as « R »).
    """
    shapes = unicodedata.normalize("NFKD", name).casefold().translate(LOOKALIKES)
    for reading in (shapes, anyascii(name).casefold()):
        yield "".join(c for c in reading if c.isalnum() and c.isascii())


def _imitates(name, words):
    return any(word in skeleton for skeleton in _skeletons(name) for word in words)


def reserved_name(name):
    """Whether a reader's `name` (a str) imitates the newsroom's mark; see RESERVED_NAME_WORDS.

    Compared without accents, case, spaces, punctuation or invisible characters, with
    Cyrillic, Greek and other lookalikes read as Latin letters (`_skeletons`).
    """
    return _imitates(name, RESERVED_NAME_WORDS)


def imitates_trusted_mark(name):
    """Whether a reader's `name` (a str) holds the trusted commenters' mark, « Lecteur
    fidèle » or « Regular reader » (TRUSTED_MARK_WORDS), compared as `reserved_name`."""
    return _imitates(name, TRUSTED_MARK_WORDS)


def replyable(article, value):
    """The comment a reply to `value` (the form's raw `parent`) joins, or None.

    `value` must be the id of a published comment on `article`; a reply to a reply
    joins that reply's thread. Returns `(thread, answered)`: the top-level comment and
    the comment answered (the same one for a reply to a top-level comment); None for
    anything else (letters, a sign, a huge number, another article's comment, a
    comment held, rejected or removed, or a thread whose first comment is no longer
    published). One query.
    """
    if not isinstance(value, str) or not PARENT_ID_RE.fullmatch(value):
        return None
    answered = (
        Comment.objects.approved()
        .on_article(article)
        .select_related("parent")
        .filter(pk=int(value))
        .first()
    )
    if answered is None:
        return None
    thread = answered.parent or answered
    if thread.status != Comment.Status.APPROVED or thread.article_id != article.pk:
        return None
    return thread, answered


class CommentForm(forms.Form):
    """What a reader sends under an article: name, comment, the honeypot and the form stamp.

    `article` (keyword) is the article commented on: the stamp is signed for it. The
    name's limit is the model field's; the comment's is COMMENTS_BODY_MAX_LENGTH, read
    when the form is made (a setting changed in a test applies to the next form).
    A bound form keeps the stamp it was sent with in `stamp`, and shows a fresh one.
    """

    name = PolicyCharField(
        label=_("Name"),
        max_length=Comment._meta.get_field("name").max_length,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    # Made for each form in __init__: its limit is a setting, read then.
    comment = PolicyCharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 5}))
    # The honeypot: hidden from people (off screen, out of the tab order, aria-hidden),
    # filled in by robots that fill in every field.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )
    rendered_at = forms.CharField(required=False, widget=forms.HiddenInput)
    # The comment answered, for a reply: checked in clean() (replyable), never trusted.
    # A plain Field, without a CharField's validators: a NUL, letters or a huge number
    # reach clean() and are refused there with the form's one message (a hidden field's
    # own error would show nowhere).
    parent = forms.Field(required=False, widget=forms.HiddenInput)
    # Trusted commenters (comments.trust): unticked unless the reader ticks it.
    remember = forms.BooleanField(
        label=_("Remember me"),
        required=False,
        help_text=_(
            "On this browser only. A moderator reads your first comment; once it is "
            "approved, your next comments from this browser appear at once, marked "
            "« Regular reader ». A cookie keeps a random key, nothing else."
        ),
    )

    def __init__(self, *args, article, **kwargs):
        super().__init__(*args, **kwargs)
        self.article = article
        self.fields["comment"] = PolicyCharField(
            label=_("Comment"),
            max_length=settings.COMMENTS_BODY_MAX_LENGTH,
            widget=forms.Textarea(attrs={"rows": 5}),
        )
        # A fresh stamp on every rendering, a rejected form included.
        self.initial["rendered_at"] = sign_render_time(article.pk)
        if self.is_bound:
            self.data = self.data.copy()
            self.stamp = self.data.get("rendered_at", "")
            self.data["rendered_at"] = self.initial["rendered_at"]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        # The form's own errors are written once, by comments/section.html.
        self.helper.template = "comments/form_fields.html"
        self.helper.layout = Layout(
            Field("parent"),
            Field("name"),
            Field("comment"),
            Field("remember"),
            Div("website", css_class="comment-hp", aria_hidden="true"),
        )
        # rendered_at (signed for this article) is written by the template outside the
        # form's body, which is then the same for every article (a cached fragment).

    def clean_name(self):
        # Django strips both ends (a blank name is "required"); collapse the inside too.
        name = " ".join(BIDI_CONTROLS_RE.sub("", self.cleaned_data["name"]).split())
        if reserved_name(name):
            raise forms.ValidationError(RESERVED_NAME, code="reserved")
        if imitates_trusted_mark(name):
            raise forms.ValidationError(TRUSTED_MARK_NAME, code="reserved")
        return name

    def clean(self):
        """Resolve `parent` to (thread, answered) in `cleaned_data["thread"]`/`["answered"]`
        (both None for a comment that opens a thread); a reply to anything but a
        published comment of this article is refused with NOT_REPLYABLE, and the form
        shown again without the parent (its text kept)."""
        cleaned = super().clean()
        raw = self.data.get("parent", "")
        cleaned["thread"] = cleaned["answered"] = None
        if raw:
            found = replyable(self.article, raw)
            if found is None:
                self.add_error(None, forms.ValidationError(NOT_REPLYABLE, code="not_replyable"))
                self.data["parent"] = ""
            else:
                cleaned["thread"], cleaned["answered"] = found
                self.answered = found[1]
        return cleaned

    @property
    def replying_to(self):
        """The comment this form answers (for the page that shows it again), or None."""
        return getattr(self, "answered", None)

    def refuse(self, message):
        """Mark the form refused with one message for the reader (comments.outcomes)."""
        self.add_error(None, forms.ValidationError(message, code="refused"))
