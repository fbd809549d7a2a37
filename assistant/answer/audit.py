"""The audit trail: one JSON line per question and answer, with the entries cited and the source versions.

Officers decide on goods at the border from these answers, so what was asked, what was answered and from
which version of which list is kept in `STCE_HOME/audit/audit.jsonl`. When it reaches its size it is
archived, compressed, as `audit-000001.jsonl.gz`, ...; archives are never deleted unless `STCE_AUDIT_KEEP`
limits their number. The files are private (600, folder 700): they say who asked about which goods.
Several processes (the chat UI, the CLI) may answer at once: a file lock around each write keeps their
lines whole and lets only one of them archive the file.
"""

from __future__ import annotations

import gzip
import json
import logging
import os
import re
import shutil
from datetime import datetime, timezone
from logging.handlers import RotatingFileHandler
from pathlib import Path
from typing import Any

from filelock import FileLock

from assistant.answer.render import answer_json
from assistant.core.private import FILE_MODE, private_dir
from assistant.core.settings import Settings
from assistant.core.types import Answer

log = logging.getLogger(__name__)

LEGACY_BACKUPS = 5
"""Earlier versions rotated to audit.jsonl.1 ... .5 (deleting the oldest); those files are still read."""
_ARCHIVE = re.compile(r"audit-(\d+)\.jsonl\.gz")


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


def audit_entry(answer: Answer, conversation: str = "", token: str = "") -> dict[str, Any]:
    """What the trail keeps of one answer: the question, the answer text, candidates, citations and versions.

    `conversation` is the id of the conversation it was asked in (kept in `conversations.sqlite`); `token`
    the name of the API token it was asked with (`stce serve`).
    """
    cited = answer.citations + answer.guidance
    return {
        "at": _now(),
        **({"conversation": conversation} if conversation else {}),
        **({"token": token} if token else {}),
        **answer_json(answer, with_text=False),
        "sources": {c.passage.source: c.passage.version for c in cited},
    }


def archives(folder: Path) -> list[Path]:
    """The compressed archives of the trail, oldest first."""
    return [p for _, p in _numbered(folder)]


def _numbered(folder: Path) -> list[tuple[int, Path]]:
    return sorted((int(m.group(1)), p) for p in folder.glob("audit-*.jsonl.gz") if (m := _ARCHIVE.fullmatch(p.name)))


class _ArchivingFile(RotatingFileHandler):
    """Archives the full file (gzip, numbered) instead of shifting backups and deleting the last; raises a
    failed write to the caller instead of printing it, as logging handlers do by default."""

    def __init__(self, path: Path, max_bytes: int, keep: int) -> None:
        super().__init__(path, maxBytes=max_bytes, backupCount=0, encoding="utf-8", delay=True)
        self.keep = keep

    def _open(self):  # type: ignore[no-untyped-def]  (logging's signature)
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_APPEND | os.O_CREAT, FILE_MODE)
        return open(fd, "a", encoding=self.encoding, errors=self.errors)  # noqa: SIM115  (the handler closes it)

    def doRollover(self) -> None:  # noqa: N802  (logging's name)
        if self.stream:
            self.stream.close()
            self.stream = None  # type: ignore[assignment]
        live = Path(self.baseFilename)
        kept = _numbered(live.parent)
        archive = live.with_name(f"audit-{kept[-1][0] + 1 if kept else 1:06d}.jsonl.gz")
        partial = archive.with_name(archive.name + ".tmp")
        with (
            live.open("rb") as source,
            open(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE), "wb") as raw,
            gzip.GzipFile(fileobj=raw, mode="wb") as target,
        ):
            shutil.copyfileobj(source, target)
        os.replace(partial, archive)
        live.unlink()
        if self.keep:
            for old in archives(live.parent)[: -self.keep]:
                old.unlink()

    def handleError(self, record: logging.LogRecord) -> None:  # noqa: N802  (logging's name)
        raise  # noqa: PLE0704  (called inside the handler's own `except`)


class AuditLog:
    """Appends answers to the audit file; does nothing when `settings.audit_log` is off."""

    def __init__(self, settings: Settings) -> None:
        self.enabled = settings.audit_log
        self.path = settings.home / "audit" / "audit.jsonl"
        self._lock = FileLock(str(self.path.with_name(self.path.name + ".lock")), mode=FILE_MODE)
        self._handler: _ArchivingFile | None = None
        if self.enabled:
            self._handler = _ArchivingFile(self.path, settings.audit_log_max_bytes, settings.audit_keep)

    def record(self, answer: Answer, conversation: str = "", token: str = "") -> None:
        """Append one answer's line; a failing disk is logged, never turned into a failed answer."""
        self._write(audit_entry(answer, conversation, token))

    def record_call(self, token: str, call: str, status: int, **details: Any) -> None:
        """Append one line for an API call (`stce serve`): who (the token's name, empty when none was
        accepted), which call (`POST /ask`), its HTTP status and what else identifies it."""
        self._write({"at": _now(), "token": token, "call": call, "status": status, **details})

    def _write(self, entry: dict[str, Any]) -> None:
        if self._handler is None:
            return
        line = json.dumps(entry, ensure_ascii=False)
        record = logging.makeLogRecord({"msg": line, "levelno": logging.INFO, "levelname": "INFO"})
        try:
            private_dir(self.path.parent)
            with self._lock:
                self._handler.handle(record)
                self._handler.close()  # reopened by the next write: another process may have rotated the file
        except OSError as error:
            log.error("could not write the audit log %s: %s", self.path, error)

    def entries(self) -> list[dict[str, Any]]:
        """Every line kept, oldest first (an older version's rotated files, the archives, then the live one)."""
        legacy = [self.path.with_name(f"{self.path.name}.{n}") for n in range(LEGACY_BACKUPS, 0, -1)]
        files = legacy + archives(self.path.parent) + [self.path]
        return [json.loads(line) for path in files if path.exists() for line in _lines(path)]


def _lines(path: Path) -> list[str]:
    text = gzip.decompress(path.read_bytes()).decode("utf-8") if path.suffix == ".gz" else path.read_text("utf-8")
    return [line for line in text.splitlines() if line.strip()]
