"""gunicorn settings for newsportal (docs/performance.md): `gunicorn -c gunicorn.conf.py`.

Every value can be changed from the environment, so one file serves a small VPS, a
container and `make bench`.
"""

import multiprocessing
import os

wsgi_app = "newsportal.wsgi:application"

# Where to listen: GUNICORN_BIND, or PORT (platforms that set it), or localhost:8000.
bind = os.environ.get("GUNICORN_BIND") or f"127.0.0.1:{os.environ.get('PORT', '8000')}"

# Workers from the CPU count: 2 per core + 1 (the usual figure for I/O-bound pages; the
# page cache makes most answers a cache read). WEB_CONCURRENCY overrides it.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
# gthread keeps connections alive (a proxy's or a benchmark's); one thread per worker
# unless GUNICORN_THREADS says otherwise.
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))

# A page takes milliseconds; a worker stuck for 30 s is restarted.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))

# Recycling workers is off by default (memory stays flat: docs/benchmarks.md); set
# GUNICORN_MAX_REQUESTS to bound a leak in a dependency if one ever shows up.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "0"))
max_requests_jitter = max_requests // 10

# Load the application once in the master: workers start faster and share its memory.
preload_app = True

# Access log on stdout, under the portal's log rules (newsportal/accesslog.py): one JSON
# line per request with its request id (LOG_FORMAT=json, the default without DEBUG), or
# the text line below (LOG_FORMAT=text). The client's address and user agent only with
# LOG_CLIENT_IP=true (docs/privacy.md).
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
logger_class = "newsportal.accesslog.JsonAccessLogger"
if os.environ.get("LOG_CLIENT_IP", "").lower() in {"1", "true", "yes", "on"}:
    access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms %({x-request-id}o)s "%(a)s"'
else:
    access_log_format = '"%(r)s" %(s)s %(b)s %(M)sms %({x-request-id}o)s'
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")

# Behind a proxy on the same machine: trust its X-Forwarded-* headers.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def when_ready(server):
    """A (re)started server may run new code or settings: start a new page generation."""
    try:
        from newsportal.pagecache import start_generation

        start_generation()
    except Exception as error:  # the cache may be down; pages are then rendered anyway
        server.log.warning("Could not start a new page-cache generation: %r", error)
