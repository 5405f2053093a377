"""Sections and their old addresses in the admin."""

from django.contrib import admin

from articles.admin.common import OldAddressAdmin, SlugNoticeMixin
from articles.models import (
    Section,
    SectionRedirect,
)


@admin.register(Section)
class SectionAdmin(SlugNoticeMixin, admin.ModelAdmin):
    list_display = ["__str__", "slug", "position"]
    list_editable = ["position"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name", "path"]
    ordering = ["path"]


@admin.register(SectionRedirect)
class SectionRedirectAdmin(OldAddressAdmin):
    list_display = ["old_path", "section", "created_at"]
    list_select_related = ["section"]
    search_fields = ["old_path", "section__name"]
