"""Heat: a story flooded with held or spam comments switches itself to pre-moderation,
tells its readers and editors, and moderators switch it back (comments.heat)."""

from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.caching import article_page_valid_until
from comments import heat, trust
from comments.models import Comment, StoryHeat, TrustedCommenter
from comments.moderation import moderate
from tests.factories import ArticleFactory, CommentFactory, UserFactory

pytestmark = pytest.mark.django_db

NOTICE = "every comment is read by a moderator before publication"
QUEUE = "admin:comments_comment_changelist"
HEAT_ADMIN = "admin:comments_storyheat_changelist"


@pytest.fixture(autouse=True)
def small_heat(settings):
    settings.COMMENTS_HEAT_THRESHOLD = 3
    settings.COMMENTS_HEAT_HOURS = 2
    cache.delete(heat.HOT_KEY)


@pytest.fixture
def send(comment_data, post_comment, solve_altcha):
    def post(**fields):
        return post_comment(comment_data(altcha=solve_altcha(), **fields))

    return post


def held(article, count, **fields):
    return CommentFactory.create_batch(
        count, article=article, status=Comment.Status.PENDING, score=0.4, **fields
    )


def test_more_held_comments_than_the_threshold_in_an_hour_switch_the_story(article, send, settings):
    held(article, 3)
    settings.COMMENTS_RECENT_POSTS_LIMIT = 0  # the next post is held (score 0.6)

    send(comment="Encore un commentaire retenu.")

    spell = StoryHeat.objects.get()
    assert spell.article == article and spell.held_count == 4
    assert spell.premoderated_until - spell.started_at == timedelta(hours=2)
    assert heat.is_hot(article)


def test_as_many_as_the_threshold_or_older_ones_do_not(article):
    held(article, 3)
    held(article, 5, created_at=timezone.now() - timedelta(hours=2))
    CommentFactory.create_batch(5, article=article)  # published ones do not count

    assert heat.check(article.pk) is None
    assert not StoryHeat.objects.exists()


def test_while_hot_a_verified_comment_is_held_and_the_page_says_so(client, article, send):
    held(article, 4)
    heat.check(article.pk)

    send(comment="Un avis tout à fait posé et vérifié.")

    assert Comment.objects.latest("pk").status == Comment.Status.PENDING
    page = Client().get(article.get_absolute_url()).text
    assert NOTICE in page
    assert "Comments are read by a moderator before they appear." in page


def test_while_hot_a_trusted_commenter_is_held_too(client, article, send, moderator):
    key = trust.new_key()
    TrustedCommenter.objects.create(
        key_digest=TrustedCommenter.key_digest_of(key),
        approved_at=timezone.now(),
        approved_by=moderator,
    )
    from tests.comments.test_trust import signed

    client.cookies[trust.cookie_name()] = signed(key)
    held(article, 4)
    heat.check(article.pk)

    send()

    comment = Comment.objects.latest("pk")
    assert comment.status == Comment.Status.PENDING and comment.trusted_commenter.is_trusted


def test_spam_decisions_count_towards_the_heat(article, moderator):
    comments = CommentFactory.create_batch(4, article=article)

    moderate(Comment.objects.filter(pk__in=[c.pk for c in comments]), "spam", moderator)

    assert heat.is_hot(article)


def test_other_stories_are_not_touched(article):
    other = ArticleFactory()
    held(article, 4)
    heat.check(article.pk)

    assert heat.is_hot(article) and not heat.is_hot(other)
    assert NOTICE not in Client().get(other.get_absolute_url()).text


def test_the_stored_page_is_renewed_when_the_story_switches_and_ends_with_the_spell(
    article, settings, moderator
):
    settings.PAGE_CACHE_SECONDS = 300
    reader = Client()
    assert NOTICE not in reader.get(article.get_absolute_url()).text  # stored now
    held(article, 4)

    spell = heat.check(article.pk)

    assert NOTICE in reader.get(article.get_absolute_url()).text
    assert article_page_valid_until(article) == spell.premoderated_until
    heat.switch_back(StoryHeat.objects.all(), moderator)
    assert NOTICE not in reader.get(article.get_absolute_url()).text


def test_the_spell_ends_by_itself(article, send):
    held(article, 4)
    spell = heat.check(article.pk)

    with time_machine.travel(spell.premoderated_until + timedelta(seconds=1)):
        cache.delete(heat.HOT_KEY)
        assert not heat.is_hot(article)
        assert NOTICE not in Client().get(article.get_absolute_url()).text


def test_editors_and_moderators_are_e_mailed(
    article, mailoutbox, moderator, django_capture_on_commit_callbacks
):
    from django.contrib.auth.models import Group

    from articles.newsroom.roles import EDITORS

    editor = UserFactory(username="redaction", email="chef@example.test", is_staff=True)
    editor.groups.add(Group.objects.get(name=EDITORS))
    held(article, 4)

    with django_capture_on_commit_callbacks(execute=True):
        heat.check(article.pk)

    [mail] = mailoutbox
    assert set(mail.to) == {"chef@example.test", "moderation@example.test"}
    assert article.title in mail.subject and "/admin/comments/storyheat/" in mail.body


def test_moderators_see_the_story_above_the_queue_and_switch_it_back(article, moderator):
    held(article, 4)
    spell = heat.check(article.pk)
    staff = Client()
    staff.force_login(moderator)

    queue = staff.get(reverse(QUEUE)).text
    assert 'class="comment-heat-banner"' in queue and article.title in queue
    filtered = staff.get(reverse(QUEUE) + "?hot=yes")
    assert filtered.status_code == 200
    index = staff.get(reverse("admin:index")).text
    assert "1 story under pre-moderation after a flood" in index

    response = staff.post(reverse("admin:comments_storyheat_switch_back", args=[spell.pk]))

    assert response.status_code == 302
    spell.refresh_from_db()
    assert spell.ended_by == moderator and spell.ended_at is not None
    assert not heat.is_hot(article)
    assert 'class="comment-heat-banner"' not in staff.get(reverse(QUEUE)).text


def test_the_admin_action_switches_back_and_keeps_the_record(article, moderator):
    held(article, 4)
    spell = heat.check(article.pk)
    staff = Client()
    staff.force_login(moderator)

    assert staff.get(reverse(HEAT_ADMIN) + "?in_force=yes").status_code == 200
    staff.post(reverse(HEAT_ADMIN), {"action": "switch_back", "_selected_action": [spell.pk]})

    spell.refresh_from_db()
    assert spell.ended_by == moderator
    assert staff.get(reverse(HEAT_ADMIN) + "?in_force=no").status_code == 200


@pytest.mark.parametrize("pk", [0, 999999])
def test_switching_back_an_unknown_story_or_by_get_is_not_a_500(moderator, pk):
    staff = Client()
    staff.force_login(moderator)

    url = reverse("admin:comments_storyheat_switch_back", args=[pk])
    assert staff.post(url).status_code == 302
    assert staff.get(url).status_code == 302


def test_someone_who_may_not_moderate_cannot_switch_back(article):
    held(article, 4)
    spell = heat.check(article.pk)
    staff = Client()
    staff.force_login(UserFactory(username="stagiaire", is_staff=True))

    response = staff.post(reverse("admin:comments_storyheat_switch_back", args=[spell.pk]))

    assert response.status_code == 403
    assert heat.is_hot(article)


@pytest.mark.parametrize("threshold, hours", [(0, 2), (3, 0), (-1, -5)])
def test_zero_or_negative_settings_turn_heat_off(article, settings, threshold, hours):
    settings.COMMENTS_HEAT_THRESHOLD = threshold
    settings.COMMENTS_HEAT_HOURS = hours
    held(article, 10)

    assert heat.check(article.pk) is None


def test_a_garbled_cache_entry_is_read_again_from_the_database(article):
    held(article, 4)
    heat.check(article.pk)
    cache.set(heat.HOT_KEY, "not a map")

    assert heat.is_hot(article)
    cache.set(heat.HOT_KEY, {article.pk: "not a time"})
    assert not heat.is_hot(article)  # the page only; the decision reads the database
    assert heat.is_hot(article, fresh=True)


def test_a_spell_deleted_in_the_admin_ends_like_one_switched_back(client, article, send, settings):
    settings.PAGE_CACHE_SECONDS = 300
    held(article, 4)
    spell = heat.check(article.pk)
    reader = Client()
    assert NOTICE in reader.get(article.get_absolute_url()).text  # stored now
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    client.post(reverse("admin:comments_storyheat_delete", args=[spell.pk]), {"post": "yes"})

    assert not StoryHeat.objects.exists()
    assert NOTICE not in reader.get(article.get_absolute_url()).text
    send(comment="Après la suppression.")
    assert Comment.objects.get(body="Après la suppression.").status == Comment.Status.APPROVED


def test_a_story_switched_back_stays_back_while_the_moderator_cleans_the_queue(
    article, moderator, send
):
    flood = held(article, 4)
    heat.check(article.pk)
    heat.switch_back(StoryHeat.objects.all(), moderator)

    # The moderator marks the flood they judged as spam, one more held comment arrives.
    moderate(Comment.objects.filter(pk__in=[c.pk for c in flood]), "spam", moderator)
    held(article, 1)

    assert heat.check(article.pk) is None
    assert not heat.is_hot(article, fresh=True)
    send(comment="Toujours ouvert.")
    assert Comment.objects.get(body="Toujours ouvert.").status == Comment.Status.APPROVED


def test_a_new_flood_after_the_switch_back_switches_it_on_again(article, moderator):
    with time_machine.travel(timezone.now() - timedelta(minutes=10)):
        held(article, 4)
        heat.check(article.pk)
        heat.switch_back(StoryHeat.objects.all(), moderator)

    held(article, 4)

    assert heat.check(article.pk) is not None


@pytest.mark.parametrize("by", ["site", "editor"])
def test_a_story_pre_moderated_already_does_not_switch_on_its_own_holds(
    client, article, send, settings, by
):
    if by == "site":
        settings.COMMENTS_PREMODERATION = True
    else:
        article.comments_premoderated = True
        article.save()
    settings.COMMENTS_RECENT_POSTS_LIMIT = 50

    for number in range(5):  # good comments, each held by the pre-moderation
        send(comment=f"Bonne réaction {number}.", name=f"Lecteur {number}")

    assert Comment.objects.filter(status=Comment.Status.PENDING).count() == 5
    assert not StoryHeat.objects.exists()
    assert NOTICE not in client.get(article.get_absolute_url()).text


def test_the_comments_a_spell_held_do_not_switch_the_story_on_again_once_it_is_over(
    article, send, settings
):
    started = timezone.now() - timedelta(hours=2, minutes=1)
    with time_machine.travel(started):
        held(article, 4)
        heat.check(article.pk)
    with time_machine.travel(started + timedelta(hours=1, minutes=30)):
        # Good comments, held by the spell, still waiting for a moderator.
        CommentFactory.create_batch(5, article=article, status=Comment.Status.PENDING, score=0.9)

    held(article, 1)  # after the spell, one comment held on its merits

    assert heat.check(article.pk) is None
    assert StoryHeat.objects.count() == 1
