from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommentsConfig(AppConfig):
    name = "comments"
    verbose_name = _("Comments")

    def ready(self):
        from django.db.models.signals import post_delete, post_save, pre_delete, pre_save

        from articles.caching import article_page_parameters, register_article_page_bound
        from articles.events import demo_loaded
        from articles.views import register_article_page_check, register_article_part
        from newsportal.pagecache import register_query_parameters
        from newsportal.privacy import register_purger
        from newsportal.textinput import apply_before_save

        from .demo import ensure_conversation
        from .events import comments_moderated, story_heated
        from .heat import check_after_spam, heat_ends
        from .models import PAGE_PARAMETER, Comment, StoryHeat, TrustedCommenter
        from .moderation import comments_closing
        from .notifications import story_heated_notice
        from .privacy import (
            blank_old_senders,
            delete_spent_tokens,
            delete_unapproved_trust_requests,
        )
        from .signals import (
            renew_after_heat_deleted,
            renew_after_trust_deleted,
            renew_comment_scope,
        )
        from .templatetags.comments import clean_comment_page
        from .trust import grant
        from .views import comment_page_past_the_end

        # Every save stores the name and text under the input policy (docs/input.md).
        pre_save.connect(apply_before_save, sender=Comment, dispatch_uid="input-policy")
        # A published, moderated, edited or removed comment renews its article's page only.
        post_save.connect(renew_comment_scope, sender=Comment, dispatch_uid="pagecache")
        post_delete.connect(renew_comment_scope, sender=Comment, dispatch_uid="pagecache")
        # A trusted commenter's record or a spell of heat deleted (not revoked or switched
        # back): the marks and the banner they gave leave the pages too.
        pre_delete.connect(
            renew_after_trust_deleted, sender=TrustedCommenter, dispatch_uid="pagecache"
        )
        post_delete.connect(renew_after_heat_deleted, sender=StoryHeat, dispatch_uid="pagecache")
        # A stored article page ends when its open comments close by themselves.
        register_article_page_bound(comments_closing)
        # ... and when its story's pre-moderation after a flood ends (comments.heat).
        register_article_page_bound(heat_ends)
        # A moderator's approval trusts the browser that asked to be remembered, a spam
        # mark revokes it (comments.trust) and counts towards the story's heat.
        comments_moderated.connect(grant, sender=Comment, dispatch_uid="trust")
        comments_moderated.connect(check_after_spam, sender=Comment, dispatch_uid="heat")
        # Editors and moderators are e-mailed when a story switches (a background task).
        story_heated.connect(story_heated_notice, sender=StoryHeat, dispatch_uid="mail")
        article_page_parameters.append(PAGE_PARAMETER)
        # seed_demo's comments: a conversation under the newest story (comments.demo).
        demo_loaded.connect(ensure_conversation, dispatch_uid="demo-conversation")
        # The comments and their form under every article.
        register_article_part("comments/article_part.html")
        # A page of an article's comments; a number past the last page leads to it.
        register_query_parameters(PAGE_PARAMETER, clean=clean_comment_page)
        register_article_page_check(comment_page_past_the_end)
        # The privacy purge (docs/privacy.md): old senders' addresses, spent tokens.
        register_purger("comments: IP addresses and user agents", blank_old_senders)
        register_purger("comments: spent captcha tokens", delete_spent_tokens)
        register_purger("comments: trust requests never approved", delete_unapproved_trust_requests)
