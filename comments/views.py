import logging
import math
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import redirect
from django.utils import timezone, translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

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


class CommentPostView(ArticleDetailView):
    """Take a reader's comment: rate limit, captcha verdict, own signals, decision.

    A stored comment redirects to itself (`Comment.get_absolute_url`), with its outcome
    kept in the reader's session (comments.outcomes): the article page then shows it in
    its place, with the message beside it. Every refusal (low score, comments closed,
    the rate limit, an expired form, a failed CSRF check) answers with the article page,
    the form, the reader's name and text, and one message that says what to do.
    A GET (a bookmarked or reloaded address) goes to the article's comments.
    """

    http_method_names = ["get", "post"]
    # Set by csrf_failure: the CSRF check refused this POST.
    csrf_refused = False
    # Set on a refusal whose proof of work never came: the question is then shown to all.
    show_question = False

    def get(self, request, *args, **kwargs):
        article = self.get_object()
        return redirect(f"{article.get_absolute_url()}#comments")

    def post(self, request, *args, **kwargs):
        self.object = article = self.get_object()
        form = CommentForm(request.POST, article=article)
        if self.csrf_refused:
            return self.refuse(form, outcomes.FORM_EXPIRED, status=403)

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


def csrf_refused(request, **kwargs):
    """A comment refused by the CSRF check: the article page with the reader's text kept."""
    return CommentPostView.as_view(csrf_refused=True)(request, **kwargs)
