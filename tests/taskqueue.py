"""The database task queue in tests: its backend, its rows and one run of the worker.

The suite runs tasks with the immediate backend (pyproject.toml sets
TASKS_BACKEND=immediate); a test about the queue switches to the database backend with
`use_database_queue(settings)` and runs the real worker command once with `run_worker()`.
Such a test needs `transactional_db`: the worker commits, as it does in production.
"""

import signal

from django.core.management import call_command

DATABASE_BACKEND = "django_tasks_db.DatabaseBackend"


def use_database_queue(settings):
    """Queue tasks in the database (django-tasks-db), as production does."""
    settings.TASKS = {"default": {"BACKEND": DATABASE_BACKEND}}


def queued(task_path=None):
    """The queue's rows (DBTaskResult), oldest first, of `task_path` when given."""
    from django_tasks_db.models import DBTaskResult

    rows = DBTaskResult.objects.order_by("enqueued_at")
    return list(rows.filter(task_path=task_path) if task_path else rows)


def run_worker():
    """Run `manage.py db_worker --batch` once: every task ready now, then return. The
    command installs its own signal handlers; the test runner's are put back."""
    signals = [signal.SIGINT, signal.SIGTERM, signal.SIGQUIT]
    handlers = {number: signal.getsignal(number) for number in signals}
    try:
        call_command(
            "db_worker", batch=True, startup_delay=False, reload=False, interval=0, verbosity=0
        )
    finally:
        for number, handler in handlers.items():
            signal.signal(number, handler)
