"""Coverage of criteria trees: the share of items with at least one checkable leaf, per list.

    python -m bench.criteria [--home DIR | --parse]

Both real lists are ingested into DIR (a temporary directory by default; an existing DIR is reused),
and the trees stored with the live snapshot are counted. `--parse` reads the lists and builds their trees
as ingest does, without embedding or storing anything (seconds instead of minutes, for work on the parser).
A checkable leaf is a threshold, material, chemical or count: something the goods' facts can meet or fail.
"""

from __future__ import annotations

import argparse
import tempfile
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

from assistant.core.settings import Settings
from assistant.core.types import ItemCriteria, Leaf, Node
from assistant.storage.index import LiveIndex
from bench.common import LISTS, ingest_lists
from ingest.criteria import criteria_of
from ingest.load import read_bytes

CHECKABLE = ("threshold", "material", "chemical", "count")
WITH_FEATURES = (*CHECKABLE, "feature")
"""Counted apart: a feature (a quality stated in words) is checkable once evaluation reads it."""


def checkable(tree: Node | Leaf | None, kinds: tuple[str, ...] = CHECKABLE) -> bool:
    """Whether a tree holds a leaf that facts can decide."""
    if tree is None:
        return False
    if isinstance(tree, Leaf):
        return tree.kind in kinds
    return any(checkable(child, kinds) for child in tree.children)


def coverage(items: Iterable[ItemCriteria], kinds: tuple[str, ...] = CHECKABLE) -> dict[str, tuple[int, int]]:
    """Per list label: (items with a checkable leaf, all items)."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for item in items:
        counts[item.list_label][0] += checkable(item.tree, kinds)
        counts[item.list_label][1] += 1
    return {label: (done, total) for label, (done, total) in sorted(counts.items())}


def parsed() -> list[ItemCriteria]:
    """Both lists' trees, read and built as ingest builds them, without an index."""
    items: list[ItemCriteria] = []
    for path, name, label in LISTS:
        loaded = read_bytes(path.read_bytes(), path)
        items += [c for entry in loaded.entries for c in criteria_of(entry, name, label, "parsed")]
    return items


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, help="data directory to ingest into (default: a temporary one)")
    parser.add_argument("--parse", action="store_true", help="build the trees from the lists without ingesting")
    args = parser.parse_args()
    if args.parse:
        report(parsed())
        return
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(home=args.home or Path(tmp))
        for result in ingest_lists(settings):
            print(f"{Path(result.path).name}: {result.status} {result.error}")
        report(LiveIndex(settings).view().snapshot.all_criteria)


def report(items: list[ItemCriteria]) -> None:
    featured = coverage(items, WITH_FEATURES)
    for label, (done, total) in coverage(items).items():
        more = featured[label][0]
        print(
            f"{label}: {done}/{total} items with a checkable leaf ({done / total:.1%}); "
            f"counting features: {more}/{total} ({more / total:.1%})"
        )


if __name__ == "__main__":
    main()
