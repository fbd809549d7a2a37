"""Answer quality per language over the multilingual set, with both lists ingested.

    python -m bench.languages [--home DIR] [--show-misses]

Reads bench/multilingual.yaml and reports per language: Recall@1 and Recall@5 over distinct entries of all
ingested lists on controlled questions; of the misses, how many were "not understood" and how many were
wrong answers; everyday goods given an entry that applies; unreadable questions said to be not understood;
and the counts that must stay 0: questions not understood whose answer reads "no entry matches", and
controlled goods the answer cleared (false clearances, on their own line per language).
Only the answer's JSON is read, so the bench scores what every surface shows.
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from pathlib import Path
from typing import Any

import yaml

from assistant.answer.ask import Assistant
from assistant.answer.render import answer_json
from assistant.text.messages import MESSAGES
from bench.answers import CLEARING, entry_ids, rank_of
from bench.common import ROOT, bench_home

CASES = ROOT / "bench" / "multilingual.yaml"
TARGETS = {"fr": (0.80, 0.90), "es": (0.0, 0.80), "ru": (0.0, 0.80), "ar": (0.0, 0.80)}
_NO_MATCH = tuple(table["no_match"] for table in MESSAGES.values())


def _reads_as_no_match(answer: dict[str, Any]) -> bool:
    return any(sentence in (answer.get("decision_line") or "") for sentence in _NO_MATCH)


def evaluate(assistant: Assistant, cases: list[dict[str, Any]], show_misses: bool) -> None:
    assistant.ask("warm-up: glass-lined reactor", llm=False)
    by_language: dict[str, list[tuple[dict[str, Any], dict[str, Any]]]] = defaultdict(list)
    for case in cases:
        by_language[case["language"]].append((case, answer_json(assistant.ask(case["question"], llm=False))))

    print(f"questions: {len(cases)}")
    print(
        f"{'lang':<5}{'n':>4}{'R@1':>8}{'R@5':>8}{'not underst.':>14}{'wrong':>7}{'ordinary ok':>13}"
        f"{'unreadable ok':>15}{'no-match if not underst.':>26}  target"
    )
    for language, pairs in by_language.items():
        controlled = [(c, a) for c, a in pairs if c["expect"] == "controlled"]
        ranks = [rank_of(a, c["gold"]) for c, a in controlled]
        n = len(ranks)
        r1 = sum(r == 1 for r in ranks) / n if n else 0.0
        r5 = sum(r is not None and r <= 5 for r in ranks) / n if n else 0.0
        not_understood = sum(not a["understood"] for _, a in controlled)
        wrong = sum(a["understood"] and (r is None or r > 5) for (_, a), r in zip(controlled, ranks, strict=True))
        ordinary = [a["decision"] != "likely-controlled" for c, a in pairs if c["expect"] == "ordinary"]
        unreadable = [not a["understood"] for c, a in pairs if c["expect"] == "unreadable"]
        no_match = sum(not a["understood"] and _reads_as_no_match(a) for _, a in pairs)
        want = TARGETS.get(language)
        target = ""
        if want:
            ok = r1 >= want[0] and r5 >= want[1] and no_match == 0
            target = f"R@1>={want[0]:.2f} R@5>={want[1]:.2f}: {'ok' if ok else 'below target'}"
        print(
            f"{language:<5}{n:>4}{r1:>8.3f}{r5:>8.3f}{not_understood:>14}{wrong:>7}"
            f"{sum(ordinary):>8}/{len(ordinary):<4}{sum(unreadable):>10}/{len(unreadable):<4}{no_match:>26}  {target}"
        )
        cleared = [c["id"] for c, a in controlled if a["decision"] in CLEARING]
        print(f"     FALSE CLEARANCES (controlled answered not controlled or no match): {len(cleared)} {cleared}")
        if show_misses:
            for (case, answer), rank in zip(controlled, ranks, strict=True):
                if rank != 1:
                    how = "not understood" if not answer["understood"] else f"rank={rank}"
                    print(
                        f"    miss {case['id']} {how} gold={case['gold']} got={entry_ids(answer)[:5]}"
                        f" read={answer['query']!r} :: {case['question']}"
                    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, help="data directory to reuse (both lists are ingested if missing)")
    parser.add_argument("--show-misses", action="store_true", help="list every question not ranked first")
    args = parser.parse_args()
    cases = yaml.safe_load(CASES.read_text(encoding="utf-8"))
    with bench_home(args.home) as settings:
        evaluate(Assistant(settings), cases, args.show_misses)


if __name__ == "__main__":
    main()
