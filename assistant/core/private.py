"""The data directory is private: folders 700, files 600, or less where the owner took permissions away.

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
    """Create `path` (and parents) as 700; an existing one loses what others may do with it (see `_restrict`)."""
    path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    _restrict(path)
    return path


def make_private(root: Path) -> None:
    """Nothing under `root` open to others (links are left alone): fixes data written by older versions."""
    for folder, _dirs, files in os.walk(root):
        _restrict(Path(folder))
        for name in files:
            path = Path(folder, name)
            if not path.is_symlink():
                _restrict(path)


def writable_copy(root: Path) -> None:
    """Folders 700 and files 600 under `root`, a copy this process made of a read-only original: the copy is
    ours, and Chroma writes to a store as it opens it."""
    for folder, _dirs, files in os.walk(root):
        os.chmod(folder, DIR_MODE)
        for name in files:
            path = Path(folder, name)
            if not path.is_symlink():
                os.chmod(path, FILE_MODE)


def _restrict(path: Path) -> None:
    """Take away the group's and others' permissions, never add one: a folder its owner made read-only (500)
    stays read-only, though root could write it."""
    mode = path.stat().st_mode & 0o777
    if mode & 0o077:
        os.chmod(path, mode & ~0o077)


@contextmanager
def private_files() -> Iterator[None]:
    """Files and folders created meanwhile (by us or the store's own threads) are private."""
    previous = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(previous)
