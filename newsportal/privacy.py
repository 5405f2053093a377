"""The privacy purge: personal data removed once its time is up (docs/privacy.md).

`purge()` runs every registered purger and returns what each removed. The project's own
records are purged here (django-axes' login records); each app registers its own
(`register_purger`, from its `ready()`: comments blanks old IP addresses and user agents
and deletes spent captcha tokens), so this module imports no app.

It runs from `manage.py purge_personal_data` (a daily cron line) or as the task
`purge_personal_data_task` (`django.tasks`), which enqueues its next run for the next
day when the task backend can defer (a worker backend such as django_tasks_db's); under
the ImmediateBackend it runs once and schedules nothing. Every run is idempotent: a
second run straight after the first removes nothing.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.tasks import task
from django.utils import timezone

logger = logging.getLogger(__name__)

# The time between two runs of the periodic task.
PURGE_INTERVAL = timedelta(days=1)

_purgers = {}


def register_purger(name, purger):
    """Add `purger(now)` to the purge under `name` (a short description, e.g. "comments:
    IP addresses and user agents"). `purger` takes the current aware datetime and returns
    the number of records it removed or blanked (an int). Registering a name again
    replaces its purger."""
    _purgers[name] = purger


def purge_login_records(now):
    """django-axes' records: failed-login counts (AccessAttempt) once AXES_COOLOFF_TIME
    has passed since the last failure (they no longer lock anyone out), and the login and
    failure logs (AccessLog, AccessFailureLog: time, IP address, user agent) older than
    LOGIN_RECORDS_KEEP_DAYS. Returns the number of rows deleted."""
    from axes.helpers import get_cool_off
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    removed = 0
    cool_off = get_cool_off()
    if cool_off is not None:
        removed += _deleted_rows(
            AccessAttempt, AccessAttempt.objects.filter(attempt_time__lt=now - cool_off)
        )
    keep_until = now - timedelta(days=settings.LOGIN_RECORDS_KEEP_DAYS)
    for model in (AccessLog, AccessFailureLog):
        removed += _deleted_rows(model, model.objects.filter(attempt_time__lt=keep_until))
    return removed


def _deleted_rows(model, queryset):
    """Delete `queryset`; the number of `model` rows deleted (cascades not counted)."""
    return queryset.delete()[1].get(model._meta.label, 0)


def purge_expired_sessions(now):
    """Sessions past their expiry date (SESSION_COOKIE_AGE after their last change):
    a reader's remembered comments, a user's login. Django's `clearsessions`, counted
    for a session engine with a model (the database's); others expire by themselves
    (the cache's) and count 0."""
    from importlib import import_module

    store = import_module(settings.SESSION_ENGINE).SessionStore
    if not hasattr(store, "get_model_class"):
        store.clear_expired()
        return 0
    model = store.get_model_class()
    return _deleted_rows(model, model.objects.filter(expire_date__lt=now))


register_purger("login records (lockouts, login logs)", purge_login_records)
register_purger("expired sessions", purge_expired_sessions)


def purge(now=None):
    """Run every purger; returns {name: number removed} in registration order."""
    now = now or timezone.now()
    return {name: purger(now) for name, purger in _purgers.items()}


@task
def purge_personal_data_task():
    """The purge as a task (returns `purge()`'s counts). Run by a worker whose backend
    supports deferred tasks (`supports_defer`), it enqueues its next run PURGE_INTERVAL
    later, so that one enqueue (`manage.py purge_personal_data --schedule`) keeps it
    going; under a backend that runs tasks at once it schedules nothing (no recursion).

    The next run is queued before this one purges, so a run that fails (the database
    lost for a moment) or a worker killed during it leaves tomorrow's run in place: the
    failure is kept in the task table and logged, and the chain goes on."""
    backend = purge_personal_data_task.get_backend()
    if backend.supports_defer:
        purge_personal_data_task.using(run_after=timezone.now() + PURGE_INTERVAL).enqueue()
    counts = purge()
    logger.info("Personal data purged: %s", counts)
    return counts


def waiting_runs():
    """How many runs of the task wait in the task database (an int), or None when the
    backend keeps no list we can read (only django_tasks_db's DatabaseBackend does)."""
    from django.apps import apps

    if not apps.is_installed("django_tasks_db"):
        return None
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    if not isinstance(purge_personal_data_task.get_backend(), DatabaseBackend):
        return None
    return DBTaskResult.objects.filter(
        task_path=purge_personal_data_task.module_path, status="READY"
    ).count()


def schedule():
    """Enqueue the periodic task to run now, unless a run already waits in the task
    database (a deploy that schedules it every time starts one chain only). Returns the
    TaskResult, or None when a run was waiting already."""
    if waiting_runs():
        return None
    return purge_personal_data_task.enqueue()
