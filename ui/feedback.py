"""Officers' thumbs up/down on answers, kept locally (SQLite in STCE_HOME) so weak answers can be reviewed."""

from __future__ import annotations

import json
import sqlite3
from contextlib import AbstractContextManager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Literal

from assistant.storage.db import transaction

Rating = Literal["up", "down"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    key TEXT PRIMARY KEY, at TEXT, question TEXT, answer TEXT, rating TEXT, comment TEXT
)
"""


class FeedbackStore:
    """One row per rated answer; rating again or adding a comment replaces the row."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        with self._connect() as db:
            db.execute(_SCHEMA)

    def _connect(self) -> AbstractContextManager[sqlite3.Connection]:
        return transaction(self.path)

    def save(self, key: str, question: str, answer: dict[str, Any], rating: Rating, comment: str = "") -> None:
        at = datetime.now(timezone.utc).isoformat(timespec="seconds")
        with self._connect() as db:
            db.execute(
                "INSERT OR REPLACE INTO feedback VALUES (?, ?, ?, ?, ?, ?)",
                (key, at, question, json.dumps(answer, ensure_ascii=False), rating, comment.strip()),
            )

    def all(self) -> list[dict[str, Any]]:
        """Every rating, oldest first, with the answer as it was shown."""
        with self._connect() as db:
            rows = db.execute("SELECT key, at, question, answer, rating, comment FROM feedback ORDER BY at").fetchall()
        return [
            {"key": k, "at": at, "question": q, "answer": json.loads(a), "rating": r, "comment": c}
            for k, at, q, a, r, c in rows
        ]
