"""Which lists a first-start preparation is still ingesting, and how far it is: one small file in `STCE_HOME`.

The preparer (`ingest/firststart.py`) runs in whichever process started first (the UI, `stce ask`); every
reader, in that process or another, reads this file to say which lists an answer could not search yet and
to show the progress. A preparer that died leaves a stale file: its process id is gone, and readers ignore it.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

log = logging.getLogger(__name__)

STATUS_FILE = "preparing.json"


@dataclass(frozen=True)
class Preparation:
    """A preparation under way: the lists waiting or being ingested, the current one's phase and counts."""

    pending: list[str]
    """List labels not yet live (the current one included), in the order they are ingested."""
    current: str = ""
    phase: str = ""
    done: int = 0
    total: int = 0
    file_index: int = 0
    files: int = 0
    started: float = 0.0
    seconds_left: float | None = None
    pid: int = field(default_factory=os.getpid)
    share: float = 0.0
    """The share of the whole preparation done (by bytes of the files, each weighted by its phases)."""

    def line(self) -> str:
        """One line for a terminal or a page: "US CCL: embed 512/2552 (file 1/3), about 2 min left".

        >>> Preparation(["US CCL"], "US CCL", "embed", 512, 2552, 1, 3, 0.0, 130.0, 1).line()
        'US CCL: embed 512/2552 (file 1/3), about 2 min left'
        """
        counts = f" {self.done}/{self.total}" if self.total else ""
        left = "" if self.seconds_left is None else f", about {_duration(self.seconds_left)} left"
        return f"{self.current}: {self.phase}{counts} (file {self.file_index}/{self.files}){left}"


def _duration(seconds: float) -> str:
    """A short human duration.

    >>> _duration(42), _duration(130), _duration(3700)
    ('42 s', '2 min', '62 min')
    """
    return f"{seconds:.0f} s" if seconds < 60 else f"{seconds / 60:.0f} min"


def status_path(home: Path) -> Path:
    return home / STATUS_FILE


def write(home: Path, preparation: Preparation | None) -> None:
    """Record the preparation (atomically: a reader never sees half a file); None removes the record."""
    path = status_path(home)
    if preparation is None:
        path.unlink(missing_ok=True)
        return
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(asdict(preparation)), encoding="utf-8")
    tmp.replace(path)


def read(home: Path) -> Preparation | None:
    """The preparation under way, or None (none recorded, or its process is gone)."""
    try:
        record = json.loads(status_path(home).read_text(encoding="utf-8"))
        preparation = Preparation(**record)
    except FileNotFoundError:
        return None
    except (OSError, ValueError, TypeError) as error:
        log.info("no readable preparation record: %s", error)
        return None
    return preparation if _alive(preparation.pid) else None


def _alive(pid: int) -> bool:
    """True while process `pid` runs. A process that ended but was not yet reaped by its parent (a zombie) still
    answers a signal: on Linux its state in /proc says it is gone, so a dead preparer never reads as preparing."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # another user's process: it exists
    return not _zombie(pid)


def _zombie(pid: int) -> bool:
    """Whether /proc says `pid` ended unreaped (state Z, or X while it is being reaped); False where there is no
    /proc. The state follows the command name, which is in parentheses and may hold any character.

    >>> _zombie(os.getpid())
    False
    """
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    state = stat.rfind(")") + 2
    return stat[state : state + 1] in ("Z", "X")
