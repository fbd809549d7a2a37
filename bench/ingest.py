"""Ingest speed: cold ingest of the CCL XML and the Norwegian List II PDF against the embedding floor.

    python -m bench.ingest

The floor is the time the model alone needs for the same passages, measured in the same run; the
target is a cold ingest within 1.3x the floor and an unchanged re-ingest under 5 s.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from assistant.core.settings import Settings
from assistant.storage.embeddings import MiniLMEmbeddings, load_model
from assistant.storage.index import LiveIndex
from bench.common import ingest_lists


def main() -> None:
    with tempfile.TemporaryDirectory() as home:
        settings = Settings(home=Path(home))
        load_model()
        started = time.perf_counter()
        cold = ingest_lists(settings)
        cold_s = time.perf_counter() - started
        started = time.perf_counter()
        again = ingest_lists(settings)
        unchanged_s = time.perf_counter() - started
        texts = [p.text for p in LiveIndex(settings).view().snapshot.passages]
        sample = texts[:: max(1, len(texts) // 600)]
        started = time.perf_counter()
        MiniLMEmbeddings(settings.embed_batch_size)(sample)
        rate = len(sample) / (time.perf_counter() - started)
    passages = sum(r.passages for r in cold)
    floor = passages / rate
    for r in cold:
        print(
            f"{Path(r.path).name}: {r.status}, {r.passages} passages, {r.entries} entries, {r.seconds:.1f} s {r.error}"
        )
    print(f"cold ingest: {passages} passages, {sum(r.entries for r in cold)} entries, {cold_s:.1f} s")
    print(
        f"embedding floor: {floor:.1f} s ({rate:.1f} passages/s over {len(sample)} passages); "
        f"cold / floor = {cold_s / floor:.2f} (target <= 1.3)"
    )
    print(f"unchanged re-ingest: {unchanged_s:.2f} s ({', '.join(r.status for r in again)}) (target < 5 s)")


if __name__ == "__main__":
    main()
