"""Authors (bylines) and their old addresses in the admin."""

from django.contrib import admin
from django.utils.translation import gettext_lazy

from articles.admin.common import NewsroomAdminMixin, OldAddressAdmin, SlugNoticeMixin
from articles.models import (
    Author,
    AuthorSlugRedirect,
)


@admin.register(Author)
class AuthorAdmin(NewsroomAdminMixin, SlugNoticeMixin, admin.ModelAdmin):
    """Editors add, rename and remove bylines and link one to a staff account (a renamed
    author's old address redirects); journalists look them up to sign articles."""

    titles = {
        "add": gettext_lazy("Add an author"),
        "change": gettext_lazy("Change the author"),
        "view": gettext_lazy("View the author"),
    }
    list_display = ["name", "role", "user"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["user"]


@admin.register(AuthorSlugRedirect)
class AuthorSlugRedirectAdmin(OldAddressAdmin):
    """An author's old addresses, which redirect: listed, and deleted to free one."""

    titles = {
        "view": gettext_lazy("View the old author address"),
    }
    list_display = ["old_slug", "author", "created_at"]
    list_select_related = ["author"]
    search_fields = ["old_slug", "author__name"]
