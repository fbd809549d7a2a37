"""The trainer scenarios answered over the starter corpus alone, in a fresh data directory.

    python -m bench.scenarios [--show-misses]

Each scenario is asked as an officer would: the goods as seen (manifest line, invoice text, nameplate)
and the question. The share of scenarios with an expected entry among the first five candidates
(target: at least 80%),
and the share of not-controlled scenarios where no candidate is shown with its thresholds met.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import yaml

from assistant.answer.ask import Assistant
from assistant.core.codes import top_level
from assistant.core.settings import Settings
from bench.common import ROOT
from ingest.starter import ensure_starter_corpus


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show-misses", action="store_true")
    args = parser.parse_args()
    scenarios = yaml.safe_load((ROOT / "corpus" / "scenarios.yaml").read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as home:
        settings = Settings(home=Path(home), audit_log=False)
        ensure_starter_corpus(settings)
        assistant = Assistant(settings)
        hits, quiet = [], []
        for s in scenarios:
            answer = assistant.ask(f"{s['goods']}\n{s['question']}")
            expected = {top_level(code) for code in s["expected"]}
            if expected:
                hits.append(bool(expected & set(answer.entries[:5])))
                if args.show_misses and not hits[-1]:
                    print(f"  miss {s['id']}: expected {sorted(expected)}, got {answer.entries} :: {s['question']}")
            else:
                quiet.append(answer.decision in ("not-controlled-as-described", "no-match"))
    print(f"scenarios: {len(scenarios)} ({len(hits)} with expected entries, {len(quiet)} not controlled)")
    print(f"expected entry in the first 5: {sum(hits)}/{len(hits)} = {sum(hits) / len(hits):.3f} (target >= 0.80)")
    print(
        f"not controlled, decided not controlled or no match: {sum(quiet)}/{len(quiet)} = {sum(quiet) / len(quiet):.3f}"
    )


if __name__ == "__main__":
    main()
