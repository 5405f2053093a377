from django.conf import settings
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_cache_control, patch_vary_headers
from django.utils.csp import CSP
from django.utils.decorators import method_decorator
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.generic import DetailView, ListView, TemplateView
from taggit.models import Tag

from articles import caching
from articles.caching import article_page_valid_until, comment_scope
from articles.discovery import metadata
from articles.discovery.home import section_blocks
from articles.discovery.labels import tags_and_authors
from articles.discovery.pagination import CURSOR_PARAMETER, CappedPaginator, KeysetPage, cursor_for
from articles.discovery.readership import count_read, most_read
from articles.discovery.redirects import old_address, redirect_old_address
from articles.discovery.related import related_articles
from articles.discovery.search import SearchForm, attach_snippets, results_capped, search_articles
from articles.discovery.sections import section_tree
from articles.media.body import render_body
from articles.models import (
    AdSlot,
    Article,
    ArticleSlugRedirect,
    Author,
    AuthorSlugRedirect,
    Correction,
    SectionRedirect,
    TagSlugRedirect,
)
from articles.newsroom.publishing import can_preview
from newsportal.pagecache import CachedPageMixin, per_generation


class HomeView(CachedPageMixin, TemplateView):
    page_query_parameters = ()  # one home page, whatever the query string
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
                Article.objects.breaking(at=now)
                .only("title", "slug", "published_at")
                .order_by("-published_at")[:5]
            ),
            sections=section_blocks(section_tree(self.request), at=now),
            ads=live_ads(self.request, AdSlot.Placement.HOME, 1),
            most_read=most_read(request=self.request),
            **kwargs,
        )


class ArticleListView(CachedPageMixin, ListView):
    page_query_parameters = ("page", CURSOR_PARAMETER)
    """A paginated list of published articles; subclasses narrow it down.

    Numbered pages first, then keyset pages past ARTICLES_MAX_PAGES (articles.discovery.pagination).
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


class SectionView(ArticleListView):
    template_name = "articles/section.html"

    def get(self, request, *args, **kwargs):
        self.tree = section_tree(self.request)
        self.section = self.tree.by_path.get(kwargs["path"].strip("/"))
        if self.section is None:
            return redirect_old_address(request, old_address(SectionRedirect, kwargs["path"]))
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return super().get_queryset().filter(section_id__in=self.tree.subtree_ids(self.section))

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            section=self.section,
            ancestors=self.tree.ancestors(self.section),
            current_root=self.tree.root_of(self.section),
            subsections=self.tree.children_of(self.section),
            **kwargs,
        )


class TagView(ArticleListView):
    template_name = "articles/tag.html"

    def get(self, request, *args, **kwargs):
        self.tag = Tag.objects.filter(slug=kwargs["slug"]).first()
        if self.tag is None:
            return redirect_old_address(request, old_address(TagSlugRedirect, kwargs["slug"]))
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return super().get_queryset().filter(tags=self.tag)

    def get_context_data(self, **kwargs):
        return super().get_context_data(tag=self.tag, **kwargs)


class AuthorView(ArticleListView):
    template_name = "articles/author.html"

    def get(self, request, *args, **kwargs):
        self.author = Author.objects.filter(slug=kwargs["slug"]).first()
        if self.author is None:
            return redirect_old_address(request, old_address(AuthorSlugRedirect, kwargs["slug"]))
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return super().get_queryset().filter(authors=self.author)

    def get_context_data(self, **kwargs):
        return super().get_context_data(author=self.author, **kwargs)


def live_ads(request, placement, count):
    """The live ad slots of a placement, kept in this process for the page generation.

    Saving an ad slot starts a new generation, and so do its start and end times
    (the generation knows the next scheduled change), so the list is never stale.
    """
    return per_generation(
        request,
        f"ads:{placement}:{count}",
        lambda: list(AdSlot.objects.live(placement).select_related("image")[:count]),
    )


# Templates shown under an article's text, each given the page's context, registered by
# the apps that provide them (the comments app adds its section): articles names none.
article_page_parts = []


def register_article_part(template_name):
    """Show `template_name` (a template path) under every article, after the tags."""
    if template_name not in article_page_parts:
        article_page_parts.append(template_name)


# Checks of an article page's own query parameters, registered by the apps that read
# them (the comments app: a comment page past the end).
article_page_checks = []


def register_article_page_check(check):
    """Run `check(request, article)` before an article page is rendered.

    It returns None, or a response answered instead of the page (a redirect to the
    address the page should have). Such an answer is not a read and is never stored,
    so query values that all show one page cannot each leave a copy in the cache.
    """
    if check not in article_page_checks:
        article_page_checks.append(check)


def with_embed_frames(response, origins):
    """Open the page's CSP frame-src to `origins` (the players of its embeds), or not.

    The site's CSP (settings.SECURE_CSP) has no frame-src: frames fall back to
    default-src 'self'. An article page that shows embeds lets frames come from the
    origins of those providers only, e.g. ["https://www.youtube-nocookie.com"]; the
    iframe itself exists only after the reader's click (static/js/embeds.js). Set the
    way django.views.decorators.csp.csp_override does, per response; the page cache
    keeps it with the page (newsportal.pagecache). Returns `response`.
    """
    if origins:
        policy = {key: list(value) for key, value in settings.SECURE_CSP.items()}
        policy["frame-src"] = [*policy.get("frame-src", [CSP.SELF]), *origins]
        response._csp_config = policy
    return response


class ArticleDetailView(CachedPageMixin, DetailView):
    @property
    def page_query_parameters(self):
        # Its comment pages (registered by the comments app), nothing else.
        return tuple(caching.article_page_parameters)

    template_name = "articles/article_detail.html"
    context_object_name = "article"

    def get_queryset(self):
        # The section comes from the section tree (in memory), not from a join; whether
        # there are corrections comes with the article, so that the many articles
        # without any make no query for them.
        return (
            Article.objects.published()
            .select_related("hero_image")
            .defer("search_vector")
            .annotate(has_corrections=Exists(Correction.objects.filter(article=OuterRef("pk"))))
        )

    def get(self, request, *args, **kwargs):
        # The article, its corrections, tags and authors: kept in this process for the
        # page generation (a logged-in reader's page makes no query for them).
        found = per_generation(request, f"article:{kwargs['slug']}", self.load_article)
        if found is not None:
            self.object, self.labels, self.corrections = found
        else:
            # A renamed article keeps answering at its old address.
            renamed = old_address(
                ArticleSlugRedirect, kwargs["slug"], among=Article.objects.published()
            )
            if renamed is None:
                raise Http404(_("No article at this address."))
            return redirect_old_address(request, renamed)
        for check in article_page_checks:
            if (answer := check(request, self.object)) is not None:
                return answer
        count_read(request, self.object)
        response = self.render_to_response(self.get_context_data(object=self.object))
        response.page_cache_extra = {"article_pk": self.object.pk}
        return with_embed_frames(response, self.body.embed_origins)

    def load_article(self):
        try:
            article = self.get_object()
        except Http404:
            return None
        if section := section_tree(self.request).by_id.get(article.section_id):
            article.section = section
        corrections = (
            list(article.corrections.only("article", "text", "published_at"))
            if article.has_corrections
            else []
        )
        # The body with its photos and embeds, made once per page generation.
        article.rendered_body = render_body(article.body)
        return article, tags_and_authors(article), corrections

    # A page served from the cache is still a read.
    page_cache_on_hit = "article-read"

    def page_cache_scopes(self):
        # An approved comment renews this page only (newsportal.pagecache).
        return [comment_scope(self.kwargs["slug"])]

    def page_cache_valid_until(self):
        return article_page_valid_until(self.object)

    def get_context_data(self, **kwargs):
        article = self.object
        tree = section_tree(self.request)
        tags, authors = getattr(self, "labels", None) or tags_and_authors(article)
        corrections = getattr(self, "corrections", None)
        if corrections is None:  # the preview: prefetched with the article
            corrections = list(article.corrections.all())
        ancestors = tree.ancestors(article.section)
        self.body = getattr(article, "rendered_body", None) or render_body(article.body)
        return super().get_context_data(
            body=self.body,
            ancestors=ancestors,
            corrections=corrections,
            current_root=tree.root_of(article.section),
            tags=tags,
            authors=authors,
            # Lazy: the template keeps the rendered list in a fragment cache.
            related=SimpleLazyObject(
                lambda: related_articles(article, tag_ids=[t.pk for t in tags])
            ),
            ads=live_ads(self.request, AdSlot.Placement.ARTICLE, 1),
            most_read=most_read(exclude=article, request=self.request),
            structured_data=metadata.article_structured_data(
                article, authors, tags, ancestors, corrections
            ),
            article_parts=tuple(article_page_parts),
            **kwargs,
        )


@method_decorator(never_cache, name="dispatch")
class ArticlePreviewView(ArticleDetailView):
    """A draft or scheduled article as readers will see it, for its author and editors.

    Anyone else gets the same 404 as for a page that does not exist.
    """

    page_cache = False

    def get_queryset(self):
        return Article.objects.select_related("section", "hero_image", "owner").prefetch_related(
            "corrections"
        )

    def get_object(self, queryset=None):
        article = get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])
        if not can_preview(self.request.user, article):
            raise Http404(_("No article at this address."))
        return article

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        response = self.render_to_response(self.get_context_data(object=self.object))
        response["X-Robots-Tag"] = "noindex, nofollow"
        return with_embed_frames(response, self.body.embed_origins)

    def get_context_data(self, **kwargs):
        return super().get_context_data(is_preview=True, **kwargs)

    @classmethod
    def render_unsaved(cls, request, article, tags, authors, corrections):
        """The page of an article built from an unsaved form, as readers would see it.

        `article` is an Article that is not saved (articles.newsroom.drafting builds it),
        `tags`/`authors`/`corrections` lists as the page shows them. The caller has
        checked the permission (that of saving the form). Never cached.
        """
        view = cls(template_name="articles/article_unsaved_preview.html")
        view.setup(request, pk=article.pk)
        view.object = article
        view.labels = (tags, authors)
        view.corrections = corrections
        context = view.get_context_data(object=article)
        # New tags of the form have no row yet: related articles share saved tags only.
        saved_tags = [tag.pk for tag in tags if tag.pk]
        context["related"] = SimpleLazyObject(
            lambda: related_articles(article, tag_ids=saved_tags) if article.pk else []
        )
        response = view.render_to_response(context)
        add_never_cache_headers(response)
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response


class SearchView(CachedPageMixin, ListView):
    """Search results: ranked, filtered by section and date, with highlighted snippets.

    Never stored in a shared cache (neither the page cache nor a proxy): an entry per
    search term would tell anyone, by its speed, what others searched lately.
    """

    template_name = "articles/search.html"
    paginate_by = settings.ARTICLES_PER_PAGE
    context_object_name = "articles"
    page_cache = False

    def dispatch(self, request, *args, **kwargs):
        response = super().dispatch(request, *args, **kwargs)
        patch_cache_control(response, private=True, max_age=0)
        patch_vary_headers(response, ["Cookie"])
        return response

    def get_paginate_by(self, queryset):
        return settings.ARTICLES_PER_PAGE  # read per request, not frozen at import

    def get(self, request, *args, **kwargs):
        self.tree = section_tree(self.request)
        self.form = SearchForm(request.GET or None, tree=self.tree)
        self.params = self.form.search_params()
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        params = self.params
        if not params.query:
            return Article.objects.none()
        return search_articles(
            params.query,
            section_ids=self.tree.subtree_ids(params.section) if params.section else None,
            since=params.since,
            order=params.order,
        )

    def paginate_queryset(self, queryset, page_size):
        # A page number out of range shows the last page; garbage shows the first.
        paginator = self.get_paginator(queryset, page_size)
        page = paginator.get_page(self.request.GET.get("page"))
        page.object_list = attach_snippets(list(page.object_list), self.params.query)
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(form=self.form, params=self.params, **kwargs)
        count = context["paginator"].count
        context["results_capped"] = results_capped(count)
        if self.params.query and not count:
            context["most_read"] = most_read()
        return context
