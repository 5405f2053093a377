"""The media library in the admin: photos with thumbnails, usage counts, search by alt
text, caption and credit, a focal point set by clicking on the photo, and the photo
picker other forms use (a thumbnail beside each result)."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied
from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import JsonResponse
from django.urls import path
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy, ngettext
from django.utils.translation import gettext_lazy as _

from articles.admin.common import KnownKeysMixin, NewsroomAdminMixin
from articles.models import (
    Article,
    Image,
)
from articles.newsroom import publishing
from articles.newsroom.forms import ImageAdminForm

# Shown instead of a large upload's thumbnail and photo until its renditions are made
# (articles.media.tasks).
RENDITIONS_PENDING = _("Renditions being prepared")

# Thumbnails fit a square this big (CSS pixels), drawn from the narrowest rendition.
THUMBNAIL_SIZE = 96
# The photo clicked to set the focal point: its widest rendition up to this width.
FOCAL_PICKER_WIDTH = 720


def thumbnail_rendition(image):
    """The narrowest rendition of `image` (a dict with url_jpeg, width, height), or None."""
    return image.rendition_set().smallest


def thumbnail_html(image, size=THUMBNAIL_SIZE):
    """An <img> of `image`'s narrowest rendition fitting a `size` × `size` CSS-pixel
    square, lazy, its alt text as alt; "" when the image has no renditions."""
    rendition = thumbnail_rendition(image)
    if rendition is None:
        return ""
    scale = size / max(rendition["width"], rendition["height"])
    return format_html(
        '<img src="{}" width="{}" height="{}" alt="{}" loading="lazy" class="photo-thumbnail">',
        rendition["url_jpeg"],
        max(1, round(rendition["width"] * scale)),
        max(1, round(rendition["height"] * scale)),
        image.alt_text,
    )


def with_usage_count(queryset):
    """`queryset` of Image annotated with `usage_count`: how many articles (any status)
    have it as their hero image, in the same SQL query (a correlated subquery)."""
    hero_uses = (
        Article.objects.filter(hero_image=OuterRef("pk"))
        .order_by()
        .values("hero_image")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return queryset.annotate(
        usage_count=Coalesce(Subquery(hero_uses, output_field=IntegerField()), Value(0))
    )


class PhotoSearchView(AutocompleteJsonView):
    """The admin's autocomplete answer (same parameters, permissions and search), each
    photo's result also carrying `thumbnail`: the URL of its narrowest JPEG rendition.
    Django documents serialize_result() as the place to add fields."""

    def serialize_result(self, obj, to_field_name):
        result = super().serialize_result(obj, to_field_name)
        rendition = thumbnail_rendition(obj) if isinstance(obj, Image) else None
        if rendition is not None:
            result["thumbnail"] = rendition["url_jpeg"]
        return result


class PhotoPicker(KnownKeysMixin, AutocompleteSelect):
    """The admin's autocomplete select for a photo (the hero image, an ad's image): the
    same select2 search, asking PhotoSearchView, whose results js/photo-picker.js draws
    with their thumbnail (select2's documented templateResult default)."""

    url_name = "%s:articles_image_picker"

    @property
    def media(self):
        # Listed after autocomplete.js, so that forms merge their media with this
        # file after select2 (which it configures) and before the page is ready.
        return super().media + forms.Media(
            js=["admin/js/autocomplete.js", "js/photo-picker.js"],
            css={"all": ["css/photo-admin.css"]},
        )

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        # The photo already chosen shows its thumbnail too (PhotoChoice's label has it).
        if getattr(label, "thumbnail", None):
            option["attrs"]["data-thumbnail"] = label.thumbnail
        return option


class PhotoLabel(str):
    """A photo's label in a picker (its alt text), carrying `thumbnail`: a URL or None."""

    thumbnail = None


class PhotoChoiceField(forms.ModelChoiceField):
    """The form field of a photo picker: labels carry the photo's thumbnail URL, so the
    chosen photo's thumbnail costs no query beyond the one that reads its label."""

    def label_from_instance(self, obj):
        label = PhotoLabel(super().label_from_instance(obj))
        rendition = thumbnail_rendition(obj)
        label.thumbnail = rendition["url_jpeg"] if rendition else None
        return label


class PhotoPickerMixin:
    """For model admins: foreign keys to Image listed in autocomplete_fields use the
    PhotoPicker (thumbnails in the results) instead of the plain autocomplete."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if (
            "widget" not in kwargs
            and db_field.remote_field.model is Image
            and db_field.name in self.get_autocomplete_fields(request)
        ):
            kwargs["widget"] = PhotoPicker(db_field, self.admin_site, using=kwargs.get("using"))
            kwargs["form_class"] = PhotoChoiceField
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Image)
class ImageAdmin(NewsroomAdminMixin, admin.ModelAdmin):
    """The media library: the desk uploads photos (checked and re-encoded on upload)
    with their alternative text, caption and credit, and sets where crops centre (the
    focal point). A journalist changes their own uploads until an article using one
    goes out; editors change and delete any."""

    titles = {
        "add": gettext_lazy("Add an image"),
        "change": gettext_lazy("Change the image"),
        "view": gettext_lazy("View the image"),
    }
    form = ImageAdminForm
    list_display = [
        "thumbnail",
        "__str__",
        "credit",
        "usage",
        "width",
        "height",
        "uploaded_by",
        "created_at",
    ]
    list_display_links = ["__str__"]
    list_select_related = ["uploaded_by"]
    search_fields = ["alt_text", "caption", "credit"]
    readonly_fields = ["focal_point_picker", "width", "height", "uploaded_by"]
    fieldsets = [
        (None, {"fields": ["file", "alt_text", "caption", "credit"]}),
        (
            _("Focal point"),
            {
                "fields": ["focal_point_picker", "focal_x", "focal_y"],
                "description": _(
                    "Click on the subject of the photo (a face, say): the hero, the home "
                    "page's lead (16:9) and the cards (3:2) are cut around it. Without "
                    "the photo, type the position: 0 is the left or top edge, 1 the right "
                    "or bottom edge."
                ),
            },
        ),
        (None, {"fields": ["width", "height", "uploaded_by"]}),
    ]

    class Media:
        js = ["js/photo-focal.js"]
        css = {"all": ["css/photo-admin.css"]}

    def get_queryset(self, request):
        # A journalist's library, pickers and photo dialog: their own uploads and public
        # photos, never another's photo under embargo (publishing.images_of).
        queryset = publishing.images_of(request.user, super().get_queryset(request))
        return with_usage_count(queryset)

    def get_urls(self):
        # The pickers' search (hero image, ad image) and the body editor's photo dialog.
        picker = self.admin_site.admin_view(PhotoSearchView.as_view(admin_site=self.admin_site))
        pick = self.admin_site.admin_view(self.pick_view)
        return [
            path("picker/", picker, name="articles_image_picker"),
            path("pick/", pick, name="articles_image_pick"),
            *super().get_urls(),
        ]

    @admin.display(description=_("Thumbnail"))
    def thumbnail(self, obj):
        if obj.renditions_pending:
            return RENDITIONS_PENDING
        return thumbnail_html(obj) or "—"

    @admin.display(description=_("Use"), ordering="usage_count")
    def usage(self, obj):
        count = obj.usage_count
        if not count:
            return _("Not used")
        return ngettext("Used in %(count)d article", "Used in %(count)d articles", count) % {
            "count": count
        }

    @admin.display(description=_("Focal point on the photo"))
    def focal_point_picker(self, obj):
        """The photo to click on (js/photo-focal.js moves the marker and fills the two
        fields), then the crops pages show now (as saved)."""
        if obj is not None and obj.renditions_pending:
            return format_html(
                "{} {}",
                RENDITIONS_PENDING,
                _("A large photo: they are being made. Reload this page in a moment."),
            )
        if obj is None or not obj.renditions:
            return _("Save the photo first; then click on it here to set its focal point.")
        fitting = [r for r in obj.renditions if r["width"] <= FOCAL_PICKER_WIDTH]
        shown = fitting[-1] if fitting else obj.renditions[0]
        crops = format_html_join(
            "",
            '<figure><img src="{}" width="{}" height="{}" alt="" loading="lazy">'
            "<figcaption>{}</figcaption></figure>",
            (
                (entries[0]["url_jpeg"], entries[0]["width"], entries[0]["height"], ratio)
                for ratio, entries in (obj.crops or {}).items()
                if entries
            ),
        )
        return format_html(
            '<div class="focal-picker" data-focal-picker>'
            '<img src="{}" width="{}" height="{}" alt="{}">'
            '<span class="focal-marker" hidden></span></div>'
            '<div class="focal-crops">{}</div>',
            shown["url_jpeg"],
            shown["width"],
            shown["height"],
            obj.alt_text,
            crops,
        )

    # How many photos the body editor's photo dialog lists at once.
    PICK_LIMIT = 24

    def pick_view(self, request):
        """The photos the body editor's dialog offers (static/js/editor-media.js), as JSON.

        `?q=` searches alt text, caption and credit (the list's own search); `?ids=1,2`
        gives those photos. Answers {"results": [{"id", "alt", "caption", "credit",
        "thumb"}]} (thumb: the narrowest JPEG rendition's URL, or ""), newest first, at
        most PICK_LIMIT. PermissionDenied (403) without the permission to view photos.
        """
        if not self.has_view_permission(request):
            raise PermissionDenied
        images = self.get_queryset(request).only(
            "alt_text", "caption", "credit", "renditions", "created_at"
        )
        # Ids as the body stores them (at most ten ASCII digits, articles.content.sanitize):
        # a larger number is no photo, and no database integer either; « ² » is no digit.
        ids = [
            int(i)
            for i in request.GET.get("ids", "").split(",")
            if i.isascii() and i.isdigit() and len(i) <= 10
        ]
        if request.GET.get("ids"):
            images = images.filter(pk__in=ids[: self.PICK_LIMIT])
        else:
            images, _duplicates = self.get_search_results(
                request, images, request.GET.get("q", "").strip()
            )
        results = [
            {
                "id": image.pk,
                "alt": image.alt_text,
                "caption": image.caption,
                "credit": image.credit,
                "thumb": image.renditions[0]["url_jpeg"] if image.renditions else "",
            }
            for image in images[: self.PICK_LIMIT]
        ]
        return JsonResponse({"results": results})

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        if not allowed or obj is None:
            return allowed
        return publishing.can_change_image(request.user, obj)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)
        # What pages will do to this file (an animation shown as a still, say).
        for note in getattr(form.cleaned_data.get("file"), "notes", ()):
            messages.warning(request, note)
