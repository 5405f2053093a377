"""What every newsroom admin shares: slug notices, read-only old addresses, French
titles and history entries named by the fields' labels."""

from django.contrib import admin, messages
from django.core.exceptions import FieldDoesNotExist
from django.utils import translation


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


class NewsroomAdminMixin:
    """French-ready titles and history entries for a ModelAdmin.

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
