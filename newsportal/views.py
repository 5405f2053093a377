"""Site-wide views: health check, error pages and uploaded photos."""

import logging
import mimetypes
import posixpath
import sys
from pathlib import PurePosixPath

from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import default_storage
from django.db import connection
from django.http import (
    FileResponse,
    Http404,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseNotModified,
    HttpResponseServerError,
    JsonResponse,
)
from django.shortcuts import render
from django.template import loader
from django.utils.http import http_date
from django.views.decorators.cache import never_cache
from django.views.defaults import page_not_found as django_page_not_found
from django.views.static import was_modified_since

from .outage import OUTAGE_ERRORS, service_unavailable, storage_unavailable

logger = logging.getLogger(__name__)

# What an upload can be once articles.media.images has re-encoded it.
MEDIA_EXTENSIONS = {".jpg", ".jpeg", ".png", ".webp", ".gif"}
# A photo opened on its own runs nothing and loads nothing, whatever is inside it.
MEDIA_CSP = "default-src 'none'; img-src 'self'; sandbox"


@never_cache
def health(request):
    """Answer 200 when the database answers, 503 otherwise (for load balancers). The
    answer says nothing more; the reason of a 503 goes to the log (a warning)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as error:
        logger.warning("Health check failed: the database does not answer: %s", error)
        return JsonResponse({"status": "unavailable"}, status=503)
    return JsonResponse({"status": "ok"})


def page_not_found(request, exception, template_name="404.html"):
    return django_page_not_found(request, exception, template_name=template_name)


def bad_request(request, exception, template_name="400.html"):
    # Static, like the 500 page: a bad request (a forged Host header) may come before
    # anything that a request context needs is known.
    return HttpResponseBadRequest(loader.get_template(template_name).render())


def permission_denied(request, exception, template_name="403.html"):
    return render(request, template_name, status=403)


def method_not_allowed(request, allowed, template_name="405.html"):
    """The site's 405 page for `request`: `allowed` is the Allow header's value (a str
    such as "GET, HEAD"), kept on the answer (RFC 9110, 15.5.6)."""
    response = render(request, template_name, status=405)
    response["Allow"] = allowed
    return response


class MethodNotAllowedPageMiddleware:
    """Gives an empty 405 (Django's `HttpResponseNotAllowed`, from `require_POST`, a
    class-based view's `http_method_not_allowed`) the site's page, with the same Allow
    header: a reader who reaches a form's address by a link sees where they are and
    how to go on, not a blank page. An answer with a body of its own is left alone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code == 405
            and not getattr(response, "streaming", False)
            and not response.content
        ):
            return method_not_allowed(request, response.get("Allow", ""))
        return response


def csrf_failure(request, reason="", template_name="403_csrf.html"):
    """CSRF_FAILURE_VIEW: say why the form was refused and what to do, never the details."""
    return render(request, template_name, status=403)


def server_error(request, template_name="500.html"):
    # Errors raised outside a view (a middleware reading the session, say) reach here
    # without passing DatabaseOutageMiddleware: a lost database is still a 503.
    if isinstance(sys.exception(), OUTAGE_ERRORS):
        return service_unavailable()
    # Rendered without a request context: the page must not need the database that
    # may be the reason for the error.
    template = loader.get_template(template_name)
    return HttpResponseServerError(template.render())


def _missing(error):
    """Whether `error`, raised by a storage reading a name, means "no such file": the
    disk's FileNotFoundError or IsADirectoryError, a name that leaves the storage
    (SuspiciousFileOperation), or an S3 store's 404 (botocore's ClientError)."""
    if isinstance(error, (FileNotFoundError, IsADirectoryError, SuspiciousFileOperation)):
        return True
    answer = getattr(error, "response", None) or {}
    return answer.get("ResponseMetadata", {}).get("HTTPStatusCode") == 404


def media_file(request, path):
    """Serve an uploaded photo from the media storage (`default_storage`: the disk
    under MEDIA_ROOT or a private S3 bucket): images only, never outside the storage,
    never executed.

    The bytes are streamed from the storage, whichever it is, with `Last-Modified`
    (a matching `If-Modified-Since` answers 304); a name the storage does not hold,
    or one that leaves it (`../`, absolute), answers 404. The SecurityMiddleware adds
    `X-Content-Type-Options: nosniff`, and the CSP here sandboxes the file if a browser
    is ever made to open it as a page. A store that does not answer (or a disk that
    fails) gives the styled 503 with `Retry-After`; other errors are raised.
    """
    if PurePosixPath(path).suffix.lower() not in MEDIA_EXTENSIONS:
        raise Http404
    path = posixpath.normpath(path).lstrip("/")
    handle = None
    try:
        modified = default_storage.get_modified_time(path).timestamp()
        if not was_modified_since(request.META.get("HTTP_IF_MODIFIED_SINCE"), modified):
            response = HttpResponseNotModified()
        else:
            handle = default_storage.open(path, "rb")
            content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
            response = FileResponse(handle, content_type=content_type)
    except Exception as error:
        if handle is not None:
            handle.close()
        if _missing(error):
            raise Http404 from None
        if not storage_unavailable(error):
            raise
        # The store does not answer: a 503 that says when to come back, which the
        # nginx recipe answers with its copy of a public photo meanwhile.
        logger.warning("media storage unavailable for %s: %r", path, error)
        return service_unavailable()
    response["Last-Modified"] = http_date(modified)
    response["Content-Security-Policy"] = MEDIA_CSP
    response["X-Content-Type-Options"] = "nosniff"
    return response


FLOOR_LINE = "<p>" + "Lorem ipsum dolor sit amet, consectetur adipiscing elit. " * 8 + "</p>\n"
FLOOR_BODY = (FLOOR_LINE * 70)[: 30 * 1024]


def benchmark_floor(request):
    """A fixed 30 KB answer through the whole middleware stack (BENCHMARK_FLOOR only)."""
    return HttpResponse(FLOOR_BODY)


def admin_autocomplete(request):
    """The admin's autocomplete (`/admin/autocomplete/`), Django's, except that a
    `field_name` naming a reverse relation (« articles » of a section) is refused with
    403, as an unknown field is: Django's own view fails with a 500 on one (it reads
    `limit_choices_to` from the field). Wrapped by `admin.site.admin_view` in the URLs."""
    from django.apps import apps
    from django.contrib import admin
    from django.core.exceptions import FieldDoesNotExist, PermissionDenied
    from django.db.models import ForeignObjectRel

    try:
        model = apps.get_model(request.GET.get("app_label", ""), request.GET.get("model_name", ""))
        field = model._meta.get_field(request.GET.get("field_name", ""))
    except (LookupError, ValueError, FieldDoesNotExist):
        field = None  # Django's view answers these itself
    if isinstance(field, ForeignObjectRel):
        raise PermissionDenied
    return admin.site.autocomplete_view(request)


def admin_view_on_site(request, content_type_id, object_id):
    """The admin's « View on site » redirect (`/admin/r/<type>/<id>/`), Django's, for an
    object the user may see in the admin only: its model's admin must list it for them
    (`get_object`, which applies `get_queryset`) and let them view it. Anything else
    answers 404 as a missing object, so that a journalist or a moderator walking the ids
    does not learn the address, which names it, of another's draft or of an embargoed
    article or tag. Wrapped by `admin.site.admin_view` in the URLs."""
    from django.contrib import admin
    from django.contrib.contenttypes.models import ContentType
    from django.contrib.contenttypes.views import shortcut

    content_type = ContentType.objects.filter(pk=content_type_id).first()
    model = content_type.model_class() if content_type else None
    model_admin = admin.site._registry.get(model)
    if model_admin is None:
        raise Http404
    try:
        obj = model_admin.get_object(request, object_id)
    except (ValueError, TypeError):
        obj = None
    if obj is None or not model_admin.has_view_or_change_permission(request, obj):
        raise Http404
    return shortcut(request, content_type_id, object_id)
