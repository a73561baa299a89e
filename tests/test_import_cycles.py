"""No import cycle anywhere in bot/, handlers/, jobs/ and storage/, counting every import statement:
module level, inside functions, and under `if TYPE_CHECKING:` (a type-only circle still ties two
modules together, and is one refactor away from a real one)."""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PACKAGES = ("storage", "handlers", "jobs", "bot")


def module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _resolve(name: str, level: int, current: str, is_package: bool) -> str:
    """The absolute module a (possibly relative) `from … import` names."""
    if level == 0:
        return name
    base = current.split(".") if is_package else current.split(".")[:-1]
    base = base[: len(base) - (level - 1)]
    return ".".join([*base, name] if name else base)


def imports_of(source: str, current: str, known: set[str], *, is_package: bool = False) -> set[str]:
    """The modules among `known` that `source` imports. `from pkg import sub` is an import of the
    submodule `pkg.sub` when there is one, else of `pkg` itself."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            target = _resolve(node.module or "", node.level, current, is_package)
            subs = [f"{target}.{alias.name}" for alias in node.names]
            names = [sub for sub in subs if sub in known] or [target]
        else:
            continue
        for name in names:
            # `import a.b.c` runs a.b.c; the nearest module we know is the one that matters.
            while name and name not in known:
                name = name.rpartition(".")[0]
            if name and name != current:
                found.add(name)
    return found


def import_graph(root: Path, packages: Iterable[str]) -> dict[str, set[str]]:
    paths = {module_name(root, p): p for pkg in packages for p in sorted((root / pkg).rglob("*.py"))}
    known = set(paths)
    return {
        name: imports_of(path.read_text(encoding="utf-8"), name, known, is_package=path.name == "__init__.py")
        for name, path in paths.items()
    }


def cycles(graph: Mapping[str, set[str]]) -> list[list[str]]:
    """Every strongly connected group of more than one module (Tarjan's algorithm), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                group.append(top)
                if top == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)


def test_no_import_cycle_in_our_packages() -> None:
    graph = import_graph(REPO, PACKAGES)
    assert len(graph) > 100, "the checker found too few modules to prove anything"
    assert cycles(graph) == []


def test_the_check_finds_a_synthetic_cycle(tmp_path: Path) -> None:
    # Three modules in a circle, one link only under TYPE_CHECKING, one through a relative import,
    # and one inside a function: each kind of import must count.
    pkg = tmp_path / "demo"
    pkg.mkdir()
    (pkg / "__init__.py").write_text('"""A package."""\n', encoding="utf-8")
    (pkg / "a.py").write_text("from demo import b\n", encoding="utf-8")
    (pkg / "b.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .c import Thing\n", encoding="utf-8"
    )
    (pkg / "c.py").write_text("def later() -> None:\n    import demo.a\n", encoding="utf-8")
    (pkg / "d.py").write_text("from demo.a import x\n", encoding="utf-8")
    graph = import_graph(tmp_path, ["demo"])
    assert graph["demo.b"] == {"demo.c"}
    assert cycles(graph) == [["demo.a", "demo.b", "demo.c"]]
    # Break one link and the circle is gone.
    (pkg / "c.py").write_text("", encoding="utf-8")
    assert cycles(import_graph(tmp_path, ["demo"])) == []
