"""The front page as the editors chose it: the lead story, the featured stories and the
pinned stories of each top-level section block (docs/newsroom.md, « Choosing the front
page »).

Editors place articles in blocks (articles.models.FrontPageBlock) in Django admin
(articles/admin/frontpage.py). Readers' pages read every choice in force in one query
(`front_page_choices`): a choice whose article is not live (`live_q`: a draft, an
article in review, one scheduled for later) or whose expiry has passed is skipped, so
nothing chosen shows early and nothing shows after its time. The newest published
articles fill whatever is not chosen (`arrange_home`, `pin_sections`).

A page built from choices stays true until the earliest expiry among them
(`FrontPage.valid_until`), which the page cache is told (HomeView, SectionView), so a
stored page never outlives a choice.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import F, FilteredRelation, Q

from articles.models import Article, FrontPageBlock

# The home page: one lead story, this many featured stories under it, and this many
# newest articles in « Latest news ».
FEATURED_COUNT = 3
LATEST_COUNT = 9

Kind = FrontPageBlock.Kind


@dataclass
class UnsavedChoice:
    """A choice as an admin form holds it before saving (the preview).

    `article`: an Article; `position`: an int; `expires_at`: an aware datetime or None.
    """

    article: Article
    position: int = 0
    expires_at: datetime | None = None


@dataclass
class FrontPage:
    """The choices in force at one moment, their articles loaded as cards.

    `lead` and `featured`: lists of Article in the editors' order; `sections`: {id of a
    top-level section: [Article, …]}; `valid_until`: the earliest expiry among them (an
    aware datetime) or None. Each article carries `choice_expires_at`.
    """

    lead: list = field(default_factory=list)
    featured: list = field(default_factory=list)
    sections: dict = field(default_factory=dict)
    valid_until: datetime | None = None


def _in_force(at):
    """A choice not expired at `at`, as a condition on Article's `front_page_choices`."""
    return Q(front_page_choices__expires_at__isnull=True) | Q(front_page_choices__expires_at__gt=at)


def front_page_choices(at, unsaved=None, section=None):
    """Every choice in force at `at` (an aware datetime), in one query: a FrontPage.

    `section`: only the choices of that top-level section's block (its own page).

    `unsaved`: for the preview, `(block, [UnsavedChoice, …])`: that block's saved
    choices are left out and these are taken instead, under the same rules (live
    articles, not expired); one more query loads their articles. Writes nothing.
    """
    chosen = (
        Article.objects.published(at=at)
        .for_listing()
        .annotate(
            choice=FilteredRelation("front_page_choices", condition=_in_force(at)),
            choice_kind=F("choice__block__kind"),
            choice_section=F("choice__block__section_id"),
            choice_position=F("choice__position"),
            choice_pk=F("choice__pk"),
            choice_expires_at=F("choice__expires_at"),
        )
        .filter(choice__isnull=False)
        .order_by("choice_position", "choice_pk")
    )
    if section is not None:
        chosen = chosen.filter(choice__block__section=section)
    rows = list(chosen)
    if unsaved is not None:
        block, choices = unsaved
        rows = [
            row
            for row in rows
            if _key(row.choice_kind, row.choice_section) != _key(block.kind, block.section_id)
        ]
        rows += _unsaved_rows(block, choices, at)
        rows.sort(key=lambda row: (row.choice_position, row.choice_pk))
    front = FrontPage()
    sections = defaultdict(list)
    for row in rows:
        if row.choice_kind == Kind.LEAD:
            front.lead.append(row)
        elif row.choice_kind == Kind.FEATURED:
            front.featured.append(row)
        elif row.choice_section is not None:
            sections[row.choice_section].append(row)
    front.sections = dict(sections)
    expiries = [row.choice_expires_at for row in rows if row.choice_expires_at]
    front.valid_until = min(expiries) if expiries else None
    return front


def _key(kind, section_id):
    return (kind, section_id if kind == Kind.SECTION else None)


def _unsaved_rows(block, choices, at):
    in_force = [c for c in choices if c.article and (c.expires_at is None or c.expires_at > at)]
    loaded = (
        Article.objects.published(at=at)
        .for_listing()
        .in_bulk([choice.article.pk for choice in in_force])
    )
    rows = []
    for order, choice in enumerate(in_force):
        if (article := loaded.get(choice.article.pk)) is None:
            continue  # not live: skipped, as on readers' pages
        article.choice_kind = block.kind
        article.choice_section = block.section_id
        article.choice_position = choice.position
        article.choice_pk = order
        article.choice_expires_at = choice.expires_at
        rows.append(article)
    return rows


@dataclass
class HomeStories:
    """What the top of the home page shows: `lead` (an Article or None), `featured` and
    `latest` (lists of Article)."""

    lead: Article | None
    featured: list
    latest: list


def newest_needed():
    """How many newest articles `arrange_home` may need: every slot, plus the chosen
    stories it may have to skip."""
    return 2 * (1 + FEATURED_COUNT) + LATEST_COUNT


def arrange_home(front, newest):
    """The lead story, featured stories and latest news from the choices and the newest
    articles (`newest`: live articles, newest first, `newest_needed()` of them).

    The first chosen lead story leads; without one, the newest article not chosen as a
    featured story. The chosen featured stories follow in their order, then the newest
    fill the FEATURED_COUNT places; « Latest news » lists the newest not shown above.
    An article shows once.
    """
    chosen_featured = {article.pk for article in front.featured}
    lead = front.lead[0] if front.lead else None
    if lead is None:
        lead = next((a for a in newest if a.pk not in chosen_featured), None)
    shown = {lead.pk} if lead else set()
    featured = []
    for article in [*front.featured, *newest]:
        if len(featured) == FEATURED_COUNT:
            break
        if article.pk not in shown:
            featured.append(article)
            shown.add(article.pk)
    latest = [article for article in newest if article.pk not in shown][:LATEST_COUNT]
    return HomeStories(lead=lead, featured=featured, latest=latest)


def pinned_in(front, tree, section):
    """The chosen stories of a top-level `section`'s block, in order: those still in its
    subtree (an article moved to another section since leaves the block)."""
    return [
        article
        for article in front.sections.get(section.pk, [])
        if tree.by_id.get(article.section_id) is not None
        and tree.root_of(tree.by_id[article.section_id]).pk == section.pk
    ]
