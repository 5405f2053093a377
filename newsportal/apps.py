"""The project's own app configurations."""

from django.contrib.admin.apps import AdminConfig


class NewsportalAdminConfig(AdminConfig):
    """django.contrib.admin with the project's site (newsportal.admin.NewsportalAdminSite)."""

    default_site = "newsportal.admin.NewsportalAdminSite"
