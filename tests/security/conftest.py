"""Fixtures for the attack tests: a cheap proof of work and its solver, an article."""

import time

import altcha
import pytest
from django.urls import reverse

from comments.scoring import sign_render_time
from tests.factories import ArticleFactory


@pytest.fixture
def cheap_captcha(settings):
    """A proof of work that takes milliseconds; the rest of the pipeline as in production."""
    settings.COMMENTS_CAPTCHA_PROVIDER = "builtin"
    settings.COMMENTS_ALTCHA_COST = 10
    settings.COMMENTS_ALTCHA_MIN_COUNTER = 1
    settings.COMMENTS_ALTCHA_MAX_COUNTER = 30
    settings.COMMENTS_PREMODERATION = False
    return settings


@pytest.fixture
def article(db):
    return ArticleFactory(title="Le sommet de Cotonou", comments_open=True)


def solve_altcha(client):
    """Fetch a challenge from the site and solve it as the widget would."""
    challenge = altcha.Challenge.from_dict(client.get(reverse("comments:altcha-challenge")).json())
    solution = altcha.solve_challenge(challenge, timeout=30)
    assert solution is not None
    return altcha.Payload(challenge, solution).to_base64()


def comment_post(article, **fields):
    """The POST a reader's browser sends, form shown a minute ago."""
    return {
        "name": "Aïcha",
        "comment": "Très bon article.",
        "website": "",
        "rendered_at": sign_render_time(article.pk, at=time.time() - 60),
        **fields,
    }
