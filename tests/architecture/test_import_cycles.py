"""No import cycles inside a plugin: a reader can follow a module's imports down, never back up.

Every `import` counts, those inside functions too (a cycle hidden in a function is still a cycle:
target.py and ops/config.py once imported each other that way); only imports under
`if TYPE_CHECKING:` are left out, since they never run.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = {
    "tap_intercom": ROOT / "tap-intercom" / "tap_intercom",
    "target_supabase": ROOT / "target-supabase" / "target_supabase",
    "intercom_webhooks": ROOT / "webhooks" / "intercom_webhooks",
}


def module_name(package: str, root: Path, path: Path) -> str:
    parts = [package, *path.relative_to(root).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imported_names(tree: ast.AST, module: str, is_package: bool) -> set[str]:
    """Every module name `tree` imports at run time (relative imports resolved)."""
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = module.split(".")
                anchor = anchor[: len(anchor) - node.level + (1 if is_package else 0)]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def import_graph(package: str, root: Path) -> dict[str, set[str]]:
    modules = {module_name(package, root, path): path for path in root.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(), str(path))
        names = imported_names(tree, name, path.name == "__init__.py")
        graph[name] = {found for found in names if found in modules and found != name}
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle, as the modules along it, or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def walk(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for following in sorted(graph[node]):
            if state.get(following) == 1:
                return [*path[path.index(following) :], following]
            if following not in state and (cycle := walk(following)):
                return cycle
        state[node] = 2
        path.pop()
        return None

    for node in sorted(graph):
        if node not in state and (cycle := walk(node)):
            return cycle
    return None


@pytest.mark.parametrize("package", sorted(PACKAGES))
def test_no_import_cycles(package: str) -> None:
    cycle = find_cycle(import_graph(package, PACKAGES[package]))
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_the_walk_sees_a_cycle_hidden_in_a_function() -> None:
    """The checker itself: a lazy import back into a module is found."""
    first = ast.parse("def f():\n    from pkg.b import x\n")
    second = ast.parse(
        "from pkg import a\nfrom typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
        "    from pkg.c import y\n"
    )
    graph = {
        "pkg.a": imported_names(first, "pkg.a", False) & {"pkg.b"},
        "pkg.b": imported_names(second, "pkg.b", False) & {"pkg.a", "pkg.c"},
        "pkg.c": set(),
    }
    assert graph["pkg.b"] == {"pkg.a"}  # the TYPE_CHECKING import does not count
    assert find_cycle(graph) == ["pkg.a", "pkg.b", "pkg.a"]


def test_target_py_is_wiring_only() -> None:
    """target.py stays SDK wiring; a run's state and rules belong in run.py (LoadRun)."""
    target = PACKAGES["target_supabase"] / "target.py"
    assert len(target.read_text().splitlines()) < 150
    assert "self.owner" not in (PACKAGES["target_supabase"] / "sink.py").read_text()
