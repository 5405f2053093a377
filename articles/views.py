from datetime import timedelta

from django.conf import settings
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView, TemplateView
from taggit.models import Tag

from .home import section_blocks
from .models import AdSlot, Article, ArticleSlugRedirect, Author
from .pagecache import CachedPageMixin
from .pagination import CURSOR_PARAMETER, CappedPaginator, KeysetPage, cursor_for
from .related import related_articles
from .sections import section_tree

# Breaking news stays in the home page's strip this long after publication.
BREAKING_NEWS_AGE = timedelta(hours=48)


class HomeView(CachedPageMixin, TemplateView):
    template_name = "articles/home.html"
    latest_count = 13

    def get_context_data(self, **kwargs):
        now = timezone.now()
        published = Article.objects.published(at=now)
        latest = list(published.for_listing()[: self.latest_count])
        return super().get_context_data(
            lead=latest[0] if latest else None,
            latest=latest[1:],
            breaking=list(
                published.filter(is_breaking=True, published_at__gte=now - BREAKING_NEWS_AGE)
                .only("title", "slug", "published_at")
                .order_by("-published_at")[:5]
            ),
            sections=section_blocks(section_tree(), at=now),
            ads=list(
                AdSlot.objects.live(AdSlot.Placement.HOME, at=now).select_related("image")[:1]
            ),
            **kwargs,
        )


class ArticleListView(CachedPageMixin, ListView):
    """A paginated list of published articles; subclasses narrow it down.

    Numbered pages first, then keyset pages past ARTICLES_MAX_PAGES (articles.pagination).
    """

    template_name = "articles/article_list.html"
    paginate_by = settings.ARTICLES_PER_PAGE
    paginator_class = CappedPaginator
    context_object_name = "articles"

    def get_queryset(self):
        return Article.objects.published().for_listing()

    def paginate_queryset(self, queryset, page_size):
        if cursor := self.request.GET.get(CURSOR_PARAMETER):
            self.keyset_page = KeysetPage(queryset, cursor, page_size)
            return None, None, self.keyset_page.object_list, False
        paginator, page, object_list, is_paginated = super().paginate_queryset(queryset, page_size)
        page.object_list = object_list = list(object_list)
        if paginator.has_older and page.number == paginator.num_pages:
            self.older_cursor = cursor_for(object_list[-1])
        return paginator, page, object_list, is_paginated or bool(self.older_cursor)

    keyset_page = None
    older_cursor = None

    def get_paginate_by(self, queryset):
        return settings.ARTICLES_PER_PAGE

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)  # paginates
        if self.keyset_page:
            context.update(keyset=True, older_cursor=self.keyset_page.older_cursor)
        else:
            context["older_cursor"] = self.older_cursor
        return context


class CategoryView(ArticleListView):
    template_name = "articles/category.html"

    def get(self, request, *args, **kwargs):
        self.tree = section_tree()
        self.category = self.tree.by_path.get(kwargs["path"].strip("/"))
        if self.category is None:
            raise Http404(_("No section at this address."))
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return super().get_queryset().filter(category_id__in=self.tree.subtree_ids(self.category))

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            category=self.category,
            ancestors=self.tree.ancestors(self.category),
            current_root=self.tree.root_of(self.category),
            subsections=self.tree.children_of(self.category),
            **kwargs,
        )


class TagView(ArticleListView):
    template_name = "articles/tag.html"

    def get(self, request, *args, **kwargs):
        self.tag = get_object_or_404(Tag, slug=kwargs["slug"])
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return super().get_queryset().filter(tags=self.tag)

    def get_context_data(self, **kwargs):
        return super().get_context_data(tag=self.tag, **kwargs)


class AuthorView(ArticleListView):
    template_name = "articles/author.html"

    def get(self, request, *args, **kwargs):
        self.author = get_object_or_404(Author, slug=kwargs["slug"])
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return super().get_queryset().filter(authors=self.author)

    def get_context_data(self, **kwargs):
        return super().get_context_data(author=self.author, **kwargs)


class ArticleDetailView(CachedPageMixin, DetailView):
    template_name = "articles/article_detail.html"
    context_object_name = "article"

    def get_queryset(self):
        return (
            Article.objects.published()
            .select_related("category", "hero_image")
            .prefetch_related(
                "tags",
                Prefetch("authors", queryset=Author.objects.only("name", "slug")),
            )
        )

    def get(self, request, *args, **kwargs):
        try:
            self.object = self.get_object()
        except Http404:
            # A renamed article keeps answering at its old address.
            old = ArticleSlugRedirect.objects.filter(
                old_slug=kwargs["slug"], article__in=Article.objects.published()
            ).select_related("article")
            if old_slug := old.first():
                return redirect(old_slug.article, permanent=True)
            raise
        return self.render_to_response(self.get_context_data(object=self.object))

    def page_cache_scopes(self):
        # An approved comment renews this page only (articles.pagecache).
        return [f"comments:{self.kwargs['slug']}"]

    def page_cache_valid_until(self):
        from comments.moderation import closes_at

        return closes_at(self.object) if self.object.comments_open else None

    def get_context_data(self, **kwargs):
        article = self.object
        tree = section_tree()
        tags = sorted(article.tags.all(), key=lambda tag: tag.name.lower())
        return super().get_context_data(
            ancestors=tree.ancestors(article.category),
            current_root=tree.root_of(article.category),
            tags=tags,
            authors=list(article.authors.all()),
            # Lazy: the template keeps the rendered list in a fragment cache.
            related=SimpleLazyObject(
                lambda: related_articles(article, tag_ids=[t.pk for t in tags])
            ),
            ads=list(AdSlot.objects.live(AdSlot.Placement.ARTICLE).select_related("image")[:1]),
            **kwargs,
        )
