"""What a reader's browser does with the comment form of a page that is the same for all:
fetch its own parts (static/js/comments-form.js), or go through the confirmation step."""

import re


def parts_url(html):
    return re.search(r'data-parts-url="([^"]+)"', html).group(1)


def form_action(html):
    return re.search(r'<form class="comment-form" method="post" action="([^"#]+)', html).group(1)


def fetch_parts(client, html):
    """The form fields comments-form.js fills in, fetched as it fetches them."""
    response = client.get(parts_url(html), HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    parts = response.json()
    return {"csrfmiddlewaretoken": parts["csrf_token"], "rendered_at": parts["rendered_at"]}


def field(html, name):
    match = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert match, f"no {name} field"
    return match.group(1)


def answer_question(html):
    """The no-JavaScript question's fields, answered."""
    label = re.search(r'for="id_question_answer">(.*?) <span', html).group(1)
    a, b = (int(n) for n in re.findall(r"\d+", label))
    return {"question_token": field(html, "question_token"), "question_answer": str(a + b)}


def confirm(client, html, **changes):
    """Send the confirmation step's form (`html`) with its token, stamp and answer."""
    data = {
        "csrfmiddlewaretoken": field(html, "csrfmiddlewaretoken"),
        "rendered_at": field(html, "rendered_at"),
        "name": field(html, "name"),
        "comment": re.search(r"<textarea[^>]*>\n?(.*?)</textarea>", html, re.S).group(1),
        "website": "",
        **answer_question(html),
        **changes,
    }
    return client.post(form_action(html), data)
