"""The data directory is private: folders 700, files 600.

It holds the audit trail (who asked what about which goods) and the editors' sources; on a shared
machine no other account may read them. A writer makes the tree private when it starts and creates its
files under a private umask.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

log = logging.getLogger(__name__)

DIR_MODE = 0o700
FILE_MODE = 0o600


def private_dir(path: Path) -> Path:
    """Create `path` (and parents) and make it 700."""
    path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    if path.stat().st_mode & 0o777 != DIR_MODE:
        os.chmod(path, DIR_MODE)
    return path


def make_private(root: Path) -> None:
    """Folders 700 and files 600 under `root` (links are left alone): fixes data written by older versions."""
    for folder, _dirs, files in os.walk(root):
        os.chmod(folder, DIR_MODE)
        for name in files:
            path = Path(folder, name)
            if not path.is_symlink():
                os.chmod(path, FILE_MODE)


@contextmanager
def private_files() -> Iterator[None]:
    """Files and folders created meanwhile (by us or the store's own threads) are private."""
    previous = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(previous)
