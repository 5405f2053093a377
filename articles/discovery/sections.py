"""The section tree, loaded in one query and cached until a section changes.

Menus, breadcrumbs and section pages all read it, so none of them costs a query per
level of the tree.
"""

from dataclasses import dataclass, field

from django.core.cache import cache

from articles.models import Section
from newsportal import cachedobjects

# v2: the tree's class moved to articles.discovery.sections (newsportal.cachedobjects).
CACHE_KEY = "articles:section-tree:v2"


@dataclass
class SectionTree:
    by_id: dict = field(default_factory=dict)
    by_path: dict = field(default_factory=dict)
    children: dict = field(default_factory=dict)

    @classmethod
    def build(cls, sections):
        tree = cls()
        for section in sections:
            tree.by_id[section.pk] = section
            tree.by_path[section.path] = section
            tree.children.setdefault(section.parent_id, []).append(section)
        return tree

    @property
    def roots(self):
        return self.children.get(None, [])

    def children_of(self, section):
        return self.children.get(section.pk, [])

    def ancestors(self, section):
        """Return the ancestors of `section`, root first (as Section.ancestor_paths says)."""
        return [self.by_path[path] for path in section.ancestor_paths() if path in self.by_path]

    def root_of(self, section):
        ancestors = self.ancestors(section)
        return ancestors[0] if ancestors else section

    def subtree_ids(self, section):
        ids, stack = [], [section]
        while stack:
            node = stack.pop()
            ids.append(node.pk)
            stack.extend(self.children.get(node.pk, []))
        return ids


def section_tree(request=None):
    """The section tree; with the request, kept in this process for the page generation."""
    if request is not None:
        from newsportal.pagecache import per_generation

        return per_generation(request, CACHE_KEY, section_tree)
    tree = cachedobjects.read(CACHE_KEY)
    if tree is None:
        tree = SectionTree.build(Section.objects.order_by("depth", "position", "name"))
        cache.set(CACHE_KEY, tree, timeout=3600)
    return tree


def forget_section_tree(**kwargs):
    """Forget the cached tree now and once the transaction commits: a section changed
    (articles.events.content_changed), or content was written without signals."""
    from newsportal.pagecache import now_and_on_commit

    now_and_on_commit(_delete_section_tree)


def _delete_section_tree():
    cache.delete(CACHE_KEY)
