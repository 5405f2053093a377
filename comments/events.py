"""The comments app's domain events (sent by comments.moderation, heard by whoever
connects in its AppConfig.ready()).

- `comments_moderated(sender=Comment, comment_ids, status, user)`: a moderator decided
  (approve, reject, spam) or undid a decision, for these comments (a list of ints), now
  in `status` (a Comment.Status value), by `user`. Their articles' pages are renewed
  already; a notification, a statistic or a reader's trust level listens here.
"""

from django.dispatch import Signal

comments_moderated = Signal()
