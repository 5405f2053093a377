"""The newsroom in Django admin.

Journalists write and edit their own articles until they are published, and hand them
to the desk; editors do everything on content: publish, schedule, unpublish, reassign,
correct, restore a previous version. What each one sees, may change and may do follows
from the permissions in `articles.roles` through the hooks below, so a direct URL is
no way round it.
"""

import difflib

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import localize
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from reversion.admin import VersionAdmin
from reversion.models import Version
from reversion.revisions import create_revision, set_comment, set_user
from taggit.admin import TagAdmin as TaggitTagAdmin
from taggit.models import Tag

from newsportal.textinput import CharField as PolicyCharField

from . import publishing
from .forms import ArticleAdminForm, ImageAdminForm
from .models import (
    AdSlot,
    Article,
    ArticleSlugRedirect,
    Author,
    AuthorSlugRedirect,
    Category,
    Correction,
    Image,
    SectionRedirect,
    TagSlugRedirect,
)
from .slugs import redirect_holder
from .tagging import clean_tag_name, existing_tag


class SlugNoticeMixin:
    """Tell the editor when the slug they chose still leads to another object (an old
    address that redirects) and was given a suffix instead (articles.slugs)."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if notice := getattr(obj, "slug_notice", None):
            messages.warning(request, notice.message())


@admin.register(Category)
class CategoryAdmin(SlugNoticeMixin, admin.ModelAdmin):
    list_display = ["__str__", "slug", "position"]
    list_editable = ["position"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name", "path"]
    ordering = ["path"]


@admin.register(Author)
class AuthorAdmin(SlugNoticeMixin, admin.ModelAdmin):
    list_display = ["name", "role", "user"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["user"]


@admin.register(Image)
class ImageAdmin(admin.ModelAdmin):
    form = ImageAdminForm
    list_display = ["__str__", "credit", "width", "height", "uploaded_by", "created_at"]
    list_select_related = ["uploaded_by"]
    search_fields = ["alt_text", "caption", "credit"]
    readonly_fields = ["width", "height", "uploaded_by"]

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        if not allowed or obj is None:
            return allowed
        return publishing.can_change_image(request.user, obj)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)
        # What pages will do to this file (an animation shown as a still, say).
        for note in getattr(form.cleaned_data.get("file"), "notes", ()):
            messages.warning(request, note)


class CorrectionInline(admin.StackedInline):
    model = Correction
    extra = 0
    fields = ["published_at", "text"]
    verbose_name_plural = gettext_lazy("Corrections shown to readers")


class PublicationFilter(admin.SimpleListFilter):
    title = gettext_lazy("publication")
    parameter_name = "publication"

    def lookups(self, request, model_admin):
        return [
            ("live", _("Live on the site")),
            ("scheduled", _("Scheduled")),
            ("unpublished", _("Not published")),
        ]

    def queryset(self, request, queryset):
        now = timezone.now()
        published = Q(status=Article.Status.PUBLISHED)
        if self.value() == "live":
            return queryset.filter(published, published_at__lte=now)
        if self.value() == "scheduled":
            return queryset.filter(published, published_at__gt=now)
        if self.value() == "unpublished":
            return queryset.exclude(published)
        return queryset


# Fields an editor gets back when restoring a version; the status, the publication time
# and the owner stay as they are now (restoring content must not unpublish by surprise).
RESTORED_FIELDS = [
    "title",
    "slug",
    "standfirst",
    "body",
    "category",
    "hero_image",
    "is_breaking",
    "comments_open",
    "comments_premoderated",
    "authors",
    "related_articles",
]


@admin.register(Article)
class ArticleAdmin(SlugNoticeMixin, VersionAdmin):
    form = ArticleAdminForm
    change_form_template = "admin/articles/article/change_form.html"
    change_list_template = "admin/articles/article/change_list.html"
    object_history_template = "admin/articles/article/object_history.html"
    list_display = [
        "title",
        "status_label",
        "category",
        "byline",
        "owner",
        "published_at",
        "updated_at",
    ]
    list_filter = [PublicationFilter, "status", "is_breaking", "category"]
    list_select_related = ["category", "owner"]
    search_fields = ["title", "standfirst", "slug"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["category", "authors", "hero_image", "related_articles", "owner"]
    inlines = [CorrectionInline]
    history_latest_first = True
    list_per_page = 50

    # Who sees and changes what --------------------------------------------------

    def get_queryset(self, request):
        queryset = super().get_queryset(request).prefetch_related("authors")
        if publishing.can_edit_any(request.user):
            return queryset
        signs = Article.authors.through.objects.filter(
            article_id=OuterRef("pk"), author__user=request.user
        )
        return queryset.filter(Q(owner=request.user) | Exists(signs))

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
        return [
            (None, {"fields": main}),
            (_("Placement"), {"fields": ["category", "tags", "authors", "hero_image"]}),
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
        context["can_submit_review"] = (
            may_save
            and (obj is None or obj.status == Article.Status.DRAFT)
            and not publishing.can_publish(request.user)
        )
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
        if obj.is_scheduled:
            return _("Scheduled for %(time)s") % {
                "time": localize(timezone.localtime(obj.published_at))
            }
        return obj.get_status_display()

    @admin.display(description=gettext_lazy("authors"))
    def byline(self, obj):
        return ", ".join(author.name for author in obj.authors.all())

    # Saving -------------------------------------------------------------------------

    def save_model(self, request, obj, form, change):
        if not change and obj.owner_id is None:
            obj.owner = request.user
        if "_submit_review" in request.POST and obj.status == Article.Status.DRAFT:
            obj.status = Article.Status.IN_REVIEW
            obj.submitted_at = timezone.now()
        if change and obj.is_live and form.has_changed():
            content_changed = set(form.changed_data) - {"minor_change", "owner"}
            if content_changed and not form.cleaned_data.get("minor_change"):
                obj.updated_at = timezone.now()
        elif obj.status == Article.Status.PUBLISHED and obj.published_at:
            obj.updated_at = max(obj.updated_at, obj.published_at)
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
        if added and formset.model is Correction:
            # A correction is a change of substance: readers see the new date.
            article = form.instance
            article.updated_at = timezone.now()
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
            if publishing.can_edit(request.user, article):
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
        done = sum(publishing.send_back(article, request.user) for article in queryset)
        self.message_user(
            request,
            ngettext(
                "%(count)d article sent back as a draft.",
                "%(count)d articles sent back as drafts.",
                done,
            )
            % {"count": done},
            messages.SUCCESS,
        )

    # Revisions: history, diff, restore ------------------------------------------------

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            "can_recover": publishing.can_edit_any(request.user),
            **(extra_context or {}),
        }
        return super().changelist_view(request, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        extra_context = {
            "can_compare": publishing.can_edit_any(request.user),
            **(extra_context or {}),
        }
        return super().history_view(request, object_id, extra_context)

    def recoverlist_view(self, request, extra_context=None):
        # Deleted articles are anyone's: only editors list and bring them back.
        if not publishing.can_edit_any(request.user):
            raise PermissionDenied
        return super().recoverlist_view(request, extra_context)

    def recover_view(self, request, version_id, extra_context=None):
        if not publishing.can_edit_any(request.user):
            raise PermissionDenied
        return super().recover_view(request, version_id, extra_context)

    def revision_view(self, request, object_id, version_id, extra_context=None):
        """Show what changed since a version; restore its content on POST (editors)."""
        if not publishing.can_edit_any(request.user):
            raise PermissionDenied
        article = self.get_object(request, unquote(object_id))
        if article is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        version = get_object_or_404(
            Version.objects.get_for_object(article).select_related("revision__user"),
            pk=version_id,
        )
        if request.method == "POST":
            holder = restore_version(article, version, request.user)
            self.message_user(
                request,
                _("The version of %(time)s was restored.")
                % {"time": localize(timezone.localtime(version.revision.date_created))},
                messages.SUCCESS,
            )
            if holder is not None:
                self.message_user(
                    request,
                    _(
                        "The address “%(wanted)s” of that version now leads to "
                        "“%(holder)s”, so this article keeps “%(slug)s”."
                    )
                    % {
                        "wanted": version.field_dict.get("slug"),
                        "holder": holder,
                        "slug": article.slug,
                    },
                    messages.WARNING,
                )
            return redirect(reverse("admin:articles_article_change", args=[article.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": article,
            "version": version,
            "changes": version_diff(version, article),
            "title": _("Changes since the version of %(time)s")
            % {"time": localize(timezone.localtime(version.revision.date_created))},
            "has_view_permission": True,
        }
        return TemplateResponse(request, "admin/articles/article/revision_diff.html", context)


def _display(field, value):
    """A version's stored value as text the desk can read."""
    if value is None or value == "":
        return ""
    if field.many_to_many:
        objects = field.related_model._default_manager.filter(pk__in=value)
        return "\n".join(sorted(str(o) for o in objects))
    if field.is_relation:
        found = field.related_model._default_manager.filter(pk=value).first()
        return str(found) if found else f"#{value}"
    if field.name == "body":
        # One line per block, so the diff points at the paragraph that changed.
        return strip_tags(value.replace("</p>", "</p>\n").replace("</li>", "</li>\n"))
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if hasattr(value, "tzinfo"):
        return localize(timezone.localtime(value))
    return str(value)


def _current_value(article, field):
    if field.many_to_many:
        return [o.pk for o in getattr(article, field.name).all()]
    return getattr(article, field.attname)


def version_diff(version, article):
    """Return, field by field, the lines that differ between a version and now."""
    stored = version.field_dict
    changes = []
    for field in Article._meta.get_fields():
        attname = getattr(field, "attname", None)
        if attname not in stored:
            continue
        before = _display(field, stored[attname]).splitlines()
        after = _display(field, _current_value(article, field)).splitlines()
        if before == after:
            continue
        lines = [
            (line[:1], line[2:])
            for line in difflib.ndiff(before, after)
            if not line.startswith("?") and line.strip()
        ]
        changes.append({"label": field.verbose_name, "lines": lines})
    return changes


def restore_version(article, version, user):
    """Put a version's content back (not its status), as a new version of its own.

    Returns None, or the object (an Article) that now holds the version's slug, as its
    slug or as an old slug that redirects to it: the article then keeps its current
    slug (an address is never taken from another story) and the caller tells the editor.
    """
    stored = version.field_dict
    holder = None
    wanted = stored.get("slug")
    if wanted and wanted != article.slug:
        holder = Article._base_manager.filter(slug=wanted).exclude(pk=article.pk).first()
        holder = holder or redirect_holder(Article, wanted, exclude_pk=article.pk)
        if holder is not None:
            stored = {**stored, "slug": article.slug}
    with transaction.atomic(), create_revision():
        set_user(user)
        set_comment(
            _("Restored the version of %(time)s.")
            % {"time": localize(timezone.localtime(version.revision.date_created))}
        )
        many = {}
        for name in RESTORED_FIELDS:
            field = Article._meta.get_field(name)
            if field.attname not in stored:
                continue
            value = stored[field.attname]
            if field.many_to_many:
                many[name] = field.related_model._default_manager.filter(pk__in=value)
            elif field.is_relation and value is not None:
                exists = field.related_model._default_manager.filter(pk=value).exists()
                setattr(article, field.attname, value if exists else None)
            else:
                setattr(article, field.attname, value)
        if article.is_live:
            article.updated_at = timezone.now()
        article.save()
        for name, objects in many.items():
            getattr(article, name).set(objects)
    return holder


@admin.register(ArticleSlugRedirect)
class ArticleSlugRedirectAdmin(admin.ModelAdmin):
    list_display = ["old_slug", "article", "created_at"]
    search_fields = ["old_slug", "article__title"]
    list_select_related = ["article"]
    autocomplete_fields = ["article"]


class OldAddressAdmin(admin.ModelAdmin):
    """Old addresses are kept by renames; deleting one lets another object take it."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SectionRedirect)
class SectionRedirectAdmin(OldAddressAdmin):
    list_display = ["old_path", "category", "created_at"]
    list_select_related = ["category"]
    search_fields = ["old_path", "category__name"]


@admin.register(AuthorSlugRedirect)
class AuthorSlugRedirectAdmin(OldAddressAdmin):
    list_display = ["old_slug", "author", "created_at"]
    list_select_related = ["author"]
    search_fields = ["old_slug", "author__name"]


@admin.register(TagSlugRedirect)
class TagSlugRedirectAdmin(OldAddressAdmin):
    list_display = ["old_slug", "tag", "created_at"]
    list_select_related = ["tag"]
    search_fields = ["old_slug", "tag__name"]


class TagAdminForm(forms.ModelForm):
    """Tag names under the input policy before the unique check; an empty slug is made
    from the name by the slug policy (articles.tagging)."""

    name = PolicyCharField(label=gettext_lazy("name"), max_length=100)
    slug = forms.SlugField(
        label=gettext_lazy("slug"),
        max_length=100,
        required=False,
        help_text=gettext_lazy(
            "Made from the name when left empty. An old slug keeps redirecting."
        ),
    )

    class Meta:
        model = Tag
        fields = ["name", "slug"]

    def clean_name(self):
        """The name as the tag manager stores it (`clean_tag_name`); a name another tag
        already has in any case (« ÉTÉ CANICULAIRE » for « été caniculaire ») is refused,
        as articles would get that other tag."""
        name = clean_tag_name(self.cleaned_data["name"])
        if not name:
            raise forms.ValidationError(self.fields["name"].error_messages["required"])
        other = existing_tag(name, Tag.objects.all(), exclude_pk=self.instance.pk)
        if other is not None:
            raise forms.ValidationError(
                _("The tag “%(tag)s” already has this name."),
                code="duplicate",
                params={"tag": other.name},
            )
        return name


admin.site.unregister(Tag)


@admin.register(Tag)
class TagAdmin(SlugNoticeMixin, TaggitTagAdmin):
    form = TagAdminForm


@admin.register(AdSlot)
class AdSlotAdmin(admin.ModelAdmin):
    list_display = ["name", "placement", "advertiser", "starts_at", "ends_at", "is_active"]
    list_filter = ["placement", "is_active"]
    search_fields = ["name", "advertiser"]
    autocomplete_fields = ["image"]
