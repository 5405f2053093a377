"""What a reader sees of the comments on the article page."""

import pytest
from django.urls import reverse

from comments.conf import settings as comment_settings
from comments.models import Comment
from tests.factories import ArticleFactory, CommentFactory

pytestmark = pytest.mark.django_db


def test_only_approved_comments_show_oldest_first_with_the_count(client, article):
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    CommentFactory(article=article, body="Deuxième avis", created_at=now - timedelta(minutes=5))
    CommentFactory(article=article, body="Premier avis", created_at=now - timedelta(minutes=9))
    for status in ("pending", "rejected", "spam"):
        CommentFactory(article=article, body=f"Caché {status}", status=status)
    CommentFactory(body="Sur un autre article")

    html = client.get(article.get_absolute_url()).text

    assert "2 comments" in html
    assert html.index("Premier avis") < html.index("Deuxième avis")
    assert "Caché" not in html
    assert "Sur un autre article" not in html


def test_reader_text_is_escaped_with_line_breaks_kept_and_links_marked_ugc(client, article):
    CommentFactory(
        article=article,
        name='<img src=x onerror="alert(1)">',
        body="Ligne un\n<script>alert('x')</script>\nVoir https://exemple.test/page?a=1&b=2",
    )

    html = client.get(article.get_absolute_url()).text

    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html
    assert "Ligne un<br>&lt;script&gt;" in html
    assert (
        '<a href="https://exemple.test/page?a=1&amp;b=2" rel="nofollow ugc noopener">'
        "https://exemple.test/page?a=1&amp;b=2</a>"
    ) in html


def test_client_ip_never_reaches_the_page(client, article):
    CommentFactory(article=article, ip_address="203.0.113.99", user_agent="Robot/1.0")

    html = client.get(article.get_absolute_url()).text

    assert "203.0.113.99" not in html
    assert "Robot/1.0" not in html


def test_form_has_name_comment_honeypot_and_its_loader_inside_comments(client, article):
    html = client.get(article.get_absolute_url()).text
    section = html[html.index('id="comments"') : html.index('id="related"')]

    assert 'name="name"' in section
    assert 'name="comment"' in section
    assert 'class="comment-hp"  aria-hidden="true"' in section
    assert 'name="website" tabindex="-1" autocomplete="off"' in section
    assert f'action="{reverse("comments:post", args=[article.slug])}#comment-form"' in section
    assert f'data-parts-url="{reverse("comments:form-parts", args=[article.slug])}"' in section
    assert "comments-form.js" in section and "<noscript>" in section
    # The widget and its code come only when the reader touches the form.
    assert "<altcha-widget" not in section and "altcha.min.js" not in html


def test_scripts_come_from_the_site_with_no_nonce(client, article):
    response = client.get(article.get_absolute_url())
    csp = response["Content-Security-Policy"]

    assert "script-src 'self'" in csp and "nonce" not in csp and "unsafe-inline" not in csp
    assert "nonce=" not in response.text
    assert "blob:" not in csp


@pytest.mark.parametrize("count", [0, 10, 500])
def test_article_page_query_count_does_not_grow_with_comments(
    client, django_assert_num_queries, settings, count
):
    settings.PAGE_CACHE_SECONDS = 0  # measure the rendering itself, not a page-cache hit
    article = ArticleFactory()
    CommentFactory.create_batch(count, article=article)
    # Warm the section menu and « most read », as in production; the page's fragments
    # (related articles, comment list) stay cold so that every query is counted.
    from articles.discovery.readership import most_read
    from articles.discovery.sections import section_tree
    from comments.heat import hot_map

    section_tree()
    most_read()
    hot_map()  # the stories under pre-moderation after a flood (comments.heat)

    # article (with whether it has corrections), tags+authors, related, ad, comments
    with django_assert_num_queries(5):
        response = client.get(article.get_absolute_url())

    assert f"{count} comment" in response.text
    shown = min(count, comment_settings.COMMENTS_PER_PAGE)
    assert response.text.count('class="comment"') == shown


@pytest.mark.parametrize("count", [0, 10, 500])
def test_article_page_cold_cache_stays_within_eight_queries(
    client, django_assert_max_num_queries, count
):
    article = ArticleFactory()
    CommentFactory.create_batch(count, article=article)

    with django_assert_max_num_queries(8):
        client.get(article.get_absolute_url())


def test_comment_pages_link_to_each_other_and_bad_numbers_do_not_fail(client, settings, article):
    settings.COMMENTS_PER_PAGE = 3
    for number in range(7):
        CommentFactory(article=article, body=f"Avis numéro {number}")
    url = article.get_absolute_url()

    second = client.get(url, {"commentaires": 2}).text
    assert "Avis numéro 3" in second and "Avis numéro 0" not in second
    assert "?commentaires=1#comments" in second and "?commentaires=3#comments" in second
    past_the_end = client.get(url, {"commentaires": 99})
    assert past_the_end.status_code == 302
    assert past_the_end["Location"] == f"{url}?commentaires=3#comments"
    assert "Avis numéro 6" in client.get(url, {"commentaires": 99}, follow=True).text
    assert "Avis numéro 0" in client.get(url, {"commentaires": "abc"}).text
    assert client.get(url, {"commentaires": -4}).status_code == 200


def test_closed_article_shows_comments_but_no_form(client, article):
    CommentFactory(article=article, body="Un avis d’avant")
    article.comments_open = False
    article.save()

    html = client.get(article.get_absolute_url()).text

    assert "Un avis d’avant" in html
    assert "Comments are closed on this article." in html
    assert 'name="comment"' not in html


def test_comments_close_by_themselves_after_the_configured_days(client, settings):
    from datetime import timedelta

    from django.utils import timezone

    settings.COMMENTS_CLOSE_AFTER_DAYS = 30
    old = ArticleFactory(published_at=timezone.now() - timedelta(days=31))
    recent = ArticleFactory(published_at=timezone.now() - timedelta(days=29))

    assert 'name="comment"' not in client.get(old.get_absolute_url()).text
    assert 'name="comment"' in client.get(recent.get_absolute_url()).text

    settings.COMMENTS_CLOSE_AFTER_DAYS = 0
    assert 'name="comment"' in client.get(old.get_absolute_url()).text


def test_comment_url_points_at_its_anchor(article):
    comment = CommentFactory(article=article)

    assert comment.get_absolute_url() == f"{article.get_absolute_url()}#comment-{comment.pk}"
    assert str(comment).startswith(f"{comment.name}: ")
    assert Comment.objects.approved().count() == 1


def test_published_comment_redirects_to_the_page_that_shows_it(
    settings, client, article, comment_data, post_comment, solve_altcha
):
    settings.COMMENTS_PER_PAGE = 2
    CommentFactory.create_batch(2, article=article)

    response = post_comment(comment_data(altcha=solve_altcha()))

    comment = Comment.objects.latest("pk")
    assert response["Location"].endswith(f"?commentaires=2#comment-{comment.pk}")
    assert f'id="comment-{comment.pk}"' in client.get(response["Location"]).text


def test_reader_text_is_escaped_even_when_marked_safe():
    from django.utils.safestring import mark_safe

    from comments.templatetags.comments import comment_text

    rendered = comment_text(mark_safe("<b>gras</b>\nwww.exemple.org"))

    assert rendered == (
        "&lt;b&gt;gras&lt;/b&gt;<br>"
        '<a href="https://www.exemple.org" rel="nofollow ugc noopener">www.exemple.org</a>'
    )
