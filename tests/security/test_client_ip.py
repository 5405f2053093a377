"""One client IP site-wide: REMOTE_ADDR, or what trusted proxies saw; never the client's word."""

import time

import pytest
from django.urls import reverse

from comments.scoring import sign_render_time
from newsportal.clientip import client_ip
from tests.factories import ArticleFactory


def test_remote_addr_without_proxies_ignores_forwarded_for(settings, rf):
    settings.TRUSTED_PROXY_COUNT = 0
    request = rf.get("/", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="6.6.6.6")
    assert client_ip(request) == "203.0.113.9"


def test_behind_trusted_proxies_the_nth_address_from_the_right(settings, rf):
    request = rf.get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.4")
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request) == "198.51.100.4"
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(request) == "6.6.6.6"
    # More proxies configured than entries: the request skipped a proxy, keep REMOTE_ADDR.
    settings.TRUSTED_PROXY_COUNT = 3
    assert client_ip(request) == "10.0.0.5"


def test_unreadable_addresses_are_none(settings, rf):
    assert client_ip(rf.get("/", REMOTE_ADDR="not-an-ip")) is None
    settings.TRUSTED_PROXY_COUNT = 1
    request = rf.get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="<script>, 1' OR '1'='1")
    assert client_ip(request) is None
    assert client_ip(rf.get("/", REMOTE_ADDR="2001:DB8::1")) == "2001:db8::1"


@pytest.fixture
def article(db):
    return ArticleFactory()


def post(client, article, **extra):
    data = {
        "name": "Robot",
        "comment": "Encore un message.",
        "website": "",
        "rendered_at": sign_render_time(article.pk, at=time.time() - 60),
    }
    return client.post(reverse("comments:post", args=[article.slug]), data, **extra)


@pytest.mark.parametrize("proxies", [0, 1])
def test_forged_forwarded_for_cannot_bypass_the_comment_rate_limit(
    settings, client, article, proxies
):
    settings.TRUSTED_PROXY_COUNT = proxies
    settings.COMMENTS_RATE_LIMIT = 3
    statuses = []
    for n in range(8):
        # A new forged address on each request; with a proxy, the proxy appends the
        # address it really saw (REMOTE_ADDR of the client), as nginx's
        # $proxy_add_x_forwarded_for does.
        forged = f"198.51.100.{n}"
        forwarded = f"{forged}, 203.0.113.7" if proxies else forged
        remote = "10.0.0.2" if proxies else "203.0.113.7"
        statuses.append(
            post(client, article, REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded).status_code
        )
    assert statuses[:3] == [400, 400, 400]  # no captcha: refused, but counted
    assert statuses[3:] == [429] * 5
