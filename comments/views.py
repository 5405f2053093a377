import logging
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import Http404, JsonResponse
from django.middleware.csrf import CsrfViewMiddleware, get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.decorators import method_decorator
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET

from articles.models import Article
from articles.views import ArticleDetailView
from newsportal.clientip import client_ip

from . import captcha, moderation, ratelimit, scoring
from .forms import CommentForm
from .models import Comment

logger = logging.getLogger(__name__)


@never_cache
@require_GET
def altcha_challenge(request):
    """A fresh proof-of-work challenge for the ALTCHA widget."""
    return JsonResponse(captcha.BuiltinProvider().create_challenge())


@never_cache
@require_GET
def form_parts(request, slug):
    """A reader's own parts of an article's comment form, as JSON; never cached.

    Fetched by static/js/comments-form.js when the reader first touches the form of a
    page that is the same for everyone: {"csrf_token": a token for Django's CSRF check
    (its cookie comes with this response), "rendered_at": the signed form stamp,
    "widget": the captcha widget's HTML, "stylesheets": [URL, …], "scripts": [{"src",
    "type"}, …]} (the widget's code, loaded in that order). 404 when the article is not
    published or its comments are closed.
    """
    article = get_object_or_404(
        Article.objects.published().only("pk", "comments_open", "published_at"), slug=slug
    )
    if not moderation.comments_are_open(article):
        raise Http404(_("Comments are closed on this article."))
    provider = captcha.get_provider()
    widget = render_to_string(
        provider.template_name,
        {"captcha": provider.widget_context(request), "LANGUAGE_CODE": get_language()},
    )
    return JsonResponse(
        {
            "csrf_token": get_token(request),
            "rendered_at": scoring.sign_render_time(article.pk),
            "widget": widget,
            **provider.assets(),
        }
    )


class _CsrfCheck(CsrfViewMiddleware):
    """Django's own CSRF check (Origin, Referer over HTTPS, token), giving the reason."""

    def _accept(self, request):
        return None

    def _reject(self, request, reason):
        return reason


def csrf_refusal(request):
    """Why Django's CSRF check refuses this POST (a str), or None when it passes."""
    return _CsrfCheck(lambda request: None).process_view(request, csrf_refusal, (), {})


@method_decorator(csrf_exempt, name="dispatch")
class CommentPostView(ArticleDetailView):
    """Take a reader's comment: rate limit, captcha verdict, own signals, decision.

    The article page itself shows the form; a rejected or invalid comment comes back
    on that page with the reader's name and text kept.

    The page the form comes from is the same for every reader, so a reader without
    JavaScript sends it with no CSRF token: the view does Django's CSRF check itself
    (`csrf_refusal`), and a POST that fails it stores nothing and gets the
    confirmation step (`confirm`) instead, never cached, with their text, the question
    and a token. docs/comments.md says why this stays CSRF-safe.
    """

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        ip_address = client_ip(request)
        retry_after = ratelimit.hit(
            "comments",
            ip_address or "unknown",
            settings.COMMENTS_RATE_LIMIT,
            settings.COMMENTS_RATE_WINDOW,
        )
        if retry_after:
            return ratelimit.too_many_requests(request, retry_after)

        self.object = article = self.get_object()
        comments_url = f"{article.get_absolute_url()}#comments"
        if not moderation.comments_are_open(article):
            messages.error(request, _("Comments are closed on this article."))
            return redirect(comments_url)

        if csrf_refusal(request):
            return self.confirm(article)

        form = CommentForm(request.POST, article=article)
        if not form.is_valid():
            return self.show_form_again(form)

        if captcha.already_spent("comment-form", form.stamp):
            # Sent again after it was stored: the same answer, nothing stored twice.
            messages.info(request, _("Your comment was already received."))
            return redirect(comments_url)

        verdict = captcha.get_provider().verify(request, request.POST)
        assessment = scoring.assess(
            verdict,
            article=article,
            body=form.cleaned_data["comment"],
            honeypot=form.cleaned_data["website"],
            stamp=form.stamp,
            ip_address=ip_address,
        )
        status = moderation.decide(article, assessment)
        if status is None:
            logger.info(
                "Comment refused on %s: score %s, %s",
                article.slug,
                assessment.score,
                assessment.reasons,
            )
            form.reject_for_low_score()
            return self.show_form_again(form)

        with transaction.atomic():
            # The same rendered form sent twice (a double click, a resent POST) stores
            # one comment: its stamp is spent with the first one, in the same transaction.
            if not captcha.spend_once(
                "comment-form",
                form.stamp,
                timezone.now() + timedelta(seconds=settings.COMMENTS_MAX_FORM_AGE),
            ):
                messages.info(request, _("Your comment was already received."))
                return redirect(comments_url)
            comment = self.store(form, article, status, assessment, ip_address)
        if status == Comment.Status.APPROVED:
            messages.success(request, _("Thank you, your comment is published."))
            return redirect(comment.get_absolute_url())
        moderation.hold_for_moderation_notice(comment)
        messages.info(
            request,
            _("Thank you, your comment was received. It will appear once a moderator has read it."),
        )
        return redirect(comments_url)

    def store(self, form, article, status, assessment, ip_address):
        """Create the comment: what the reader wrote, the verdict, the abuse record."""
        return Comment.objects.create(
            article=article,
            name=form.cleaned_data["name"],
            body=form.cleaned_data["comment"],
            status=status,
            score=assessment.score,
            provider=assessment.provider,
            reasons=assessment.reasons,
            ip_address=ip_address,
            user_agent=self.request.headers.get("User-Agent", "")[:300],
        )

    def confirm(self, article):
        """The confirmation step: the reader's text, the question, a CSRF token; nothing stored."""
        form = CommentForm(self.request.POST, article=article)
        form.is_valid()  # the step shows what is missing or too long
        provider = captcha.get_provider()
        response = render(
            self.request,
            "comments/confirm.html",
            {
                "article": article,
                "form": form,
                "captcha": provider.question_context(),
                "premoderated": moderation.is_premoderated(article),
            },
        )
        add_never_cache_headers(response)
        return response

    def show_form_again(self, form):
        context = self.get_context_data(object=self.object, comment_form=form)
        return self.render_to_response(context, status=400)
