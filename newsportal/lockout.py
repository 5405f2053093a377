"""The page a locked-out admin login gets (django-axes' AXES_LOCKOUT_CALLABLE)."""

from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib import admin
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers

# Django's user names are at most 150 characters; axes stores what was typed in a
# 255-character column, so a longer guess must not become a database error (a 500).
USERNAME_MAX_LENGTH = 150


def username_for_axes(request, credentials=None):
    """django-axes' AXES_USERNAME_CALLABLE: the typed user name, cut to what can be stored."""
    if credentials:
        username = credentials.get("username")
    else:
        username = request.POST.get("username") if request is not None else None
    if username is None:
        return None
    return str(username).replace("\x00", "")[:USERNAME_MAX_LENGTH]


def locked_out(request, original_response=None, credentials=None):
    """Render the admin-styled lockout page: 429, Retry-After, never cached."""
    cool_off = get_cool_off(request)
    context = {
        **admin.site.each_context(request),
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cool_off_minutes": round(cool_off.total_seconds() / 60) if cool_off else None,
    }
    response = render(request, "admin/locked_out.html", context, status=429)
    if cool_off:
        response["Retry-After"] = str(int(cool_off.total_seconds()))
    add_never_cache_headers(response)
    return response
