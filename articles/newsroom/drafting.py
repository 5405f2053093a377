"""Never losing work in the article form: autosaved drafts, the edit lock, the conflict
between two saves, and the preview of the form as it stands (unsaved).

None of this changes an Article row, a version, the page cache or anything readers see:
drafts and locks are rows of their own (ArticleDraft, ArticleLock), the preview renders
an article built in memory from the posted form. The admin (articles.admin.articles)
wires these to its form, endpoints and template; static/js/article-drafting.js pings.
"""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.http import QueryDict
from django.utils import timezone
from django.utils.text import slugify
from reversion.models import Version
from taggit.models import Tag

from articles.content.sanitize import sanitize_html
from articles.models import Article, ArticleDraft, ArticleLock
from articles.newsroom.revisions import version_diff
from newsportal.textinput import clean_text

# How often the form pings the server while open (seconds); it autosaves on a ping
# only when something was typed since the last one.
PING_SECONDS = 30
# A lock whose last ping is older than this is free (seconds): four pings missed.
LOCK_SECONDS = 120
# Posted names that are not the article's content: never stored in a draft.
NOT_CONTENT = {"csrfmiddlewaretoken", "_save", "_continue", "_addanother", "_submit_review"}
NOT_CONTENT_PREFIXES = ("_", "corrections-")


def display_name(user):
    """How the newsroom calls `user` in a notice: full name, else the username."""
    return user.get_full_name() or user.get_username()


# Autosaved drafts ------------------------------------------------------------------------


def form_data(post):
    """The content fields of a posted article form, as {"name": ["value", …]}.

    `post` is a QueryDict (request.POST). The CSRF token, the submit buttons and the
    corrections inline are left out: a draft is the article's text and placement.
    Names and values go through the input policy (newsportal.textinput.clean_text),
    as the saved article would: a NUL pasted into the form cannot reach the JSON
    column (PostgreSQL refuses it) and a restored draft shows the text as it will be.
    """
    return {
        clean_text(name): [clean_text(value) for value in post.getlist(name)]
        for name in post
        if name not in NOT_CONTENT and not name.startswith(NOT_CONTENT_PREFIXES)
    }


def autosave(article, user, post):
    """Store the posted form as `user`'s draft of `article` (None: a new article).

    Returns the ArticleDraft. One row per article and user, replaced on each autosave;
    no Article row, version or cache is touched.
    """
    data = form_data(post)
    lookup = {"article": article, "user": user}
    for _attempt in range(2):
        try:
            with transaction.atomic():
                draft, _created = ArticleDraft.objects.update_or_create(
                    **lookup, defaults={"data": data, "saved_at": timezone.now()}
                )
            return draft
        except IntegrityError:  # two pings at once created the row: update it
            continue
    raise IntegrityError("could not store the autosaved draft")


def draft_for(article, user):
    """`user`'s autosaved draft of `article` (None: their new article), or None."""
    return ArticleDraft.objects.filter(article=article, user=user).first()


def discard(article, user):
    """Forget `user`'s draft of `article` (after a save, or when they decline it)."""
    ArticleDraft.objects.filter(article=article, user=user).delete()


def draft_initial(form_class, draft):
    """The initial values a fresh `form_class` takes to show `draft`'s text again.

    Each field's widget reads its value from the stored data as from a POST, so the form
    shows exactly what was typed (tags as typed, the date and time as two boxes).
    """
    data = QueryDict(mutable=True)
    for name, values in draft.data.items():
        data.setlist(name, values)
    form = form_class()
    initial = {}
    for name, field in form.fields.items():
        if field.disabled:
            continue
        # An unticked box or an empty multiple choice is absent from a POST: it reads
        # as False or []; a text box is always posted, None means not in the draft.
        value = field.widget.value_from_datadict(data, {}, form.add_prefix(name))
        if value is not None:
            initial[name] = value
    return initial


# The edit lock ----------------------------------------------------------------------------


def _fresh(lock, now):
    return lock.heartbeat >= now - timedelta(seconds=LOCK_SECONDS)


def open_lock(article, user, take_over=False):
    """Open `article` for `user`: return the ArticleLock now in force (user selected).

    The lock becomes `user`'s when it is free (none, expired or already theirs) or
    when they `take_over`; otherwise another editor's fresh lock is returned unchanged
    and the caller tells `user` who is editing since when. Two editors opening at the
    same moment: one creates the row, the other finds it.
    """
    now = timezone.now()
    lock = ArticleLock.objects.select_related("user").filter(article=article).first()
    if lock is None:
        try:
            with transaction.atomic():
                return ArticleLock.objects.create(
                    article=article, user=user, since=now, heartbeat=now
                )
        except IntegrityError:
            lock = ArticleLock.objects.select_related("user").get(article=article)
    if lock.user_id == user.pk:
        lock.heartbeat = now
        lock.save(update_fields=["heartbeat"])
    elif take_over or not _fresh(lock, now):
        lock.user, lock.since, lock.heartbeat = user, now, now
        lock.save(update_fields=["user", "since", "heartbeat"])
    return lock


def held_by_other(article, user):
    """The fresh ArticleLock of someone else on `article`, or None."""
    lock = ArticleLock.objects.select_related("user").filter(article=article).first()
    if lock and lock.user_id != user.pk and _fresh(lock, timezone.now()):
        return lock
    return None


def ping(article, user):
    """Keep `user`'s lock on `article` alive; return the lock of whoever holds it.

    A free lock is taken again; a fresh lock of someone else (they took over) is left
    alone and returned, so that the form can say so.
    """
    lock = held_by_other(article, user)
    if lock is not None:
        return lock
    return open_lock(article, user)


def release(article, user):
    """Free `user`'s lock on `article` (they left the form or saved and left)."""
    ArticleLock.objects.filter(article=article, user=user).delete()


# Conflicts between two saves ----------------------------------------------------------------


def latest_version(article):
    """The newest django-reversion Version of `article`, or None."""
    return (
        Version.objects.get_for_object(article)
        .select_related("revision__user")
        .order_by("-pk")
        .first()
    )


def conflict(article, loaded_version_id):
    """What someone else saved after the form was loaded from `loaded_version_id`.

    Returns None when the form is up to date, else a dict: `version` (the newest
    Version), `user` (who saved it, or None), `saved_at` (aware datetime) and `changes`
    (articles.newsroom.revisions.version_diff from the loaded version to the article
    as saved now; empty when the loaded version is gone).
    """
    latest = latest_version(article)
    if latest is None or str(latest.pk) == str(loaded_version_id or ""):
        return None
    loaded = None
    if str(loaded_version_id or "").isascii() and str(loaded_version_id or "").isdigit():
        loaded = Version.objects.get_for_object(article).filter(pk=loaded_version_id).first()
    return {
        "version": latest,
        "loaded": loaded,
        "user": latest.revision.user,
        "saved_at": latest.revision.date_created,
        "changes": version_diff(loaded, article) if loaded else [],
    }


# The preview of the unsaved form ----------------------------------------------------------


class NoPreview(Exception):
    """The form cannot be shown as a page yet; `args[0]` says why (for the journalist)."""


def unsaved_article(form):
    """Build, without saving, the article a bound admin form describes.

    Returns (article, tags, authors, corrections) as the article page takes them: an
    Article instance (a copy for an existing article, never saved), Tag instances
    (unsaved ones for new names), Author instances by name and the saved corrections.
    Fields that do not validate keep their saved value. Raises NoPreview when the
    article has no section yet (the page hangs from it).
    """
    form.is_valid()  # builds form.instance from what validates; errors do not matter
    article = form.instance
    cleaned = getattr(form, "cleaned_data", {})
    article.body = sanitize_html(article.body or "")
    if not article.section_id:
        raise NoPreview("section")
    if not article.slug:
        article.slug = slugify(article.title) or "article"
    if article.status == Article.Status.PUBLISHED and article.published_at is None:
        article.published_at = timezone.now()
    if "tags" in cleaned:
        names = sorted(set(cleaned["tags"]), key=str.lower)
        known = {tag.name: tag for tag in Tag.objects.filter(name__in=names)}
        tags = [known.get(name) or Tag(name=name, slug="") for name in names]
    elif article.pk:
        tags = sorted(article.tags.all(), key=lambda tag: tag.name.lower())
    else:
        tags = []
    if "authors" in cleaned:
        authors = list(cleaned["authors"])
    elif article.pk:
        authors = list(article.authors.all())
    else:
        authors = []
    authors.sort(key=lambda author: author.name.lower())
    corrections = list(article.corrections.all()) if article.pk else []
    return article, tags, authors, corrections
