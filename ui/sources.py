"""Sources page (editors): behind the editor password, upload and ingest lists, see what changed, remove.

Streamlit runs this file as the page script; its functions are importable for tests.
"""

from __future__ import annotations

import logging
import math
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import streamlit as st

from assistant.errors import IngestError, StceError
from assistant.types import ChangeReport
from ingest.load import INGESTED, check_bytes, safe_file_name, upload_types
from ingest.pipeline import FileResult
from ui import login, resources, session

log = logging.getLogger(__name__)

UPLOAD_TYPES = upload_types(INGESTED)


def unlock(expected: str) -> None:
    """Compare the password once the shared throttle allows a try; a right one gives a signed, expiring unlock."""
    given = st.session_state.pop("editor_password", "")
    home, address = resources.settings().home, session.client_address()
    throttle = login.Throttle(home)
    wait = throttle.book(address)
    if wait > 0:
        st.session_state["login_error"] = f"Too many wrong passwords: try again in {math.ceil(wait)} s."
        return
    if login.password_ok(given, expected):
        throttle.passed(address)
        session.remember(session.EDITOR, login.issue_token(home, expected))
        return
    log.warning("wrong editor password from %s", address)
    st.session_state["login_error"] = "Wrong password."


def lock() -> None:
    session.remember(session.EDITOR, "")


def locked() -> bool:
    """True (and the page says why) until the editor password was entered, in this tab in the last 30 minutes."""
    expected = resources.settings().editor_password
    if not expected:
        st.info("Editing is off. To enable it, start the app with the environment variable "
                "`STCE_EDITOR_PASSWORD` set to a password for editors, e.g. `STCE_EDITOR_PASSWORD=... stce ui`.")
        return True
    token = session.recall(session.EDITOR)
    if token and login.token_ok(resources.settings().home, expected, token):
        st.sidebar.button("Lock editing", on_click=lock, icon=":material/lock:")
        return False
    if token:
        lock()
        st.info("The editor unlock has expired: enter the password again.")
    with st.form("login"):
        st.text_input("Editor password", type="password", key="editor_password")
        st.form_submit_button("Unlock", on_click=unlock, args=(expected,))
    if error := st.session_state.pop("login_error", ""):
        st.error(error)
    return True


def ingest_uploads(
    uploads: list[tuple[str, bytes]], name: str = "", version_label: str = "", list_label: str = "",
    progress: Callable[[str, float], None] | None = None,
) -> list[FileResult]:
    """Check and ingest uploaded files; a refused or failing file is reported and the others go on.

    Each file is checked by the ingester's own rule before the writer lock is taken, and written to disk
    under a safe name (the browser's name is the sender's choice).
    """
    results: list[FileResult] = []
    max_bytes = int(resources.settings().max_file_mb * 1e6)
    with tempfile.TemporaryDirectory(prefix="stce-upload-") as folder:
        paths = []
        for raw_name, data in uploads:
            path = Path(folder) / safe_file_name(raw_name, "upload")
            try:
                check_bytes(data, path.name, INGESTED, max_bytes)
            except IngestError as err:
                results.append(FileResult(path.name, safe_file_name(path.stem), "failed", error=err.reason))
                continue
            if path.exists():
                results.append(FileResult(path.name, safe_file_name(path.stem), "failed",
                                          error="a second file of the same name"))
                continue
            path.write_bytes(data)
            paths.append(path)
        if paths:
            with resources.ingester() as writer:
                results += writer.ingest(paths, name=name or None, version_label=version_label,
                                         list_label=list_label or None, progress=progress)
    return results


def show_changes(changes: ChangeReport) -> None:
    """Entries added, removed and changed between two versions, with the diff of each changed entry."""
    st.markdown(f"**{changes.source}**: {changes.from_version or 'new'} → {changes.to_version}")
    added, removed, changed = changes.added, changes.removed, changes.changed
    left, middle, right = st.columns(3)
    left.metric("Entries added", len(added))
    middle.metric("Entries removed", len(removed))
    right.metric("Entries changed", len(changed))
    for label, codes in (("Added", added), ("Removed", removed), ("Changed", changed)):
        if codes:
            st.caption(f"{label}: " + ", ".join(codes))
    for code, diff in changes.diffs.items():
        with st.expander(f"Diff of {code}"):
            st.code(diff, language="diff")


def upload_form() -> None:
    settings = resources.settings()
    with st.form("upload", clear_on_submit=True):
        files = st.file_uploader("Control lists or training documents", type=UPLOAD_TYPES, accept_multiple_files=True,
                                 max_upload_size=max(1, int(settings.max_file_mb)))
        left, middle, right = st.columns(3)
        list_label = left.text_input("List label", placeholder="e.g. US CCL; default: from the file")
        version_label = middle.text_input("Version label", placeholder="e.g. 2026-06")
        name = right.text_input("Source name (one file)", placeholder="default: the file name",
                                help="Give an existing source's name to replace it with this new version.")
        submitted = st.form_submit_button("Ingest", icon=":material/upload:")
    if submitted and files:
        run_ingest([(f.name, f.getvalue()) for f in files], name, version_label, list_label)


def run_ingest(uploads: list[tuple[str, bytes]], name: str, version_label: str, list_label: str) -> None:
    """Ingest with a status box and a progress bar per file; the results stay shown until the next ingest."""
    with st.status(f"Ingesting {len(uploads)} file(s)...", expanded=True) as status:
        bars: dict[str, Any] = {}

        def progress(path: str, fraction: float) -> None:
            if path not in bars:
                bars[path] = st.progress(0.0, text=Path(path).name)
            bars[path].progress(min(fraction, 1.0), text=Path(path).name)

        try:
            results = ingest_uploads(uploads, name.strip(), version_label.strip(), list_label.strip(), progress)
        except StceError as err:
            status.update(label=f"Ingest failed: {err}", state="error")
            return
        failed = [r for r in results if r.status == "failed"]
        status.update(label=f"{len(results) - len(failed)} of {len(results)} file(s) ingested",
                      state="error" if failed else "complete")
    st.session_state["last_ingest"] = results


def show_results(results: list[FileResult]) -> None:
    for r in results:
        if r.status == "failed":
            st.error(f"{Path(r.path).name}: {r.error}")
        else:
            st.success(f"{Path(r.path).name} → source **{r.source}**: {r.status}, {r.passages} passages, "
                       f"{r.entries} entries ({r.seconds:.1f} s)")
        if r.status == "updated" and r.changes:
            show_changes(r.changes)


def remove(name: str) -> None:
    try:
        with resources.ingester() as writer:
            removed = writer.remove(name)
    except StceError as err:
        st.session_state["remove_error"] = str(err)
        return
    st.session_state["remove_error"] = "" if removed else f"No source named {name}."


def sources_table() -> None:
    docs = resources.sources()
    if not docs:
        st.info("No sources yet: upload a control list above.")
        return
    st.dataframe(
        [{"source": s.name, "list": s.list_label, "kind": s.kind, "version": s.version, "passages": s.passages,
          "entries": s.entries, "ingested at": s.ingested_at} for s in docs],
        hide_index=True,
    )
    if error := st.session_state.pop("remove_error", ""):
        st.error(error)
    with st.expander("Remove a source"):
        for s in docs:
            st.button(f"Remove {s.name}", key=f"remove-{s.name}", on_click=remove, args=(s.name,),
                      icon=":material/delete:")


def page() -> None:
    st.title("Sources")
    if locked():
        return
    st.subheader("Add or update")
    upload_form()
    show_results(st.session_state.get("last_ingest", []))
    st.subheader("Live sources")
    sources_table()


if __name__ == "__main__":
    page()
