"""Ad slots in the admin."""

from django.contrib import admin
from django.utils.translation import gettext_lazy

from articles.admin.common import NewsroomAdminMixin
from articles.admin.images import PhotoPickerMixin
from articles.models import (
    AdSlot,
)


@admin.register(AdSlot)
class AdSlotAdmin(PhotoPickerMixin, NewsroomAdminMixin, admin.ModelAdmin):
    """Editors place ads (an image or a text, and a link) on the home page, in articles
    or in the sidebar, between two dates; pages always label them « Publicité »."""

    titles = {
        "add": gettext_lazy("Add an ad slot"),
        "change": gettext_lazy("Change the ad slot"),
        "view": gettext_lazy("View the ad slot"),
    }
    list_display = ["name", "placement", "advertiser", "starts_at", "ends_at", "is_active"]
    list_filter = ["placement", "is_active"]
    search_fields = ["name", "advertiser"]
    autocomplete_fields = ["image"]
