"""Answer quality and latency over the development set (bench/devset.yaml), with both lists ingested.

    python -m bench.answers [--home DIR] [--show-misses]

Recall@1, Recall@5 and MRR over distinct entries; the share of below-threshold and not-controlled
questions called right; latency p50/p95 per question next to one query embedding.
Targets: Recall@1 >= 0.85, Recall@5 >= 0.95, p50 under 10x one query embedding.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
from pathlib import Path
from typing import Any

import yaml

from bench.common import ROOT, ingest_lists, median_seconds
from assistant.ask import Assistant
from assistant.embeddings import MiniLMEmbeddings
from assistant.settings import Settings
from assistant.types import Answer
from ingest.starter import ensure_starter_corpus

DEVSET = ROOT / "bench" / "devset.yaml"


def rank_of(answer: Answer, gold: list[str]) -> int | None:
    """1-based rank of the first gold entry among the answer's distinct entries."""
    return next((i for i, entry in enumerate(answer.entries, 1) if entry in gold), None)


def called_right(answer: Answer, case: dict[str, Any]) -> bool:
    """Below threshold: the gold entry is shown as not met. Not controlled: nothing is shown as met."""
    by_entry = {c.entry: c for c in answer.candidates}
    if case["expect"] == "below-threshold":
        return any(by_entry.get(g) is not None and by_entry[g].verdict == "not met" for g in case["gold"])
    if case["gold"]:
        return rank_of(answer, case["gold"]) is not None
    return all(c.verdict == "not met" for c in answer.candidates)


def evaluate(assistant: Assistant, cases: list[dict[str, Any]], show_misses: bool) -> None:
    assistant.ask("warm-up: glass-lined reactor")
    ranks, latencies, calls = [], [], []
    for case in cases:
        answer = assistant.ask(case["question"])
        latencies.append(answer.took_ms)
        if case["expect"] == "controlled":
            rank = rank_of(answer, case["gold"])
            ranks.append(rank)
            if show_misses and rank != 1:
                print(f"  miss {case['id']} rank={rank} gold={case['gold']} got={answer.entries} :: {case['question']}")
        else:
            calls.append(called_right(answer, case))
            if show_misses and not calls[-1]:
                print(f"  wrong call {case['id']} ({case['expect']}) gold={case['gold']} got="
                      f"{[(c.entry, c.verdict) for c in answer.candidates]} :: {case['question']}")
    embed_ms = 1000 * median_seconds(lambda: MiniLMEmbeddings()(["glass-lined reactor 3000 L"]))
    n = len(ranks)
    latencies.sort()
    p50, p95 = statistics.median(latencies), latencies[int(0.95 * (len(latencies) - 1))]
    print(f"questions: {len(cases)} ({n} controlled, {len(calls)} below-threshold or not controlled)")
    print(f"Recall@1 {sum(r == 1 for r in ranks) / n:.3f} (target >= 0.85)")
    print(f"Recall@5 {sum(r is not None and r <= 5 for r in ranks) / n:.3f} (target >= 0.95)")
    print(f"MRR      {sum(1 / r for r in ranks if r) / n:.3f}")
    print(f"below-threshold / not-controlled called right: {sum(calls)}/{len(calls)} = {sum(calls) / len(calls):.3f}")
    print(f"latency p50 {p50:.1f} ms, p95 {p95:.1f} ms; one query embedding {embed_ms:.1f} ms; "
          f"p50 = {p50 / embed_ms:.1f}x embedding (target < 10x)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, help="data directory to reuse (both lists are ingested if missing)")
    parser.add_argument("--show-misses", action="store_true")
    args = parser.parse_args()
    cases = yaml.safe_load(DEVSET.read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(home=args.home or Path(tmp))
        ingest_lists(settings)
        ensure_starter_corpus(settings)
        evaluate(Assistant(settings), cases, args.show_misses)


if __name__ == "__main__":
    main()
