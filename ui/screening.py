"""Screening page (officers): upload an invoice or manifest, see every line flagged, open any line's answer, export.

Streamlit runs this file as the page script; its functions are importable for tests.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pandas as pd
import streamlit as st
from pandas.io.formats.style import Styler

from assistant.answer.screen import FLAGS, ProgressFn, Screened, screen, to_csv
from assistant.core.errors import StceError
from ingest.lineitems import line_items_from_bytes
from ingest.load import SCREENED, safe_file_name, upload_types
from ui import preparation, resources
from ui.answer_view import escape_md, show_answer
from ui.uploads import free_uploads

UPLOAD_TYPES = upload_types(SCREENED)
FLAG_COLOURS = {"likely-controlled": "#f8d0d0", "check-parameters": "#fbeec2", "no-list": "#fbeec2", "no-match": ""}
COLUMN_LABELS = {
    "hs_code": "HS code",
    "best": "best entry",
    "reason": "why",
    "checks": "checks (best entry)",
    "falls_to": "falls to",
}
# What decides first; the CSV export keeps the document's order of fields. (A bare string here would be
# drawn on the page: Streamlit's "magic" writes every expression statement of a page script.)
SHOWN_ORDER = [
    "line",
    "flag",
    "decision",
    "description",
    "best entry",
    "falls to",
    "declared",
    "disagreement",
    "why",
    "candidates",
    "checks (best entry)",
    "quantity",
    "HS code",
]


def screen_document(
    data: bytes, name: str, column: str = "", password: str = "", progress: ProgressFn | None = None
) -> list[Screened]:
    """Read an uploaded document into line items and screen them; IngestError names the file on bad input."""
    max_bytes = int(resources.settings().max_file_mb * 1e6)
    items = line_items_from_bytes(data, name, column.strip() or None, password or None, max_bytes)
    return screen(resources.ask, items, progress)


def export_json(name: str, results: list[Screened]) -> str:
    """The screening with each line's flag, candidates and checks: what was shown, for the file."""
    return json.dumps(
        {
            "document": name,
            "screened_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "lines": [r.to_json() for r in results],
        },
        indent=2,
        ensure_ascii=False,
    )


def table(results: list[Screened]) -> Styler:
    """The rows as a styled table, in the order that decides first: likely-controlled lines red,
    check-parameters amber; "decision" is the chat's word for the same goods."""
    frame = pd.DataFrame([r.row() for r in results]).rename(columns=COLUMN_LABELS)[SHOWN_ORDER]
    return frame.style.apply(_row_colour, axis=1).hide(axis="index")


def _row_colour(row: pd.Series) -> list[str]:
    colour = FLAG_COLOURS[row["flag"]]
    return [f"background-color: {colour}" if colour else ""] * len(row)


def line_label(r: Screened) -> str:
    return f"Line {r.item.line}: {r.item.description[:70]} ({r.flag})"


def show_results(name: str, results: list[Screened]) -> None:
    counts = {flag: sum(r.flag == flag for r in results) for flag in FLAGS}
    disagreements = sum(bool(r.disagreement) for r in results)
    st.subheader(f"{escape_md(name)}: {len(results)} lines")
    for column, (flag, count) in zip(st.columns(len(FLAGS) + 1), [*counts.items(), ("disagreements", disagreements)]):
        column.metric(flag, count)
    # A static table wraps long reasons and checks; a data grid cuts them at the column's width.
    st.table(table(results))
    left, right = st.columns(2)
    stem = name.rsplit(".", 1)[0]
    left.download_button(
        "Export table as CSV",
        to_csv(results),
        file_name=f"{stem}-screening.csv",
        mime="text/csv",
        on_click="ignore",
        icon=":material/download:",
    )
    right.download_button(
        "Export as JSON (audit)",
        export_json(name, results),
        file_name=f"{stem}-screening.json",
        mime="application/json",
        on_click="ignore",
        icon=":material/download:",
    )
    opened = st.selectbox("Open a line as its full cited answer", results, format_func=line_label, key="screen-line")
    if opened is not None:
        show_line(opened)


def show_line(r: Screened) -> None:
    with st.container(border=True):
        item = r.item
        st.markdown(f"**Line {item.line}** · {escape_md(item.description)}")
        facts = [f"flag **{r.flag}**", escape_md(r.error or r.reason)]
        if item.declared:
            facts.append(f"declared {escape_md(item.declared)}")
        if item.hs_code:
            facts.append(f"HS {escape_md(item.hs_code)}")
        st.caption(" · ".join(facts) + (f" · as read: {escape_md(item.raw)}" if item.raw else ""))
        if r.disagreement:
            st.warning(f"Disagreement with the document: {escape_md(r.disagreement)}")
        if r.answer is not None:
            show_answer(r.answer)


def page() -> None:
    st.title("Screen an invoice or manifest")
    resources.start()
    st.caption(
        "Every line of the document is searched in the control lists. Lines that likely need a licence come "
        "first, then lines whose deciding parameters must be checked on the goods or documents."
    )
    preparation.show()  # no control list loaded (or still being prepared): lines are flagged no-list, not cleared
    round_ = st.session_state.setdefault("screen_round", 0)
    upload = st.file_uploader(
        "Invoice, manifest or list of goods (PDF, CSV, or text with one item per line)",
        type=UPLOAD_TYPES,
        key=f"screen-upload-{round_}",
    )
    with st.expander("Options"):
        column = st.text_input(
            "CSV column describing the goods",
            help="Default: guessed from the header row (description, goods, item...).",
        )
        password = st.text_input("PDF password", type="password", help="Only for an encrypted PDF.")
    if st.button("Screen", type="primary", disabled=upload is None, icon=":material/checklist:") and upload:
        bar = st.progress(0.0, text="Reading the document...")
        name = safe_file_name(upload.name, "upload")
        try:
            results = screen_document(
                upload.getvalue(),
                name,
                column,
                password,
                lambda done, total: bar.progress(done / total, f"Screened {done} of {total} lines"),
            )
        except StceError as err:
            bar.empty()
            st.error(str(err))
            return
        bar.empty()
        st.session_state["screening"] = {"name": name, "results": results}
        # Screened: the document's bytes are freed and the uploader starts empty (a refused one stays, to retry
        # with a password or a column).
        free_uploads([upload])
        st.session_state["screen_round"] = round_ + 1
        st.rerun()
    done = st.session_state.get("screening")
    if done:
        show_results(done["name"], done["results"])


if __name__ == "__main__":
    page()
