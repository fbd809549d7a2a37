"""API tokens for `stce serve`: an editor adds and revokes them; only a hash of each secret is kept.

A token is `stce_<id>_<secret>`: the id finds the row, the secret is compared with the stored SHA-256 of it
in constant time (`hmac.compare_digest`), so neither the database nor the time an answer takes gives a
working token away. Tokens live in `STCE_HOME/tokens.sqlite` (SQLite, beside the conversations and the
login throttle), so every process serving one home shares them and a revocation holds at once.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Literal

from assistant.core.private import private_dir, private_files
from assistant.storage.db import transaction

PREFIX = "stce_"
ID_BYTES = 6
"""The public part: 48 random bits are enough to tell a few hundred tokens apart without a clash in practice."""
SECRET_BYTES = 32
"""The secret: 256 random bits, as `secrets` recommends for tokens that guard something."""
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
_TOKEN = re.compile(rf"{PREFIX}(?P<id>[0-9a-f]{{{2 * ID_BYTES}}})_(?P<secret>[A-Za-z0-9_-]{{16,128}})")

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS tokens (name TEXT PRIMARY KEY, id TEXT UNIQUE NOT NULL, hash TEXT NOT NULL, "
    "created TEXT NOT NULL, revoked TEXT)"
)

Access = Literal["ok", "missing", "unknown", "revoked"]


@dataclass(frozen=True)
class TokenInfo:
    """One token as `stce token list` shows it: never its secret."""

    name: str
    created: str
    revoked: str | None


@dataclass(frozen=True)
class Checked:
    """Whether a presented token opens the API, and whose it is (empty unless `ok` or `revoked`)."""

    access: Access
    name: str = ""


def valid_name(name: str) -> bool:
    """A token name as the audit trail and the CLI show it: letters, digits, `.`, `_`, `-`; 64 at most.

    >>> valid_name("risk-engine.oslo"), valid_name(""), valid_name("a b")
    (True, False, False)
    """
    return NAME.fullmatch(name) is not None


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class TokenStore:
    """The API tokens of one home."""

    def __init__(self, home: Path) -> None:
        self.path = private_dir(home) / "tokens.sqlite"
        with private_files(), transaction(self.path) as db:
            db.execute(_SCHEMA)

    def add(self, name: str) -> str:
        """A new token named `name`, returned once (only its hash is kept); a revoked name may be used again.

        Raises ValueError for a name that is not valid or belongs to a token still in use.
        """
        if not valid_name(name):
            raise ValueError(f"token name {name!r}: use letters, digits, '.', '_' or '-' (64 at most)")
        token_id, secret = secrets.token_hex(ID_BYTES), secrets.token_urlsafe(SECRET_BYTES)
        with transaction(self.path) as db:
            db.execute("BEGIN IMMEDIATE")
            row = db.execute("SELECT revoked FROM tokens WHERE name = ?", (name,)).fetchone()
            if row is not None and row[0] is None:
                raise ValueError(f"a token named {name!r} is in use: revoke it first (stce token revoke {name})")
            db.execute(
                "INSERT OR REPLACE INTO tokens VALUES (?, ?, ?, ?, NULL)", (name, token_id, _digest(secret), _now())
            )
        return f"{PREFIX}{token_id}_{secret}"

    def revoke(self, name: str) -> bool:
        """Revoke the token named `name`; False when there is none in use of that name."""
        with transaction(self.path) as db:
            return bool(
                db.execute("UPDATE tokens SET revoked = ? WHERE name = ? AND revoked IS NULL", (_now(), name)).rowcount
            )

    def list(self) -> list[TokenInfo]:
        """Every token, in use or revoked, by name."""
        with transaction(self.path, read_only=True) as db:
            rows = db.execute("SELECT name, created, revoked FROM tokens ORDER BY name").fetchall()
        return [TokenInfo(*row) for row in rows]

    def check(self, presented: str | None) -> Checked:
        """Who holds `presented`: read fresh on every call, so a revocation in another process counts at once."""
        if not presented:
            return Checked("missing")
        match = _TOKEN.fullmatch(presented.strip())
        if match is None:
            return Checked("unknown")
        with transaction(self.path, read_only=True) as db:
            row = db.execute("SELECT name, hash, revoked FROM tokens WHERE id = ?", (match["id"],)).fetchone()
        if row is None or not hmac.compare_digest(_digest(match["secret"]), row[1]):
            return Checked("unknown")
        return Checked("revoked", row[0]) if row[2] else Checked("ok", row[0])
