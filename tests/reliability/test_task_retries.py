"""A failed background task is run again later, and never lost (newsportal/tasks.py)."""

import io
import logging
from datetime import timedelta

import pytest
import time_machine
from django.tasks import TaskResultStatus, task
from django.urls import reverse
from django.utils import timezone

from newsportal.tasks import retried, retry_delay
from tests.taskqueue import queued, run_worker, use_database_queue

pytestmark = pytest.mark.django_db(transaction=True)

# How many times each test's task ran, by key.
RUNS = {}


@retried
@task
def flaky(key, failures):
    """Fail the first `failures` runs for `key`, then return how many runs it took."""
    RUNS[key] = RUNS.get(key, 0) + 1
    if RUNS[key] <= failures:
        raise ConnectionError(f"run {RUNS[key]} of {key} failed")
    return RUNS[key]


@task
def fails_once_unmarked(key):
    """A task not marked `retried`: a failure is final."""
    RUNS[key] = RUNS.get(key, 0) + 1
    raise ConnectionError("no retry asked")


@pytest.fixture(autouse=True)
def queue(settings):
    use_database_queue(settings)
    settings.TASKS_MAX_ATTEMPTS = 4
    settings.TASKS_RETRY_SECONDS = 0  # run again as soon as the worker looks
    RUNS.clear()


def test_a_task_failing_twice_then_succeeding_runs_three_times_and_succeeds():
    flaky.enqueue("twice", 2)

    run_worker()

    [row] = queued()
    assert RUNS["twice"] == 3
    assert row.status == TaskResultStatus.SUCCESSFUL
    assert row.return_value == 3
    assert len(row.worker_ids) == 3  # one row, three attempts
    assert row.traceback == ""


def test_a_task_that_always_fails_stops_after_the_last_attempt_and_stays_failed(caplog):
    caplog.set_level(logging.WARNING, logger="newsportal.tasks")
    flaky.enqueue("always", 100)

    run_worker()

    [row] = queued()
    assert RUNS["always"] == 4
    assert row.status == TaskResultStatus.FAILED
    assert len(row.worker_ids) == 4
    assert "ConnectionError: run 4 of always failed" in row.traceback
    assert "failed 4 times: left FAILED" in caplog.text
    # Another pass of the worker leaves it alone: kept, not run again, not deleted.
    run_worker()
    assert RUNS["always"] == 4
    assert [r.status for r in queued()] == [TaskResultStatus.FAILED]


def test_a_failed_attempt_waits_its_backoff_before_the_next(settings):
    settings.TASKS_RETRY_SECONDS = 30
    flaky.enqueue("later", 1)

    run_worker()

    [row] = queued()
    assert RUNS["later"] == 1
    assert row.status == TaskResultStatus.READY
    assert row.run_after > timezone.now() + timedelta(seconds=20)
    assert "ConnectionError" in row.traceback  # why it is waiting
    run_worker()  # too early: nothing runs
    assert RUNS["later"] == 1

    with time_machine.travel(timezone.now() + timedelta(seconds=31)):
        run_worker()

    [row] = queued()
    assert RUNS["later"] == 2
    assert row.status == TaskResultStatus.SUCCESSFUL


def test_the_backoff_grows_four_times_per_attempt(settings):
    settings.TASKS_RETRY_SECONDS = 30
    assert [retry_delay(n) for n in (1, 2, 3, 4)] == [30, 120, 480, 1920]


def test_a_task_not_marked_retried_fails_once():
    fails_once_unmarked.enqueue("once")

    run_worker()

    assert RUNS["once"] == 1
    assert [r.status for r in queued()] == [TaskResultStatus.FAILED]


def test_the_immediate_backend_never_retries_in_the_request(settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}

    result = flaky.enqueue("immediate", 1)

    assert result.status == TaskResultStatus.FAILED
    assert RUNS["immediate"] == 1


def test_failed_tasks_are_listed_in_the_admin(admin_client):
    flaky.enqueue("admin", 100)
    run_worker()

    response = admin_client.get(
        reverse("admin:django_tasks_database_dbtaskresult_changelist") + "?status__exact=FAILED"
    )

    assert response.status_code == 200
    assert str(queued()[0].pk) in response.text
    assert "Tâches en arrière-plan" in response.text  # the queue's name, in French


def interrupted(task_result, worker_id):
    """The row of `task_result` as a worker that was killed while running it left it."""
    from django_tasks_db.models import DBTaskResult

    row = DBTaskResult.objects.get(pk=task_result.id)
    row.claim(worker_id)
    return row


def test_a_task_whose_worker_was_killed_runs_again_once_the_worker_restarts():
    from django.core.management import call_command

    lost = flaky.enqueue("killed", 0)
    other = flaky.enqueue("elsewhere", 0)
    interrupted(lost, "web1-1")
    interrupted(other, "web2-1")  # another machine's worker, still running it

    call_command("recover_interrupted_tasks", worker_id="web1-1", stdout=io.StringIO())
    run_worker()

    rows = {str(row.id): row for row in queued()}
    assert rows[str(lost.id)].status == TaskResultStatus.SUCCESSFUL
    assert RUNS["killed"] == 1
    assert rows[str(other.id)].status == TaskResultStatus.RUNNING


def test_an_interrupted_task_out_of_attempts_or_not_retried_is_marked_failed(settings):
    from newsportal.tasks import recover_interrupted

    settings.TASKS_MAX_ATTEMPTS = 1
    out_of_attempts = flaky.enqueue("last", 0)
    unmarked = fails_once_unmarked.enqueue("unmarked")
    interrupted(out_of_attempts, "web1-1")
    interrupted(unmarked, "web1-1")

    assert recover_interrupted("web1-1") == (0, 2)

    assert {row.status for row in queued()} == {TaskResultStatus.FAILED}
    assert "web1-1" in queued()[0].traceback
