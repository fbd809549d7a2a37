"""The registry of ingested sources: which version of each source is live, and the index generation.

SQLite gives one atomic switch from an old version to a new one: a reader either sees the old row set
and the old snapshot or the new ones. The generation number tells readers in other processes to reload.
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import AbstractContextManager
from dataclasses import asdict, astuple, fields
from pathlib import Path
from typing import Any

from assistant.db import transaction
from assistant.types import ChangeReport, SourceDocument

_SCHEMA = """
CREATE TABLE IF NOT EXISTS sources (
    name TEXT PRIMARY KEY, list_label TEXT, kind TEXT, version_label TEXT, content_hash TEXT,
    passages INTEGER, entries INTEGER, ingested_at TEXT, version_id TEXT, path TEXT, language TEXT DEFAULT ''
);
CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS pending (version_id TEXT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS changes (
    source TEXT, from_version TEXT, to_version TEXT, at TEXT, report TEXT
);
"""
_COLUMNS = [f.name for f in fields(SourceDocument)]


class Registry:
    """Sources, the live snapshot and the pending versions of a writer, in one SQLite file."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        with self._connect() as db:
            db.executescript(_SCHEMA)
            columns = {row[1] for row in db.execute("PRAGMA table_info(sources)")}
            if "language" not in columns:  # a registry written before sources recorded their language
                db.execute("ALTER TABLE sources ADD COLUMN language TEXT DEFAULT ''")

    def _connect(self) -> AbstractContextManager[sqlite3.Connection]:
        return transaction(self.path)

    def sources(self) -> list[SourceDocument]:
        with self._connect() as db:
            rows = db.execute(f"SELECT {', '.join(_COLUMNS)} FROM sources ORDER BY kind, name").fetchall()
        return [SourceDocument(*row) for row in rows]

    def source(self, name: str) -> SourceDocument | None:
        return next((s for s in self.sources() if s.name == name), None)

    def state(self) -> tuple[int, str]:
        """(generation, snapshot directory name); generation 0 means nothing was ever committed."""
        with self._connect() as db:
            rows = dict(db.execute("SELECT key, value FROM state").fetchall())
        return int(rows.get("generation", 0)), rows.get("snapshot", "")

    def generation(self) -> int:
        return self.state()[0]

    def add_pending(self, version_id: str) -> None:
        with self._connect() as db:
            db.execute("INSERT OR IGNORE INTO pending VALUES (?)", (version_id,))

    def pending(self) -> list[str]:
        with self._connect() as db:
            return [r[0] for r in db.execute("SELECT version_id FROM pending")]

    def clear_pending(self, version_ids: list[str]) -> None:
        with self._connect() as db:
            db.executemany("DELETE FROM pending WHERE version_id = ?", [(v,) for v in version_ids])

    def commit(
        self, snapshot: str, generation: int, upsert: SourceDocument | None = None, remove: str | None = None,
        change: ChangeReport | None = None,
    ) -> None:
        """Switch to a new snapshot and `generation` in one transaction.

        The writer, holding the one writer lock, numbered the snapshot with `generation`; it is recorded as
        given. The version being replaced or removed becomes pending in the same transaction: a writer killed
        before it deletes that version's vectors leaves them for the next writer's recovery, not orphaned.
        """
        with self._connect() as db:
            db.execute("BEGIN IMMEDIATE")
            replaced = upsert.name if upsert is not None else remove
            old = db.execute("SELECT version_id FROM sources WHERE name = ?", (replaced,)).fetchone()
            if old and (upsert is None or old[0] != upsert.version_id):
                db.execute("INSERT OR IGNORE INTO pending VALUES (?)", (old[0],))
            if remove is not None:
                db.execute("DELETE FROM sources WHERE name = ?", (remove,))
            if upsert is not None:
                db.execute(
                    f"INSERT OR REPLACE INTO sources ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))})",
                    astuple(upsert),
                )
                db.execute("DELETE FROM pending WHERE version_id = ?", (upsert.version_id,))
            if change is not None:
                db.execute(
                    "INSERT INTO changes VALUES (?, ?, ?, ?, ?)",
                    (change.source, change.from_version, change.to_version, change.at, json.dumps(asdict(change))),
                )
            db.executemany(
                "INSERT OR REPLACE INTO state VALUES (?, ?)",
                [("generation", str(generation)), ("snapshot", snapshot)],
            )

    def changes(self, source: str | None = None, limit: int = 20) -> list[ChangeReport]:
        """The most recent change reports (entries added, removed, changed), newest first."""
        query = "SELECT report FROM changes" + (" WHERE source = ?" if source else "") + " ORDER BY at DESC LIMIT ?"
        args: tuple[Any, ...] = (source, limit) if source else (limit,)
        with self._connect() as db:
            return [ChangeReport(**json.loads(r[0])) for r in db.execute(query, args)]
