"""What an editor stores is what readers get: the allow-list, and hostile inputs."""

import pytest
from django_prose_editor.config import allowlist_from_extensions

from articles.content.sanitize import (
    ALLOWED_ATTRIBUTES,
    ALLOWED_TAGS,
    EDITOR_EXTENSIONS,
    sanitize_html,
)
from articles.models import Article

ALLOWED = [
    "<h2>Titre</h2>",
    "<h3>Sous-titre</h3>",
    "<p>Un <strong>mot</strong> et un <em>autre</em>.</p>",
    "<ul><li>un</li><li>deux</li></ul>",
    '<ol start="3"><li>trois</li></ol>',
    "<blockquote><p>Une citation.</p></blockquote>",
    '<figure><img src="/media/a.jpg" alt="Une photo"><figcaption>Légende</figcaption></figure>',
    '<p><a href="https://example.org/">lien</a></p>',
]


@pytest.mark.parametrize("html", ALLOWED)
def test_allowed_markup_survives(html):
    cleaned = sanitize_html(html)
    for tag in ("h2", "h3", "strong", "em", "li", "blockquote", "figcaption", "a"):
        if f"<{tag}" in html:
            assert f"<{tag}" in cleaned


HOSTILE = {
    "script": ('<p>ok</p><script>alert("x")</script>', ["<script", "alert("]),
    "event handler": ('<p onclick="alert(1)">ok</p>', ["onclick", "alert"]),
    "img onerror": ('<img src="x" onerror="alert(1)">', ["onerror"]),
    "javascript link": ('<a href="javascript:alert(1)">clic</a>', ["javascript:"]),
    "encoded javascript": ('<a href="jav&#x61;script:alert(1)">clic</a>', ["script:"]),
    "data url link": ('<a href="data:text/html,<script>alert(1)</script>">x</a>', ["data:"]),
    "style attribute": ('<p style="position:fixed;top:0">ok</p>', ["style", "position"]),
    "style element": ("<style>body{display:none}</style><p>ok</p>", ["<style", "display"]),
    "iframe": ('<iframe src="https://evil.example/"></iframe><p>ok</p>', ["<iframe", "evil"]),
    "object": ('<object data="x.swf"></object>', ["<object"]),
    "form": ('<form action="https://evil.example/"><input name="p"></form>', ["<form", "<input"]),
    "svg": ("<svg><script>alert(1)</script></svg>", ["<svg", "<script"]),
    "meta refresh": ('<meta http-equiv="refresh" content="0;url=/x">', ["<meta"]),
    "class and id": ('<p class="x" id="y">ok</p>', ["class=", "id="]),
    "comment": ("<!--[if IE]><script>x</script><![endif]--><p>ok</p>", ["<!--", "<script"]),
    "target blank": ('<a href="https://example.org/" target="_blank">x</a>', ["target="]),
}


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_markup_is_removed(name):
    html, forbidden = HOSTILE[name]
    cleaned = sanitize_html(html).lower()
    for needle in forbidden:
        assert needle.lower() not in cleaned, (name, cleaned)


def test_links_to_other_sites_get_noopener():
    cleaned = sanitize_html('<a href="https://example.org/" rel="opener">x</a>')
    assert 'rel="noopener noreferrer"' in cleaned
    assert "opener noreferrer" in cleaned


def test_article_save_sanitizes_the_body(section):
    article = Article.objects.create(
        title="Test", section=section, body='<p onclick="x()">Texte</p><script>x()</script>'
    )
    article.refresh_from_db()
    assert article.body == "<p>Texte</p>"


def test_empty_editor_paragraph_is_stored_empty():
    assert sanitize_html("<p></p>") == ""


def test_editor_offers_only_what_the_sanitizer_keeps():
    editor = allowlist_from_extensions(EDITOR_EXTENSIONS)
    assert editor["tags"] <= ALLOWED_TAGS
    # Link attributes the editor may add (rel, title) are rebuilt by the sanitizer.
    assert editor["attributes"]["a"] - ALLOWED_ATTRIBUTES["a"] <= {"rel"}
    assert editor["url_schemes"] <= {"http", "https", "mailto"}


def test_model_validation_uses_our_sanitizer():
    # The admin form validates the model, so the form shows the cleaned body on errors.
    field = Article._meta.get_field("body")
    assert field.clean('<p>ok</p><iframe src="x"></iframe>', None) == "<p>ok</p>"


def test_the_empty_paragraph_after_a_last_photo_is_not_stored():
    from articles.content.sanitize import sanitize_html

    body = '<p>Le marché.</p><figure data-image="12"></figure><p></p>'
    assert sanitize_html(body) == '<p>Le marché.</p><figure data-image="12"></figure>'
    assert sanitize_html("<p>a</p><p></p><p>b</p>") == "<p>a</p><p></p><p>b</p>"
