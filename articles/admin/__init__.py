"""The newsroom in Django admin, one module per model.

Admin autodiscovery imports this package; each module registers its models.
"""

from articles.admin import ads, articles, authors, frontpage, images, sections, tags  # noqa: F401
