"""Who is e-mailed: the addresses of the staff who hold a permission."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models import Q


def addresses_of(app_label, codename, *, superusers=False):
    """The e-mail addresses (a sorted list of str) of the active users holding the
    permission `app_label.codename`, through a group or given to them, and of every
    active superuser when `superusers` is true. Users without an address are left out;
    a permission that does not exist (yet) counts nobody."""
    permission = Permission.objects.filter(
        codename=codename, content_type__app_label=app_label
    ).first()
    holders = Q(is_superuser=True) if superusers else Q(pk__in=[])
    if permission:
        holders |= Q(groups__permissions=permission) | Q(user_permissions=permission)
    return sorted(
        get_user_model()
        .objects.filter(holders, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
        .distinct()
    )
