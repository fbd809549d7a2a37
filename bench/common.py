"""What the benchmarks share: the real source documents and a data directory with both lists in it."""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from assistant.core.settings import Settings  # noqa: E402
from ingest.pipeline import FileResult, Ingester  # noqa: E402
from ingest.starter import ensure_starter_corpus  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT.parent / "shared" / "sources"
LISTS = [
    (SOURCES / "us-ccl" / "ccl_supp1.xml", "us-ccl", "US CCL"),
    (SOURCES / "no-export-control" / "list-ii-dual-use-goods.pdf", "no-list-ii", "NO List II"),
]


def ingest_lists(settings: Settings) -> list[FileResult]:
    """Both real lists, under fixed names, so repeated runs reuse what is already there."""
    ingester = Ingester(settings)
    return [ingester.ingest([path], name=name, list_label=label)[0] for path, name, label in LISTS]


@contextmanager
def bench_home(home: Path | None) -> Iterator[Settings]:
    """Settings over `home` (a temporary directory when None) holding both lists and the starter corpus."""
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(home=home or Path(tmp))
        ingest_lists(settings)
        ensure_starter_corpus(settings)
        yield settings


def median_seconds(fn: Callable[[], object], runs: int = 20) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)
