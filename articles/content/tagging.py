"""Tags under the input and slug policies, with django-taggit's own Tag model.

- Names: `PolicyTagManager` (the articles' `tags` manager) brings every name to the
  input policy before taggit looks it up, so « élection » typed in NFD finds the tag
  stored in NFC instead of making a second one (and « ελλάδα » finds « Ελλάδα », on
  SQLite too); `pre_save` on Tag does the same for the
  admin and imports (articles.apps).
- Slugs: taggit's Tag model has `slugify(tag, i)` as its hook; `policy_slugify`
  replaces it (articles.apps), so that « Ελλάδα » gets `ellada` and « 🏆 » `trophy`
  instead of an empty slug. Swapping in a custom tag model would have moved every tag
  to a new table for the same result.
- Old addresses: a renamed tag keeps its old slug as a `TagSlugRedirect` (301).
- Articles' tags: taggit keeps the tags of every tagged model in one table
  (`TaggedItem`), told apart by content type; `ARTICLE_CONTENT_TYPE` and
  `article_tag_items()` are the one way this project picks the articles' rows.
"""

from django import forms
from django.apps import apps
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext_lazy as _
from taggit.forms import TagField
from taggit.managers import TaggableManager, _TaggableManager
from taggit.models import Tag, TaggedItem

from articles.content.slugs import SLUG_SHAPE, claim_slug, make_slug, unique_slug
from newsportal.textinput import clean_text, is_blank

# The id of the articles' content type, as an SQL subquery for raw SQL and the ORM alike:
# found by name in the query that needs it (no extra round trip, and no id kept in the
# process that another database, a test's, could change).
ARTICLE_CONTENT_TYPE = (
    "(SELECT ct.id FROM django_content_type ct "
    "WHERE ct.app_label = 'articles' AND ct.model = 'article')"
)


def article_tag_items():
    """taggit's TaggedItem rows that tag an article (a queryset), never another model's.

    Filter it by `object_id` (an article's pk) or `tag`; `tag__name` reaches the name.
    """
    # A constant: no value from outside goes into the SQL text.
    return TaggedItem.objects.filter(content_type_id=RawSQL(ARTICLE_CONTENT_TYPE, ()))  # noqa: S611


TAG_SLUG_LENGTH = 100
# taggit's Tag.name column.
TAG_NAME_LENGTH = 100


def clean_tag_name(name):
    """A tag name (str) under the input policy, on one line, spaces collapsed; "" for
    a name that shows nothing (`textinput.is_blank`: zero-width characters, combining
    marks alone…), which forms and the tag manager then drop like an empty one."""
    name = _one_line(name)
    return "" if is_blank(name) else name


def _one_line(name):
    return " ".join(clean_text(name, multiline=False).split())


class PolicyTagManager(_TaggableManager):
    """taggit's manager, with every tag name brought to the input policy first."""

    def _to_tag_model_instances(self, tags, tag_kwargs):
        cleaned, seen = [], set()
        for tag in tags:
            if isinstance(tag, str):
                tag = clean_tag_name(tag)
                if not tag or tag.casefold() in seen:
                    continue
                seen.add(tag.casefold())
                tag = self._existing_tag(tag) or tag
            cleaned.append(tag)
        return super()._to_tag_model_instances(cleaned, tag_kwargs)

    def _existing_tag(self, name):
        return existing_tag(name, self.through.tag_model()._default_manager.all())


def existing_tag(name, tags, exclude_pk=None):
    """The tag of queryset `tags` already named `name` in any case, any script, or None.

    taggit's `name__iexact` folds only ASCII on SQLite (« ελλάδα » would not find
    « Ελλάδα »): the candidates are the tags whose slug starts like the name's, and
    Python compares the case-folded names. `exclude_pk` leaves out the tag being edited.
    """
    key = name.casefold()
    prefix = make_slug(name, max_length=TAG_SLUG_LENGTH - 5, fallback="tag")
    candidates = tags.filter(slug__startswith=prefix)
    if exclude_pk is not None:
        candidates = candidates.exclude(pk=exclude_pk)
    return next((tag for tag in candidates if tag.name.casefold() == key), None)


class PolicyTagField(TagField):
    """taggit's comma-separated tags field, each name under the input policy.

    Returns a list of names (str), cleaned as `clean_tag_name`, empty ones dropped.
    Raises ValidationError (a form error, not a database error) when a name is longer
    than the 100 characters of taggit's `Tag.name` column.
    """

    def clean(self, value):
        names = [name for name in map(clean_tag_name, super().clean(value)) if name]
        too_long = [name for name in names if len(name) > TAG_NAME_LENGTH]
        if too_long:
            raise forms.ValidationError(
                _("A tag holds at most %(limit)d characters; “%(tag)s…” has %(length)d."),
                code="tag_too_long",
                params={
                    "limit": TAG_NAME_LENGTH,
                    "tag": too_long[0][:40],
                    "length": len(too_long[0]),
                },
            )
        if self.required and not names:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        return names


class PolicyTaggableManager(TaggableManager):
    """taggit's TaggableManager whose form field is `PolicyTagField`.

    Migrations see taggit's own class (nothing about the column changes).
    """

    def formfield(self, form_class=PolicyTagField, **kwargs):
        return super().formfield(form_class=form_class, **kwargs)

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "taggit.managers.TaggableManager", args, kwargs


def policy_slugify(self, tag, i=None):
    """Tag.slugify under the slug policy: never empty, never an old slug of another tag.

    taggit calls it with `i` = 1, 2… only when its first choice was taken meanwhile.
    """
    if i is None:
        return unique_slug(Tag, tag, exclude_pk=self.pk, max_length=TAG_SLUG_LENGTH, fallback="tag")
    return f"{make_slug(tag, max_length=TAG_SLUG_LENGTH - 5, fallback='tag')}-{i + 1}"


def before_tag_save(sender, instance, raw=False, **kwargs):
    """pre_save of Tag: clean the name, give a slug by the policy, remember the old one."""
    # Not clean_tag_name: a raw save of a name that shows nothing keeps it (names are unique).
    instance.name = _one_line(instance.name or "")
    if raw and instance.slug and SLUG_SHAPE.fullmatch(instance.slug):
        return
    claim_slug(instance, instance.name, fallback="tag", max_length=TAG_SLUG_LENGTH)
    instance._old_slug = (
        Tag.objects.filter(pk=instance.pk).values_list("slug", flat=True).first()
        if instance.pk and not instance._state.adding
        else None
    )


def after_tag_save(sender, instance, raw=False, **kwargs):
    """post_save of Tag: a changed slug keeps redirecting from the old one."""
    # Looked up by name: articles.models imports this module for its tag manager.
    TagSlugRedirect = apps.get_model("articles", "TagSlugRedirect")
    TagSlugRedirect.keep(instance, getattr(instance, "_old_slug", None), instance.slug)
