"""The media library in the admin: photos with their alt text, caption and credit."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.urls import path

from articles.models import (
    Image,
)
from articles.newsroom import publishing
from articles.newsroom.forms import ImageAdminForm


@admin.register(Image)
class ImageAdmin(admin.ModelAdmin):
    form = ImageAdminForm
    list_display = ["__str__", "credit", "width", "height", "uploaded_by", "created_at"]
    list_select_related = ["uploaded_by"]
    search_fields = ["alt_text", "caption", "credit"]
    readonly_fields = ["width", "height", "uploaded_by"]

    def get_urls(self):
        pick = self.admin_site.admin_view(self.pick_view)
        return [
            path("pick/", pick, name="articles_image_pick"),
            *super().get_urls(),
        ]

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
        ids = [int(i) for i in request.GET.get("ids", "").split(",") if i.isdigit()]
        if ids:
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
