"""Tags in the admin, under the input and slug policies, and their old addresses."""

from django import forms
from django.contrib import admin
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from taggit.admin import TagAdmin as TaggitTagAdmin
from taggit.models import Tag

from articles.admin.common import NewsroomAdminMixin, OldAddressAdmin, SlugNoticeMixin
from articles.content.tagging import article_tag_items, clean_tag_name, existing_tag
from articles.models import (
    Article,
    TagSlugRedirect,
)
from articles.newsroom import publishing
from newsportal.textinput import CharField as PolicyCharField


@admin.register(TagSlugRedirect)
class TagSlugRedirectAdmin(OldAddressAdmin):
    """A tag's old addresses, which redirect: listed, and deleted to free one."""

    titles = {
        "view": gettext_lazy("View the old tag address"),
    }
    list_display = ["old_slug", "tag", "created_at"]
    list_select_related = ["tag"]
    search_fields = ["old_slug", "tag__name"]


class TagAdminForm(forms.ModelForm):
    """Tag names under the input policy before the unique check; an empty slug is made
    from the name by the slug policy (articles.content.tagging)."""

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
class TagAdmin(NewsroomAdminMixin, SlugNoticeMixin, TaggitTagAdmin):
    """Journalists add tags; editors also rename (the old address redirects), and
    delete them. Names go through the input policy and never repeat (TagAdminForm)."""

    titles = {
        "add": gettext_lazy("Add a tag"),
        "change": gettext_lazy("Change the tag"),
        "view": gettext_lazy("View the tag"),
    }

    form = TagAdminForm

    def get_queryset(self, request):
        # A journalist lists the tags of the articles they may see (live ones and their
        # own) and tags no article has yet: never a tag only another's draft has.
        queryset = super().get_queryset(request)
        if publishing.can_edit_any(request.user):
            return queryset
        seen = publishing.articles_to_link(request.user, Article.objects.all())
        return queryset.filter(
            Q(pk__in=article_tag_items().filter(object_id__in=seen.values("pk")).values("tag_id"))
            | ~Q(pk__in=article_tag_items().values("tag_id"))
        )
