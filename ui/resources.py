"""What every page shares, built once per Streamlit process: the settings and the assistant.

Nothing here runs at import time, so importing a page module (as the tests do) costs nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import streamlit as st
import yaml

from assistant.ask import Assistant
from assistant.registry import Registry
from assistant.settings import Settings
from assistant.types import SourceDocument
from ingest.pipeline import Ingester
from ingest.starter import ensure_starter_corpus

log = logging.getLogger(__name__)


@st.cache_resource
def settings() -> Settings:
    """The one Settings object of the process, read from `STCE_*` variables."""
    return Settings()


@st.cache_resource(show_spinner="Loading the index and the starter corpus...")
def assistant() -> Assistant:
    """One assistant per process: it reloads the index by itself when an editor commits a new version."""
    current = settings()
    ensure_starter_corpus(current)
    return Assistant(current)


def sources() -> list[SourceDocument]:
    """The live sources, read fresh on every run so an ingest shows at once."""
    return Registry(settings().registry_path).sources()


@contextmanager
def ingester() -> Iterator[Ingester]:
    """A writer for one editor action; its Chroma client is closed after, so readers can reopen the store."""
    writer = Ingester(settings())
    try:
        yield writer
    finally:
        writer.store.client.close()


def scenarios() -> list[dict[str, Any]]:
    """Training scenarios from the starter corpus; none when the file is missing or unreadable."""
    path = settings().corpus_dir / "scenarios.yaml"
    try:
        loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as err:
        log.warning("no training scenarios: %s", err)
        return []
    return [s for s in loaded if isinstance(s, dict)] if isinstance(loaded, list) else []
