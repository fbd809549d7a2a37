"""The index as a reader sees it: the live snapshot and the vector store, reopened when a writer commits.

Embedded Chroma caches its vector index per process, so a reader in another process would keep
searching stale vectors after a re-ingest; checking the registry's generation before each question and
reopening on change keeps every reader on exactly one committed version.

Invariants: a view is one generation's verified snapshot and a store holding at least its vectors; a
damaged index raises `IndexDamaged` instead of giving a view. A load that fails while the generation
moves on (a writer pruned the snapshot being read, or deleted old vectors) is a switch, not damage:
the reader loads the new generation.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

from chromadb.api import ClientAPI

from assistant.core.errors import IndexDamaged
from assistant.core.settings import Settings
from assistant.core.types import SourceDocument
from assistant.storage.integrity import check_vectors, live_snapshot
from assistant.storage.registry import Registry
from assistant.storage.snapshot import Snapshot
from assistant.storage.store import PassageStore, make_client

log = logging.getLogger(__name__)

_LOAD_ATTEMPTS = 3


@dataclass(frozen=True)
class View:
    """A consistent view for answering one question: one generation's passages and their vectors."""

    generation: int
    snapshot: Snapshot
    store: PassageStore
    sources: list[SourceDocument]


class LiveIndex:
    """Hands out the current view, reloading the snapshot and reopening Chroma after a commit.

    Safe to share between threads (Streamlit sessions): one thread reloads while the others wait.
    """

    def __init__(self, settings: Settings, client: ClientAPI | None = None) -> None:
        self.settings = settings
        self.registry = Registry(settings.registry_path, read_only=True)
        self._injected = client
        self._view: View | None = None
        self._lock = threading.Lock()

    def view(self, fresh: bool = False) -> View:
        """The current generation's view; `fresh` reopens it even when no writer committed."""
        attempts = 0
        while True:
            generation, snapshot_name, checksum = self.registry.live()
            with self._lock:
                if not fresh and self._view is not None and self._view.generation == generation:
                    return self._view
                try:
                    self._view = self._load(generation, snapshot_name, checksum)
                    return self._view
                except IndexDamaged:
                    attempts += 1
                    if attempts == _LOAD_ATTEMPTS or self.registry.generation() == generation:
                        raise
                    log.info("the index changed while generation %d was loading; loading the new one", generation)

    def close(self) -> None:
        """Release our Chroma client: an embedded client left open pins this process to a stale view."""
        with self._lock:
            if self._view is not None and self._injected is None:
                self._view.store.client.close()
            self._view = None

    def is_current(self, view: View) -> bool:
        """True while no writer has committed since `view` was taken."""
        return self.registry.generation() == view.generation

    def _load(self, generation: int, snapshot_name: str, checksum: str | None) -> View:
        log.info("loading index generation %d", generation)
        snapshot = live_snapshot(self.settings, self.registry, snapshot_name, checksum)
        sources = self.registry.sources()
        if self._view is not None and self._injected is None:
            self._view.store.client.close()
        self._view = None
        client = self._injected or make_client(self.settings, read_only=True)
        store = PassageStore(client, self.settings.collection, self.settings.embed_batch_size)
        try:
            check_vectors(self.settings, store, sources)
        except IndexDamaged:
            if self._injected is None:
                client.close()
            raise
        return View(generation, snapshot, store, sources)
