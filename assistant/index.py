"""The index as a reader sees it: the live snapshot and the vector store, reopened when a writer commits.

Embedded Chroma caches its vector index per process, so a reader in another process would keep
searching stale vectors after a re-ingest; checking the registry's generation before each question and
reopening on change keeps every reader on exactly one committed version.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

from chromadb.api import ClientAPI

from assistant.registry import Registry
from assistant.settings import Settings
from assistant.snapshot import Snapshot
from assistant.store import PassageStore, make_client
from assistant.types import SourceDocument

log = logging.getLogger(__name__)


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

    def view(self) -> View:
        generation, snapshot_name = self.registry.state()
        with self._lock:
            if self._view is None or self._view.generation != generation:
                self._view = self._load(generation, snapshot_name)
            return self._view

    def is_current(self, view: View) -> bool:
        """True while no writer has committed since `view` was taken."""
        return self.registry.generation() == view.generation

    def _load(self, generation: int, snapshot_name: str) -> View:
        log.info("loading index generation %d", generation)
        snapshot = Snapshot.load(self.settings.snapshots_dir / snapshot_name) if snapshot_name else Snapshot.empty()
        if self._view is not None and self._injected is None:
            self._view.store.client.close()
        client = self._injected or make_client(self.settings, read_only=True)
        store = PassageStore(client, self.settings.collection, self.settings.embed_batch_size)
        return View(generation, snapshot, store, self.registry.sources())
