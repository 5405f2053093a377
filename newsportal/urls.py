from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.views.i18n import JavaScriptCatalog

from articles.discovery import sitemaps
from articles.media import embargo

from . import views

admin.site.site_header = format_lazy(_("{site} newsroom"), site=settings.SITE_NAME)
admin.site.site_title = settings.SITE_NAME
admin.site.index_title = _("Newsroom")

urlpatterns = [
    path("healthz", views.health, name="health"),
    path("i18n/", include("django.conf.urls.i18n")),
    # For crawlers: one address each, whatever the language (see articles.discovery.sitemaps).
    path("robots.txt", sitemaps.robots_txt, name="robots-txt"),
    path("sitemap.xml", sitemaps.index, name="sitemap"),
    path("sitemap-news.xml", sitemaps.news, name="sitemap-news"),
    path("sitemap-<slug:part>.xml", sitemaps.part, name="sitemap-part"),
]
urlpatterns += i18n_patterns(
    # The rich-text editor's own French (its dialogs), beside the admin's catalogue.
    path(
        "admin/jsi18n/editor/",
        admin.site.admin_view(
            JavaScriptCatalog.as_view(packages=["django_prose_editor"]), cacheable=True
        ),
        name="admin-editor-jsi18n",
    ),
    # Django's autocomplete, without its error on a reverse relation's name; named as
    # the admin's own, which the article admin's search tells by (`url_name`).
    path(
        "admin/autocomplete/",
        admin.site.admin_view(views.admin_autocomplete),
        name="autocomplete",
    ),
    # Django's « View on site » redirect, for what the user may see in the admin only.
    path(
        "admin/r/<int:content_type_id>/<path:object_id>/",
        admin.site.admin_view(views.admin_view_on_site),
        name="admin-view-on-site",
    ),
    path("admin/", admin.site.urls),
    path("", include("comments.urls")),
    path("", include("articles.urls")),
    prefix_default_language=False,
)
# Uploaded photos (images only, nosniff, sandboxed: docs/security.md), each one 404
# until an article readers see shows it (articles.media.embargo); a MEDIA_URL on
# another host (object storage, a CDN) is served there.
if settings.SERVE_MEDIA and settings.MEDIA_URL.startswith("/"):
    urlpatterns += [
        re_path(
            rf"^{settings.MEDIA_URL.strip('/')}/(?P<path>.+)$", embargo.media_file, name="media"
        )
    ]
if settings.BENCHMARK_FLOOR:
    # `make bench` only: the cost of Django itself, to compare pages with.
    urlpatterns += [path("bench/floor/", views.benchmark_floor, name="benchmark-floor")]

handler400 = "newsportal.views.bad_request"
handler403 = "newsportal.views.permission_denied"
handler404 = "newsportal.views.page_not_found"
handler500 = "newsportal.views.server_error"
