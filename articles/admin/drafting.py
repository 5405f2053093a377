"""The article form's safety net in admin: autosave, edit lock, conflict, unsaved preview.

A mixin for ArticleAdmin: its endpoints sit under the article's admin URLs, go through
the admin's login, CSRF and permission checks (those of a change, or of an add for a
new article), and call articles.newsroom.drafting for the rules.
"""

import secrets

from django.conf import settings
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.csp import CSP
from django.utils.translation import gettext as _

from articles.newsroom import drafting

# Unsaved previews kept in the session at once (the newest ones).
PREVIEWS_KEPT = 5
PREVIEWS_SESSION_KEY = "article_previews"


def _clock(moment):
    return timezone.localtime(moment).strftime("%H:%M")


def lock_notice(lock):
    """« Awa édite cet article depuis 10:42 » for `lock` (an ArticleLock)."""
    return _("%(user)s is editing this article since %(time)s.") % {
        "user": drafting.display_name(lock.user),
        "time": _clock(lock.since),
    }


class DraftingAdminMixin:
    """Autosave, edit lock, conflict and unsaved preview for the article admin."""

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"

        def route(pattern, view, name):
            return path(pattern, self.admin_site.admin_view(view), name=f"{prefix}_{name}")

        return [
            route("autosave/", self.autosave_view, "autosave_new"),
            route("preview/", self.form_preview_view, "form_preview_new"),
            route("preview/<str:token>/", self.form_preview_frame_view, "form_preview"),
            route("preview/<str:token>/page/", self.form_preview_page_view, "form_preview_page"),
            route("draft/discard/", self.discard_draft_view, "discard_new"),
            route("<path:object_id>/autosave/", self.autosave_view, "autosave"),
            route("<path:object_id>/preview/", self.form_preview_view, "form_preview_change"),
            route("<path:object_id>/take-over/", self.take_over_view, "take_over"),
            route("<path:object_id>/draft/discard/", self.discard_draft_view, "discard"),
            *super().get_urls(),
        ]

    # Who may: the same as saving the form --------------------------------------------

    def _editable(self, request, object_id):
        """The article behind `object_id` if `request.user` may save its form (None:
        a new article, if they may add one). Raises PermissionDenied or Http404."""
        if object_id is None:
            if not self.has_add_permission(request):
                raise PermissionDenied
            return None
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        return obj

    def _url(self, name, obj=None, *args):
        info = self.opts.app_label, self.opts.model_name
        if obj is None:
            return reverse(f"admin:{info[0]}_{info[1]}_{name}_new", args=args)
        return reverse(f"admin:{info[0]}_{info[1]}_{name}", args=[obj.pk, *args])

    # The form page --------------------------------------------------------------------

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), **self._drafting_context(request, object_id)}
        return super().changeform_view(request, object_id, form_url, extra_context)

    def _drafting_context(self, request, object_id):
        try:
            obj = self._editable(request, object_id)
        except (PermissionDenied, Http404):
            return {}  # a read-only view or a missing article: the admin answers that
        context = {
            "drafting": {
                "autosave_url": self._url("autosave", obj),
                "preview_url": (
                    self._url("form_preview_change", obj)
                    if obj
                    else self._url("form_preview", None)
                ),
                "discard_url": self._url("discard", obj),
                "ping_seconds": getattr(
                    settings, "NEWSROOM_AUTOSAVE_SECONDS", drafting.PING_SECONDS
                ),
            }
        }
        if request.method != "GET":
            return context
        if obj is not None:
            request._drafting_object = obj  # the admin's own get_object takes it
            lock = drafting.open_lock(obj, request.user)
            if lock.user_id != request.user.pk:
                context["drafting"]["lock_notice"] = lock_notice(lock)
                context["drafting"]["take_over_url"] = self._url("take_over", obj)
        draft = drafting.draft_for(obj, request.user)
        if draft is not None:
            if "resume" in request.GET:
                request._resumed_draft = draft
                context["drafting"]["resumed"] = _(
                    "The text autosaved at %(time)s is back in the form: save to keep it."
                ) % {"time": _clock(draft.saved_at)}
            else:
                context["drafting"]["offer"] = _("Resume the draft autosaved at %(time)s") % {
                    "time": _clock(draft.saved_at)
                }
                context["drafting"]["resume_url"] = "?resume=1"
        return context

    def get_object(self, request, object_id, from_field=None):
        found = getattr(request, "_drafting_object", None)
        if found is not None and from_field is None and str(found.pk) == str(object_id):
            return found
        return super().get_object(request, object_id, from_field)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        draft = getattr(request, "_resumed_draft", None)
        if draft is None or request.method != "GET":
            return form_class
        initial = drafting.draft_initial(form_class, draft)

        class ResumedForm(form_class):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                if not self.is_bound:
                    self.initial.update(initial)

        return ResumedForm

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        form = context.get("adminform") and context["adminform"].form
        conflict = getattr(form, "conflict", None)
        if conflict is not None:
            # Kept as the user's draft: reloading their version loses nothing.
            drafting.autosave(obj, request.user, request.POST)
            context["conflict"] = {
                **conflict,
                "user_name": drafting.display_name(conflict["user"]) if conflict["user"] else "",
                "compare_url": (
                    reverse(
                        "admin:articles_article_revision",
                        args=[obj.pk, conflict["loaded"].pk],
                    )
                    if conflict["loaded"] is not None
                    else ""
                ),
                "reload_url": reverse("admin:articles_article_change", args=[obj.pk]),
            }
        return super().render_change_form(request, context, add, change, form_url, obj)

    def response_add(self, request, obj, post_url_continue=None):
        drafting.discard(None, request.user)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        drafting.discard(obj, request.user)
        if "_continue" not in request.POST:
            drafting.release(obj, request.user)  # back to the list: they left the form
        return super().response_change(request, obj)

    # Endpoints ------------------------------------------------------------------------

    def autosave_view(self, request, object_id=None):
        """POST: the form's ping. With the form's fields, also store them as the user's
        draft (never the article). Answers JSON: `saved` (a notice or ""), `lock` (a
        notice when someone else took over, else "")."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = self._editable(request, object_id)
        saved = ""
        if drafting.form_data(request.POST):
            draft = drafting.autosave(obj, request.user, request.POST)
            saved = _("Draft autosaved at %(time)s.") % {"time": _clock(draft.saved_at)}
        notice = ""
        if obj is not None:
            lock = drafting.ping(obj, request.user)
            if lock.user_id != request.user.pk:
                notice = lock_notice(lock)
        response = JsonResponse({"saved": saved, "lock": notice})
        response["Cache-Control"] = "no-store"
        return response

    def take_over_view(self, request, object_id):
        """POST: take the edit lock from whoever holds it; back to the form."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = self._editable(request, object_id)
        drafting.open_lock(obj, request.user, take_over=True)
        return redirect(reverse("admin:articles_article_change", args=[obj.pk]))

    def discard_draft_view(self, request, object_id=None):
        """POST: forget the user's autosaved draft; back to the form."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = self._editable(request, object_id)
        drafting.discard(obj, request.user)
        if obj is None:
            return redirect(reverse("admin:articles_article_add"))
        return redirect(reverse("admin:articles_article_change", args=[obj.pk]))

    def form_preview_view(self, request, object_id=None):
        """POST: the form as it stands, kept in the user's session for the preview page
        (nothing saved); redirects to that page."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = self._editable(request, object_id)
        token = secrets.token_urlsafe(12)
        previews = dict(request.session.get(PREVIEWS_SESSION_KEY, {}))
        previews[token] = {"pk": obj.pk if obj else None, "data": drafting.form_data(request.POST)}
        request.session[PREVIEWS_SESSION_KEY] = dict(list(previews.items())[-PREVIEWS_KEPT:])
        return redirect(reverse("admin:articles_article_form_preview", args=[token]))

    def _preview(self, request, token):
        stored = request.session.get(PREVIEWS_SESSION_KEY, {}).get(token)
        if stored is None:
            raise Http404
        pk = stored["pk"]
        obj = self._editable(request, str(pk) if pk is not None else None)
        return obj, stored["data"]

    def form_preview_frame_view(self, request, token):
        """The preview page: the article at phone or desktop width, in a frame."""
        obj, _data = self._preview(request, token)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": obj,
            "title": _("Preview of the unsaved form"),
            "page_url": reverse("admin:articles_article_form_preview_page", args=[token]),
            "has_view_permission": True,
        }
        response = TemplateResponse(request, "admin/articles/article/form_preview.html", context)
        response["Cache-Control"] = "no-store, private"
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    def form_preview_page_view(self, request, token):
        """The article page readers would see, built from the stored form, not saved."""
        from django.http import QueryDict

        from articles.views import ArticlePreviewView

        obj, data = self._preview(request, token)
        post = QueryDict(mutable=True)
        for name, values in data.items():
            post.setlist(name, values)
        form_class = self.get_form(request, obj, change=obj is not None)
        form = form_class(data=post, files=None, instance=obj)
        try:
            article, tags, authors, corrections = drafting.unsaved_article(form)
        except drafting.NoPreview:
            response = TemplateResponse(
                request,
                "admin/articles/article/form_preview_missing.html",
                {**self.admin_site.each_context(request), "opts": self.opts},
            )
        else:
            response = ArticlePreviewView.render_unsaved(
                request, article, tags, authors, corrections
            )
        # Shown in the preview page's frame only (same site), never stored anywhere.
        response._csp_config = {**settings.SECURE_CSP, "frame-ancestors": [CSP.SELF]}
        response["X-Frame-Options"] = "SAMEORIGIN"
        response["Cache-Control"] = "no-store, private"
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response
