"""The home page's section blocks: the pinned, then the newest articles of every
top-level section.

One query for all sections (a window function ranks articles inside their top-level
section), however many sections and subsections there are. The pinned stories come
from the editors' choices (articles.discovery.frontpage), read beforehand.
"""

from django.db.models import Case, F, IntegerField, Value, When, Window
from django.db.models.functions import RowNumber

from articles.models import Article

ARTICLES_PER_SECTION = 4


def section_blocks(tree, at=None, per_section=ARTICLES_PER_SECTION, pinned=None):
    """[(top-level Section, [Article, …]), …] in menu order, sections without articles
    left out. `pinned`: {id of a top-level section: [Article, …]}, the editors' choices
    in order, shown first; the newest articles of the section fill the rest of its
    `per_section` places."""
    pinned = {pk: articles[:per_section] for pk, articles in (pinned or {}).items()}
    root_of = {pk: tree.root_of(section).pk for pk, section in tree.by_id.items()}
    blocks = {root.pk: list(pinned.get(root.pk, [])) for root in tree.roots}
    if not blocks:
        return []
    # The top-level section of each section, as a CASE the database can partition by.
    root_expr = Case(
        *[When(section_id=pk, then=Value(root)) for pk, root in root_of.items()],
        output_field=IntegerField(),
    )
    ranked = (
        Article.objects.published(at=at)
        .for_listing()
        .exclude(pk__in=[article.pk for articles in pinned.values() for article in articles])
        .annotate(
            section_root=root_expr,
            rank=Window(
                RowNumber(),
                partition_by=[root_expr],
                order_by=[F("published_at").desc(), F("pk").desc()],
            ),
        )
        .filter(rank__lte=per_section)
    )
    for article in ranked:
        block = blocks[article.section_root]
        if len(block) < per_section:
            block.append(article)
    return [(root, blocks[root.pk]) for root in tree.roots if blocks[root.pk]]
