from django.contrib import admin, messages
from django.db.models import Case, IntegerField, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from articles.caching import comments_changed

from .models import Comment


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


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "excerpt",
        "article",
        "status",
        "score",
        "reasons_list",
        "provider",
        "created_at",
    ]
    list_display_links = ["name", "excerpt"]
    list_filter = [
        "status",
        ScoreBandFilter,
        "provider",
        "created_at",
        ("article", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["article"]
    search_fields = ["name", "body", "article__title", "=ip_address"]
    date_hierarchy = "created_at"
    actions = ["approve", "reject", "mark_as_spam"]
    list_per_page = 50
    fields = [
        "article",
        "name",
        "body",
        "status",
        "score",
        "reasons_list",
        "provider",
        "created_at",
        "ip_address",
        "user_agent",
        "moderated_by",
        "moderated_at",
    ]
    # A moderator decides what is shown; the reader's words stay the reader's.
    readonly_fields = [
        "article",
        "name",
        "body",
        "score",
        "reasons_list",
        "provider",
        "created_at",
        "ip_address",
        "user_agent",
        "moderated_by",
        "moderated_at",
    ]

    def get_ordering(self, request):
        # The queue: pending comments first, then the newest.
        pending_first = Case(
            When(status=Comment.Status.PENDING, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
        return [pending_first.asc(), "-created_at"]

    def has_add_permission(self, request):
        # Comments come from readers, through the article page.
        return False

    def has_moderate_permission(self, request):
        return request.user.has_perm("comments.can_moderate")

    def get_readonly_fields(self, request, obj=None):
        if self.has_moderate_permission(request):
            return self.readonly_fields
        return [*self.readonly_fields, "status"]

    @admin.display(description=_("comment"))
    def excerpt(self, comment):
        return comment.body if len(comment.body) <= 120 else f"{comment.body[:119]}…"

    @admin.display(description=_("reasons"))
    def reasons_list(self, comment):
        return "; ".join(str(reason) for reason in comment.reasons) or "–"

    def save_model(self, request, obj, form, change):
        if change and "status" in form.changed_data:
            obj.moderate(obj.status, request.user)
        super().save_model(request, obj, form, change)

    def _moderate(self, request, queryset, status, message):
        article_ids = set(queryset.values_list("article_id", flat=True))
        count = queryset.update(
            status=status, moderated_by=request.user, moderated_at=timezone.now()
        )
        # update() sends no signal: renew the cached pages of these articles here.
        comments_changed(article_ids)
        self.message_user(request, message(count) % {"count": count}, messages.SUCCESS)

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
