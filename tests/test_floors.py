"""The house's floors (issue #8): imports run one way, liaison at the bottom, then petitions,
then points, then the demo, and no module imports another that imports it back, counting
imports inside functions too."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# The stations' own work (issue #11): three apps side by side on one floor, between
# petitions and points, none importing another.
STATION_WORK = {"mediation", "keyissues", "study"}
# Measured results (issue #14) sit on points and under the demo.
APPS = [
    "liaison",
    "petitions",
    *sorted(STATION_WORK),
    "points",
    "measures",
    "demo",
    "zhashui_rd",
]
# What each floor may not import: every floor above it.
ABOVE = {
    "liaison": {"petitions", *STATION_WORK, "points", "measures", "demo"},
    "petitions": {*STATION_WORK, "points", "measures", "demo"},
    **{app: (STATION_WORK - {app}) | {"points", "measures", "demo"} for app in STATION_WORK},
    "points": {"measures", "demo"},
    "measures": {"demo"},
}


def _modules():
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            yield ".".join(parts), path


def _imports(name: str, path: Path) -> set[str]:
    """The project's modules ``path`` imports, anywhere in the file."""
    found = set()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return {m for m in found if m.split(".")[0] in APPS}


MODULES = dict(_modules())
GRAPH = {
    name: {m for m in _imports(name, path) if m in MODULES and m != name}
    for name, path in MODULES.items()
}


@pytest.mark.parametrize("floor", sorted(ABOVE))
def test_a_floor_imports_nothing_above_it(floor):
    wrong = sorted(
        f"{name} imports {imported}"
        for name, imports in GRAPH.items()
        if name.split(".")[0] == floor
        for imported in imports
        if imported.split(".")[0] in ABOVE[floor]
    )
    assert wrong == []


def test_no_module_imports_another_that_imports_it_back():
    # A package's __init__ that only hands names on is part of its modules, not a cycle.
    graph = {
        name: {m for m in imports if not name.startswith(m + ".")}
        for name, imports in GRAPH.items()
    }
    state, cycles = {}, []

    def visit(node, trail):
        state[node] = "open"
        for nxt in sorted(graph[node]):
            if state.get(nxt) == "open":
                cycles.append(" -> ".join([*trail[trail.index(nxt) :], nxt]))
            elif nxt not in state:
                visit(nxt, [*trail, nxt])
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    assert cycles == []


def test_no_module_of_the_floors_is_longer_than_600_lines():
    long = {
        name: n
        for name, path in MODULES.items()
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > 600
    }
    assert long == {}
