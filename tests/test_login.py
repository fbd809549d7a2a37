"""The editor login's shared throttle and signed unlock, on a real SQLite file and secret in a temp STCE_HOME."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from ui.login import BY_ACCOUNT, BY_ADDRESS, TOKEN_TTL_S, Throttle, issue_token, token_ok

pytestmark = pytest.mark.unit

NOW = 1_800_000_000.0


def test_parallel_guesses_wait_their_turn(tmp_path: Path) -> None:
    """Sessions guessing at once share one count: after the free tries, one guess per delay, not one per session."""
    first, second = Throttle(tmp_path), Throttle(tmp_path)  # two sessions (or processes) on one STCE_HOME

    allowed = [t.book("10.0.0.9", NOW) == 0 for t in (first, second) * 3]

    assert allowed == [True] * BY_ADDRESS.free + [False] * (6 - BY_ADDRESS.free)
    assert 0 < second.book("10.0.0.9", NOW) <= BY_ADDRESS.delay(BY_ADDRESS.free)


def test_guesses_from_elsewhere_keep_the_real_editor_out_only_briefly(tmp_path: Path) -> None:
    throttle = Throttle(tmp_path)
    now = NOW
    for n in range(200):  # an attacker on many addresses, each guess as soon as it is allowed
        now += throttle.book(f"10.1.{n // 250}.{n % 250}", now)
        throttle.book(f"10.1.{n // 250}.{n % 250}", now)

    assert throttle.book("10.0.0.1", now) <= BY_ACCOUNT.cap, "the real editor waits seconds, not minutes"
    assert BY_ACCOUNT.cap < BY_ADDRESS.cap


def test_one_address_is_slowed_more_and_the_right_password_clears_it(tmp_path: Path) -> None:
    throttle = Throttle(tmp_path)
    now = NOW
    for _ in range(12):
        now += throttle.book("10.0.0.7", now)
        throttle.book("10.0.0.7", now)

    assert throttle.book("10.0.0.7", now) > BY_ACCOUNT.cap
    throttle.passed("10.0.0.7")
    assert throttle.book("10.0.0.7", now) == 0


def test_the_unlock_token_is_signed_expires_and_ends_with_a_new_password(tmp_path: Path) -> None:
    token = issue_token(tmp_path, "correct horse", NOW)

    assert token_ok(tmp_path, "correct horse", token, NOW + TOKEN_TTL_S - 1)
    assert not token_ok(tmp_path, "correct horse", token, NOW + TOKEN_TTL_S + 1), "expired"
    assert not token_ok(tmp_path, "another password", token, NOW), "a new password ends every unlock"
    stamp, signature = token.split(".")
    assert not token_ok(tmp_path, "correct horse", f"{int(stamp) + 3600}.{signature}", NOW), "expiry is signed"
    assert "correct horse" not in token and "correct" not in (tmp_path / "editor.key").read_bytes().decode("latin-1")
    assert stat.S_IMODE((tmp_path / "editor.key").stat().st_mode) == 0o600
