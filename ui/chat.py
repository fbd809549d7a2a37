"""Chat page (officers): describe the goods, get candidate entries with cited passages, rate and export.

Streamlit runs this file as the page script; its functions are importable for tests.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, TypedDict

import streamlit as st

from assistant.render import answer_json
from assistant.errors import StceError
from assistant.suggest import as_follow_up, fact_asks
from assistant.types import Answer
from ui import resources
from ui.answer_view import FollowUp, answer_markdown, escape_md, show_answer
from ui.feedback import FeedbackStore

FOLLOW_UP = "follow-up"  # session key: a fact given or a next question picked, asked on the next run
EMPTY_INDEX = (
    "**The index holds no control list yet**, so no entry can be proposed. An editor adds lists on the "
    "**Sources** page (enabled by setting `STCE_EDITOR_PASSWORD`), or from a shell: "
    "`stce ingest path/to/list.xml --list \"US CCL\" --version 2026-06`."
)


class Turn(TypedDict):
    """One question and its answer (or the reason there is none); plain data so it survives reruns."""

    id: str
    question: str
    context: str
    answer: Answer | None
    error: str


@dataclass(frozen=True)
class Filters:
    """What the sidebar asks to search; None means everything, including lists added later."""

    lists: list[str] | None
    sources: list[str] | None
    ready: bool
    mode: str = "extractive"


def _restriction(picked: list[str], options: list[str]) -> list[str] | None:
    return None if set(picked) == set(options) else picked


def sidebar_filters() -> Filters:
    docs = resources.sources()
    lists = sorted({s.list_label for s in docs})
    names = [s.name for s in docs]
    st.sidebar.subheader("Search")
    picked_lists = st.sidebar.multiselect("Lists", lists, default=lists)
    with st.sidebar.expander(f"Sources ({len(names)})"):
        picked_sources = st.multiselect("Sources", names, default=names, label_visibility="collapsed")
    modes = ["extractive"] + (["llm"] if resources.settings().llm_provider != "none" else [])
    mode = st.sidebar.selectbox("Answer mode", modes,
                                help="extractive quotes the lists verbatim; llm (when configured) writes prose "
                                     "from the same passages, checked before it is shown.")
    ready = bool(picked_lists and picked_sources) or not docs
    if not ready:
        st.sidebar.warning("Select at least one list and one source to search.")
    return Filters(_restriction(picked_lists, lists), _restriction(picked_sources, names), ready, mode)


def answer_turn(question: str, turns: list[Turn], filters: Filters) -> Turn:
    """Ask with the earlier questions as context, so "and if it is only 50 litres?" keeps the goods."""
    history = [t["context"] for t in turns if t["answer"] is not None]
    turn = Turn(id=uuid.uuid4().hex, question=question, context="", answer=None, error="")
    try:
        if filters.mode == "llm":
            stream = resources.stream(question, history=history, lists=filters.lists, sources=filters.sources)
            st.write_stream(stream)
            answer = stream.answer
        else:
            answer = resources.ask(question, history=history, lists=filters.lists, sources=filters.sources)
    except StceError as err:
        return {**turn, "error": str(err)}
    return {**turn, "answer": answer, "context": answer.query}


def save_feedback(turn: Turn) -> None:
    rating = st.session_state.get(f"rating-{turn['id']}")
    if rating is None or turn["answer"] is None:
        return
    FeedbackStore(resources.settings().home / "feedback.sqlite").save(
        turn["id"], turn["question"], answer_json(turn["answer"]), "up" if rating == 1 else "down",
        st.session_state.get(f"comment-{turn['id']}", ""),
    )


def ask_next(question: str) -> None:
    """Queue a follow-up from an answer's fact prompt or next-question pills for this run's question."""
    st.session_state[FOLLOW_UP] = question


def show_turn(turn: Turn, follow_up: FollowUp | None = None) -> None:
    with st.chat_message("user"):
        st.markdown(escape_md(turn["question"]))
    with st.chat_message("assistant"):
        if turn["answer"] is None:
            st.error(turn["error"])
            return
        show_answer(turn["answer"], turn["id"], follow_up)
        rating = st.feedback("thumbs", key=f"rating-{turn['id']}", on_change=save_feedback, args=(turn,))
        if rating is not None:
            st.text_input("Comment (optional)", key=f"comment-{turn['id']}", on_change=save_feedback, args=(turn,))


def audit_record(answers: list[Answer]) -> dict[str, Any]:
    """Every answer with each cited passage's text, source and version: what was shown, and from what."""
    return {"exported_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "answers": [answer_json(a) for a in answers]}


def sidebar_conversation(turns: list[Turn]) -> None:
    st.sidebar.subheader("Conversation")
    st.sidebar.button("New conversation", on_click=turns.clear, icon=":material/add_comment:")
    answers = [t["answer"] for t in turns if t["answer"] is not None]
    st.sidebar.download_button(
        "Export as Markdown", "\n".join(map(answer_markdown, answers)), file_name="stce-conversation.md",
        mime="text/markdown", on_click="ignore", disabled=not answers, icon=":material/download:",
    )
    st.sidebar.download_button(
        "Export as JSON (audit)", json.dumps(audit_record(answers), indent=2, ensure_ascii=False),
        file_name="stce-conversation.json", mime="application/json", on_click="ignore", disabled=not answers,
        icon=":material/download:",
    )


def page() -> None:
    st.title("Identify strategic goods")
    filters = sidebar_filters()
    turns: list[Turn] = st.session_state.setdefault("turns", [])
    sidebar_conversation(turns)
    if not any(s.kind == "control-list" for s in resources.sources()):
        st.info(EMPTY_INDEX)
    if not turns:
        st.caption("Describe the goods as declared or seen: what it is, its material, capacity and other figures "
                   "on the nameplate; or give a control code or CAS number. Follow-up questions keep the goods.")
    for i, turn in enumerate(turns):
        show_turn(turn, ask_next if i == len(turns) - 1 else None)
    typed = st.chat_input("Describe the goods, e.g. glass-lined reactor, 1000 litres", disabled=not filters.ready)
    last = turns[-1]["answer"] if turns else None
    if typed and last is not None:
        typed = as_follow_up(typed, fact_asks(last))
    question = typed or st.session_state.pop(FOLLOW_UP, None)
    if question:
        with st.chat_message("user"):
            st.markdown(escape_md(question))
        with st.chat_message("assistant"), st.spinner("Searching the lists..."):
            turns.append(answer_turn(question, turns, filters))
        st.rerun()


if __name__ == "__main__":
    page()
