"""Admin forms of the newsroom: the article form runs the pre-publish checks, the image
form validates and re-encodes uploads."""

import copy

from django import forms
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Count
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from reversion.models import Version
from taggit.forms import TagWidget
from taggit.models import Tag

from articles.content.tagging import article_tag_items
from articles.media.body import image_ids
from articles.media.images import validate_and_reencode
from articles.models import Article, Image
from articles.newsroom import drafting
from articles.newsroom.publishing import (
    REASON_REQUIRED,
    articles_using_image,
    images_of,
    looks_like_file_name,
    publication_problems,
)
from newsportal.outage import storage_unavailable
from newsportal.textinput import CharField as PolicyCharField


class SendBackForm(forms.Form):
    """Why articles in review go back to their journalist: the reason they will read."""

    reason = PolicyCharField(
        label=_("Reason for sending back"),
        widget=forms.Textarea(attrs={"rows": 5, "cols": 60}),
        help_text=_("What the journalist must change before submitting again."),
        error_messages={"required": REASON_REQUIRED},
    )


class TagSuggestWidget(TagWidget):
    """The comma-separated tags input, with the newsroom's most used tags suggested."""

    suggestions = 500
    # The articles whose tags are suggested (a queryset of Article); None: every tag.
    # The admin narrows it for journalists: never a tag only other people's drafts have.
    tag_articles = None

    class Media:
        js = ["js/tag-suggest.js"]

    def render(self, name, value, attrs=None, renderer=None):
        list_id = f"{(attrs or {}).get('id', name)}-suggestions"
        attrs = {**(attrs or {}), "list": list_id, "data-tag-suggest": "", "autocomplete": "off"}
        tags = Tag.objects.all()
        if self.tag_articles is not None:
            tags = tags.filter(
                pk__in=article_tag_items()
                .filter(object_id__in=self.tag_articles.values("pk"))
                .values("tag_id")
            )
        names = (
            tags.annotate(uses=Count("taggit_taggeditem_items"))
            .order_by("-uses", "name")
            .values_list("name", flat=True)[: self.suggestions]
        )
        options = format_html_join("", '<option value="{}">', ((n,) for n in names))
        return format_html(
            '{}<datalist id="{}">{}</datalist>',
            super().render(name, value, attrs, renderer),
            list_id,
            options,
        )


def latest_version_id(article):
    return (
        Version.objects.get_for_object(article).order_by("-pk").values_list("pk", flat=True).first()
    )


class ArticleAdminForm(forms.ModelForm):
    # The version the form was loaded from: saving over someone else's newer save is
    # refused instead of silently losing their work.
    loaded_version = forms.CharField(required=False, widget=forms.HiddenInput)
    # Asked for when an editor moves an article in review back to draft (the status
    # field): publishing.send_back requires it.
    send_back_reason = PolicyCharField(
        label=_("Reason for sending back"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_(
            "Required when you set an article in review back to draft: the journalist "
            "reads it on their article."
        ),
    )
    minor_change = forms.BooleanField(
        label=_("Minor change"),
        required=False,
        help_text=_(
            "A typo fix: readers are not told the article was updated. Leave unticked for "
            "a change of substance."
        ),
    )

    class Meta:
        model = Article
        # The admin narrows these down with its fieldsets and read-only fields.
        fields = [
            "title",
            "slug",
            "standfirst",
            "body",
            "section",
            "tags",
            "authors",
            "hero_image",
            "status",
            "published_at",
            "owner",
            "is_breaking",
            "comments_open",
            "comments_premoderated",
            "related_articles",
        ]
        widgets = {"tags": TagSuggestWidget}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["loaded_version"] = latest_version_id(self.instance) or ""

    # Who fills the form (the admin's get_form sets it): the body's photos are checked
    # against what they may see.
    user = None

    def clean_body(self):
        """The body's new photos are photos the user may pick (`publishing.images_of`):
        an id typed into the stored markup is no way to another journalist's
        embargoed photo. Photos the article already shows stay."""
        body = self.cleaned_data.get("body", "")
        if self.user is None:
            return body
        ids = image_ids(body) - image_ids(self.instance.body if self.instance.pk else "")
        if not ids:
            return body
        allowed = set(
            images_of(self.user, Image.objects.filter(pk__in=ids)).values_list("pk", flat=True)
        )
        refused = {i for i in ids - allowed if Image.objects.filter(pk=i).exists()}
        if refused:
            raise forms.ValidationError(
                _("The body shows a photo you may not use (number %(ids)s)."),
                code="photo_not_allowed",
                params={"ids": ", ".join(str(i) for i in sorted(refused))},
            )
        return body

    def clean_loaded_version(self):
        return self.cleaned_data.get("loaded_version", "")

    def check_conflict(self):
        """Refuse to save over a newer save of someone else, in a message at the top.

        Only a form that carried `loaded_version` is checked (the admin's always does).
        The message stands above the form, not on the hidden field, and the form keeps
        the posted text; `self.conflict` (articles.newsroom.drafting.conflict) lets the
        page show what the other save changed. Posting `_overwrite` with the newest
        version's id, after seeing it, saves anyway.
        """
        self.conflict = None
        if not self.instance.pk or "loaded_version" not in self.data:
            return
        found = drafting.conflict(self.instance, self.data.get("loaded_version"))
        if found is None or self.data.get("_overwrite") == str(found["version"].pk):
            return
        self.conflict = found
        who = found["user"]
        self.add_error(
            None,
            forms.ValidationError(
                _(
                    "%(user)s saved this article at %(time)s, after you opened it. Your "
                    "text is still in the form: see what they changed, then save yours "
                    "anyway or reload theirs."
                ),
                code="stale",
                params={
                    "user": drafting.display_name(who) if who else _("Someone"),
                    "time": timezone.localtime(found["saved_at"]).strftime("%H:%M"),
                },
            ),
        )

    def clean(self):
        cleaned_data = super().clean()
        self.check_conflict()
        status = cleaned_data.get("status", self.instance.status)
        if (
            self.instance.pk
            and self.instance.status == Article.Status.IN_REVIEW
            and status == Article.Status.DRAFT
            and not cleaned_data.get("send_back_reason", "").strip()
        ):
            self.add_error("send_back_reason", REASON_REQUIRED)
        if status == Article.Status.PUBLISHED:
            if "published_at" in self.fields and not cleaned_data.get("published_at"):
                # "Published" with no time means now (as in publishing.publish), set
                # here already: the model's constraints are checked before the save.
                cleaned_data["published_at"] = timezone.now()
            # Check the article as it would be saved, without touching the instance.
            probe = copy.copy(self.instance)
            for name in ("title", "standfirst", "body", "section", "hero_image"):
                if name in cleaned_data:
                    setattr(probe, name, cleaned_data[name])
            if "section" in self.errors:
                return cleaned_data
            problems = publication_problems(probe)
            if problems:
                raise forms.ValidationError(
                    [_("This article cannot be published yet:")] + problems,
                    code="blocked",
                )
        return cleaned_data


def _storage_answers():
    """Raise a ValidationError (in the reader's language) when the media storage does
    not answer (an S3 store down: newsportal.outage.storage_unavailable), so the form
    comes back with its other fields kept instead of failing when the file is saved."""
    try:
        default_storage.exists("images/")
    except Exception as error:
        if not storage_unavailable(error):
            raise
        raise forms.ValidationError(
            _(
                "The photo store does not answer at the moment: nothing was saved. "
                "Try again in a few minutes."
            ),
            code="storage_unavailable",
        ) from None


class ImageAdminForm(forms.ModelForm):
    class Meta:
        model = Image
        fields = ["file", "alt_text", "caption", "credit", "focal_x", "focal_y"]
        # A plain file field: Django's ImageField would answer every bad file with one
        # vague message (and let Pillow decode it first); articles.media.images says what is wrong.
        field_classes = {"file": forms.FileField}
        widgets = {
            "file": forms.ClearableFileInput(
                attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}
            ),
            # Also set by clicking on the photo (js/photo-focal.js).
            "focal_x": forms.NumberInput(attrs={"step": "0.01", "min": "0", "max": "1"}),
            "focal_y": forms.NumberInput(attrs={"step": "0.01", "min": "0", "max": "1"}),
        }
        help_texts = {
            "file": _(
                "JPEG, PNG, WebP or GIF. Pages show an animation as a still (its first "
                "frame) and a transparent background on white."
            ),
            "alt_text": _(
                "What the photo shows, for readers who cannot see it; not the file name. "
                "Required before an article using it is published."
            ),
            "credit": _(
                "Photographer or agency. Required before an article using it is published."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Left empty (or not sent), the focal point stays where it was: the centre.
        for name in ("focal_x", "focal_y"):
            if name in self.fields:
                self.fields[name].required = False

    def clean_focal_x(self):
        value = self.cleaned_data.get("focal_x")
        return self.instance.focal_x if value is None else value

    def clean_focal_y(self):
        value = self.cleaned_data.get("focal_y")
        return self.instance.focal_y if value is None else value

    def clean_alt_text(self):
        alt_text = self.cleaned_data.get("alt_text", "")
        if looks_like_file_name(alt_text):
            raise forms.ValidationError(
                _("This is a file name, not a description: say what the photo shows."),
                code="file_name",
            )
        return alt_text

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if isinstance(upload, UploadedFile):
            _storage_answers()
            return validate_and_reencode(upload)
        return upload

    def clean(self):
        """A photo that published articles show (live or scheduled, as hero image or in
        the body) keeps its alternative text and credit: the pre-publish checks of those
        articles must still hold (`publishing.publication_problems`)."""
        cleaned_data = super().clean()
        if not self.instance.pk:
            return cleaned_data
        emptied = [
            name
            for name in ("alt_text", "credit")
            if name in cleaned_data and not (cleaned_data[name] or "").strip()
        ]
        if not emptied:
            return cleaned_data
        count = (
            articles_using_image(self.instance.pk).filter(status=Article.Status.PUBLISHED).count()
        )
        if not count:
            return cleaned_data
        messages = {
            "alt_text": ngettext_lazy(
                "%(count)d published article (live or scheduled) shows this photo: it "
                "must keep its alternative text.",
                "%(count)d published articles (live or scheduled) show this photo: it "
                "must keep its alternative text.",
                "count",
            ),
            "credit": ngettext_lazy(
                "%(count)d published article (live or scheduled) shows this photo: it "
                "must keep its credit.",
                "%(count)d published articles (live or scheduled) show this photo: it "
                "must keep its credit.",
                "count",
            ),
        }
        for name in emptied:
            self.add_error(
                name,
                forms.ValidationError(messages[name], code="in_use", params={"count": count}),
            )
        return cleaned_data
