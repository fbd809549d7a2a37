"""The writer: load -> split -> embed -> commit, one source version at a time, one writer at a time.

A new version is written beside the old one (vectors tagged with its version id, a new snapshot
directory) and made live by one registry transaction; only then is the old version deleted. A writer
killed at any point leaves the previous version live, and the next writer removes the leftovers.

Invariants: one writer at a time (the file lock); a writer first verifies the live index and refuses a
damaged one (`IndexDamaged`: run `stce index repair`) before it cleans up or builds anything on it;
every source version it commits has an immutable copy in `Settings.kept_dir`, written before the commit,
so the index can always be rebuilt from what was ingested.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import logging
import os
import shutil
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Literal

import numpy as np
from chromadb.api import ClientAPI
from filelock import FileLock, Timeout

from assistant.core.codes import top_level
from assistant.core.errors import IndexBusyError, IndexDamaged, IngestError, plain_reason
from assistant.core.private import make_private, private_dir, private_files
from assistant.core.settings import Settings
from assistant.core.types import ChangeReport, ItemCriteria, Kind, Passage, Phase, Progress, SourceDocument
from assistant.storage.integrity import check_vectors, kept_path, live_snapshot
from assistant.storage.registry import Registry
from assistant.storage.snapshot import Snapshot, file_checksum
from assistant.storage.store import PassageStore, make_client
from ingest.checks import addressed_to_assistant, duplicate_codes, flag, repeated_text
from ingest.criteria import criteria_of
from ingest.links import borrow_criteria, link_lists
from ingest.load import (
    Loaded,
    collect_files,
    read_bytes,
    read_file,
    safe_file_name,
    safe_typed_name,
    source_names,
)
from ingest.passages import entry_passages, fold_repeats, text_passages

log = logging.getLogger(__name__)

OnProgress = Callable[[Progress], None]
Report = Callable[..., None]
Status = Literal["added", "updated", "unchanged", "failed", "skipped"]
_EMBED_CHUNK = 256
HOLDER_FILE = "writer.holder"
"""Beside the lock: who holds it (pid, command, start), so a writer that must wait can say who it waits for."""


def write_holder(lock_path: Path, command: str) -> None:
    """Record this process as the lock's holder, private (600) like the rest of the data directory."""
    holder = {"pid": os.getpid(), "command": command, "started": datetime.now(timezone.utc).isoformat()}
    path = lock_path.with_name(HOLDER_FILE)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(holder, out)


def busy_holder(lock_path: Path) -> str:
    """Who holds the lock, e.g. `another ingest (pid 1234, stce ingest, started 09:41:07 UTC)`, as far as recorded."""
    try:
        holder = json.loads(lock_path.with_name(HOLDER_FILE).read_text(encoding="utf-8"))
        started = datetime.fromisoformat(holder["started"]).astimezone(timezone.utc)
        return f"another ingest (pid {int(holder['pid'])}, {holder['command']}, started {started:%H:%M:%S} UTC)"
    except (OSError, ValueError, KeyError, TypeError) as err:
        log.debug("no record of the lock's holder: %s", err)
        return "another ingest"


@dataclass(frozen=True)
class FileResult:
    """What happened to one file of a batch."""

    path: str
    source: str
    status: Status
    passages: int = 0
    entries: int = 0
    embedded: int = 0
    seconds: float = 0.0
    error: str = ""
    changes: ChangeReport | None = None
    notes: tuple[str, ...] = ()
    """What the editor should know though the file went in (a language version without its twin)."""
    warnings: tuple[str, ...] = ()


class Ingester:
    """Adds, replaces and removes sources in the index."""

    def __init__(self, settings: Settings, client: ClientAPI | None = None, holder: str = "") -> None:
        self.settings = settings
        self.holder = holder or " ".join(Path(arg).name for arg in sys.argv[:2])
        """What this writer is, as another writer that must wait is told (e.g. "stce ingest", "stce ui")."""
        self.registry = Registry(settings.registry_path)
        self._owns_client = client is None
        self.store = PassageStore(client or make_client(settings), settings.collection, settings.embed_batch_size)

    def close(self) -> None:
        """Release our Chroma client: an embedded client left open pins this process to a stale view."""
        if self._owns_client:
            self.store.client.close()

    def __enter__(self) -> Ingester:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def ingest(
        self,
        paths: Iterable[Path],
        name: str | None = None,
        version_label: str = "",
        list_label: str | None = None,
        password: str | None = None,
        progress: OnProgress | None = None,
        force: bool = False,
        kind: Kind | None = None,
    ) -> list[FileResult]:
        """Ingest every file; a failing file, whatever it raised, is reported and the others go on.

        Entries of a folder that are not ingested (links, pipes, hidden files) come last, each with why.
        `force` re-ingests unchanged files; `kind` is the editor's choice of what the files are (None takes
        the kind their content shows).
        """
        files, skipped = collect_files(paths)
        if name and len(files) > 1:
            raise IngestError(", ".join(map(str, files[:3])), "--name names one source; give one file at a time")
        names = source_names(files)
        results = []
        with self._writer():
            for path in files:
                results.append(
                    self._ingest_one(
                        path, name or names[path], version_label, list_label, password, progress, force, kind
                    )
                )
        return results + [
            FileResult(str(s.path), "", "failed" if s.refused else "skipped", error=s.reason) for s in skipped
        ]

    def remove(self, name: str) -> bool:
        """Remove a source and all its passages; False when there is no such source."""
        with self._writer():
            existing = self.registry.source(name)
            if existing is None:
                return False
            current = self._snapshot()
            keep = [p for p in current.passages if p.source != name]
            self.commit(keep, [c for c in current.all_criteria if c.source != name], remove=name)
            self._retire(existing.version_id)
            return True

    @contextmanager
    def _writer(self) -> Iterator[None]:
        """Hold the writer lock, refuse a damaged index, and clean up what a killed writer left."""
        with self.locked():
            _, name, checksum = self.registry.live()
            try:
                live_snapshot(self.settings, self.registry, name, checksum)
                check_vectors(self.settings, self.store, self.registry.sources())
            except IndexDamaged as damaged:
                raise IndexDamaged(damaged.path, f"{damaged.problem}; nothing was written") from damaged
            self.recover()
            yield

    @contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the one writer lock (released by the OS if the process dies), without refusing a damaged index:
        `ingest.repair` works under it.

        What the writer creates is private (files 600, folders 700), and so is what older versions left.
        """
        private_dir(self.settings.home)
        lock = FileLock(str(self.settings.lock_path), timeout=self.settings.lock_timeout_s, mode=0o600)
        try:
            lock.acquire(timeout=0)
        except Timeout:
            # Said at once, not at the time-out: the editor may rather wait for it, or stop it.
            log.warning(
                "waiting for %s to finish (up to %g s)",
                busy_holder(self.settings.lock_path),
                self.settings.lock_timeout_s,
            )
            self._wait(lock)
        try:
            with private_files():
                write_holder(self.settings.lock_path, self.holder)
                make_private(self.settings.home)
                yield
        finally:
            self.settings.lock_path.with_name(HOLDER_FILE).unlink(missing_ok=True)
            lock.release()

    def _wait(self, lock: FileLock) -> None:
        """Wait for the lock up to the configured time, then give up naming who holds it."""
        try:
            lock.acquire()
        except Timeout:
            raise IndexBusyError(
                f"{busy_holder(self.settings.lock_path)} holds {self.settings.lock_path}; waited "
                f"{self.settings.lock_timeout_s:g} s, try again when it ends"
            ) from None

    def recover(self) -> None:
        """Remove what a killed writer left: vectors of uncommitted versions and stray snapshot folders."""
        pending = self.registry.pending()
        if pending:
            log.warning("removing %d uncommitted version(s) left by an interrupted ingest", len(pending))
            self.store.delete_versions(pending)
            self.registry.clear_pending(pending)
        self._prune_snapshots()

    def _recover_quietly(self) -> None:
        """Remove what a failed file left behind, if the store can still be reached; else the next writer will."""
        try:
            self.recover()
        except Exception as err:  # noqa: BLE001  (the failure is already reported for the file)
            log.warning("could not clean up after a failed file: %s", err)

    def _retire(self, version_id: str) -> None:
        """Delete a replaced version's vectors; the commit marked it pending in case this never runs."""
        self.store.delete_versions([version_id])
        self.registry.clear_pending([version_id])

    def _ingest_one(
        self,
        path: Path,
        name: str | None,
        version_label: str,
        list_label: str | None,
        password: str | None,
        progress: OnProgress | None,
        force: bool = False,
        kind: Kind | None = None,
    ) -> FileResult:
        started = time.perf_counter()
        name = safe_typed_name(name or "") or safe_file_name(path.stem)

        def report(phase: Phase, done: int = 0, total: int = 0) -> None:
            if progress:
                progress(Progress(str(path), phase, done, total))

        try:
            report("read")
            data = read_file(path, int(self.settings.max_file_mb * 1e6))
            existing = self.registry.source(name)
            content_hash = hashlib.sha256(data).hexdigest()
            if (
                not force
                and existing
                and (existing.content_hash, existing.version_label, existing.list_label, existing.kind)
                == (
                    content_hash,
                    # No label given: the same bytes carry the same date, so the label already recorded stands.
                    version_label or existing.version_label,
                    list_label or existing.list_label,
                    kind or existing.kind,
                )
            ):
                keep_copy(kept_path(self.settings, existing), data)  # an index older than kept copies gets one
                return FileResult(
                    str(path),
                    name,
                    "unchanged",
                    existing.passages,
                    existing.entries,
                    seconds=time.perf_counter() - started,
                    warnings=tuple(self.registry.warnings().get(name, ())),
                )
            loaded = read_bytes(data, path, password, kind)
            report("split")
            result = self._write(
                path,
                name,
                loaded,
                version_label or loaded.version_label,
                list_label or loaded.default_list,
                content_hash,
                existing,
                report,
                data,
                force,
            )
        except IngestError as err:
            log.warning("%s", err)
            return FileResult(str(path), name, "failed", error=err.reason, seconds=time.perf_counter() - started)
        except Exception as err:  # noqa: BLE001  (one file's failure, of any kind, must not end the batch)
            log.warning("%s: %s", path, plain_reason(err))
            log.debug("%s failed", path, exc_info=True)
            self._recover_quietly()
            return FileResult(str(path), name, "failed", error=plain_reason(err), seconds=time.perf_counter() - started)
        report("done")
        return FileResult(**{**result.__dict__, "seconds": time.perf_counter() - started})

    def _write(
        self,
        path: Path,
        name: str,
        loaded: Loaded,
        version_label: str,
        list_label: str,
        content_hash: str,
        existing: SourceDocument | None,
        report: Report,
        data: bytes,
        force: bool = False,
    ) -> FileResult:
        list_label = list_label or name
        ingested_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
        # A forced re-ingest of the same content is a new version, switched to and retired like any other.
        salt = f"\0{time.time_ns()}" if force else ""
        version_id = hashlib.sha256(
            f"{name}\0{list_label}\0{version_label}\0{content_hash}\0{loaded.kind}{salt}".encode()
        ).hexdigest()[:16]
        source = SourceDocument(
            name=name,
            list_label=list_label,
            kind=loaded.kind,
            version_label=version_label,
            content_hash=content_hash,
            passages=0,
            entries=0,
            version_id=version_id,
            path=path.name,
            ingested_at=ingested_at,
            language=loaded.language,
            work=loaded.work,
        )
        passages = self.passages_of(loaded, source, lambda done, total: report("split", done, total))
        if not passages:
            raise IngestError(path, "no text to index")
        entries = len({p.entry for p in passages if p.entry})
        source = SourceDocument(**{**source.__dict__, "passages": len(passages), "entries": entries})
        vectors, embedded = self._vectors(passages, existing, report)
        keep_copy(kept_path(self.settings, source), data)
        report("switch")
        self.registry.add_pending(version_id)
        self.store.add(passages, vectors)
        current = self._snapshot()
        keep = [p for p in current.passages if p.source != name]
        changes = _changes(name, [p for p in current.passages if p.source == name], passages, existing, source)
        criteria = [c for c in current.all_criteria if c.source != name]
        criteria += [c for e in loaded.entries for c in criteria_of(e, name, list_label, version_id)]
        warnings = duplicate_codes(loaded.entries) + addressed_to_assistant(passages) + repeated_text(passages)
        notes = self.commit(
            keep + passages, criteria, upsert=source, change=changes if existing else None, warnings=warnings
        )
        if existing and existing.version_id != version_id:
            self._retire(existing.version_id)
        status: Status = "updated" if existing else "added"
        mine = tuple(note for note in notes if name in note)
        return FileResult(
            str(path),
            name,
            status,
            len(passages),
            entries,
            embedded,
            changes=changes,
            notes=mine,
            warnings=tuple(warnings),
        )

    def passages_of(
        self, loaded: Loaded, source: SourceDocument, progress: Callable[[int, int], None] | None = None
    ) -> list[Passage]:
        """One source version's passages, numbered in its version, repeats folded and orders to the assistant
        flagged (repair splits kept copies again with it)."""
        counter = iter(range(10**9))

        def make(text: str, **fields: Any) -> Passage:
            return Passage(
                id=f"{source.version_id}:{next(counter):06d}",
                text=text,
                source=source.name,
                list_label=source.list_label,
                version=source.version,
                version_id=source.version_id,
                kind=source.kind,
                language=source.language,
                **fields,
            )

        budget = self.settings.max_passage_tokens
        if loaded.entries:
            made = entry_passages(loaded.entries, make, budget)
        else:
            made = text_passages(loaded.pages, source.name, make, budget, progress)
        return [flag(p) for p in fold_repeats(made)]

    def _vectors(
        self, passages: list[Passage], existing: SourceDocument | None, report: Report
    ) -> tuple[list[np.ndarray], int]:
        """Vectors for every passage, reusing those of the previous version for unchanged text."""
        known: dict[str, np.ndarray] = dict(self.store.vectors(existing.version_id)) if existing else {}
        missing = sorted({p.text for p in passages if p.text not in known})
        report("embed", 0, len(missing))
        for start in range(0, len(missing), _EMBED_CHUNK):
            chunk = missing[start : start + _EMBED_CHUNK]
            known.update(zip(chunk, self.store.embedding(chunk), strict=True))
            report("embed", start + len(chunk), len(missing))
        return [known[p.text] for p in passages], len(missing)

    def _snapshot(self) -> Snapshot:
        _, name, checksum = self.registry.live()
        return live_snapshot(self.settings, self.registry, name, checksum)

    def commit(
        self,
        passages: list[Passage],
        criteria: list[ItemCriteria],
        upsert: SourceDocument | None = None,
        remove: str | None = None,
        **change: Any,
    ) -> list[str]:
        """Write the next snapshot (the links among all the lists it holds and a manifest included) and switch
        to it; the linking's notes for the editor."""
        generation = self.registry.generation() + 1
        directory = self.settings.snapshots_dir / f"g{generation:08d}"
        rows = {s.name: s for s in self.registry.sources() if s.name != remove}
        if upsert is not None:
            rows[upsert.name] = upsert
        sources = list(rows.values())
        titles = {(p.source, top_level(p.entry)): p.title for p in passages if p.entry and p.kind == "control-list"}
        linked = link_lists(sources, criteria, titles)
        written = Snapshot.write(directory, passages, borrow_criteria(criteria, linked.links), linked.links, sources)
        self.registry.commit(directory.name, generation, upsert, remove, checksum=written.checksum, **change)
        self._prune_snapshots()
        return linked.notes

    def _prune_snapshots(self) -> None:
        """Keep the live snapshot and the one before it (a reader may still be loading it)."""
        _, live = self.registry.state()
        root = self.settings.snapshots_dir
        if not root.is_dir():
            return
        names = sorted(p.name for p in root.iterdir())
        keep = {live}
        older = [n for n in names if n < live and not n.endswith(".tmp")]
        if older:
            keep.add(older[-1])
        for stale in set(names) - keep:
            shutil.rmtree(root / stale, ignore_errors=True)


def keep_copy(path: Path, data: bytes) -> None:
    """Write the immutable copy of a source version once, durably (content-addressed: never rewritten)."""
    if path.is_file() and file_checksum(path) == hashlib.sha256(data).hexdigest():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
    tmp.chmod(0o444)
    tmp.replace(path)


def _by_entry(passages: Iterable[Passage]) -> dict[str, str]:
    grouped: dict[str, list[str]] = defaultdict(list)
    for p in passages:
        grouped[p.entry or p.title].append(p.text)
    return {key: "\n".join(texts) for key, texts in grouped.items()}


def _changes(
    name: str, old: list[Passage], new: list[Passage], existing: SourceDocument | None, source: SourceDocument
) -> ChangeReport:
    """Entries added, removed and changed between two versions of a source, with a diff of each change."""
    before, after = _by_entry(old), _by_entry(new)
    changed = sorted(k for k in before.keys() & after.keys() if before[k] != after[k])
    return ChangeReport(
        source=name,
        from_version=existing.version if existing else "",
        to_version=source.version,
        at=source.ingested_at,
        added=sorted(after.keys() - before.keys()),
        removed=sorted(before.keys() - after.keys()),
        changed=changed,
        diffs={
            k: "\n".join(
                difflib.unified_diff(before[k].splitlines(), after[k].splitlines(), "before", "after", lineterm="")
            )
            for k in changed[:50]
        },
    )
