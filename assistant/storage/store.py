"""Passage vectors in one Chroma collection, embedded on disk or on a Chroma server.

Modelled on langchain-chroma: the client is injected (tests pass a temp or server one), the collection is
always opened with our registered embedding function, and raw results become records in one place.
"""

from __future__ import annotations

import atexit
import logging
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import chromadb
import numpy as np
from chromadb.api import ClientAPI
from chromadb.config import Settings as ChromaSettings

from assistant.core.errors import IndexDamaged, StoreUnavailable
from assistant.core.private import writable_copy
from assistant.core.settings import Settings
from assistant.core.types import Hit, Passage
from assistant.storage.embeddings import MiniLMEmbeddings

log = logging.getLogger(__name__)


def make_client(settings: Settings, read_only: bool = False, copy: bool = False) -> ClientAPI:
    """An HTTP client when `STCE_CHROMA_URL` is set, else a persistent client in `STCE_HOME`.

    A reader (`read_only`) never writes to `STCE_HOME`; see `_reader_client`. With `copy` it opens a temporary
    copy of the store even where it could open the store itself: embedded Chroma writes to a store as it opens
    it, and `stce index check` must not change what it checks (nor fail on a full disk).
    """
    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_url:
        from urllib.parse import urlparse

        url = urlparse(settings.chroma_url)
        try:
            return chromadb.HttpClient(
                host=url.hostname or "127.0.0.1",
                port=url.port or 8000,
                ssl=url.scheme == "https",
                settings=chroma_settings,
            )
        except ValueError as error:  # what chromadb raises when nothing answers at the URL
            raise StoreUnavailable(settings.chroma_url) from error
    if read_only:
        return _reader_client(settings.chroma_dir, chroma_settings, copy)
    settings.chroma_dir.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(settings.chroma_dir), settings=chroma_settings)


def _reader_client(directory: Path, chroma_settings: ChromaSettings, copy: bool = False) -> ClientAPI:
    """The store for answering questions, even when `directory` cannot be written.

    Embedded Chroma cannot open a store it may not write to (a read-only or full `STCE_HOME`), though
    the index in it is intact; then a temporary copy of it is searched, removed when the process ends.
    Before the first ingest there is nothing on disk: an empty store in memory, not a new folder.
    """
    if not directory.is_dir():
        return chromadb.EphemeralClient(settings=chroma_settings)
    if not copy:
        try:
            return chromadb.PersistentClient(path=str(directory), settings=chroma_settings)
        except Exception as error:  # noqa: BLE001  (Chroma raises several kinds here, and caches a failed open)
            log.warning(
                "the index in %s cannot be opened for writing (a read-only or full disk?); searching a copy",
                directory,
            )
            log.debug("opening %s failed: %r", directory, error)
    where = Path(tempfile.mkdtemp(prefix="stce-index-"))
    atexit.register(shutil.rmtree, where, ignore_errors=True)
    log.info("reading a copy of %s in %s", directory, where)
    shutil.copytree(directory, where, dirs_exist_ok=True)
    writable_copy(where)  # the copy keeps the original's read-only modes: Chroma writes as it opens
    return chromadb.PersistentClient(path=str(where), settings=chroma_settings)


def _results_to_hits(results: Any, collection: str) -> list[Hit]:
    """Turn a Chroma query result (one query) into hits; cosine distance becomes similarity.

    A vector whose record is gone (Chroma returns `None` for it while another process deletes a
    version) is a store that changed under the query: `IndexDamaged`, which readers retry on a fresh view.
    """
    rows = zip(
        results["ids"][0], results["documents"][0], results["metadatas"][0], results["distances"][0], strict=True
    )
    hits = []
    for id_, text, meta, dist in rows:
        if meta is None or text is None:
            raise IndexDamaged(f"Chroma collection {collection!r}", f"vector {id_} has no passage record")
        hits.append(Hit(Passage.from_metadata(id_, text, meta), 1.0 - float(dist), "dense"))
    return hits


class PassageStore:
    """Add, find and delete passage vectors; every passage carries the `version_id` of its source version."""

    def __init__(self, client: ClientAPI, collection: str = "passages", batch_size: int = 64) -> None:
        self.client = client
        self.embedding = MiniLMEmbeddings(batch_size=batch_size)
        self.collection = client.get_or_create_collection(
            name=collection, embedding_function=self.embedding, configuration={"hnsw": {"space": "cosine"}}
        )

    @classmethod
    def open(cls, settings: Settings) -> PassageStore:
        return cls(make_client(settings), settings.collection, settings.embed_batch_size)

    def add(self, passages: Sequence[Passage], embeddings: Sequence[np.ndarray]) -> None:
        """Write passages with precomputed vectors, in batches the client accepts."""
        step = self.client.get_max_batch_size()
        for start in range(0, len(passages), step):
            chunk = passages[start : start + step]
            self.collection.add(
                ids=[p.id for p in chunk],
                documents=[p.text for p in chunk],
                metadatas=[p.metadata() for p in chunk],
                embeddings=[np.asarray(e, dtype=np.float32) for e in embeddings[start : start + step]],
            )

    def vectors(self, version_id: str) -> Iterator[tuple[str, np.ndarray]]:
        """(text, vector) of every passage of one version, so unchanged text is never embedded again."""
        got = self.collection.get(where={"version_id": version_id}, include=["documents", "embeddings"])
        yield from zip(got["documents"] or [], got["embeddings"] if got["embeddings"] is not None else [], strict=True)

    def vectors_by_id(self, version_id: str) -> dict[str, np.ndarray]:
        """Every vector of one version by passage id: what an index bundle carries to another home."""
        got = self.collection.get(where={"version_id": version_id}, include=["embeddings"])
        vectors = got["embeddings"] if got["embeddings"] is not None else []
        return dict(zip(got["ids"], (np.asarray(v, dtype=np.float32) for v in vectors), strict=True))

    def search(self, query: str, k: int, version_ids: Sequence[str]) -> list[Hit]:
        """Nearest passages among the given source versions."""
        if not version_ids:
            return []
        where: dict[str, Any] = (
            {"version_id": version_ids[0]} if len(version_ids) == 1 else {"version_id": {"$in": list(version_ids)}}
        )
        results = self.collection.query(
            query_embeddings=self.embedding.embed_query([query]),
            n_results=k,
            where=where,
            include=["documents", "metadatas", "distances"],
        )
        return _results_to_hits(results, self.collection.name)

    def delete_versions(self, version_ids: Sequence[str]) -> None:
        for version_id in version_ids:
            self.collection.delete(where={"version_id": version_id})

    def count(self) -> int:
        return self.collection.count()
