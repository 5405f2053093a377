"""gunicorn's access log under the portal's log rules (gunicorn.conf.py `logger_class`).

With LOG_FORMAT=json (the default without DEBUG) each request is one JSON line:
`time` (ISO 8601, UTC), `logger` ("gunicorn.access"), `request_id` (the response's
`X-Request-ID`, newsportal.logs), `method`, `path` (with its query string), `status`,
`bytes`, `duration_ms`, `referer`. The client's address and user agent (`client_ip`,
`user_agent`) are added only with LOG_CLIENT_IP=true. With LOG_FORMAT=text gunicorn's
own `access_log_format` applies (gunicorn.conf.py leaves `%(h)s` out the same way).

gunicorn's own lines (its error log: start, workers, a malformed request) follow the
same rules: JSON lines with LOG_FORMAT=json (newsportal.logs.JsonFormatter, logger
"gunicorn.error"), and the client's address, which gunicorn writes in its « Invalid
request from ip=… » line, only with LOG_CLIENT_IP=true.
"""

import json
import logging
import traceback
from datetime import UTC, datetime

from gunicorn.glogging import Logger


def log_options():
    """(log format, whether to log the client's IP): Django's settings when loaded
    (workers), else the environment (LOG_FORMAT, LOG_CLIENT_IP, DEBUG)."""
    from django.conf import settings

    if settings.configured:
        return settings.LOG_FORMAT, settings.LOG_CLIENT_IP
    import os

    debug = os.environ.get("DEBUG", "").lower() in {"1", "true", "yes", "on"}
    log_format = os.environ.get("LOG_FORMAT") or ("text" if debug else "json")
    client_ip = os.environ.get("LOG_CLIENT_IP", "").lower() in {"1", "true", "yes", "on"}
    return log_format, client_ip


def access_record(atoms, client_ip):
    """The JSON line's fields (a dict) from gunicorn's atoms of one request."""
    record = {
        "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
        "level": "INFO",
        "logger": "gunicorn.access",
        "request_id": atoms.get("{x-request-id}o"),
        "method": atoms.get("m"),
        "path": atoms.get("{raw_uri}e") or atoms.get("U"),
        "status": int(atoms["s"]) if str(atoms.get("s", "")).isdigit() else atoms.get("s"),
        "bytes": atoms.get("B"),
        "duration_ms": atoms.get("M"),
        "referer": atoms.get("f") if atoms.get("f") != "-" else None,
    }
    if client_ip:
        record["client_ip"] = atoms.get("h")
        record["user_agent"] = atoms.get("a")
    return {key: value for key, value in record.items() if value is not None}


# gunicorn.workers.base.Worker.handle_error's line for a request it could not parse.
INVALID_REQUEST = "Invalid request from ip="


class ClientAddressFilter(logging.Filter):
    """Drops the client's address from gunicorn's « Invalid request from ip=ADDRESS:
    error » line (the error is kept). Never drops a record. An address holds no ": "
    (IPv6 has colons, never followed by a space), so the first ": " ends it."""

    def filter(self, record):
        message = record.getMessage()
        if message.startswith(INVALID_REQUEST) and ": " in message:
            record.msg = "Invalid request: " + message.split(": ", 1)[1]
            record.args = ()
        return True


class JsonAccessLogger(Logger):
    """gunicorn's logger with the access line as JSON, and its error log under the same
    rules (see the module's docstring)."""

    def setup(self, cfg):
        super().setup(cfg)
        log_format, client_ip = log_options()
        for old in [f for f in self.error_log.filters if isinstance(f, ClientAddressFilter)]:
            self.error_log.removeFilter(old)
        if not client_ip:
            self.error_log.addFilter(ClientAddressFilter())
        if log_format == "json":
            from newsportal.logs import JsonFormatter

            for handler in self.error_log.handlers:
                handler.setFormatter(JsonFormatter())

    def access(self, resp, req, environ, request_time):
        if not self.access_log_enabled:
            return
        log_format, client_ip = log_options()
        if log_format != "json":
            super().access(resp, req, environ, request_time)
            return
        try:
            atoms = self.atoms(resp, req, environ, request_time)
            self.access_log.info(json.dumps(access_record(atoms, client_ip)))
        except Exception:
            self.error(traceback.format_exc())
