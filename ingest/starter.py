"""The starter corpus: ingested on first run, and again whenever its files change."""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

from chromadb.api import ClientAPI

from assistant.core.errors import IndexBusyError, IndexDamaged, plain_reason
from assistant.core.settings import Settings
from assistant.storage.registry import Registry
from ingest.load import CURRICULUM_LIST, collect_files, source_names
from ingest.pipeline import FileResult, Ingester

log = logging.getLogger(__name__)

STARTER_LIST = CURRICULUM_LIST
STARTER_VERSION = "starter"


def ensure_starter_corpus(settings: Settings, client: ClientAPI | None = None) -> list[FileResult]:
    """Bring the curriculum modules in `corpus/curriculum` up to date; unchanged files cost a hash each.

    The check only reads: a writer (and its lock, and write access to `STCE_HOME`) is needed only when a
    module changed, so questions work on a read-only or full data directory. A writer that cannot run
    leaves the index as it is, and says why in the log.
    """
    folder = settings.corpus_dir / "curriculum"
    if not folder.is_dir():
        log.warning("no starter corpus at %s", folder)
        return []
    files, _ = collect_files([folder])
    if _up_to_date(settings, files):
        return []
    quick = settings.model_copy(update={"lock_timeout_s": 1.0})
    try:
        with Ingester(quick, client) as ingester:
            return ingester.ingest([folder], list_label=STARTER_LIST, version_label=STARTER_VERSION)
    except IndexBusyError:
        log.info("an ingest is running; the starter corpus check waits for the next start")
    except IndexDamaged as damaged:
        log.info("the starter corpus check is skipped: %s", damaged)  # readers refuse the index and say why
    except Exception as error:  # noqa: BLE001  (questions go on over the index as it is)
        log.warning("the starter corpus could not be brought up to date: %s", plain_reason(error))
    return []


def _up_to_date(settings: Settings, files: list[Path]) -> bool:
    """True when every module is in the registry with the same content, read without writing anything."""
    known = {s.name: s for s in Registry(settings.registry_path, read_only=True).sources()}
    for path, name in source_names(files).items():
        source = known.get(name)
        if source is None or (source.content_hash, source.version_label, source.list_label) != (
            hashlib.sha256(path.read_bytes()).hexdigest(),
            STARTER_VERSION,
            STARTER_LIST,
        ):
            return False
    return True
