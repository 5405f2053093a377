"""A reader's comment goes through the input policy (docs/input.md) on the way in: no
private-use code point (the page cache's hole marks), no control character, NFC."""

import unicodedata

import pytest
from django.urls import reverse

from comments.models import Comment


@pytest.mark.parametrize(
    ("name", "comment", "stored_name", "stored_body"),
    [
        (
            "Awa\ue000comment-stamp\ue001",
            "Bravo \ue000csrf-token\ue001 à la rédaction",
            "Awacomment-stamp",
            "Bravo csrf-token à la rédaction",
        ),
        (
            unicodedata.normalize("NFD", "Aïcha Bénédicte"),
            "Ligne\x0bcollée\x00 depuis un traitement de texte\x1b[0m",
            "Aïcha Bénédicte",
            "Ligne\ncollée depuis un traitement de texte[0m",
        ),
        ("Koffi\U000f0001", "Très bien\ufffe\uffff\U0010fffd.", "Koffi", "Très bien."),
    ],
)
def test_posted_comment_is_stored_and_shown_under_the_policy(
    client,
    article,
    comment_data,
    post_comment,
    solve_altcha,
    name,
    comment,
    stored_name,
    stored_body,
):
    response = post_comment(comment_data(name=name, comment=comment, altcha=solve_altcha()))
    assert response.status_code == 302
    stored = Comment.objects.get()
    assert (stored.name, stored.body) == (stored_name, stored_body)
    stored.status = Comment.Status.APPROVED
    stored.save()
    page = client.get(article.get_absolute_url()).content.decode()
    assert stored_name in page
    for forbidden in ("\ue000", "\ue001", "\x00", "\x0b", "\ufffe", "\U000f0001"):
        assert forbidden not in page


@pytest.mark.parametrize(
    ("name", "comment", "stored_name", "stored_body"),
    [
        # Kept as typed: emoji with their joiners, flags, combining marks, bidi text.
        ("Famille 👩\u200d👩\u200d👧", "👨\u200d👩\u200d👧 🏳️\u200d🌈 🇧🇯", None, None),
        ("عائشة", "שלום مرحبا 你好 नमस्ते ሰላም", None, None),
        # A line or paragraph separator is a space in a name, kept in the text.
        ("Awa\u2028Diallo", "Ligne\u2028puis\u2029fin", "Awa Diallo", "Ligne\u2028puis\u2029fin"),
    ],
)
def test_other_scripts_and_separators_are_stored_as_the_policy_says(
    client,
    article,
    comment_data,
    post_comment,
    solve_altcha,
    name,
    comment,
    stored_name,
    stored_body,
):
    response = post_comment(comment_data(name=name, comment=comment, altcha=solve_altcha()))
    assert response.status_code == 302
    stored = Comment.objects.get()
    assert (stored.name, stored.body) == (stored_name or name, stored_body or comment)


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/x-www-form-urlencoded", b"name=%ED%A0%80Awa&comment=%FF%FE%00texte"),
        ("application/x-www-form-urlencoded", b"name=\xff\xfe&comment=\xed\xa0\x80\xc0\x80"),
        ("application/json", b'{"name": "\\ud800", "comment": "\\udfff"}'),
        (
            "multipart/form-data; boundary=xx",
            b'--xx\r\nContent-Disposition: form-data; name="comment"\r\n\r\n\xff\x00\r\n--xx--\r\n',
        ),
        ("multipart/form-data; boundary=xx", b"not a multipart body"),
        ("text/plain", b"\x00" * 64),
    ],
)
def test_a_post_of_bytes_that_are_no_text_is_a_form_error(client, article, content_type, body):
    """Lone surrogates, bytes that are not UTF-8, a broken body: the form again, never a 500."""
    url = reverse("comments:post", args=[article.slug])
    response = client.generic("POST", url, body, content_type=content_type)
    assert response.status_code == 400
    assert 'class="comment-form"' in response.text
    assert not Comment.objects.exists()
