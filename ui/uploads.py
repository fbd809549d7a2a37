"""Uploaded files are freed once used.

Streamlit keeps every accepted upload in the server's memory, per session, until the session ends: an editor
who ingests a few 100 MB lists in one tab would hold them all. Streamlit frees chat-input files the same way
once read (only its in-memory manager can remove a single file).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager
from streamlit.runtime.scriptrunner import get_script_run_ctx
from streamlit.runtime.uploaded_file_manager import UploadedFile

log = logging.getLogger(__name__)


def free_uploads(files: Iterable[UploadedFile]) -> None:
    """Remove the files from the session's upload store; the page must then show a new uploader (a new key)."""
    ctx = get_script_run_ctx()
    if ctx is None or not isinstance(ctx.uploaded_file_mgr, MemoryUploadedFileManager):
        return
    for f in files:
        ctx.uploaded_file_mgr.remove_file(session_id=ctx.session_id, file_id=f.file_id)
        log.debug("freed upload %s", f.name)
