"""The comments' part of the privacy purge (newsportal/privacy.py, docs/privacy.md).

- A comment keeps its sender's IP address and user agent COMMENTS_KEEP_IP_DAYS days, for
  abuse handling (rate limits, the moderators' look at a flood); then both are blanked
  and the comment itself stays as it is.
- Spent captcha tokens (`SpentToken`: a digest, never the token) are deleted once they
  have expired: they refuse a replay only until then. Posting deletes expired ones too
  (comments.captcha.spend_once); the purge also covers a site that gets no comment.
- A trusted commenter's record (`TrustedCommenter`: a digest of a random key) that no
  moderator approved and that has no comment waiting any more is deleted
  COMMENTS_KEEP_IP_DAYS days after it was asked for: it can never become trust.
"""

from datetime import timedelta

from .conf import settings
from .models import Comment, SpentToken, TrustedCommenter


def blank_old_senders(now):
    """Blank the IP address and user agent of comments received more than
    COMMENTS_KEEP_IP_DAYS days before `now`; returns the number of comments changed."""
    cutoff = now - timedelta(days=settings.COMMENTS_KEEP_IP_DAYS)
    old = Comment.objects.filter(created_at__lt=cutoff)
    # A plain UPDATE: no save signal, so no article page is renewed for it (nothing a
    # reader sees changes).
    return old.exclude(ip_address__isnull=True, user_agent="").update(
        ip_address=None, user_agent=""
    )


def delete_spent_tokens(now):
    """Delete the spent captcha tokens that expired before `now`; returns how many."""
    return SpentToken.objects.filter(expires_at__lt=now).delete()[1].get(SpentToken._meta.label, 0)


def delete_unapproved_trust_requests(now):
    """Delete the trust requests (« Remember me ») asked for more than
    COMMENTS_KEEP_IP_DAYS days before `now`, never approved, with no comment waiting;
    returns how many. Their comments stay, unlinked."""
    cutoff = now - timedelta(days=settings.COMMENTS_KEEP_IP_DAYS)
    stale = TrustedCommenter.objects.filter(
        created_at__lt=cutoff, approved_at__isnull=True, revoked_at__isnull=True
    ).exclude(comments__status=Comment.Status.PENDING)
    ids = list(stale.values_list("pk", flat=True))
    # A plain UPDATE of the links, then the rows: their comments carry no mark to renew.
    Comment.objects.filter(trusted_commenter__in=ids).update(trusted_commenter=None)
    return (
        TrustedCommenter.objects.filter(pk__in=ids).delete()[1].get(TrustedCommenter._meta.label, 0)
    )
