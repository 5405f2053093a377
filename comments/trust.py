"""Trusted commenters: a browser remembered, on its reader's request, once a moderator
approved one of its comments (docs/comments.md, « Trusted commenters »).

How a browser becomes trusted:

1. The reader ticks « Remember me » and sends a comment. The view makes a random key
   (`new_key`); the comment is stored with a link to a new `TrustedCommenter` holding
   only the key's SHA-256 digest, and is held for a moderator (a first comment is always
   read). The key waits in the reader's session (`CLAIM_KEY`, server side), which the
   held comment opens anyway (comments.outcomes).
2. A moderator approves the comment (in bulk or on its page): `comments_moderated`
   reaches `grant`, which records when and by whom.
3. The next never-cached request of that reader that touches comments (the form's parts,
   fetched when the form is touched, or the next post) finds the claim approved and
   hands the browser the key in a signed, HttpOnly, SameSite=Lax cookie (Secure over
   HTTPS, `__Host-` prefixed when the site's cookies are Secure); the claim leaves the
   session, which is deleted once nothing else is in it.

Later posts carrying the cookie are linked to the record: published at once from
COMMENTS_TRUSTED_PUBLISH_FROM (comments.moderation.decide), with the « Regular reader »
mark, which the page reads from that link (CommentQuerySet.for_page), never from the
name typed. A forged, tampered, expired or revoked cookie confers nothing (a forged or
unknown one is deleted; a revoked one works again if a moderator trusts it again).
Marking one of its comments as spam revokes the trust (`revoke_for_spam`); moderators
revoke it by hand in the admin (`revoke`) and may trust it again (`restore`).
"""

import secrets

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from articles.caching import comments_changed
from newsportal.pagecache import has_session

from .conf import settings
from .models import Comment, TrustedCommenter

COOKIE_SALT = "comments.trusted-commenter"
# The reader's key while their first comment waits for a moderator (in their session).
CLAIM_KEY = "comments_trust_claim"
# Keys are 43 URL-safe characters (secrets.token_urlsafe(32)); anything else is forged.
KEY_LENGTH = 43


def cookie_name():
    """The cookie's name: `__Host-trusted_reader` when the site's cookies are Secure
    (production, newsportal/settings.py), `trusted_reader` otherwise."""
    return "__Host-trusted_reader" if settings.SESSION_COOKIE_SECURE else "trusted_reader"


def new_key():
    """A fresh random key for a browser (str of KEY_LENGTH URL-safe characters)."""
    return secrets.token_urlsafe(32)


def _well_formed(key):
    return isinstance(key, str) and len(key) == KEY_LENGTH and key.isascii()


def cookie_key(request):
    """The key of the request's trust cookie when its signature holds and it has not
    expired, else None (a forged or tampered cookie is no cookie)."""
    key = request.get_signed_cookie(
        cookie_name(),
        default=None,
        salt=COOKIE_SALT,
        max_age=settings.COMMENTS_TRUSTED_COOKIE_DAYS * 86400,
    )
    return key if _well_formed(key) else None


def claim_key(request):
    """The key waiting in the reader's session for a moderator's approval, or None.

    Read only when the request carries a session cookie (newsportal.pagecache.has_session),
    so that a shared page never touches the session."""
    if not has_session(request):
        return None
    key = request.session.get(CLAIM_KEY)
    return key if _well_formed(key) else None


def browser_key(request):
    """The key this browser proves it holds (its cookie, else its session's claim), or None."""
    return cookie_key(request) or claim_key(request)


def record_of(key):
    """The TrustedCommenter of `key` (str or None), or None."""
    if not key:
        return None
    return TrustedCommenter.objects.filter(key_digest=TrustedCommenter.key_digest_of(key)).first()


def hand_over(request, response):
    """Settle this browser's trust on a never-cached response that touches comments.

    A claim a moderator approved becomes the cookie (and leaves the session); a claim
    whose comments were all refused, or a revoked one, is dropped; a cookie whose record
    is gone, or that is forged, tampered or expired, is deleted. A revoked record's
    cookie stays (it confers nothing, and works again if a moderator trusts the record
    again). Costs one query when the browser holds a key, none otherwise. Returns the
    response.
    """
    name = cookie_name()
    from_cookie = cookie_key(request)
    if from_cookie:
        if record_of(from_cookie) is None:
            response.delete_cookie(name, path="/", samesite="Lax")
        return response
    if name in request.COOKIES:
        # Forged, tampered or expired: it confers nothing, and goes.
        response.delete_cookie(name, path="/", samesite="Lax")
    claim = claim_key(request)
    if claim is None:
        if has_session(request):
            request.session.pop(CLAIM_KEY, None)  # malformed
        return response
    record = settle_claim(request.session)
    if record is not None and record.is_trusted:
        give_cookie(request, response, claim)
        request.session.pop(CLAIM_KEY)
    return response


def settle_claim(session):
    """Drop the session's claim when it can no longer become trust (its comments all
    decided without an approval, or its record revoked or gone); returns its record,
    or None when dropped."""
    key = session.get(CLAIM_KEY)
    record = record_of(key) if _well_formed(key) else None
    if record is not None and (
        record.is_trusted
        or (
            not record.revoked_at and record.comments.filter(status=Comment.Status.PENDING).exists()
        )
    ):
        return record
    session.pop(CLAIM_KEY, None)
    return None


def give_cookie(request, response, key):
    """Set the trust cookie holding `key`: signed, HttpOnly, SameSite=Lax, for the whole
    site, Secure over HTTPS, for COMMENTS_TRUSTED_COOKIE_DAYS."""
    response.set_signed_cookie(
        cookie_name(),
        key,
        salt=COOKIE_SALT,
        max_age=settings.COMMENTS_TRUSTED_COOKIE_DAYS * 86400,
        path="/",
        secure=request.is_secure() or settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def remember_claim(request, key):
    """Keep `key` in the reader's session until a moderator approves their comment."""
    request.session[CLAIM_KEY] = key


def grant(sender, comment_ids, status, user, **kwargs):
    """comments_moderated: an approved comment makes its browser's record trusted (when
    and by whom recorded once; a revoked record stays revoked), and the pages of its
    published comments are renewed (they get the mark; a reader may have stored them
    between the approval and this grant). A spam mark revokes it (`revoke_for_spam`);
    an approval undone or turned into a rejection takes it back (`withdraw`).
    """
    if status != Comment.Status.APPROVED:
        if status == Comment.Status.SPAM:
            revoke_for_spam(comment_ids, user)
        else:
            withdraw(comment_ids)
        return
    ids = list(
        TrustedCommenter.objects.filter(
            comments__pk__in=comment_ids, approved_at__isnull=True, revoked_at__isnull=True
        ).values_list("pk", flat=True)
    )
    if not ids:
        return
    TrustedCommenter.objects.filter(pk__in=ids).update(approved_at=timezone.now(), approved_by=user)
    articles = Comment.objects.filter(
        trusted_commenter__in=ids, status=Comment.Status.APPROVED
    ).values_list("article_id", flat=True)
    comments_changed(set(articles))


def withdraw(comment_ids):
    """Take back the trust that no published comment stands for any more: the trusted
    records of these comments (a list of ints, no longer published: an approval undone,
    a comment rejected) with no other published comment go back to waiting for a
    moderator, so their cookies confer nothing until one approves a comment of theirs
    again. Not a revocation (nothing is held against the browser). Returns how many."""
    published = Comment.objects.filter(
        trusted_commenter=OuterRef("pk"), status=Comment.Status.APPROVED
    )
    ids = list(
        TrustedCommenter.objects.filter(
            comments__pk__in=comment_ids, approved_at__isnull=False, revoked_at__isnull=True
        )
        .exclude(Exists(published))
        .values_list("pk", flat=True)
        .distinct()
    )
    return TrustedCommenter.objects.filter(pk__in=ids).update(approved_at=None, approved_by=None)


def revoke_for_spam(comment_ids, user):
    """Revoke the trust of the browsers that sent these comments (marked as spam)."""
    records = TrustedCommenter.objects.filter(comments__pk__in=comment_ids, revoked_at__isnull=True)
    return revoke(records, user, TrustedCommenter.RevokedBecause.SPAM)


def revoke(records, user, because=TrustedCommenter.RevokedBecause.MODERATOR):
    """Revoke `records` (a queryset of TrustedCommenter) by `user`: their cookies confer
    nothing any more, and their comments lose the mark (their articles' pages renewed).
    Returns the number revoked."""
    with transaction.atomic():
        ids = list(records.filter(revoked_at__isnull=True).values_list("pk", flat=True))
        count = TrustedCommenter.objects.filter(pk__in=ids).update(
            revoked_at=timezone.now(), revoked_by=user, revoked_because=because
        )
        articles = Comment.objects.filter(
            trusted_commenter__in=ids, status=Comment.Status.APPROVED
        ).values_list("article_id", flat=True)
        comments_changed(set(articles))
    return count


def restore(records, user):
    """Give revoked `records` their trust back (as approved by `user` now); their
    comments get the mark again. Returns the number restored."""
    with transaction.atomic():
        ids = list(records.filter(revoked_at__isnull=False).values_list("pk", flat=True))
        count = TrustedCommenter.objects.filter(pk__in=ids).update(
            revoked_at=None,
            revoked_by=None,
            revoked_because="",
            approved_at=timezone.now(),
            approved_by=user,
        )
        articles = Comment.objects.filter(
            trusted_commenter__in=ids, status=Comment.Status.APPROVED
        ).values_list("article_id", flat=True)
        comments_changed(set(articles))
    return count
