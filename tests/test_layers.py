"""The folders are layers and imports point down: a newcomer can read the package as a map.

Every `import` of an incidentlog module, at module level or inside a function, counts: a
lazy import is still a dependency.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "incidentlog"

# Lower numbers sit lower. A folder may import its own modules and any lower folder.
LAYERS = {
    "core": 0,
    "storage": 1,
    "records": 2,
    "reports": 2,
    "transfer": 3,
    "demo": 4,
    "views": 5,
    "cli": 6,
}


def _folder(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) >= 2 and parts[0] == "incidentlog" else None


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.startswith("incidentlog"):
                found.append((node.lineno, node.module))
        elif isinstance(node, ast.Import):
            found.extend(
                (node.lineno, a.name) for a in node.names if a.name.startswith("incidentlog")
            )
    return found


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts)


def test_every_module_lives_in_a_folder_that_has_a_layer() -> None:
    loose = [p.name for p in PACKAGE.glob("*.py") if p.name not in {"__init__.py", "__main__.py"}]
    assert loose == []
    folders = {p.name for p in PACKAGE.iterdir() if p.is_dir() and p.name != "__pycache__"}
    assert folders <= set(LAYERS)


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_point_down(path: Path) -> None:
    here = path.relative_to(PACKAGE).parts
    if len(here) < 2:
        return
    mine = LAYERS[here[0]]
    upward = [
        f"line {line}: {module}"
        for line, module in _imports(path)
        if (folder := _folder(module)) is not None
        and folder != here[0]
        and LAYERS.get(folder, 99) >= mine
    ]
    assert upward == [], f"{path.relative_to(PACKAGE)} imports from its own level or above"


def test_no_module_is_over_500_lines() -> None:
    long = {
        str(p.relative_to(PACKAGE)): n
        for p in PACKAGE.rglob("*.py")
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > 500
    }
    assert long == {}


def test_no_import_cycle() -> None:
    """Module to module, lazy imports included: no module reaches itself again."""
    graph: dict[str, set[str]] = {}
    for path in _modules():
        rel = path.relative_to(PACKAGE.parent).with_suffix("")
        name = ".".join(rel.parts).removesuffix(".__init__")
        graph[name] = set()
        tree = ast.parse(path.read_text(encoding="utf-8"))
        # Imports only the type checker runs make no cycle when the program runs.
        typing_only = {
            id(n)
            for block in ast.walk(tree)
            if isinstance(block, ast.If) and ast.unparse(block.test).endswith("TYPE_CHECKING")
            for n in ast.walk(block)
        }
        for node in ast.walk(tree):
            if id(node) in typing_only:
                continue
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("incidentlog"):
                assert node.module is not None
                graph[name].add(node.module)
                graph[name].update(f"{node.module}.{a.name}" for a in node.names)
            elif isinstance(node, ast.Import):
                graph[name].update(a.name for a in node.names)
    # `from incidentlog.x import y` may name module x.y or a name inside x
    edges = {
        name: {m for m in targets if m in graph and m != name} for name, targets in graph.items()
    }
    cycles: list[list[str]] = []
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(edges[node]):
            if state.get(nxt) == 1:
                cycles.append([*trail[trail.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt, [*trail, nxt])
        state[node] = 2

    for node in sorted(edges):
        if node not in state:
            visit(node, [node])
    assert cycles == [], "\n".join(" → ".join(c) for c in cycles)
