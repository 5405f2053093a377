"""A reader's POST never waits on the mail server: the moderators' e-mail is a task.

The mail server here is a TCP socket on 127.0.0.1 that accepts connections and never
says a word (an SMTP server that hangs). The post of a held comment answers as always,
with the e-mail task queued and no connection made to that server; the worker then
tries, gives up after the mailer's timeout, and the task waits to be run again.
"""

import socket
import threading
from datetime import timedelta

import pytest
from django.tasks import TaskResultStatus
from django.utils import timezone

from comments.models import Comment
from tests.taskqueue import queued, run_worker, use_database_queue

pytestmark = pytest.mark.django_db(transaction=True)

TASK = "comments.notifications.notify_moderators"


class SilentMailServer:
    """Accepts TCP connections on 127.0.0.1 and never answers; counts them."""

    def __init__(self):
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.accepted = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        while True:
            try:
                connection, _address = self.listener.accept()
            except OSError:  # closed
                return
            self.accepted.append(connection)  # kept open, never written to

    def close(self):
        self.listener.close()
        for connection in self.accepted:
            connection.close()
        self.thread.join(timeout=5)


@pytest.fixture
def silent_mail_server(settings):
    server = SilentMailServer()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            # The production default (EMAIL_TIMEOUT): a request waiting on this server
            # would hang that long, and the test with it.
            "OPTIONS": {"host": "127.0.0.1", "port": server.port, "timeout": 10},
        }
    }
    yield server
    server.close()


def test_a_held_comment_answers_at_once_and_queues_the_moderators_e_mail(
    settings, silent_mail_server, comment_data, post_comment, solve_altcha
):
    use_database_queue(settings)
    settings.COMMENTS_PREMODERATION = True
    settings.COMMENTS_MODERATOR_EMAILS = ["moderation@example.test"]
    settings.TASKS_RETRY_SECONDS = 60

    response = post_comment(comment_data(altcha=solve_altcha()))

    assert response.status_code == 302
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PENDING
    [row] = queued(TASK)
    assert row.status == TaskResultStatus.READY
    assert row.args_kwargs["args"] == [comment.pk]
    assert silent_mail_server.accepted == []  # the request never reached the mail server

    # The worker tries: the server hangs, the mailer gives up, the task waits to be run
    # again (newsportal.tasks), its row kept.
    settings.MAILERS["default"]["OPTIONS"]["timeout"] = 0.5
    run_worker()

    assert len(silent_mail_server.accepted) == 1
    [row] = queued(TASK)
    assert row.status == TaskResultStatus.READY
    assert len(row.worker_ids) == 1
    assert row.run_after > timezone.now() + timedelta(seconds=30)
    assert "TimeoutError" in row.traceback
    assert Comment.objects.get().status == Comment.Status.PENDING


def test_a_comment_published_at_once_queues_no_e_mail(
    settings, silent_mail_server, comment_data, post_comment, solve_altcha
):
    use_database_queue(settings)

    response = post_comment(comment_data(altcha=solve_altcha()))

    assert response.status_code == 302
    assert Comment.objects.get().status == Comment.Status.APPROVED
    assert queued(TASK) == []


def test_a_comment_decided_before_the_worker_runs_sends_nothing(
    settings, mailoutbox, comment_data, post_comment, solve_altcha
):
    use_database_queue(settings)
    settings.COMMENTS_PREMODERATION = True
    settings.COMMENTS_MODERATOR_EMAILS = ["moderation@example.test"]
    post_comment(comment_data(altcha=solve_altcha()))
    Comment.objects.update(status=Comment.Status.APPROVED)

    run_worker()

    [row] = queued(TASK)
    assert row.status == TaskResultStatus.SUCCESSFUL and row.return_value == 0
    assert mailoutbox == []


def test_the_worker_sends_the_queued_e_mail(
    settings, mailoutbox, comment_data, post_comment, solve_altcha
):
    use_database_queue(settings)
    settings.COMMENTS_PREMODERATION = True
    settings.COMMENTS_MODERATOR_EMAILS = ["moderation@example.test"]
    post_comment(comment_data(altcha=solve_altcha()))
    assert mailoutbox == []  # queued, not sent in the request

    run_worker()

    [email] = mailoutbox
    assert email.to == ["moderation@example.test"]
    assert "Très bon article, merci à la rédaction." in email.body
    assert queued(TASK)[0].status == TaskResultStatus.SUCCESSFUL
