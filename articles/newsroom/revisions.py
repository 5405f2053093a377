"""Article revisions: what changed since a stored version, and putting one back.

Versions are django-reversion's; the admin's history, compare and restore screens call
these, and so can a command or a test."""

import copy
import difflib

from django.db import transaction
from django.utils import timezone
from django.utils.formats import localize
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from reversion.revisions import create_revision, set_comment, set_user

from articles.content.slugs import redirect_holder
from articles.models import (
    Article,
)
from articles.newsroom import publishing

# Fields an editor gets back when restoring a version; the status, the publication time
# and the owner stay as they are now (restoring content must not unpublish by surprise).
RESTORED_FIELDS = [
    "title",
    "slug",
    "standfirst",
    "body",
    "section",
    "hero_image",
    "is_breaking",
    "comments_open",
    "comments_premoderated",
    "authors",
    "related_articles",
]


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

    A published article (live or scheduled) keeps its address whatever the version's
    slug (readers' links and search engines know it), and the restored content must
    pass the pre-publish checks (`publishing.publication_problems`): otherwise
    PublishingBlocked is raised and nothing changes.
    """
    stored = version.field_dict
    holder = None
    wanted = stored.get("slug")
    if wanted and wanted != article.slug:
        holder = Article._base_manager.filter(slug=wanted).exclude(pk=article.pk).first()
        holder = holder or redirect_holder(Article, wanted, exclude_pk=article.pk)
        if holder is not None or article.status == Article.Status.PUBLISHED:
            stored = {**stored, "slug": article.slug}
    values, many = {}, {}
    for name in RESTORED_FIELDS:
        field = Article._meta.get_field(name)
        if field.attname not in stored:
            continue
        value = stored[field.attname]
        if field.many_to_many:
            many[name] = field.related_model._default_manager.filter(pk__in=value)
        elif field.is_relation:
            exists = (
                value is not None and field.related_model._default_manager.filter(pk=value).exists()
            )
            if exists or field.null:
                values[field.attname] = value if exists else None
            # else: a required link (the section) the version lacks or that is gone
            # stays as it is now, rather than a database error.
        else:
            values[field.attname] = value
    if article.status == Article.Status.PUBLISHED:
        probe = copy.copy(article)
        for attname, value in values.items():
            setattr(probe, attname, value)
        probe._state.fields_cache = {}
        problems = publishing.publication_problems(probe)
        if problems:
            raise publishing.PublishingBlocked(problems)
    with transaction.atomic(), create_revision():
        set_user(user)
        set_comment(
            _("Restored the version of %(time)s.")
            % {"time": localize(timezone.localtime(version.revision.date_created))}
        )
        for attname, value in values.items():
            setattr(article, attname, value)
        publishing.record_edit(article, RESTORED_FIELDS)
        article.save()
        for name, objects in many.items():
            getattr(article, name).set(objects)
    return holder
