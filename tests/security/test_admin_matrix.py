"""Every role against every newsroom URL, opened directly (no link needed to find them).

tests/newsroom/test_permissions.py checks what each role can do with articles in
detail; this is the whole matrix in one table, with the comments, users and lockout
screens that the newsroom tests do not cover.
"""

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.urls import reverse

from articles.newsroom import roles
from tests.factories import ArticleFactory, CommentFactory, SectionFactory, UserFactory

pytestmark = pytest.mark.django_db

OK, DENIED = 200, 403


@pytest.fixture
def objects():
    roles.sync_roles(apps)
    owner = UserFactory(username="awa", is_staff=True)
    owner.groups.add(Group.objects.get(name=roles.JOURNALISTS))
    draft = ArticleFactory(owner=owner, status="draft")
    comment = CommentFactory()
    return {"owner": owner, "draft": draft, "comment": comment, "section": SectionFactory()}


def urls(objects):
    draft, comment = objects["draft"], objects["comment"]
    return {
        "articles": reverse("admin:articles_article_changelist"),
        "article add": reverse("admin:articles_article_add"),
        "own draft": reverse("admin:articles_article_change", args=[draft.pk]),
        "article delete": reverse("admin:articles_article_delete", args=[draft.pk]),
        "article history": reverse("admin:articles_article_history", args=[draft.pk]),
        "sections": reverse("admin:articles_section_changelist"),
        "section add": reverse("admin:articles_section_add"),
        "ad slots": reverse("admin:articles_adslot_changelist"),
        "comments": reverse("admin:comments_comment_changelist"),
        "comment": reverse("admin:comments_comment_change", args=[comment.pk]),
        "comment delete": reverse("admin:comments_comment_delete", args=[comment.pk]),
        "users": reverse("admin:auth_user_changelist"),
        "user add": reverse("admin:auth_user_add"),
        "groups": reverse("admin:auth_group_changelist"),
        "lockouts": reverse("admin:axes_accessattempt_changelist"),
    }


# What each role gets at each URL.
MATRIX = {
    roles.JOURNALISTS: {
        "articles": OK, "article add": OK, "own draft": OK, "article delete": DENIED,
        "article history": OK, "sections": OK, "section add": DENIED, "ad slots": DENIED,
        "comments": DENIED, "comment": DENIED, "comment delete": DENIED, "users": DENIED,
        "user add": DENIED, "groups": DENIED, "lockouts": DENIED,
    },
    roles.EDITORS: {
        "articles": OK, "article add": OK, "own draft": OK, "article delete": OK,
        "article history": OK, "sections": OK, "section add": OK, "ad slots": OK,
        "comments": DENIED, "comment": DENIED, "comment delete": DENIED, "users": DENIED,
        "user add": DENIED, "groups": DENIED, "lockouts": DENIED,
    },
    roles.MODERATORS: {
        "articles": DENIED, "article add": DENIED, "own draft": DENIED,
        "article delete": DENIED, "article history": DENIED, "sections": DENIED,
        "section add": DENIED, "ad slots": DENIED, "comments": OK, "comment": OK,
        "comment delete": OK, "users": DENIED, "user add": DENIED, "groups": DENIED,
        "lockouts": DENIED,
    },
}  # fmt: skip


@pytest.mark.parametrize("role", list(MATRIX))
def test_each_role_reaches_exactly_its_screens(client, objects, role):
    if role == roles.JOURNALISTS:
        user = objects["owner"]  # "own draft" is this journalist's
    else:
        user = UserFactory(username=f"staff-{role.lower()}", is_staff=True)
        user.groups.add(Group.objects.get(name=role))
    client.force_login(user)
    got = {name: client.get(url).status_code for name, url in urls(objects).items()}
    assert got == MATRIX[role]


def test_anonymous_is_sent_to_the_login_page_everywhere(client, objects):
    for name, url in urls(objects).items():
        response = client.get(url)
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("admin:login")), name


def test_a_staff_member_with_no_role_reaches_nothing(client, objects):
    client.force_login(UserFactory(username="stagiaire", is_staff=True))
    assert {client.get(url).status_code for url in urls(objects).values()} == {DENIED}
