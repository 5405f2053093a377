"""Settings for newsportal: one module, configured from the environment.

Every value a deployment changes comes from an environment variable (or a `.env` file
next to `manage.py`); docs/configuration.md lists them. With DEBUG off there is no
insecure default: a missing SECRET_KEY or ALLOWED_HOSTS stops the start.
"""

import logging
import os
import sys
from pathlib import Path
from urllib.parse import urlsplit

import environ
from django.urls import reverse
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _
from django_prose_editor.config import html_tags
from js_asset import static_lazy

from newsportal.logs import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)


def _required_in_production(name, value):
    """Stop the start with one line when a production setting is missing."""
    if not DEBUG and not value:
        sys.exit(
            f"newsportal: {name} must be set when DEBUG is off "
            f"(export {name}=… or set DEBUG=true for local development; see README)."
        )
    return value


SECRET_KEY = _required_in_production("SECRET_KEY", env.str("SECRET_KEY", default=""))
if DEBUG and not SECRET_KEY:
    # A development-only key: DEBUG is on, so this process is never a production one.
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"  # noqa: S105


def development_site_url(host, port):
    """The address `make run HOST=… PORT=…` serves on, as a browser on this machine
    reaches it: a server listening on every interface (0.0.0.0, ::) is 127.0.0.1."""
    host = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}.get(host, host)  # noqa: S104
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{port}"


def _site_host(url):
    host = urlsplit(url).hostname or "127.0.0.1"
    return f"[{host}]" if ":" in host else host


SITE_NAME = env.str("SITE_NAME", default="Newsportal")
# The public address: canonical links, hreflang, JSON-LD, feeds, sitemaps, e-mails. In
# production, the configured one. In development, unless SITE_URL is set, the address
# `make run` serves on (it passes HOST and PORT as DEV_HOST and DEV_PORT).
SITE_URL = env.str("SITE_URL", default="") or (
    development_site_url(env.str("DEV_HOST", default="127.0.0.1"), env.int("DEV_PORT", 8000))
    if DEBUG
    else "http://127.0.0.1:8000"
)

ALLOWED_HOSTS = _required_in_production(
    "ALLOWED_HOSTS",
    env.list(
        "ALLOWED_HOSTS",
        default=list(dict.fromkeys(["127.0.0.1", "localhost", "[::1]", _site_host(SITE_URL)]))
        if DEBUG
        else [],
    ),
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "newsportal.apps.NewsportalAdminConfig",  # django.contrib.admin, the project's site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "taggit",
    "crispy_forms",
    "crispy_bootstrap5",
    "reversion",
    "django_prose_editor",
    # django-tasks-db: the database queue of background tasks (TASKS below) and its admin.
    "newsportal.tasks.TaskQueueConfig",
    "axes",
    "articles",
    "comments",
]
# Benchmark commands (tools/benchmarks, docs/benchmarks.md): tooling, not the product.
if env.bool("BENCHMARKS", default=False):
    INSTALLED_APPS.append("tools.benchmarks")

MIDDLEWARE = [
    # First: every answer (page-cache hits and redirects included) has its request id,
    # in the X-Request-ID header and in its log lines (newsportal.logs).
    "newsportal.logs.RequestIdMiddleware",
    # Load balancers' /healthz, before the Host check and the https redirect
    # (newsportal/health.py, docs/deployment.md).
    "newsportal.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Query parameters under the input policy (no NUL, no control character) before
    # any view, form or database sees them (newsportal.textinput).
    "newsportal.textinput.QueryStringPolicyMiddleware",
    # The light page (Save-Data: on, or an address under /leger/) is chosen before the
    # page cache keys the request (newsportal.lightmode).
    "newsportal.lightmode.LightModeMiddleware",
    # Anonymous pages this process holds are answered here, before the middleware a
    # hit does not need (newsportal.pagecache, docs/performance.md).
    "newsportal.pagecache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A staff member's name in the log lines of their requests (newsportal.logs).
    "newsportal.logs.StaffUserMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "newsportal.headers.PermissionsPolicyMiddleware",
    # An empty 405 gets the site's page (newsportal.views.MethodNotAllowedPageMiddleware).
    "newsportal.views.MethodNotAllowedPageMiddleware",
    # Locks the admin login after AXES_FAILURE_LIMIT failures (docs/security.md).
    "axes.middleware.AxesMiddleware",
    # Last, so that it sees the views' exceptions first: a database outage is a 503.
    "newsportal.outage.DatabaseOutageMiddleware",
]

ROOT_URLCONF = "newsportal.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "newsportal.context_processors.site",
            ],
            # The admin index's counts (newsportal/desk.py), a library of no app.
            "libraries": {"desk": "newsportal.desk"},
        },
    },
]

WSGI_APPLICATION = "newsportal.wsgi.application"

# SQLite is the zero-set-up default; DATABASE_URL=postgres://… switches to PostgreSQL.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
# A read replica (docs/deployment.md, "Read replicas"): reads made outside a transaction
# go there, writes and transactions to the primary (newsportal/dbrouters.py). The
# primary must commit with synchronous_commit = remote_apply for it.
DATABASE_REPLICA_URL = env.str("DATABASE_REPLICA_URL", default="")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = {
        **env.db_url_config(DATABASE_REPLICA_URL),
        "CONN_MAX_AGE": DATABASES["default"]["CONN_MAX_AGE"],
        "CONN_HEALTH_CHECKS": True,
        # The test run has one database: the replica alias reads it.
        "TEST": {"MIRROR": "default"},
    }
    DATABASE_ROUTERS = ["newsportal.dbrouters.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "newsportal",
            "OPTIONS": {"IGNORE_EXCEPTIONS": True},
        }
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
else:
    # One process's memory: fine for `make run` and a single worker (docs/performance.md).
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    }

# Anonymous page cache (newsportal.pagecache, docs/performance.md). Invalidation must reach
# every worker, so it is on by default only with Redis (or a single process: set it).
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=300 if REDIS_URL else 0)
# Pages each worker also keeps in its own memory (checked against the shared generations).
PAGE_CACHE_LOCAL_PAGES = env.int("PAGE_CACHE_LOCAL_PAGES", default=200)
# Seconds a worker trusts the generations it read (0: ask the shared cache on every
# request; more: fewer round trips, another worker's change shows within that time).
PAGE_CACHE_CHECK_SECONDS = env.float("PAGE_CACHE_CHECK_SECONDS", default=0)
# With Redis, each process hears of generation changes on a pub/sub channel instead of
# asking for them on every hit (newsportal/pagecache/invalidation.py).
PAGE_CACHE_LISTEN = env.bool("PAGE_CACHE_LISTEN", default=True)
# How long a CDN or proxy may keep a public page (`s-maxage`); browsers always revalidate.
PAGE_CACHE_SHARED_MAX_AGE = env.int("PAGE_CACHE_SHARED_MAX_AGE", default=60)
# An `X-Page-Cache: hit|miss|bypass` header on pages, for debugging and tests only: in
# production it would tell anyone whether a page was just read by someone else.
PAGE_CACHE_STATUS_HEADER = env.bool("PAGE_CACHE_STATUS_HEADER", default=DEBUG)
# `make bench` only: adds /bench/floor/, a fixed 30 KB answer to compare pages with.
BENCHMARK_FLOOR = env.bool("BENCHMARK_FLOOR", default=False)

AUTHENTICATION_BACKENDS = [
    # First: refuses any login attempt while the user and client are locked out.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# French first, English second; source strings are English, locale/fr holds the catalogue.
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = env.str("TIME_ZONE", default="Africa/Porto-Novo")
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))


def s3_media_storage(
    bucket, endpoint_url="", region="", access_key="", secret_key="", prefix="", url_expires=300
):
    """The STORAGES entry of media in S3 `bucket` (MEDIA_STORAGE=s3): django-storages'
    S3Storage options, from the S3_* variables (docs/configuration.md). An empty
    `endpoint_url` is AWS itself; empty keys leave boto3's own credential chain;
    `prefix` is a folder of the bucket; `url_expires` is in seconds."""
    from botocore.config import Config

    return {
        "BACKEND": "newsportal.mediastorage.S3MediaStorage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": endpoint_url or None,
            "region_name": region or None,
            "access_key": access_key or None,
            "secret_key": secret_key or None,
            "location": prefix.strip("/"),
            # Private objects: no ACL is sent, so the bucket's own (private) applies and
            # only signed requests read them; readers go through the media view.
            "default_acl": None,
            "querystring_auth": True,
            # Seconds a signed address lives (S3MediaStorage.signed_url).
            "querystring_expire": url_expires,
            # Like the disk: an existing name is never replaced, a new one is chosen.
            "file_overwrite": False,
            # An object read for a reader is kept in memory up to this size, on disk beyond.
            "max_memory_size": 4 * 1024 * 1024,
            # A store that does not answer fails a request in seconds, not minutes
            # (botocore waits 60 s per attempt by default).
            # Another provider than AWS is addressed by path (…/bucket/name), which every
            # S3-compatible store understands (MinIO needs it); AWS picks its own.
            "client_config": Config(
                connect_timeout=5,
                read_timeout=20,
                retries={"max_attempts": 3, "mode": "standard"},
                s3={"addressing_style": "path" if endpoint_url else "auto"},
                # Signature version 4, the one every AWS region and provider accepts.
                signature_version="s3v4",
            ),
        },
    }


# Where uploads and renditions live (docs/configuration.md, docs/deployment.md "Media on
# object storage"): `local`, the disk under MEDIA_ROOT, or `s3`, a bucket of any
# S3-compatible store. Pages address photos by MEDIA_URL either way; the portal's media
# view applies the embargo (articles.media.embargo) and streams the file.
MEDIA_STORAGE = env.str("MEDIA_STORAGE", default="local").strip().lower()
if MEDIA_STORAGE == "s3":
    if not env.str("S3_BUCKET", default=""):
        sys.exit("newsportal: MEDIA_STORAGE=s3 needs S3_BUCKET (see docs/configuration.md).")
    _MEDIA_STORAGE = s3_media_storage(
        env.str("S3_BUCKET"),
        endpoint_url=env.str("S3_ENDPOINT_URL", default=""),
        region=env.str("S3_REGION", default=""),
        access_key=env.str("S3_ACCESS_KEY_ID", default=""),
        secret_key=env.str("S3_SECRET_ACCESS_KEY", default=""),
        prefix=env.str("S3_PREFIX", default=""),
        url_expires=env.int("S3_URL_EXPIRES", default=300),
    )
elif MEDIA_STORAGE == "local":
    _MEDIA_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
else:
    sys.exit(f"newsportal: MEDIA_STORAGE must be local or s3, not {MEDIA_STORAGE!r}.")
STORAGES = {
    "default": _MEDIA_STORAGE,
    "staticfiles": {
        "BACKEND": env.str(
            "STATICFILES_BACKEND",
            default="django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "newsportal.staticfiles.MinifiedStaticFilesStorage",
        )
    },
}
WHITENOISE_MAX_AGE = 31536000 if not DEBUG else 0
# Serve straight from the source folders (no collectstatic) in development and tests.
WHITENOISE_USE_FINDERS = env.bool("WHITENOISE_USE_FINDERS", default=DEBUG)
WHITENOISE_AUTOREFRESH = env.bool("WHITENOISE_AUTOREFRESH", default=DEBUG)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

TAGGIT_CASE_INSENSITIVE = True
# Tag slugs follow the portal's slug policy (articles.content.tagging, docs/input.md), not
# TAGGIT_STRIP_UNICODE_WHEN_SLUGIFYING, which needs unidecode (GPL) to transliterate.
# taggit's Tag has no page of its own; ours is /tag/<slug>/, and tag.get_absolute_url()
# names it for the pages, feeds, sitemaps and old addresses alike.
ABSOLUTE_URL_OVERRIDES = {
    "taggit.tag": lambda tag: reverse("articles:tag", kwargs={"slug": tag.slug}),
}

# Image renditions: widths made once per uploaded image, never during a page view.
RENDITION_WIDTHS = [360, 720, 1080, 1440]
# Fixed-ratio crops made around each photo's focal point (articles/media/renditions.py):
# "16:9" for the article's hero and the home page's lead, "3:2" for article cards.
RENDITION_RATIOS = {"16:9": (16, 9), "3:2": (3, 2)}

# Image uploads (articles/media/images.py): bigger files or pictures are refused with a form
# error; the pixel limit also stops decompression bombs before Pillow decodes them.
MAX_IMAGE_BYTES = env.int("MAX_IMAGE_BYTES", default=15 * 1024 * 1024)
MAX_IMAGE_PIXELS = env.int("MAX_IMAGE_PIXELS", default=40_000_000)
# Uploads of more bytes than this have their renditions made by a background task, so the
# editor does not wait; smaller ones get them in the request, shown at once.
RENDITIONS_IN_BACKGROUND_FROM_BYTES = env.int(
    "RENDITIONS_IN_BACKGROUND_FROM_BYTES", default=3 * 1024 * 1024
)

ARTICLES_PER_PAGE = env.int("ARTICLES_PER_PAGE", default=20)
# Numbered list pages stop here; older articles follow by keyset (articles.discovery.pagination).
ARTICLES_MAX_PAGES = env.int("ARTICLES_MAX_PAGES", default=20)
RELATED_ARTICLES_COUNT = env.int("RELATED_ARTICLES_COUNT", default=6)
# Related articles: the freshness part of the score halves every this many days
# (articles/discovery/related.py).
RELATED_ARTICLES_HALF_LIFE_DAYS = env.float("RELATED_ARTICLES_HALF_LIFE_DAYS", default=30.0)
if not RELATED_ARTICLES_HALF_LIFE_DAYS > 0:
    sys.exit("newsportal: RELATED_ARTICLES_HALF_LIFE_DAYS must be a number of days above 0.")
# Most read: each worker adds its in-memory read counts to the database at most this
# often, after a response (articles.discovery.readership).
READ_COUNT_FLUSH_SECONDS = env.int("READ_COUNT_FLUSH_SECONDS", default=60)
# A reader (a salted digest of IP address and User-Agent, never stored as such) counts
# once per article in this many seconds (articles/discovery/readership.py).
READ_COUNT_WINDOW_SECONDS = env.int("READ_COUNT_WINDOW_SECONDS", default=3600)

# Comments (docs/comments.md): their defaults live in the app (comments/conf.py); a
# COMMENTS_* variable an operator sets overrides one, read with its type here.
_comments_environment = {
    "COMMENTS_CAPTCHA_PROVIDER": env.str,
    "COMMENTS_REJECT_BELOW": env.float,
    "COMMENTS_PUBLISH_FROM": env.float,
    "COMMENTS_PREMODERATION": env.bool,
    "COMMENTS_CLOSE_AFTER_DAYS": env.int,
    "COMMENTS_PER_PAGE": env.int,
    "COMMENTS_BODY_MAX_LENGTH": env.int,
    "COMMENTS_RATE_LIMIT": env.int,
    "COMMENTS_RATE_WINDOW": env.int,
    "COMMENTS_MIN_SUBMIT_SECONDS": env.int,
    "COMMENTS_MAX_FORM_AGE": env.int,
    "COMMENTS_MAX_LINKS": env.int,
    "COMMENTS_RECENT_POSTS_LIMIT": env.int,
    "COMMENTS_RECENT_POSTS_WINDOW": env.int,
    "COMMENTS_MODERATOR_EMAILS": env.list,
    "COMMENTS_TRUSTED_PUBLISH_FROM": env.float,
    "COMMENTS_TRUSTED_COOKIE_DAYS": env.int,
    "COMMENTS_HEAT_THRESHOLD": env.int,
    "COMMENTS_HEAT_HOURS": env.int,
    "COMMENTS_NOJS_SCORE": env.float,
    "COMMENTS_ALTCHA_HMAC_KEY": env.str,
    "COMMENTS_ALTCHA_COST": env.int,
    "COMMENTS_ALTCHA_MIN_COUNTER": env.int,
    "COMMENTS_ALTCHA_MAX_COUNTER": env.int,
    "COMMENTS_ALTCHA_EXPIRES": env.int,
    "COMMENTS_RECAPTCHA_SITE_KEY": env.str,
    "COMMENTS_RECAPTCHA_SECRET_KEY": env.str,
    "COMMENTS_RECAPTCHA_VERIFY_URL": env.str,
    "COMMENTS_RECAPTCHA_MIN_SCORE": env.float,
    "COMMENTS_RECAPTCHA_ACTION": env.str,
    "COMMENTS_RECAPTCHA_HOSTNAMES": env.list,
    "COMMENTS_RECAPTCHA_MAX_AGE": env.int,
    "COMMENTS_RECAPTCHA_TIMEOUT": env.float,
    "COMMENTS_KEEP_IP_DAYS": env.int,
}
_comments = {name: read(name) for name, read in _comments_environment.items() if name in os.environ}
globals().update(_comments)
# Fail at start rather than at the first comment: an unknown provider, or reCAPTCHA
# without its keys.
_captcha_provider = _comments.get("COMMENTS_CAPTCHA_PROVIDER")
if _captcha_provider not in {None, "builtin", "recaptcha"}:
    sys.exit("newsportal: COMMENTS_CAPTCHA_PROVIDER must be builtin or recaptcha.")
if _captcha_provider == "recaptcha" and not (
    _comments.get("COMMENTS_RECAPTCHA_SITE_KEY") and _comments.get("COMMENTS_RECAPTCHA_SECRET_KEY")
):
    sys.exit(
        "newsportal: COMMENTS_CAPTCHA_PROVIDER=recaptcha needs COMMENTS_RECAPTCHA_SITE_KEY "
        "and COMMENTS_RECAPTCHA_SECRET_KEY."
    )
# Reader links become https:// (Django 2028 default, opted into now).
URLIZE_ASSUME_HTTPS = True

# Email (Django 6.1 MAILERS): the console in development, SMTP from EMAIL_URL otherwise,
# e.g. EMAIL_URL=smtp+tls://user:password@smtp.example.org:587
# SMTP gives up on a mail server that accepts connections and never answers after the
# environment's EMAIL_TIMEOUT seconds (MAILERS' "timeout"); e-mail is sent by background
# tasks (TASKS below), never while a reader waits.
_email_timeout = env.float("EMAIL_TIMEOUT", default=10.0)
if DEBUG and not env.str("EMAIL_URL", default=""):
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
else:
    _email = env.email_url("EMAIL_URL", default="smtp://localhost:25")
    MAILERS = {
        "default": {
            "BACKEND": _email["EMAIL_BACKEND"],
            "OPTIONS": {
                key.removeprefix("EMAIL_").lower(): value
                for key, value in _email.items()
                if key
                in {"EMAIL_HOST", "EMAIL_PORT", "EMAIL_USE_TLS", "EMAIL_USE_SSL", "EMAIL_TIMEOUT"}
            }
            | (
                {"timeout": _email_timeout}
                if _email["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
                else {}
            )
            | (
                {"username": _email["EMAIL_HOST_USER"], "password": _email["EMAIL_HOST_PASSWORD"]}
                if _email.get("EMAIL_HOST_USER")
                else {}
            ),
        }
    }
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="redaction@localhost")

# Background tasks (django.tasks, newsportal/tasks.py): the newsroom's and the moderators'
# e-mail and the renditions of large uploads. TASKS_BACKEND=database queues them in the
# database (django-tasks-db) for `manage.py db_worker` to run: the default in production.
# TASKS_BACKEND=immediate runs them at once, in the request: the default with DEBUG on, so
# `make run` needs no worker.
_TASKS_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django.tasks.backends.immediate.ImmediateBackend",
}
TASKS_BACKEND = env.str("TASKS_BACKEND", default="immediate" if DEBUG else "database")
if TASKS_BACKEND not in _TASKS_BACKENDS:
    sys.exit("newsportal: TASKS_BACKEND must be database or immediate.")
TASKS = {"default": {"BACKEND": _TASKS_BACKENDS[TASKS_BACKEND]}}
# A task that raises is run again (newsportal/tasks.py) up to TASKS_MAX_ATTEMPTS times in
# all, TASKS_RETRY_SECONDS after the first failure, then 4 times longer after each next one
# (30 s, 2 min, 8 min, 32 min); after the last it stays FAILED in the admin.
TASKS_MAX_ATTEMPTS = env.int("TASKS_MAX_ATTEMPTS", default=5)
TASKS_RETRY_SECONDS = env.float("TASKS_RETRY_SECONDS", default=30.0)

# The client's IP (newsportal/clientip.py) for rate limits, lockouts and abuse records:
# REMOTE_ADDR, or with n trusted proxies in front, the n-th address from the right of
# X-Forwarded-For. 0 = no proxy: X-Forwarded-For is ignored, whatever it says.
# (COMMENTS_TRUSTED_PROXY_COUNT is its former name, still read.)
TRUSTED_PROXY_COUNT = env.int(
    "TRUSTED_PROXY_COUNT", default=env.int("COMMENTS_TRUSTED_PROXY_COUNT", default=0)
)

# Admin login lockout (django-axes): 5 failures for one user name from one client lock
# that pair out for an hour; `manage.py axes_reset_username <name>` or the admin unlocks.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=1.0)
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "newsportal.lockout.locked_out"
AXES_CLIENT_IP_CALLABLE = "newsportal.clientip.client_ip_for_axes"
AXES_USERNAME_CALLABLE = "newsportal.lockout.username_for_axes"
AXES_VERBOSE = False
# Its log lines name the user name tried and the path, the client's IP address only
# with LOG_CLIENT_IP (newsportal.logs).
AXES_CLIENT_STR_CALLABLE = "newsportal.logs.axes_client_str"
# Successful logins (axes' AccessLog: time, IP address, user agent) are kept this many
# days; `manage.py purge_personal_data` removes older ones (docs/privacy.md).
LOGIN_RECORDS_KEEP_DAYS = env.int("LOGIN_RECORDS_KEEP_DAYS", default=30)

# Security headers. A strict CSP whose public pages hold no per-response nonce, so that
# a page is the same bytes for every reader (any shared cache may serve it): scripts
# only from the site itself, and anything inline allowed by its hash ("'sha256-…'", as
# for style-src below; public pages have no inline script, tests/security/test_headers.py
# checks it). Django writes a nonce into the header only when a page used it: the admin
# does (its import maps are inline), and it is never cached.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    # The one inline <style> the admin's rich-text editor (Tiptap) injects, by its hash.
    "style-src": [CSP.SELF, "'sha256-PlumsSlvJ7vvWzjqibGAYKq92O3y/4JTxWWsWJvyUYA='"],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "worker-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
}
if _captcha_provider == "recaptcha":
    # Google's script, its iframe and its calls; only when the site uses reCAPTCHA.
    _google = ["https://www.google.com", "https://www.gstatic.com"]
    SECURE_CSP["script-src"] += _google
    SECURE_CSP["frame-src"] = _google
    SECURE_CSP["connect-src"] += _google
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# The article body editor's own blocks (django-prose-editor's "custom extensions"):
# photos, galleries and embeds, stored as articles.content.sanitize admits them.
DJANGO_PROSE_EDITOR_EXTENSIONS = [
    {
        "js": [static_lazy("js/editor-media.js")],
        "extensions": {
            "MediaBlock": html_tags(
                tags=["figure"],
                attributes={"figure": ["data-image", "data-gallery", "data-embed", "data-src"]},
            )
        },
    }
]
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=(), browsing-topics=()"
)
SESSION_COOKIE_HTTPONLY = True
# The CSRF failure page explains, in the reader's language, why the form was refused.
CSRF_FAILURE_VIEW = "newsportal.views.csrf_failure"
# Seconds a reader is asked to wait when the database is unreachable (the 503 page).
OUTAGE_RETRY_AFTER = env.int("OUTAGE_RETRY_AFTER", default=30)
# Uploaded photos served by Django (newsportal.views.media_file, with nosniff and a
# sandboxing CSP); turn off where a web server or object storage serves MEDIA_URL.
SERVE_MEDIA = env.bool("SERVE_MEDIA", default=True)
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
    LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
    # `__Host-` cookies: the browser keeps them only when Secure, Path=/ and with no
    # Domain, so no subdomain (or a man in the middle over http) can plant or read them.
    if SESSION_COOKIE_SECURE:
        SESSION_COOKIE_NAME = "__Host-sessionid"
        LANGUAGE_COOKIE_NAME = "__Host-language"
    if CSRF_COOKIE_SECURE:
        CSRF_COOKIE_NAME = "__Host-csrftoken"

# Logs (newsportal/logs.py, docs/configuration.md): one JSON object per line on stderr,
# with the request id and, for staff, the user; plain text lines with LOG_FORMAT=text
# (the default with DEBUG). The client's IP address is in no log line unless
# LOG_CLIENT_IP=true (docs/privacy.md).
LOG_FORMAT = env.str("LOG_FORMAT", default="text" if DEBUG else "json")
LOG_CLIENT_IP = env.bool("LOG_CLIENT_IP", default=False)
if LOG_FORMAT not in {"json", "text"}:
    sys.exit("newsportal: LOG_FORMAT must be json or text.")
LOGGING = logging_config(LOG_FORMAT, env.str("LOG_LEVEL", default="WARNING"), LOG_CLIENT_IP)
# Python's warnings (Django's naive-datetime warning, a library's deprecation) are
# written by the warnings module, not logging: with JSON logs they become records of the
# `py.warnings` logger, so stderr stays one JSON object per line.
if LOG_FORMAT == "json":
    logging.captureWarnings(True)
