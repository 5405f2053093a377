"""Admin login: locked after 5 failures per user and client; an admin unlocks; strong passwords."""

import pytest
from axes.models import AccessAttempt
from django.apps import apps
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse

from articles.newsroom import roles
from articles.newsroom.roles import EDITORS
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# The English admin: the assertions read the English source strings.
LOGIN = "/en/admin/login/"
PASSWORD = "correct horse battery staple"


@pytest.fixture
def editor():
    roles.sync_roles(apps)  # a transactional test before may have flushed the groups
    user = UserFactory(username="editrice", is_staff=True)
    user.groups.add(Group.objects.get(name=EDITORS))
    return user


def attempt(client, username, password, ip="203.0.113.10", **extra):
    return client.post(
        LOGIN,
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=ip,
        **extra,
    )


def fail(client, username, times, ip="203.0.113.10", **extra):
    statuses = [
        attempt(client, username, "wrong-guess", ip, **extra).status_code for _ in range(times)
    ]
    client.logout()
    return statuses


def logs_in(client, username, ip="203.0.113.10"):
    response = attempt(client, username, PASSWORD, ip)
    ok = response.status_code == 302 and "_auth_user_id" in client.session
    client.logout()
    return ok


def test_four_failures_then_the_right_password_still_logs_in(client, editor):
    assert fail(client, editor.username, 4) == [200] * 4
    assert logs_in(client, editor.username)
    # A success starts the count again.
    fail(client, editor.username, 4)
    assert logs_in(client, editor.username)


def test_fifth_failure_locks_out_with_a_clear_message(client, editor):
    statuses = fail(client, editor.username, 5)
    assert statuses[:4] == [200] * 4
    assert statuses[4] == 429
    response = attempt(client, editor.username, PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    body = response.content.decode()
    assert "Login locked" in body
    assert "after 5 failed logins" in body
    assert "ask an administrator to unlock" in body
    assert int(response["Retry-After"]) == 3600
    assert "no-cache" in response["Cache-Control"]


def test_lockout_is_per_user_and_client(client, editor):
    other = UserFactory(username="redacteur", is_staff=True)
    fail(client, editor.username, 5)
    assert not logs_in(client, editor.username)
    # The same user from another client, and another user from the same client, still log in:
    # a guesser cannot lock the newsroom out of its own admin.
    assert logs_in(client, editor.username, ip="198.51.100.20")
    assert logs_in(client, other.username)


def test_forged_forwarded_for_neither_escapes_nor_spreads_the_lockout(client, editor, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    statuses = [
        attempt(
            client, editor.username, "wrong-guess", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}"
        ).status_code
        for n in range(7)
    ]
    assert statuses == [200] * 4 + [429] * 3
    assert AccessAttempt.objects.get().ip_address == "203.0.113.10"


def test_unlock_with_the_management_command(client, editor):
    fail(client, editor.username, 5)
    assert not logs_in(client, editor.username)
    call_command("axes_reset_username", editor.username, verbosity=0)
    assert logs_in(client, editor.username)


def test_an_admin_unlocks_in_the_admin(client, editor, admin_client):
    fail(client, editor.username, 5)
    attempt_row = AccessAttempt.objects.get(username=editor.username)
    changelist = admin_client.get(reverse("admin:axes_accessattempt_changelist"))
    assert changelist.status_code == 200
    assert editor.username in changelist.content.decode()
    response = admin_client.post(
        reverse("admin:axes_accessattempt_delete", args=[attempt_row.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert logs_in(client, editor.username)


def test_only_superusers_see_the_lockouts(client, editor):
    client.force_login(editor)
    response = client.get(reverse("admin:axes_accessattempt_changelist"))
    assert response.status_code == 403


@pytest.mark.parametrize("password", ["azerty", "password1234", "12345678901234", "editrice2024"])
def test_staff_passwords_are_validated_in_the_admin(admin_client, editor, password):
    response = admin_client.post(
        reverse("admin:auth_user_password_change", args=[editor.pk]),
        {"password1": password, "password2": password},
    )
    assert response.status_code == 200, "a weak password must be refused"
    assert response.context["form"].errors
    editor.refresh_from_db()
    assert editor.check_password(PASSWORD)


def test_a_new_staff_member_needs_a_strong_password(admin_client):
    response = admin_client.post(
        reverse("admin:auth_user_add"),
        {
            "username": "stagiaire",
            "password1": "stagiaire1",
            "password2": "stagiaire1",
            "usable_password": "true",
        },
    )
    assert response.status_code == 200
    assert "password2" in response.context["adminform"].form.errors
    response = admin_client.post(
        reverse("admin:auth_user_add"),
        {
            "username": "stagiaire",
            "password1": "Un-mot-de-passe-solide-42",
            "password2": "Un-mot-de-passe-solide-42",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302


def test_an_overlong_or_odd_user_name_is_a_failed_login_not_an_error(client):
    for username in ("x" * 5000, "é" * 300, "admin\x00"):
        response = attempt(client, username, "wrong-guess")
        assert response.status_code == 200, response.status_code
    assert all(len(row.username) <= 150 for row in AccessAttempt.objects.all())


def test_a_login_without_a_readable_client_address_is_recorded(client, editor):
    # force_login and some proxies give no REMOTE_ADDR: axes stores no address, no error.
    assert logs_in(client, editor.username, ip="")
    client.force_login(editor)
