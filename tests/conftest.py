import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Every test writes uploads and renditions to its own temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def cold_cache():
    """Each test starts with empty caches, so query counts are the cold-cache ones."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def no_pending_reads():
    """Reads counted in memory by one test never reach another (nor add a flush to its
    query count when READ_COUNT_FLUSH_SECONDS have passed during the run)."""
    from articles.discovery import readership

    def forget():
        readership._pending.clear()
        readership._pending_marks = 0
        readership._salts.clear()
        readership._unwritten.clear()

    forget()
    yield
    forget()


@pytest.fixture(autouse=True)
def french_by_default(settings):
    """Start every test in the site's language: a request to /en/ leaves English
    active in the thread, which would make reverse() build /en/ URLs in the next test."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """PBKDF2 at production strength costs ~1 s per user: tests use a fast hasher."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fresh_content_types():
    """A transactional test's flush recreates the content types, maybe with other ids:
    forget the ids cached in this process so a tag or a version never points to a
    content type that is gone."""
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()


@pytest.fixture(scope="session")
def collected_static(tmp_path_factory):
    """The static files as production serves them: collectstatic with hashed names and
    gzip + brotli copies (newsportal.staticfiles: our CSS and JS minified)."""
    from django.core.management import call_command
    from django.test import override_settings

    root = tmp_path_factory.mktemp("staticfiles")
    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "newsportal.staticfiles.MinifiedStaticFilesStorage"},
    }
    with override_settings(STATIC_ROOT=root, STORAGES=storages):
        call_command("collectstatic", interactive=False, verbosity=0)
    return root


@pytest.fixture(autouse=True)
def read_counts_just_written():
    """Start each test as if "most read" had just written its counts: otherwise, once a
    long run passes READ_COUNT_FLUSH_SECONDS, the write after an article page lands in
    whichever query count comes next (7 queries before, 8 after)."""
    import time

    from articles.discovery import readership

    readership._last_flush = time.monotonic()


@pytest.fixture(scope="session")
def s3_server():
    """A real S3-compatible server (moto's) on 127.0.0.1 for the whole run: tools/s3_server.py.
    Tests make their own bucket in it (`s3_server.create_bucket(name)`)."""
    from tools.s3_server import S3Server

    with S3Server() as server:
        yield server
