"""Sections and their old addresses in the admin."""

from django.contrib import admin
from django.utils.translation import gettext_lazy

from articles.admin.common import NewsroomAdminMixin, OldAddressAdmin, SlugNoticeMixin
from articles.models import (
    Section,
    SectionRedirect,
)


@admin.register(Section)
class SectionAdmin(NewsroomAdminMixin, SlugNoticeMixin, admin.ModelAdmin):
    """Editors arrange the sections: add, rename, move one in the tree (its subsections
    and old addresses follow), remove one no article uses, and order the menu
    (position, editable in the list). Journalists look the tree up. A row prints the
    section's stored full name (« News - Infos › Diplomatie »): no query per row."""

    titles = {
        "add": gettext_lazy("Add a section"),
        "change": gettext_lazy("Change the section"),
        "view": gettext_lazy("View the section"),
    }
    list_display = ["__str__", "slug", "position"]
    list_editable = ["position"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name", "path"]
    ordering = ["path"]


@admin.register(SectionRedirect)
class SectionRedirectAdmin(OldAddressAdmin):
    """A section's old paths, which redirect: listed, and deleted to free one."""

    titles = {
        "view": gettext_lazy("View the old section address"),
    }
    list_display = ["old_path", "section", "created_at"]
    list_select_related = ["section"]
    search_fields = ["old_path", "section__name"]
