"""In Chromium: what an article page weighs, and a comment posted from a cached page."""

import re

import pytest

from comments.models import Comment
from tests.factories import ArticleFactory, CommentFactory, ImageFactory, SectionFactory

from .weight import transferred

pytestmark = pytest.mark.django_db(transaction=True)

# The article page on a first visit, photos aside, as compressed on the wire: the captcha
# widget is not in it (it loads when the reader touches the comment form).
BUDGET = 40 * 1024


@pytest.fixture
def busy_article(db):
    section = SectionFactory(name="Diplomatie", slug="diplomatie")
    article = ArticleFactory(
        title="Le sommet de la CEDEAO s’ouvre à Abuja",
        section=section,
        hero_image=ImageFactory(),
        tags=["CEDEAO", "Nigeria", "diplomatie", "sommet"],
        body="".join(
            f"<p>Paragraphe {n} : " + "texte de l’article " * 40 + "</p>" for n in range(8)
        ),
    )
    for _ in range(10):
        other = ArticleFactory(section=section, tags=["CEDEAO"], hero_image=ImageFactory())
        article.related_articles.add(other)
    CommentFactory.create_batch(50, article=article)
    return article


def test_article_page_without_photos_weighs_at_most_40_kb(
    page, busy_article, collected_static, artifacts
):
    """Each file counted as production sends it to Chromium over HTTP: static files as the
    gzip copies collectstatic made (whitenoise serves them; brotli too over HTTPS), the
    page gzip-compressed as the proxy in front of gunicorn sends it, plus headers."""
    loaded = []
    page.on("response", lambda response: loaded.append(response))
    page.goto(busy_article.get_absolute_url(), wait_until="networkidle")

    rows, total_gzip, _, report = transferred(loaded, collected_static)
    (artifacts / "article-weight.txt").write_text(report)
    assert any(t == "stylesheet" for _, t, _, _ in rows)
    assert not any("altcha" in p for p, _, _, _ in rows), report
    assert total_gzip <= BUDGET, report


def test_second_reader_posts_a_comment_from_a_page_served_from_the_cache(
    page, chromium, live_server, cheap_captcha, artifacts
):
    article = ArticleFactory(title="Un article très lu")
    url = f"/en{article.get_absolute_url()}"  # the English strings are the source ones
    first = chromium.new_context(base_url=live_server.url, locale="fr-FR")
    first_page = first.new_page()
    assert first_page.goto(url).headers["x-page-cache"] == "miss"
    first.close()

    response = page.goto(url)  # another reader, another session
    assert response.headers["x-page-cache"] == "hit"
    page.locator("#id_name").fill("Seconde lectrice")
    page.locator("#id_comment").fill("Publié depuis une page servie par le cache.")
    page.locator("altcha-widget").get_by_text("I'm not a robot", exact=True).click()
    page.wait_for_function("() => document.querySelector('input[name=altcha]')?.value")
    page.get_by_role("button", name="Post the comment").click()

    page.get_by_text("Thank you, your comment is published.").wait_for()
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.APPROVED
    assert page.locator(f"#comment-{comment.pk}").inner_text().count("Publié depuis une page")
    page.screenshot(path=artifacts / "comment-from-cached-page.png")


def test_reader_without_javascript_posts_from_a_cached_page(chromium, live_server, cheap_captcha):
    article = ArticleFactory(title="Un article lu sans JavaScript")
    url = f"/en{article.get_absolute_url()}"
    warm = chromium.new_context(base_url=live_server.url)
    warm.new_page().goto(url)
    warm.close()

    context = chromium.new_context(
        base_url=live_server.url, locale="fr-FR", java_script_enabled=False
    )
    page = context.new_page()
    assert page.goto(url).headers["x-page-cache"] == "hit"
    page.locator("#id_name").fill("Lecteur sans JS")
    page.locator("#id_comment").fill("Je lis <sans> JavaScript.")
    page.get_by_role("button", name="Post the comment").click()

    # The confirmation step: the reader's text (escaped), the question, a button.
    page.get_by_role("heading", name="Confirm your comment").wait_for()
    assert not Comment.objects.exists()
    assert (
        page.locator(".comment-preview .comment-body").inner_text() == "Je lis <sans> JavaScript."
    )
    assert page.locator("#id_comment").input_value() == "Je lis <sans> JavaScript."
    label = page.locator("label[for=id_question_answer]").inner_text()
    a, b = (int(n) for n in re.findall(r"\d+", label)[:2])
    page.locator("#id_question_answer").fill(str(a + b))
    page.get_by_role("button", name="Confirm and post the comment").click()
    page.get_by_text("It will appear once a moderator has read it.").wait_for()
    comment = Comment.objects.get()
    assert comment.name == "Lecteur sans JS" and comment.body == "Je lis <sans> JavaScript."
    context.close()
