"""Structured logs: one JSON object per line, each tied to the request that caused it.

- `RequestIdMiddleware`, first in MIDDLEWARE (before the page cache answers its hits),
  gives every request an id: the `X-Request-ID` the proxy in front sent, when there is
  one (TRUSTED_PROXY_COUNT > 0) and it is well formed, else a new uuid4 in hex. The id
  is returned as the `X-Request-ID` response header and kept in a context variable for
  the time of the request.
- `StaffUserMiddleware`, after AuthenticationMiddleware, adds the user's name to the
  context when a staff member is logged in (readers are never named in the logs).
- `RequestContextFilter`, on the log handler, copies both onto every record, and the
  client's IP only with LOG_CLIENT_IP=true (off by default: docs/privacy.md).
- `JsonFormatter` writes the records as JSON lines: time (ISO 8601, UTC), level, logger,
  message, request_id, user, exception; `LOG_FORMAT=text` keeps plain lines instead.

gunicorn's access log follows the same rules (newsportal/accesslog.py), and so does
django-axes through `axes_client_str`.
"""

import contextvars
import re
import uuid
from datetime import UTC, datetime

from django.conf import settings
from django.core.signals import request_finished
from django.dispatch import receiver
from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter as BaseJsonFormatter

from newsportal.clientip import client_ip

REQUEST_ID_HEADER = "X-Request-ID"
# What an id from the proxy may look like: nginx's $request_id (32 hex digits), a UUID,
# or another proxy's token of letters, digits and . _ : - (at most 128 characters).
WELL_FORMED_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")

# The request being answered by this thread or task: {"request_id", "user", "request"}.
_context = contextvars.ContextVar("newsportal_log_context", default=None)


def new_request_id():
    """A fresh request id: a uuid4 as 32 hexadecimal digits (the form of nginx's)."""
    return uuid.uuid4().hex


def incoming_request_id(request):
    """The `X-Request-ID` the request came with, when it may be kept: a proxy of ours
    wrote it (TRUSTED_PROXY_COUNT > 0: the proxy in front replaces whatever the client
    sent, as the nginx recipe does) and it matches WELL_FORMED_ID. Otherwise None."""
    if settings.TRUSTED_PROXY_COUNT <= 0:
        return None
    value = request.META.get("HTTP_X_REQUEST_ID", "")
    return value if WELL_FORMED_ID.fullmatch(value) else None


def current_request_id():
    """The id of the request this code runs for (a str), or None outside a request."""
    context = _context.get()
    return context["request_id"] if context else None


class RequestIdMiddleware:
    """Gives each request its id (`request.request_id`), for its log lines and its
    `X-Request-ID` response header; first in MIDDLEWARE, so that every answer has it,
    page-cache hits and redirects included."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = incoming_request_id(request) or new_request_id()
        request.request_id = request_id
        # Kept until the response is closed (`request_finished`), not only while the
        # middleware runs: Django logs a 4xx or 5xx answer after the whole chain.
        _context.set({"request_id": request_id, "user": None, "request": request})
        response = self.get_response(request)
        response[REQUEST_ID_HEADER] = request_id
        return response


@receiver(request_finished, dispatch_uid="newsportal.logs.forget_request")
def forget_request(**kwargs):
    """The response is sent: the thread's next log lines belong to no request."""
    _context.set(None)


class StaffUserMiddleware:
    """Names the logged-in staff member in the request's log lines (after
    AuthenticationMiddleware). A request without a session cookie is anonymous: its user
    is not even loaded."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        context = _context.get()
        if context is not None and settings.SESSION_COOKIE_NAME in request.COOKIES:
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated and user.is_staff:
                context["user"] = user.get_username()
        return self.get_response(request)


class RequestContextFilter:
    """A logging filter that adds `request_id`, `user` (staff only) and, with
    LOG_CLIENT_IP, `client_ip` to every record (None outside a request). Never drops one."""

    def filter(self, record):
        context = _context.get() or {}
        record.request_id = context.get("request_id")
        record.user = context.get("user")
        request = context.get("request")
        record.client_ip = (
            client_ip(request) if request is not None and settings.LOG_CLIENT_IP else None
        )
        return True


class JsonFormatter(BaseJsonFormatter):
    """One JSON object per line: `time` (ISO 8601, UTC), `level`, `logger`, `message`,
    then `request_id`, `user` and `client_ip` when known, `exception` (the traceback)
    when there is one, and any other `extra` the caller gave (`status_code`...)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("rename_fields", {"levelname": "level", "name": "logger"})
        # Django's request object and runserver's time are not log fields.
        kwargs.setdefault("reserved_attrs", [*RESERVED_ATTRS, "request", "server_time"])
        super().__init__("%(levelname)s %(name)s %(message)s", *args, **kwargs)

    def add_fields(self, log_data, record, message_dict):
        log_data["time"] = datetime.fromtimestamp(record.created, tz=UTC).isoformat(
            timespec="milliseconds"
        )
        super().add_fields(log_data, record, message_dict)
        for name in ("request_id", "user", "client_ip"):
            if log_data.get(name) is None:
                log_data.pop(name, None)
        if "exc_info" in log_data:
            log_data["exception"] = log_data.pop("exc_info")


def text_format():
    """The plain-text line of LOG_FORMAT=text (development): time, level, logger, the
    request id (`-` outside a request) and the message."""
    return "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"


def logging_config(log_format, level, client_ip=False):
    """The LOGGING setting: `log_format` "json" or "text", `level` the root's level name,
    `client_ip` LOG_CLIENT_IP (django-axes may then log at DEBUG too).

    Every record goes through one console handler (stderr) and its RequestContextFilter.
    Raises ValueError for another format.
    """
    if log_format not in {"json", "text"}:
        raise ValueError(f"LOG_FORMAT must be json or text, not {log_format!r}")
    formatters = {
        "json": {"()": "newsportal.logs.JsonFormatter"},
        "text": {"format": text_format(), "defaults": {"request_id": "-"}},
    }
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_context": {"()": "newsportal.logs.RequestContextFilter"}},
        "formatters": {log_format: formatters[log_format]},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": log_format,
                "filters": ["request_context"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # django-axes writes the client's address at DEBUG whatever AXES_VERBOSE
            # says; its other lines go through axes_client_str below.
            "axes": {"level": "INFO" if level == "DEBUG" and not client_ip else level},
        },
    }


def axes_client_str(username, ip_address, user_agent, path_info, request):
    """django-axes' AXES_CLIENT_STR_CALLABLE: how its log lines name a client. The user
    name tried and the path; the IP address only with LOG_CLIENT_IP."""
    parts = {"username": username, "path_info": path_info}
    if settings.LOG_CLIENT_IP:
        parts["ip_address"] = ip_address
    return "{" + ", ".join(f'{key}: "{value}"' for key, value in parts.items()) + "}"
