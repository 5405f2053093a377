"""One client flooding an article: 429 with Retry-After, no server error, nothing lost."""

import pytest

from comments.models import Comment

pytestmark = pytest.mark.django_db


def test_flood_from_one_client_gets_429_and_every_acknowledged_comment_is_kept(
    settings, client, comment_data, post_comment, solve_altcha
):
    settings.COMMENTS_RATE_LIMIT = 8
    statuses, acknowledged = [], []
    for number in range(20):
        text = f"Commentaire de masse numéro {number}"
        # Half of them with a valid proof of work, half without: both count.
        altcha = solve_altcha() if number % 2 == 0 else ""
        response = post_comment(comment_data(altcha=altcha, comment=text))
        statuses.append(response.status_code)
        if response.status_code == 302:
            acknowledged.append(text)
            if number == 0:
                assert "published" in client.get(response["Location"]).text

    assert all(status < 500 for status in statuses)
    assert statuses[:8] == [302, 400] * 4
    assert statuses[8:] == [429] * 12
    assert set(Comment.objects.values_list("body", flat=True)) == set(acknowledged)
    assert len(acknowledged) == 4


def test_429_answers_with_the_article_the_form_and_the_reader_text(
    settings, article, comment_data, post_comment
):
    settings.COMMENTS_RATE_LIMIT = 1
    settings.COMMENTS_RATE_WINDOW = 600
    post_comment(comment_data())

    response = post_comment(comment_data(comment="Mon texte <i>précieux</i>"))

    assert response.status_code == 429
    retry_after = int(response["Retry-After"])
    assert 1 <= retry_after <= 600
    assert "no-store" in response["Cache-Control"]
    assert response.text.count("<h1") == 1
    assert article.title in response.text
    minutes = -(-retry_after // 60)
    assert f"You have sent many comments in a short time. Wait {minutes} minute" in response.text
    assert "Mon texte &lt;i&gt;précieux&lt;/i&gt;</textarea>" in response.text
    assert 'class="site-header' in response.text


def test_limit_is_per_client(settings, comment_data, post_comment):
    settings.COMMENTS_RATE_LIMIT = 1
    post_comment(comment_data(), REMOTE_ADDR="192.0.2.1")

    assert post_comment(comment_data(), REMOTE_ADDR="192.0.2.1").status_code == 429
    assert post_comment(comment_data(), REMOTE_ADDR="192.0.2.2").status_code == 400
