"""Articles in the admin, and their old slugs.

Journalists write and edit their own articles until they are published, and hand them
to the desk; editors do everything on content: publish, schedule, unpublish, reassign,
correct, restore a previous version (articles.admin.history). What each one sees, may
change and may do follows from the permissions in `articles.newsroom.roles` through the
hooks below, so a direct URL is no way round it; the workflow itself (transitions,
checks, dates) is articles.newsroom.publishing, which the hooks and actions call."""

from datetime import datetime, time, timedelta

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import Count, Q
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import localize
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from reversion.admin import VersionAdmin

from articles.admin.common import NewsroomAdminMixin, SlugNoticeMixin
from articles.admin.drafting import DraftingAdminMixin
from articles.admin.history import ArticleHistoryMixin
from articles.admin.images import PhotoPickerMixin
from articles.admin.writing_aids import writing_aids
from articles.models import (
    Article,
    ArticleSlugRedirect,
    Author,
    Correction,
    Image,
    scheduled_q,
)
from articles.newsroom import publishing
from articles.newsroom.forms import ArticleAdminForm, SendBackForm
from newsportal import desk


class CorrectionInline(admin.StackedInline):
    """Editors add dated corrections to an article that went out; readers see them."""

    model = Correction
    extra = 0
    fields = ["kind", "published_at", "text"]
    verbose_name_plural = gettext_lazy("Corrections shown to readers")


class PublicationFilter(admin.SimpleListFilter):
    """Articles live on the site, scheduled, or not published, as Article.objects says."""

    title = gettext_lazy("publication")
    parameter_name = "publication"

    def lookups(self, request, model_admin):
        return [
            ("live", _("Live on the site")),
            ("scheduled", _("Scheduled")),
            ("unpublished", _("Not published")),
        ]

    def queryset(self, request, queryset):
        # The vocabulary of Article.objects: "live" is what readers see (live_q).
        now = timezone.now()
        if self.value() == "live":
            return queryset.published(at=now)
        if self.value() == "scheduled":
            return queryset.scheduled(at=now)
        if self.value() == "unpublished":
            return queryset.unpublished()
        return queryset


# Drafts an editor sent back with a reason (`Article.is_sent_back`, in SQL).
SENT_BACK = Q(status=Article.Status.DRAFT) & ~Q(sent_back_reason="")


class SentBackFilter(admin.SimpleListFilter):
    """Drafts an editor sent back with a reason, still to be reworked and submitted."""

    title = gettext_lazy("review")
    parameter_name = "sent_back"

    def lookups(self, request, model_admin):
        return [("yes", _("Sent back"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(SENT_BACK)
        return queryset


@admin.register(Article)
class ArticleAdmin(
    DraftingAdminMixin,
    # Before NewsroomAdminMixin: its photo picker wins over the plain autocomplete.
    PhotoPickerMixin,
    NewsroomAdminMixin,
    SlugNoticeMixin,
    ArticleHistoryMixin,
    VersionAdmin,
):
    """Articles, from the first draft to corrections after publication.

    A journalist lists, writes and edits the articles they own or sign until they
    are published, and submits drafts for review (button and action). An editor sees
    and changes every article, reassigns it, publishes or schedules it (status field
    or action), unpublishes it, sends it back to its journalist, adds corrections
    readers see, and compares and restores versions (ArticleHistoryMixin). Every move
    between statuses, and its checks, is a transition of articles.newsroom.publishing.
    """

    titles = {
        "add": gettext_lazy("Add an article"),
        "change": gettext_lazy("Change the article"),
        "view": gettext_lazy("View the article"),
    }
    form = ArticleAdminForm
    change_form_template = "admin/articles/article/change_form.html"
    change_list_template = "admin/articles/article/change_list.html"
    object_history_template = "admin/articles/article/object_history.html"
    list_display = [
        "title",
        "status_label",
        "section",
        "byline",
        "owner",
        "published_at",
        "updated_at",
    ]
    list_filter = [PublicationFilter, "status", SentBackFilter, "is_breaking", "section"]
    list_select_related = ["section", "owner"]
    search_fields = ["title", "standfirst", "slug"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["section", "authors", "hero_image", "related_articles", "owner"]
    inlines = [CorrectionInline]
    history_latest_first = True
    list_per_page = 50

    # Who sees and changes what --------------------------------------------------

    def get_queryset(self, request):
        queryset = super().get_queryset(request).prefetch_related("authors")
        return publishing.articles_of(request.user, queryset)

    def get_search_results(self, request, queryset, search_term):
        match = request.resolver_match
        if match and match.url_name == "autocomplete" and not publishing.can_edit_any(request.user):
            # "Related articles" may point at any published article, not only one's own.
            queryset = Article.objects.published() | queryset
        return super().get_search_results(request, queryset, search_term)

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        if not allowed or obj is None:
            return allowed
        return publishing.can_edit(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        if not allowed or obj is None:
            return allowed
        return publishing.can_edit_any(request.user)

    def has_publish_permission(self, request):
        return publishing.can_publish(request.user)

    def has_submit_permission(self, request):
        return super().has_change_permission(request)

    def get_readonly_fields(self, request, obj=None):
        readonly = ["updated_at", "submitted_at"]
        if not publishing.can_publish(request.user):
            readonly += ["status", "published_at", "is_breaking"]
        if not publishing.can_edit_any(request.user):
            readonly += ["owner"]
        return readonly

    def get_fieldsets(self, request, obj=None):
        publication = ["status", "published_at", "updated_at", "submitted_at"]
        publication += ["owner", "is_breaking", "comments_open", "comments_premoderated"]
        main = ["title", "slug", "standfirst", "body"]
        # Form-only fields, for those who may save.
        if obj is None or self.has_change_permission(request, obj):
            main.append("loaded_version")
            if obj is not None and obj.status == Article.Status.PUBLISHED:
                publication.append("minor_change")
            if (
                obj is not None
                and obj.status == Article.Status.IN_REVIEW
                and publishing.can_publish(request.user)
            ):
                publication.insert(1, "send_back_reason")
        return [
            (None, {"fields": main}),
            (_("Placement"), {"fields": ["section", "tags", "authors", "hero_image"]}),
            (_("Publication"), {"fields": publication}),
            (_("Related articles"), {"fields": ["related_articles"]}),
        ]

    def get_inlines(self, request, obj):
        # Corrections are for editors, on articles that went out.
        published = obj is not None and obj.status == Article.Status.PUBLISHED
        return self.inlines if published and publishing.can_publish(request.user) else []

    def get_prepopulated_fields(self, request, obj=None):
        # Once an article is out, its address changes only on purpose.
        return (
            {}
            if obj is not None and obj.status == Article.Status.PUBLISHED
            else {"slug": ["title"]}
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        """The form, its choices narrowed to what `request.user` may see: related
        articles (`publishing.articles_to_link`), the hero image
        (`publishing.images_of`, plus the article's own), the suggested tags (those of
        articles the user may link to). A crafted POST with another id is a form error;
        the body's photos are checked by the form (`ArticleAdminForm.clean_body`)."""
        form = super().get_form(request, obj, change=change, **kwargs)
        user = request.user
        fields = form.base_fields
        form.user = user
        if "hero_image" in fields:
            images = publishing.images_of(user, Image.objects.all())
            if obj is not None and obj.hero_image_id:
                images = images | Image.objects.filter(pk=obj.hero_image_id)
            fields["hero_image"].queryset = images
        if "related_articles" in fields:
            fields["related_articles"].queryset = publishing.articles_to_link(
                user, Article.objects.all()
            )
        if "tags" in fields and not publishing.can_edit_any(user):
            fields["tags"].widget.tag_articles = publishing.articles_to_link(
                user, Article.objects.all()
            )
        return form

    def save_related(self, request, form, formsets, change):
        # Related articles the user may not see (an editor's pick of a scheduled
        # story, say) are neither shown nor dropped by their save.
        article = form.instance
        hidden = []
        if change and "related_articles" in form.cleaned_data:
            hidden = list(
                article.related_articles.exclude(
                    pk__in=publishing.articles_to_link(request.user, Article.objects.all())
                )
            )
        super().save_related(request, form, formsets, change)
        if hidden:
            article.related_articles.add(*hidden)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "published_at" and field is not None:
            field.help_text = _(
                "Newsroom time (%(zone)s). A time in the future schedules the article: "
                "it goes live by itself at that time."
            ) % {"zone": settings.TIME_ZONE}
        return field

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        may_save = (
            self.has_change_permission(request, obj) if obj else self.has_add_permission(request)
        )
        # Editors publish directly; a journalist submits a new article or a draft.
        context["can_submit_review"] = (
            may_save
            and not publishing.can_publish(request.user)
            and (obj is None or publishing.can_submit(request.user, obj))
        )
        # Word count, reading time, the editor's toolbar in French (static/js/article-form.js).
        context["writing_aids"] = writing_aids()
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        # A journalist's own byline is the likely one.
        byline = Author.objects.filter(user=request.user).values_list("pk", flat=True)
        if "authors" not in initial and byline:
            initial["authors"] = list(byline)
        return initial

    def view_on_site(self, obj):
        # Only a live article has a public address; drafts have the preview link.
        return obj.get_absolute_url() if obj.is_live else None

    # List columns -----------------------------------------------------------------

    @admin.display(description=gettext_lazy("status"), ordering="status")
    def status_label(self, obj):
        """The status, or when it is scheduled; for a draft an editor sent back, why,
        shortened below it (the whole reason is on the article's page). One column, so
        the list keeps its dates in view at 1280 px."""
        if obj.is_scheduled:
            return _("Scheduled for %(time)s") % {
                "time": localize(timezone.localtime(obj.published_at))
            }
        if not obj.is_sent_back:
            return obj.get_status_display()
        return format_html(
            '{}<br><span class="sent-back" title="{}">{}</span>',
            obj.get_status_display(),
            obj.sent_back_reason,
            _("Sent back: %(reason)s") % {"reason": Truncator(obj.sent_back_reason).chars(60)},
        )

    @admin.display(description=gettext_lazy("authors"))
    def byline(self, obj):
        return ", ".join(author.name for author in obj.authors.all())

    # Saving -------------------------------------------------------------------------

    def save_model(self, request, obj, form, change):
        if not change and obj.owner_id is None:
            obj.owner = request.user
        # The status chosen in the form (editors), or asked for with the submit button
        # (journalists), is reached through the workflow's transitions, as an action's.
        wanted = obj.status
        obj.status = form.initial.get("status", wanted) if change else Article.Status.DRAFT
        if "_submit_review" in request.POST and wanted == Article.Status.DRAFT:
            wanted = Article.Status.IN_REVIEW
        # The form ran the pre-publish checks (PublishingBlocked cannot happen here).
        publishing.move(
            obj,
            request.user,
            wanted,
            reason=form.cleaned_data.get("send_back_reason", ""),
            commit=False,
        )
        publishing.record_edit(
            obj,
            form.changed_data if change else [],
            minor=form.cleaned_data.get("minor_change", False),
        )
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for deleted in formset.deleted_objects:
            deleted.delete()
        added = False
        for instance in instances:
            if instance.pk is None:
                instance.created_by = request.user
                added = True
            instance.save()
        formset.save_m2m()
        # A correction is a change of substance: readers see the new date.
        if added and formset.model is Correction:
            article = form.instance
            if publishing.record_edit(article, ["corrections"]):
                article.save(update_fields=["updated_at"])

    def response_add(self, request, obj, post_url_continue=None):
        self._report(request, obj)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        self._report(request, obj)
        return super().response_change(request, obj)

    def _report(self, request, obj):
        """Tell the desk where the article stands, and the typography slips to fix."""
        if "_submit_review" in request.POST and obj.status == Article.Status.IN_REVIEW:
            messages.success(request, _("“%(title)s” was sent to the editors.") % {"title": obj})
        if obj.is_scheduled:
            messages.info(
                request,
                _("“%(title)s” is scheduled: it goes live on %(time)s (%(zone)s).")
                % {
                    "title": obj,
                    "time": localize(timezone.localtime(obj.published_at)),
                    "zone": settings.TIME_ZONE,
                },
            )
        for warning in publishing.typography_warnings(obj):
            messages.warning(request, warning)

    # Actions ------------------------------------------------------------------------

    actions = ["submit_for_review", "publish", "unpublish", "send_back_to_draft"]

    @admin.action(description=gettext_lazy("Submit for review"), permissions=["submit"])
    def submit_for_review(self, request, queryset):
        done = 0
        for article in queryset:
            if publishing.can_submit(request.user, article):
                done += publishing.submit_for_review(article, request.user)
        self.message_user(
            request,
            ngettext(
                "%(count)d article sent to the editors.",
                "%(count)d articles sent to the editors.",
                done,
            )
            % {"count": done},
            messages.SUCCESS if done else messages.WARNING,
        )

    @admin.action(
        description=gettext_lazy("Publish (or schedule, when the time is in the future)"),
        permissions=["publish"],
    )
    def publish(self, request, queryset):
        published, scheduled = 0, 0
        for article in queryset.select_related("hero_image"):
            try:
                publishing.publish(article, request.user)
            except publishing.PublishingBlocked as blocked:
                self.message_user(
                    request,
                    _("“%(title)s” was not published: %(problems)s")
                    % {"title": article, "problems": " ".join(blocked.problems)},
                    messages.ERROR,
                )
                continue
            if article.is_scheduled:
                scheduled += 1
            else:
                published += 1
            for warning in publishing.typography_warnings(article):
                self.message_user(request, f"“{article}”: {warning}", messages.WARNING)
        if published:
            self.message_user(
                request,
                ngettext("%(count)d article published.", "%(count)d articles published.", published)
                % {"count": published},
                messages.SUCCESS,
            )
        if scheduled:
            self.message_user(
                request,
                ngettext("%(count)d article scheduled.", "%(count)d articles scheduled.", scheduled)
                % {"count": scheduled},
                messages.SUCCESS,
            )

    @admin.action(description=gettext_lazy("Unpublish (back to draft)"), permissions=["publish"])
    def unpublish(self, request, queryset):
        done = sum(publishing.unpublish(article, request.user) for article in queryset)
        self.message_user(
            request,
            ngettext(
                "%(count)d article taken off the site.",
                "%(count)d articles taken off the site.",
                done,
            )
            % {"count": done},
            messages.SUCCESS,
        )

    @admin.action(
        description=gettext_lazy("Send back to the journalist (draft)"), permissions=["publish"]
    )
    def send_back_to_draft(self, request, queryset):
        """Ask why on a confirmation page (as deleting does), then send the articles in
        review back with that reason; the others are left as they are."""
        in_review = queryset.filter(status=Article.Status.IN_REVIEW)
        if not in_review.exists():
            self.message_user(
                request, _("None of the selected articles is in review."), messages.WARNING
            )
            return None
        form = SendBackForm(request.POST if "post" in request.POST else None)
        if form.is_valid():
            reason = form.cleaned_data["reason"]
            done = sum(publishing.send_back(article, request.user, reason) for article in in_review)
            self.message_user(
                request,
                ngettext(
                    "%(count)d article sent back as a draft.",
                    "%(count)d articles sent back as drafts.",
                    done,
                )
                % {"count": done},
                messages.SUCCESS if done else messages.WARNING,
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Send back to the journalist"),
            "opts": self.opts,
            "form": form,
            "articles": list(in_review),
            "skipped": queryset.exclude(status=Article.Status.IN_REVIEW).count(),
            "queryset": queryset,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "media": self.media,
        }
        return TemplateResponse(
            request, "admin/articles/article/send_back_confirmation.html", context
        )


def desk_counts(request):
    """The admin index's counts (newsportal.desk), each linking to the article list
    filtered so, in one query: for editors (`can_publish`), the articles in review and
    those still to go live today (newsroom time); for a journalist, their own articles
    sent back to them. Nothing for anyone else."""
    user = request.user
    changelist = reverse("admin:articles_article_changelist")
    if not publishing.can_publish(user):
        if not user.has_perm("articles.change_article"):
            return []
        sent_back = publishing.articles_of(user, Article.objects.filter(SENT_BACK)).count()
        return [
            desk.DeskCount(
                ngettext(
                    "%(count)d of your articles sent back",
                    "%(count)d of your articles sent back",
                    sent_back,
                )
                % {"count": sent_back},
                sent_back,
                f"{changelist}?sent_back=yes",
            )
        ]
    now = timezone.now()
    today = timezone.localdate(now)
    tomorrow = timezone.make_aware(datetime.combine(today + timedelta(days=1), time.min))
    counts = Article.objects.aggregate(
        in_review=Count("pk", filter=Q(status=Article.Status.IN_REVIEW)),
        today=Count("pk", filter=scheduled_q(now) & Q(published_at__lt=tomorrow)),
    )
    day = f"published_at__year={today.year}&published_at__month={today.month}"
    day += f"&published_at__day={today.day}"
    return [
        desk.DeskCount(
            ngettext(
                "%(count)d article in review", "%(count)d articles in review", counts["in_review"]
            )
            % {"count": counts["in_review"]},
            counts["in_review"],
            f"{changelist}?status__exact={Article.Status.IN_REVIEW.value}",
        ),
        desk.DeskCount(
            ngettext(
                "%(count)d article scheduled today",
                "%(count)d articles scheduled today",
                counts["today"],
            )
            % {"count": counts["today"]},
            counts["today"],
            f"{changelist}?publication=scheduled&{day}",
        ),
    ]


desk.register_provider(desk_counts)


@admin.register(ArticleSlugRedirect)
class ArticleSlugRedirectAdmin(NewsroomAdminMixin, admin.ModelAdmin):
    """Editors list an article's old slugs, which redirect, and delete one to free it."""

    titles = {
        "add": gettext_lazy("Add an old slug"),
        "change": gettext_lazy("Change the old slug"),
        "view": gettext_lazy("View the old slug"),
    }
    list_display = ["old_slug", "article", "created_at"]
    search_fields = ["old_slug", "article__title"]
    list_select_related = ["article"]
    autocomplete_fields = ["article"]
