"""What a reader is told after sending a comment, and the proof of their own pending ones.

After a stored comment the reader is redirected to it (`Comment.get_absolute_url`). The
reader's session remembers:

- `comments_outcome`: the comment just stored and what became of it, shown once,
  beside that comment (« published », « waiting for a moderator »);
- `comments_pending`: the ids of the reader's comments still waiting for a moderator,
  shown to that reader only, in their place after the published ones.

The session cookie (`SESSION_COOKIE_NAME`) is the proof: a request carrying it never
gets a page from the page cache (`newsportal.pagecache.is_cacheable`), its page is
answered `private, no-store` and never stored, and an HTTP cache in front bypasses it
too. Once none of the reader's comments waits any more, an anonymous reader's session
is flushed and the cookie deleted, so the reader's pages are shared again.

A refused comment is never stored: the article page comes back with the form, the
reader's text and one message saying what to do (`refusal_message`).
"""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from newsportal.pagecache import has_session

from . import trust
from .models import Comment
from .reasons import code_of

OUTCOME_KEY = "comments_outcome"
PENDING_KEY = "comments_pending"
# A reader's own pending comments remembered at most (the oldest are forgotten first).
MAX_REMEMBERED = 20

# What the reader is told when the anti-robot check failed, by reason code; the first
# code found in this order wins. Each one names what to do.
REFUSAL_MESSAGES = [
    (
        {"captcha_missing"},
        _(
            "Tick the box « I'm not a robot » and wait for the check mark, or answer the "
            "question below in digits, then send your comment again."
        ),
    ),
    (
        {"wrong_answer"},
        _(
            "The answer to the question was not right. Work out the new sum below, type "
            "the result in digits, then send your comment again."
        ),
    ),
    (
        {
            "challenge_expired",
            "challenge_used",
            "question_expired",
            "question_used",
            "recaptcha_token_used",
            "recaptcha_token_expired",
            "recaptcha_stale",
        },
        _(
            "The anti-robot check has expired. Tick the box « I'm not a robot » again (or "
            "answer the new question below), then send your comment again."
        ),
    ),
    (
        {"stamp_forged"},
        _("This form has expired. Your text is kept below: send it again from this page."),
    ),
    (
        {"too_fast"},
        _(
            "The form was sent too quickly after the page opened. Check your text below, "
            "then send it again."
        ),
    ),
    (
        {"links"},
        _(
            "Your comment looks like advertising to our filter. Remove some of the links "
            "(at most two), then send it again."
        ),
    ),
    (
        {"duplicate"},
        _("The same text was sent recently. Change a few words if you want to post it again."),
    ),
]
GENERIC_REFUSAL = _(
    "Our anti-robot check could not confirm that a person sent this comment. Tick the box "
    "« I'm not a robot » (or answer the question below) and send it again; if this keeps "
    "happening, contact the newsroom."
)
RATE_LIMITED = ngettext_lazy(
    "You have sent many comments in a short time. Wait %(minutes)d minute, then send "
    "this one again: your text is kept below.",
    "You have sent many comments in a short time. Wait %(minutes)d minutes, then send "
    "this one again: your text is kept below.",
    "minutes",
)
COMMENTS_CLOSED = _(
    "Comments have just closed on this article: your comment was not published. Your "
    "text is kept below, so you can copy it."
)
FORM_EXPIRED = _(
    "For your safety, this form had expired and was not sent. Your text is kept below: "
    "send it again. (Our cookies must be allowed for this site.)"
)
PUBLISHED = _("Thank you, your comment is published.")
ALREADY_RECEIVED = _("Your comment was already received.")
HELD = _(
    "Thank you, your comment was received. It will appear once a moderator has read it. "
    "Until then, only you can see it here."
)


def refusal_message(reasons):
    """The message for a comment refused by its score: what to do, in the reader's words."""
    codes = {code_of(entry) for entry in reasons}
    for wanted, message in REFUSAL_MESSAGES:
        if codes & wanted:
            return message
    return GENERIC_REFUSAL


def needs_question(reasons):
    """Whether the form must show the no-JavaScript question outside <noscript>.

    The proof of work never arrived (the script was blocked, the network cut it, or the
    reader has no JavaScript and left the question empty): the question is then offered
    to everyone, so a reader whose browser cannot run the widget still gets through.
    """
    codes = {code_of(entry) for entry in reasons}
    return bool(codes & {"captcha_missing", "wrong_answer", "question_expired", "question_used"})


def remember(request, comment):
    """Keep, in the reader's session, what became of the comment they just sent."""
    request.session[OUTCOME_KEY] = {"id": comment.pk, "status": comment.status}
    if comment.status == Comment.Status.PENDING:
        pending = [pk for pk in request.session.get(PENDING_KEY, []) if pk != comment.pk]
        request.session[PENDING_KEY] = [*pending, comment.pk][-MAX_REMEMBERED:]


def already_sent(request, article):
    """The reader's last comment on `article`, to land on again after a resent form.

    Returns its URL, with the outcome set to show once more beside it, or None when the
    session does not know it (the first post still running, cookies refused).
    """
    if not has_proof(request):
        return None
    session = request.session
    ids = list(session.get(PENDING_KEY, []))
    if outcome := session.get(OUTCOME_KEY):
        ids.append(outcome.get("id"))
    comment = (
        Comment.objects.filter(pk__in=[pk for pk in ids if pk], article=article)
        .exclude(status__in=[Comment.Status.REJECTED, Comment.Status.SPAM])
        .order_by("-pk")
        .first()
    )
    if comment is None:
        return None
    session[OUTCOME_KEY] = {"id": comment.pk, "status": comment.status, "again": True}
    return comment.get_absolute_url()


def has_proof(request):
    """Whether this request may carry a reader's own outcome (a session cookie is sent).

    Checked before touching `request.session`, which would add `Vary: Cookie` to every
    shared page.
    """
    return has_session(request)


def take(request, article):
    """The reader's outcome to show once and their own pending comments on `article`.

    Returns `(outcome, pending)`: `outcome` is `{"id": pk, "status": status}` or None
    (taken out of the session: shown once), `pending` a list of Comment, oldest first.
    Ids no longer pending are forgotten; an anonymous session left empty is flushed.
    """
    if not has_proof(request):
        return None, []
    session = request.session
    outcome = session.pop(OUTCOME_KEY, None)
    remembered = session.get(PENDING_KEY, [])
    pending = []
    if remembered:
        still = list(
            Comment.objects.pending().filter(pk__in=remembered).values_list("pk", flat=True)
        )
        if set(still) != set(remembered):
            remembered = [pk for pk in remembered if pk in still]
            if remembered:
                session[PENDING_KEY] = remembered
            else:
                session.pop(PENDING_KEY, None)
        pending = list(
            Comment.objects.pending().on_article(article).filter(pk__in=remembered).for_page()
        )
    if outcome and outcome.get("again"):
        outcome["message"] = ALREADY_RECEIVED
    elif outcome and outcome.get("status") == Comment.Status.APPROVED:
        outcome["message"] = PUBLISHED
    elif outcome:
        outcome["message"] = HELD
    if not remembered and trust.CLAIM_KEY in session:
        # Nothing waits any more: keep a claim only while it may become trust.
        trust.settle_claim(session)
    user = getattr(request, "user", None)
    if not session.keys() and not (user and user.is_authenticated):
        session.flush()
    return outcome, pending
