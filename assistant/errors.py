"""The few errors the library raises; only the CLI and the UI turn them into messages."""

from __future__ import annotations

from pathlib import Path


class StceError(Exception):
    """Base class for errors a user can act on."""


class IngestError(StceError):
    """A file could not be ingested; names the file and the reason."""

    def __init__(self, path: Path | str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = str(path)
        self.reason = reason


class IndexBusyError(StceError):
    """Another process holds the writer lock; only one writer may change the index."""


class QuestionError(StceError):
    """A question that cannot be answered as given (empty, nothing but punctuation)."""


class LLMUnavailable(StceError):
    """The configured provider cannot be used (its extra is not installed, or a setting is missing)."""


class LLMTimeout(StceError):
    """The model did not finish its answer within `llm_timeout_s`."""


class StoreUnavailable(StceError):
    """The Chroma server (`STCE_CHROMA_URL`) does not answer; nothing is lost, and asking again works once it does."""

    def __init__(self, url: str | None) -> None:
        super().__init__(f"The search store (the Chroma server at {url}) does not answer. Nothing is lost: ask "
                         "again once it is running, or tell the administrator.")
