"""A database outage answers 503 with Retry-After, never a 500 with a stack trace.

PostgreSQL restarting, or its connections killed, reaches a view as OperationalError
or InterfaceError. The page says so and asks the reader to come back; it is rendered
from a static template with no context processor, so it needs no database itself.
With CONN_HEALTH_CHECKS on, the next request after the database is back opens a new
connection and succeeds.

The media storage can fail too (an S3 store that does not answer): `storage_unavailable`
tells such an error from a missing file, for the media view's 503 and the upload form.
"""

import logging

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from django.utils.cache import add_never_cache_headers

logger = logging.getLogger(__name__)

OUTAGE_ERRORS = (OperationalError, InterfaceError)


def service_unavailable():
    """The styled 503 page, rendered without touching the database."""
    response = HttpResponse(loader.get_template("503.html").render(), status=503)
    response["Retry-After"] = str(settings.OUTAGE_RETRY_AFTER)
    add_never_cache_headers(response)
    return response


class DatabaseOutageMiddleware:
    """Turn a view's database connection error into the 503 page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, OUTAGE_ERRORS):
            logger.warning("Database unavailable on %s: %s", request.path, exception)
            return service_unavailable()
        return None


def storage_unavailable(error):
    """Whether `error`, raised by the media storage, means the store does not answer
    now: botocore's connection errors and timeouts, an S3 store's 5xx, a disk that
    fails to read or write (OSError other than a missing file). A 403 or 404 is not."""
    from botocore.exceptions import BotoCoreError, ClientError

    if isinstance(error, ClientError):
        return error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) >= 500
    if isinstance(error, (FileNotFoundError, IsADirectoryError)):
        return False
    return isinstance(error, (BotoCoreError, OSError))
