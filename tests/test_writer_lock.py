"""A writer that cannot take the writer lock says who holds it and since when, instead of only "busy".

The holder is a real second process holding the lock through the Ingester, as an ingest or the UI does.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from assistant.core.errors import IndexBusyError
from assistant.core.settings import Settings
from ingest.pipeline import HOLDER_FILE, Ingester
from tests.conftest import ROOT

HOLD = """
import sys, time
from assistant.core.settings import Settings
from ingest.pipeline import Ingester
with Ingester(Settings(home=sys.argv[1]), holder="stce ingest") as writer, writer.locked():
    print("held", flush=True)
    sys.stdin.read()
"""


def test_a_busy_writer_names_the_holder_pid_command_and_start(settings: Settings) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(settings.home)],
        cwd=ROOT,
        text=True,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        record = settings.lock_path.with_name(HOLDER_FILE)
        assert record.stat().st_mode & 0o777 == 0o600
        waiting = Ingester(settings.model_copy(update={"lock_timeout_s": 0.5}))
        with pytest.raises(IndexBusyError) as busy:
            waiting.remove("anything")
        waiting.close()
        message = str(busy.value)
        assert re.search(
            rf"another ingest \(pid {holder.pid}, stce ingest, started \d\d:\d\d:\d\d UTC\) holds "
            rf"{re.escape(str(settings.lock_path))}; waited 0.5 s, try again when it ends",
            message,
        ), message
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(timeout=60)
    assert holder.returncode == 0
    assert not record.exists(), "the holder's record goes with the lock"
    with Ingester(settings) as writer:
        assert writer.remove("anything") is False, "the lock is free once the holder ended"
