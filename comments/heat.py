"""Heat: a story flooded with bad comments switches itself to pre-moderation.

More than COMMENTS_HEAT_THRESHOLD comments on one story held for a moderator or marked
as spam, among those received in the last hour (`WINDOW`), switch the story to
pre-moderation for COMMENTS_HEAT_HOURS (a `StoryHeat` row). Checked after each held
comment is stored (comments.posting) and after each spam decision (`comments_moderated`).
Comments received before a spell ended (switched back, or over by itself) do not
count again (`flood_count`).

While it lasts, every new comment on the story waits for a moderator, a trusted
commenter's too (comments.moderation.is_premoderated), and the article page says so.
The page is renewed when the story switches (its comment scope,
articles.caching.comments_changed) and its stored copy ends when the spell ends
(`heat_ends`, registered with articles.caching.register_article_page_bound). Editors
are e-mailed (the `story_heated` event, comments.notifications); moderators see the stories in the
queue and switch them back (`switch_back`).
"""

from datetime import UTC, datetime, timedelta

from django.core.cache import cache
from django.db import transaction
from django.db.models import DateTimeField, Max, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from articles.caching import comments_changed

from .conf import settings
from .events import story_heated
from .models import Comment, StoryHeat

WINDOW = timedelta(hours=1)
# The stories in force, for the article pages: one shared cache key for the whole site
# (no query per page), dropped whenever a story switches; kept at most this long, so a
# worker without a shared cache sees another's switch within that time.
HOT_KEY = "comments:hot-stories"
HOT_KEY_SECONDS = 60


def hot_map(now=None):
    """{article id: end of its spell as a POSIX timestamp} for every story in force,
    from the shared cache (one query on a miss)."""
    stored = cache.get(HOT_KEY)
    if not isinstance(stored, dict):
        stored = {}
        for article_id, until in StoryHeat.objects.filter(
            StoryHeat.current_q(now or timezone.now())
        ).values_list("article_id", "premoderated_until"):
            stored[article_id] = max(stored.get(article_id, 0), until.timestamp())
        cache.set(HOT_KEY, stored, HOT_KEY_SECONDS)
    return stored


def forget_hot_map():
    """Drop the stories in force from the cache, now and once the transaction commits."""
    cache.delete(HOT_KEY)
    transaction.on_commit(lambda: cache.delete(HOT_KEY))


def premoderated_until(article, now=None, *, fresh=False):
    """When the current spell of pre-moderation of `article` ends (aware datetime), or
    None when the story is not hot. From the shared cache (`hot_map`), or from the
    database when `fresh` (a decision on a new comment)."""
    now = now or timezone.now()
    if fresh:
        until = (
            StoryHeat.objects.filter(StoryHeat.current_q(now), article_id=article.pk)
            .order_by("-premoderated_until")
            .values_list("premoderated_until", flat=True)
            .first()
        )
    else:
        stamp = hot_map(now).get(article.pk)
        until = datetime.fromtimestamp(stamp, UTC) if isinstance(stamp, float) else None
    return until if until and until > now else None


def is_hot(article, now=None, *, fresh=False):
    """Whether `article` is under pre-moderation after a flood now."""
    return premoderated_until(article, now, fresh=fresh) is not None


def heat_ends(article):
    """An article page bound (articles.caching.register_article_page_bound): a stored
    article page ends when its story's spell of pre-moderation does."""
    return premoderated_until(article)


def flood_count(article_id, now=None):
    """Comments on the article received in the last hour, held or marked as spam, and
    since its last spell ended (switched back by a moderator, or over by itself).

    A spell holds every comment, good ones too, and a moderator who switches back has
    judged the flood in front of them: the comments received before the end (spam
    marks made afterwards included) do not switch the story on again; a new flood
    does. One query.
    """
    now = now or timezone.now()
    end = Coalesce("ended_at", "premoderated_until")
    last_end = (
        StoryHeat.objects.filter(article_id=article_id)
        .alias(end=end)
        .filter(end__gt=now - WINDOW, end__lte=now)
        .order_by()
        .values("article_id")
        .annotate(last=Max(end))
        .values("last")
    )
    # Without a spell ended in the hour: a moment before the window, which filters nothing.
    since = Coalesce(Subquery(last_end), Value(now - 2 * WINDOW, DateTimeField()))
    return Comment.objects.filter(
        article_id=article_id,
        created_at__gte=now - WINDOW,
        created_at__gt=since,
        status__in=[Comment.Status.PENDING, Comment.Status.SPAM],
    ).count()


def check(article_id, now=None):
    """Switch the article to pre-moderation when it is flooded and not hot already.

    Returns the new StoryHeat, or None (not flooded, already hot, already pre-moderated
    by the site or its editor, or heat switched off with COMMENTS_HEAT_THRESHOLD or
    COMMENTS_HEAT_HOURS at 0). Renews the article's page
    and has the editors e-mailed, once the transaction commits.
    """
    threshold, hours = settings.COMMENTS_HEAT_THRESHOLD, settings.COMMENTS_HEAT_HOURS
    if threshold <= 0 or hours <= 0:
        return None
    now = now or timezone.now()
    if StoryHeat.objects.filter(StoryHeat.current_q(now), article_id=article_id).exists():
        return None
    count = flood_count(article_id, now)
    if count <= threshold:
        return None
    from articles.models import Article

    if (
        settings.COMMENTS_PREMODERATION
        or Article.objects.filter(pk=article_id, comments_premoderated=True).exists()
    ):
        # Every comment waits already (the site's or the editor's pre-moderation), each
        # one held and counted: a spell would change nothing but the banner and e-mails.
        return None

    with transaction.atomic():
        # Two held posts at once switch the story once: the second waits for the first.
        Article.objects.select_for_update().filter(pk=article_id).values_list("pk").first()
        if StoryHeat.objects.filter(StoryHeat.current_q(now), article_id=article_id).exists():
            return None
        heat = StoryHeat.objects.create(
            article_id=article_id,
            started_at=now,
            premoderated_until=now + timedelta(hours=hours),
            held_count=count,
        )
        comments_changed([article_id])
        forget_hot_map()
        story_heated.send(sender=StoryHeat, heat=heat)
    return heat


def check_after_spam(sender, comment_ids, status, user, **kwargs):
    """comments_moderated: spam decisions count towards their stories' heat."""
    if status != Comment.Status.SPAM:
        return
    article_ids = set(
        Comment.objects.filter(pk__in=comment_ids).values_list("article_id", flat=True)
    )
    for article_id in article_ids:
        check(article_id)


def switch_back(spells, user, now=None):
    """End `spells` (a queryset of StoryHeat) in force, by `user` (recorded, with the
    time): their stories are back to the usual moderation and their pages renewed.
    Returns the number switched back."""
    now = now or timezone.now()
    with transaction.atomic():
        current = list(spells.filter(StoryHeat.current_q(now)).values_list("pk", "article_id"))
        count = StoryHeat.objects.filter(pk__in=[pk for pk, _ in current]).update(
            ended_at=now, ended_by=user
        )
        comments_changed({article_id for _, article_id in current})
        forget_hot_map()
    return count


def hot_stories(now=None):
    """The spells in force (a queryset of StoryHeat with their articles), soonest end first."""
    return (
        StoryHeat.objects.filter(StoryHeat.current_q(now or timezone.now()))
        .select_related("article", "ended_by")
        .order_by("premoderated_until")
    )
