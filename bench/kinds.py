"""Calibration of the kind rule's embedding cut-off on labelled pairs (bench/kinds.yaml).

    python -m bench.kinds [--home DIR]

For each pair (goods, a US CCL item, label other/same) it reads the item's subject in its heading's context from
the ingested list, as the answer does, and reports the consumer cue, whether the context names it, and the
similarity ("words" = steps 1-3 of the rule: a consumer cue, none of its class in the item's context, no stated
fact deciding); then precision and recall of "another kind" (the rule of assistant/decision/kinds.py) at each
cut-off. The cut-off in use (SAME_KIND_SIMILARITY) must keep precision at 1.0: a wrong clearance is the worst
answer.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import yaml

from assistant.core.types import ItemCriteria
from assistant.decision.evaluate import evaluate
from assistant.decision.kinds import SAME_KIND_SIMILARITY, in_context, similarity, words_say_another
from assistant.reading.facts import read_facts
from assistant.storage.index import LiveIndex
from assistant.storage.snapshot import Snapshot
from bench.common import ROOT, bench_home

PAIRS = ROOT / "bench" / "kinds.yaml"
LIST_LABEL = "US CCL"
CUT_OFFS = [round(0.20 + 0.05 * i, 2) for i in range(11)]


def _item(snapshot: Snapshot, code: str) -> tuple[ItemCriteria, dict[str, ItemCriteria]]:
    _, items = snapshot.entry(code, LIST_LABEL)
    by_code = {c.code: c for c in items}
    item = next((c for c in items if c.code.upper() == code.upper()), None)
    if item is None:
        raise SystemExit(f"{PAIRS}: item {code} is not in the ingested {LIST_LABEL}")
    return item, by_code


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, help="data directory holding both lists (ingested if missing)")
    args = parser.parse_args()
    pairs = yaml.safe_load(PAIRS.read_text(encoding="utf-8"))
    with bench_home(args.home) as settings:
        snapshot = LiveIndex(settings).view().snapshot
        rows = []
        for pair in pairs:
            item, by_code = _item(snapshot, pair["item"])
            facts = read_facts(pair["goods"])
            evaluation = evaluate(item, facts, judge_subject=False)
            fires = bool(words_say_another(facts, [in_context(item, by_code)], [evaluation]))
            rows.append((pair, fires, similarity(pair["goods"], in_context(item, by_code))))
    print(
        f"pairs: {len(rows)} ({sum(p['label'] == 'other' for p, _, _ in rows)} other, "
        f"{sum(p['label'] == 'same' for p, _, _ in rows)} same)"
    )
    for pair, fires, sim in rows:
        print(
            f"  {pair['label']:<5} cue={'yes' if fires else 'no ':<3} sim={sim:.3f} {pair['item']:<9} {pair['goods']}"
        )
    print("cut-off  precision(other)  recall(other)  same kept")
    for cut in CUT_OFFS:
        said = [(p["label"], fires and sim < cut) for p, fires, sim in rows]
        cleared = [label for label, other in said if other]
        right = cleared.count("other")
        others = sum(label == "other" for label, _ in said)
        precision = right / len(cleared) if cleared else 1.0
        kept = sum(label == "same" and not other for label, other in said)
        mark = "  <- in use" if abs(cut - SAME_KIND_SIMILARITY) < 1e-9 else ""
        print(
            f"  {cut:.2f}   {precision:.3f} ({right}/{len(cleared)})      {right / others:.3f}         "
            f"{kept}/{len(said) - others}{mark}"
        )


if __name__ == "__main__":
    main()
