"""`stce index repair`: rebuild what is damaged from the kept source copies, keep what is sound.

A lost registry is restored from the newest snapshot whose manifest verifies. The live snapshot is
rewritten (as a new generation, switched to like any ingest) only when it fails its checksums or no
longer matches the registry; passages are split again from the kept copy of each source version, so
they are the ones the ingest made. Every stored vector is compared with its text embedded again; vectors
are added only for passages that have none or whose vector is not their text's (a damaged HNSW file): a store
Chroma cannot read back (a lost HNSW folder) is emptied first, and vectors that belong to no live
passage are deleted. Repair holds the writer lock, like an ingest, and first makes sure it may write: on a
read-only or full home it says so and changes nothing.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from chromadb.api import ClientAPI
from chromadb.errors import ChromaError

from assistant.core.errors import IngestError, NeedsWriteAccess
from assistant.core.settings import Settings
from assistant.core.types import ItemCriteria, Passage, SourceDocument
from assistant.storage.integrity import SAME_VECTOR, Problem, check, cosine, kept_path, snapshot_folders
from assistant.storage.registry import Registry
from assistant.storage.snapshot import Snapshot, damage, file_checksum
from assistant.storage.store import PassageStore
from ingest.criteria import criteria_of
from ingest.load import read_bytes, read_file
from ingest.pipeline import Ingester, keep_copy

log = logging.getLogger(__name__)
_EMBED_CHUNK = 256
MIN_FREE_BYTES = 1_000_000
"""Free space below which repair does not start: it writes a registry transaction, a snapshot and vectors,
and a disk that full fails the first of them (the CCL's snapshot alone is some 20 MB; this only catches a
disk already full)."""


@dataclass(frozen=True)
class Repaired:
    """What repair did, and what `check` still finds afterwards (empty: the index is sound)."""

    actions: list[str]
    problems: list[Problem]


def repair(settings: Settings, files: Iterable[Path] = (), client: ClientAPI | None = None) -> Repaired:
    """Repair the index in `settings.home`; what cannot be rebuilt is left as it is and reported.

    `files` are source files whose kept copy was lost: each is kept again if it is a version the index holds.
    """
    actions: list[str] = []
    if client is None and not settings.chroma_url:
        needs_write(settings.home)
    with Ingester(settings, client) as ingester, ingester.locked():
        actions += _restore_registry(settings, ingester.registry)
        actions += _keep_again(settings, ingester.registry, files)
        ingester.recover()
        passages, criteria, why = _live_passages(settings, ingester, actions)
        if passages is not None:
            actions += _repair_vectors(ingester, passages)
            if why:
                ingester.commit(passages, criteria)
                actions.append(f"wrote snapshot {ingester.registry.state()[1]} ({len(passages)} passages) {why}")
    return Repaired(actions, check(settings, client))


def needs_write(home: Path) -> None:
    """Raise `NeedsWriteAccess` unless this process may write in `home` and its file system has room, asked
    without writing anything (a probe file would change the folder): a read-only home or file system, a full
    disk, another user's folder."""
    if not home.exists():
        return  # nothing to repair: the writer creates it
    disk = os.statvfs(home)
    if disk.f_flag & os.ST_RDONLY:
        raise NeedsWriteAccess(home, "it is on a read-only file system")
    if not os.access(home, os.W_OK | os.X_OK):
        raise NeedsWriteAccess(home, f"permission denied ({home})")
    if disk.f_bavail * disk.f_frsize < MIN_FREE_BYTES:
        raise NeedsWriteAccess(home, f"the disk is full: {disk.f_bavail * disk.f_frsize:,} bytes free")


def _restore_registry(settings: Settings, registry: Registry) -> list[str]:
    """Rebuild a lost registry from the newest snapshot whose files match its own manifest."""
    _, live, _ = registry.live()
    folders = snapshot_folders(settings)
    if live or not folders or registry.pending():
        return []
    for name in reversed(folders):
        directory = settings.snapshots_dir / name
        if damage(directory, None) or not name[1:].isdigit():
            continue
        sources = Snapshot.manifest_sources(directory)
        registry.restore(sources, name, int(name[1:]), file_checksum(directory / "manifest.json"))
        return [f"restored the registry from snapshot {name}: {len(sources)} sources (the change history is lost)"]
    return [f"no snapshot could restore the registry ({', '.join(folders)}): ingest the sources again"]


def _keep_again(settings: Settings, registry: Registry, files: Iterable[Path]) -> list[str]:
    """Keep a copy of each given file that is a version the registry holds (matched by content hash)."""
    by_hash = {s.content_hash: s for s in registry.sources()}
    actions = []
    for path in files:
        data = read_file(path, int(settings.max_file_mb * 1e6))
        source = by_hash.get(hashlib.sha256(data).hexdigest())
        if source is None:
            actions.append(f"{path} is no version the index holds (see `stce sources`); not kept")
            continue
        keep_copy(kept_path(settings, source), data)
        actions.append(f"kept {path} as the copy of {source.name}")
    return actions


def _live_passages(
    settings: Settings, ingester: Ingester, actions: list[str]
) -> tuple[list[Passage] | None, list[ItemCriteria], str]:
    """The passages and criteria the live index must hold, and why the snapshot must be rewritten ("": it
    need not be).

    None when a damaged snapshot cannot be rebuilt (a source without a sound kept copy): nothing is
    rewritten, so readers keep refusing it rather than answering without that source. A snapshot written
    before checksums were kept is trusted when it matches the registry, and written again with them.
    """
    registry = ingester.registry
    sources = registry.sources()
    _, name, checksum = registry.live()
    directory = settings.snapshots_dir / name
    if name and checksum is not None and not damage(directory, checksum):
        current = Snapshot.load(directory)
        if _matches(current, sources):
            return current.passages, current.all_criteria, ""
    legacy = name and checksum is None and not (directory / "manifest.json").exists()
    if legacy and (directory / "passages.jsonl").is_file():
        current = Snapshot.load(directory)
        if _matches(current, sources):
            return current.passages, current.all_criteria, f"with the checksums {name} was written without"
    if not name and not sources:
        return [], [], ""
    order = _order_in(directory / "passages.jsonl")
    passages: list[Passage] = []
    criteria: list[ItemCriteria] = []
    for source in sorted(sources, key=lambda s: (order.get(s.version_id, len(order)), s.ingested_at)):
        rebuilt = _rebuild(settings, ingester, source)
        if isinstance(rebuilt, str):
            actions.append(f"cannot rebuild {source.name}: {rebuilt}; give its file: `stce index repair FILE`")
            return None, [], ""
        passages += rebuilt[0]
        criteria += rebuilt[1]
    return passages, criteria, "from the kept sources"


def _matches(snapshot: Snapshot, sources: list[SourceDocument]) -> bool:
    counts: dict[str, int] = {}
    for p in snapshot.passages:
        counts[p.version_id] = counts.get(p.version_id, 0) + 1
    return counts == {s.version_id: s.passages for s in sources}


def _order_in(path: Path) -> dict[str, int]:
    """The order the versions appear in a (possibly damaged) passage table, to write them back the same way."""
    order: dict[str, int] = {}
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return order
    for line in lines:
        try:
            version_id = json.loads(line)["version_id"]
        except (ValueError, KeyError, TypeError):
            continue
        order.setdefault(version_id, len(order))
    return order


def _rebuild(
    settings: Settings, ingester: Ingester, source: SourceDocument
) -> tuple[list[Passage], list[ItemCriteria]] | str:
    """One source version's passages and criteria split again from its kept copy, or why they cannot be."""
    kept = kept_path(settings, source)
    if not kept.is_file():
        return f"its kept copy {kept} is missing"
    data = kept.read_bytes()
    if file_checksum(kept) != source.content_hash:
        return f"its kept copy {kept} differs from its checksum"
    try:
        loaded = read_bytes(data, Path(source.path))
    except IngestError as error:
        return f"its kept copy cannot be read again ({error.reason})"
    passages = ingester.passages_of(loaded, source)
    criteria = [c for e in loaded.entries for c in criteria_of(e, source.name, source.list_label, source.version_id)]
    return passages, criteria


def _embedded(ingester: Ingester, texts: list[str]) -> dict[str, np.ndarray]:
    """Each text's vector, embedded now (in chunks, with the progress logged)."""
    out: dict[str, np.ndarray] = {}
    for start in range(0, len(texts), _EMBED_CHUNK):
        chunk = texts[start : start + _EMBED_CHUNK]
        out.update(zip(chunk, ingester.store.embedding(chunk), strict=True))
        log.info("embedded %d of %d passages", start + len(chunk), len(texts))
    return out


def _repair_vectors(ingester: Ingester, passages: list[Passage]) -> list[str]:
    """Delete vectors of no live passage or not their text's (a damaged vector file), and add the missing ones,
    reusing any sound stored vector of the same text."""
    actions = []
    settings = ingester.settings
    try:
        got: dict[str, Any] = ingester.store.collection.get(include=["metadatas", "documents", "embeddings"])
    except ChromaError as error:
        log.warning("the vector store cannot be read back (%s); emptying it", error)
        ingester.store.client.delete_collection(settings.collection)
        ingester.store = PassageStore(ingester.store.client, settings.collection, settings.embed_batch_size)
        actions.append(f"emptied the vector store, which could not be read back ({error})")
        got = {"ids": [], "documents": [], "metadatas": [], "embeddings": []}
    live = {p.id: p for p in passages}
    known: dict[str, np.ndarray] = {}
    stray = []
    embeddings = got["embeddings"] if got["embeddings"] is not None else []
    fresh = _embedded(ingester, sorted({t for t in got["documents"] or [] if t is not None}))
    damaged = 0
    for id_, text, meta, vector in zip(got["ids"], got["documents"], got["metadatas"], embeddings, strict=True):
        sound = text is not None and cosine(vector, fresh[text]) >= SAME_VECTOR
        if text is not None:
            known[text] = fresh[text]
        damaged += not sound
        wanted = live.get(id_)
        if not sound or wanted is None or text != wanted.text or (meta or {}).get("version_id") != wanted.version_id:
            stray.append(id_)
    if damaged:
        actions.append(f"found {damaged} stored vectors that were not their text's (a damaged vector file)")
    step = ingester.store.client.get_max_batch_size()
    for start in range(0, len(stray), step):
        ingester.store.collection.delete(ids=stray[start : start + step])
    if stray:
        actions.append(f"deleted {len(stray)} vectors that belong to no live passage")
    present = set(got["ids"]) - set(stray)
    missing = [p for p in passages if p.id not in present]
    if missing:
        new_texts = sorted({p.text for p in missing if p.text not in known})
        known.update(_embedded(ingester, new_texts))
        ingester.store.add(missing, [known[p.text] for p in missing])
        embedded = set(new_texts)
        actions.append(
            f"added {len(missing)} missing vectors ({sum(p.text in embedded for p in missing)} embedded, "
            f"{sum(p.text not in embedded for p in missing)} reused)"
        )
    return actions
