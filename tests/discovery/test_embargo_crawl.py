"""The embargo crawl: an unpublished article (a draft, or scheduled for tomorrow) with a
title, a tag, an author and photos of its own; every public URL pattern of the site is
fetched as an anonymous reader, in French and under /en/, and none of it shows.

The patterns are enumerated from the URL map itself (newsportal/urls.py and what it
includes): a pattern with no case below fails the test, so a new page cannot be added
without saying what it may show of an unpublished article.
"""

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import URLResolver, get_resolver
from django.urls.resolvers import LocalePrefixPattern
from django.utils import timezone

from articles.models import Article, Correction, FrontPageBlock, FrontPageChoice
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    CommentFactory,
    ImageFactory,
    SectionFactory,
)

from .conftest import READER

pytestmark = pytest.mark.django_db

# Only the newsroom's: the admin (logins, its own permissions) is not a public page.
NOT_PUBLIC = {"admin"}


def url_patterns():
    """{(namespace:)name: whether it is under the language prefix} for every pattern
    of the URL map, the admin's excepted."""
    found = {}

    def walk(patterns, namespace, localized):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace in NOT_PUBLIC:
                    continue
                walk(
                    pattern.url_patterns,
                    pattern.namespace or namespace,
                    localized or isinstance(pattern.pattern, LocalePrefixPattern),
                )
            else:
                assert pattern.name, f"a public pattern without a name: {pattern.pattern}"
                found[f"{namespace}:{pattern.name}" if namespace else pattern.name] = localized

    walk(get_resolver().url_patterns, None, False)
    return found


def photo_paths(image):
    paths = {image.file.url}
    for entry in image.renditions + [e for crops in (image.crops or {}).values() for e in crops]:
        paths |= {entry["url_jpeg"], entry["url_webp"]}
    return sorted(paths)


@pytest.fixture(params=["draft", "scheduled"])
def secret(request):
    """The unpublished article and everything of its own, next to a live article of
    the same section that an editor already linked to it."""
    section = SectionFactory(name="Économie", slug="economie")
    hero = ImageFactory(alt_text="Quzvyrk le barrage", credit="Quzvyrk Photo")
    in_body = ImageFactory(alt_text="Quzvyrk la turbine", credit="Quzvyrk Photo")
    status = {
        "draft": {"status": Article.Status.DRAFT, "published_at": None},
        "scheduled": {"published_at": timezone.now() + timedelta(days=1)},
    }[request.param]
    article = ArticleFactory(
        title="Quzvyrk : le barrage ouvre",
        slug="quzvyrk-barrage",
        standfirst="Quzvyrk standfirst.",
        body=f'<p>Quzvyrk texte.</p><figure data-gallery="{in_body.pk}"></figure>',
        section=section,
        hero_image=hero,
        is_breaking=True,
        **status,
    )
    article.tags.add("Quzvyrktag")
    author = AuthorFactory(name="Quzvyrk Auteur", slug="quzvyrk-auteur")
    article.authors.add(author)
    live = ArticleFactory(
        title="Le port de Cotonou s’agrandit",
        section=section,
        hero_image=ImageFactory(alt_text="Le port", credit="AFP"),
    )
    live.tags.add("Économie")
    live.authors.add(AuthorFactory(name="Awa Diallo", slug="awa-diallo"))
    live.related_articles.add(article)
    # A correction on each: the corrections page and its feed list the live one only.
    article.corrections.create(text="Quzvyrk correction.", kind=Correction.Kind.CORRECTION)
    live.corrections.create(text="Le port ouvre en mars.", kind=Correction.Kind.UPDATE)
    # Chosen by an editor as the lead story and pinned in its section's block (rows
    # written directly, as a draft cannot be chosen in the admin): readers see neither.
    for kind, block_section in (
        (FrontPageBlock.Kind.LEAD, None),
        (FrontPageBlock.Kind.SECTION, section),
    ):
        block = FrontPageBlock.objects.create(kind=kind, section=block_section)
        FrontPageChoice.objects.create(block=block, article=article, position=0)
    return {
        "article": article,
        "live": live,
        "section": section,
        "tag": article.tags.get().slug,
        "author": author.slug,
        "media": photo_paths(hero) + photo_paths(in_body),
        # What must show nowhere: the marker in every text of its own, its addresses.
        "strings": [
            "quzvyrk",
            f"/renditions/{hero.pk}/",
            f"/renditions/{in_body.pk}/",
            hero.file.name,
            in_body.file.name,
        ],
    }


# For each pattern: the addresses to fetch, from the fixture; "404" must answer 404, the
# others may answer anything but must show nothing of the article.
CASES = {
    "health": lambda s: [("/healthz", None)],
    "set_language": lambda s: [("/i18n/setlang/?next=/", None)],
    "robots-txt": lambda s: [("/robots.txt", None)],
    "sitemap": lambda s: [("/sitemap.xml", None)],
    "sitemap-news": lambda s: [("/sitemap-news.xml", None)],
    "sitemap-part": lambda s: [
        (f"/sitemap-{part}.xml", None)
        for part in ("sections", "articles", "tags", "authors", "pages")
    ],
    "admin-editor-jsi18n": lambda s: [("/admin/jsi18n/editor/", None)],
    "admin-view-on-site": lambda s: [
        (f"/admin/r/{ContentType.objects.get_for_model(s['article']).pk}/{s['article'].pk}/", None)
    ],
    "autocomplete": lambda s: [
        (
            f"/admin/autocomplete/?app_label=articles&model_name=article&field_name={name}"
            f"&term={s['article'].title[:6]}",
            None,
        )
        for name in ("related_articles", "hero_image", "section")
    ],
    "comments:post": lambda s: [(f"/article/{s['article'].slug}/commenter/", "404")],
    "comments:form-parts": lambda s: [
        (f"/article/{s['article'].slug}/commenter/formulaire/", "404")
    ],
    "comments:altcha-challenge": lambda s: [("/commentaires/altcha/defi/", None)],
    # The reply page of a comment on the unpublished article (stored before it was
    # taken down, say).
    "comments:reply": lambda s: [
        (
            f"/article/{s['article'].slug}/commenter/repondre/"
            f"{CommentFactory(article=s['article'], body='quzvyrk avis').pk}/",
            "404",
        )
    ],
    "articles:home": lambda s: [("/", None), ("/?page=2", None)],
    "articles:corrections": lambda s: [("/corrections/", None)],
    "articles:corrections-feed": lambda s: [
        ("/flux/corrections/rss/", None),
        ("/flux/corrections/atom/", None),
    ],
    "articles:search": lambda s: [
        ("/recherche/?q=barrage", None),
        ("/recherche/?q=turbine", None),
        ("/recherche/?q=standfirst", None),
        ("/recherche/?q=quzvyrktag", None),
    ],
    "articles:feed": lambda s: [("/flux/rss/", None), ("/flux/atom/", None)],
    "articles:section-feed": lambda s: [
        ("/flux/rubrique/economie/rss/", None),
        ("/flux/rubrique/economie/atom/", None),
    ],
    "articles:tag-feed": lambda s: [
        (f"/flux/tag/{s['tag']}/rss/", "404"),
        (f"/flux/tag/{s['tag']}/atom/", "404"),
    ],
    "articles:author-feed": lambda s: [
        (f"/flux/auteur/{s['author']}/rss/", "404"),
        (f"/flux/auteur/{s['author']}/atom/", "404"),
    ],
    "articles:section": lambda s: [("/rubrique/economie/", None)],
    "articles:detail": lambda s: [
        (f"/article/{s['article'].slug}/", "404"),
        (s["live"].get_absolute_url(), None),
    ],
    "articles:preview": lambda s: [(f"/apercu/{s['article'].pk}/", "404")],
    "articles:tag": lambda s: [(f"/tag/{s['tag']}/", "404"), ("/tag/economie/", None)],
    "articles:author": lambda s: [
        (f"/auteur/{s['author']}/", "404"),
        ("/auteur/awa-diallo/", None),
    ],
    "media": lambda s: [(path, "404") for path in s["media"]],
    "benchmark-floor": lambda s: [("/bench/floor/", None)],
}


def content_of(response):
    # Reading a file to the end closes it, as a WSGI server would.
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return body.decode("utf-8", "replace")


def echoes(path):
    """The parts of a requested address a page may repeat, lowercased: its path and
    its query's values."""
    from urllib.parse import parse_qsl, urlsplit

    parts = urlsplit(path)
    return [parts.path.lower()] + [value.lower() for _, value in parse_qsl(parts.query)]


def test_every_public_pattern_has_a_case():
    missing = set(url_patterns()) - set(CASES)
    assert not missing, f"public URL patterns the embargo crawl does not visit: {missing}"


def test_the_crawl_finds_nothing_of_an_unpublished_article(client, secret):
    patterns = url_patterns()
    visited = 0
    for name, localized in patterns.items():
        for path, expected in CASES[name](secret):
            for address in [path, f"/en{path}"] if localized else [path]:
                response = client.get(address, **READER)
                text = content_of(response)
                shown = (text + response.get("Location", "")).lower()
                # What the reader typed comes back (the address in the canonical link,
                # the query in the search box): that is no leak.
                for echo in echoes(path):
                    shown = shown.replace(echo, "")
                leaks = [s for s in secret["strings"] if s.lower() in shown]
                assert not leaks, f"{address} ({response.status_code}) shows {leaks}"
                if expected == "404":
                    assert response.status_code == 404, address
                visited += 1
    assert visited > 40
    # The crawl does see what is public: the live article, its page and its photo.
    live = client.get(secret["live"].get_absolute_url(), **READER)
    assert "Le port de Cotonou" in content_of(live)
    photo = client.get(secret["live"].hero_image.renditions[0]["url_jpeg"])
    assert photo.status_code == 200
    content_of(photo)
