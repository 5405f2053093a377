"""README.md and docs/*.md name only what exists, so that their map of the code cannot rot.

Checked: every file or folder named in backticks (`articles/discovery/feeds.py`,
`newsportal/pagecache/`), every relative link target, and every dotted name of a
project module or object (`articles.models.ContentQuerySet`), or an app's model or
permission (`articles.Image`, `articles.publish_article`).
"""

import importlib
import re
from pathlib import Path

import pytest
from django.apps import apps

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
# Made when the portal or the suite runs, never in the repository (.gitignore).
GENERATED = ("artifacts/", "media/", "staticfiles/")
PACKAGES = ("articles", "comments", "newsportal", "tools")

IN_BACKTICKS = re.compile(r"`([^`\s]+)`")
TOP_LEVEL = ("articles", "comments", "newsportal", "tools", "tests")
TOP_LEVEL += ("templates", "static", "docs", "locale")
# A path in the prose, from one of the repository's top-level folders.
IN_PROSE = re.compile(rf"(?<![\w/.`-])((?:{'|'.join(TOP_LEVEL)})/[\w./-]*[\w/])")
LINK = re.compile(r"\]\(([^)\s]+)\)")
DOTTED = re.compile(rf"^(?:{'|'.join(PACKAGES)})(?:\.[A-Za-z_]\w*)+$")
# A file name (`articles.py`) is not a dotted name.
FILE_NAME = re.compile(r"\.(?:py|md|html|txt|xml|css|js|json|conf|toml|po)$")


def named_paths(text):
    """The repository paths named in `text`: in backticks (anything from a top-level
    folder, a folder ending with "/", a file with an extension; a pytest node id names
    its file), or in the prose from a top-level folder. URL paths (`/rubrique/…`), URLs,
    parent paths and patterns are not repository paths."""
    yield from IN_PROSE.findall(text)
    for token in IN_BACKTICKS.findall(text):
        token = token.split("::", 1)[0]
        if "/" not in token or token.startswith(("/", "..")) or "://" in token:
            continue
        if any(mark in token for mark in "…<>*{}=|?$%"):
            continue
        top_level = token.split("/", 1)[0] in TOP_LEVEL
        if top_level or token.endswith("/") or re.search(r"\.[A-Za-z0-9]+$", token):
            yield token


def linked_paths(text):
    """The relative link targets of `text` (Markdown links), without their #anchor."""
    for target in LINK.findall(text):
        if target.startswith(("http://", "https://", "mailto:", "#")):
            continue
        yield target.split("#", 1)[0]


def dotted_names(text):
    """The dotted names of the project's modules and objects in backticks."""
    return [
        token
        for token in IN_BACKTICKS.findall(text)
        if DOTTED.match(token) and not FILE_NAME.search(token)
    ]


def resolves(name):
    """Whether a dotted name is a module, an object in one, or an app's model or permission."""
    parts = name.split(".")
    for length in range(len(parts), 1, -1):
        module_path = ROOT.joinpath(*parts[:length])
        if module_path.with_suffix(".py").exists() or (module_path / "__init__.py").exists():
            found = importlib.import_module(".".join(parts[:length]))
            for attribute in parts[length:]:
                if not hasattr(found, attribute):
                    return False
                found = getattr(found, attribute)
            return True
    if len(parts) != 2:
        return False
    app_label, name = parts
    models = apps.get_app_config(app_label).get_models()
    codenames = {
        codename
        for model in models
        for codename in [
            *(f"{action}_{model._meta.model_name}" for action in model._meta.default_permissions),
            *(codename for codename, _label in model._meta.permissions),
        ]
    }
    model_names = {model.__name__ for model in apps.get_app_config(app_label).get_models()}
    return name in codenames or name in model_names


def missing(doc):
    text = doc.read_text()
    absent = [
        path
        for path in named_paths(text)
        if not path.startswith(GENERATED) and not (ROOT / path).exists()
    ]
    absent += [target for target in linked_paths(text) if not (doc.parent / target).exists()]
    absent += [name for name in dotted_names(text) if not resolves(name)]
    return absent


@pytest.mark.parametrize("doc", DOCS, ids=lambda doc: doc.name)
def test_every_named_path_and_module_exists(doc):
    assert missing(doc) == []


def test_the_check_reads_the_map_and_catches_a_stale_entry(tmp_path):
    readme = (ROOT / "README.md").read_text()
    paths = set(named_paths(readme))
    assert {"articles/discovery/feeds.py", "newsportal/pagecache/", "comments/"} <= paths
    assert "/rubrique/news-infos/diplomatie/" not in paths
    stale = tmp_path / "stale.md"
    stale.write_text(
        "`articles/search.py`, `articles/discovery/`, `articles.related.related_articles`,\n"
        "`articles.models.Nothing`, `articles.publish_article`, [guide](missing.md),\n"
        "`articles/0007_input`, and in prose articles/related.py or `/rubrique/afrique/`.\n"
    )
    assert missing(stale) == [
        "articles/related.py",
        "articles/search.py",
        "articles/0007_input",
        "missing.md",
        "articles.related.related_articles",
        "articles.models.Nothing",
    ]


# Every environment variable the portal reads is in docs/configuration.md -----------------

ENV_READ = re.compile(
    r"""env(?:\.[a-z_]+)?\(\s*"([A-Z][A-Z0-9_]*)"|"""  # django-environ: env.int("NAME", …)
    r"""os\.environ(?:\.get\(|\[)\s*["']([A-Z][A-Z0-9_]*)|"""  # gunicorn.conf.py
    r"""^\s*"([A-Z][A-Z0-9_]*)":\s*env\.[a-z_]+,""",  # {"COMMENTS_…": env.int} table
    re.M,
)


def variables_read(*files):
    """The environment variable names (a set) `files` read (settings, gunicorn's config)."""
    names = set()
    for path in files:
        for match in ENV_READ.finditer((ROOT / path).read_text()):
            names.add(next(group for group in match.groups() if group))
    return names


def test_every_environment_variable_read_is_in_the_configuration_reference():
    """An operator reads docs/configuration.md to set up a machine: a variable the code
    reads that it does not name is a setting nobody can find. The comments app's own
    (`COMMENTS_*`) are in docs/comments.md, which configuration.md points to."""
    reference = (ROOT / "docs" / "configuration.md").read_text()
    comments = (ROOT / "docs" / "comments.md").read_text()
    read = variables_read("newsportal/settings.py", "gunicorn.conf.py")
    assert {"DEBUG", "S3_BUCKET", "GUNICORN_BIND", "COMMENTS_RATE_LIMIT"} <= read
    missing = sorted(
        name
        for name in read
        if f"`{name}`" not in reference
        and not (name.startswith("COMMENTS_") and f"`{name}`" in comments)
    )
    assert not missing, f"not in docs/configuration.md: {missing}"


def test_the_deployment_steps_start_the_task_worker_and_the_daily_jobs():
    """Without DEBUG, tasks are queued for a worker (TASKS_BACKEND=database): an operator
    who follows docs/deployment.md's « Steps » and starts no worker never sends a
    moderator's e-mail nor makes a large upload's renditions. The steps must say so,
    with the daily jobs (the privacy purge, pruning the task table)."""
    text = (ROOT / "docs" / "deployment.md").read_text()
    steps = text.split("## Steps", 1)[1].split("\n## ", 1)[0]
    for needed in ("db_worker", "purge_personal_data", "prune_db_task_results"):
        assert needed in steps, f"docs/deployment.md's Steps do not mention {needed}"
