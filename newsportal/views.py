"""Site-wide views: health check and error pages."""

from django.db import connection
from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.defaults import page_not_found as django_page_not_found


@never_cache
def health(request):
    """Answer 200 when the database answers, 503 otherwise (for load balancers)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        return JsonResponse({"status": "unavailable"}, status=503)
    return JsonResponse({"status": "ok"})


def page_not_found(request, exception, template_name="404.html"):
    return django_page_not_found(request, exception, template_name=template_name)


def server_error(request, template_name="500.html"):
    # Rendered without a request context: the page must not need the database that
    # may be the reason for the error.
    template = loader.get_template(template_name)
    return HttpResponseServerError(template.render())


FLOOR_LINE = "<p>" + "Lorem ipsum dolor sit amet, consectetur adipiscing elit. " * 8 + "</p>\n"
FLOOR_BODY = (FLOOR_LINE * 70)[: 30 * 1024]


def benchmark_floor(request):
    """A fixed 30 KB answer through the whole middleware stack (BENCHMARK_FLOOR only)."""
    return HttpResponse(FLOOR_BODY)
