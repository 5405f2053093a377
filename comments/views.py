import logging
import math
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import Http404, JsonResponse
from django.middleware.csrf import CsrfViewMiddleware, get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone, translation
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

from . import captcha, moderation, outcomes, ratelimit, scoring
from .forms import CommentForm
from .models import Comment
from .reasons import describe_all

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

    A stored comment redirects to itself (`Comment.get_absolute_url`), with its outcome
    kept in the reader's session (comments.outcomes): the article page then shows it in
    its place, with the message beside it. Every refusal (low score, comments closed,
    the rate limit, an expired form) answers with the article page,
    the form, the reader's name and text, and one message that says what to do.
    A GET (a bookmarked or reloaded address) goes to the article's comments.

    The page the form comes from is the same for every reader, so a reader without
    JavaScript sends it with no CSRF token: the view does Django's CSRF check itself
    (`csrf_refusal`), and a POST that fails it stores nothing and gets the
    confirmation step (`confirm`) instead, never cached, with their text, the question
    and a token. docs/comments.md says why this stays CSRF-safe.
    """

    http_method_names = ["get", "post"]
    # Set on a refusal whose proof of work never came: the question is then shown to all.
    show_question = False

    def get(self, request, *args, **kwargs):
        article = self.get_object()
        return redirect(f"{article.get_absolute_url()}#comments")

    def post(self, request, *args, **kwargs):
        self.object = article = self.get_object()
        form = CommentForm(request.POST, article=article)
        ip_address = client_ip(request)
        retry_after = ratelimit.hit(
            "comments",
            ip_address or "unknown",
            settings.COMMENTS_RATE_LIMIT,
            settings.COMMENTS_RATE_WINDOW,
        )
        if retry_after:
            minutes = math.ceil(retry_after / 60)
            response = self.refuse(form, outcomes.RATE_LIMITED % {"minutes": minutes}, status=429)
            response["Retry-After"] = str(retry_after)
            return response

        if not moderation.comments_are_open(article):
            return self.refuse(form, outcomes.COMMENTS_CLOSED, status=403)

        if csrf_refusal(request):
            return self.confirm(article)

        if not form.is_valid():
            return self.show_form_again(form)

        if captcha.already_spent("comment-form", form.stamp):
            # Sent again after it was stored: the same answer, nothing stored twice.
            return self.already_received(article)

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
            with translation.override("en"):
                logger.info(
                    "Comment refused on %s: score %s, %s",
                    article.slug,
                    assessment.score,
                    describe_all(assessment.reasons),
                )
            self.show_question = outcomes.needs_question(assessment.reasons)
            return self.refuse(form, outcomes.refusal_message(assessment.reasons))

        with transaction.atomic():
            # The same rendered form sent twice (a double click, a resent POST) stores
            # one comment: its stamp is spent with the first one, in the same transaction.
            if not captcha.spend_once(
                "comment-form",
                form.stamp,
                timezone.now() + timedelta(seconds=settings.COMMENTS_MAX_FORM_AGE),
            ):
                return self.already_received(article)
            comment = self.store(form, article, status, assessment, ip_address)
        if status == Comment.Status.PENDING:
            moderation.hold_for_moderation_notice(comment)
        outcomes.remember(request, comment)
        return redirect(comment.get_absolute_url())

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

    def already_received(self, article):
        """The same form sent twice: land on the comment it stored, nothing stored again."""
        if target := outcomes.already_sent(self.request, article):
            return redirect(target)
        messages.info(self.request, _("Your comment was already received."))
        return redirect(f"{article.get_absolute_url()}#comments")

    def refuse(self, form, message, status=400):
        """The article page with the form, the reader's text and what to do (never stored)."""
        form.refuse(message)
        return self.show_form_again(form, status=status)

    def show_form_again(self, form, status=400):
        context = self.get_context_data(
            object=self.object, comment_form=form, comment_show_question=self.show_question
        )
        response = self.render_to_response(context, status=status)
        add_never_cache_headers(response)
        return response
