"""The comment form's per-reader values, filled into pages served from the page cache.

A cached article page carries placeholders (articles.pagecache.hole) where the form's
signed render time and its no-JavaScript question go; every response gets fresh ones,
exactly as if the page had been rendered for this reader.
"""

from django.utils.html import escape

from .captcha import get_provider
from .scoring import sign_render_time


def fill_stamp(request, part, memo):
    return sign_render_time(int(part))


def fill_question(request, part, memo):
    if "question" not in memo:
        memo["question"] = get_provider().create_question()
    question, token = memo["question"]
    return token if part == "token" else escape(question)
