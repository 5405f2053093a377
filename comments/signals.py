"""The comments app's receivers, each for the Comment model only, connected in
CommentsConfig.ready().

Readers see an article's approved comments, kept in the page cache under the article's
comment scope (articles.caching.comment_scope). A save or delete that may change them
renews that scope; bulk writes (`update()`, `bulk_create()`), which send no signal,
renew it in the queryset (comments.models.CommentQuerySet), and the moderators' bulk
decisions (comments.moderation.moderate) also send the app's domain event
(comments.events.comments_moderated).
"""

from articles.caching import comments_changed

from .models import Comment


def renew_comment_scope(sender, instance, created=False, **kwargs):
    """post_save and post_delete of a Comment: its article's page may be stale.

    A new comment that readers do not see (held for a moderator) changes nothing on the
    page, so a wave of held spam does not renew it; any other save or delete does (a
    status, a name or a text may have changed what readers see).
    """
    if created and instance.status != Comment.Status.APPROVED:
        return
    comments_changed([instance.article_id])


def renew_after_trust_deleted(sender, instance, **kwargs):
    """pre_delete of a TrustedCommenter (a superuser's delete, a reader forgotten): its
    comments lose the « Regular reader » mark, so their articles' pages are renewed
    (the comments are unlinked by an UPDATE that sends no signal)."""
    articles = Comment.objects.filter(
        trusted_commenter=instance, status=Comment.Status.APPROVED
    ).values_list("article_id", flat=True)
    comments_changed(set(articles))


def renew_after_heat_deleted(sender, instance, **kwargs):
    """post_delete of a StoryHeat: a spell deleted rather than switched back ends as
    switched back does (comments.heat.switch_back): the page loses its banner and the
    stories in force are read again."""
    from .heat import forget_hot_map

    comments_changed([instance.article_id])
    forget_hot_map()
