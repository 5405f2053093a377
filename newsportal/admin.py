"""The project's admin site: Django's, with one guard for every registered admin.

Every ModelAdmin registered on it, the project's and third parties' (users, groups,
django-axes, django-reversion, the task queue), takes `SafeActionsMixin`: an action
posted with a selection that holds no key changes nothing and says so. Django looks the
posted keys up as they are, so « x », a NUL or a number past the column's range answered
500 (ValueError, or a DataError on PostgreSQL).
"""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext


def is_key(field, value):
    """Whether `value` (a string as posted) is a value `field` (a model field) can hold:
    False for « x » in an integer key, a NUL, a number past the column's range."""
    try:
        field.clean(value, None)
    except (ValidationError, TypeError, ValueError):
        return False
    return True


class SafeActionsMixin:
    """A ModelAdmin's action handling, once every selected row is a key its table can
    hold; otherwise Django's own « select items » warning, and nothing changes."""

    def response_action(self, request, queryset, *args, **kwargs):
        selected = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
        if not all(is_key(self.model._meta.pk, key) for key in selected):
            self.message_user(
                request,
                gettext(
                    "Items must be selected in order to perform actions on them. No items "
                    "have been changed."
                ),
                messages.WARNING,
            )
            return None
        return super().response_action(request, queryset, *args, **kwargs)


class NewsportalAdminSite(admin.AdminSite):
    """Django's AdminSite whose `register` gives every admin class `SafeActionsMixin`."""

    def register(self, model_or_iterable, admin_class=None, **options):
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, SafeActionsMixin):
            admin_class = type(
                admin_class.__name__,
                (SafeActionsMixin, admin_class),
                {"__module__": admin_class.__module__, "__doc__": admin_class.__doc__},
            )
        return super().register(model_or_iterable, admin_class, **options)
