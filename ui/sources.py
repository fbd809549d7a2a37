"""Sources page (editors): behind the editor password, upload and ingest lists, see what changed, remove.

Streamlit runs this file as the page script; its functions are importable for tests.
"""

from __future__ import annotations

import logging
import math
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import streamlit as st

from assistant.core.errors import IngestError, StceError
from assistant.core.types import ChangeReport, Kind, Progress, SourceDocument
from ingest.load import DEFAULT_LISTS, INGESTED, KIND_LABELS, check_bytes, detect, safe_file_name, upload_types
from ingest.pipeline import FileResult, OnProgress
from ui import login, resources, session
from ui.answer_view import escape_md
from ui.uploads import free_uploads

log = logging.getLogger(__name__)

UPLOAD_TYPES = upload_types(INGESTED)
KINDS: list[Kind] = list(KIND_LABELS)


def unlock(expected: str) -> None:
    """Compare the password once the shared throttle allows a try; a right one gives a signed, expiring unlock."""
    given = st.session_state.get("editor_password", "")
    st.session_state["editor_password"] = ""  # a wrong password must not stay in the field for the next try
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
        st.info(
            "Editing is off. To enable it, start the app with the environment variable "
            "`STCE_EDITOR_PASSWORD` set to a password for editors, e.g. `STCE_EDITOR_PASSWORD=... stce ui`."
        )
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


@dataclass(frozen=True)
class Upload:
    """One attached file and what the editor chose for it: its kind (None: as detected) and list label."""

    name: str
    data: bytes
    kind: Kind | None = None
    list_label: str = ""


def ingest_uploads(
    uploads: list[Upload],
    name: str = "",
    version_label: str = "",
    progress: OnProgress | None = None,
) -> list[FileResult]:
    """Check and ingest uploaded files; a refused or failing file is reported and the others go on.

    Each file is checked by the ingester's own rule before the writer lock is taken, and written to disk
    under a safe name (the browser's name is the sender's choice). `name` names the source of a single file.
    """
    results: list[FileResult] = []
    max_bytes = int(resources.settings().max_file_mb * 1e6)
    with tempfile.TemporaryDirectory(prefix="stce-upload-") as folder:
        accepted: list[tuple[Path, Upload]] = []
        for upload in uploads:
            path = Path(folder) / safe_file_name(upload.name, "upload")
            try:
                check_bytes(upload.data, path.name, INGESTED, max_bytes)
            except IngestError as err:
                results.append(FileResult(path.name, safe_file_name(path.stem), "failed", error=err.reason))
                continue
            if path.exists():
                results.append(
                    FileResult(path.name, safe_file_name(path.stem), "failed", error="a second file of the same name")
                )
                continue
            path.write_bytes(upload.data)
            accepted.append((path, upload))
        if accepted:
            with resources.ingester() as writer:
                for path, upload in accepted:
                    results += writer.ingest(
                        [path],
                        name=name if len(uploads) == 1 else None,
                        version_label=version_label,
                        list_label=upload.list_label or None,
                        progress=progress,
                        kind=upload.kind,
                    )
    return results


@st.cache_data(max_entries=16, show_spinner="Reading the file to propose its kind...")
def detected(file_name: str, data: bytes) -> tuple[Kind | None, str, str]:
    """(kind, list label, what was found) as the file's content shows them; (None, "", why) if unreadable."""
    try:
        loaded = detect(data, Path(safe_file_name(file_name, "upload")))
    except IngestError as err:
        return None, "", err.reason
    found = "entries found" if loaded.entries else "no entries found"
    return loaded.kind, loaded.default_list, found


def choose(index: int, file_name: str, data: bytes, round_: int) -> Upload:
    """One row per attached file: the detected kind proposed, and the list label the kind proposes."""
    kind, label, found = detected(file_name, data)
    name_col, kind_col, label_col = st.columns([3, 2, 3], vertical_alignment="center")
    name_col.markdown(f"**{escape_md(file_name)}**")
    if kind is None:
        kind_col.error(found)
        return Upload(file_name, data)
    name_col.caption(f"Detected: {KIND_LABELS[kind]}, {found}")
    chosen: Kind = kind_col.selectbox(
        "Kind", KINDS, index=KINDS.index(kind), format_func=KIND_LABELS.__getitem__, key=f"kind-{round_}-{index}"
    )
    proposed = label if chosen == kind else DEFAULT_LISTS.get(chosen, "")
    list_label = label_col.text_input(
        "List label",
        value=proposed,
        key=f"list-{round_}-{index}-{chosen}",
        placeholder="e.g. US CCL; default: the source name",
        help="Lists are what officers pick in the chat; guidance-only documents are no list.",
        disabled=chosen == "other",
    )
    return Upload(file_name, data, chosen, list_label.strip())


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
    """Attach files, check the proposed kind and list label of each, then ingest (disabled until a file is in)."""
    settings = resources.settings()
    round_ = st.session_state.setdefault("upload_round", 0)
    files = (
        st.file_uploader(
            "Control lists or training documents",
            type=UPLOAD_TYPES,
            accept_multiple_files=True,
            max_upload_size=max(1, int(settings.max_file_mb)),
            key=f"upload-{round_}",
        )
        or []
    )
    left, right = st.columns(2)
    version_label = left.text_input("Version label", placeholder="e.g. 2026-06", key=f"version-{round_}")
    name = right.text_input(
        "Source name (one file)",
        placeholder="default: the file name",
        key=f"name-{round_}",
        disabled=len(files) > 1,
        help="Give an existing source's name to replace it with this new version.",
    )
    uploads = [choose(i, f.name, f.getvalue(), round_) for i, f in enumerate(files)]
    if st.button(
        "Ingest",
        icon=":material/upload:",
        type="primary",
        disabled=not files,
        help=None if files else "Attach a file first.",
    ):
        try:
            run_ingest(uploads, name.strip(), version_label.strip())
        finally:
            free_uploads(files)
        st.session_state["upload_round"] = round_ + 1
        st.rerun()


PHASES = {
    "read": "reading the file",
    "split": "splitting into passages",
    "embed": "embedding passages",
    "switch": "switching the index to the new version",
    "done": "done",
}


def progress_text(step: Progress, embed_started: float | None, now: float) -> str:
    """What the writer is doing with one file, and the time left once embedding (the slow phase) has a rate."""
    text = f"{Path(step.path).name}: {PHASES[step.phase]}"
    if step.phase != "embed":
        return text
    text += f" {step.done}/{step.total}"
    if embed_started is not None and step.done and step.done < step.total:
        left = (now - embed_started) / step.done * (step.total - step.done)
        text += f", about {left:.0f} s left" if left < 120 else f", about {left / 60:.0f} min left"
    return text


def run_ingest(uploads: list[Upload], name: str, version_label: str) -> None:
    """Ingest with a status box and a progress bar per file; the results stay shown until the next ingest."""
    with st.status(f"Ingesting {len(uploads)} file(s)...", expanded=True) as status:
        bars: dict[str, Any] = {}
        embed_started: dict[str, float] = {}

        def progress(step: Progress) -> None:
            now = time.monotonic()
            if step.phase == "embed" and step.done == 0:
                embed_started[step.path] = now
            text = progress_text(step, embed_started.get(step.path), now)
            if step.path not in bars:
                bars[step.path] = st.progress(0.0, text=text)
            bars[step.path].progress(min(step.fraction, 1.0), text=text)
            status.update(label=text)

        try:
            results = ingest_uploads(uploads, name, version_label, progress)
        except StceError as err:
            status.update(label=f"Ingest failed: {err}", state="error")
            return
        failed = [r for r in results if r.status == "failed"]
        status.update(
            label=f"{len(results) - len(failed)} of {len(results)} file(s) ingested",
            state="error" if failed else "complete",
        )
    st.session_state["last_ingest"] = results


def show_results(results: list[FileResult]) -> None:
    for r in results:
        if r.status == "failed":
            st.error(f"{Path(r.path).name}: {r.error}")
        else:
            st.success(
                f"{Path(r.path).name} → source **{r.source}**: {r.status}, {r.passages} passages, "
                f"{r.entries} entries ({r.seconds:.1f} s)"
            )
        for note in r.notes:
            st.warning(f"{Path(r.path).name}: {note}")
        if r.status == "updated" and r.changes:
            show_changes(r.changes)


def remove(source: SourceDocument) -> None:
    """Remove a source the editor confirmed; the page says what went, or why nothing did."""
    st.session_state.pop("confirm_remove", None)
    st.session_state.pop("last_ingest", None)  # an "added" box from before would describe a list now gone
    try:
        with resources.ingester() as writer:
            removed = writer.remove(source.name)
    except StceError as err:
        st.session_state["remove_message"] = ("error", str(err))
        return
    st.session_state["remove_message"] = (
        (
            "success",
            f"Removed {source.name}: {source.passages} passages and {source.entries} entries are no longer searched.",
        )
        if removed
        else ("error", f"No source named {source.name}.")
    )


def confirm_removal(source: SourceDocument) -> None:
    """One click only asks: the editor sees what goes (name, passages, entries) before anything is removed."""
    with st.container(border=True):
        st.warning(
            f"Remove **{escape_md(source.name)}** ({escape_md(source.list_label)}, version "
            f"{escape_md(source.version)})? Its {source.passages} passages and {source.entries} entries "
            "will no longer be searched; officers' answers stop citing it.",
            icon=":material/warning:",
        )
        yes, no = st.columns(2)
        yes.button(
            f"Yes, remove {source.name}",
            type="primary",
            key="remove-yes",
            on_click=remove,
            args=(source,),
            icon=":material/delete:",
        )
        no.button("Cancel", key="remove-cancel", on_click=st.session_state.pop, args=("confirm_remove", None))


def sources_table() -> None:
    docs = resources.sources()
    if kind_and_text := st.session_state.pop("remove_message", None):
        (st.success if kind_and_text[0] == "success" else st.error)(kind_and_text[1])
    if not docs:
        st.info("No sources yet: upload a control list above.")
        return
    # A static table: it wraps long names and labels instead of cutting them off as a data grid does.
    st.table(
        [
            {
                "source": s.name,
                "list": s.list_label,
                "kind": KIND_LABELS.get(s.kind, s.kind),
                "version label": s.version_label or "(none)",
                "content hash": s.content_hash[:12],
                "language": s.language or "?",
                "passages": s.passages,
                "entries": s.entries,
                "ingested at (UTC)": s.ingested_at.replace("T", " "),
            }
            for s in docs
        ],
        hide_index=True,
    )
    with st.expander("Remove a source", expanded="confirm_remove" in st.session_state):
        pending = next((s for s in docs if s.name == st.session_state.get("confirm_remove")), None)
        if pending is not None:
            confirm_removal(pending)
        for s in docs:
            st.button(
                f"Remove {s.name}",
                key=f"remove-{s.name}",
                icon=":material/delete:",
                on_click=st.session_state.__setitem__,
                args=("confirm_remove", s.name),
            )


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
