"""Conversations kept server-side (SQLite in STCE_HOME, beside the feedback store), so a reload brings them back.

A conversation belongs to whoever holds its owner key: a random token the browser keeps in its URL. Only a
hash of the key is stored, so reading the database does not give the right to open or delete a conversation.
Each turn keeps the whole Answer, with its `query` (the history a follow-up is read against), as JSON.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import types
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import cache
from pathlib import Path
from typing import Any, Union, get_args, get_origin, get_type_hints

from assistant.core.types import Answer
from assistant.storage.db import transaction

log = logging.getLogger(__name__)

TITLE_CHARS = 80

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS conversations (id TEXT PRIMARY KEY, owner TEXT NOT NULL, title TEXT, "
    "created TEXT, updated TEXT)",
    "CREATE INDEX IF NOT EXISTS conversations_owner ON conversations (owner, updated)",
    "CREATE TABLE IF NOT EXISTS turns (conversation TEXT NOT NULL, n INTEGER NOT NULL, id TEXT, question TEXT, "
    "answer TEXT, error TEXT, at TEXT, PRIMARY KEY (conversation, n))",
)


@dataclass(frozen=True)
class Summary:
    """One conversation as the sidebar lists it: its first question and when it last changed."""

    id: str
    title: str
    updated: str


@dataclass(frozen=True)
class StoredTurn:
    """One question and its answer, or the reason there is none."""

    id: str
    question: str
    answer: Answer | None
    error: str = ""


class ConversationStore:
    """Conversations by owner; every read and write checks the owner key, so a guessed id opens nothing."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        with transaction(path) as db:
            for statement in _SCHEMA:
                db.execute(statement)

    def save(self, owner: str, conversation: str, turn: StoredTurn) -> None:
        """Append a turn, or replace the one with the same id (a question stored before its answer is done).

        The conversation is created with its first question as title.
        """
        at = _now()
        answer = json.dumps(dataclasses.asdict(turn.answer), ensure_ascii=False) if turn.answer else None
        with transaction(self.path) as db:
            db.execute("BEGIN IMMEDIATE")
            row = db.execute("SELECT owner FROM conversations WHERE id = ?", (conversation,)).fetchone()
            if row is None:
                db.execute(
                    "INSERT INTO conversations VALUES (?, ?, ?, ?, ?)",
                    (conversation, _hash(owner), turn.question[:TITLE_CHARS], at, at),
                )
            elif row[0] != _hash(owner):
                raise PermissionError(f"conversation {conversation} belongs to another session")
            else:
                db.execute("UPDATE conversations SET updated = ? WHERE id = ?", (at, conversation))
            replaced = db.execute(
                "UPDATE turns SET question = ?, answer = ?, error = ?, at = ? WHERE conversation = ? AND id = ?",
                (turn.question, answer, turn.error, at, conversation, turn.id),
            ).rowcount
            if not replaced:
                db.execute(
                    "INSERT INTO turns VALUES (?, (SELECT COUNT(*) FROM turns WHERE conversation = ?), ?, ?, ?, ?, ?)",
                    (conversation, conversation, turn.id, turn.question, answer, turn.error, at),
                )

    def turns(self, owner: str, conversation: str) -> list[StoredTurn]:
        """The conversation's turns in order; none when it is not the owner's or no longer exists."""
        with transaction(self.path) as db:
            rows = db.execute(
                "SELECT t.id, t.question, t.answer, t.error FROM turns t JOIN conversations c "
                "ON c.id = t.conversation WHERE c.id = ? AND c.owner = ? ORDER BY t.n",
                (conversation, _hash(owner)),
            ).fetchall()
        return [
            StoredTurn(key, question, _answer(answer, conversation), error or "")
            for key, question, answer, error in rows
        ]

    def list(self, owner: str) -> list[Summary]:
        """The owner's conversations, most recent first."""
        with transaction(self.path) as db:
            rows = db.execute(
                "SELECT id, title, updated FROM conversations WHERE owner = ? ORDER BY updated DESC", (_hash(owner),)
            ).fetchall()
        return [Summary(*row) for row in rows]

    def delete(self, owner: str, conversation: str) -> bool:
        """Remove a conversation and its turns; False when it is not the owner's."""
        with transaction(self.path) as db:
            gone = db.execute(
                "DELETE FROM conversations WHERE id = ? AND owner = ?", (conversation, _hash(owner))
            ).rowcount
            if gone:
                db.execute("DELETE FROM turns WHERE conversation = ?", (conversation,))
        return bool(gone)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


def _hash(owner: str) -> str:
    return hashlib.sha256(owner.encode()).hexdigest()


def _answer(stored: str | None, conversation: str) -> Answer | None:
    """The stored answer; one written by an older version that no longer reads is dropped, not fatal."""
    if stored is None:
        return None
    try:
        return from_json(Answer, json.loads(stored))
    except (TypeError, ValueError, KeyError) as err:
        log.warning("an answer of conversation %s can no longer be read: %s", conversation, err)
        return None


@cache
def _hints(record: type) -> dict[str, Any]:
    return get_type_hints(record)


def from_json(kind: Any, data: Any) -> Any:
    """A record rebuilt from `dataclasses.asdict` output, led by the type hints of `assistant/core/types.py`.

    Fields added since (with defaults) take their default; fields since removed are ignored.
    """
    if data is None:
        return None
    if dataclasses.is_dataclass(kind):
        hints = _hints(kind)
        known = {f.name for f in dataclasses.fields(kind) if f.init}
        return kind(**{k: from_json(hints[k], v) for k, v in data.items() if k in known})
    origin, args = get_origin(kind), get_args(kind)
    if origin in (Union, types.UnionType):
        options = [a for a in args if a is not type(None)]
        fitting = [a for a in options if not dataclasses.is_dataclass(a) or _fits(a, data)]
        return from_json(fitting[0], data) if fitting else data
    if origin is list:
        return [from_json(args[0], x) for x in data]
    if origin is tuple:
        items = args[:1] * len(data) if len(args) == 2 and args[1] is Ellipsis else args
        return tuple(from_json(a, x) for a, x in zip(items, data))
    if origin is dict:
        return {k: from_json(args[1], v) for k, v in data.items()}
    return data


def _fits(record: type, data: Any) -> bool:
    """Whether `data` is this record of a union (Node or Leaf): its keys are the record's, its required ones there."""
    if not isinstance(data, dict):
        return False
    fields = dataclasses.fields(record)
    required = {f.name for f in fields if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING}
    return required <= data.keys() <= {f.name for f in fields}
