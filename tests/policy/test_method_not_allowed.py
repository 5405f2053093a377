"""A request by a method an address does not take (a 405) gets the site's page, in the
reader's language, with the Allow header that says which methods it takes."""

import pytest
from django.urls import reverse

from tests.factories import ArticleFactory, CommentFactory

pytestmark = pytest.mark.django_db


def test_a_form_address_posted_to_the_wrong_way_gets_the_sites_405_page(client):
    article = ArticleFactory(title="Un article à commenter")
    comment = CommentFactory(article=article, status="approved")
    cases = [
        (client.post, reverse("comments:form-parts", args=[article.slug]), "GET"),
        (client.post, reverse("comments:reply", args=[article.slug, comment.pk]), "GET"),
        (client.post, reverse("comments:altcha-challenge"), "GET"),
    ]
    for send, url, allowed in cases:
        response = send(url)
        assert response.status_code == 405, url
        assert allowed in response["Allow"], url
        html = response.content.decode()
        assert "Cette adresse n’accepte pas cette demande" in html, url
        assert 'href="/"' in html and '<meta name="robots" content="noindex">' in html, url
        assert response["Content-Type"].startswith("text/html"), url


def test_the_405_page_speaks_the_readers_language(client):
    article = ArticleFactory()
    response = client.post(
        "/en" + reverse("comments:form-parts", args=[article.slug]), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 405
    assert "This address does not take that request" in response.content.decode()


def test_a_405_with_a_body_of_its_own_is_left_alone(rf):
    from django.http import HttpResponseNotAllowed

    from newsportal.views import MethodNotAllowedPageMiddleware

    own = HttpResponseNotAllowed(["POST"], content=b'{"error": "POST only"}')
    middleware = MethodNotAllowedPageMiddleware(lambda request: own)
    assert middleware(rf.get("/")) is own
