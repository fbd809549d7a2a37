"""The registry of ingested sources: which version of each source is live, and the index generation.

SQLite gives one atomic switch from an old version to a new one: a reader either sees the old row set
and the old snapshot or the new ones. The generation number tells readers in other processes to reload.

Invariants: the live snapshot's name, generation and checksum change together in one transaction,
written with `synchronous=FULL` so a commit that returned survives a power cut; the snapshot it names
was fsynced before. The content hash of every source row is the SHA-256 of the kept copy
(`Settings.kept_dir`) that the index can be rebuilt from.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import asdict, astuple, fields
from pathlib import Path
from typing import Any

from assistant.core.types import ChangeReport, SourceDocument
from assistant.storage.db import transaction

_SCHEMA = """
CREATE TABLE IF NOT EXISTS sources (
    name TEXT PRIMARY KEY, list_label TEXT, kind TEXT, version_label TEXT, content_hash TEXT,
    passages INTEGER, entries INTEGER, ingested_at TEXT, version_id TEXT, path TEXT, language TEXT DEFAULT '',
    work TEXT DEFAULT ''
);
CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS pending (version_id TEXT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS changes (
    source TEXT, from_version TEXT, to_version TEXT, at TEXT, report TEXT
);
CREATE TABLE IF NOT EXISTS warnings (source TEXT, warning TEXT);
"""
_COLUMNS = [f.name for f in fields(SourceDocument)]


@contextmanager
def _empty() -> Iterator[sqlite3.Connection]:
    """A registry with nothing ingested yet, in memory: what a reader sees before the first ingest."""
    db = sqlite3.connect(":memory:")
    try:
        db.executescript(_SCHEMA)
        yield db
    finally:
        db.close()


class Registry:
    """Sources, the live snapshot and the pending versions of a writer, in one SQLite file.

    A reader opens it `read_only`: questions must work on a read-only or full data directory, so a reader
    never creates the file or its tables (a registry not yet written reads as empty).
    """

    def __init__(self, path: Path, read_only: bool = False) -> None:
        self.path = path
        self.read_only = read_only
        if read_only:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.executescript(_SCHEMA)
            known = {row[1] for row in db.execute("PRAGMA table_info(sources)")}
            for column in _COLUMNS:
                if column not in known:
                    db.execute(f"ALTER TABLE sources ADD COLUMN {column} TEXT DEFAULT ''")

    def _connect(self) -> AbstractContextManager[sqlite3.Connection]:
        if not self.read_only:
            return transaction(self.path)
        if not self.path.exists():
            return _empty()
        # A writer killed mid-commit leaves a journal that only a read-write connection rolls back; reading
        # never writes otherwise, so the file is opened read-only only where it must be.
        return transaction(self.path, read_only=not os.access(self.path, os.W_OK))

    def sources(self) -> list[SourceDocument]:
        with self._connect() as db:
            rows = db.execute(f"SELECT {', '.join(_COLUMNS)} FROM sources ORDER BY kind, name").fetchall()
        return [SourceDocument(*row) for row in rows]

    def source(self, name: str) -> SourceDocument | None:
        return next((s for s in self.sources() if s.name == name), None)

    def state(self) -> tuple[int, str]:
        """(generation, snapshot directory name); generation 0 means nothing was ever committed."""
        return self.live()[:2]

    def live(self) -> tuple[int, str, str | None]:
        """(generation, snapshot name, snapshot checksum) read together; no checksum: written before they were kept."""
        with self._connect() as db:
            rows = dict(db.execute("SELECT key, value FROM state").fetchall())
        return int(rows.get("generation", 0)), rows.get("snapshot", ""), rows.get("checksum") or None

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
        self,
        snapshot: str,
        generation: int,
        upsert: SourceDocument | None = None,
        remove: str | None = None,
        change: ChangeReport | None = None,
        warnings: list[str] | None = None,
        checksum: str = "",
    ) -> None:
        """Switch to a new snapshot and `generation` in one transaction.

        The writer, holding the one writer lock, numbered the snapshot with `generation`; it is recorded as
        given. The version being replaced or removed becomes pending in the same transaction: a writer killed
        before it deletes that version's vectors leaves them for the next writer's recovery, not orphaned.
        The content checks' `warnings` replace those of the source's previous version.
        """
        with self._connect() as db:
            db.execute("PRAGMA synchronous = FULL")
            db.execute("BEGIN IMMEDIATE")
            replaced = upsert.name if upsert is not None else remove
            old = db.execute("SELECT version_id FROM sources WHERE name = ?", (replaced,)).fetchone()
            if old and (upsert is None or old[0] != upsert.version_id):
                db.execute("INSERT OR IGNORE INTO pending VALUES (?)", (old[0],))
            if replaced is not None:
                db.execute("DELETE FROM warnings WHERE source = ?", (replaced,))
                db.executemany("INSERT INTO warnings VALUES (?, ?)", [(replaced, w) for w in warnings or []])
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
                [("generation", str(generation)), ("snapshot", snapshot), ("checksum", checksum)],
            )

    def restore(self, sources: list[SourceDocument], snapshot: str, generation: int, checksum: str) -> None:
        """Rebuild a lost registry from a sound snapshot's manifest (the change history is not recoverable)."""
        with self._connect() as db:
            db.execute("PRAGMA synchronous = FULL")
            db.execute("BEGIN IMMEDIATE")
            db.execute("DELETE FROM sources")
            db.executemany(
                f"INSERT INTO sources ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))})",
                [astuple(s) for s in sources],
            )
            db.executemany(
                "INSERT OR REPLACE INTO state VALUES (?, ?)",
                [("generation", str(generation)), ("snapshot", snapshot), ("checksum", checksum)],
            )

    def switch_all(
        self,
        sources: list[SourceDocument],
        warnings: dict[str, list[str]],
        snapshot: str,
        generation: int,
        checksum: str,
    ) -> list[str]:
        """Replace every source row and the live snapshot in one transaction (an imported index bundle); the
        versions no longer live become pending in it, so a writer killed before deleting their vectors leaves
        them to the next writer's recovery. Returns those version ids."""
        with self._connect() as db:
            db.execute("PRAGMA synchronous = FULL")
            db.execute("BEGIN IMMEDIATE")
            keep = {s.version_id for s in sources}
            old = [r[0] for r in db.execute("SELECT version_id FROM sources") if r[0] not in keep]
            db.executemany("INSERT OR IGNORE INTO pending VALUES (?)", [(v,) for v in old])
            db.execute("DELETE FROM sources")
            db.execute("DELETE FROM warnings")
            db.executemany(
                f"INSERT INTO sources ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))})",
                [astuple(s) for s in sources],
            )
            db.executemany("INSERT INTO warnings VALUES (?, ?)", [(n, w) for n, ws in warnings.items() for w in ws])
            db.executemany("DELETE FROM pending WHERE version_id = ?", [(v,) for v in keep])
            db.executemany(
                "INSERT OR REPLACE INTO state VALUES (?, ?)",
                [("generation", str(generation)), ("snapshot", snapshot), ("checksum", checksum)],
            )
        return old

    def warnings(self) -> dict[str, list[str]]:
        """What the content checks found in each live source (repeated entry codes, text giving orders)."""
        found: dict[str, list[str]] = {}
        try:
            with self._connect() as db:
                for source, warning in db.execute("SELECT source, warning FROM warnings ORDER BY rowid"):
                    found.setdefault(source, []).append(warning)
        except sqlite3.OperationalError:  # a registry no writer of this version has opened yet
            return {}
        return found

    def changes(self, source: str | None = None, limit: int = 20) -> list[ChangeReport]:
        """The most recent change reports (entries added, removed, changed), newest first."""
        query = "SELECT report FROM changes" + (" WHERE source = ?" if source else "") + " ORDER BY at DESC LIMIT ?"
        args: tuple[Any, ...] = (source, limit) if source else (limit,)
        with self._connect() as db:
            return [ChangeReport(**json.loads(r[0])) for r in db.execute(query, args)]
