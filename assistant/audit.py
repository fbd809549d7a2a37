"""The audit trail: one JSON line per question and answer, with the entries cited and the source versions.

Officers decide on goods at the border from these answers, so what was asked, what was answered and from
which version of which list is kept in `STCE_HOME/audit/audit.jsonl`, rotated by size. Several processes
(the chat UI, the CLI) may answer at once: a file lock around each write keeps their lines whole and lets
only one of them rotate the file.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime, timezone
from logging.handlers import RotatingFileHandler
from pathlib import Path
from typing import Any

from filelock import FileLock

from assistant.render import answer_json
from assistant.settings import Settings
from assistant.types import Answer

log = logging.getLogger(__name__)

BACKUPS = 5
"""Rotated files kept beside the live one (audit.jsonl.1 ... .5), so the trail holds up to six times the size."""


def audit_entry(answer: Answer, conversation: str = "") -> dict[str, Any]:
    """What the trail keeps of one answer: the question, the answer text, candidates, citations and versions.

    `conversation` is the id of the UI conversation it was asked in (kept in `conversations.sqlite`).
    """
    cited = answer.citations + answer.guidance
    return {"at": datetime.now(timezone.utc).isoformat(timespec="milliseconds"),
            **({"conversation": conversation} if conversation else {}),
            **answer_json(answer, with_text=False),
            "sources": {c.passage.source: c.passage.version for c in cited}}


class _RotatingFile(RotatingFileHandler):
    """Raises a failed write to the caller instead of printing it, as logging handlers do by default."""

    def handleError(self, record: logging.LogRecord) -> None:  # noqa: N802  (logging's name)
        raise  # noqa: PLE0704  (called inside the handler's own `except`)


class AuditLog:
    """Appends answers to the audit file; does nothing when `settings.audit_log` is off."""

    def __init__(self, settings: Settings) -> None:
        self.enabled = settings.audit_log
        self.path = settings.home / "audit" / "audit.jsonl"
        self._lock = FileLock(str(self.path.with_name(self.path.name + ".lock")))
        self._handler: _RotatingFile | None = None
        if self.enabled:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._handler = _RotatingFile(
                self.path, maxBytes=settings.audit_log_max_bytes, backupCount=BACKUPS, encoding="utf-8", delay=True
            )

    def record(self, answer: Answer, conversation: str = "") -> None:
        """Append one line; a failing disk is logged, never turned into a failed answer."""
        if self._handler is None:
            return
        line = json.dumps(audit_entry(answer, conversation), ensure_ascii=False)
        record = logging.makeLogRecord({"msg": line, "levelno": logging.INFO, "levelname": "INFO"})
        try:
            with self._lock:
                self._handler.handle(record)
                self._handler.close()  # reopened by the next write: another process may have rotated the file
        except OSError as error:
            log.error("could not write the audit log %s: %s", self.path, error)

    def entries(self) -> list[dict[str, Any]]:
        """Every line still kept, oldest first (the rotated files, then the live one)."""
        files = [self.path.with_name(f"{self.path.name}.{n}") for n in range(BACKUPS, 0, -1)] + [self.path]
        return [json.loads(line) for path in files if path.exists() for line in _lines(path)]


def _lines(path: Path) -> list[str]:
    return [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
