"""The starter corpus: ingested on first run, and again whenever its files change."""

from __future__ import annotations

import logging

from chromadb.api import ClientAPI

from assistant.errors import IndexBusyError
from assistant.settings import Settings
from ingest.load import CURRICULUM_LIST
from ingest.pipeline import FileResult, Ingester

log = logging.getLogger(__name__)

STARTER_LIST = CURRICULUM_LIST


def ensure_starter_corpus(settings: Settings, client: ClientAPI | None = None) -> list[FileResult]:
    """Bring the curriculum modules in `corpus/curriculum` up to date; unchanged files cost a hash each."""
    folder = settings.corpus_dir / "curriculum"
    if not folder.is_dir():
        log.warning("no starter corpus at %s", folder)
        return []
    quick = settings.model_copy(update={"lock_timeout_s": 1.0})
    try:
        with Ingester(quick, client) as ingester:
            return ingester.ingest([folder], list_label=STARTER_LIST, version_label="starter")
    except IndexBusyError:
        log.info("an ingest is running; the starter corpus check waits for the next start")
        return []
