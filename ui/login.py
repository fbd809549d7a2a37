"""The editor's login: a delay on wrong passwords shared by every session, and an unlock that survives a reload.

Wrong passwords are counted in STCE_HOME (SQLite), so parallel sessions or processes share one count, both
per client address and for the editor account as a whole. Each try books the next allowed moment before the
password is compared, so parallel guesses wait their turn instead of running side by side. The account's
delay is capped low, so guesses from elsewhere never keep the real editor out for more than a few seconds;
one address's delay grows higher.

The unlock is an HMAC-signed expiry time, carried in the URL. The signing key comes from a random secret
kept in STCE_HOME (file mode 600) and the password, so changing the password ends every unlock; the
password itself is never stored.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from assistant.storage.db import transaction

TOKEN_TTL_S = 30 * 60
FORGET_S = 15 * 60
"""Wrong passwords older than this no longer count."""

ACCOUNT = "account:editor"


@dataclass(frozen=True)
class Limit:
    """Free tries, then a doubling delay from one second up to `cap`."""

    free: int
    cap: float

    def delay(self, failures: int) -> float:
        return 0.0 if failures < self.free else min(2.0 ** (failures - self.free), self.cap)


BY_ADDRESS = Limit(free=3, cap=60.0)
BY_ACCOUNT = Limit(free=10, cap=8.0)


def password_ok(given: str, expected: str) -> bool:
    """Constant-time comparison: the time taken says nothing about how much of the password was right."""
    return hmac.compare_digest(given.encode(), expected.encode())


class Throttle:
    """Wrong-password counts per account and per client address, shared through SQLite."""

    def __init__(self, home: Path) -> None:
        home.mkdir(parents=True, exist_ok=True)
        self.path = home / "logins.sqlite"
        with transaction(self.path) as db:
            db.execute(
                "CREATE TABLE IF NOT EXISTS tries (key TEXT PRIMARY KEY, failures INTEGER, next REAL, last REAL)"
            )

    def book(self, address: str, now: float | None = None) -> float:
        """0 when a try may go ahead (it is counted as wrong until `passed`), else the seconds to wait."""
        now = time.time() if now is None else now
        keys = {ACCOUNT: BY_ACCOUNT, f"address:{address}": BY_ADDRESS}
        with transaction(self.path) as db:
            db.execute("BEGIN IMMEDIATE")
            rows = {
                key: db.execute("SELECT failures, next, last FROM tries WHERE key = ?", (key,)).fetchone()
                for key in keys
            }
            counts = {
                key: (0, 0.0) if row is None or now - row[2] > FORGET_S else (row[0], row[1])
                for key, row in rows.items()
            }
            wait = max(nxt - now for _, nxt in counts.values())
            if wait > 0:
                return wait
            for key, limit in keys.items():
                failures = counts[key][0] + 1
                db.execute(
                    "INSERT OR REPLACE INTO tries VALUES (?, ?, ?, ?)",
                    (key, failures, now + limit.delay(failures), now),
                )
        return 0.0

    def passed(self, address: str) -> None:
        """The right password: this address and the account start afresh."""
        with transaction(self.path) as db:
            db.execute("DELETE FROM tries WHERE key IN (?, ?)", (ACCOUNT, f"address:{address}"))


def _secret(home: Path) -> bytes:
    """The random signing secret, created once with mode 600 (readable by the app's user only)."""
    path = home / "editor.key"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_bytes()
    with os.fdopen(fd, "wb") as out:
        out.write(secrets.token_bytes(32))
    return path.read_bytes()


def _signature(home: Path, password: str, expires: int) -> str:
    key = hmac.new(_secret(home), password.encode(), hashlib.sha256).digest()
    return hmac.new(key, f"editor:{expires}".encode(), hashlib.sha256).hexdigest()


def issue_token(home: Path, password: str, now: float | None = None) -> str:
    """An unlock valid for TOKEN_TTL_S: the expiry time and its signature."""
    expires = int((time.time() if now is None else now) + TOKEN_TTL_S)
    return f"{expires}.{_signature(home, password, expires)}"


def token_ok(home: Path, password: str, token: str, now: float | None = None) -> bool:
    """Signed with this secret and password, and not expired."""
    stamp, _, signature = token.partition(".")
    if not stamp.isdigit():
        return False
    now = time.time() if now is None else now
    expires = int(stamp)
    return now < expires <= now + TOKEN_TTL_S and hmac.compare_digest(signature, _signature(home, password, expires))
