"""An article's versions in the admin: history, what changed since a version, restore,
and deleted articles brought back. Editors only; the work itself is done by
articles.newsroom.revisions (django-reversion keeps the versions)."""

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import localize
from django.utils.translation import gettext as _
from reversion.models import Version

from articles.newsroom import publishing
from articles.newsroom.revisions import restore_version, version_diff


class ArticleHistoryMixin:
    """For reversion's VersionAdmin: an editor compares any version with the article as it
    is and restores its content (not its status); lists deleted articles and brings one
    back. Others see the history list only."""

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            "can_recover": publishing.can_edit_any(request.user),
            **(extra_context or {}),
        }
        return super().changelist_view(request, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        extra_context = {
            "can_compare": publishing.can_edit_any(request.user),
            **(extra_context or {}),
        }
        return super().history_view(request, object_id, extra_context)

    def recoverlist_view(self, request, extra_context=None):
        # Deleted articles are anyone's: only editors list and bring them back.
        if not publishing.can_edit_any(request.user):
            raise PermissionDenied
        return super().recoverlist_view(request, extra_context)

    def recover_view(self, request, version_id, extra_context=None):
        if not publishing.can_edit_any(request.user):
            raise PermissionDenied
        return super().recover_view(request, version_id, extra_context)

    def revision_view(self, request, object_id, version_id, extra_context=None):
        """Show what changed since a version; restore its content on POST (editors)."""
        if not publishing.can_edit_any(request.user):
            raise PermissionDenied
        article = self.get_object(request, unquote(object_id))
        if article is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        version = get_object_or_404(
            Version.objects.get_for_object(article).select_related("revision__user"),
            pk=version_id,
        )
        if request.method == "POST":
            try:
                holder = restore_version(article, version, request.user)
            except publishing.PublishingBlocked as blocked:
                self.message_user(
                    request,
                    _(
                        "The version of %(time)s was not restored: the article is "
                        "published and that version fails the pre-publish checks. "
                        "%(problems)s"
                    )
                    % {
                        "time": localize(timezone.localtime(version.revision.date_created)),
                        "problems": " ".join(blocked.problems),
                    },
                    messages.ERROR,
                )
                return redirect(request.get_full_path())
            self.message_user(
                request,
                _("The version of %(time)s was restored.")
                % {"time": localize(timezone.localtime(version.revision.date_created))},
                messages.SUCCESS,
            )
            wanted = version.field_dict.get("slug")
            if holder is None and wanted and wanted != article.slug:
                self.message_user(
                    request,
                    _(
                        "The article is published: it keeps its address “%(slug)s” "
                        "instead of that version's “%(wanted)s”."
                    )
                    % {"slug": article.slug, "wanted": wanted},
                    messages.WARNING,
                )
            if holder is not None:
                self.message_user(
                    request,
                    _(
                        "The address “%(wanted)s” of that version now leads to "
                        "“%(holder)s”, so this article keeps “%(slug)s”."
                    )
                    % {
                        "wanted": version.field_dict.get("slug"),
                        "holder": holder,
                        "slug": article.slug,
                    },
                    messages.WARNING,
                )
            return redirect(reverse("admin:articles_article_change", args=[article.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": article,
            "version": version,
            "changes": version_diff(version, article),
            "title": _("Changes since the version of %(time)s")
            % {"time": localize(timezone.localtime(version.revision.date_created))},
            "has_view_permission": True,
        }
        return TemplateResponse(request, "admin/articles/article/revision_diff.html", context)
