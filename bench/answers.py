"""Answer quality and latency over the development set, with both lists ingested.

    python -m bench.answers [--home DIR] [--show-misses] [--only q003,q093] [--set bench/heldout.yaml]

Reads bench/devset.yaml (questions with expected entries and decisions) and bench/checks.yaml (labelled
parameter checks) and reports: Recall@1, Recall@5 and MRR over distinct entries on controlled questions; the
decision accuracy per expected decision class; ordinary goods answered `no-match`; where not-controlled goods
fall per list; labelled check rows the answer gets right; latency p50/p95 next to one query embedding.
`--set bench/heldout.yaml` scores the held-out questions instead (no rule was tuned on them).
Only the answer's JSON (`Answer.to_json()`) is read, so the bench scores what every surface shows.
"""

from __future__ import annotations

import argparse
import statistics
from collections import defaultdict
from pathlib import Path
from typing import Any

import yaml

from assistant.answer.ask import Assistant
from assistant.answer.render import answer_json
from assistant.storage.embeddings import MiniLMEmbeddings
from bench.common import ROOT, bench_home, median_seconds

DEVSET = ROOT / "bench" / "devset.yaml"
CHECKS = ROOT / "bench" / "checks.yaml"
DECISIONS = ["likely-controlled", "needs-facts", "not-controlled-as-described", "no-match"]
OPEN = {"likely-controlled", "needs-facts"}
CLEARING = {"not-controlled-as-described", "no-match"}
NOT_STATED = {"not stated", "undetermined", "unknown", "missing", None}
TARGETS = {"r1": 0.90, "r5": 0.97, "ruled_out": 0.85, "ordinary": 0.95, "checks": 0.95, "latency": 10.0}


def entry_ids(answer: dict[str, Any]) -> list[str]:
    """Distinct 5-character entries of the answer, best first (entries may be ids or objects)."""
    ids: list[str] = []
    for item in answer.get("entries") or []:
        code = item if isinstance(item, str) else item.get("entry") or item.get("id") or ""
        if code[:5] and code[:5] not in ids:
            ids.append(code[:5])
    return ids


def rank_of(answer: dict[str, Any], gold: list[str]) -> int | None:
    """1-based rank of the first gold entry among the answer's distinct entries."""
    return next((i for i, entry in enumerate(entry_ids(answer), 1) if entry in gold), None)


def same_item(labelled: str, answered: str) -> bool:
    """Entry prefix match: same entry, and one sub-item path contains the other ("2B350" ~ "2B350.a.1")."""
    a, b = labelled.lower().rstrip("."), (answered or "").lower().rstrip(".")
    return a[:5] == b[:5] and (a.startswith(b) or b.startswith(a))


SAME_WORD = {"inside": "inner", "internal": "inner", "outside": "outer", "external": "outer"}
"""Words the lists and the labels use for the same thing ("inside diameter", "inner diameter")."""


def words(text: str) -> set[str]:
    """The words of a property name, singular and in one spelling: "all linear dimensions" ~ "dimension"."""
    found = text.lower().replace("-", " ").replace("_", " ").split()
    return {SAME_WORD.get(w, w.removesuffix("s") if len(w) > 3 and not w.endswith("ss") else w) for w in found}


ALIASES = {"inlet diameter": "input throat size", "enclosure": "fully enclosed workspace", "chamber volume": "capacity"}
"""Labels of bench/checks.yaml that the lists name otherwise (2B231's "input throat size", 2B352's
"exposure chambers having a capacity of 1 m3")."""


def same_property(labelled: str, answered: str | None) -> bool:
    """Property match: the labelled words all occur in the answer's parameter name, or the other way round
    (a label is also read as the list's own name for it, see ALIASES).

    >>> same_property("inlet diameter", "input throat size"), same_property("volume", "total internal volume")
    (True, True)
    >>> same_property("inside diameter", "inner diameter"), same_property("dimensions", "all linear dimension")
    (True, True)
    """
    b = words(answered or "")
    return any(bool(a and b) and (a <= b or b <= a) for a in (words(labelled), words(ALIASES.get(labelled, ""))))


def verdict_of(check: dict[str, Any]) -> str | None:
    verdict = check.get("verdict")
    return "not stated" if verdict in NOT_STATED else str(verdict).lower()


def letterings(row: dict[str, Any], case: dict[str, Any]) -> list[str]:
    """The row's sub-item and the other letterings its question declares for it (`gold_items` of the same
    entry and depth: US 2B352.h.2 is EU 2B352.g.2)."""
    entry, declared = row["entry"], case.get("gold_items", [])
    if entry not in declared:
        return [entry]
    return [entry] + [
        item for item in declared if item != entry and item[:5] == entry[:5] and item.count(".") == entry.count(".")
    ]


def check_right(row: dict[str, Any], answer: dict[str, Any], case: dict[str, Any] | None = None) -> bool:
    """A row is right when some check of the answer on that entry (in either list's lettering) and property
    has the labelled verdict."""
    items = letterings(row, case or {})
    return any(
        any(same_item(item, check.get("entry", "")) for item in items)
        and same_property(row["property"], check.get("parameter"))
        and verdict_of(check) == row["expected"]
        for check in answer.get("checks") or []
    )


def falls_right(expected: dict[str, str], answer: dict[str, Any]) -> bool:
    """Where the goods fall, per labelled list: the same entry or sub-item (prefix), EAR99 or "not listed"."""
    got = answer.get("falls_to") or {}
    return all(
        label in got and (got[label].lower() == want.lower() or same_item(want, got[label]))
        for label, want in expected.items()
    )


def false_clearances(cases: list[dict[str, Any]], answers: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Goods labelled controlled or needing facts that the answer cleared: the worst answer an officer can get."""
    return [case for case in cases if case["decision"] in OPEN and answers[case["id"]].get("decision") in CLEARING]


def share(right: int, total: int) -> str:
    return f"{right}/{total} = {right / total:.3f}" if total else "0/0 = n/a"


def mark(value: float, target: float, higher_is_better: bool = True) -> str:
    ok = value >= target if higher_is_better else value <= target
    return "ok" if ok else "below target" if higher_is_better else "above target"


def evaluate(assistant: Assistant, cases: list[dict[str, Any]], rows: list[dict[str, Any]], show_misses: bool) -> None:
    assistant.ask("warm-up: glass-lined reactor")
    answers: dict[str, dict[str, Any]] = {}
    latencies: list[float] = []
    for case in cases:
        answer = answer_json(assistant.ask(case["question"]))
        answers[case["id"]] = answer
        latencies.append(float(answer.get("took_ms", 0.0)))

    ranks = []
    for case in cases:
        if case["expect"] == "controlled":
            rank = rank_of(answers[case["id"]], case["gold"])
            ranks.append(rank)
            if show_misses and rank != 1:
                print(
                    f"  miss {case['id']} rank={rank} gold={case['gold']} got={entry_ids(answers[case['id']])[:5]}"
                    f" :: {case['question']}"
                )

    by_class: dict[str, list[bool]] = defaultdict(list)
    ordinary, falls = [], []
    for case in cases:
        answer = answers[case["id"]]
        got = answer.get("decision")
        right = got == case["decision"]
        by_class[case["decision"]].append(right)
        if case["kind"] == "ordinary":
            ordinary.append(right)
        if case.get("falls_to"):
            falls.append(falls_right(case["falls_to"], answer))
        if show_misses and not right:
            print(
                f"  wrong decision {case['id']} want={case['decision']} got={got} entries={entry_ids(answer)[:3]}"
                f" :: {case['question']}"
            )

    checks_right = []
    by_id = {case["id"]: case for case in cases}
    for row in rows:
        right = check_right(row, answers[row["id"]], by_id[row["id"]])
        checks_right.append(right)
        if show_misses and not right:
            got = [
                (c.get("entry"), c.get("parameter"), c.get("verdict"))
                for c in answers[row["id"]].get("checks") or []
                if (c.get("entry") or "")[:5] == row["entry"][:5]
            ]
            print(f"  wrong check {row['id']} {row['entry']} {row['property']} want={row['expected']} got={got[:4]}")

    embed_ms = 1000 * median_seconds(lambda: MiniLMEmbeddings()(["glass-lined reactor 3000 L"]))
    n = len(ranks) or 1
    r1 = sum(r == 1 for r in ranks) / n
    r5 = sum(r is not None and r <= 5 for r in ranks) / n
    latencies.sort()
    p50, p95 = statistics.median(latencies), latencies[int(0.95 * (len(latencies) - 1))]
    ruled_out = by_class["not-controlled-as-described"]
    print(f"questions: {len(cases)}; check rows: {len(rows)}")
    print(f"Recall@1 {r1:.3f} on {len(ranks)} controlled (target >= {TARGETS['r1']:.2f}: {mark(r1, TARGETS['r1'])})")
    print(f"Recall@5 {r5:.3f} (target >= {TARGETS['r5']:.2f}: {mark(r5, TARGETS['r5'])})")
    print(f"MRR      {sum(1 / r for r in ranks if r) / n:.3f}")
    print("decision accuracy per expected decision:")
    for decision in DECISIONS:
        results = by_class[decision]
        print(f"  {decision:<28} {share(sum(results), len(results))}")
    print(f"  {'all':<28} {share(sum(sum(v) for v in by_class.values()), len(cases))}")
    value = sum(ruled_out) / len(ruled_out) if ruled_out else 0.0
    print(
        f"below-threshold and look-alike goods decided right: {share(sum(ruled_out), len(ruled_out))}"
        f" (target >= {TARGETS['ruled_out']:.2f}: {mark(value, TARGETS['ruled_out'])})"
    )
    value = sum(ordinary) / len(ordinary) if ordinary else 0.0
    print(
        f"ordinary goods given no-match: {share(sum(ordinary), len(ordinary))}"
        f" (target >= {TARGETS['ordinary']:.2f}: {mark(value, TARGETS['ordinary'])})"
    )
    print(f"falls_to right where labelled: {share(sum(falls), len(falls))}")
    cleared = false_clearances(cases, answers)
    print(
        f"FALSE CLEARANCES (controlled goods answered not controlled or no match): {len(cleared)}"
        f" of {sum(case['decision'] in OPEN for case in cases)} (target 0)"
        + "".join(
            f"\n  cleared {case['id']} got={answers[case['id']].get('decision')} :: {case['question']}"
            for case in cleared
        )
    )
    value = sum(checks_right) / len(checks_right) if checks_right else 0.0
    print(
        f"check rows right: {share(sum(checks_right), len(checks_right))}"
        f" (target >= {TARGETS['checks']:.2f}: {mark(value, TARGETS['checks'])})"
    )
    print(
        f"latency p50 {p50:.1f} ms, p95 {p95:.1f} ms; one query embedding {embed_ms:.1f} ms; "
        f"p50 = {p50 / embed_ms:.1f}x embedding (target <= {TARGETS['latency']:.0f}x: "
        f"{mark(p50 / embed_ms, TARGETS['latency'], higher_is_better=False)})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, help="data directory to reuse (both lists are ingested if missing)")
    parser.add_argument("--show-misses", action="store_true", help="list every miss, wrong decision and check row")
    parser.add_argument("--set", type=Path, default=DEVSET, help="questions file (default: bench/devset.yaml)")
    parser.add_argument("--only", help="comma-separated question ids: a quick look at a few questions while working")
    args = parser.parse_args()
    cases = yaml.safe_load(args.set.read_text(encoding="utf-8"))
    ids = {case["id"] for case in cases}
    rows = [row for row in yaml.safe_load(CHECKS.read_text(encoding="utf-8")) if row["id"] in ids]
    if args.only:
        keep = set(args.only.split(","))
        cases = [case for case in cases if case["id"] in keep]
        rows = [row for row in rows if row["id"] in keep]
    with bench_home(args.home) as settings:
        evaluate(Assistant(settings), cases, rows, args.show_misses)


if __name__ == "__main__":
    main()
