from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from . import views

urlpatterns = [
    path("healthz", views.health, name="health"),
    path("i18n/", include("django.conf.urls.i18n")),
]
urlpatterns += i18n_patterns(
    path("admin/", admin.site.urls),
    path("", include("comments.urls")),
    path("", include("articles.urls")),
    prefix_default_language=False,
)
if settings.BENCHMARK_FLOOR:
    # `make bench` only: the cost of Django itself, to compare pages with.
    urlpatterns += [path("bench/floor/", views.benchmark_floor, name="benchmark-floor")]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler404 = "newsportal.views.page_not_found"
handler500 = "newsportal.views.server_error"
