from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommentsConfig(AppConfig):
    name = "comments"
    verbose_name = _("Comments")

    def ready(self):
        # Every save stores the name and text under the input policy (docs/input.md).
        from django.db.models.signals import pre_save

        from newsportal.textinput import apply_before_save

        from .models import Comment

        pre_save.connect(apply_before_save, sender=Comment, dispatch_uid="input-policy")

        from articles.pagecache import register_query_parameters

        from .models import PAGE_PARAMETER
        from .templatetags.comments import clean_comment_page

        # A page of an article's comments.
        register_query_parameters(PAGE_PARAMETER, clean=clean_comment_page)
