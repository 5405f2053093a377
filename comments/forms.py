from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Layout
from django import forms
from django.utils.translation import gettext_lazy as _

from newsportal.textinput import CharField as PolicyCharField

from .conf import settings
from .models import Comment
from .scoring import sign_render_time


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
            Field("name"),
            Field("comment"),
            Field("remember"),
            Div("website", css_class="comment-hp", aria_hidden="true"),
        )
        # rendered_at (signed for this article) is written by the template outside the
        # form's body, which is then the same for every article (a cached fragment).

    def clean_name(self):
        # Django strips both ends (a blank name is "required"); collapse the inside too.
        return " ".join(self.cleaned_data["name"].split())

    def refuse(self, message):
        """Mark the form refused with one message for the reader (comments.outcomes)."""
        self.add_error(None, forms.ValidationError(message, code="refused"))
