"""What every newsroom admin shares: slug notices, read-only old addresses."""

from django.contrib import admin, messages


class SlugNoticeMixin:
    """Tell the editor when the slug they chose still leads to another object (an old
    address that redirects) and was given a suffix instead (articles.content.slugs)."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if notice := getattr(obj, "slug_notice", None):
            messages.warning(request, notice.message())


class OldAddressAdmin(admin.ModelAdmin):
    """Old addresses are kept by renames; deleting one lets another object take it."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
