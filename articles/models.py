from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

import reversion
from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import F, Max, Q, Window
from django.db.models.functions import Length, RowNumber
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_prose_editor.fields import ProseEditorField
from taggit.models import Tag

from articles import events
from articles.content.sanitize import EDITOR_EXTENSIONS, sanitize_html
from articles.content.slugs import (
    SLUG_SHAPE,
    SUFFIX_ROOM,
    SlugNotice,
    claim_slug,
    first_free,
    make_slug,
    register_redirects,
)
from articles.content.tagging import PolicyTaggableManager, PolicyTagManager
from newsportal.textinput import InputPolicyModel


def content_written(image_ids=()):
    """Tell every cache derived from content that content was written without model
    signals (an `update()`, a `bulk_create()`, SQL in a command or a migration).

    `image_ids`: images whose file was written (ints), whose renditions are made again.
    Sends articles.events.content_written, which the page cache, the section tree,
    « most read » and the renditions hear (articles.signals).
    """
    events.content_written.send(sender=Article, image_ids=list(image_ids))


class ContentQuerySet(models.QuerySet):
    """A queryset whose bulk writes keep derived data right (articles.derived).

    `update()` and `bulk_create()` send no model signal (nor does `bulk_update()`,
    which calls `update()`): after writing, they call
    articles.derived.content_written(), which renews cached pages and the section tree.
    Search vectors need nothing here: the database keeps them (migration 0009).
    """

    def update(self, **kwargs):
        rows = super().update(**kwargs)
        if rows:
            content_written()
        return rows

    def bulk_create(self, objs, *args, **kwargs):
        created = super().bulk_create(objs, *args, **kwargs)
        if created:
            content_written()
        return created


class SectionQuerySet(ContentQuerySet):
    def roots(self):
        return self.filter(parent__isnull=True)

    def subtree(self, section):
        """Return the section and all its descendants (one indexed prefix match)."""
        return self.filter(Q(pk=section.pk) | Q(path__startswith=f"{section.path}/"))


# What an editor reads when the slug they typed is another section's at the same level
# (a constraint's own message would name the constraint).
SECTION_SLUG_TAKEN = _(
    "Another section at the same level already has this slug: type another one, or "
    "leave it empty to have one made from the name."
)


class Section(InputPolicyModel, models.Model):
    """A section of the site; a tree of any depth (News - Infos › Diplomatie).

    `path` is the materialized path of slugs ("news-infos/diplomatie"): ancestors,
    descendants and the URL all come from it without one query per level. `full_name`
    is the same path in names, which `str()` gives without a query.
    """

    name = models.CharField(_("name"), max_length=80)
    slug = models.SlugField(
        _("slug"),
        max_length=80,
        blank=True,
        help_text=_(
            "Made from the name when left empty. The old address of a renamed section, "
            "its subsections and feeds keeps redirecting."
        ),
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent section"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(_("path"), max_length=255, unique=True, editable=False)
    depth = models.PositiveSmallIntegerField(_("depth"), default=0, editable=False)
    # The names from the root down (« News - Infos › Diplomatie »), kept by save() beside
    # `path`: the admin's lists, filters and pickers print a section without a query.
    full_name = models.TextField(_("full name"), editable=False, default="")
    position = models.PositiveSmallIntegerField(
        _("position in the menu"), default=0, help_text=_("Lower numbers come first.")
    )
    description = models.TextField(_("description"), blank=True)

    objects = SectionQuerySet.as_manager()
    # Set when the slug asked for still leads to another section (articles.content.slugs).
    slug_notice = None

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "slug"],
                name="section_unique_slug_in_parent",
                violation_error_message=SECTION_SLUG_TAKEN,
            ),
            models.UniqueConstraint(
                fields=["slug"],
                condition=Q(parent__isnull=True),
                name="section_unique_root_slug",
                violation_error_message=SECTION_SLUG_TAKEN,
            ),
            # A link needs a slug (the slug policy never gives an empty one).
            models.CheckConstraint(condition=~Q(slug=""), name="section_slug_not_empty"),
        ]

    def __str__(self):
        # A row loaded raw from a fixture without the column has no full name yet.
        return self.full_name or self.name

    # The `path` column (and SectionRedirect.old_path) holds this many characters.
    PATH_MAX_LENGTH = 255
    # Between the names of a full name.
    SEPARATOR = " › "

    def save(self, *args, **kwargs):
        """Save the section, recompute its path and move its subtree with it.

        The full name follows the path: a rename or a move saves the subsections
        again, so that theirs follow too.

        Raises ValidationError (nothing written) when the parent is the section itself
        or one of its subsections, or when the path of the section or of one of its
        subsections would exceed PATH_MAX_LENGTH characters.
        """
        old_path, old_full_name = self.path, self.full_name
        parent = self.parent
        self._claim_slug(parent)
        self.path = f"{parent.path}/{self.slug}" if parent else self.slug
        self.depth = parent.depth + 1 if parent else 0
        self.full_name = self.SEPARATOR.join([str(parent), self.name]) if parent else self.name
        self._check_place(parent, self.path)
        moved = bool(old_path) and old_path != self.path
        renamed = bool(old_full_name) and old_full_name != self.full_name
        with transaction.atomic():
            super().save(*args, **kwargs)
            if moved:
                # The old address keeps answering (301), then the whole subtree moves,
                # each subsection keeping its own old address.
                SectionRedirect.keep(self, old_path, self.path)
            if moved or renamed:
                for child in self.children.all():
                    child.save()

    def get_absolute_url(self):
        return reverse("articles:section", kwargs={"path": self.path})

    def clean(self):
        # Before the unique and non-empty checks of a model form (the admin).
        parent = self.parent
        self._check_place(parent)
        self._claim_slug(parent)
        self._check_place(parent, f"{parent.path}/{self.slug}" if parent else self.slug)

    def _check_place(self, parent, path=None):
        """Refuse a place in the tree no address can carry (ValidationError).

        A section under itself or one of its subsections would make the tree a loop
        (its path would grow for ever); a path longer than PATH_MAX_LENGTH, for the
        section or its deepest subsection once moved or renamed, does not fit the
        column. `path` is the new path of the section; without it only the loop is
        checked. The stored path (not the one in memory) gives the current subtree.
        """
        stored = None
        if self.pk:
            stored = Section.objects.filter(pk=self.pk).values_list("path", flat=True).first()
        under_itself = parent is not None and (
            parent.pk == self.pk
            or Section.objects.filter(pk=parent.pk, path__startswith=f"{stored}/").exists()
        )
        if self.pk and stored and under_itself:
            raise ValidationError(
                {"parent": _("A section cannot be placed under itself or one of its subsections.")},
                code="cycle",
            )
        if path is None:
            return
        longest = len(path)
        if stored:
            deepest = Section.objects.filter(path__startswith=f"{stored}/").aggregate(
                longest=Max(Length("path"))
            )["longest"]
            if deepest:
                longest = max(longest, len(path) + deepest - len(stored))
        if longest > self.PATH_MAX_LENGTH:
            raise ValidationError(
                _(
                    "The address of this section or of one of its subsections would be "
                    "%(length)d characters long; at most %(limit)d fit. Choose a shorter "
                    "slug or a place higher in the tree."
                ),
                code="path_too_long",
                params={"length": longest, "limit": self.PATH_MAX_LENGTH},
            )

    def _claim_slug(self, parent):
        """The slug policy for a section: unique among its siblings and among the old
        addresses that still lead to another section (the newcomer gets a suffix and
        `slug_notice` says why)."""
        prefix = f"{parent.path}/" if parent else ""
        if self.slug and not SLUG_SHAPE.fullmatch(self.slug):
            self.slug = make_slug(self.slug, max_length=80 - SUFFIX_ROOM, fallback="rubrique")
        wanted = self.slug
        base = wanted or make_slug(self.name, max_length=80 - SUFFIX_ROOM, fallback="rubrique")
        held = {
            old_path.removeprefix(prefix): section_id
            for old_path, section_id in SectionRedirect.objects.filter(
                old_path__startswith=f"{prefix}{base}"
            ).values_list("old_path", "section_id")
            if "/" not in old_path.removeprefix(prefix) and section_id != self.pk
        }
        if wanted and wanted not in held:
            return
        siblings = Section.objects.filter(parent=parent, slug__startswith=base)
        if self.pk:
            siblings = siblings.exclude(pk=self.pk)
        self.slug = first_free(
            base[: 80 - SUFFIX_ROOM], set(held) | set(siblings.values_list("slug", flat=True))
        )
        if wanted and wanted in held:
            holder = Section.objects.filter(pk=held[wanted]).first()
            self.slug_notice = SlugNotice(wanted, self.slug, holder)

    def ancestor_paths(self):
        """The paths of the section's ancestors, root first (a list of str).

        « news-infos/diplomatie/afrique » gives ["news-infos", "news-infos/diplomatie"].
        The one definition of a section's ancestors: `ancestors()` reads them from the
        database, the section tree (articles.discovery.sections) from memory.
        """
        parts = self.path.split("/")
        return ["/".join(parts[:i]) for i in range(1, len(parts))]

    def ancestors(self):
        """Return the ancestors (Sections), root first, in one query."""
        paths = self.ancestor_paths()
        found = {s.path: s for s in Section.objects.filter(path__in=paths)} if paths else {}
        return [found[path] for path in paths if path in found]


class Author(InputPolicyModel, models.Model):
    """An author: a staff member, a correspondent or an agency, named in the byline of
    the articles they sign."""

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(
        _("slug"),
        max_length=120,
        unique=True,
        blank=True,
        help_text=_("Made from the name when left empty. An old slug keeps redirecting."),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="author",
    )
    role = models.CharField(_("role"), max_length=120, blank=True)
    bio = models.TextField(_("biography"), blank=True)

    objects = ContentQuerySet.as_manager()

    class Meta:
        verbose_name = _("author")
        verbose_name_plural = _("authors")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=~Q(slug=""), name="author_slug_not_empty"),
        ]

    def __str__(self):
        return self.name

    # Set when the slug asked for still leads to another author (articles.content.slugs).
    slug_notice = None

    def save(self, *args, **kwargs):
        claim_slug(self, self.name, fallback="auteur", max_length=120)
        old_slug = None
        if self.pk:
            old_slug = Author.objects.filter(pk=self.pk).values_list("slug", flat=True).first()
        super().save(*args, **kwargs)
        AuthorSlugRedirect.keep(self, old_slug, self.slug)

    def get_absolute_url(self):
        return reverse("articles:author", kwargs={"slug": self.slug})

    def clean(self):
        # Before the unique and non-empty checks of a model form (the admin).
        claim_slug(self, self.name, fallback="auteur", max_length=120)


def image_upload_to(instance, filename):
    # A generated name: the uploader's file name never reaches the file system.
    import uuid

    return f"images/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{filename.rsplit('.', 1)[-1].lower()}"


class ImageQuerySet(ContentQuerySet):
    """Bulk writes of images make the renditions that Image.save() would have made."""

    def update(self, **kwargs):
        if "file" not in kwargs:
            return super().update(**kwargs)
        ids = list(self.values_list("pk", flat=True))
        rows = models.QuerySet.update(self, **kwargs)
        if rows:
            content_written(image_ids=ids)
        return rows

    def bulk_create(self, objs, *args, **kwargs):
        created = models.QuerySet.bulk_create(self, objs, *args, **kwargs)
        if created:
            # Rows made with their renditions already listed keep them.
            content_written(image_ids=[i.pk for i in created if i.pk and not i.renditions])
        return created


class Image(InputPolicyModel, models.Model):
    """A photo with its editorial metadata and its renditions (made once, on save)."""

    file = models.ImageField(
        _("file"), upload_to=image_upload_to, width_field="width", height_field="height"
    )
    width = models.PositiveIntegerField(_("width"), editable=False, default=0)
    height = models.PositiveIntegerField(_("height"), editable=False, default=0)
    alt_text = models.CharField(
        _("alternative text"),
        max_length=250,
        blank=True,
        help_text=_("What the photo shows, for readers who cannot see it."),
    )
    caption = models.CharField(_("caption"), max_length=300, blank=True)
    credit = models.CharField(_("credit"), max_length=120, blank=True)
    renditions = models.JSONField(_("renditions"), default=list, blank=True, editable=False)
    # Where crops to a fixed ratio centre, as fractions of the width and height (0 = left
    # or top): the face or the subject that must stay in every crop.
    focal_x = models.FloatField(
        _("focal point (across)"),
        default=0.5,
        validators=[MinValueValidator(0.0), MaxValueValidator(1.0)],
        help_text=_("From 0 (left edge) to 1 (right edge)."),
    )
    focal_y = models.FloatField(
        _("focal point (down)"),
        default=0.5,
        validators=[MinValueValidator(0.0), MaxValueValidator(1.0)],
        help_text=_("From 0 (top edge) to 1 (bottom edge)."),
    )
    # {"16:9": [renditions], "3:2": [...]}: settings.RENDITION_RATIOS cut around the focal point.
    crops = models.JSONField(_("crops"), default=dict, blank=True, editable=False)
    # A large upload's renditions and crops are being made by a background task
    # (articles.media.tasks); until then both lists are empty and pages print no
    # rendition (RenditionSet without entries).
    renditions_pending = models.BooleanField(
        _("renditions being prepared"), default=False, editable=False
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ImageQuerySet.as_manager()

    class Meta:
        verbose_name = _("image")
        verbose_name_plural = _("images")
        ordering = ["-created_at"]

    def __str__(self):
        return self.alt_text or self.caption or f"#{self.pk}"

    def save(self, *args, **kwargs):
        """Save, then make the renditions and crops of a new or changed file, or only the
        crops when the focal point moved (raises OSError for an unreadable file). A
        replaced file is deleted from the storage once the save is committed.

        A file of more than settings.RENDITIONS_IN_BACKGROUND_FROM_BYTES bytes has them
        made by a background task instead (articles.media.tasks, told by the event
        `renditions_wanted`), enqueued once the save commits: `renditions_pending` is
        True and the lists are empty until then.
        """
        from articles.media.renditions import delete_original, make_crops, make_renditions

        file_changed = not self.pk or not (self.renditions or self.renditions_pending)
        focal_moved = False
        replaced = None  # the stored name of the file this save replaces
        if self.pk:
            old = Image.objects.filter(pk=self.pk).values_list("file", "focal_x", "focal_y").first()
            if old is not None and old[0] and old[0] != self.file.name:
                replaced, file_changed = old[0], True
            if not file_changed:
                file_changed = old is None
                focal_moved = old is not None and (old[1], old[2]) != (self.focal_x, self.focal_y)
        in_background = file_changed and self._is_large_upload()
        if in_background:
            self.renditions, self.crops, self.renditions_pending = [], {}, True
        super().save(*args, **kwargs)
        if replaced:
            # The replaced file leaves the storage once the new one is committed.
            transaction.on_commit(
                partial(delete_original, replaced, Image.objects.all()), robust=True
            )
        if in_background:
            events.renditions_wanted.send(sender=Image, image_id=self.pk)
        elif file_changed:
            self.renditions = make_renditions(self)
            self.crops = make_crops(self)
            self.renditions_pending = False
            super().save(update_fields=["renditions", "crops", "renditions_pending"])
        elif focal_moved and not self.renditions_pending:
            # (A pending task cuts the crops around the focal point it reads then.)
            self.crops = make_crops(self)
            super().save(update_fields=["crops"])

    def _is_large_upload(self):
        """Whether the file has more bytes than settings.RENDITIONS_IN_BACKGROUND_FROM_BYTES
        (False when its size cannot be read: the request then makes the renditions and
        reports the error)."""
        try:
            return self.file.size > settings.RENDITIONS_IN_BACKGROUND_FROM_BYTES
        except (OSError, ValueError):
            return False

    def rendition_set(self, ratio=None):
        """The renditions pages print for `ratio` (a settings.RENDITION_RATIOS name such
        as "16:9"), as a RenditionSet; the original ratio when `ratio` is empty or its
        crops were not made yet (`manage.py make_renditions` makes them)."""
        from articles.media.renditions import RenditionSet

        return RenditionSet((self.crops or {}).get(ratio) or self.renditions)

    @property
    def srcset_webp(self):
        return ", ".join(f"{r['url_webp']} {r['width']}w" for r in self.renditions)

    @property
    def srcset_jpeg(self):
        return ", ".join(f"{r['url_jpeg']} {r['width']}w" for r in self.renditions)

    @property
    def fallback(self):
        """The middle rendition, used as `src` where srcset is not understood."""
        if not self.renditions:
            return None
        return self.renditions[min(1, len(self.renditions) - 1)]

    @property
    def largest(self):
        return self.renditions[-1] if self.renditions else None


# How article cards load a field their query left out: all the cards at once. The test
# suite sets FETCH_RAISE instead, so a template line that needs one fails loudly there.
LISTING_FETCH_MODE = models.FETCH_PEERS


# Breaking news stays in the home page's strip this long after publication.
BREAKING_NEWS_AGE = timedelta(hours=48)


def live_q(at=None):
    """What "visible to readers" means, as a Q on Article: published, and the
    publication time reached at `at` (an aware datetime; now by default).

    The only definition of it. `Article.objects.published()` filters with it, the page
    cache's schedule and the related articles' SQL compile it, `Article.is_live` says
    the same of one article in memory. A scheduled article turns visible by itself
    when its time comes, with no cron.
    """
    return Q(status=Article.Status.PUBLISHED, published_at__lte=at or timezone.now())


def scheduled_q(at=None):
    """Published by the desk with a publication time after `at` (now by default): the
    articles that `live_q` will let through by themselves later, as a Q on Article."""
    return Q(status=Article.Status.PUBLISHED, published_at__gt=at or timezone.now())


def breaking_q(at=None):
    """Breaking news still in the home page's strip at `at` (now by default): visible
    (`live_q`), flagged, and published less than BREAKING_NEWS_AGE before, as a Q."""
    at = at or timezone.now()
    return live_q(at) & Q(is_breaking=True, published_at__gte=at - BREAKING_NEWS_AGE)


# Edits within this time of a publication (or of a correction) are its finishing
# touches: readers are not told of them as an update of their own.
UPDATE_GRACE = timedelta(hours=1)


@dataclass(frozen=True)
class LastUpdate:
    """The « updated on » line of an article page: `at` (an aware datetime) and the
    `correction` it announces (a Correction, whose type the line names), or None for
    an edit of substance."""

    at: datetime
    correction: "Correction | None"


class ArticleQuerySet(ContentQuerySet):
    def published(self, at=None):
        """Articles readers may see at `at` (now by default): `live_q`."""
        return self.filter(live_q(at))

    def scheduled(self, at=None):
        """Articles that go live by themselves after `at` (now by default): `scheduled_q`."""
        return self.filter(scheduled_q(at))

    def breaking(self, at=None):
        """Breaking news in the home page's strip at `at` (now by default): `breaking_q`."""
        return self.filter(breaking_q(at))

    def unpublished(self):
        """Drafts and articles in review: neither live nor scheduled."""
        return self.exclude(status=Article.Status.PUBLISHED)

    def for_listing(self):
        """Load what an article card shows, in the same query."""
        return (
            self.select_related("section", "hero_image")
            .defer("body", "search_vector")
            .fetch_mode(LISTING_FETCH_MODE)
            .order_by("-published_at", "-pk")
        )

    def in_section(self, section):
        return self.filter(section__in=Section.objects.subtree(section))


class Article(InputPolicyModel, models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_REVIEW = "review", _("In review")
        PUBLISHED = "published", _("Published")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(
        _("slug"),
        max_length=200,
        unique=True,
        blank=True,
        help_text=_("Made from the title when left empty. An old slug keeps redirecting."),
    )
    standfirst = models.TextField(_("standfirst"), blank=True)
    body = ProseEditorField(
        _("body"),
        blank=True,
        extensions=EDITOR_EXTENSIONS,
        # articles.content.sanitize stays the source of truth: the editor offers a subset of it.
        sanitize=sanitize_html,
        help_text=_("Sanitized on save: what you see here is what readers get."),
    )
    section = models.ForeignKey(
        Section,
        verbose_name=_("section"),
        on_delete=models.PROTECT,
        related_name="articles",
    )
    # Tag names follow the input policy however they are added (articles.content.tagging).
    tags = PolicyTaggableManager(verbose_name=_("tags"), blank=True, manager=PolicyTagManager)
    authors = models.ManyToManyField(
        Author, verbose_name=_("authors"), blank=True, related_name="articles"
    )
    hero_image = models.ForeignKey(
        Image,
        verbose_name=_("hero image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(
        _("publication time"),
        null=True,
        blank=True,
        help_text=_("A time in the future schedules the article."),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    related_articles = models.ManyToManyField(
        "self",
        verbose_name=_("related articles"),
        symmetrical=False,
        blank=True,
        related_name="+",
    )
    is_breaking = models.BooleanField(_("breaking news"), default=False)
    comments_open = models.BooleanField(_("comments open"), default=True)
    comments_premoderated = models.BooleanField(
        _("comments moderated first"),
        default=False,
        help_text=_("Every comment waits for a moderator, whatever its captcha score."),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_articles",
        help_text=_("The journalist in charge: they and the editors may edit the article."),
    )
    submitted_at = models.DateTimeField(_("submitted for review"), null=True, blank=True)
    # Why an editor last sent the article back to its journalist (articles.newsroom.
    # publishing.send_back); cleared when it is submitted again.
    # A database default too: rows written in SQL (imports) need no value.
    sent_back_reason = models.TextField(
        _("reason for sending back"), blank=True, editable=False, db_default=""
    )
    sent_back_at = models.DateTimeField(_("sent back on"), null=True, blank=True, editable=False)
    sent_back_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent back by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Full-text search document (PostgreSQL); articles.discovery.search keeps it current when the
    # article or its tags change. Always empty on SQLite, which searches differently.
    search_vector = SearchVectorField(_("search vector"), null=True, editable=False)

    objects = ArticleQuerySet.as_manager()
    # Set when the slug asked for still leads to another article (articles.content.slugs).
    slug_notice = None

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["-published_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "-published_at"], name="article_status_pub_idx"),
            models.Index(
                fields=["section", "status", "-published_at"], name="article_section_pub_idx"
            ),
            # Created on PostgreSQL only (see migration 0003); SQLite has no GIN.
            GinIndex(fields=["search_vector"], name="article_search_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="article_published_has_date",
            ),
            models.CheckConstraint(condition=~Q(slug=""), name="article_slug_not_empty"),
        ]
        permissions = [
            ("publish_article", _("Can publish, schedule and unpublish articles")),
            ("edit_any_article", _("Can edit and reassign anyone's articles")),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.body = sanitize_html(self.body)
        claim_slug(self, self.title, fallback="article", max_length=200)
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        # What the row holds before this save: the old slug keeps redirecting, and the
        # old status tells a publication from an edit (articles.signals).
        old_slug = self._status_in_db = None
        if self.pk:
            old_slug, self._status_in_db = Article.objects.filter(pk=self.pk).values_list(
                "slug", "status"
            ).first() or (None, None)
        super().save(*args, **kwargs)
        ArticleSlugRedirect.keep(self, old_slug, self.slug)

    def get_absolute_url(self):
        return reverse("articles:detail", kwargs={"slug": self.slug})

    def clean(self):
        # Before the unique and non-empty checks of a model form (the admin).
        claim_slug(self, self.title, fallback="article", max_length=200)

    @property
    def is_scheduled(self):
        """Whether the article goes live by itself later (`scheduled_q`, in memory)."""
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at > timezone.now()
        )

    @property
    def is_live(self):
        """Whether readers can see the article now (`live_q`, in memory, no query)."""
        return self.status == self.Status.PUBLISHED and not self.is_scheduled

    @property
    def is_updated(self):
        """Whether the article changed noticeably after it went out: edited in substance
        more than an hour after its publication (the first hour's edits are the
        finishing touches of a fresh story). A correction shows whatever its delay,
        through `latest_correction` and the page's own line."""
        return bool(self.published_at and self.updated_at - self.published_at > UPDATE_GRACE)

    def last_update(self, corrections):
        """What the article page's « updated on » line tells readers, or None.

        `corrections`: the article's corrections, oldest first (as the page lists them).
        The latest one shows whatever its delay: (its date, the correction). An edit of
        substance shows as itself, (`updated_at`, None), when it came more than
        UPDATE_GRACE after the publication and after the latest correction (an edit
        saved with a correction is that correction's). Returns a `LastUpdate`.
        """
        latest = corrections[-1] if corrections else None
        if self.is_updated and (
            latest is None or self.updated_at - latest.published_at > UPDATE_GRACE
        ):
            return LastUpdate(self.updated_at, None)
        if latest is not None:
            return LastUpdate(latest.published_at, latest)
        return None

    @property
    def is_sent_back(self):
        """Whether the article is a draft an editor sent back with a reason."""
        return self.status == self.Status.DRAFT and bool(self.sent_back_reason)


def live_corrections(at=None):
    """The corrections readers may see at `at` (now by default): those of live articles
    (`live_q`), newest first, with their article."""
    live = Article.objects.published(at=at)
    return (
        Correction.objects.filter(article__in=live)
        .select_related("article")
        .order_by("-published_at", "-pk")
    )


class Correction(InputPolicyModel, models.Model):
    """A dated note telling readers what changed in a published article, of one kind:

    - a correction: the article said something wrong (schema.org `CorrectionComment`);
    - a clarification: it was right but could be misread (also a `CorrectionComment`);
    - an update: news added since (the article's `dateModified`, not a correction).
    """

    class Kind(models.TextChoices):
        CORRECTION = "correction", pgettext_lazy("correction kind", "Correction")
        CLARIFICATION = "clarification", pgettext_lazy("correction kind", "Clarification")
        UPDATE = "update", pgettext_lazy("correction kind", "Update")

    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="corrections"
    )
    kind = models.CharField(
        _("kind"),
        max_length=16,
        choices=Kind.choices,
        default=Kind.CORRECTION,
        db_default=Kind.CORRECTION,
        help_text=_(
            "Correction: something was wrong. Clarification: it could be misread. "
            "Update: news added since publication."
        ),
    )
    text = models.TextField(_("correction"), help_text=_("What was wrong, and what is right."))
    published_at = models.DateTimeField(_("date"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ContentQuerySet.as_manager()

    class Meta:
        verbose_name = _("correction")
        verbose_name_plural = _("corrections")
        ordering = ["published_at", "pk"]

    def __str__(self):
        return f"{self.article} ({self.published_at:%Y-%m-%d})"

    # A note is dated when it is made: a date this far ahead at most (seconds) is the
    # clock of the form's page, anything later a mistake readers would see at once
    # (« mis à jour le » a day to come, a feed item from the future).
    FUTURE_TOLERANCE_SECONDS = 300

    def clean(self):
        super().clean()
        ahead = timezone.now() + timedelta(seconds=self.FUTURE_TOLERANCE_SECONDS)
        if self.published_at and self.published_at > ahead:
            raise ValidationError({"published_at": _("A note cannot be dated in the future.")})

    @property
    def is_correction_comment(self):
        """Whether schema.org calls it a `CorrectionComment` (corrections, clarifications)."""
        return self.kind != self.Kind.UPDATE


class OldAddress(models.Model):
    """An address a renamed or moved object had, still answering with a 301 to it.

    A subclass has a unique `old_<ADDRESS>` column (`old_slug`, or `old_path` for a
    section) and a foreign key named `TARGET` to the object it leads to. The pages and
    feeds find the object with `leads_to()` (articles.discovery.redirects); a save that
    changes the address records it with `keep()`. Abstract: each subclass keeps its
    own table.
    """

    created_at = models.DateTimeField(_("kept since"), auto_now_add=True)

    ADDRESS = "slug"
    TARGET = None

    class Meta:
        abstract = True

    def __str__(self):
        target = getattr(self, self.TARGET)
        return f"{getattr(self, f'old_{self.ADDRESS}')} → {getattr(target, self.ADDRESS)}"

    @classmethod
    def leads_to(cls, address, among=None):
        """The object an old `address` (a slug, or a section's path) leads to, or None.

        `among` (a queryset of the target model) narrows the answer down, e.g. to the
        published articles.
        """
        found = cls._default_manager.filter(**{f"old_{cls.ADDRESS}": address})
        if among is not None:
            found = found.filter(**{f"{cls.TARGET}__in": among})
        found = found.select_related(cls.TARGET)[:1]
        return getattr(found[0], cls.TARGET) if found else None

    @classmethod
    def keep(cls, target, old, new):
        """After `target` moved from address `old` to `new`, `old` keeps leading to it.

        `new` is `target`'s own address again, so a row that kept it as an old address
        (of `target` or another object) goes. Nothing happens when `old` is empty or
        equals `new`.
        """
        if not old or old == new:
            return
        column = f"old_{cls.ADDRESS}"
        cls._default_manager.filter(**{column: new}).delete()
        cls._default_manager.update_or_create(**{column: old}, defaults={cls.TARGET: target})


class ArticleSlugRedirect(OldAddress):
    """An old slug of an article that answers with a 301."""

    old_slug = models.SlugField(_("old slug"), max_length=200, unique=True)
    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="old_slugs"
    )

    TARGET = "article"
    objects = ContentQuerySet.as_manager()

    class Meta:
        verbose_name = _("old slug")
        verbose_name_plural = _("old slugs")


def _addressable(slug):
    return bool(slug) and SLUG_SHAPE.fullmatch(slug) is not None


def slug_before_save(sender, instance, raw=False, **kwargs):
    """`pre_save` of Article, Author and Section: a slug no address can carry is redone.

    save() and clean() already run the slug policy; `loaddata` saves raw and skips
    them, so a fixture with « été à Paris » or « jean dupont » as a slug would reach
    the pages (NoReverseMatch). Here such a slug (empty, or not `SLUG_SHAPE`) is made
    again from its own text by the policy; for a section the path is rebuilt from the
    stored parent, and a missing full name made from it. A slug of the right shape is
    left as it is.
    """
    if isinstance(instance, Article):
        if not _addressable(instance.slug):
            claim_slug(instance, instance.title, fallback="article", max_length=200)
    elif isinstance(instance, Author):
        if not _addressable(instance.slug):
            claim_slug(instance, instance.name, fallback="auteur", max_length=120)
    elif isinstance(instance, Section):
        segments = (instance.path or "").split("/")
        addressable = _addressable(instance.slug) and all(map(_addressable, segments))
        if addressable and instance.full_name:
            return
        parent = Section.objects.filter(pk=instance.parent_id).first()
        if not instance.full_name:
            # A fixture from before the column: the names from the stored parent (one
            # that comes later in the fixture leaves the section's own name).
            names = [str(parent), instance.name] if parent else [instance.name]
            instance.full_name = Section.SEPARATOR.join(names)
        if addressable:
            return
        instance._claim_slug(parent)
        if parent is not None:
            instance.path = f"{parent.path}/{instance.slug}"
            instance.depth = parent.depth + 1
        elif instance.parent_id:
            # The parent comes later in the fixture: its own load redoes its segment.
            ancestors = [
                make_slug(part, max_length=80, fallback="rubrique") for part in segments[:-1]
            ]
            instance.path = "/".join([*ancestors, instance.slug])
        else:
            instance.path, instance.depth = instance.slug, 0


class SectionRedirect(OldAddress):
    """An old path of a section (« news-infos/diplomatie ») that answers with a 301.

    Renaming or moving a section records one for the section and one for each of its
    subsections; their pages and feeds keep answering at the old addresses.
    """

    old_path = models.CharField(_("old path"), max_length=255, unique=True)
    section = models.ForeignKey(
        Section, on_delete=models.CASCADE, related_name="old_paths", verbose_name=_("section")
    )

    ADDRESS = "path"
    TARGET = "section"

    class Meta:
        verbose_name = _("old section address")
        verbose_name_plural = _("old section addresses")


class AuthorSlugRedirect(OldAddress):
    """An old slug of an author that answers with a 301 (page and feeds)."""

    old_slug = models.SlugField(_("old slug"), max_length=120, unique=True)
    author = models.ForeignKey(
        Author, on_delete=models.CASCADE, related_name="old_slugs", verbose_name=_("author")
    )

    TARGET = "author"

    class Meta:
        verbose_name = _("old author address")
        verbose_name_plural = _("old author addresses")


class TagSlugRedirect(OldAddress):
    """An old slug of a tag that answers with a 301 (page and feeds)."""

    old_slug = models.SlugField(_("old slug"), max_length=100, unique=True)
    tag = models.ForeignKey(
        "taggit.Tag", on_delete=models.CASCADE, related_name="old_slugs", verbose_name=_("tag")
    )

    TARGET = "tag"

    class Meta:
        verbose_name = _("old tag address")
        verbose_name_plural = _("old tag addresses")


register_redirects(Article, ArticleSlugRedirect)
register_redirects(Author, AuthorSlugRedirect)
register_redirects(Tag, TagSlugRedirect)


class AdSlotQuerySet(ContentQuerySet):
    def live(self, placement=None, at=None):
        """The ads readers see at `at` (now by default): active, started, not ended;
        of one `placement` (an AdSlot.Placement value) or of all; by position."""
        at = at or timezone.now()
        ads = self.filter(
            Q(starts_at__isnull=True) | Q(starts_at__lte=at),
            Q(ends_at__isnull=True) | Q(ends_at__gt=at),
            is_active=True,
        )
        if placement is not None:
            ads = ads.filter(placement=placement)
        return ads.order_by("position", "pk")

    def live_by_placement(self, per_placement, at=None):
        """{placement value: [AdSlot, …]}: the first `per_placement` live ads of every
        placement by position (an empty list for a placement without one), their
        images loaded, in one query."""
        ranked = (
            self.live(at=at)
            .select_related("image")
            .annotate(
                rank=Window(
                    RowNumber(),
                    partition_by=[F("placement")],
                    order_by=[F("position").asc(), F("pk").asc()],
                )
            )
            .filter(rank__lte=per_placement)
        )
        by_placement = {placement: [] for placement in AdSlot.Placement.values}
        for ad in ranked:
            by_placement.setdefault(ad.placement, []).append(ad)
        return by_placement


class AdSlot(InputPolicyModel, models.Model):
    """An advertisement placement; always shown under the label « Publicité ».

    Ads are an image and a link served by the portal itself: no third-party script.
    Where each placement shows (templates; docs/newsroom.md, "Ads"):

    - HOME: the home page, under the lead story's row (on phones, after « Most read »);
    - ARTICLE: in an article, after its text;
    - SIDEBAR: the side column of the home page (under « Latest news »), of an article
      (at its top, above « Read also ») and of the lists of a section, a tag and an
      author (beside the cards); on phones, where that column falls: between « Latest
      news » and « Most read » (home), after the comments (article), after the list.
    """

    class Placement(models.TextChoices):
        HOME = "home", _("Home page")
        ARTICLE = "article", _("In the article")
        SIDEBAR = "sidebar", _("Sidebar")

    name = models.CharField(_("name"), max_length=120)
    advertiser = models.CharField(_("advertiser"), max_length=120, blank=True)
    placement = models.CharField(
        _("placement"),
        max_length=12,
        choices=Placement.choices,
        help_text=_(
            "Home page: under the lead story. In the article: after the text. Sidebar: "
            "the side column of the home page, of articles and of the lists of sections, "
            "tags and authors (on phones, after the page's main content)."
        ),
    )
    image = models.ForeignKey(
        Image, verbose_name=_("image"), null=True, blank=True, on_delete=models.SET_NULL
    )
    text = models.CharField(_("text"), max_length=200, blank=True)
    link_url = models.URLField(_("link"), blank=True)
    starts_at = models.DateTimeField(_("starts"), null=True, blank=True)
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    objects = AdSlotQuerySet.as_manager()

    class Meta:
        verbose_name = _("ad slot")
        verbose_name_plural = _("ad slots")
        ordering = ["placement", "position"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True)
                | Q(starts_at__isnull=True)
                | Q(ends_at__gt=models.F("starts_at")),
                name="adslot_ends_after_start",
                violation_error_message=_("The ad must end after it starts."),
            ),
        ]

    def __str__(self):
        return self.name


# Every save of an article keeps a version (django-reversion). The fields are listed so
# that derived columns (a search vector, say) are not versioned; tags live in taggit's
# table and corrections are a public record, so restoring a version touches neither.
reversion.register(
    Article,
    fields=[
        "title",
        "slug",
        "standfirst",
        "body",
        "section",
        "hero_image",
        "status",
        "published_at",
        "updated_at",
        "owner",
        "is_breaking",
        "comments_open",
        "authors",
        "related_articles",
    ],
    ignore_duplicates=True,
)


class ArticleReadCount(models.Model):
    """How many times an article was read on one day: the source of « most read ».

    Counted without a cookie and without storing who read: articles.discovery.readership buffers
    the counts in memory and adds them here in one statement, after the response.
    """

    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="read_counts"
    )
    day = models.DateField(_("day"))
    reads = models.PositiveIntegerField(_("reads"), default=0)

    class Meta:
        verbose_name = _("read count")
        verbose_name_plural = _("read counts")
        constraints = [
            models.UniqueConstraint(fields=["article", "day"], name="readcount_unique_article_day"),
        ]
        indexes = [models.Index(fields=["day"], name="readcount_day_idx")]

    def __str__(self):
        return f"{self.article_id} {self.day}: {self.reads}"


class ArticleDraft(models.Model):
    """The article form as one journalist last left it, saved by the autosave.

    Kept apart from the article: an autosave never changes an Article row, a version,
    the page cache or anything readers see (articles.newsroom.drafting). One row per
    article and user; `article` is empty for a new article not saved yet (one per user).
    `data` holds the form's fields as posted: {"name": ["value", …]}.
    """

    article = models.ForeignKey(
        Article, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    data = models.JSONField(default=dict)
    saved_at = models.DateTimeField(_("saved at"), default=timezone.now)

    class Meta:
        verbose_name = _("autosaved draft")
        verbose_name_plural = _("autosaved drafts")
        constraints = [
            models.UniqueConstraint(fields=["article", "user"], name="articledraft_one_per_user"),
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(article__isnull=True),
                name="articledraft_one_new_per_user",
            ),
        ]

    def __str__(self):
        return f"{self.article_id or '-'} {self.user_id} {self.saved_at}"


class ArticleLock(models.Model):
    """Who is editing an article: set on opening its form, kept by the form's ping.

    A lock whose `heartbeat` is older than drafting.LOCK_SECONDS is free; another editor
    may take over a fresh one (articles.newsroom.drafting). It warns, it does not block:
    saving over someone else's newer save is refused by the form's version check.
    """

    article = models.OneToOneField(Article, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    since = models.DateTimeField(default=timezone.now)
    heartbeat = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("edit lock")
        verbose_name_plural = _("edit locks")

    def __str__(self):
        return f"{self.article_id} {self.user_id} {self.since}"


class FrontPageBlock(models.Model):
    """A place of the front page where editors choose the articles (docs/newsroom.md).

    Three kinds: the home page's lead story (« la une »), its featured stories, and the
    block of a top-level section (on the home page and at the top of the section's own
    page). Each holds ordered choices (FrontPageChoice); the newest published articles
    fill whatever is not chosen (articles.discovery.frontpage). One block per kind on
    the home page, one per section.
    """

    class Kind(models.TextChoices):
        LEAD = "lead", _("Lead story of the home page")
        FEATURED = "featured", _("Featured stories of the home page")
        SECTION = "section", _("Section block")

    kind = models.CharField(_("place"), max_length=12, choices=Kind.choices)
    section = models.OneToOneField(
        Section,
        verbose_name=_("section"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="front_page_block",
        limit_choices_to={"parent__isnull": True},
        help_text=_("A top-level section; only for a section block."),
        error_messages={"unique": _("This section already has its block: change it.")},
    )

    # Bulk writes renew pages too (ContentQuerySet).
    objects = ContentQuerySet.as_manager()

    class Meta:
        verbose_name = _("front-page block")
        verbose_name_plural = _("front page")
        constraints = [
            models.UniqueConstraint(
                fields=["kind"],
                condition=~Q(kind="section"),
                name="frontpageblock_one_per_home_kind",
                violation_error_message=_("The home page already has this block: change it."),
            ),
            models.CheckConstraint(
                condition=Q(kind="section", section__isnull=False)
                | (~Q(kind="section") & Q(section__isnull=True)),
                name="frontpageblock_section_iff_section_kind",
                violation_error_message=_("Only a section block has a section, and it must."),
            ),
        ]

    def __str__(self):
        if self.kind == self.Kind.SECTION and self.section_id:
            return str(self.section)
        return str(self.get_kind_display())

    def clean(self):
        if self.kind == self.Kind.SECTION and not self.section_id:
            raise ValidationError({"section": _("Choose the section of this block.")})
        if self.kind != self.Kind.SECTION and self.section_id:
            raise ValidationError({"section": _("Only a section block has a section.")})


class FrontPageChoice(models.Model):
    """One article an editor chose for a front-page block, at a position, until a time.

    Readers' pages skip a choice whose article is not live (`live_q`: a draft, an
    article in review, one scheduled for later) and one whose `expires_at` has passed;
    a deleted article takes its choices with it. Lower positions come first: in the
    lead block the first live choice leads.
    """

    block = models.ForeignKey(
        FrontPageBlock, verbose_name=_("place"), on_delete=models.CASCADE, related_name="choices"
    )
    article = models.ForeignKey(
        Article,
        verbose_name=_("article"),
        on_delete=models.CASCADE,
        related_name="front_page_choices",
        # Live or scheduled: a draft cannot be chosen (a scheduled one shows at its time).
        limit_choices_to={"status": Article.Status.PUBLISHED},
    )
    position = models.PositiveSmallIntegerField(
        _("position"), default=0, help_text=_("Lower numbers come first.")
    )
    expires_at = models.DateTimeField(
        _("until"),
        null=True,
        blank=True,
        help_text=_("Left empty, the choice stays until you remove it."),
    )

    # Bulk writes renew pages too (ContentQuerySet).
    objects = ContentQuerySet.as_manager()

    class Meta:
        verbose_name = _("front-page choice")
        verbose_name_plural = _("front-page choices")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["block", "article"],
                name="frontpagechoice_article_once_per_block",
                violation_error_message=_("This article is already chosen in this block."),
            ),
        ]

    def __str__(self):
        return str(self.article) if self.article_id else "-"
