"""Background tasks that are run again when they fail: `retried`, the one retry rule.

The portal's slow work (e-mail, renditions of large uploads) runs as Django tasks
(`django.tasks`). With TASKS_BACKEND=database (django-tasks-db, the production default) a
task is a row that `manage.py db_worker` runs; a task that raises is marked FAILED, its
traceback kept. For a task marked with `retried`, the receiver below puts that same row
back in the queue (READY) with `run_after` later, so the worker runs it again:

- attempt n failed, n < settings.TASKS_MAX_ATTEMPTS: run again after
  `retry_delay(n)` = TASKS_RETRY_SECONDS × 4^(n−1) seconds (30 s, 2 min, 8 min, 32 min
  with the defaults); a warning is logged;
- the last attempt failed: the row stays FAILED with its traceback (admin: « Task
  Results », filter by status) and an error is logged. Nothing is deleted.

The number of attempts is the row's list of worker ids (`TaskResult.attempts`), so a
retried task is one row however many times it runs. A task may run more than once:
retried tasks must be safe to repeat (they take ids and read the rows again).

With TASKS_BACKEND=immediate the task runs in the request and a failure is only logged:
nothing is retried, so the reader or editor never waits for a second attempt.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.dispatch import receiver
from django.tasks import TaskResultStatus
from django.tasks.signals import task_finished
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_tasks_db.apps import TasksAppConfig

logger = logging.getLogger(__name__)

# The module paths (e.g. "comments.notifications.notify_moderators") of retried tasks.
_RETRIED = set()


def retried(task):
    """Mark `task` (a django.tasks Task, i.e. put above `@task`) as run again when it
    raises, up to settings.TASKS_MAX_ATTEMPTS attempts in all. Returns the task."""
    _RETRIED.add(task.module_path)
    return task


def retry_delay(attempts):
    """The seconds (a float) to wait before running again a task that failed
    `attempts` times (an int ≥ 1): TASKS_RETRY_SECONDS × 4^(attempts − 1)."""
    return settings.TASKS_RETRY_SECONDS * 4 ** (attempts - 1)


@receiver(task_finished, dispatch_uid="newsportal.tasks.retry_failed")
def retry_failed(sender, task_result, **kwargs):
    """A task finished (django.tasks' task_finished): put a failed attempt of a
    `retried` task back in the database queue, or log its final failure."""
    from django_tasks_db import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    if task_result.status != TaskResultStatus.FAILED:
        return
    if task_result.task.module_path not in _RETRIED or not issubclass(sender, DatabaseBackend):
        return
    attempts = task_result.attempts
    if attempts >= settings.TASKS_MAX_ATTEMPTS:
        logger.error(
            "Task %s (%s) failed %d times: left FAILED, not run again",
            task_result.id,
            task_result.task.module_path,
            attempts,
        )
        return
    delay = retry_delay(attempts)
    DBTaskResult.objects.filter(pk=task_result.id, status=TaskResultStatus.FAILED).update(
        status=TaskResultStatus.READY,
        run_after=timezone.now() + timedelta(seconds=delay),
        finished_at=None,
    )
    logger.warning(
        "Task %s (%s) failed (attempt %d of %d): run again in %.0f s",
        task_result.id,
        task_result.task.module_path,
        attempts,
        settings.TASKS_MAX_ATTEMPTS,
        delay,
    )


def recover_interrupted(worker_id):
    """Put back the tasks that worker `worker_id` (a str, the `--worker-id` of
    `manage.py db_worker`) was running when it was stopped without finishing them
    (SIGKILL, an out-of-memory kill, a machine that went down): such rows stay
    « running » for ever, as the worker never marks them. Run before that worker starts
    again (the systemd unit's ExecStartPre, docs/deployment.md), never while it runs.

    A `retried` task with attempts left goes back to the queue at once (the interrupted
    run counts as an attempt); any other is marked failed, as its failure would have
    been. Returns (requeued, failed), two ints."""
    from django_tasks_db.models import DBTaskResult

    requeued = failed = 0
    now = timezone.now()
    for row in DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING):
        if not row.worker_ids or row.worker_ids[-1] != worker_id:
            continue
        try:
            module_path = row.task.module_path  # imports the task: `retried` marks it
        except Exception:
            module_path = None
        if module_path in _RETRIED and len(row.worker_ids) < settings.TASKS_MAX_ATTEMPTS:
            row.status = TaskResultStatus.READY
            row.run_after = now
            row.save(update_fields=["status", "run_after"])
            requeued += 1
        else:
            row.status = TaskResultStatus.FAILED
            row.finished_at = now
            row.traceback = f"The worker {worker_id} stopped during this task."
            row.save(update_fields=["status", "finished_at", "traceback"])
            failed += 1
        logger.warning(
            "Task %s (%s) was interrupted with worker %s: %s",
            row.id,
            row.task_path,
            worker_id,
            "queued again" if row.status == TaskResultStatus.READY else "left FAILED",
        )
    return requeued, failed


def after_commit(task, *args):
    """Enqueue `task` with `args` (JSON values, ids) once the current transaction
    commits (at once outside one), so a rolled-back write queues nothing and the
    worker reads the saved rows. A failure to enqueue is logged, never raised."""
    from django.db import transaction

    transaction.on_commit(lambda: task.enqueue(*args), robust=True)


class TaskQueueConfig(TasksAppConfig):
    """django-tasks-db (the database queue and its admin, « Tâches en arrière-plan »),
    under a French name; installed in its place (INSTALLED_APPS)."""

    verbose_name = _("Background tasks")
