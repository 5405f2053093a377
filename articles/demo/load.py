"""Writing the demo's plan to the database, keyed on natural keys so that loading
twice creates nothing the second time."""

import secrets
from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from taggit.models import Tag, TaggedItem

from articles.content.sanitize import sanitize_html
from articles.content.slugs import french_slugify
from articles.demo.drawing import draw_banner, draw_photo, hex_rgb
from articles.demo.plan import (
    ADS,
    CREDIT,
    DEFAULT_ARTICLES,
    DEFAULT_IMAGES,
    DEFAULT_SEED,
    DEMO_USERS,
    PHOTO_SIZE,
    SECTIONS,
    TAGS,
    Plan,
    build_plan,
    section_paths,
)
from articles.events import demo_loaded
from articles.models import (
    AdSlot,
    Article,
    Author,
    Correction,
    FrontPageBlock,
    FrontPageChoice,
    Image,
    Section,
    content_written,
)
from articles.newsroom import roles


def ensure_sections():
    """Create the section tree where missing; return the sections by path."""
    by_path = {c.path: c for c in Section.objects.all()}
    for path, name, parent_path, position, _colour, description in section_paths():
        if path not in by_path:
            section = Section(
                name=name,
                slug=path.rsplit("/", 1)[-1],
                parent=by_path[parent_path] if parent_path else None,
                position=position,
                description=description,
            )
            section.save()
            by_path[path] = section
    return by_path


def ensure_authors(plan):
    """Create the demo authors where missing (by slug); return them in plan order."""
    authors = []
    for name, role in plan.authors:
        author, _ = Author.objects.get_or_create(
            slug=french_slugify(name, max_length=120), defaults={"name": name, "role": role}
        )
        authors.append(author)
    return authors


def ensure_users(authors, environ):
    """Create the demo accounts where missing.

    Return (username, created, password, source) per account; a password is returned
    only when generated here, so that the caller prints it once.
    """
    User = get_user_model()
    results = []
    for username, group_name, superuser, author_index in DEMO_USERS:
        user = User.objects.filter(username=username).first()
        if user is not None:
            results.append((username, False, None, None))
            continue
        env_name = f"DEMO_{username.upper()}_PASSWORD"
        source = next((n for n in (env_name, "DEMO_PASSWORD") if environ.get(n)), None)
        password = environ[source] if source else secrets.token_urlsafe(12)
        author = authors[author_index] if author_index is not None else None
        first, _, last = author.name.partition(" ") if author else ("", "", "")
        user = User.objects.create_user(
            username=username,
            email=f"{username}@newsportal.example",
            password=password,
            first_name=first,
            last_name=last,
            is_staff=True,
            is_superuser=superuser,
        )
        if group_name:
            user.groups.add(Group.objects.get(name=group_name))
        if author is not None and author.user_id is None:
            author.user = user
            author.save(update_fields=["user"])
        results.append((username, True, None if source else password, source))
    return results


def ensure_tags():
    tags = {}
    for name in TAGS:
        tag = Tag.objects.filter(name__iexact=name).first() or Tag.objects.create(name=name)
        tags[name] = tag
    return tags


def load_photos(plan):
    accents = {s[1]: hex_rgb(s[2]) for s in SECTIONS}
    images = []
    for photo in plan.photos:
        initials = "".join(w[0] for w in photo.section.split("-")).upper()
        initials = initials if len(initials) > 1 else photo.section[:2].upper()
        data = draw_photo(photo, accents[photo.section], initials, PHOTO_SIZE)
        image = Image(
            file=ContentFile(data, name=f"{photo.key}.jpg"),
            alt_text=photo.alt_text,
            caption=photo.caption,
            credit=CREDIT,
        )
        image.save()
        images.append(image)
    return images


def load_articles(plan, sections, authors, images, tags, now):
    """Insert the planned articles in bulk, doing what `Article.save` would do."""
    articles = []
    for item in plan.articles:
        published_at = now - item.age if item.age is not None else None
        articles.append(
            Article(
                title=item.title,
                slug=item.slug,
                standfirst=item.standfirst,
                body=sanitize_html(item.body),
                section=sections[item.section_path],
                hero_image=images[item.photo] if images and item.photo is not None else None,
                status=item.status,
                published_at=published_at,
                updated_at=min(published_at + item.updated_after, now) if published_at else now,
                is_breaking=item.is_breaking,
            )
        )
    Article.objects.bulk_create(articles, batch_size=200)

    article_type = ContentType.objects.get_for_model(Article)
    TaggedItem.objects.bulk_create(
        [
            TaggedItem(content_type=article_type, object_id=article.pk, tag=tags[name])
            for article, item in zip(articles, plan.articles, strict=True)
            for name in dict.fromkeys(item.tags)
        ],
        batch_size=500,
    )
    Article.authors.through.objects.bulk_create(
        [
            Article.authors.through(article_id=article.pk, author_id=authors[i].pk)
            for article, item in zip(articles, plan.articles, strict=True)
            for i in dict.fromkeys(item.authors)
        ],
        batch_size=500,
    )
    Article.related_articles.through.objects.bulk_create(
        [
            Article.related_articles.through(
                from_article_id=article.pk, to_article_id=articles[i].pk
            )
            for article, item in zip(articles, plan.articles, strict=True)
            for i in item.related
        ],
        batch_size=500,
    )
    # Tags, authors and links went in with bulk_create, which sends no signal: tell the
    # caches (search vectors follow by themselves: articles.derived).
    content_written()
    return articles


def ensure_ad_slots(now, with_images=True):
    created = 0
    for index, (name, advertiser, placement, position, text, size, lines) in enumerate(ADS):
        if AdSlot.objects.filter(name=name).exists():
            continue
        image = None
        if with_images:
            image = Image(
                file=ContentFile(
                    draw_banner(size, lines, hex_rgb(SECTIONS[index][2])), name="banner.png"
                ),
                alt_text=f"Publicité {advertiser} : {text}",
                credit=advertiser,
            )
            image.save()
        AdSlot.objects.create(
            name=name,
            advertiser=advertiser,
            placement=placement,
            position=position,
            text=text,
            link_url=f"https://{french_slugify(advertiser)}.example/",
            image=image,
            starts_at=now - timedelta(days=30),
        )
        created += 1
    return created


# What the newsroom wrote around the demo's articles, so that `make run` shows it: the
# corrections (one of each type), the front page the editors chose, and a draft an
# editor sent back with a reason.
CORRECTIONS = [
    (
        Correction.Kind.CORRECTION,
        "Une version précédente donnait un chiffre erroné pour le budget.",
    ),
    (
        Correction.Kind.CLARIFICATION,
        "Le ministre s’exprimait au nom du gouvernement, non du parti.",
    ),
    (Correction.Kind.UPDATE, "Le conseil des ministres a confirmé la mesure dans la soirée."),
]
SENT_BACK_REASON = "Il manque la réaction de l’opposition, et le titre promet plus que l’article."


def ensure_editorial(articles, now):
    """Add, to freshly loaded `articles` (a list in plan order), one correction of each
    type, the front page's lead story and featured stories (chosen among the newest
    but not the newest, so the choice shows), and one draft sent back to its journalist.
    Returns the number of rows written."""
    live = sorted(
        (a for a in articles if a.status == Article.Status.PUBLISHED and a.published_at <= now),
        key=lambda a: a.published_at,
        reverse=True,
    )
    if len(live) < 8:
        return 0
    written = 0
    for article, (kind, text) in zip(live[1:4], CORRECTIONS, strict=True):
        Correction.objects.create(
            article=article,
            kind=kind,
            text=text,
            published_at=min(article.published_at + timedelta(hours=2), now),
        )
        written += 1
    # The home page's blocks are kept across loads; choices go only into empty ones.
    lead, _ = FrontPageBlock.objects.get_or_create(kind=FrontPageBlock.Kind.LEAD)
    if not lead.choices.exists():
        FrontPageChoice.objects.create(
            block=lead, article=live[4], position=1, expires_at=now + timedelta(days=2)
        )
        written += 1
    featured, _ = FrontPageBlock.objects.get_or_create(kind=FrontPageBlock.Kind.FEATURED)
    if not featured.choices.exists():
        for position, article in enumerate(live[5:8], start=1):
            FrontPageChoice.objects.create(block=featured, article=article, position=position)
            written += 1
    User = get_user_model()
    editor = User.objects.filter(groups__name=roles.EDITORS).first()
    journalist = User.objects.filter(groups__name=roles.JOURNALISTS).first()
    draft = next((a for a in articles if a.status == Article.Status.DRAFT), None)
    if draft is not None and journalist is not None:
        Article.objects.filter(pk=draft.pk).update(
            owner=journalist,
            sent_back_reason=SENT_BACK_REASON,
            sent_back_at=now,
            sent_back_by=editor,
        )
        written += 1
    return written


@dataclass
class LoadReport:
    plan: Plan
    loaded_before: int = 0
    articles: int = 0
    images: int = 0
    ad_slots: int = 0
    users: list = field(default_factory=list)


def load_demo(seed=DEFAULT_SEED, articles=DEFAULT_ARTICLES, images=DEFAULT_IMAGES, environ=None):
    """Load the demo once; a later call finds its articles and creates nothing."""
    plan = build_plan(seed=seed, articles=articles, images=images)
    now = timezone.now().replace(second=0, microsecond=0)
    report = LoadReport(plan=plan)
    with transaction.atomic():
        sections = ensure_sections()
        authors = ensure_authors(plan)
        report.users = ensure_users(authors, environ or {})
        report.ad_slots = ensure_ad_slots(now, with_images=images > 0)
        # Authors depend on the seed only, slugs also on --articles: checking both means
        # a rerun with another --articles does not add a second demo beside the first.
        report.loaded_before = (
            Article.objects.filter(Q(slug__in=plan.slugs) | Q(authors__in=authors))
            .distinct()
            .count()
        )
        if report.loaded_before:
            return report
        tags = ensure_tags()
        photos = load_photos(plan)
        loaded = load_articles(plan, sections, authors, photos, tags, now)
        ensure_editorial(loaded, now)
        # Other apps add theirs (comments.demo: a conversation under the newest story).
        demo_loaded.send(sender=Article, articles=loaded, now=now)
        report.articles = len(plan.articles)
        report.images = len(photos)
    return report
