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

from articles import caching
from articles.caching import article_page_valid_until, comment_scope
from articles.discovery import metadata
from articles.discovery.frontpage import (
    arrange_home,
    front_page_choices,
    newest_needed,
    pinned_in,
)
from articles.discovery.home import section_blocks
from articles.discovery.labels import published_authors, published_tags, tags_and_authors
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
    AuthorSlugRedirect,
    Correction,
    SectionRedirect,
    TagSlugRedirect,
    live_corrections,
)
from articles.newsroom.publishing import can_preview
from newsportal.lightmode import is_light
from newsportal.pagecache import CachedPageMixin, per_generation


class HomeView(CachedPageMixin, TemplateView):
    """The home page: the lead story, the featured stories, « Latest news », the
    breaking-news strip and a block per top-level section.

    The editors' choices come first, the newest articles fill the rest
    (articles.discovery.frontpage). A stored page lasts until the earliest of their
    expiries at most. `unsaved` (the admin's preview) replaces one block's saved
    choices: `(FrontPageBlock, [UnsavedChoice, …])`.
    """

    page_query_parameters = ()  # one home page, whatever the query string
    template_name = "articles/home.html"
    unsaved = None
    front_page = None

    def get_context_data(self, **kwargs):
        now = timezone.now()
        tree = section_tree(self.request)
        self.front_page = front = front_page_choices(now, unsaved=self.unsaved)
        newest = list(Article.objects.published(at=now).for_listing()[: newest_needed()])
        stories = arrange_home(front, newest)
        ads = live_ads(self.request)
        return super().get_context_data(
            lead=stories.lead,
            featured=stories.featured,
            latest=stories.latest,
            breaking=list(
                Article.objects.breaking(at=now)
                .only("title", "slug", "published_at")
                .order_by("-published_at")[:5]
            ),
            sections=section_blocks(
                tree,
                at=now,
                pinned={root.pk: pinned_in(front, tree, root) for root in tree.roots},
            ),
            ads=ads[AdSlot.Placement.HOME],
            sidebar_ads=ads[AdSlot.Placement.SIDEBAR],
            most_read=most_read(request=self.request),
            **kwargs,
        )

    def page_cache_valid_until(self):
        # The page changes when a choice on it expires.
        return self.front_page.valid_until if self.front_page else None

    @classmethod
    def render_unsaved(cls, request, block, choices):
        """The home page with `block`'s choices replaced by `choices` (a list of
        UnsavedChoice), as readers would see it now; for the admin's preview, whose
        caller has checked the permission. Never cached, never stored, writes nothing."""
        view = cls(page_cache=False, unsaved=(block, choices))
        view.setup(request)
        response = view.render_to_response(view.get_context_data(is_preview=True))
        response.render()
        add_never_cache_headers(response)
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response


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
        context["sidebar_ads"] = live_ads(self.request)[AdSlot.Placement.SIDEBAR]
        if self.keyset_page:
            context.update(keyset=True, older_cursor=self.keyset_page.older_cursor)
        else:
            context["older_cursor"] = self.older_cursor
        return context


class SectionView(ArticleListView):
    """A section's articles and its subsections' articles, newest first.

    A top-level section's page starts with its block's pinned stories, in the editors'
    order (articles.discovery.frontpage), on its first page; the list below leaves
    them out on every page. Its stored copy lasts until their earliest expiry at most.
    """

    template_name = "articles/section.html"
    front_page = None
    pinned = ()

    def get(self, request, *args, **kwargs):
        self.tree = section_tree(self.request)
        self.section = self.tree.by_path.get(kwargs["path"].strip("/"))
        if self.section is None:
            return redirect_old_address(request, old_address(SectionRedirect, kwargs["path"]))
        if self.section.parent_id is None:
            self.front_page = front_page_choices(timezone.now(), section=self.section)
            self.pinned = pinned_in(self.front_page, self.tree, self.section)
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        queryset = super().get_queryset().filter(section_id__in=self.tree.subtree_ids(self.section))
        if self.pinned:
            queryset = queryset.exclude(pk__in=[article.pk for article in self.pinned])
        return queryset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(
            section=self.section,
            ancestors=self.tree.ancestors(self.section),
            current_root=self.tree.root_of(self.section),
            subsections=self.tree.children_of(self.section),
            **kwargs,
        )
        page = context.get("page_obj")
        first_page = not context.get("keyset") and (page is None or page.number == 1)
        context["pinned"] = self.pinned if first_page else ()
        return context

    def page_cache_valid_until(self):
        # The page changes when a pinned story's choice expires.
        return self.front_page.valid_until if self.front_page else None


class TagView(ArticleListView):
    template_name = "articles/tag.html"

    def get(self, request, *args, **kwargs):
        # A tag no live article has (only drafts, say) has no page: 404 like an unknown
        # tag, so that its name shows nowhere before its article is published.
        self.tag = published_tags().filter(slug=kwargs["slug"]).first()
        if self.tag is None:
            # Its old addresses too: a 301 would name the new slug.
            renamed = old_address(TagSlugRedirect, kwargs["slug"], among=published_tags())
            return redirect_old_address(request, renamed)
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return super().get_queryset().filter(tags=self.tag)

    def get_context_data(self, **kwargs):
        return super().get_context_data(tag=self.tag, **kwargs)


class AuthorView(ArticleListView):
    template_name = "articles/author.html"

    def get(self, request, *args, **kwargs):
        # An author with no live article has no page either (as an unknown author).
        self.author = published_authors().filter(slug=kwargs["slug"]).first()
        if self.author is None:
            renamed = old_address(AuthorSlugRedirect, kwargs["slug"], among=published_authors())
            return redirect_old_address(request, renamed)
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return super().get_queryset().filter(authors=self.author)

    def get_context_data(self, **kwargs):
        return super().get_context_data(author=self.author, **kwargs)


class CorrectionsView(CachedPageMixin, ListView):
    """Every correction, clarification and update of the live articles, newest first,
    paginated (`?page=`; a page that does not exist answers 404): the newsroom's public
    record of what it changed. A correction saved, or an article going live or off the
    site, starts a new page generation (articles.caching), as for any content."""

    page_query_parameters = ("page",)
    template_name = "articles/corrections.html"
    context_object_name = "corrections"
    paginate_by = settings.ARTICLES_PER_PAGE

    def get_queryset(self):
        return live_corrections().only(
            "kind", "text", "published_at", "article__title", "article__slug"
        )


# How many ads of one placement a page shows (the first by position; the others wait
# for it to end).
ADS_PER_PLACEMENT = 1


def live_ads(request):
    """The live ads of every placement, {AdSlot.Placement value: [AdSlot, …]}, in one
    query kept in this process for the page generation.

    Saving an ad slot starts a new generation, and so do its start and end times
    (the generation knows the next scheduled change), so the list is never stale.
    """
    return per_generation(
        request,
        f"ads:{ADS_PER_PLACEMENT}",
        lambda: AdSlot.objects.live_by_placement(ADS_PER_PLACEMENT),
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
            list(article.corrections.only("article", "kind", "text", "published_at"))
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
        if is_light(self.request):  # photos as links shown on tap (newsportal.lightmode)
            self.body = render_body(article.body, light=True)
        else:
            self.body = getattr(article, "rendered_body", None) or render_body(article.body)
        ads = live_ads(self.request)
        return super().get_context_data(
            body=self.body,
            ancestors=ancestors,
            corrections=corrections,
            last_update=article.last_update(corrections),
            current_root=tree.root_of(article.section),
            tags=tags,
            authors=authors,
            # Lazy: the template keeps the rendered list in a fragment cache.
            related=SimpleLazyObject(
                lambda: related_articles(article, tag_ids=[t.pk for t in tags])
            ),
            ads=ads[AdSlot.Placement.ARTICLE],
            sidebar_ads=ads[AdSlot.Placement.SIDEBAR],
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
