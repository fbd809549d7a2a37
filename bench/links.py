"""Precision of the links between lists (same code, same item), on links judged by hand in bench/links.yaml.

    python -m bench.links --home DIR      # the real lists ingested into DIR (reused when there), live links
    python -m bench.links --parse-only    # the same lists read and linked without an index (minutes, no vectors)

Prints, per kind of link, how many labelled links were made and how many of those are right (precision),
and the labelled right links that were not made (missed). Links between language versions are exact by
construction (same regulation, same code set) and are counted, not labelled.
"""

from __future__ import annotations

import argparse
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

import yaml

from assistant.core.settings import Settings
from assistant.core.types import ItemLink, SourceDocument
from assistant.storage.index import LiveIndex
from bench.common import LISTS, ROOT, SOURCES, ingest_lists
from ingest.criteria import criteria_of
from ingest.links import link_lists
from ingest.load import read_bytes
from ingest.pipeline import Ingester

NSG = [
    (SOURCES / "ca-nuclear" / "SOR-2000-210.xml", "ca-nsg", "CA NSG"),
    (SOURCES / "ca-nuclear" / "DORS-2000-210.xml", "ca-nsg-fr", "CA NSG (fr)"),
]
LABELS = ROOT / "bench" / "links.yaml"


def _split(named: str) -> tuple[str, str]:
    label, _, code = named.rpartition(" ")
    return label, code


def live_links(home: Path) -> list[ItemLink]:
    settings = Settings(home=home)
    ingest_lists(settings)
    with Ingester(settings) as ingester:
        for path, name, label in NSG:
            ingester.ingest([path], name=name, list_label=label)
    return LiveIndex(settings).view().snapshot.all_links


def parsed_links() -> list[ItemLink]:
    """The lists read by the same readers and linked by the same code as an ingest, without vectors."""
    sources, criteria, titles = [], [], {}
    for path, name, label in [*LISTS, *NSG]:
        loaded = read_bytes(path.read_bytes(), path)
        sources.append(
            SourceDocument(name, label, loaded.kind, "", "", 0, 0, "", name, path.name, loaded.language, loaded.work)
        )
        for entry in loaded.entries:
            titles[(name, entry.code)] = entry.title
            criteria += criteria_of(entry, name, label, name)
    return link_lists(sources, criteria, titles).links


def report(links: list[ItemLink]) -> None:
    made: dict[frozenset[tuple[str, str]], ItemLink] = {}
    for link in links:
        made[frozenset({(link.list_label, link.code.upper()), (link.other_list, link.other_code.upper())})] = link
    labelled = yaml.safe_load(LABELS.read_text(encoding="utf-8"))
    right: Counter[str] = Counter()
    judged: Counter[str] = Counter()
    missed: list[str] = []
    wrong: list[str] = []
    for row in labelled:
        a, b = _split(row["a"]), _split(row["b"])
        key = frozenset({(a[0], a[1].upper()), (b[0], b[1].upper())})
        link = made.get(key)
        if link is None:
            if row["same"]:
                missed.append(f"{row['a']} = {row['b']}")
            continue
        judged[link.kind] += 1
        if row["same"]:
            right[link.kind] += 1
        else:
            wrong.append(f"{row['a']} = {row['b']} ({link.confidence:.2f}: {link.reason})")
    counts = Counter(link.kind for link in links)
    print(f"links made: {dict(counts)}; labelled: {len(labelled)} ({LABELS.relative_to(ROOT)})")
    for kind in sorted(judged):
        print(f"{kind}: precision {right[kind]}/{judged[kind]} = {right[kind] / judged[kind]:.1%}")
    total = sum(judged.values())
    if total:
        print(f"all labelled links made: precision {sum(right.values())}/{total} = {sum(right.values()) / total:.1%}")
    by_confidence: dict[bool, list[int]] = defaultdict(lambda: [0, 0])
    for row in labelled:
        link = made.get(
            frozenset(
                {(_split(row["a"])[0], _split(row["a"])[1].upper()), (_split(row["b"])[0], _split(row["b"])[1].upper())}
            )
        )
        if link is not None:
            by_confidence[link.confidence >= 0.8][0] += row["same"]
            by_confidence[link.confidence >= 0.8][1] += 1
    for high, (ok, n) in sorted(by_confidence.items()):
        print(f"confidence {'>= 0.8' if high else '< 0.8'}: {ok}/{n} right")
    print(f"labelled right but not made ({len(missed)}): {', '.join(missed) or 'none'}")
    for line in wrong:
        print(f"wrong: {line}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--home", type=Path, help="Data directory to ingest the lists into (reused when there).")
    parser.add_argument("--parse-only", action="store_true", help="Read and link the lists without an index.")
    args = parser.parse_args()
    if args.parse_only:
        report(parsed_links())
        return
    with tempfile.TemporaryDirectory() as tmp:
        report(live_links(args.home or Path(tmp) / "home"))


if __name__ == "__main__":
    main()
