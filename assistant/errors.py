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


class IndexDamaged(StceError):
    """A file of the index is missing or differs from what the registry recorded: never answer from it."""

    def __init__(self, path: Path | str, problem: str) -> None:
        super().__init__(f"{path}: {problem}. The index is damaged: run `stce index repair`")
        self.path = str(path)
        self.problem = problem


class QuestionError(StceError):
    """A question that cannot be answered as given (empty, nothing but punctuation)."""


class LLMUnavailable(StceError):
    """The configured provider cannot be used (its extra is not installed, or a setting is missing)."""


class LLMTimeout(StceError):
    """The model did not finish its answer within `llm_timeout_s`."""
