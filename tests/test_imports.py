"""The project's import graph: no cycle anywhere, and the page cache imports no app.

Every import counts, at the top of a module or inside a function: a function-level
import hides a cycle from Python's loader but not from the reader. Migrations are left
out (they are frozen history, loaded by name).
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("newsportal", "articles", "comments")


def project_modules():
    """{dotted name: path} for every module of the project's packages."""
    modules = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            parts = path.relative_to(ROOT).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            modules[".".join(parts)] = path
    return modules


def imported_names(name, path):
    """The dotted names a module imports (relative imports resolved)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = node.module
            yield module
            yield from (f"{module}.{alias.name}" for alias in node.names)


def import_graph():
    """{module: set of project modules it imports}."""
    modules = project_modules()
    graph = {name: set() for name in modules}
    for name, path in modules.items():
        for target in imported_names(name, path):
            while target and target not in modules:
                target = target.rpartition(".")[0]
            if target and target != name:
                graph[name].add(target)
    return graph


def cycles(graph):
    """The strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in graph:
        if node not in index:
            visit(node)
    return found


def test_the_graph_sees_the_project():
    graph = import_graph()
    assert "newsportal.pagecache" in graph
    assert "articles.views" in graph["comments.views"] or any(
        target.startswith("articles") for target in graph["comments.views"]
    )


def test_a_cycle_is_found_when_there_is_one():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycle_in_the_project():
    assert cycles(import_graph()) == []


@pytest.mark.parametrize("app", ["articles", "comments"])
def test_the_page_cache_imports_no_app(app):
    graph = import_graph()
    cache_modules = [name for name in graph if name.startswith("newsportal.pagecache")]
    assert cache_modules
    for name in cache_modules:
        assert not [t for t in graph[name] if t.split(".")[0] == app], name


def test_articles_never_imports_comments():
    """Dependencies point one way: comments → articles → newsportal.pagecache."""
    graph = import_graph()
    for name, targets in graph.items():
        if name.split(".")[0] == "articles":
            assert not [t for t in targets if t.split(".")[0] == "comments"], name


def test_the_product_ships_no_benchmark_tooling():
    """Benchmark commands live in tools/benchmarks, installed only with BENCHMARKS=true."""
    for app in PACKAGES:
        assert not list((ROOT / app).rglob("bench_*.py")), app
    assert list((ROOT / "tools" / "benchmarks").rglob("bench_*.py"))


def test_the_comment_model_imports_no_comment_logic():
    """comments.models is the app's bottom layer: scoring, captcha, moderation and the
    posting policy import it, never the reverse (not even inside a function)."""
    graph = import_graph()
    own = {t for t in graph["comments.models"] if t.split(".")[0] == "comments"}
    assert own <= {"comments.conf"}, own
    assert "comments.models" in graph["comments.scoring"]
