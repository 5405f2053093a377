"""What every newsroom admin shares: slug notices, read-only old addresses, French
titles and history entries named by the fields' labels."""

from datetime import datetime as datetime_type

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.utils import timezone, translation

from newsportal.admin import is_key


class SlugNoticeMixin:
    """Tell the editor when the slug they chose still leads to another object (an old
    address that redirects) and was given a suffix instead (articles.content.slugs)."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if notice := getattr(obj, "slug_notice", None):
            messages.warning(request, notice.message())


def model_field_label(model, name):
    """The verbose name of `model`'s field `name` as a msgid (untranslated), or None
    when `name` is no field of the model (a form-only field such as `loaded_version`)."""
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    with translation.override(None):
        return str(getattr(field, "verbose_name", name))


def valid_initial(model, initial):
    """The add form's initial values taken from the query string (`?section=3`), keeping
    only those the form can show: a dict like `initial`.

    Django's admin hands every query parameter to the form as it is, and a foreign key,
    a many-to-many list (« 1,2 ») or a date that is not one made the add form answer
    500 (the widgets look the value up or call date methods on it). Here a relation
    keeps the keys that pass the target field's own validation (type and range), a
    date or time becomes the value it spells (aware, in the current time zone), and
    anything else that is not one is dropped. Other parameters are left to the form.
    """
    cleaned = {}
    for name, value in initial.items():
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            cleaned[name] = value
            continue
        try:
            if field.many_to_many:
                values = value if isinstance(value, list) else str(value).split(",")
                cleaned[name] = [field.target_field.clean(v, None) for v in values]
            elif field.many_to_one or field.one_to_one:
                cleaned[name] = field.target_field.clean(value, None)
            elif isinstance(field, models.DateField | models.TimeField):
                parsed = field.to_python(value)
                if isinstance(parsed, datetime_type) and timezone.is_naive(parsed):
                    parsed = timezone.make_aware(parsed)
                cleaned[name] = parsed
            else:
                cleaned[name] = value
        except (ValidationError, TypeError, ValueError):
            continue
    return cleaned


class KnownKeysMixin:
    """For the admin's autocomplete widgets: values that cannot be a key of the target
    model (« x », a NUL, a number past the column's range) are left out of the chosen
    options instead of reaching the database.

    Django's widget looks the posted or initial values up as they are, so a form sent
    back with an error, or opened with `?section=x`, answered 500 (ValueError, or a
    DataError on PostgreSQL). The form field still reports them: « Select a valid choice ».
    """

    def optgroups(self, name, value, attr=None):
        opts = self.field.remote_field.model._meta
        target = opts.get_field(getattr(self.field.remote_field, "field_name", opts.pk.attname))
        return super().optgroups(name, [v for v in value if is_key(target, v)], attr)


class KnownKeysSelect(KnownKeysMixin, AutocompleteSelect):
    """AutocompleteSelect under KnownKeysMixin."""


class KnownKeysSelectMultiple(KnownKeysMixin, AutocompleteSelectMultiple):
    """AutocompleteSelectMultiple under KnownKeysMixin."""


class KnownKeysMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A many-to-many choice whose values are checked as keys before any query: one
    that cannot be (« x », a number past the column's range, which SQLite raised as
    OverflowError) is « not a valid value », like a key of no row."""

    def _check_values(self, value):
        opts = self.queryset.model._meta
        target = opts.get_field(self.to_field_name) if self.to_field_name else opts.pk
        for key in value:
            if not is_key(target, key):
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": key},
                )
        return super()._check_values(value)


class NewsroomAdminMixin:
    """French-ready titles and history entries for a ModelAdmin, and autocomplete widgets
    that never look up a value that is no key (KnownKeysMixin).

    Titles: Django builds « Add %s » and « Change %s » (« Ajout de article »), which French
    cannot fill in without the noun's gender; an admin names whole titles in `titles`
    ({"add": …, "change": …, "view": …}, lazy translations), and Django's stay for the
    others.

    History: Django stores the changed fields' form labels (« Body », capitalised, so
    not the catalogue's msgid « body ») and every form field, technical ones included
    (« loaded_version »). Here a change lists the model's fields only, by their verbose
    names, which the history translates when it shows them (LogEntry.get_change_message,
    and the article's versions through django-reversion's comment).
    """

    titles = {}

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # A more specific widget set before (the photo picker) is kept.
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = KnownKeysSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = KnownKeysSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
            kwargs.setdefault("form_class", KnownKeysMultipleChoiceField)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_changeform_initial_data(self, request):
        """Django's initial values from the query string, without those the add form
        cannot show (`valid_initial`)."""
        return valid_initial(self.model, super().get_changeform_initial_data(request))

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        kind = "add" if add else "change" if self.has_change_permission(request, obj) else "view"
        if kind in self.titles:
            context["title"] = self.titles[kind]
        return super().render_change_form(request, context, add, change, form_url, obj)

    def construct_change_message(self, request, form, formsets, add=False):
        message = super().construct_change_message(request, form, formsets, add)
        if add or not form.changed_data:
            return message
        # Django puts the main form's {"changed": {"fields": […]}} first; inlines' carry a name.
        message = [
            part for part in message if not ("changed" in part and "name" not in part["changed"])
        ]
        labels = [model_field_label(self.model, name) for name in form.changed_data]
        if labels := [label for label in labels if label]:
            message.insert(0, {"changed": {"fields": labels}})
        return message


class OldAddressAdmin(NewsroomAdminMixin, admin.ModelAdmin):
    """Old addresses are kept by renames; deleting one lets another object take it."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
