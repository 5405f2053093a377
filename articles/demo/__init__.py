"""Demo content: the section tree, authors, tags, articles, drawn photos and ad slots.

Everything comes from one seed (Faker's fr_FR locale and a `random.Random`), so every
machine gets the same tree, the same titles and the same pictures; only the dates
follow the clock, counted back from the moment the demo is loaded.

`build_plan` decides everything without touching the database; the `ensure_*` and
`load_*` functions write it, each keyed on natural keys (paths, slugs, usernames,
names) so that loading twice creates nothing the second time.
"""

from articles.demo.load import LoadReport, load_demo
from articles.demo.plan import (
    ADS,
    CREDIT,
    DEFAULT_ARTICLES,
    DEFAULT_IMAGES,
    DEFAULT_SEED,
    DEMO_USERS,
    PHOTO_SIZE,
    build_plan,
)

__all__ = [
    "ADS",
    "CREDIT",
    "DEFAULT_ARTICLES",
    "DEFAULT_IMAGES",
    "DEFAULT_SEED",
    "DEMO_USERS",
    "PHOTO_SIZE",
    "LoadReport",
    "build_plan",
    "load_demo",
]
