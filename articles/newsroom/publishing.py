"""The newsroom's workflow: who may move an article where, and what must be true first.

draft → in review → published (now, or scheduled: `published_at` in the future), and
back to draft to unpublish. A scheduled article turns visible by itself when its time
comes, because `Article.objects.published()` compares `published_at` with the clock:
there is no job that could fail to run.

Every transition is defined here once: `submit_for_review`, `publish`, `unpublish`,
`send_back`, and `move` for a status chosen in a form. The admin's actions, its save
hooks and its form call them, and so can a command or a test. Each checks who asks
(PermissionDenied) and, with `commit=False`, changes the article in memory only, for
a caller that saves it with other changes (the admin's change form).

Pre-publish checks come in two kinds: problems block publishing (readers would get a
broken or inaccessible page), typography slips only warn (the desk decides).
`record_edit` dates an edit for readers (`updated_at`).
"""

import html
import re
import unicodedata

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from articles.models import Article, live_q
from newsportal.textinput import clean_text, is_blank

PUBLISH_PERMISSION = "articles.publish_article"
EDIT_ANY_PERMISSION = "articles.edit_any_article"


# Roles -----------------------------------------------------------------------------


def can_publish(user):
    return user.has_perm(PUBLISH_PERMISSION)


def can_edit_any(user):
    return user.has_perm(EDIT_ANY_PERMISSION)


def is_own(user, article):
    """Whether `user` owns the article or signs it."""
    if article.owner_id == user.pk:
        return True
    return bool(article.pk) and article.authors.filter(user=user).exists()


def can_edit(user, article):
    """Editors edit everything; a journalist edits their own articles until published."""
    if not user.has_perm("articles.change_article"):
        return False
    if can_edit_any(user):
        return True
    return is_own(user, article) and article.status != Article.Status.PUBLISHED


def can_submit(user, article):
    """Whether `user` may hand `article` to the editors now (`submit_for_review`)."""
    return article.status == Article.Status.DRAFT and can_edit(user, article)


def articles_of(user, queryset):
    """The articles of `queryset` that `user` works on in the newsroom: all of them for
    editors; for a journalist, those they own or sign (`is_own`), in one query."""
    if can_edit_any(user):
        return queryset
    signs = Article.authors.through.objects.filter(article_id=OuterRef("pk"), author__user=user)
    return queryset.filter(Q(owner=user) | Exists(signs))


def can_preview(user, article):
    return user.is_authenticated and (
        can_edit_any(user) or can_publish(user) or is_own(user, article)
    )


# Checks ----------------------------------------------------------------------------


def shows_nothing(text):
    """Whether `text` (a str or None) is empty for readers: nothing, or only invisible
    characters (spaces, no-break spaces, zero-width spaces: `textinput.is_blank`), which
    a page would print as nothing (`alt=""`). The checks' one test of emptiness."""
    return is_blank(text or "")


def publication_problems(article):
    """Return what stops `article` from going out, as messages for the desk."""
    problems = []
    if not article.section_id:
        problems.append(_("The article has no section."))
    if shows_nothing(article.standfirst):
        problems.append(_("The standfirst is empty."))
    if shows_nothing(html.unescape(strip_tags(article.body or ""))):
        problems.append(_("The body is empty."))
    image = article.hero_image
    if image is not None:
        if shows_nothing(image.alt_text):
            problems.append(_("The hero image has no alternative text."))
        elif looks_like_file_name(image.alt_text):
            problems.append(
                _("The hero image's alternative text is a file name: describe the photo.")
            )
        if shows_nothing(image.credit):
            problems.append(_("The hero image has no credit."))
    problems += body_photo_problems(article)
    return problems


def body_photo_problems(article):
    """What the photos in the body lack (articles.media.body): alternative text, a
    credit, an alternative text that is a file name. The same rule as the hero image's;
    one query when the body shows photos, none otherwise. Returns messages (str)."""
    from articles.media.body import image_ids
    from articles.models import Image

    ids = image_ids(article.body)
    if not ids:
        return []
    photos = list(Image.objects.filter(pk__in=ids).only("alt_text", "credit"))
    problems = []
    if any(shows_nothing(photo.alt_text) for photo in photos):
        problems.append(_("A photo in the body has no alternative text."))
    elif any(looks_like_file_name(photo.alt_text) for photo in photos):
        problems.append(
            _("The alternative text of a photo in the body is a file name: describe the photo.")
        )
    if any(shows_nothing(photo.credit) for photo in photos):
        problems.append(_("A photo in the body has no credit."))
    return problems


_FILE_NAME = re.compile(
    r"^\S+\.(jpe?g|png|gif|webp|heic|tiff?)$|^(img|dsc|dscn|pxl|photo|image)[-_ ]?\d+",
    re.IGNORECASE,
)


def looks_like_file_name(text):
    """Whether an alternative text is a camera file name rather than a description;
    format characters (zero-width spaces, bidi marks: Unicode category Cf), which show
    nothing, are left out first."""
    shown = "".join(char for char in text if unicodedata.category(char) != "Cf")
    return bool(_FILE_NAME.match(shown.strip()))


def can_change_image(user, image):
    """Editors change any photo; a journalist their own uploads, until an article using
    one (as its hero image or in its body) goes out, live or scheduled."""
    if not user.has_perm("articles.change_image"):
        return False
    if can_edit_any(user):
        return True
    if image.uploaded_by_id != user.pk:
        return False
    return not articles_using_image(image.pk).filter(status=Article.Status.PUBLISHED).exists()


# Photos and embargo ----------------------------------------------------------------


def body_image_q(image_id):
    """A Q on Article: the body shows photo `image_id` (an int), alone
    (`data-image="12"`) or in a gallery (`data-gallery="11,12"`), as the stored,
    sanitized body writes them (articles.media.body)."""
    image_id = int(image_id)
    pattern = rf'data-(image|gallery)="([0-9]+,)*{image_id}(,[0-9]+)*"'
    return Q(body__contains=str(image_id), body__regex=pattern)


def articles_using_image(image_id):
    """Every article (any status) showing photo `image_id` as its hero image or in its
    body, as a queryset of Article."""
    return Article._base_manager.filter(Q(hero_image_id=image_id) | body_image_q(image_id))


def live_uses(image_id):
    """How many articles readers see now (`live_q`) show photo `image_id` (an int)."""
    return articles_using_image(image_id).filter(live_q()).count()


def _running_ads_q(at=None):
    """A Q on AdSlot: active, started and not ended at `at` (now by default)."""
    at = at or timezone.now()
    return (
        Q(is_active=True)
        & (Q(starts_at__isnull=True) | Q(starts_at__lte=at))
        & (Q(ends_at__isnull=True) | Q(ends_at__gt=at))
    )


def is_public_image(image_id):
    """Whether readers may see photo `image_id` (an int) and its renditions: an article
    they see shows it (hero image or body), or a running ad slot does. A photo only in
    the media library, or only in drafts, articles in review or scheduled articles, is
    under embargo: only those who may preview such an article see it
    (`can_see_image`). Two queries at most."""
    from articles.models import AdSlot

    if articles_using_image(image_id).filter(live_q()).exists():
        return True
    return AdSlot.objects.filter(_running_ads_q(), image_id=image_id).exists()


def can_see_image(user, image):
    """Whether `user` may see photo `image` (an Image) before it is public: editors and
    publishers, its uploader, and whoever may preview an article showing it
    (`can_preview`). Public photos are for everyone (`is_public_image`)."""
    if not user.is_authenticated:
        return False
    if can_edit_any(user) or can_publish(user) or image.uploaded_by_id == user.pk:
        return True
    return articles_of(user, articles_using_image(image.pk)).exists()


def public_images_q():
    """A Q on Image: the public photos (`is_public_image`), in one query (the ids of
    the photos in live articles' bodies); the hero images of live articles and the
    images of running ad slots are subqueries of the caller's."""
    from articles.media.body import image_ids
    from articles.models import AdSlot

    live = Article._base_manager.filter(live_q())
    in_bodies = set()
    for body in live.filter(body__contains="data-").values_list("body", flat=True).iterator():
        in_bodies |= image_ids(body)
    return (
        Q(Exists(live.filter(hero_image=OuterRef("pk"))))
        | Q(Exists(AdSlot.objects.filter(_running_ads_q(), image=OuterRef("pk"))))
        | Q(pk__in=in_bodies)
    )


def images_of(user, queryset):
    """The photos of `queryset` (Image) that `user` may pick and list: all of them for
    editors and publishers; for a journalist, their own uploads and public photos
    (`public_images_q`: one query more)."""
    if can_edit_any(user) or can_publish(user):
        return queryset
    return queryset.filter(Q(uploaded_by=user) | public_images_q())


def articles_to_link(user, queryset):
    """The articles of `queryset` that `user` may choose as related articles: all for
    editors; for a journalist, live articles and their own (`articles_of`): never the
    titles of other people's drafts, articles in review or scheduled articles."""
    if can_edit_any(user):
        return queryset
    return queryset.filter(Q(live_q()) | Q(pk__in=articles_of(user, Article._base_manager.all())))


# French puts a no-break space (U+00A0, or the narrow U+202F) before : ; ! ? and inside
# « guillemets ». The checks skip URLs and times such as 20:30.
_MISSING_SPACE = re.compile(r"(?<![\s\u00a0\u202f:/!?])([!?;:])(?!//)(?!\d)")
_PLAIN_SPACE = re.compile(r" ([!?;:])(?!//)")
_STRAIGHT_QUOTES = re.compile(r"\"[^\"<>]+\"")
_TAG = re.compile(r"<[^>]+>")
_URL = re.compile(r"\b(?:https?|mailto):\S+")


def _text_of(article):
    body = html.unescape(_TAG.sub(" ", article.body or ""))
    return {
        _("title"): article.title or "",
        _("standfirst"): article.standfirst or "",
        _("body"): _URL.sub(" ", body),
    }


def typography_warnings(article):
    """Return French typography slips in the title, standfirst and body (not blocking)."""
    warnings = []
    for part, text in _text_of(article).items():
        if _PLAIN_SPACE.search(text):
            warnings.append(
                _("%(part)s: use a no-break space before « : ; ! ? », not an ordinary space.")
                % {"part": part.capitalize()}
            )
        elif _MISSING_SPACE.search(text):
            warnings.append(
                _("%(part)s: a no-break space is missing before « : ; ! ? ».")
                % {"part": part.capitalize()}
            )
        if _STRAIGHT_QUOTES.search(text):
            warnings.append(
                _('%(part)s: straight quotes "…" instead of French quotes « … ».')
                % {"part": part.capitalize()}
            )
    return warnings


class PublishingBlocked(Exception):
    """Raised by `publish` when the article may not go out; `problems` lists why
    (messages for the desk, from `publication_problems`)."""

    def __init__(self, problems):
        self.problems = problems
        super().__init__(" ".join(problems))


# Transitions -----------------------------------------------------------------------


def submit_for_review(article, user, *, commit=True):
    """Hand a draft to the editors: in review, `submitted_at` now, the reason it was
    last sent back cleared; the editors are e-mailed once the transaction commits
    (articles.newsroom.notifications; a failed e-mail is logged, the submission stands).

    Returns False, changing nothing, when the article is not a draft. Raises
    PermissionDenied when `user` may not edit it (`can_edit`). With `commit=False`,
    call it inside the transaction that saves the article (the admin's views are one).
    """
    from articles.newsroom import notifications

    if not can_edit(user, article):
        raise PermissionDenied
    if article.status != Article.Status.DRAFT:
        return False
    article.status = Article.Status.IN_REVIEW
    article.submitted_at = timezone.now()
    _clear_send_back(article)
    if commit:
        article.save(update_fields=["status", "submitted_at", *_SEND_BACK_FIELDS])
    notifications.after_commit(notifications.notify_editors_of_submission, article)
    return True


def publish(article, user, at=None, *, commit=True):
    """Publish now, or at `at` (an aware datetime; a future time schedules it).

    A time already set is kept when `at` is None. Returns the article. Raises
    PermissionDenied without the publish permission, PublishingBlocked (nothing
    changed) when `publication_problems` finds any.
    """
    if not can_publish(user):
        raise PermissionDenied
    problems = publication_problems(article)
    if problems:
        raise PublishingBlocked(problems)
    article.status = Article.Status.PUBLISHED
    if at is not None:
        article.published_at = at
    elif article.published_at is None:
        article.published_at = timezone.now()
    # A time already set is kept: in the future it schedules, in the past it is the
    # original date of an article put back online.
    article.updated_at = max(article.updated_at, article.published_at)
    if commit:
        article.save(update_fields=["status", "published_at", "updated_at"])
    return article


def unpublish(article, user, *, commit=True):
    """Take an article (live or scheduled) off the site: it goes back to draft.

    Returns False, changing nothing, when it is not published. Raises PermissionDenied
    without the publish permission.
    """
    if not can_publish(user):
        raise PermissionDenied
    if article.status != Article.Status.PUBLISHED:
        return False
    article.status = Article.Status.DRAFT
    if commit:
        article.save(update_fields=["status"])
    return True


# Said to an editor who sends an article back without a reason (forms, actions).
REASON_REQUIRED = gettext_lazy("Say why the article goes back to its journalist.")


class ReasonRequired(ValueError):
    """Raised by `send_back` without a reason: the journalist must learn why."""

    def __init__(self):
        super().__init__(str(REASON_REQUIRED))


def send_back(article, user, reason="", *, commit=True):
    """Return an article in review to its journalist as a draft, saying why.

    `reason` (a str, required) is kept on the article with who sent it back and when
    (`sent_back_reason`, `sent_back_at`, `sent_back_by`) until it is submitted again;
    the journalist sees it in the admin and is e-mailed once the transaction commits
    (articles.newsroom.notifications). Returns False, changing nothing, when it is not
    in review. Raises PermissionDenied without the publish permission, ReasonRequired
    (nothing changed) when `reason` is blank.
    """
    from articles.newsroom import notifications

    if not can_publish(user):
        raise PermissionDenied
    if article.status != Article.Status.IN_REVIEW:
        return False
    # Under the input policy: a reason of control or invisible characters is none.
    reason = clean_text(reason or "").strip()
    if not reason or is_blank(reason):
        raise ReasonRequired
    article.status = Article.Status.DRAFT
    article.sent_back_reason = reason
    article.sent_back_at = timezone.now()
    article.sent_back_by = user
    if commit:
        article.save(update_fields=["status", *_SEND_BACK_FIELDS])
    notifications.after_commit(notifications.notify_journalist_of_send_back, article)
    return True


# What `send_back` writes and the next submission clears.
_SEND_BACK_FIELDS = ["sent_back_reason", "sent_back_at", "sent_back_by"]


def _clear_send_back(article):
    article.sent_back_reason = ""
    article.sent_back_at = None
    article.sent_back_by = None


# From one status to another, the transitions that lead there, in order.
_ROUTES = {
    (Article.Status.DRAFT, Article.Status.IN_REVIEW): [submit_for_review],
    (Article.Status.IN_REVIEW, Article.Status.DRAFT): [send_back],
    (Article.Status.DRAFT, Article.Status.PUBLISHED): [publish],
    (Article.Status.IN_REVIEW, Article.Status.PUBLISHED): [publish],
    (Article.Status.PUBLISHED, Article.Status.DRAFT): [unpublish],
    # Taken off the site, then handed to the editors again.
    (Article.Status.PUBLISHED, Article.Status.IN_REVIEW): [unpublish, submit_for_review],
}


def move(article, user, status, *, reason="", commit=True):
    """Bring `article` from its current status to `status` (an Article.Status) through
    the transitions above: a status chosen in a form goes the way an action goes.
    `reason` is what `send_back` requires when the route goes through it.

    Returns whether the status changed. Raises what the transitions raise
    (PermissionDenied, PublishingBlocked, ReasonRequired), and then leaves the article
    as it was.
    """
    route = _ROUTES.get((article.status, status), [])
    # Column values (a foreign key's id, not its object: no query).
    attnames = [Article._meta.get_field(name).attname for name in _WORKFLOW_FIELDS]
    before = {attname: getattr(article, attname) for attname in attnames}
    try:
        for transition in route:
            if transition is send_back:
                send_back(article, user, reason, commit=False)
            else:
                transition(article, user, commit=False)
    except Exception:
        for name, value in before.items():
            setattr(article, name, value)
        raise
    if route and commit:
        article.save(update_fields=_WORKFLOW_FIELDS)
    return bool(route)


# What the transitions write.
_WORKFLOW_FIELDS = ["status", "published_at", "updated_at", "submitted_at", *_SEND_BACK_FIELDS]


# Dates readers see -----------------------------------------------------------------

# Form fields whose change does not tell readers the article was updated.
NOT_AN_UPDATE = {"minor_change", "owner"}


def record_edit(article, changed, *, minor=False):
    """Date an edit of `article` for readers, in memory (the caller saves).

    `changed`: the names of what changed (form fields, or "corrections"). A live
    article changed in substance (anything beyond NOT_AN_UPDATE, and not `minor`)
    shows « updated on » now; a published article's `updated_at` never precedes its
    publication time. Returns whether `updated_at` changed.
    """
    before = article.updated_at
    if article.is_live and set(changed) - NOT_AN_UPDATE and not minor:
        article.updated_at = timezone.now()
    elif article.status == Article.Status.PUBLISHED and article.published_at:
        article.updated_at = max(article.updated_at, article.published_at)
    return article.updated_at != before
