"""The media library in the admin: photos with their alt text, caption and credit."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy

from articles.admin.common import NewsroomAdminMixin
from articles.models import (
    Image,
)
from articles.newsroom import publishing
from articles.newsroom.forms import ImageAdminForm


@admin.register(Image)
class ImageAdmin(NewsroomAdminMixin, admin.ModelAdmin):
    """The media library: the desk uploads photos (checked and re-encoded on upload)
    with their alternative text, caption and credit. A journalist changes their own
    uploads until an article using one goes out; editors change and delete any."""

    titles = {
        "add": gettext_lazy("Add an image"),
        "change": gettext_lazy("Change the image"),
        "view": gettext_lazy("View the image"),
    }
    form = ImageAdminForm
    list_display = ["__str__", "credit", "width", "height", "uploaded_by", "created_at"]
    list_select_related = ["uploaded_by"]
    search_fields = ["alt_text", "caption", "credit"]
    readonly_fields = ["width", "height", "uploaded_by"]

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
