"""`manage.py loaddata`, Django's, plus the pre-publish checks on the articles it loads.

Fixtures are saved raw, around `Article.save()` and the admin's forms, and in any order
(an article may come before its hero image), so the checks run once everything is
loaded, in the same transaction: a published article (live or scheduled) that fails
them (`articles.newsroom.publishing.publication_problems`) is loaded as a draft, never
put on the site, and the command names it with the reasons. The rest of the import
stands: a newsroom moving its archive wants every story in, and the desk fixes and
publishes the few that lack a standfirst or a photo credit.

A photo it loads over one that published articles already on the site show (hero
image or body) must keep them passing the checks: otherwise the whole import is refused
(CommandError, nothing loaded), since taking those articles off the site is not an
import's call.
"""

from django.core.management.base import CommandError
from django.core.management.commands.loaddata import Command as DjangoLoadData
from django.utils.translation import gettext as _

from articles.content.sanitize import sanitize_html
from articles.models import Article, ArticleSlugRedirect, Image
from articles.newsroom import publishing


class Command(DjangoLoadData):
    help = DjangoLoadData.help + (
        " Published articles that fail the pre-publish checks are loaded as drafts."
    )

    def loaddata(self, fixture_labels):
        self.loaded_articles = set()
        self.loaded_images = set()
        super().loaddata(fixture_labels)
        self.unpublish_failing(self.loaded_articles)
        self.refuse_broken_photos(self.loaded_images, self.loaded_articles)

    def save_obj(self, obj):
        """Save one deserialized object (Django's), noting the articles. An article gets
        what Article.save() gives it, which a raw save skips: its body cleaned by the
        allow-list (articles.content.sanitize), and its old slug kept as an address that
        redirects when the import moves it."""
        old_slug = None
        if isinstance(obj.object, Article):
            article = obj.object
            article.body = sanitize_html(article.body or "")
            if article.pk is not None:
                rows = Article._base_manager.using(self.using).filter(pk=article.pk)
                old_slug = rows.values_list("slug", flat=True).first()
        saved = super().save_obj(obj)
        if saved and isinstance(obj.object, Article):
            self.loaded_articles.add(obj.object.pk)
            ArticleSlugRedirect.keep(obj.object, old_slug, obj.object.slug)
        if saved and isinstance(obj.object, Image):
            self.loaded_images.add(obj.object.pk)
        return saved

    def refuse_broken_photos(self, image_pks, article_pks):
        """Raise CommandError (the transaction rolls back) when a loaded photo makes a
        published article not among the loaded ones fail the checks (an emptied
        alternative text or credit, say), naming the articles and their problems."""
        failing = []
        for image_pk in image_pks:
            published = (
                publishing.articles_using_image(image_pk)
                .using(self.using)
                .filter(status=Article.Status.PUBLISHED)
                .exclude(pk__in=article_pks)
                .select_related("hero_image")
            )
            for article in published:
                problems = publishing.publication_problems(article)
                if problems:
                    failing.append(
                        _("“%(title)s” (#%(pk)s): %(problems)s")
                        % {"title": article.title, "pk": article.pk, "problems": " ".join(problems)}
                    )
        if failing:
            raise CommandError(
                _("Nothing was loaded: photos of this import break published articles. %s")
                % " ".join(failing)
            )

    def unpublish_failing(self, pks):
        """Turn the published articles among `pks` that fail the checks into drafts
        (one UPDATE), and name each one with its problems on stderr."""
        failing = []
        published = Article.objects.using(self.using).filter(
            pk__in=pks, status=Article.Status.PUBLISHED
        )
        for article in published.select_related("hero_image"):
            problems = publishing.publication_problems(article)
            if problems:
                failing.append(article.pk)
                self.stderr.write(
                    _("“%(title)s” (#%(pk)s) was loaded as a draft: %(problems)s")
                    % {"title": article.title, "pk": article.pk, "problems": " ".join(problems)}
                )
        if failing:
            Article.objects.using(self.using).filter(pk__in=failing).update(
                status=Article.Status.DRAFT
            )
