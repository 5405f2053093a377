import hashlib

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles.caching import comments_changed
from newsportal.textinput import InputPolicyModel, apply_to_instance

from .conf import settings

# The query parameter of the article page that picks a page of comments.
PAGE_PARAMETER = "commentaires"


def text_digest(text):
    """A fingerprint of a comment's words, blind to case and spacing."""
    normalized = " ".join(text.lower().split())
    return hashlib.sha256(normalized.encode()).hexdigest()


class CommentQuerySet(models.QuerySet):
    """Comments, whose bulk writes renew their articles' pages like a save does.

    `update()` and `bulk_create()` send no model signal (nor does `bulk_update()`, which
    calls `update()`): they renew the comment scope of every article they touched
    (articles.caching.comments_changed), so a script or a data migration that approves
    comments shows them at once.
    """

    def update(self, **kwargs):
        article_ids = set(self.values_list("article_id", flat=True).order_by())
        rows = super().update(**kwargs)
        if rows:
            comments_changed(article_ids)
        return rows

    def bulk_create(self, objs, *args, **kwargs):
        created = super().bulk_create(objs, *args, **kwargs)
        if article_ids := {c.article_id for c in created if c.status == Comment.Status.APPROVED}:
            comments_changed(article_ids)
        return created

    def approved(self):
        """Comments readers may see."""
        return self.filter(status=Comment.Status.APPROVED)

    def pending(self):
        """Comments waiting for a moderator."""
        return self.filter(status=Comment.Status.PENDING)

    def on_article(self, article):
        return self.filter(article=article)

    def top_level(self):
        """Comments that open a thread (not replies)."""
        return self.filter(parent__isnull=True)

    def for_page(self):
        """Load what the article page shows of a comment, oldest first, in one query.

        `reply_to_name` (a str or None): for a reply, the name of the comment it answers
        (« in reply to Awa »), only while that comment is published: a name a moderator
        rejected or marked as spam (often the spam itself) is not shown through the
        replies that answered it.

        `from_trusted` (a bool) says whether it came from a browser a moderator trusts
        (TrustedCommenter, still trusted): the « Regular reader » mark, which comes from
        this stored link and never from the name typed.
        """
        return (
            self.only(
                "pk",
                "article_id",
                "name",
                "body",
                "created_at",
                "parent_id",
                "newsroom",
                "reply_to_id",
            )
            .annotate(
                reply_to_name=models.Case(
                    models.When(
                        reply_to__status=Comment.Status.APPROVED, then=models.F("reply_to__name")
                    ),
                    default=None,
                    output_field=models.CharField(),
                ),
                from_trusted=TrustedCommenter.trusted_through("trusted_commenter__"),
            )
            .order_by("created_at", "pk")
        )


class TrustedCommenter(models.Model):
    """A browser whose reader asked to be remembered (« Remember me »): a random key,
    nothing else about who they are.

    The browser holds the key in a signed cookie (comments.trust); only its SHA-256
    digest is stored. Trusted once a moderator approves one of its comments
    (`approved_at`, `approved_by`) until revoked (`revoked_at`, `revoked_by`, `revoked_because`);
    then its later comments may be published at once (comments.moderation.decide) and
    carry the « Regular reader » mark.
    """

    class RevokedBecause(models.TextChoices):
        MODERATOR = "moderator", _("revoked by a moderator")
        SPAM = "spam", _("a comment marked as spam")

    key_digest = models.CharField(_("key digest"), max_length=64, editable=False)
    created_at = models.DateTimeField(_("asked"), default=timezone.now)
    approved_at = models.DateTimeField(_("trusted since"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("trusted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revoked_because = models.CharField(
        _("revoked because"), max_length=10, choices=RevokedBecause.choices, blank=True
    )

    class Meta:
        verbose_name = _("trusted commenter")
        verbose_name_plural = _("trusted commenters")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["key_digest"], name="trustedcommenter_unique_key")
        ]

    def __str__(self):
        return _("Reader no. %(number)s") % {"number": self.pk}

    @staticmethod
    def key_digest_of(key):
        """The stored digest (64 hex digits) of a browser's key (a str)."""
        return hashlib.sha256(key.encode()).hexdigest()

    @staticmethod
    def trusted_q(prefix=""):
        """Trusted now: approved by a moderator and not revoked (`prefix`: a relation path)."""
        return Q(**{f"{prefix}approved_at__isnull": False, f"{prefix}revoked_at__isnull": True})

    @classmethod
    def trusted_through(cls, prefix):
        """An annotation: whether the record at `prefix` is trusted (False when none)."""
        return models.ExpressionWrapper(cls.trusted_q(prefix), output_field=models.BooleanField())

    @property
    def is_trusted(self):
        return self.approved_at is not None and self.revoked_at is None


class Comment(InputPolicyModel, models.Model):
    """A reader's comment on an article: shown only once a verdict or a moderator allows it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for moderation")
        APPROVED = "approved", _("Published")
        REJECTED = "rejected", _("Rejected")
        SPAM = "spam", _("Spam")

    article = models.ForeignKey(
        "articles.Article",
        verbose_name=_("article"),
        on_delete=models.CASCADE,
        related_name="comments",
    )
    name = models.CharField(_("name"), max_length=80)
    body = models.TextField(_("comment"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    score = models.FloatField(
        _("score"),
        null=True,
        blank=True,
        help_text=_("From 0.0 (a robot) to 1.0 (a human); empty when the captcha was unavailable."),
    )
    provider = models.CharField(_("captcha provider"), max_length=20, blank=True)
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    # For abuse handling only: never rendered on a public page.
    ip_address = models.GenericIPAddressField(_("client IP"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=300, blank=True)
    body_digest = models.CharField(_("text digest"), max_length=64, editable=False, default="")
    created_at = models.DateTimeField(_("received"), default=timezone.now)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("moderated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    moderated_at = models.DateTimeField(_("moderated"), null=True, blank=True)
    # What the reader sent, kept for the record when a moderator edits the comment
    # (never shown on a public page; who edited and when is in the admin's history).
    original_name = models.CharField(_("original name"), max_length=80, blank=True)
    original_body = models.TextField(_("original comment"), blank=True)
    # Replies: one level, as Ghost has (docs/comments.md, « Replies »). `parent` is the
    # comment that opens the thread, never a reply itself; `reply_to` is the comment
    # answered (the parent, or another reply of its thread, whose author is named).
    parent = models.ForeignKey(
        "self",
        verbose_name=_("thread"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="replies",
    )
    reply_to = models.ForeignKey(
        "self",
        verbose_name=_("in reply to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # A newsroom reply: written by a staff member from the admin or the article page
    # (comments.newsroom), never by a reader's form. The « Newsroom » mark comes from
    # this flag alone, not from the name; `newsroom_author` records who wrote it.
    newsroom = models.BooleanField(_("newsroom reply"), default=False, editable=False)
    newsroom_author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    # The browser that sent it, when its reader asked to be remembered (comments.trust):
    # the « Regular reader » mark comes from here, never from the name.
    trusted_commenter = models.ForeignKey(
        TrustedCommenter,
        verbose_name=_("trusted commenter"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="comments",
    )

    objects = CommentQuerySet.as_manager()

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "pk"]
        permissions = [
            ("can_moderate", _("Can moderate comments")),
            ("can_reply_as_newsroom", _("Can reply to comments in the newsroom's name")),
        ]
        indexes = [
            models.Index(
                fields=["article", "status", "created_at"], name="comment_article_status_idx"
            ),
            models.Index(fields=["status", "-created_at"], name="comment_status_idx"),
            models.Index(fields=["ip_address", "-created_at"], name="comment_ip_idx"),
            models.Index(fields=["body_digest", "-created_at"], name="comment_digest_idx"),
            models.Index(
                fields=["parent", "status", "created_at"], name="comment_parent_status_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0, score__lte=1),
                name="comment_score_between_0_and_1",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "approved", "rejected", "spam"]),
                name="comment_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(parent=models.F("pk")), name="comment_not_own_parent"
            ),
        ]

    def __str__(self):
        return f"{self.name}: {self.body[:60]}"

    def save(self, *args, **kwargs):
        apply_to_instance(self)  # the input policy, before the digest is taken
        self.body_digest = text_digest(self.body)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        """The article page that shows this comment (the right page of a long list).

        Pages count threads (top-level comments), so a reply is on its parent's page,
        published or not. A published comment is on the page its rank gives; a pending
        one is shown (to its author only) after the published ones, on the last page.
        """
        url = self.article.get_absolute_url()
        approved = Comment.objects.approved().on_article(self.article_id).top_level()
        per_page = settings.COMMENTS_PER_PAGE
        thread = self.parent if self.parent_id else self
        if self.parent_id or self.status == self.Status.APPROVED:
            earlier = approved.filter(
                Q(created_at__lt=thread.created_at)
                | Q(created_at=thread.created_at, pk__lt=thread.pk)
            ).count()
            page = earlier // per_page + 1
        else:
            page = max(1, -(-approved.count() // per_page))
        if page > 1:
            url = f"{url}?{PAGE_PARAMETER}={page}"
        return f"{url}#comment-{self.pk}"

    def moderate(self, status, user, at=None):
        self.status = status
        self.moderated_by = user
        self.moderated_at = at or timezone.now()


class SpentToken(models.Model):
    """A captcha solution or token already used once: refused until it expires.

    A database row rather than a cache key, so that every app server sees it, whatever
    the cache backend.
    """

    digest = models.CharField(_("digest"), max_length=64)
    expires_at = models.DateTimeField(_("expires"))

    class Meta:
        verbose_name = _("spent captcha token")
        verbose_name_plural = _("spent captcha tokens")
        constraints = [models.UniqueConstraint(fields=["digest"], name="spenttoken_unique_digest")]
        indexes = [models.Index(fields=["expires_at"], name="spenttoken_expires_idx")]

    def __str__(self):
        return self.digest


class StoryHeat(models.Model):
    """A story under pre-moderation after a flood (comments.heat): from `started_at`,
    every new comment on `article` waits for a moderator until `premoderated_until`,
    or until a moderator switches it back (`ended_at`, `ended_by`).

    `held_count`: the held or spam comments received in the hour that switched it on.
    One row per spell, so the record of who switched what back, and when, stays.
    """

    article = models.ForeignKey(
        "articles.Article",
        verbose_name=_("article"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    started_at = models.DateTimeField(_("since"), default=timezone.now)
    premoderated_until = models.DateTimeField(_("pre-moderated until"))
    held_count = models.PositiveIntegerField(_("held or spam comments in the hour"), default=0)
    ended_at = models.DateTimeField(_("switched back"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("switched back by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("story under pre-moderation")
        verbose_name_plural = _("stories under pre-moderation")
        ordering = ["-started_at", "-pk"]
        indexes = [
            models.Index(fields=["article", "-premoderated_until"], name="storyheat_article_idx")
        ]

    def __str__(self):
        return str(self.article)

    @staticmethod
    def current_q(now):
        """Spells in force at `now` (an aware datetime)."""
        return Q(premoderated_until__gt=now, ended_at__isnull=True)

    @property
    def in_force(self):
        return self.ended_at is None and self.premoderated_until > timezone.now()
