"""What the deployment tests need to run the portal's gunicorn against the test
database: its environment and static files nginx's workers can read.

Shared by tests/deployment/test_nginx.py and tests/deployment/test_several_servers.py.
"""

import os
import shutil

from django.conf import settings
from django.db import connection


def readable_static(collected_static, target):
    """Copy the collected static files to `target` (a Path), readable by nginx's
    workers (nobody, when the test runs as root); returns `target`."""
    shutil.copytree(collected_static, target)
    for folder, _, files in os.walk(target):
        os.chmod(folder, 0o755)  # noqa: S103  (static files: public by nature)
        for name in files:
            os.chmod(os.path.join(folder, name), 0o644)
    return target


def app_server_environ(static_root, media_root, port, workers, **extra):
    """The environment of a gunicorn serving the portal on 127.0.0.1:`port` with
    `workers` workers, over plain http: the test's PostgreSQL database, its Redis
    (REDIS_URL), the test's SECRET_KEY (pages and stamps signed alike), the static files
    of `static_root` through WhiteNoise, photos in `media_root`; `extra` adds or replaces
    variables."""
    db = connection.settings_dict
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_"))}
    env.update(
        DATABASE_URL=(
            f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}"
        ),
        REDIS_URL=os.environ["REDIS_URL"],
        SECRET_KEY=settings.SECRET_KEY,
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        SESSION_COOKIE_SECURE="false",
        CSRF_COOKIE_SECURE="false",
        STATIC_ROOT=str(static_root),
        STATICFILES_BACKEND="newsportal.staticfiles.MinifiedStaticFilesStorage",
        WHITENOISE_USE_FINDERS="false",
        WHITENOISE_AUTOREFRESH="false",
        MEDIA_ROOT=str(media_root),
        GUNICORN_BIND=f"127.0.0.1:{port}",
        WEB_CONCURRENCY=str(workers),
        GUNICORN_GRACEFUL_TIMEOUT="2",
        TRUSTED_PROXY_COUNT="1",
    )
    env.update(extra)
    return env
