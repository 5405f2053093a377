"""The comments' views: the post (rendering what comments.posting decides), the reader's
own parts of the form, and the ALTCHA challenge."""

from django.contrib import messages
from django.db.models import Q
from django.http import Http404, JsonResponse
from django.middleware.csrf import CsrfViewMiddleware, get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.decorators import method_decorator
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_safe

from articles.models import Article
from articles.views import ArticleDetailView
from newsportal.clientip import client_ip
from newsportal.lightmode import is_light
from newsportal.pagecache import personal

from . import captcha, moderation, newsroom, outcomes, scoring, trust
from .conf import settings
from .forms import CommentForm, replyable
from .models import PAGE_PARAMETER, Comment
from .posting import AlreadyReceived, Held, PostingPolicy, Published, Refused, Sender, ToConfirm


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
    published or its comments are closed. A browser whose « Remember me » a moderator
    has approved since gets its trust cookie here (comments.trust.hand_over).
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
    response = JsonResponse(
        {
            "csrf_token": get_token(request),
            "rendered_at": scoring.sign_render_time(article.pk),
            "widget": widget,
            **provider.assets(),
        }
    )
    return trust.hand_over(request, response)


@require_safe
def reply_page(request, slug, pk):
    """The page to reply to comment `pk` of an article, without JavaScript: the thread
    the reply joins, the comment answered, and the form with this reader's own parts
    (CSRF token, form stamp, captcha) written in.

    Rendered for each reader and never stored (`private, no-store`): the article page
    stays the same for everyone, its « Reply » links lead here (or, with JavaScript,
    open the form in place: static/js/comments-reply.js). A staff member who may reply
    in the newsroom's name also gets that form (comments.newsroom). 404 when the
    article is not published, its comments are closed, or the comment cannot be
    answered (not published, on another article: comments.forms.replyable). GET or
    HEAD (a link checker's), 405 otherwise. On a light page (newsportal.lightmode) the
    captcha's parts are fetched when the form is touched, as on the article page.
    """
    article = get_object_or_404(Article.objects.published(), slug=slug)
    if not moderation.comments_are_open(article):
        raise Http404(_("Comments are closed on this article."))
    found = replyable(article, str(pk))
    if found is None:
        raise Http404(_("This comment cannot be answered."))
    thread, answered = found
    # The thread's first comment with its replies, as the article page loads them
    # (for_page: the « Regular reader » mark, the name each reply answers), one query.
    rows = list(Comment.objects.approved().filter(Q(pk=thread.pk) | Q(parent=thread)).for_page())
    thread = next((row for row in rows if row.pk == thread.pk), thread)
    replies = [row for row in rows if row.parent_id == thread.pk]
    form = CommentForm(article=article, initial={"parent": str(answered.pk)})
    form.answered = answered
    context = {
        "article": article,
        "thread": thread,
        "thread_replies": replies,
        "answered": answered,
        "form": form,
        "premoderated": moderation.is_premoderated(article),
        "comments_open": True,
    }
    if is_light(request):
        # A light page loads no captcha code until the form is touched: the form
        # fetches its parts then (static/js/comments-form.js), as the article's does;
        # without JavaScript, the confirmation step asks for them.
        context["reader_parts"] = False
    else:
        provider = captcha.get_provider()
        context |= {
            "reader_parts": True,
            "captcha_template": provider.template_name,
            **captcha.reader_parts(request, provider),
        }
    if newsroom.may_reply(request.user):
        context["newsroom_form"] = newsroom.NewsroomReplyForm(
            initial={"name": newsroom.signature(request.user)}
        )
    return personal(render(request, "comments/reply.html", context))


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
class CommentPostView(View):
    """Take a reader's comment through the posting policy and render what it decided.

    `policy` (comments.posting.PostingPolicy) does the work: rate limit, comments open,
    CSRF, fields, captcha verdict, own signals, decision, storing, emails. This view
    gives it the form's data and the client's facts, then answers:

    - Published, Held: a redirect to the comment (`Comment.get_absolute_url`), with its
      outcome kept in the reader's session (comments.outcomes): the article page then
      shows it in its place, with the message beside it;
    - Refused: the article page with the form, the reader's name and text and one
      message that says what to do, with the outcome's status (and `Retry-After`);
    - ToConfirm: the page the form comes from is the same for every reader, so a reader
      without JavaScript sends it with no CSRF token; the view does Django's CSRF check
      itself (`csrf_refusal`), and a POST that fails it gets the confirmation step
      (`comments/confirm.html`) with their text, the question and a token.
      docs/comments.md says why this stays CSRF-safe;
    - AlreadyReceived: the comment the first post stored.

    The article page comes from `ArticleDetailView` by composition: this view finds the
    article and builds the page's context through it, and adds the form. Every answer
    to a POST is private and never cached. A GET (a bookmarked or reloaded address)
    goes to the article's comments.
    """

    http_method_names = ["get", "post"]
    policy = PostingPolicy()

    def get(self, request, slug):
        article = get_object_or_404(Article.objects.published().only("slug"), slug=slug)
        return redirect(f"{article.get_absolute_url()}#comments")

    def post(self, request, slug):
        self.page = ArticleDetailView()
        self.page.setup(request, slug=slug)
        self.page.object = self.page.get_object()  # 404 unless published
        sender = Sender(
            ip_address=client_ip(request),
            user_agent=request.headers.get("User-Agent", ""),
            host=request.get_host().rsplit(":", 1)[0],
            csrf_passed=csrf_refusal(request) is None,
            trust_key=self.trust_key(request),
        )
        outcome = self.policy.post(self.page.object, request.POST, sender)
        response = self.answer(outcome)
        match outcome:
            case Published(comment) | Held(comment) if comment.trusted_commenter_id:
                self.settle_trust(comment.trusted_commenter, sender.trust_key, response)
            case _:
                trust.hand_over(request, response)
        return personal(response)

    def trust_key(self, request):
        """The key this browser holds (comments.trust), or a new one when the reader
        ticked « Remember me » and holds none; None otherwise."""
        key = trust.browser_key(request)
        if not key and request.POST.get("remember"):
            key = trust.new_key()
        return key

    def settle_trust(self, record, key, response):
        """After a comment linked to the browser's trust record: a trusted record's key
        goes into the cookie (its claim leaves the session); one still waiting for a
        moderator waits in the session."""
        request = self.request
        if record.is_trusted:
            if trust.cookie_key(request) != key:
                trust.give_cookie(request, response, key)
            request.session.pop(trust.CLAIM_KEY, None)
        else:
            trust.remember_claim(request, key)

    def answer(self, outcome):
        """The response to one outcome of the posting policy."""
        request, article = self.request, self.page.object
        match outcome:
            case Published(comment) | Held(comment):
                outcomes.remember(request, comment)
                return redirect(comment.get_absolute_url())
            case AlreadyReceived():
                if target := outcomes.already_sent(request, article):
                    return redirect(target)
                messages.info(request, outcomes.ALREADY_RECEIVED)
                return redirect(f"{article.get_absolute_url()}#comments")
            case ToConfirm(form):
                context = {
                    "article": article,
                    "form": form,
                    "captcha": captcha.get_provider().question_context(),
                    "premoderated": moderation.is_premoderated(article),
                }
                return render(request, "comments/confirm.html", context)
            case Refused():
                context = self.page.get_context_data(
                    object=article,
                    comment_form=outcome.form,
                    comment_show_question=outcome.show_question,
                )
                response = self.page.render_to_response(context, status=outcome.status)
                if outcome.retry_after:
                    response["Retry-After"] = str(outcome.retry_after)
                return response
        raise TypeError(f"not an outcome of the posting policy: {outcome!r}")


def comment_page_past_the_end(request, article):
    """An article page check (articles.views.register_article_page_check): a comment
    page number past the last page (`?commentaires=99` on a thread of two pages) is a
    302 to the last page's address, its `#comments` anchor kept.

    comment_page() would show the last page anyway; answering each number with its own
    copy of it let anyone store up to MAX_COMMENT_PAGE copies per article in the page
    cache. Costs one COUNT, only for a page number above 1 that is not in the cache.
    """
    number = request.GET.get(PAGE_PARAMETER)
    if not number or not number.isdecimal() or int(number) <= 1:
        return None
    # Pages count threads (comments.templatetags.comments.comment_page), not replies.
    threads = Comment.objects.approved().on_article(article).top_level().count()
    last = max(1, -(-threads // settings.COMMENTS_PER_PAGE))
    if int(number) <= last:
        return None
    url = article.get_absolute_url()
    if last > 1:
        url = f"{url}?{PAGE_PARAMETER}={last}"
    return redirect(f"{url}#comments")
