"""What a reader sees after sending a comment, on a phone, with and without JavaScript.

Every test asserts what is inside the viewport (bounding boxes within innerHeight),
not only what is somewhere in the page: a message 1,700 px above the screen is a
message the reader never sees.
"""

import re
import urllib.parse

import pytest
from django.conf import settings as django_settings

from comments.models import Comment
from tests.factories import ArticleFactory

from .conftest import PHONE
from .csp import violations, watch

pytestmark = pytest.mark.django_db(transaction=True)

PAYLOAD = "<b>Mon avis</b> & « guillemets » <script>alert(1)</script>"
LONG_BODY = "".join(
    f"<p>Paragraphe {n} : le conseil a débattu longuement du budget de l’année.</p>"
    for n in range(40)
)


@pytest.fixture
def phone(chromium, live_server, cheap_captcha):
    """Open a phone-sized page, with or without JavaScript (instant scrolling)."""
    contexts = []

    def open_page(javascript=True):
        context = chromium.new_context(
            viewport=PHONE,
            base_url=live_server.url,
            locale="fr-FR",
            java_script_enabled=javascript,
            reduced_motion="reduce",
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        watch(page)
        page.posts = []
        page.on("request", lambda r: r.method == "POST" and page.posts.append(r.url))
        page.dialogs = []
        page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
        return page

    yield open_page
    for context in contexts:
        context.close()


def article_with_long_body(**fields):
    return ArticleFactory(body=LONG_BODY, **fields)


def box_in_view(locator, whole=True):
    """Whether the element is in the viewport: all of it, or (whole=False) its top."""
    locator.wait_for(state="visible")
    box = locator.bounding_box()
    height = locator.page.evaluate("window.innerHeight")
    width = locator.page.evaluate("window.innerWidth")
    assert box is not None
    bottom = box["y"] + box["height"] if whole else box["y"] + 1
    return box["y"] >= 0 and bottom <= height and box["x"] >= 0 and box["x"] < width


def write(page, name="Aïcha", text=PAYLOAD):
    page.locator("#id_name").fill(name)
    page.locator("#id_comment").fill(text)


def prove_human(page, javascript):
    """Tick the ALTCHA box (JavaScript) or answer the sum (without) where the page asks it.

    The shared article page holds no question: without JavaScript, send() answers it on
    the confirmation step.
    """
    if javascript:
        page.get_by_text("Je ne suis pas un robot", exact=True).click()
        page.wait_for_function("() => document.querySelector('input[name=altcha]')?.value")
    elif page.locator("#id_question_answer").count():
        answer(page)


def answer(page, value=None):
    question = page.locator("label[for=id_question_answer]").inner_text()
    a, b = (int(n) for n in re.findall(r"\d+", question)[:2])
    page.locator("#id_question_answer").fill(value or str(a + b))


def send(page, answer_with=None):
    """Send the form; through the confirmation step when the page leads there.

    The form may wait for the reader's parts before it goes (comments-form.js), so wait
    for the navigation itself, not for a page that is already loaded.
    """
    with page.expect_navigation():
        page.locator("form.comment-form button[type=submit]").click()
    if page.locator(".comment-confirm").count():
        # The confirmation step: the reader's text kept, in view, and the question.
        assert box_in_view(page.locator(".comment-confirm .comment-body"), whole=False)
        answer(page, answer_with)
        with page.expect_navigation():
            page.locator("form.comment-form button[type=submit]").click()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_held_comment_lands_on_itself_with_the_message_beside_it(phone, javascript, artifacts):
    article = article_with_long_body(comments_premoderated=True)
    page = phone(javascript)
    page.goto(article.get_absolute_url())
    write(page)
    prove_human(page, javascript)

    responses = []
    page.on("response", lambda r: r.request.resource_type == "document" and responses.append(r))
    send(page)

    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PENDING
    assert page.url.endswith(f"#comment-{comment.pk}")
    mine = page.locator(f"#comment-{comment.pk}")
    assert box_in_view(mine.locator(".comment-outcome"))
    assert "modérateur" in mine.locator(".comment-outcome").inner_text()
    assert box_in_view(mine.locator(".comment-body"))
    assert mine.locator(".comment-body").inner_text() == PAYLOAD  # as text, escaped
    assert mine.locator("script, b").count() == 0
    shown = responses[-1]
    assert "no-store" in shown.headers["cache-control"]
    assert "private" in shown.headers["cache-control"]
    assert django_settings.SESSION_COOKIE_NAME in {c["name"] for c in page.context.cookies()}
    assert page.dialogs == []
    assert violations(page) == []
    page.screenshot(path=artifacts / f"comment-held-{'js' if javascript else 'nojs'}.png")

    # Anyone else gets the article without it.
    other = phone(javascript)
    other.goto(article.get_absolute_url())
    assert other.locator(".comment-pending").count() == 0
    assert "Mon avis" not in other.locator("#comments").inner_text()


def test_published_comment_and_thank_you_are_both_in_view(phone, artifacts):
    article = article_with_long_body()
    page = phone(True)
    page.goto(article.get_absolute_url())
    write(page, text="Merci pour cet article très clair.")
    prove_human(page, True)

    send(page)

    comment = Comment.objects.get()
    assert comment.status == Comment.Status.APPROVED
    mine = page.locator(f"#comment-{comment.pk}")
    assert box_in_view(mine.locator(".comment-outcome"))
    assert "publié" in mine.locator(".comment-outcome").inner_text()
    assert box_in_view(mine.locator(".comment-body"))
    page.screenshot(path=artifacts / "comment-published-in-view.png")


def assert_form_back_in_view(page, message):
    """The refusal: one message saying what to do, and the reader's text, both in view."""
    error = page.locator("#comment-form-error")
    assert error.count() == 1
    assert box_in_view(error)
    assert message in error.inner_text()
    text = page.locator("#id_comment, #id_refused_comment").first
    assert box_in_view(text, whole=False)
    assert text.input_value() == PAYLOAD
    assert page.dialogs == []
    assert not Comment.objects.exists()


def test_wrong_answer_without_javascript_gives_the_form_and_text_back(phone):
    article = article_with_long_body()
    page = phone(False)
    page.goto(article.get_absolute_url())
    write(page)

    send(page, answer_with="1000")

    assert_form_back_in_view(page, "pas juste")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_rate_limit_gives_the_form_and_text_back(phone, settings, javascript, artifacts):
    settings.COMMENTS_RATE_LIMIT = 0
    article = article_with_long_body()
    page = phone(javascript)
    page.goto(article.get_absolute_url())
    write(page)
    prove_human(page, javascript)

    responses = []
    page.on("response", lambda r: r.request.resource_type == "document" and responses.append(r))
    send(page)

    assert responses[-1].status == 429
    assert int(responses[-1].headers["retry-after"]) > 0
    assert_form_back_in_view(page, "Attendez")
    page.screenshot(path=artifacts / f"comment-rate-limited-{'js' if javascript else 'nojs'}.png")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_expired_form_gives_the_form_and_text_back(phone, javascript):
    article = article_with_long_body()
    page = phone(javascript)
    page.goto(article.get_absolute_url())
    write(page)
    prove_human(page, javascript)

    def expire(route):
        # The form's stamp as a key rotation or a tampering proxy would leave it.
        if route.request.method != "POST":
            return route.continue_()
        fields = urllib.parse.parse_qsl(route.request.post_data or "", keep_blank_values=True)
        fields = [(name, "expired" if name == "rendered_at" else value) for name, value in fields]
        return route.continue_(post_data=urllib.parse.urlencode(fields))

    page.route("**/commenter/", expire)
    responses = []
    page.on("response", lambda r: r.request.resource_type == "document" and responses.append(r))
    send(page)

    assert responses[-1].status == 400
    assert_form_back_in_view(page, "Ce formulaire a expiré")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_comments_closed_while_writing_give_the_text_back(phone, javascript):
    article = article_with_long_body()
    page = phone(javascript)
    page.goto(article.get_absolute_url())
    write(page)
    prove_human(page, javascript)
    article.comments_open = False
    article.save()

    send(page)

    assert_form_back_in_view(page, "viennent de fermer")
    assert page.locator("#id_refused_comment").get_attribute("readonly") is not None


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_failed_csrf_check_keeps_the_text_and_the_confirmation_step_posts_it(phone, javascript):
    article = article_with_long_body(comments_premoderated=True)
    page = phone(javascript)
    page.goto(article.get_absolute_url())
    write(page)
    prove_human(page, javascript)
    page.context.clear_cookies()  # the CSRF cookie is gone (expired, cleared…)

    send(page)  # the confirmation step, with the text in view, then its button

    assert Comment.objects.get().status == Comment.Status.PENDING
    assert box_in_view(page.locator(".comment-pending .comment-outcome"))


def test_forgetting_the_box_is_caught_in_the_browser(phone):
    article = article_with_long_body()
    page = phone(True)
    page.goto(article.get_absolute_url())
    write(page)  # touching the form brings the widget (comments-form.js)
    page.locator("altcha-widget input[type=checkbox]").wait_for()

    page.locator("form.comment-form button[type=submit]").click()

    error = page.locator("#comment-captcha-error")
    assert box_in_view(error)
    assert "Cochez la case « Je ne suis pas un robot »" in error.inner_text()
    assert page.posts == []  # no round trip
    assert page.locator("#id_comment").input_value() == PAYLOAD

    prove_human(page, True)
    assert error.is_hidden()
    send(page)
    assert Comment.objects.count() == 1


def test_blocked_captcha_script_falls_back_to_the_question(phone):
    article = article_with_long_body()
    page = phone(True)
    page.route("**/altcha.min*.js", lambda route: route.abort())
    page.goto(article.get_absolute_url())
    write(page)

    send(page)

    assert_form_back_in_view(page, "répondez à la question")
    question = page.locator("#id_question_answer")
    assert box_in_view(question)
    prove_human(page, False)
    send(page)
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PENDING
    assert box_in_view(page.locator(f"#comment-{comment.pk} .comment-outcome"))


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_get_on_the_comment_address_lands_on_the_comments(phone, javascript):
    article = article_with_long_body()
    page = phone(javascript)

    response = page.goto(f"{article.get_absolute_url()}commenter/")

    assert response.status == 200
    assert page.url.endswith(f"{article.get_absolute_url()}#comments")
    assert box_in_view(page.locator("#comments-title"))
