from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import AdSlot, Article, ArticleSlugRedirect, Author, Category, Image


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["__str__", "slug", "position"]
    list_editable = ["position"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name", "path"]
    ordering = ["path"]


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ["name", "role", "user"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["user"]


@admin.register(Image)
class ImageAdmin(admin.ModelAdmin):
    list_display = ["__str__", "credit", "width", "height", "created_at"]
    search_fields = ["alt_text", "caption", "credit"]


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "status", "category", "published_at", "is_breaking"]
    list_filter = ["status", "is_breaking", "category"]
    list_select_related = ["category"]
    search_fields = ["title", "standfirst"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["category", "authors", "hero_image", "related_articles"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "standfirst", "body"]}),
        (_("Placement"), {"fields": ["category", "tags", "authors", "hero_image"]}),
        (
            _("Publication"),
            {
                "fields": [
                    "status",
                    "published_at",
                    "updated_at",
                    "is_breaking",
                    "comments_open",
                    "comments_premoderated",
                ]
            },
        ),
        (_("Related articles"), {"fields": ["related_articles"]}),
    ]


@admin.register(ArticleSlugRedirect)
class ArticleSlugRedirectAdmin(admin.ModelAdmin):
    list_display = ["old_slug", "article", "created_at"]
    search_fields = ["old_slug", "article__title"]
    list_select_related = ["article"]
    autocomplete_fields = ["article"]


@admin.register(AdSlot)
class AdSlotAdmin(admin.ModelAdmin):
    list_display = ["name", "placement", "advertiser", "starts_at", "ends_at", "is_active"]
    list_filter = ["placement", "is_active"]
    search_fields = ["name", "advertiser"]
    autocomplete_fields = ["image"]
