"""The front page in the admin: editors choose the lead story, the featured stories and
the pinned stories of each section block, each until an optional time, and preview the
home page before saving (docs/newsroom.md, « Choosing the front page »).

Only the Editors role holds the permissions of FrontPageBlock and FrontPageChoice
(articles.newsroom.roles): journalists neither see nor change the front page.
"""

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Case, IntegerField, Prefetch, Q, Value, When
from django.forms.formsets import all_valid
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from articles.admin.common import NewsroomAdminMixin
from articles.discovery.frontpage import UnsavedChoice
from articles.models import Article, FrontPageBlock, FrontPageChoice


class FrontPageChoiceFormSet(forms.BaseInlineFormSet):
    """The choices of one block: a section block's new stories belong to its section
    (a saved row whose article moved since stays, and readers' pages skip it)."""

    def clean(self):
        super().clean()
        block = self.instance
        if block.kind != FrontPageBlock.Kind.SECTION or not block.section_id:
            return
        section = block.section
        for form in self.forms:
            article = form.cleaned_data.get("article") if hasattr(form, "cleaned_data") else None
            if article is None or self._should_delete_form(form):
                continue
            if form.instance.pk and "article" not in form.changed_data:
                continue
            path = article.section.path
            if path != section.path and not path.startswith(f"{section.path}/"):
                form.add_error(
                    "article",
                    _("« %(article)s » is not in the section %(section)s.")
                    % {"article": article.title, "section": section.name},
                )

    def _construct_form(self, i, **kwargs):
        # A new row comes after the rows there are: positions 1, 2, 3… in row order.
        if i >= self.initial_form_count():
            last = max((choice.position for choice in self.get_queryset()), default=0)
            kwargs["initial"] = {"position": last + i - self.initial_form_count() + 1}
        return super()._construct_form(i, **kwargs)

    def unsaved_choices(self):
        """The choices as the valid form stands (UnsavedChoice), deleted and empty
        rows left out: what the preview shows."""
        choices = []
        for form in self.forms:
            data = form.cleaned_data
            if not data.get("article") or self._should_delete_form(form):
                continue
            choices.append(
                UnsavedChoice(
                    article=data["article"],
                    position=data.get("position") or 0,
                    expires_at=data.get("expires_at"),
                )
            )
        return choices


class FrontPageChoiceForm(forms.ModelForm):
    """A choice's row: a published or scheduled article (the field's limit), or the
    article a saved row already holds, unpublished since, so that the block's form
    still saves (readers' pages skip that row until the article is live again)."""

    class Meta:
        model = FrontPageChoice
        fields = ["position", "article", "expires_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("article")
        if field is not None and self.instance.pk and self.instance.article_id:
            field.queryset = Article.objects.filter(
                Q(status=Article.Status.PUBLISHED) | Q(pk=self.instance.article_id)
            )

    def _get_validation_exclusions(self):
        # The model field checks its limit too: an unchanged row keeps its article.
        exclude = super()._get_validation_exclusions()
        if self.instance.pk and "article" not in self.changed_data:
            exclude.add("article")
        return exclude

    def clean_expires_at(self):
        expires_at = self.cleaned_data.get("expires_at")
        if expires_at and "expires_at" in self.changed_data and expires_at <= timezone.now():
            raise forms.ValidationError(_("This time has already passed."))
        return expires_at


class FrontPageChoiceInline(admin.TabularInline):
    """The ordered choices of a block: an article (published or scheduled), a position,
    an optional end, and whether readers see it now."""

    model = FrontPageChoice
    form = FrontPageChoiceForm
    formset = FrontPageChoiceFormSet
    fields = ["position", "article", "expires_at", "state"]
    readonly_fields = ["state"]
    autocomplete_fields = ["article"]
    ordering = ["position", "pk"]
    extra = 3

    @admin.display(description=gettext_lazy("on the page now"))
    def state(self, choice):
        """Whether readers see the choice now, and if not, why (no query: the article
        was loaded with the formset's own)."""
        if not choice.pk:
            return "-"
        now = timezone.now()
        if choice.expires_at and choice.expires_at <= now:
            return _("No: expired")
        article = choice.article
        if article.is_scheduled:
            return _("Not yet: published on %(date)s") % {
                "date": date_format(timezone.localtime(article.published_at), "DATETIME_FORMAT")
            }
        if not article.is_live:
            return _("No: not published")
        return _("Yes")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("article")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        # An article is chosen here, never written or changed from this row.
        field.widget.can_add_related = field.widget.can_change_related = False
        return field


@admin.register(FrontPageBlock)
class FrontPageBlockAdmin(NewsroomAdminMixin, admin.ModelAdmin):
    """One screen per block of the front page: the home page's lead story, its featured
    stories, and each top-level section's block, with their ordered choices; a
    « Preview the front page » button shows the home page with the unsaved choices."""

    titles = {
        "add": gettext_lazy("Add a front-page block"),
        "change": gettext_lazy("Choose the front page"),
        "view": gettext_lazy("View the front-page block"),
    }
    change_form_template = "admin/articles/frontpageblock/change_form.html"
    list_display = ["__str__", "kind", "chosen"]
    fields = ["kind", "section"]
    autocomplete_fields = []
    inlines = [FrontPageChoiceInline]

    def get_queryset(self, request):
        # The lead story first, then the featured stories, then the sections in menu order.
        order = Case(
            When(kind=FrontPageBlock.Kind.LEAD, then=Value(0)),
            When(kind=FrontPageBlock.Kind.FEATURED, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        )
        return (
            super()
            .get_queryset(request)
            .select_related("section")
            .prefetch_related(
                Prefetch(
                    "choices",
                    FrontPageChoice.objects.select_related("article").only(
                        "block", "position", "article__title"
                    ),
                )
            )
            .annotate(place_order=order)
            .order_by("place_order", "section__position", "section__name")
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        # Sections are arranged in their own screen.
        field.widget.can_add_related = field.widget.can_change_related = False
        field.widget.can_view_related = False
        return field

    def get_readonly_fields(self, request, obj=None):
        # A block keeps its place: another place is another block.
        return ["kind", "section"] if obj else []

    @admin.display(description=gettext_lazy("chosen stories"))
    def chosen(self, block):
        return ", ".join(choice.article.title for choice in block.choices.all()) or "-"

    # The preview -------------------------------------------------------------------

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        view = self.admin_site.admin_view(self.preview_view)
        return [
            path("preview/", view, name=f"{prefix}_preview_new"),
            path("<path:object_id>/preview/", view, name=f"{prefix}_preview"),
            *super().get_urls(),
        ]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        name, args = ("preview", [obj.pk]) if obj else ("preview_new", [])
        context["preview_url"] = self._reverse(name, args)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _reverse(self, name, args):
        opts = self.opts
        return reverse(
            f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_{name}", args=args
        )

    def preview_view(self, request, object_id=None):
        """POST of the block's form: the home page with these choices, as readers would
        see it now, without saving anything (never cached: private, no-store). Invalid
        choices answer a page listing the form's errors; the form, in its own tab, keeps
        what was typed."""
        from articles.views import HomeView

        if request.method != "POST":
            raise Http404
        obj = None
        if object_id is not None:
            obj = self.get_object(request, unquote(object_id))
            if obj is None:
                raise Http404
        allowed = (
            self.has_change_permission(request, obj) if obj else self.has_add_permission(request)
        )
        if not allowed:
            raise PermissionDenied
        fields = flatten_fieldsets(self.get_fieldsets(request, obj))
        form = self.get_form(request, obj, change=obj is not None, fields=fields)(
            request.POST, request.FILES, instance=obj
        )
        form_valid = form.is_valid()
        formsets, _inlines = self._create_formsets(request, form.instance, change=obj is not None)
        if not (all_valid(formsets) and form_valid):
            errors = list(form.non_field_errors())
            for name, field_errors in form.errors.items():
                if name != forms.forms.NON_FIELD_ERRORS:
                    errors.extend(field_errors)
            for formset in formsets:
                errors.extend(formset.non_form_errors())
                for row in formset.errors:
                    for field_errors in row.values():
                        errors.extend(field_errors)
            context = {
                **self.admin_site.each_context(request),
                "title": _("The front page cannot be previewed"),
                "errors": errors,
                "opts": self.opts,
            }
            response = TemplateResponse(
                request, "admin/articles/frontpageblock/preview_errors.html", context, status=400
            )
            response["Cache-Control"] = "private, no-store"
            return response
        choices = [c for formset in formsets for c in formset.unsaved_choices()]
        return HomeView.render_unsaved(request, form.instance, choices)
