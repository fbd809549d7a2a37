"""What every page shares, built once per Streamlit process: the settings and the assistant.

Nothing here runs at import time, so importing a page module (as the tests do) costs nothing.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import streamlit as st
import yaml

from assistant.answer.ask import Assistant
from assistant.answer.llm import AnswerStream
from assistant.core.private import private_dir
from assistant.core.settings import Settings
from assistant.core.types import Answer, SourceDocument
from assistant.storage.conversations import ConversationStore
from ingest import firststart
from ingest.firststart import lists_folder, needed
from ingest.pipeline import Ingester
from ingest.starter import ensure_starter_corpus

log = logging.getLogger(__name__)

PROJECT_ROOT = Path(__file__).resolve().parents[1]
"""The child that prepares the lists runs this same code."""
PREPARE_LOG = "prepare.log"
_PREPARERS: list[threading.Thread] = []
"""The thread that owns the child preparing the lists, once started (one per process)."""


@st.cache_resource
def settings() -> Settings:
    """The one Settings object of the process, read from `STCE_*` variables."""
    return Settings()


@st.cache_resource(show_spinner="Starting the assistant...")
def _assistant() -> Assistant:
    """The one assistant of the process, built at once: the slow loading is its `warm_up`.

    Only an in-process llama.cpp model (`STCE_LLM_PROVIDER=llamacpp`) loads while it is built.
    """
    return Assistant(settings())


def _start(current: Settings, ready: Assistant) -> Assistant:
    """Bring the starter corpus up to date, start preparing the lists if the index has none, then load the model
    and the index: all the first answer needs."""
    ensure_starter_corpus(current)
    start_preparation(current)
    ready.warm_up()
    return ready


def start_preparation(current: Settings) -> threading.Thread | None:
    """First start: ingest the lists folder's lists in a child process (`python -m ingest.firststart`) when the
    index holds no control list; the thread that owns the child (it ends when the child does), or None when
    nothing is to be prepared. A child reads PDFs with forked workers, which this threaded server cannot;
    a later start takes an unfinished preparation up. The child reads the other settings from the environment.

    The child is started and waited for by a thread of its own that lives as long as it does: the child asks
    for a death signal when the thread that started it ends (Linux prctl PR_SET_PDEATHSIG is per thread, not
    per process), so it must not be the start-up thread, which ends once the model is loaded and used to kill
    the preparation half way, leaving an unreaped child whose record read as "preparing" for ever."""
    if not needed(current) or lists_folder(current) is None or firststart.status(current.home) is not None:
        return None
    private_dir(current.home)
    started = threading.Event()
    owner = threading.Thread(target=_own_preparer, args=(current, started), name="stce-prepare", daemon=True)
    _PREPARERS[:] = [owner]
    owner.start()
    started.wait()
    return owner


def _own_preparer(current: Settings, started: threading.Event) -> None:
    """Start the preparing child, then wait for it: it lives while this thread does, and is reaped when it ends."""
    # on Linux the child ends with this server (a parent-death signal); elsewhere it finishes alone
    follow = ["--parent", str(os.getpid())] if sys.platform == "linux" else []
    try:
        with (current.home / PREPARE_LOG).open("ab") as log_file:
            child = subprocess.Popen(
                [sys.executable, "-m", "ingest.firststart", *follow],
                cwd=PROJECT_ROOT,
                env={**os.environ, "STCE_HOME": str(current.home)},
                stdout=subprocess.DEVNULL,
                stderr=log_file,
            )
    finally:
        started.set()
    if child.wait() != 0:
        log.warning("the lists' preparation ended with code %s: see %s", child.returncode, current.home / PREPARE_LOG)


def preparation_under_way() -> bool:
    """True while this process may still start the preparation (its start is running) or its child runs."""
    return not _starting().done() or any(owner.is_alive() for owner in _PREPARERS)


@st.cache_resource
def _starting() -> Future[Assistant]:
    """Start once per process, in the background: the page shows at once and only a question waits."""
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="stce-start")
    started = pool.submit(_start, settings(), _assistant())
    pool.shutdown(wait=False)
    return started


@st.cache_resource
def _asking() -> threading.Lock:
    """One question at a time per process: the index may close its store when it reloads after an ingest."""
    return threading.Lock()


def start() -> None:
    _starting()


def assistant() -> Assistant:
    """The assistant, warmed up; it reloads the index by itself when an editor commits a new version.

    A start that failed (the Chroma server was down) is started again, so the app recovers without a restart.
    """
    starting = _starting()
    if starting.done() and starting.exception() is not None:
        _starting.clear()
        starting = _starting()
    if not starting.done():
        with st.spinner("Loading the model and the index (only the first question waits)..."):
            return starting.result()
    return starting.result()


def ask(
    question: str,
    history: Sequence[str] = (),
    lists: Sequence[str] | None = None,
    sources: Sequence[str] | None = None,
    conversation: str = "",
    language: str | None = None,
    home_list: str | None = None,
) -> Answer:
    ready = assistant()
    with _asking():
        return ready.ask(
            question,
            history=history,
            lists=lists,
            sources=sources,
            llm=False,
            conversation=conversation,
            language=language,
            home_list=home_list,
        )


def stream(
    question: str,
    history: Sequence[str] = (),
    lists: Sequence[str] | None = None,
    sources: Sequence[str] | None = None,
    conversation: str = "",
    language: str | None = None,
    home_list: str | None = None,
) -> AnswerStream:
    """An LLM answer as it is written; retrieval runs under the question lock, the writing after it."""
    ready = assistant()
    with _asking():
        return ready.stream(
            question,
            history=history,
            lists=lists,
            sources=sources,
            conversation=conversation,
            language=language,
            home_list=home_list,
        )


@st.cache_resource
def conversations() -> ConversationStore:
    """The conversations of every session, beside the feedback store in STCE_HOME."""
    return ConversationStore(settings().home / "conversations.sqlite")


def sources() -> list[SourceDocument]:
    """The live sources, read fresh on every run so an ingest shows at once; no need to wait for the warm-up."""
    return _assistant().sources()


def ingester() -> Ingester:
    """A writer for one editor action; use it in a `with` block so its Chroma client is closed after."""
    return Ingester(settings(), holder="stce ui")


def scenarios() -> list[dict[str, Any]]:
    """Training scenarios from the starter corpus; none when the file is missing or unreadable."""
    path = settings().corpus_dir / "scenarios.yaml"
    try:
        loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as err:
        log.warning("no training scenarios: %s", err)
        return []
    return [s for s in loaded if isinstance(s, dict)] if isinstance(loaded, list) else []
