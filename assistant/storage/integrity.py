"""Is the index sound? The cheap checks every reader and writer makes when it loads the live index, and
the full check behind `stce index check`.

A reader never answers from a damaged index and a writer never builds on one: both load the live
snapshot through `live_snapshot` (checksums against the registry) and open the vectors through
`check_vectors` (no fewer vectors than live passages), and get `IndexDamaged` naming the file. Repair
(ingest/repair.py) rebuilds from the kept source copies that `kept_path` names.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from chromadb.api import ClientAPI
from chromadb.errors import ChromaError

from assistant.core.errors import IndexDamaged
from assistant.core.settings import Settings
from assistant.core.types import SourceDocument
from assistant.storage.registry import Registry
from assistant.storage.snapshot import Snapshot, damage, file_checksum
from assistant.storage.store import PassageStore, make_client

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the index: the file or store, and what is wrong with it."""

    path: str
    problem: str

    def __str__(self) -> str:
        return f"{self.path}: {self.problem}"


def kept_path(settings: Settings, source: SourceDocument) -> Path:
    """Where the immutable copy of a source version lies: named by its content hash, with its file's suffix."""
    return settings.kept_dir / f"{source.content_hash}{Path(source.path).suffix.lower()}"


def snapshot_folders(settings: Settings) -> list[str]:
    """Names of the committed-looking snapshot folders (not a writer's unfinished `.tmp`)."""
    root = settings.snapshots_dir
    return sorted(p.name for p in root.iterdir() if p.is_dir() and not p.name.endswith(".tmp")) if root.is_dir() else []


def _lost_registry(settings: Settings, registry: Registry) -> str:
    """Why the registry must have been lost: it names no snapshot, but committed snapshots exist."""
    folders = snapshot_folders(settings)
    if folders and not registry.pending():  # pending: a first ingest was cut short, its snapshot never committed
        return (
            f"names no live snapshot while {len(folders)} snapshot folder(s) exist (the registry was lost or replaced)"
        )
    return ""


def live_snapshot(settings: Settings, registry: Registry, name: str, checksum: str | None) -> Snapshot:
    """The live snapshot, verified against the registry's checksum; `IndexDamaged` when it does not match."""
    if not name:
        if lost := _lost_registry(settings, registry):
            raise IndexDamaged(settings.registry_path, lost)
        return Snapshot.empty()
    if checksum is None:
        log.warning("snapshot %s has no recorded checksum; `stce index repair` records one", name)
    return Snapshot.load(settings.snapshots_dir / name, checksum)


def check_vectors(settings: Settings, store: PassageStore, sources: list[SourceDocument]) -> None:
    """Refuse a vector store holding fewer vectors than the live sources have passages (a lost chroma.sqlite3)
    or unable to give one back (a lost HNSW folder: "Error finding id")."""
    have, need = store.count(), sum(s.passages for s in sources)
    if have < need:
        raise IndexDamaged(
            settings.chroma_url or settings.chroma_dir,
            f"holds {have} vectors but the live sources have {need} passages",
        )
    try:
        store.collection.get(limit=1, include=["embeddings"])
    except ChromaError as error:
        where = settings.chroma_url or settings.chroma_dir
        raise IndexDamaged(where, f"cannot give its vectors back ({error})") from error


def check(settings: Settings, client: ClientAPI | None = None) -> list[Problem]:
    """Everything wrong with the index: snapshot vs registry, vectors vs passages, orphans, missing files."""
    problems: list[Problem] = []
    if not settings.registry_path.is_file():
        if not snapshot_folders(settings) and not settings.chroma_dir.is_dir():
            return []  # nothing was ever ingested here
        problems.append(Problem(str(settings.registry_path), "missing"))
        return problems + _check_vectors(settings, client, None, [], set())
    registry = Registry(settings.registry_path)
    _, name, checksum = registry.live()
    sources, pending = registry.sources(), set(registry.pending())
    snapshot: Snapshot | None = None
    if not name:
        if lost := _lost_registry(settings, registry):
            problems.append(Problem(str(settings.registry_path), lost))
        snapshot = Snapshot.empty()
    else:
        directory = settings.snapshots_dir / name
        if checksum is None:
            problems.append(Problem(str(directory), "no checksum recorded (written by an older version)"))
        damaged = damage(directory, checksum)
        problems += [Problem(str(path), what) for path, what in damaged]
        if not damaged:
            snapshot = Snapshot.load(directory)
            problems += _check_snapshot(snapshot, sources)
    problems += _check_vectors(settings, client, snapshot, sources, pending)
    for source in sources:
        kept = kept_path(settings, source)
        if not kept.is_file():
            problems.append(
                Problem(
                    str(kept),
                    f"the kept copy of {source.name} is missing: give its file to "
                    "`stce index repair FILE` or `stce ingest FILE`",
                )
            )
        elif file_checksum(kept) != source.content_hash:
            problems.append(Problem(str(kept), f"the kept copy of {source.name} differs from its checksum"))
    return problems


def _check_snapshot(snapshot: Snapshot, sources: list[SourceDocument]) -> list[Problem]:
    path = str(snapshot.directory / "passages.jsonl")
    counts = Counter(p.version_id for p in snapshot.passages)
    problems = [
        Problem(path, f"holds {counts[s.version_id]} passages of {s.name} but the registry records {s.passages}")
        for s in sources
        if counts[s.version_id] != s.passages
    ]
    unlisted = sorted(counts.keys() - {s.version_id for s in sources})
    problems += [
        Problem(path, f"holds {counts[v]} passages of version {v}, which the registry does not list") for v in unlisted
    ]
    return problems


def _check_vectors(
    settings: Settings,
    client: ClientAPI | None,
    snapshot: Snapshot | None,
    sources: list[SourceDocument],
    pending: set[str],
) -> list[Problem]:
    """Live passages without a vector, vectors of no source (not even an interrupted ingest's), a failing store."""
    where = settings.chroma_url or str(settings.chroma_dir)
    store = PassageStore(client or make_client(settings), settings.collection, settings.embed_batch_size)
    try:
        got = store.collection.get(include=["metadatas", "embeddings"])
    except ChromaError as error:
        return [Problem(where, f"the vector store fails: {error}")]
    finally:
        if client is None:
            store.client.close()
    metadatas = got["metadatas"] or []
    stored = {id_: (meta or {}).get("version_id", "") for id_, meta in zip(got["ids"], metadatas, strict=True)}
    problems = []
    if snapshot is not None:
        missing = Counter(p.source for p in snapshot.passages if p.id not in stored)
        problems += [Problem(where, f"{n} passages of {name} have no vector") for name, n in sorted(missing.items())]
    orphans = Counter(v for v in stored.values() if v not in {s.version_id for s in sources} | pending)
    problems += [
        Problem(where, f"{n} vectors of version {v or '(none)'} belong to no source (orphans)")
        for v, n in sorted(orphans.items())
    ]
    return problems
