from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommentsConfig(AppConfig):
    name = "comments"
    verbose_name = _("Comments")

    def ready(self):
        from articles.pagecache import register_hole, register_query_parameters

        from .holes import fill_question, fill_stamp
        from .models import PAGE_PARAMETER
        from .templatetags.comments import clean_comment_page

        # A page of an article's comments.
        register_query_parameters(PAGE_PARAMETER, clean=clean_comment_page)
        register_hole("comment-stamp", fill_stamp)
        register_hole("comment-question", fill_question)
