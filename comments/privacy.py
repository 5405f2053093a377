"""The comments' part of the privacy purge (newsportal/privacy.py, docs/privacy.md).

- A comment keeps its sender's IP address and user agent COMMENTS_KEEP_IP_DAYS days, for
  abuse handling (rate limits, the moderators' look at a flood); then both are blanked
  and the comment itself stays as it is.
- Spent captcha tokens (`SpentToken`: a digest, never the token) are deleted once they
  have expired: they refuse a replay only until then. Posting deletes expired ones too
  (comments.captcha.spend_once); the purge also covers a site that gets no comment.
"""

from datetime import timedelta

from .conf import settings
from .models import Comment, SpentToken


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
