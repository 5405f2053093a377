from django.contrib import admin, messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db.models import Case, F, IntegerField, Prefetch, Value, When
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from articles.admin.common import NewsroomAdminMixin
from newsportal import desk

from . import heat, moderation, trust
from . import newsroom as newsroom_replies
from .events import comments_moderated
from .models import Comment, StoryHeat, TrustedCommenter
from .reasons import describe_all


class ScoreBandFilter(admin.SimpleListFilter):
    title = _("score")
    parameter_name = "score_band"
    bands = {
        "low": (0.0, 0.3),
        "middle": (0.3, 0.7),
        "high": (0.7, 1.01),
    }

    def lookups(self, request, model_admin):
        return [
            ("low", _("Low (below 0.3)")),
            ("middle", _("Middle (0.3 to 0.7)")),
            ("high", _("High (0.7 and above)")),
            ("none", _("No score (captcha unavailable)")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "none":
            return queryset.filter(score__isnull=True)
        if band := self.bands.get(self.value()):
            return queryset.filter(score__gte=band[0], score__lt=band[1])
        return queryset


class TrustedFilter(admin.SimpleListFilter):
    """Comments sent from a trusted commenter's browser (comments.trust)."""

    title = _("trusted commenter")
    parameter_name = "trusted"

    def lookups(self, request, model_admin):
        return [("yes", _("From a trusted commenter")), ("no", _("From other readers"))]

    def queryset(self, request, queryset):
        trusted = TrustedCommenter.trusted_q("trusted_commenter__")
        if self.value() == "yes":
            return queryset.filter(trusted)
        if self.value() == "no":
            return queryset.exclude(trusted)
        return queryset


class HotStoryFilter(admin.SimpleListFilter):
    """« Stories under pre-moderation »: comments on the stories a flood switched to
    pre-moderation (comments.heat), in force now."""

    title = _("stories under pre-moderation")
    parameter_name = "hot"

    def lookups(self, request, model_admin):
        return [("yes", _("Stories under pre-moderation"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(article__in=heat.hot_stories().values("article_id").order_by())
        return queryset


@admin.register(Comment)
class CommentAdmin(NewsroomAdminMixin, admin.ModelAdmin):
    """The moderation queue: oldest pending first, what to decide on within 1280 px.

    A moderator may edit a comment's name and text (to remove a phone number, say):
    the first edit keeps what the reader sent in `original_name`/`original_body`
    (admin only), and the admin's history (LogEntry) records who changed what, when.
    Every bulk decision can be undone from the message that confirms it.
    """

    titles = {
        "add": _("Add a comment"),
        "change": _("Change the comment"),
        "view": _("View the comment"),
    }
    list_display = ["comment_cell", "status", "score", "reasons_list", "created_at"]
    list_display_links = ["comment_cell"]
    list_filter = [
        "status",
        ("article", admin.RelatedOnlyFieldListFilter),
        ScoreBandFilter,
        TrustedFilter,
        HotStoryFilter,
        "provider",
        "created_at",
    ]
    list_select_related = ["article", "parent", "reply_to", "trusted_commenter"]
    search_fields = ["name", "body", "article__title", "=ip_address"]
    date_hierarchy = "created_at"
    actions = ["approve", "reject", "mark_as_spam"]
    list_per_page = 50
    fields = [
        "article",
        "thread",
        "name",
        "body",
        "status",
        "score",
        "reasons_list",
        "provider",
        "created_at",
        "original_name",
        "original_body",
        "ip_address",
        "user_agent",
        "moderated_by",
        "moderated_at",
        "newsroom_author",
        "trust",
    ]
    readonly_fields = [
        "trust",
        "article",
        "thread",
        "newsroom_author",
        "score",
        "reasons_list",
        "provider",
        "created_at",
        "original_name",
        "original_body",
        "ip_address",
        "user_agent",
        "moderated_by",
        "moderated_at",
    ]

    def get_ordering(self, request):
        # The queue: pending comments first, the oldest of them first (they have waited
        # longest); then the others, newest first.
        pending_first = Case(
            When(status=Comment.Status.PENDING, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
        pending_since = Case(When(status=Comment.Status.PENDING, then=F("created_at")))
        return [pending_first.asc(), pending_since.asc(), "-created_at", "-pk"]

    def has_add_permission(self, request):
        # Comments come from readers, through the article page.
        return False

    def has_moderate_permission(self, request):
        return request.user.has_perm("comments.can_moderate")

    def get_readonly_fields(self, request, obj=None):
        if self.has_moderate_permission(request):
            return self.readonly_fields
        return [*self.readonly_fields, "name", "body", "status"]

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        if obj is None or not (obj.original_name or obj.original_body):
            fields = [f for f in fields if f not in {"original_name", "original_body"}]
        if obj is None or not obj.newsroom:
            fields = [f for f in fields if f != "newsroom_author"]
        return fields

    @admin.display(description=_("comment"), ordering="created_at")
    def comment_cell(self, comment):
        excerpt = comment.body if len(comment.body) <= 120 else f"{comment.body[:119]}…"
        thread = ""
        if comment.parent_id:
            # A reply: the moderator sees whom it answers without opening it (the reply
            # it answers in the thread, else the comment that opens the thread).
            answered = comment.reply_to or comment.parent
            thread = format_html(
                '<span class="comment-queue-thread">{}</span>',
                _("Reply to %(name)s: « %(text)s »")
                % {"name": answered.name, "text": excerpt_of(answered.body, 80)},
            )
        mark = ""
        if comment.newsroom:
            mark = format_html(' <span class="comment-queue-newsroom">{}</span>', _("Newsroom"))
        cell = format_html(
            '<span class="comment-queue-author">{}{}</span>'
            '<span class="comment-queue-article">{}</span>'
            "{}"
            '<span class="comment-queue-text">{}</span>',
            comment.name,
            mark,
            comment.article.title,
            thread,
            excerpt,
        )
        if comment.trusted_commenter and comment.trusted_commenter.is_trusted:
            cell += format_html(
                '<span class="comment-queue-trusted">{}</span>', _("Trusted commenter")
            )
        return cell

    @admin.display(description=_("trusted commenter"))
    def trust(self, comment):
        """Whether the comment came from a trusted commenter's browser: since when, by
        whom, or revoked (comments.trust), linking to the record."""
        record = comment.trusted_commenter
        if record is None:
            return "–"
        url = reverse("admin:comments_trustedcommenter_change", args=[record.pk])
        if record.revoked_at:
            state = _("revoked on %(date)s") % {"date": date_format(record.revoked_at)}
        elif record.approved_at:
            state = _("trusted since %(date)s, by %(user)s") % {
                "date": date_format(record.approved_at),
                "user": record.approved_by or "–",
            }
        else:
            state = _("asked to be remembered, waiting for a moderator")
        return format_html('<a href="{}">{}</a>: {}', url, record, state)

    def lookup_allowed(self, lookup, value, request=None):
        # A trusted commenter's comments, linked from their record.
        if lookup == "trusted_commenter__id__exact":
            return True
        return super().lookup_allowed(lookup, value, request)

    def changelist_view(self, request, extra_context=None):
        # The stories under pre-moderation after a flood, above the queue.
        extra_context = {"hot_stories": list(heat.hot_stories()), **(extra_context or {})}
        return super().changelist_view(request, extra_context)

    @admin.display(description=_("conversation"))
    def thread(self, comment):
        """The thread around this comment, for the moderator deciding on it: the comment
        that opens it and every reply (all statuses, oldest first), this one marked, and
        the newsroom's « Reply » link. Two queries."""
        if comment.pk is None:
            return "–"
        top = comment.parent or comment
        rows = [top, *Comment.objects.filter(parent=top).order_by("created_at", "pk")]
        items = format_html_join(
            "",
            '<li class="{}"><a href="{}">{}</a>{} · {} · <span>{}</span></li>',
            (
                (
                    "comment-thread-this" if row.pk == comment.pk else "",
                    reverse("admin:comments_comment_change", args=[row.pk]),
                    row.name,
                    format_html(" <strong>({})</strong>", _("Newsroom")) if row.newsroom else "",
                    row.get_status_display(),
                    excerpt_of(row.body, 200),
                )
                for row in rows
            ),
        )
        return format_html('<ol class="comment-thread">{}</ol>', items)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # The « Reply in the newsroom's name » link (admin/comments/comment/change_form.html).
        extra_context = {
            **(extra_context or {}),
            "may_reply_as_newsroom": newsroom_replies.may_reply(request.user),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.display(description=_("reasons"))
    def reasons_list(self, comment):
        return describe_all(comment.reasons)

    def save_model(self, request, obj, form, change):
        if change and "status" in form.changed_data:
            obj.moderate(obj.status, request.user)
        edited = change and {"name", "body"} & set(form.changed_data)
        if edited and not (obj.original_name or obj.original_body):
            # The reader's words as sent, kept once for the record (never public).
            obj.original_name = form.initial.get("name", "")
            obj.original_body = form.initial.get("body", "")
        super().save_model(request, obj, form, change)
        if change and "status" in form.changed_data:
            # A decision on the comment's page is a decision (trust, heat: comments.events).
            comments_moderated.send(
                sender=Comment, comment_ids=[obj.pk], status=obj.status, user=request.user
            )

    # Bulk decisions and their undo -------------------------------------------------

    def get_urls(self):
        undo = path(
            "undo/",
            self.admin_site.admin_view(self.undo_view),
            name="comments_comment_undo",
        )
        newsroom_reply = path(
            "<int:pk>/newsroom-reply/",
            self.admin_site.admin_view(self.newsroom_reply_view),
            name="comments_comment_newsroom_reply",
        )
        return [undo, newsroom_reply, *super().get_urls()]

    def newsroom_reply_view(self, request, pk):
        """Reply to comment `pk` in the newsroom's name (comments.newsroom): GET shows the
        thread and the form, POST publishes the reply at once and records it (who, when,
        and an entry in the admin's history).

        403 without `comments.can_reply_as_newsroom`; a comment that is not published
        (or whose thread is not) gets the form again with NOT_PUBLISHED, status 400. After
        a POST from the reply page (`next=page`), the reader's view of the reply;
        otherwise the reply's admin page.
        """
        if not newsroom_replies.may_reply(request.user):
            raise PermissionDenied
        comment = get_object_or_404(Comment.objects.select_related("article", "parent"), pk=pk)
        form = newsroom_replies.NewsroomReplyForm(
            request.POST or None, initial={"name": newsroom_replies.signature(request.user)}
        )
        status = 200
        if request.method == "POST":
            status = 400
            if form.is_valid():
                try:
                    reply = newsroom_replies.reply_as_newsroom(
                        comment,
                        request.user,
                        form.cleaned_data["name"],
                        form.cleaned_data["body"],
                    )
                except ValueError as refusal:
                    form.add_error(None, str(refusal))
                else:
                    self.log_addition(request, reply, [{"added": {}}])
                    if request.POST.get("next") == "page":
                        return redirect(reply.get_absolute_url())
                    self.message_user(
                        request,
                        format_html(
                            '{} <a href="{}">{}</a>',
                            _("The newsroom reply is published."),
                            reply.get_absolute_url(),
                            _("See it on the article"),
                        ),
                        messages.SUCCESS,
                    )
                    return redirect("admin:comments_comment_change", reply.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Reply in the newsroom's name"),
            "comment": comment,
            "thread": self.thread(comment),
            "form": form,
            "published": comment.status == Comment.Status.APPROVED
            and (comment.parent is None or comment.parent.status == Comment.Status.APPROVED),
        }
        return TemplateResponse(
            request, "admin/comments/comment/newsroom_reply.html", context, status=status
        )

    def _moderate(self, request, queryset, status, message):
        count, token = moderation.moderate(queryset, status, request.user)
        self.message_user(
            request,
            format_html(
                '{} <form class="comment-undo" method="post" action="{}">'
                '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
                '<input type="hidden" name="undo" value="{}">'
                '<button type="submit" class="button">{}</button></form>',
                message(count) % {"count": count},
                reverse("admin:comments_comment_undo"),
                get_token(request),
                token,
                _("Undo"),
            ),
            messages.SUCCESS,
        )

    def undo_view(self, request):
        """POST only, CSRF-checked: put back the statuses a bulk decision replaced.

        Only comments still in the status that decision gave them go back (a later
        decision by anyone stands); the token is signed and lasts UNDO_SECONDS.
        """
        changelist = reverse("admin:comments_comment_changelist")
        if request.method != "POST":
            return redirect(changelist)
        if not self.has_moderate_permission(request):
            raise PermissionDenied
        try:
            restored = moderation.undo(request.POST.get("undo", ""), request.user)
        except signing.SignatureExpired:
            self.message_user(request, _("This decision is too old to be undone."), messages.ERROR)
            return redirect(changelist)
        except signing.BadSignature:
            self.message_user(request, _("This undo link is not valid."), messages.ERROR)
            return redirect(changelist)
        for comment in restored:
            self.log_change(request, comment, [{"changed": {"fields": ["status"]}}])
        self.message_user(
            request,
            ngettext("%(count)d decision undone.", "%(count)d decisions undone.", len(restored))
            % {"count": len(restored)},
            messages.SUCCESS,
        )
        return redirect(changelist)

    @admin.action(
        description=_("Approve and publish the selected comments"), permissions=["moderate"]
    )
    def approve(self, request, queryset):
        self._moderate(
            request,
            queryset,
            Comment.Status.APPROVED,
            lambda n: ngettext("%(count)d comment published.", "%(count)d comments published.", n),
        )

    @admin.action(description=_("Reject the selected comments"), permissions=["moderate"])
    def reject(self, request, queryset):
        self._moderate(
            request,
            queryset,
            Comment.Status.REJECTED,
            lambda n: ngettext("%(count)d comment rejected.", "%(count)d comments rejected.", n),
        )

    @admin.action(description=_("Mark the selected comments as spam"), permissions=["moderate"])
    def mark_as_spam(self, request, queryset):
        self._moderate(
            request,
            queryset,
            Comment.Status.SPAM,
            lambda n: ngettext(
                "%(count)d comment marked as spam.", "%(count)d comments marked as spam.", n
            ),
        )


def excerpt_of(text, length):
    """`text` cut to `length` characters at most, with an ellipsis when cut."""
    return text if len(text) <= length else f"{text[: length - 1]}…"


class TrustStateFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [
            ("trusted", _("Trusted")),
            ("waiting", _("Waiting for a moderator")),
            ("revoked", _("Revoked")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "trusted":
            return queryset.filter(TrustedCommenter.trusted_q())
        if self.value() == "waiting":
            return queryset.filter(approved_at__isnull=True, revoked_at__isnull=True)
        if self.value() == "revoked":
            return queryset.filter(revoked_at__isnull=False)
        return queryset


@admin.register(TrustedCommenter)
class TrustedCommenterAdmin(NewsroomAdminMixin, admin.ModelAdmin):
    """Browsers remembered on their readers' request (comments.trust): who trusted them
    and when; revoking one makes its cookie confer nothing (and takes its comments' mark
    away). Nothing here names a reader beyond the names typed on their comments."""

    titles = {
        "change": _("Change the trusted commenter"),
        "view": _("View the trusted commenter"),
    }
    list_display = [
        "__str__",
        "names",
        "approved_at",
        "approved_by",
        "revoked_at",
        "revoked_by",
        "revoked_because",
    ]
    list_filter = [TrustStateFilter]
    list_select_related = ["approved_by", "revoked_by"]
    search_fields = ["comments__name"]
    actions = ["revoke", "restore"]
    fields = [
        "names",
        "created_at",
        "approved_at",
        "approved_by",
        "revoked_at",
        "revoked_by",
        "revoked_because",
        "comment_list",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def get_queryset(self, request):
        # The names typed on each record's comments, in one query for the whole page.
        names = Comment.objects.only("pk", "name", "trusted_commenter_id").order_by("pk")
        return super().get_queryset(request).prefetch_related(Prefetch("comments", names))

    @admin.display(description=_("names typed"))
    def names(self, record):
        names = list(dict.fromkeys(comment.name for comment in record.comments.all()))
        return ", ".join(names[:5]) or "–"

    @admin.display(description=_("comments"))
    def comment_list(self, record):
        url = reverse("admin:comments_comment_changelist")
        count = len(record.comments.all())
        return format_html(
            '<a href="{}?trusted_commenter__id__exact={}">{}</a>',
            url,
            record.pk,
            ngettext("%(count)d comment", "%(count)d comments", count) % {"count": count},
        )

    @admin.action(description=_("Revoke the trust of the selected readers"), permissions=["change"])
    def revoke(self, request, queryset):
        count = trust.revoke(queryset, request.user)
        self.message_user(
            request,
            ngettext("%(count)d trust revoked.", "%(count)d trusts revoked.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Trust the selected readers again"), permissions=["change"])
    def restore(self, request, queryset):
        count = trust.restore(queryset, request.user)
        self.message_user(
            request,
            ngettext("%(count)d reader trusted again.", "%(count)d readers trusted again.", count)
            % {"count": count},
            messages.SUCCESS,
        )


class InForceFilter(admin.SimpleListFilter):
    title = _("in force")
    parameter_name = "in_force"

    def lookups(self, request, model_admin):
        return [("yes", _("In force")), ("no", _("Over"))]

    def queryset(self, request, queryset):
        current = StoryHeat.current_q(timezone.now())
        if self.value() == "yes":
            return queryset.filter(current)
        if self.value() == "no":
            return queryset.exclude(current)
        return queryset


@admin.register(StoryHeat)
class StoryHeatAdmin(NewsroomAdminMixin, admin.ModelAdmin):
    """« Stories under pre-moderation »: each spell a flood started (comments.heat), with
    who switched it back and when; the action (or the queue's button) switches back."""

    titles = {
        "change": _("Change the story under pre-moderation"),
        "view": _("View the story under pre-moderation"),
    }
    list_display = [
        "article",
        "started_at",
        "premoderated_until",
        "held_count",
        "ended_at",
        "ended_by",
    ]
    list_filter = [InForceFilter]
    list_select_related = ["article", "ended_by"]
    actions = ["switch_back"]
    fields = list_display
    readonly_fields = list_display

    def has_add_permission(self, request):
        return False

    def get_urls(self):
        button = path(
            "<int:pk>/switch-back/",
            self.admin_site.admin_view(self.switch_back_view),
            name="comments_storyheat_switch_back",
        )
        return [button, *super().get_urls()]

    def switch_back_view(self, request, pk):
        """POST only, CSRF-checked (the queue's button): switch one story back."""
        if request.method != "POST":
            return redirect(reverse("admin:comments_storyheat_changelist"))
        if not self.has_change_permission(request):
            raise PermissionDenied
        self.switch_back(request, StoryHeat.objects.filter(pk=pk))
        return redirect(reverse("admin:comments_comment_changelist"))

    @admin.action(description=_("Switch back to the usual moderation"), permissions=["change"])
    def switch_back(self, request, queryset):
        spells = list(queryset.filter(StoryHeat.current_q(timezone.now())))
        count = heat.switch_back(queryset, request.user)
        for spell in spells:
            self.log_change(request, spell, [{"changed": {"fields": ["ended_at", "ended_by"]}}])
        self.message_user(
            request,
            ngettext(
                "%(count)d story back to the usual moderation.",
                "%(count)d stories back to the usual moderation.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )


def desk_counts(request):
    """For moderators (who may view comments), the admin index's count of comments held
    for moderation (newsportal.desk), linking to the moderation queue; one query."""
    if not request.user.has_perm("comments.view_comment"):
        return []
    held = Comment.objects.pending().count()
    return [
        desk.DeskCount(
            ngettext(
                "%(count)d comment waiting for moderation",
                "%(count)d comments waiting for moderation",
                held,
            )
            % {"count": held},
            held,
            reverse("admin:comments_comment_changelist") + "?status__exact=pending",
        ),
        *heat_desk_counts(request),
    ]


def heat_desk_counts(request):
    """The stories under pre-moderation now, for those who may see them (one query)."""
    if not request.user.has_perm("comments.view_storyheat"):
        return []
    hot = heat.hot_stories().count()
    if not hot:
        return []
    return [
        desk.DeskCount(
            ngettext(
                "%(count)d story under pre-moderation after a flood",
                "%(count)d stories under pre-moderation after a flood",
                hot,
            )
            % {"count": hot},
            hot,
            reverse("admin:comments_storyheat_changelist") + "?in_force=yes",
        )
    ]


desk.register_provider(desk_counts)
