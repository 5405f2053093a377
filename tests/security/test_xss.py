"""XSS: every payload of the corpus, through every field a reader or a journalist fills,
is stored as given (or sanitized, for the article body) and rendered inert."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from articles.content.sanitize import sanitize_html
from articles.models import Article, Image
from comments.forms import CommentForm
from comments.models import PAGE_PARAMETER, Comment
from newsportal.textinput import clean_text
from tests.factories import ArticleFactory, ImageFactory, UserFactory

from .conftest import comment_post, solve_altcha
from .inert import assert_inert, inspect
from .xss_payloads import PAYLOADS

pytestmark = pytest.mark.django_db

# PostgreSQL cannot store NUL: the forms refuse it (tested below); model-level saves skip it.
STORABLE = [payload for payload in PAYLOADS if "\x00" not in payload]


# The article body may hold photos: the sanitizer keeps <img> (with its src checked).
EDITOR_TAGS = {"img"}


def chunks(items, size):
    return [items[i : i + size] for i in range(0, len(items), size)]


def test_the_corpus_is_large_and_varied():
    assert len(PAYLOADS) >= 300
    assert len(set(PAYLOADS)) == len(PAYLOADS)
    for family in ("<script", "onerror=", "javascript:", "&#", "<svg", "<math", "{{", "{%"):
        assert any(family in payload.lower() for payload in PAYLOADS), family


def comment_pages(client, article):
    count = Comment.objects.approved().filter(article=article).count()
    pages = -(-count // 50)
    url = article.get_absolute_url()
    return [client.get(url, {PAGE_PARAMETER: number}) for number in range(1, pages + 1)]


def test_comment_text_through_the_post_pipeline_is_stored_as_written_and_inert(
    client, cheap_captcha, article, settings
):
    settings.COMMENTS_RATE_LIMIT = 1000
    settings.COMMENTS_PER_PAGE = 50
    # A harmless page with a comment holding a link and line breaks: the reference.
    Comment.objects.create(
        article=article,
        name="Aïcha",
        body="Voir https://example.org/\net merci.",
        status=Comment.Status.APPROVED,
    )
    baseline = client.get(article.get_absolute_url())

    sent = []
    for number, batch in enumerate(chunks(STORABLE, 30)):
        body = "\n".join(batch)
        response = client.post(
            reverse("comments:post", args=[article.slug]),
            comment_post(article, comment=body, altcha=solve_altcha(client)),
            REMOTE_ADDR=f"198.51.100.{number + 1}",
        )
        assert response.status_code == 302, response.status_code
        sent.append(body)
    stored = list(
        Comment.objects.filter(article=article).exclude(name="Aïcha", body__startswith="Voir")
    )
    # Stored as written, under the input policy only (docs/input.md: NFC, no control,
    # private-use or noncharacter code point): escaping happens on output, never on the
    # way in.
    assert sorted(c.body for c in stored) == sorted(clean_text(body).strip() for body in sent)
    Comment.objects.filter(article=article).update(status=Comment.Status.APPROVED)
    for page in comment_pages(client, article):
        assert_inert(page, baseline)
        assert "&lt;script&gt;" in page.content.decode()


def test_comment_names_are_stored_as_written_and_inert(client, article, settings):
    settings.COMMENTS_PER_PAGE = 50
    Comment.objects.create(
        article=article, name="Aïcha", body="Merci.", status=Comment.Status.APPROVED
    )
    baseline = client.get(article.get_absolute_url())
    accepted = []
    for payload in PAYLOADS:
        form = CommentForm(comment_post(article, name=payload, comment="Un avis."), article=article)
        if form.is_valid():
            accepted.append(form.cleaned_data["name"])
        else:
            # Refused (too long, a NUL character): nothing stored, nothing shown.
            assert set(form.errors) == {"name"}, form.errors
    assert len(accepted) >= 300
    Comment.objects.bulk_create(
        Comment(article=article, name=name, body="Un avis.", status=Comment.Status.APPROVED)
        for name in accepted
    )
    for page in comment_pages(client, article):
        assert_inert(page, baseline)


def test_the_sanitizer_leaves_nothing_active_in_any_payload():
    for payload in PAYLOADS:
        clean = sanitize_html(payload)
        page = inspect(clean)
        assert page.problems == [], (payload, clean)
        assert not {
            "script",
            "iframe",
            "svg",
            "math",
            "object",
            "embed",
            "style",
            "form",
            "input",
            "meta",
            "base",
            "link",
            "details",
        } & set(page.tags), (
            payload,
            clean,
        )
        # Sanitizing is stable: what is stored is what readers get.
        assert sanitize_html(clean) == clean


def test_article_body_saved_by_the_model_renders_inert(client):
    article = ArticleFactory(body="<p>Un paragraphe <a href='https://example.org/'>lien</a></p>")
    baseline = client.get(article.get_absolute_url())
    for batch in chunks(STORABLE, 60):
        fresh = Article.objects.get(pk=article.pk)
        fresh.body = "".join(f"<p>{payload}</p>" for payload in batch)
        fresh.save()
        assert_inert(client.get(article.get_absolute_url()), baseline, allowed=EDITOR_TAGS)


def test_article_body_posted_through_the_admin_is_sanitized(client, settings):
    from django.apps import apps
    from django.contrib.auth.models import Group

    from articles.newsroom import roles
    from tests.newsroom.conftest import article_form_data

    roles.sync_roles(apps)
    editor = UserFactory(username="chef", is_staff=True)
    editor.groups.add(Group.objects.get(name=roles.EDITORS))
    article = ArticleFactory(body="<p>Un paragraphe.</p>", status="published")
    baseline = client.get(article.get_absolute_url())
    client.force_login(editor)
    hostile = "".join(f"<p>{payload}</p>" for payload in STORABLE)
    response = client.post(
        reverse("admin:articles_article_change", args=[article.pk]),
        article_form_data(article, body=hostile),
    )
    assert response.status_code == 302, (
        response.context and response.context["adminform"].form.errors
    )
    article.refresh_from_db()
    assert "alert(1)" in article.body or "__xss" in article.body  # kept as text, not dropped
    assert sanitize_html(article.body) == article.body
    assert inspect(article.body).problems == []
    client.logout()
    assert_inert(client.get(article.get_absolute_url()), baseline, allowed=EDITOR_TAGS)


def test_caption_alt_text_and_credit_render_inert(client):
    image = ImageFactory(alt_text="Une salle", caption="Une légende", credit="Rédaction")
    article = ArticleFactory(hero_image=image)
    baseline = client.get(article.get_absolute_url())
    # Several payloads per field and per page: each field holds what it can.
    for batch in chunks(STORABLE, 5):
        joined = " ".join(batch)
        Image.objects.filter(pk=image.pk).update(
            alt_text=joined[:250], caption=joined[:300], credit=batch[0][:120]
        )
        assert_inert(client.get(article.get_absolute_url()), baseline)


def test_tags_render_inert_on_the_article_and_tag_pages(client):
    article = ArticleFactory(tags=["diplomatie"])
    baseline = client.get(article.get_absolute_url())
    tag_baseline = client.get(reverse("articles:tag", args=["diplomatie"]))
    names = [payload[:100] for payload in STORABLE]
    article.tags.add(*names)
    # One <meta property="article:tag"> per tag: more of them, each checked as text.
    assert_inert(client.get(article.get_absolute_url()), baseline, allowed={"meta"})
    for tag in article.tags.exclude(slug="diplomatie")[:40]:
        if tag.slug:
            assert_inert(client.get(reverse("articles:tag", args=[tag.slug])), tag_baseline)


def test_search_queries_render_inert(client):
    ArticleFactory(title="Le sommet de Cotonou")
    search = reverse("articles:search")
    baseline = client.get(search, {"q": "introuvable"})
    # Several payloads per query: the query is echoed in the box, the title, the message.
    for batch in chunks(PAYLOADS, 4):
        response = client.get(search, {"q": " ".join(batch)})
        assert_inert(response, baseline)


def test_search_snippets_of_hostile_articles_render_inert(client):
    """Snippets are made from the body's text (tags stripped, entities decoded): a
    payload written as text by a journalist comes back in them, escaped."""
    for batch in chunks(STORABLE, 40):
        ArticleFactory(
            title="Sommet et charabia",
            standfirst=" ".join(batch)[:300],
            body="".join(f"<p>sommet {escape(payload)}</p>" for payload in batch),
        )
    search = reverse("articles:search")
    ArticleFactory(title="Sommet tranquille")
    baseline = client.get(search, {"q": "tranquille"})
    for sort in ("", "date"):
        response = client.get(search, {"q": "sommet charabia", "sort": sort})
        page = assert_inert(response, baseline, allowed={"mark"})
        assert page.tags["mark"] >= 1  # highlighted: the snippets are there
