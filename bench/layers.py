"""The package import graph on one screen: which layer imports which (import lines counted), and whether any
package imports upward or modules import each other in a circle.

    python -m bench.layers

The layer order is the one the import contract in pyproject.toml checks (`lint-imports`); this prints the
picture that contract keeps, and the module circles inside a package, which no contract forbids. grimp (the
library import-linter is built on) reads the imports; nothing is imported or run.
"""

from __future__ import annotations

import sys
import tomllib
from collections import Counter
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[1]
OUTSIDE = ("ui", "ingest")
"""Top-level packages beside assistant's layers: ui may stand on all of them, ingest on those below search."""


def layers() -> list[list[str]]:
    """assistant's layers from the contract in pyproject.toml, top first; `a | b` is one floor."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contract = next(c for c in config["tool"]["importlinter"]["contracts"] if c["type"] == "layers")
    return [[name.strip() for name in floor.split("|")] for floor in contract["layers"]]


def package(module: str, packages: list[str]) -> str:
    """The layer package (or top-level package) a module belongs to."""
    return next((p for p in packages if module == p or module.startswith(p + ".")), module.split(".")[0])


def circles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Groups of modules that import each other in a circle (Tarjan's strongly connected components)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        for other in graph.find_modules_directly_imported_by(module):
            if other not in index:
                visit(other)
                low[module] = min(low[module], low[other])
            elif other in stack:
                low[module] = min(low[module], index[other])
        if low[module] == index[module]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    sys.setrecursionlimit(10_000)
    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return found


def main() -> int:
    graph = grimp.build_graph("assistant", "ingest", "ui", include_external_packages=False)
    floors = layers()
    height = {name: len(floors) - i for i, floor in enumerate(floors) for name in floor}
    packages = [name for floor in floors for name in floor]
    edges: Counter[tuple[str, str]] = Counter()
    for module in graph.modules:
        for other in graph.find_modules_directly_imported_by(module):
            a, b = package(module, packages), package(other, packages)
            if a != b:
                edges[(a, b)] += len(graph.get_import_details(importer=module, imported=other)) or 1
    upward = [(a, b) for a, b in edges if a in height and b in height and height[b] >= height[a]]
    upward += [(a, b) for a, b in edges if a in height and b in OUTSIDE]
    upward += [(a, b) for a, b in edges if a == "ingest" and b in height and height[b] > height["assistant.storage"]]
    print(f"{len(graph.modules)} modules; import lines between packages (importer -> imported):")
    for name in [*OUTSIDE, *packages]:
        out = sorted(((b, n) for (a, b), n in edges.items() if a == name), key=lambda x: -height.get(x[0], 99))
        print(f"  {name:<20} -> " + (", ".join(f"{b.removeprefix('assistant.')} {n}" for b, n in out) or "nothing"))
    loops = circles(graph)
    if upward:
        print("upward imports: " + "; ".join(f"{a} -> {b}" for a, b in sorted(upward)))
    for group in loops:
        print("circle: " + " <-> ".join(group))
    if not upward and not loops:
        print("no upward import, no circle")
    return 1 if upward or loops else 0


if __name__ == "__main__":
    raise SystemExit(main())
