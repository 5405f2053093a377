"""The privacy purge (newsportal/privacy.py, comments/privacy.py): `manage.py
purge_personal_data` and its periodic task remove what has outlived its use, and
nothing else; docs/privacy.md lists every cookie the portal sets."""

import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.conf import settings as django_settings
from django.core.management import call_command
from django.tasks import TaskResultStatus
from django.utils import timezone

from comments import captcha
from comments.models import Comment, SpentToken
from newsportal import privacy
from tests.factories import CommentFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
DAY = timedelta(days=1)


def purge_command():
    out = io.StringIO()
    call_command("purge_personal_data", stdout=out)
    return out.getvalue()


def removed(output, name):
    """The count the command printed for the purger `name`."""
    return int(re.search(rf"^{re.escape(name)}: (\d+) removed$", output, re.M).group(1))


def comment_received(days_ago, **fields):
    comment = CommentFactory(
        ip_address="203.0.113.7", user_agent="Mozilla/5.0 (Android 14) Firefox/140.0", **fields
    )
    Comment.objects.filter(pk=comment.pk).update(
        created_at=timezone.now() - timedelta(days=days_ago)
    )
    return comment


COMMENT_SENDERS = "comments: IP addresses and user agents"
TOKENS = "comments: spent captcha tokens"
LOGINS = "login records (lockouts, login logs)"


def test_old_commenters_addresses_go_the_comments_stay(settings):
    settings.COMMENTS_KEEP_IP_DAYS = 30
    old = comment_received(31, body="Un vieux commentaire, toujours là.")
    recent = comment_received(29)

    output = purge_command()

    assert removed(output, COMMENT_SENDERS) == 1
    old = Comment.objects.get(pk=old.pk)
    assert (old.ip_address, old.user_agent) == (None, "")
    assert old.body == "Un vieux commentaire, toujours là."
    assert old.status == Comment.Status.APPROVED
    recent = Comment.objects.get(pk=recent.pk)
    assert recent.ip_address == "203.0.113.7"
    assert recent.user_agent.startswith("Mozilla/5.0")
    # Idempotent: nothing more to remove.
    assert removed(purge_command(), COMMENT_SENDERS) == 0


def test_the_default_keeps_addresses_thirty_days(settings):
    del settings.COMMENTS_KEEP_IP_DAYS  # the app's default (comments/conf.py)
    kept, gone = comment_received(25), comment_received(35)
    purge_command()
    assert Comment.objects.get(pk=kept.pk).ip_address == "203.0.113.7"
    assert Comment.objects.get(pk=gone.pk).ip_address is None


def test_a_shorter_keeping_time_is_followed(settings):
    settings.COMMENTS_KEEP_IP_DAYS = 7
    comment = comment_received(8)
    purge_command()
    assert Comment.objects.get(pk=comment.pk).ip_address is None


TRUST_REQUESTS = "comments: trust requests never approved"


def test_old_trust_requests_never_approved_go_their_comments_stay(settings):
    from comments import trust
    from comments.models import TrustedCommenter

    settings.COMMENTS_KEEP_IP_DAYS = 30
    asked_long_ago = timezone.now() - timedelta(days=31)

    def request(**fields):
        return TrustedCommenter.objects.create(
            key_digest=TrustedCommenter.key_digest_of(trust.new_key()), **fields
        )

    refused = request(created_at=asked_long_ago)
    rejected = comment_received(31, trusted_commenter=refused, status=Comment.Status.REJECTED)
    waiting = request(created_at=asked_long_ago)
    comment_received(31, trusted_commenter=waiting, status=Comment.Status.PENDING)
    trusted = request(created_at=asked_long_ago, approved_at=asked_long_ago)
    recent = request()

    output = purge_command()

    assert removed(output, TRUST_REQUESTS) == 1
    assert set(TrustedCommenter.objects.values_list("pk", flat=True)) == {
        waiting.pk,
        trusted.pk,
        recent.pk,
    }
    rejected.refresh_from_db()
    assert rejected.trusted_commenter is None
    assert removed(purge_command(), TRUST_REQUESTS) == 0


def login_record(model, hours_ago, username="editrice", **fields):
    record = model.objects.create(
        username=username, ip_address="203.0.113.9", user_agent="Firefox", **fields
    )
    model.objects.filter(pk=record.pk).update(
        attempt_time=timezone.now() - timedelta(hours=hours_ago)
    )
    return record


def test_expired_lockouts_and_old_login_logs_go(settings):
    settings.AXES_COOLOFF_TIME = 1.0  # hours
    settings.LOGIN_RECORDS_KEEP_DAYS = 30
    lockout = {"failures_since_start": 5, "get_data": "", "post_data": "", "http_accept": ""}
    expired = login_record(AccessAttempt, 2, **lockout)
    locking = login_record(AccessAttempt, 0.5, username="redacteur", **lockout)
    old_login = login_record(AccessLog, 31 * 24)
    recent_login = login_record(AccessLog, 24)
    old_failure = login_record(AccessFailureLog, 31 * 24)

    output = purge_command()

    assert removed(output, LOGINS) == 3
    assert not AccessAttempt.objects.filter(pk=expired.pk).exists()
    assert AccessAttempt.objects.filter(pk=locking.pk).exists()  # still locks the pair out
    assert not AccessLog.objects.filter(pk=old_login.pk).exists()
    assert AccessLog.objects.filter(pk=recent_login.pk).exists()
    assert not AccessFailureLog.objects.filter(pk=old_failure.pk).exists()
    assert removed(purge_command(), LOGINS) == 0


def test_spent_captcha_tokens_go_once_expired():
    now = timezone.now()
    assert captcha.spend_once("altcha", "solution-1", now + timedelta(minutes=20))
    assert captcha.spend_once("altcha", "solution-2", now + timedelta(minutes=20))
    SpentToken.objects.filter(digest=captcha._digest("altcha", "solution-1")).update(
        expires_at=now - timedelta(minutes=1)
    )

    assert removed(purge_command(), TOKENS) == 1

    assert SpentToken.objects.count() == 1
    # The one still valid still refuses a replay.
    assert captcha.already_spent("altcha", "solution-2")
    assert not captcha.spend_once("altcha", "solution-2", now + timedelta(minutes=20))
    assert removed(purge_command(), TOKENS) == 0


def test_the_task_under_the_immediate_backend_runs_once(settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.COMMENTS_KEEP_IP_DAYS = 30
    comment = comment_received(31)

    result = privacy.purge_personal_data_task.enqueue()

    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value[COMMENT_SENDERS] == 1
    assert Comment.objects.get(pk=comment.pk).ip_address is None


def test_run_by_a_worker_the_task_enqueues_its_next_run_a_day_later(settings):
    # A backend that keeps tasks for later, as a worker's does (django.tasks' DummyBackend
    # stores what is enqueued and runs nothing).
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    backend = privacy.purge_personal_data_task.get_backend()
    backend.clear()
    before = timezone.now()

    privacy.purge_personal_data_task.call()  # what the worker does with a queued run

    (queued,) = backend.results
    assert queued.task.func is privacy.purge_personal_data_task.func
    assert before + DAY <= queued.task.run_after <= timezone.now() + DAY


@pytest.mark.skipif(
    not apps.is_installed("django_tasks_db"), reason="django_tasks_db is not installed"
)
@pytest.mark.django_db(transaction=True)
def test_with_the_database_backend_the_purge_keeps_itself_scheduled(settings):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.COMMENTS_KEEP_IP_DAYS = 30
    comment = comment_received(31)
    runs = DBTaskResult.objects.filter(task_path=privacy.purge_personal_data_task.module_path)

    call_command("purge_personal_data", "--schedule", stdout=io.StringIO())
    # Scheduling again (a second deploy) starts no second chain.
    out = io.StringIO()
    call_command("purge_personal_data", "--schedule", stdout=out)
    assert "already waiting" in out.getvalue()
    assert runs.count() == 1

    call_command("db_worker", batch=True, no_startup_delay=True, stdout=io.StringIO())

    assert Comment.objects.get(pk=comment.pk).ip_address is None
    assert runs.filter(status="SUCCESSFUL").count() == 1
    (next_run,) = runs.filter(status="READY")
    assert next_run.run_after >= timezone.now() + DAY - timedelta(minutes=5)


@pytest.mark.skipif(
    not apps.is_installed("django_tasks_db"), reason="django_tasks_db is not installed"
)
@pytest.mark.django_db(transaction=True)
def test_a_purge_run_that_fails_still_leaves_the_next_days_run_queued(settings, monkeypatch):
    """A database hiccup in one run (or a worker killed during it) must not end the
    daily chain: the purge would then silently stop for good."""
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

    def broken(now):
        raise RuntimeError("database went away")

    monkeypatch.setitem(privacy._purgers, "broken", broken)
    runs = DBTaskResult.objects.filter(task_path=privacy.purge_personal_data_task.module_path)
    call_command("purge_personal_data", "--schedule", stdout=io.StringIO())

    call_command("db_worker", batch=True, no_startup_delay=True, stdout=io.StringIO())

    assert runs.filter(status="FAILED").count() == 1
    (next_run,) = runs.filter(status="READY")
    assert next_run.run_after >= timezone.now() + DAY - timedelta(minutes=5)


# docs/privacy.md ---------------------------------------------------------------------

PRIVACY = ROOT / "docs" / "privacy.md"
CODE = [*ROOT.glob("articles/**/*.py"), *ROOT.glob("comments/**/*.py")]
CODE += [*ROOT.glob("newsportal/**/*.py"), *ROOT.glob("templates/**/*.html")]
CODE += list(ROOT.glob("static/js/**/*.js"))


def documented_cookies():
    """The cookie names in the first column of docs/privacy.md's cookie table."""
    text = PRIVACY.read_text()
    section = text.split("## Cookies", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| `([^`]+)`", section, re.M))


def test_every_cookie_django_sets_for_the_portal_is_documented():
    from django.contrib.messages.storage.cookie import CookieStorage

    names = {
        django_settings.SESSION_COOKIE_NAME,
        django_settings.CSRF_COOKIE_NAME,
        django_settings.LANGUAGE_COOKIE_NAME,
        CookieStorage.cookie_name,
        # Their production names (`__Host-` prefix, newsportal/settings.py).
        "__Host-sessionid",
        "__Host-csrftoken",
        "__Host-language",
        # Trusted commenters' cookie (comments.trust), in development and production.
        "trusted_reader",
        "__Host-trusted_reader",
    }
    assert names <= documented_cookies()


def cookie_row(name):
    """The row (a str) of docs/privacy.md's cookie table for the cookie `name`."""
    section = PRIVACY.read_text().split("## Cookies", 1)[1].split("\n## ", 1)[0]
    return re.search(rf"^\| `{re.escape(name)}` \|.*$", section, re.M).group(0)


def test_the_language_switch_sets_the_cookie_the_table_says_it_sets(client):
    """Django's language switch (`/i18n/setlang/`, routed) sets the language cookie: the
    table must say when, and for how long, not that the portal never sets it."""
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})

    (name,) = response.cookies
    assert name == django_settings.LANGUAGE_COOKIE_NAME
    row = cookie_row(name)
    assert "never set" not in row
    assert "setlang" in row


def test_no_code_sets_a_cookie_the_documentation_does_not_name():
    """Any cookie the portal's own code sets (`set_cookie`, `document.cookie`) must be in
    the table: a new one fails here until docs/privacy.md lists it."""
    documented = documented_cookies()
    for path in CODE:
        text = path.read_text()
        for name in re.findall(r"set_cookie\(\s*[\"']([^\"']+)", text):
            assert name in documented, f"{path}: cookie {name} is not in docs/privacy.md"
        assert "set_cookie(" not in re.sub(r"set_cookie\(\s*[\"'][^\"']+", "", text), (
            f"{path} sets a cookie by a computed name: name it in docs/privacy.md and here"
        )
        assert "document.cookie" not in text, f"{path} sets a cookie from JavaScript"


def test_the_session_keys_the_portal_stores_are_documented():
    from articles.admin.drafting import PREVIEWS_SESSION_KEY
    from comments.outcomes import OUTCOME_KEY, PENDING_KEY
    from comments.trust import CLAIM_KEY

    text = PRIVACY.read_text()
    for key in (OUTCOME_KEY, PENDING_KEY, PREVIEWS_SESSION_KEY, CLAIM_KEY):
        assert f"`{key}`" in text
    # And every `request.session[...]` key the code writes is one of them.
    written = set()
    key = re.compile(r"session\[\s*([A-Z_]+|[\"'][^\"']+[\"'])\s*\]")
    for path in CODE:
        written |= set(key.findall(path.read_text()))
    assert written <= {"OUTCOME_KEY", "PENDING_KEY", "PREVIEWS_SESSION_KEY", "CLAIM_KEY"}, written


def test_expired_sessions_go(client):
    from django.contrib.sessions.models import Session

    client.get("/")  # no session for a reader who only reads
    assert Session.objects.count() == 0
    session = client.session
    session["comments_pending"] = [1]
    session.save()
    Session.objects.create(session_key="x" * 32, session_data="", expire_date=timezone.now() - DAY)

    assert removed(purge_command(), "expired sessions") == 1
    assert list(Session.objects.values_list("session_key", flat=True)) == [session.session_key]


def test_rate_limit_counters_naming_an_address_expire_by_themselves(settings, time_machine):
    # A cache in this process's memory, whose clock the test moves (Redis keeps its own).
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    from django.core.cache import cache

    from comments import ratelimit

    time_machine.move_to(timezone.now(), tick=False)
    ratelimit.hit("comment", "203.0.113.7", limit=10, window=600)
    (key,) = [key for key in cache._cache if "203.0.113.7" in key]
    key = key.split(":", 2)[2]  # without the cache's version prefix
    assert cache.get(key) == 1
    time_machine.shift(602)
    assert cache.get(key) is None
