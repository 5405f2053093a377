"""The newsroom's e-mail with the database queue (production): queued by the editor's
request, sent by the worker, retried when the mail server fails."""

import pytest
from django.db import transaction
from django.tasks import TaskResultStatus
from django.urls import reverse

from articles.models import Article
from articles.newsroom import notifications, publishing
from tests.taskqueue import queued, run_worker, use_database_queue

from .conftest import article_form_data

pytestmark = pytest.mark.django_db(transaction=True)

SUBMITTED = "articles.newsroom.notifications.notify_editors_of_submission"
SENT_BACK = "articles.newsroom.notifications.notify_journalist_of_send_back"


@pytest.fixture(autouse=True)
def database_queue(settings):
    use_database_queue(settings)
    settings.TASKS_RETRY_SECONDS = 0


def test_a_submission_queues_the_editors_e_mail_and_the_worker_sends_it(
    client, journalist, editor, ready_draft, mailoutbox
):
    client.force_login(journalist)

    response = client.post(
        reverse("admin:articles_article_change", args=[ready_draft.pk]),
        article_form_data(ready_draft, _submit_review="1"),
    )

    assert response.status_code == 302
    assert Article.objects.get(pk=ready_draft.pk).status == Article.Status.IN_REVIEW
    [row] = queued(SUBMITTED)
    assert row.status == TaskResultStatus.READY and row.args_kwargs["args"] == [ready_draft.pk]
    assert mailoutbox == []  # not sent while the journalist waited

    run_worker()

    [email] = mailoutbox
    assert email.to == [editor.email]
    assert queued(SUBMITTED)[0].status == TaskResultStatus.SUCCESSFUL


def test_a_send_back_queues_the_journalists_e_mail(editor, journalist, ready_draft, mailoutbox):
    publishing.submit_for_review(ready_draft, journalist)
    publishing.send_back(Article.objects.get(pk=ready_draft.pk), editor, "Sources à citer.")

    [row] = queued(SENT_BACK)
    assert row.status == TaskResultStatus.READY
    run_worker()
    assert [email.to for email in mailoutbox if "Sources à citer." in email.body] == [
        [journalist.email]
    ]


def test_a_rolled_back_submission_queues_nothing(journalist, editor, ready_draft):
    with pytest.raises(RuntimeError), transaction.atomic():
        publishing.submit_for_review(ready_draft, journalist)
        raise RuntimeError("undone")

    assert queued() == []


def test_a_mail_server_failure_is_retried_and_the_e_mail_goes_out(
    settings, journalist, editor, ready_draft, mailoutbox, monkeypatch
):
    settings.TASKS_MAX_ATTEMPTS = 3
    real_send_mail = notifications.send_mail
    calls = []

    def down_once(*args, **kwargs):
        calls.append(args)
        if len(calls) == 1:
            raise ConnectionRefusedError("no mail server")
        return real_send_mail(*args, **kwargs)

    monkeypatch.setattr(notifications, "send_mail", down_once)
    publishing.submit_for_review(ready_draft, journalist)

    run_worker()

    [row] = queued(SUBMITTED)
    assert row.status == TaskResultStatus.SUCCESSFUL and len(row.worker_ids) == 2
    assert [email.to for email in mailoutbox] == [[editor.email]]
