"""A reader's name and comment are isolated from the text around them (<bdi>,
dir="auto"): an unclosed right-to-left override (U+202E) in a name cannot reverse the
date that follows it, on the article page and on the confirmation step."""

import re
import time

import pytest
from django.test import Client
from django.urls import reverse

from comments.scoring import sign_render_time
from tests.factories import ArticleFactory, CommentFactory

pytestmark = pytest.mark.django_db

NAME = "\u202eAwa"
BODY = "\u202eMerci\u2067 pour cet article"


def test_the_comment_list_isolates_the_name_and_the_body(client):
    article = ArticleFactory(comments_open=True)
    CommentFactory(article=article, name=NAME, body=BODY)
    html = client.get(article.get_absolute_url()).content.decode()
    assert re.search(r'<bdi class="comment-author">\u202eAwa</bdi> · <time', html), html
    body = re.search(r'<div class="comment-body"([^>]*)>[^<]*(?:<[^/][^>]*>)*\u202eMerci', html)
    assert body and 'dir="auto"' in body.group(1)


def test_the_confirmation_step_isolates_the_name_and_the_body():
    article = ArticleFactory(comments_open=True)
    data = {
        "name": NAME,
        "comment": BODY,
        "website": "",
        "rendered_at": sign_render_time(article.pk, at=time.time() - 60),
    }
    browser = Client(enforce_csrf_checks=True)
    html = browser.post(reverse("comments:post", args=[article.slug]), data).content.decode()
    assert "Confirm your comment" in html or "Confirmez" in html
    assert '<bdi class="comment-author">\u202eAwa</bdi>' in html
    assert re.search(r'<div class="comment-body" dir="auto">[^\u202e]*\u202eMerci', html)
