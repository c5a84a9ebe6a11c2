"""The import rules README's Layout section states, read from the source with ``ast``.

Every import counts, also one made late inside a function, and ``import_module("...")`` with a
literal name: a late import hides a cycle from Python, not from a reader.
"""

import ast
import functools
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("kazcms", "articles", "interviews", "newsletter")
# Apps built on articles: articles never imports them; they register what it needs instead.
ABOVE_ARTICLES = ("interviews", "newsletter")
# No import cycle is tolerated: the check is exact, so a new cycle fails at once.
KNOWN_CYCLES = []


def module_name(path):
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules():
    """{module name: (path, is a package)} for every .py file of the project's packages."""
    modules = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            modules[module_name(path)] = (path, path.name == "__init__.py")
    return modules


def imported_names(path, module, is_package):
    """Every module name ``path`` imports, wherever the import statement stands."""
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            yield base
            yield from (f"{base}.{alias.name}" for alias in node.names)
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "id", getattr(node.func, "attr", "")) == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            yield node.args[0].value


@functools.cache  # the source does not change while the tests run
def import_graph(include_migrations):
    """{module: set of project modules it makes Python run}, packages' ``__init__`` included."""
    modules = project_modules()
    graph = {}
    for module, (path, is_package) in modules.items():
        if ".migrations" in module and not include_migrations:
            continue
        targets = set()
        for name in imported_names(path, module, is_package):
            if name not in modules:
                continue  # a third-party module, or "from module import attribute"
            parts = name.split(".")
            # Importing a.b.c runs a and a.b first; a package the importer sits in is already run.
            for depth in range(1, len(parts) + 1):
                target = ".".join(parts[:depth])
                inside = module == target or module.startswith(target + ".")
                if target in modules and not inside:
                    targets.add(target)
        graph[module] = targets - {module}
    return graph


def cycles(graph):
    """The strongly connected groups of more than one module (Tarjan's algorithm)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in graph:
                continue
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def describe(group, graph):
    members = set(group)
    return "; ".join(
        f"{module} -> {', '.join(sorted(graph[module] & members))}" for module in group
    )


def test_no_import_cycles_among_project_modules():
    graph = import_graph(include_migrations=False)
    assert len(graph) > 50, "the walk found too few modules"
    found = cycles(graph)
    assert found == KNOWN_CYCLES, "\n".join(describe(group, graph) for group in found)


def test_articles_imports_neither_interviews_nor_newsletter():
    graph = import_graph(include_migrations=True)
    offending = {
        module: sorted(t for t in targets if t.split(".")[0] in ABOVE_ARTICLES)
        for module, targets in graph.items()
        if module.split(".")[0] == "articles"
    }
    assert {module: targets for module, targets in offending.items() if targets} == {}


def test_apps_take_only_the_role_map_from_the_project_package():
    graph = import_graph(include_migrations=True)
    app_uses = {
        (module, target)
        for module, targets in graph.items()
        if module.split(".")[0] != "kazcms"
        for target in targets
        if target.split(".")[0] == "kazcms" and target not in ("kazcms", "kazcms.roles")
    }
    assert app_uses == set()
    assert not {t.split(".")[0] for t in graph["kazcms.roles"]} & {"articles", *ABOVE_ARTICLES}


def test_interviews_and_newsletter_build_on_articles():
    graph = import_graph(include_migrations=False)
    for app in ABOVE_ARTICLES:
        uses = set().union(*(t for m, t in graph.items() if m.split(".")[0] == app))
        assert any(target.split(".")[0] == "articles" for target in uses), app


def test_the_checks_see_late_and_relative_imports(tmp_path):
    source = tmp_path / "sample.py"
    source.write_text(
        "from . import sibling\n"
        "from ..models import Article\n"
        "def late():\n"
        "    from interviews.models import Interview\n"
        "    import_module('newsletter.exports')\n"
    )
    names = set(imported_names(source, "articles.publishing.sample", is_package=False))
    assert {"articles.publishing.sibling", "articles.models", "interviews.models"} <= names
    assert "newsletter.exports" in names
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
