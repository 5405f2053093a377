"""On a 390 px phone: a trusted commenter (« Remember me », a moderator's approval, the
next comment published at once with its mark, the same name typed elsewhere without it),
and a story going hot (a flood of held comments: the page says so, the next comment is
held) and back (a moderator switches it back: comments publish again)."""

import time

import altcha
import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.utils import translation
from playwright.sync_api import expect

from articles.newsroom import roles
from comments.captcha import BuiltinProvider
from comments.models import Comment, StoryHeat
from comments.posting import Held, PostingPolicy, Sender
from comments.scoring import sign_render_time
from tests.factories import ArticleFactory, UserFactory

from .conftest import DESKTOP, PHONE

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "correct horse battery staple"
HELD = "It will appear once a moderator has read it."
PUBLISHED = "Thank you, your comment is published."


@pytest.fixture
def moderator(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    roles.sync_roles(apps)  # a transactional test flushes what the migrations made
    user = UserFactory(username="moderatrice", is_staff=True, password=PASSWORD)
    user.groups.add(Group.objects.get(name=roles.MODERATORS))
    return user


@pytest.fixture
def moderator_desk(chromium, live_server, moderator):
    """The moderator, logged in, on a computer (English admin)."""
    context = chromium.new_context(viewport=DESKTOP, base_url=live_server.url, locale="en")
    desk = context.new_page()
    desk.set_default_timeout(15_000)
    desk.goto("/en/admin/login/")
    desk.fill("#id_username", moderator.username)
    desk.fill("#id_password", PASSWORD)
    desk.click("input[type=submit]")
    desk.wait_for_url("**/admin/")
    yield desk
    context.close()


@pytest.fixture
def phone(chromium, live_server):
    """Another reader's phone (its own cookies)."""
    context = chromium.new_context(viewport=PHONE, base_url=live_server.url, locale="en")
    other = context.new_page()
    other.set_default_timeout(10_000)
    yield other
    context.close()


def post(page, url, name, text, *, remember=False):
    """Write and send a comment from the article page as a reader does."""
    page.goto(url)
    page.locator("#id_name").fill(name)
    page.locator("#id_comment").fill(text)
    if remember:
        page.get_by_label("Remember me").check()
    page.locator("altcha-widget").get_by_text("I'm not a robot", exact=True).click()
    page.wait_for_function("() => document.querySelector('input[name=altcha]')?.value")
    page.get_by_role("button", name="Post the comment").click()


def test_a_trusted_commenter(page, phone, moderator_desk, cheap_captcha, settings, artifacts):
    # One « recent posts » penalty on every post from this machine (score 0.6): held for
    # a reader, published for a trusted one (from 0.5).
    settings.COMMENTS_RECENT_POSTS_LIMIT = 0
    settings.COMMENTS_TRUSTED_PUBLISH_FROM = 0.5
    article = ArticleFactory()
    with translation.override("en"):
        url = article.get_absolute_url()

    page.goto(url)
    expect(page.get_by_label("Remember me")).not_to_be_checked()
    post(page, url, "Awa", "Merci pour ce suivi des élections.", remember=True)
    expect(page.get_by_text(HELD)).to_be_visible()
    first = Comment.objects.get()
    assert first.trusted_commenter is not None

    moderator_desk.goto("/en/admin/comments/comment/?status__exact=pending")
    moderator_desk.locator("input[name=_selected_action]").first.check()
    moderator_desk.locator("select[name=action]").select_option("approve")
    moderator_desk.get_by_role("button", name="Run").click()
    expect(moderator_desk.get_by_text("1 comment published.")).to_be_visible()

    # The reader comes back and writes again: the form's parts bring the cookie.
    post(page, url, "Awa", "Et je reviens pour ajouter une précision.")
    expect(page.get_by_text(PUBLISHED)).to_be_visible()
    second = Comment.objects.latest("pk")
    assert second.status == Comment.Status.APPROVED and second.score == 0.6
    mine = page.locator(f"#comment-{second.pk}")
    expect(mine.locator(".comment-trusted")).to_have_text("Regular reader")
    expect(mine.locator(".comment-trusted")).to_be_in_viewport()
    [cookie] = [c for c in page.context.cookies() if c["name"] == "trusted_reader"]
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    page.screenshot(path=artifacts / "comment-trusted-phone.png")

    # Someone else types the same name on their phone: no mark, the usual path.
    post(phone, url, "Awa", "Moi aussi je suis Awa, vraiment.")
    expect(phone.get_by_text(HELD)).to_be_visible()
    impostor = Comment.objects.latest("pk")
    assert impostor.status == Comment.Status.PENDING and impostor.trusted_commenter is None
    expect(phone.locator(f"#comment-{impostor.pk} .comment-trusted")).to_have_count(0)
    expect(phone.locator(f"#comment-{second.pk} .comment-trusted")).to_have_count(1)


def flood(article, count):
    """`count` comments held by the posting policy (links and recent posts), as a wave
    of spam would be, from another network."""
    for number in range(count):
        challenge = altcha.Challenge.from_dict(BuiltinProvider().create_challenge())
        solution = altcha.solve_challenge(challenge, timeout=30)
        data = {
            "name": f"Robot {number}",
            "comment": f"Gagnez gros https://promo.example/{number} https://x.example/{number}",
            "website": "",
            "rendered_at": sign_render_time(article.pk, at=time.time() - 60),
            "altcha": altcha.Payload(challenge, solution).to_base64(),
        }
        outcome = PostingPolicy().post(article, data, Sender(ip_address="203.0.113.50"))
        assert isinstance(outcome, Held)


def test_a_story_going_hot_and_back(page, moderator_desk, cheap_captcha, settings, artifacts):
    settings.COMMENTS_HEAT_THRESHOLD = 2
    settings.COMMENTS_HEAT_HOURS = 2
    article = ArticleFactory(title="Présidentielle au Bénin : le dépouillement se poursuit")
    with translation.override("en"):
        url = article.get_absolute_url()
    page.goto(url)
    expect(page.locator("#comment-heat")).to_have_count(0)

    settings.COMMENTS_RECENT_POSTS_LIMIT = 0  # the flood's links and rate: held (0.4)
    flood(article, 3)
    assert StoryHeat.objects.filter(article=article).count() == 1
    settings.COMMENTS_RECENT_POSTS_LIMIT = 50  # the reader's own posts are clean

    page.goto(url)
    notice = page.locator("#comment-heat")
    expect(notice).to_contain_text("every comment is read by a moderator before publication")
    post(page, url, "Koffi", "Un avis posé sur le dépouillement.")
    expect(page.get_by_text(HELD)).to_be_visible()
    assert Comment.objects.latest("pk").status == Comment.Status.PENDING
    notice.scroll_into_view_if_needed()
    page.screenshot(path=artifacts / "comment-heat-phone.png")

    moderator_desk.goto("/en/admin/comments/comment/")
    banner = moderator_desk.locator(".comment-heat-banner")
    expect(banner).to_contain_text(article.title)
    moderator_desk.screenshot(path=artifacts / "comment-heat-queue.png")
    banner.get_by_role("button", name="Switch back to the usual moderation").click()
    expect(moderator_desk.get_by_text("1 story back to the usual moderation.")).to_be_visible()
    expect(moderator_desk.locator(".comment-heat-banner")).to_have_count(0)

    page.goto(url)
    expect(page.locator("#comment-heat")).to_have_count(0)
    post(page, url, "Koffi", "Le calme est revenu, merci à la modération.")
    expect(page.get_by_text(PUBLISHED)).to_be_visible()
    assert Comment.objects.latest("pk").status == Comment.Status.APPROVED
