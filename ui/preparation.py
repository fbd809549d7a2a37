"""The first page's word on the lists: their preparation under way (phase, n/N, time left), or how to add them."""

from __future__ import annotations

import streamlit as st

from ingest import firststart
from ingest.firststart import lists_folder, needed
from ui import resources

POLL_S = 2.0
"""How often the page reads the preparation's progress: often enough to move, cheap (one small file)."""
NO_LISTS = (
    "**The index holds no control list yet**, so no entry can be proposed and answers say so. "
    "`stce lists fetch` downloads the official lists from their publishers; or set `STCE_LISTS_DIR` to a "
    "folder of the official files and restart; or an editor adds lists on the **Sources** page (enabled by "
    "setting `STCE_EDITOR_PASSWORD`)."
)


def show() -> None:
    """The preparation's progress while it runs (redrawn every POLL_S), else the empty-index notice if due."""
    settings = resources.settings()
    if firststart.status(settings.home) is not None or (
        needed(settings) and lists_folder(settings) is not None and resources.preparation_under_way()
    ):
        _progress()
    elif not any(s.kind == "control-list" for s in resources.sources()):
        st.info(NO_LISTS)


@st.fragment(run_every=POLL_S)
def _progress() -> None:
    settings = resources.settings()
    status = firststart.status(settings.home)
    if status is None and not (needed(settings) and resources.preparation_under_way()):
        st.rerun()  # prepared (or it failed, and the notice says how to add lists): the whole page, no more polling
    if status is None:
        with st.status("Preparing the control lists: starting", state="running", expanded=True):
            st.caption("The official lists are read and embedded once, on this first start.")
        return
    with st.status(f"Preparing the control lists ({status.file_index}/{status.files})", state="running", expanded=True):
        st.progress(min(1.0, status.share), text=status.line())
        st.caption(
            "Questions asked meanwhile are answered over the lists ready so far. Not searched yet: "
            + ", ".join(status.pending)
        )
