"""The comments app's settings: defaults in the app, values from the environment."""

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from comments.conf import DEFAULTS
from comments.conf import settings as comment_settings
from comments.models import PAGE_PARAMETER, Comment
from comments.scoring import sign_render_time
from tests.factories import CommentFactory
from tests.formparts import confirm

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def bare_project(settings):
    """A project that sets no COMMENTS_* setting at all (the autouse ones removed too)."""
    for name in DEFAULTS:
        delattr(settings, name)
    return settings


def test_every_setting_left_out_reads_its_default(bare_project):
    for name, default in DEFAULTS.items():
        assert not hasattr(bare_project, name)
        assert getattr(comment_settings, name) == default


def test_a_project_value_and_an_override_win_over_the_default(settings):
    settings.COMMENTS_PER_PAGE = 7
    assert comment_settings.COMMENTS_PER_PAGE == 7
    del settings.COMMENTS_PER_PAGE
    assert comment_settings.COMMENTS_PER_PAGE == DEFAULTS["COMMENTS_PER_PAGE"] == 50
    assert comment_settings.SITE_NAME == settings.SITE_NAME  # any other setting as it is
    with pytest.raises(AttributeError):
        comment_settings.COMMENTS_NO_SUCH_SETTING  # noqa: B018


@pytest.mark.django_db
def test_without_comment_settings_the_page_paginates_at_the_app_default(
    bare_project, client, article
):
    CommentFactory.create_batch(51, article=article)

    first = client.get(article.get_absolute_url())
    second = client.get(f"{article.get_absolute_url()}?{PAGE_PARAMETER}=2")

    assert first.status_code == 200
    assert first.text.count('class="comment"') == 50
    assert f"?{PAGE_PARAMETER}=2#comments" in first.text
    assert second.text.count('class="comment"') == 1


@pytest.mark.django_db
def test_without_comment_settings_a_comment_goes_the_whole_way(bare_project, article):
    """Without JavaScript: the confirmation step, the question, held at the default score."""
    browser = Client(enforce_csrf_checks=True)
    step = browser.post(
        reverse("comments:post", args=[article.slug]),
        {"name": "Aïcha", "comment": "Sans réglages.", "website": "", "rendered_at": ""},
    )
    assert step.status_code == 200 and "Confirm your comment" in step.text

    shown_a_minute_ago = sign_render_time(article.pk, at=time.time() - 60)
    response = confirm(browser, step.text, rendered_at=shown_a_minute_ago)

    assert response.status_code == 302
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PENDING
    assert comment.score == DEFAULTS["COMMENTS_NOJS_SCORE"]


def test_the_app_reads_its_settings_only_through_its_conf():
    """A module that read a COMMENTS_* setting from django.conf would fail in a project
    that leaves it out."""
    for path in (ROOT / "comments").rglob("*.py"):
        if "migrations" in path.parts or path.name == "conf.py":
            continue
        source = path.read_text()
        if re.search(r"\bsettings\.COMMENTS_", source):
            assert "from django.conf import settings" not in source, path
            assert re.search(r"from \.+conf import settings", source), path


def test_the_reference_lists_every_setting():
    reference = (ROOT / "docs" / "comments.md").read_text()
    for name in DEFAULTS:
        assert f"`{name}`" in reference, name


def test_the_environment_can_set_every_setting_of_the_app():
    from newsportal import settings as project_module

    assert set(project_module._comments_environment) == set(DEFAULTS)


def settings_of(**environment):
    """The COMMENTS_* settings a fresh process gets from this environment, and its exit."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("COMMENTS_")}
    env.update(DEBUG="true", **environment)
    code = (
        "import django, json; django.setup(); from django.conf import settings; "
        "print(json.dumps({n: getattr(settings, n) for n in dir(settings) "
        "if n.startswith('COMMENTS_')}))"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_environment_variables_set_the_project_settings_and_nothing_else():
    import json

    bare = settings_of()
    assert bare.returncode == 0, bare.stderr
    assert json.loads(bare.stdout) == {}

    result = settings_of(
        COMMENTS_PER_PAGE="7",
        COMMENTS_PREMODERATION="true",
        COMMENTS_REJECT_BELOW="0.25",
        COMMENTS_MODERATOR_EMAILS="a@example.test,b@example.test",
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "COMMENTS_PER_PAGE": 7,
        "COMMENTS_PREMODERATION": True,
        "COMMENTS_REJECT_BELOW": 0.25,
        "COMMENTS_MODERATOR_EMAILS": ["a@example.test", "b@example.test"],
    }


@pytest.mark.parametrize(
    ("environment", "message"),
    [
        ({"COMMENTS_CAPTCHA_PROVIDER": "hcaptcha"}, "must be builtin or recaptcha"),
        ({"COMMENTS_CAPTCHA_PROVIDER": "recaptcha"}, "needs COMMENTS_RECAPTCHA_SITE_KEY"),
        (
            {"COMMENTS_CAPTCHA_PROVIDER": "recaptcha", "COMMENTS_RECAPTCHA_SITE_KEY": "k"},
            "needs COMMENTS_RECAPTCHA_SITE_KEY",
        ),
    ],
)
def test_a_captcha_set_up_wrong_stops_the_start_with_one_line(environment, message):
    result = settings_of(**environment)
    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == [result.stderr.strip()]
    assert message in result.stderr
