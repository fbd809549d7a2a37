"""Ready on first start: when the index holds no control list, ingest the official lists from a folder.

The folder is `STCE_LISTS_DIR` (in a checkout beside `../shared/sources`, that folder), else the files
`stce lists fetch` kept. The official files go first, in the order of `ingest.fetch.OFFICIAL` (the broad
dual-use lists before the others), then any other XML or PDF there, each as a control list. Progress
(phase, file n/N, time left) goes to a callback and to `STCE_HOME/preparing.json`, which every reader
reads to say which lists are not searched yet. One preparer at a time (`prepare.lock`); a preparation
that was killed is taken up again at the next start.

`python -m ingest.firststart` runs it as its own process: the UI starts it so that PDF pages are read
by forked workers (only a single-threaded process may fork them) and so that it outlives page reloads;
with `--parent` it ends with the UI server.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from filelock import FileLock, Timeout

from assistant.core.private import private_dir
from assistant.core.settings import Settings
from assistant.core.types import Progress
from assistant.storage import preparing
from assistant.storage.preparing import Preparation
from assistant.storage.registry import Registry
from ingest.fetch import OFFICIAL, OfficialList, fetched_record
from ingest.pdf import die_with_parent
from ingest.pipeline import FileResult, Ingester

log = logging.getLogger(__name__)

OnStatus = Callable[[Preparation], None]
LIST_SUFFIXES = (".xml", ".pdf")
PREPARE_LOCK = "prepare.lock"
MIN_SHARE_FOR_ESTIMATE = 0.02
"""Below 2% of the work done, a time-left estimate swings wildly (model loading dominates): none is shown."""


@dataclass(frozen=True)
class ListFile:
    """A file to prepare: its path, source name, list label and version (a fetched file's recorded date)."""

    path: Path
    name: str | None
    list_label: str | None
    version: str = ""

    @property
    def label(self) -> str:
        return self.list_label or self.path.stem


def lists_folder(settings: Settings) -> Path | None:
    """Where the official files are: `STCE_LISTS_DIR`, else what `stce lists fetch` kept, else None."""
    for folder in (settings.lists_dir, settings.fetched_dir):
        if folder is not None and folder.is_dir() and any(_candidates(folder)):
            return folder
    return None


def _candidates(folder: Path) -> list[Path]:
    return sorted(
        p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in LIST_SUFFIXES and ".partial" not in p.parts
    )


def list_files(folder: Path) -> list[ListFile]:
    """The list files in `folder`: the official ones (found by file name) first, in their order, then the rest."""
    found = _candidates(folder)
    by_name = {p.name: p for p in found}
    ordered: list[ListFile] = []
    for official in OFFICIAL:
        path = by_name.pop(Path(official.path).name, None)
        if path is not None:
            ordered.append(_official_file(path, official))
    return ordered + [ListFile(p, None, None) for p in found if p.name in by_name]


def _official_file(path: Path, official: OfficialList) -> ListFile:
    record = fetched_record(path) or {}
    return ListFile(path, official.name, official.list_label, str(record.get("version") or ""))


def needed(settings: Settings) -> bool:
    """True when the index holds no control list, or a preparation was cut short (its process is gone)."""
    if _interrupted(settings.home):
        return True
    return not any(s.kind == "control-list" for s in Registry(settings.registry_path, read_only=True).sources())


def status(home: Path) -> Preparation | None:
    """The preparation under way in `home`, as the terminal and the first page show it; None when there is none."""
    return preparing.read(home)


def _interrupted(home: Path) -> bool:
    path = preparing.status_path(home)
    return path.is_file() and preparing.read(home) is None


def prepare(settings: Settings, on_status: OnStatus | None = None) -> list[FileResult]:
    """Ingest the lists folder's files when the index needs them; [] when it does not, when there is no folder,
    or when another process is preparing them already."""
    folder = lists_folder(settings)
    if folder is None or not needed(settings):
        return []
    private_dir(settings.home)
    lock = FileLock(str(settings.home / PREPARE_LOCK), timeout=0, mode=0o600)
    try:
        lock.acquire()
    except Timeout:
        log.info("another process is preparing the lists")
        return []
    try:
        return _prepare(settings, list_files(folder), on_status)
    finally:
        preparing.write(settings.home, None)
        lock.release()


def _prepare(settings: Settings, files: list[ListFile], on_status: OnStatus | None) -> list[FileResult]:
    sizes = [f.path.stat().st_size for f in files]
    started = time.monotonic()
    status = Preparation([f.label for f in files], files=len(files), started=time.time())
    results: list[FileResult] = []

    def publish(new: Preparation) -> None:
        nonlocal status
        status = new
        preparing.write(settings.home, status)
        if on_status:
            on_status(status)

    publish(status)
    with Ingester(settings, holder="first start") as ingester:
        for index, (file, size) in enumerate(zip(files, sizes)):
            before = sum(sizes[:index])

            def progress(
                step: Progress, file: ListFile = file, size: int = size, before: int = before, index: int = index
            ) -> None:
                share = (before + step.fraction * size) / (sum(sizes) or 1)
                elapsed = time.monotonic() - started
                left = elapsed * (1 - share) / share if share >= MIN_SHARE_FOR_ESTIMATE else None
                publish(
                    replace(
                        status,
                        current=file.label,
                        phase=step.phase,
                        done=step.done,
                        total=step.total,
                        file_index=index + 1,
                        seconds_left=left,
                        share=share,
                    )
                )

            (result,) = ingester.ingest(
                [file.path],
                name=file.name,
                version_label=file.version,
                list_label=file.list_label,
                progress=progress,
                kind="control-list",
            )
            if result.status == "failed":
                log.warning("%s: not prepared: %s", file.path, result.error)
            results.append(result)
            publish(replace(status, pending=[f.label for f in files[index + 1 :]]))
    log.info("prepared %d lists in %.1f s", len(results), time.monotonic() - started)
    return results


def main(argv: list[str] | None = None) -> None:
    """Prepare the lists for `Settings()`; one JSON line per status change on stdout, for whoever started it.

    `--parent PID`: end with that process (the UI server), which waits for this one in a thread of its own.
    """
    parser = argparse.ArgumentParser(prog="python -m ingest.firststart", description=main.__doc__)
    parser.add_argument("--parent", type=int, help="end when this process (the one that started this) ends")
    args = parser.parse_args(argv)
    if args.parent is not None:
        die_with_parent(args.parent)
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    results = prepare(Settings(), lambda s: print(json.dumps({"line": s.line(), "pending": s.pending}), flush=True))
    print(json.dumps({"done": [[r.source, r.status, r.error] for r in results]}), flush=True)


if __name__ == "__main__":
    main()
