"""First start: an empty home with `STCE_LISTS_DIR` set, to the first answer, against the embedding floor.

    python -m bench.firststart                       # the lists in ../shared/sources (all official files there)
    python -m bench.firststart --only us-ccl,no-list-ii   # the two lists bench.ingest times
    python -m bench.firststart --home /tmp/stce-default   # keep the home (then: bench.scenarios --home ...)

What an officer waits for on a fresh install: the starter corpus, every list in the folder read, split,
embedded and switched live, then the anthrax scenario answered. The floor is the time the model alone needs
for the same passages, measured in the same run (as in bench.ingest).
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

from assistant.answer.ask import Assistant
from assistant.answer.render import citation_label
from assistant.core.settings import Settings
from assistant.storage.embeddings import MiniLMEmbeddings, load_model
from assistant.storage.index import LiveIndex
from bench.common import SOURCES
from ingest.fetch import chosen
from ingest.firststart import prepare
from ingest.starter import ensure_starter_corpus

QUESTION = "Courier parcel UN2814, invoice: Bacillus anthracis, isolated live culture, 2 cryovials"
FLOOR_SAMPLE = 600
"""Passages embedded to measure the model's rate: as in bench.ingest, enough for a steady figure in seconds."""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lists", type=Path, default=SOURCES, help="the lists folder (STCE_LISTS_DIR)")
    parser.add_argument("--only", default="", help="official list names to copy from it, comma-separated")
    parser.add_argument("--home", type=Path, help="an empty data directory to keep (default: a temporary one)")
    args = parser.parse_args()
    if args.home is not None and args.home.exists() and any(args.home.iterdir()):
        parser.error(f"{args.home} is not empty: a first start begins from an empty home")
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.lists
        if args.only:
            folder = Path(tmp) / "lists"
            for official in chosen(args.only.split(",")):
                (folder / official.path).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(args.lists / official.path, folder / official.path)
        settings = Settings(home=args.home or Path(tmp) / "home", lists_dir=folder)
        started = time.perf_counter()
        load_model()
        model_s = time.perf_counter() - started
        ensure_starter_corpus(settings)
        starter_s = time.perf_counter() - started - model_s
        results = prepare(settings)
        prepared_s = time.perf_counter() - started
        answer = Assistant(settings).ask(QUESTION)
        answered_s = time.perf_counter() - started
        texts = [p.text for p in LiveIndex(settings).view().snapshot.passages]
        sample = texts[:: max(1, len(texts) // FLOOR_SAMPLE)]
        clock = time.perf_counter()
        MiniLMEmbeddings(settings.embed_batch_size)(sample)
        rate = len(sample) / (time.perf_counter() - clock)
    for r in results:
        print(f"{Path(r.path).name}: {r.status}, {r.passages} passages, {r.seconds:.1f} s {r.error}")
    floor = len(texts) / rate
    print(f"model load {model_s:.1f} s, starter corpus {starter_s:.1f} s")
    print(f"first start to lists ready: {prepared_s:.1f} s; to the first answer: {answered_s:.1f} s")
    print(
        f"embedding floor: {floor:.1f} s ({len(texts)} passages at {rate:.1f} passages/s over {len(sample)}); "
        f"first start / floor = {answered_s / floor:.2f}"
    )
    cited = "; ".join(citation_label(c) for c in answer.citations if c.passage.entry.startswith("1C351"))
    print(f"anthrax: {answer.decision}, {answer.entries[:1]}, cited {cited or '-'}")


if __name__ == "__main__":
    main()
