"""A reader's comment goes through the input policy (docs/input.md) on the way in: no
private-use code point (the page cache's hole marks), no control character, NFC."""

import unicodedata

import pytest

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
