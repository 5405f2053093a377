"""The comments app's domain events (sent by comments.moderation and comments.heat, heard by whoever
connects in its AppConfig.ready()).

- `comments_moderated(sender=Comment, comment_ids, status, user)`: a moderator decided
  (approve, reject, spam) or undid a decision, for these comments (a list of ints), now
  in `status` (a Comment.Status value), by `user`. Their articles' pages are renewed
  already; a notification, a statistic or a reader's trust level listens here.
- `story_heated(sender=StoryHeat, heat)`: a flood switched a story to pre-moderation
  (comments.heat); `heat` is the new StoryHeat. The editors' e-mail listens here.
"""

from django.dispatch import Signal

comments_moderated = Signal()
story_heated = Signal()
