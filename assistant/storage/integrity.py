"""Is the index sound? The cheap checks every reader and writer makes when it loads the live index, and
the full check behind `stce index check`.

A reader never answers from a damaged index and a writer never builds on one: both load the live
snapshot through `live_snapshot` (checksums against the registry) and open the vectors through
`check_vectors` (no fewer vectors than live passages), and get `IndexDamaged` naming the file. Repair
(ingest/repair.py) rebuilds from the kept source copies that `kept_path` names.
"""

from __future__ import annotations

import logging
import random
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from chromadb.api import ClientAPI
from chromadb.errors import ChromaError

from assistant.core.errors import IndexDamaged
from assistant.core.settings import Settings
from assistant.core.types import SourceDocument
from assistant.storage.registry import Registry
from assistant.storage.snapshot import Snapshot, damage, file_checksum
from assistant.storage.store import PassageStore, make_client

log = logging.getLogger(__name__)

VECTOR_SAMPLE = 200
"""Stored vectors `check` compares with their text embedded again (`full`: all): 200 take some 5 s on two
cores, and a damage touching 1 % of the vectors is then found 87 times in 100."""
SAME_VECTOR = 0.9999
"""Cosine between a stored vector and its text embedded again above which the vector is sound: the model gives
the same text the same vector to within 1e-6; a changed byte in the vector file moves it by far more."""
_EXAMPLES = 3


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


def check(settings: Settings, client: ClientAPI | None = None, full: bool = False) -> list[Problem]:
    """Everything wrong with the index: snapshot vs registry, vectors vs passages (a sample of the stored vectors
    embedded again, all when `full`), orphans, missing files; every problem found, not the first.

    It only reads: the registry read-only, Chroma from a temporary copy (embedded Chroma writes to a store as it
    opens it), so it changes nothing and works on a read-only or full home. What cannot be read raises (`OSError`, a store
    error): the index could not be checked, which is not a problem found.
    """
    problems: list[Problem] = []
    if not settings.registry_path.is_file():
        if not snapshot_folders(settings) and not settings.chroma_dir.is_dir():
            return []  # nothing was ever ingested here
        problems.append(Problem(str(settings.registry_path), "missing"))
        return problems + _check_vectors(settings, client, None, [], set(), full)
    registry = Registry(settings.registry_path, read_only=True)
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
        damaged = damage(directory, checksum, every=True)
        problems += [Problem(str(path), what) for path, what in damaged]
        if not damaged:
            snapshot = Snapshot.load(directory)
            problems += _check_snapshot(snapshot, sources)
    problems += _check_vectors(settings, client, snapshot, sources, pending, full)
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
    full: bool = False,
) -> list[Problem]:
    """Live passages without a vector, vectors of no source (not even an interrupted ingest's), stored vectors
    that are not their text's, a failing store."""
    where = settings.chroma_url or str(settings.chroma_dir)
    store = PassageStore(
        client or make_client(settings, read_only=True, copy=True), settings.collection, settings.embed_batch_size
    )
    try:
        try:
            got = store.collection.get(include=["metadatas"])
        except ChromaError as error:
            return [Problem(where, f"the vector store fails: {error}")]
        metadatas = got["metadatas"] or []
        stored = {id_: (meta or {}).get("version_id", "") for id_, meta in zip(got["ids"], metadatas, strict=True)}
        problems = []
        if snapshot is not None:
            missing = Counter(p.source for p in snapshot.passages if p.id not in stored)
            problems += [
                Problem(where, f"{n} passages of {name} have no vector") for name, n in sorted(missing.items())
            ]
        orphans = Counter(v for v in stored.values() if v not in {s.version_id for s in sources} | pending)
        problems += [
            Problem(where, f"{n} vectors of version {v or '(none)'} belong to no source (orphans)")
            for v, n in sorted(orphans.items())
        ]
        names = {s.version_id: s.name for s in sources}
        ids = sorted(i for i, v in stored.items() if v in names)
        chosen = ids if full or len(ids) <= VECTOR_SAMPLE else random.sample(ids, VECTOR_SAMPLE)
        texts = {p.id: p.text for p in snapshot.passages} if snapshot is not None else {}
        return problems + _check_stored(store, chosen, texts, {i: names[stored[i]] for i in chosen}, where)
    finally:
        if client is None:
            store.client.close()


def _check_stored(
    store: PassageStore, ids: list[str], texts: dict[str, str], source_of: dict[str, str], where: str
) -> list[Problem]:
    """Each stored vector of `ids` against its text embedded again, and its stored text against the snapshot's
    (`texts`, empty when the snapshot is damaged): one problem per kind of fault and source, with the count and
    a few passage ids. Chroma reads the vectors back from its HNSW file, so a damaged file shows here."""
    found: dict[tuple[str, str], list[str]] = defaultdict(list)
    step = 256
    for start in range(0, len(ids), step):
        try:
            got = store.collection.get(ids=ids[start : start + step], include=["documents", "embeddings"])
        except ChromaError as error:
            return [Problem(where, f"cannot give its vectors back ({error})")]
        documents = [d or "" for d in got["documents"] or []]
        stored = np.asarray(got["embeddings"], dtype=np.float32) if got["embeddings"] is not None else None
        if stored is None or len(documents) != len(got["ids"]):
            return [Problem(where, "cannot give its vectors back")]
        fresh = np.asarray(store.embedding(documents), dtype=np.float32)
        for id_, text, old, new in zip(got["ids"], documents, stored, fresh, strict=True):
            source = source_of[id_]
            if texts and texts.get(id_, text) != text:
                found[("hold text other than their passages in the snapshot", source)].append(id_)
            if cosine(old, new) < SAME_VECTOR:
                found[("differ from their text embedded again (the vector file is damaged)", source)].append(id_)
    return [
        Problem(
            where,
            f"{len(bad)} of {sum(1 for i in ids if source_of[i] == source)} checked vectors of {source} {what} "
            f"(e.g. {', '.join(bad[:_EXAMPLES])})",
        )
        for (what, source), bad in sorted(found.items())
    ]


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    """Cosine of two vectors; 0 when either is zero or not finite (a vector read from a damaged file).

    >>> round(cosine(np.array([1.0, 0.0]), np.array([1.0, 1.0])), 4), cosine(np.array([np.nan, 1]), np.ones(2))
    (0.7071, 0.0)
    """
    norm = float(np.linalg.norm(a) * np.linalg.norm(b))
    value = float(np.dot(a, b)) / norm if norm else 0.0
    return value if np.isfinite(value) else 0.0
