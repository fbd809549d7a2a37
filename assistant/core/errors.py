"""The few errors the library raises; only the CLI and the UI turn them into messages."""

from __future__ import annotations

import errno
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


class NeedsWriteAccess(StceError):
    """A command that changes the index was given a home it cannot write (read-only, full, another user's)."""

    def __init__(self, home: Path | str, reason: str) -> None:
        super().__init__(f"this needs write access to {home}, and it has none: {reason}; nothing was changed")
        self.home = str(home)
        self.reason = reason


class QuestionError(StceError):
    """A question that cannot be answered as given (empty, nothing but punctuation)."""


class LLMUnavailable(StceError):
    """The configured provider cannot be used (its extra is not installed, or a setting is missing)."""


class LLMTimeout(StceError):
    """The model did not finish its answer within `llm_timeout_s`."""


def plain_reason(error: BaseException) -> str:
    """An unexpected error in words a user can act on: a full disk, a refused permission, a file too deep.

    A batch reports each file's failure and goes on, so whatever one file raised becomes its reason here.
    """
    if isinstance(error, StceError):
        return str(error)
    where = f" ({error.filename})" if isinstance(error, OSError) and error.filename else ""
    if isinstance(error, OSError) and error.errno == errno.ENOSPC:
        return f"the disk is full: no space left to write{where}; free some space and try again"
    if isinstance(error, OSError) and error.errno == errno.EROFS:
        return f"the data directory is on a read-only file system{where}"
    if isinstance(error, PermissionError):
        return f"permission denied{where}"
    if isinstance(error, OSError):
        return f"{error.strerror or error}{where}"
    if isinstance(error, RecursionError):
        return "nested too deeply to read"
    if isinstance(error, MemoryError):
        return "too large to read in the memory available"
    if "disk is full" in str(error) or "No space left" in str(error):
        return f"the disk is full: {error}"
    if "readonly database" in str(error):
        return f"the data directory cannot be written: {error}"
    return f"unexpected {type(error).__name__}: {error}"


class StoreUnavailable(StceError):
    """The Chroma server (`STCE_CHROMA_URL`) does not answer; nothing is lost, and asking again works once it does."""

    def __init__(self, url: str | None) -> None:
        super().__init__(
            f"The search store (the Chroma server at {url}) does not answer. Nothing is lost: ask "
            "again once it is running, or tell the administrator."
        )


class FetchError(StceError):
    """An official list's download was refused or failed (`stce lists fetch`): nothing was changed."""

    def __init__(self, name: str, url: str, reason: str) -> None:
        super().__init__(f"{name}: {url}: {reason}; nothing was changed")
        self.name, self.url, self.reason = name, url, reason


class BundleRefused(StceError):
    """An index bundle that is not imported (unknown key, bad signature, damaged or cut): nothing was changed."""

    def __init__(self, path: Path | str, reason: str) -> None:
        super().__init__(f"{path}: {reason}; the index was not changed")
        self.path = str(path)
        self.reason = reason
