"""Chat page (officers): describe the goods, get candidate entries with cited passages, rate and export.

Streamlit runs this file as the page script; its functions are importable for tests.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from typing import Any, TypedDict

import streamlit as st

from assistant.answer.render import answer_json
from assistant.core.errors import StceError
from assistant.core.types import Answer
from assistant.decision.suggest import as_follow_up, fact_asks
from assistant.storage.conversations import StoredTurn
from assistant.text.messages import message
from ui import preparation, resources, session
from ui.answer_view import FollowUp, answer_markdown, escape_md, show_answer
from ui.feedback import FeedbackStore

ANSWER_LANGUAGES = {"": "Auto (the question's language)", "en": "English", "fr": "Français"}
FOLLOW_UP = "follow-up"  # session key: a fact given or a next question picked, asked on the next run
# Shown on an empty chat: one of each kind of question the assistant reads.
EXAMPLES = {
    "en": (
        "glass-lined reactor, 1000 litres",
        "centrifugal pump, wetted parts of Hastelloy, 5 m3/h",
        "hydrogen fluoride, CAS 7664-39-3",
        "2B350",
    ),
    "fr": (
        "réacteur émaillé de 1 000 litres",
        "pompe centrifuge, parties mouillées en Hastelloy, 5 m3/h",
        "fluorure d'hydrogène, CAS 7664-39-3",
        "2B350",
    ),
}
UNREADABLE = "This answer was stored by an older version of the assistant and can no longer be shown."
PENDING = (
    "This question had no answer yet when the page was loaded (the page was reloaded or closed while it "
    "was being answered): reload in a moment, or ask it again."
)
HISTORY_SHOWN = 20
# Puts the cursor in the question box when a session opens the chat, instead of some 15 Tab presses away.
FOCUS_QUESTION = """<script>
(function focus(tries) {
  const box = window.parent.document.querySelector('[data-testid="stChatInputTextArea"]');
  if (box) { box.focus(); } else if (tries > 0) { setTimeout(() => focus(tries - 1), 100); }
})(50);
</script>"""
# Brings the newest answer's verdict to the top of the window: Streamlit's chat keeps the view at the bottom,
# on the check tables and next questions, and the verdict is what the officer must read first. The page keeps
# scrolling itself to the bottom while the cards' tables and expanders load, so the verdict is held at the top
# for a few seconds (PIN_MS; the late re-scrolls came within about a second here), and let go at once when the
# officer moves the mouse, scrolls, clicks or types: a pill must never move under the pointer.
PIN_MS = 4000
SCROLL_TO_VERDICT = (
    """<script>
(function () {
  const doc = window.parent.document;
  const until = Date.now() + %d;
  let held = true;
  const release = () => { held = false; };
  ['wheel', 'touchstart', 'keydown', 'mousedown'].forEach((e) => doc.addEventListener(e, release, {once: true}));
  // The browser sends a still mouse "moves" when the page scrolls under it: only a real move lets go.
  doc.addEventListener('mousemove', (e) => { if (e.movementX || e.movementY) { release(); } });
  (function pin() {
    if (!held || Date.now() > until) { return; }
    const turns = doc.querySelectorAll('[data-testid="stChatMessage"]');
    const verdict = turns.length ? turns[turns.length - 1].querySelector('[data-testid="stAlert"]') : null;
    const top = verdict ? verdict.getBoundingClientRect().top : 0;
    if (verdict && (top < 0 || top > 150)) {
      verdict.style.scrollMarginTop = '64px';  // below Streamlit's header bar
      verdict.scrollIntoView({block: 'start'});
    }
    setTimeout(pin, 50);
  })();
})();
</script>"""
    % PIN_MS
)
SCROLL = "scroll-to"  # session key: the next run brings the newest verdict into view
DELETING = "deleting"  # session key: the conversation whose deletion waits for a confirmation


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
    language: str | None = None
    home_list: str | None = None


def _restriction(picked: list[str], options: list[str]) -> list[str] | None:
    return None if set(picked) == set(options) else picked


def sidebar_filters() -> Filters:
    docs = resources.sources()
    lists = sorted({s.list_label for s in docs if s.kind != "other"})  # guidance-only documents are no list
    names = [s.name for s in docs]
    st.sidebar.subheader("Search")
    picked_lists = st.sidebar.multiselect("Lists", lists, default=lists)
    with st.sidebar.expander(f"Sources ({len(names)})"):
        picked_sources = st.multiselect("Sources", names, default=names, label_visibility="collapsed")
    mode = "extractive"
    if resources.settings().llm_provider != "none":
        mode = st.sidebar.selectbox(
            "Answer mode",
            ["extractive", "llm"],
            help="extractive quotes the lists verbatim; llm writes prose from the same "
            "passages, checked before it is shown.",
        )
    language = st.sidebar.selectbox(
        "Answer language · Langue des réponses",
        list(ANSWER_LANGUAGES),
        format_func=ANSWER_LANGUAGES.__getitem__,
        help="Auto answers in the question's language (French or English); questions "
        "in Spanish, Russian, Arabic or Chinese are read through the glossary and "
        "answered in English.",
    )
    control_lists = sorted({s.list_label for s in docs if s.kind == "control-list"})
    default_home = resources.settings().home_list
    home = st.sidebar.selectbox(
        "Your list (first on a card)",
        ["", *control_lists],
        index=1 + control_lists.index(default_home) if default_home in control_lists else 0,
        format_func=lambda label: label or "none",
        help="When lists control the same item, one card carries every list's citation; "
        "your own list leads it (default: STCE_HOME_LIST).",
    )
    ready = bool(picked_lists and picked_sources) or not docs
    if not ready:
        st.sidebar.warning("Select at least one list and one source to search.")
    return Filters(
        _restriction(picked_lists, lists),
        _restriction(picked_sources, names),
        ready,
        mode,
        language or None,
        home or None,
    )


def to_turn(stored: StoredTurn) -> Turn:
    error = stored.error or ("" if stored.answer else UNREADABLE)
    return Turn(
        id=stored.id,
        question=stored.question,
        context=stored.answer.query if stored.answer else "",
        answer=stored.answer,
        error=error,
    )


def open_conversation(conversation: str) -> None:
    """Show a stored conversation of this session's owner; an unknown or foreign id opens an empty chat."""
    turns = [to_turn(t) for t in resources.conversations().turns(session.owner(), conversation)] if conversation else []
    st.session_state["turns"] = turns
    session.remember(session.CONVERSATION, conversation if turns else "")


def new_conversation() -> None:
    open_conversation("")


def delete_conversation(conversation: str) -> None:
    st.session_state.pop(DELETING, None)
    resources.conversations().delete(session.owner(), conversation)
    if session.recall(session.CONVERSATION) == conversation:
        new_conversation()


def answer_turn(question: str, turns: list[Turn], filters: Filters) -> Turn:
    """Ask with the earlier questions as context, so "and if it is only 50 litres?" keeps the goods.

    The question is stored before it is asked and its answer as soon as it is done, with no Streamlit call in
    between (a reload stops the page's script at its next one, and empties the old session's state, so the
    owner and the store are taken first), so a reload from then on brings them back.
    """
    history = [t["context"] for t in turns if t["answer"] is not None]
    owner, store = session.owner(), resources.conversations()
    conversation = session.recall(session.CONVERSATION) or uuid.uuid4().hex
    session.remember(session.CONVERSATION, conversation)
    turn = Turn(id=uuid.uuid4().hex, question=question, context="", answer=None, error="")
    store.save(owner, conversation, StoredTurn(turn["id"], question, None, PENDING))
    try:
        if filters.mode == "llm":
            stream = resources.stream(
                question,
                history=history,
                lists=filters.lists,
                sources=filters.sources,
                conversation=conversation,
                language=filters.language,
                home_list=filters.home_list,
            )
            st.write_stream(stream)
            answer = stream.answer
        else:
            answer = resources.ask(
                question,
                history=history,
                lists=filters.lists,
                sources=filters.sources,
                conversation=conversation,
                language=filters.language,
                home_list=filters.home_list,
            )
        turn = {**turn, "answer": answer, "context": answer.query}
    except StceError as err:
        turn = {**turn, "error": str(err)}
    store.save(owner, conversation, StoredTurn(turn["id"], question, turn["answer"], turn["error"]))
    return turn


def save_feedback(turn: Turn) -> None:
    rating = st.session_state.get(f"rating-{turn['id']}")
    if rating is None or turn["answer"] is None:
        return
    FeedbackStore(resources.settings().home / "feedback.sqlite").save(
        turn["id"],
        turn["question"],
        answer_json(turn["answer"]),
        "up" if rating == 1 else "down",
        st.session_state.get(f"comment-{turn['id']}", ""),
    )
    st.toast("Thanks, saved.", icon=":material/check:")


def ask_next(question: str) -> None:
    """Queue a follow-up from an answer's fact prompt or next-question pills for this run's question."""
    st.session_state[FOLLOW_UP] = question


def show_turn(turn: Turn, follow_up: FollowUp | None = None) -> None:
    with st.chat_message("user"):
        st.markdown(escape_md(turn["question"]))
    with st.chat_message("assistant"):
        if turn["answer"] is None:
            # Not a verdict: no decision colour (red is "Likely controlled").
            st.caption(f":material/info: {escape_md(turn['error'])}")
            return
        show_answer(turn["answer"], turn["id"], follow_up)
        rating = st.feedback("thumbs", key=f"rating-{turn['id']}", on_change=save_feedback, args=(turn,))
        if rating is not None:
            st.text_input("Comment (optional)", key=f"comment-{turn['id']}", on_change=save_feedback, args=(turn,))


def audit_record(answers: list[Answer], conversation: str = "") -> dict[str, Any]:
    """Every answer with each cited passage's text, source and version: what was shown, and from what.

    `conversation` is the id the audit trail records with each of these answers.
    """
    return {
        "exported_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        **({"conversation": conversation} if conversation else {}),
        "answers": [answer_json(a) for a in answers],
    }


def sidebar_conversation(turns: list[Turn]) -> None:
    st.sidebar.subheader("Conversation")
    st.sidebar.button("New conversation", on_click=new_conversation, icon=":material/add_comment:")
    answers = [t["answer"] for t in turns if t["answer"] is not None]
    st.sidebar.download_button(
        "Export as Markdown",
        "\n".join(map(answer_markdown, answers)),
        file_name="stce-conversation.md",
        mime="text/markdown",
        on_click="ignore",
        disabled=not answers,
        icon=":material/download:",
    )
    st.sidebar.download_button(
        "Export as JSON (audit)",
        json.dumps(audit_record(answers, session.recall(session.CONVERSATION)), indent=2, ensure_ascii=False),
        file_name="stce-conversation.json",
        mime="application/json",
        on_click="ignore",
        disabled=not answers,
        icon=":material/download:",
    )


def sidebar_history() -> None:
    """This session's past conversations by their first question, to open again or delete."""
    past = resources.conversations().list(session.owner())
    if not past:
        return
    st.sidebar.subheader("History")
    current = session.recall(session.CONVERSATION)
    for summary in past[:HISTORY_SHOWN]:
        left, right = st.sidebar.columns([5, 1], vertical_alignment="center")
        left.button(
            summary.title,
            key=f"open-{summary.id}",
            on_click=open_conversation,
            args=(summary.id,),
            type="primary" if summary.id == current else "secondary",
            width="stretch",
            help=f"Last question at {summary.updated[:16].replace('T', ' ')} UTC",
        )
        right.button(
            "",
            key=f"delete-{summary.id}",
            on_click=st.session_state.__setitem__,
            args=(DELETING, summary.id),
            icon=":material/delete:",
            help=f"Delete the conversation {summary.title!r}",
        )
        if st.session_state.get(DELETING) == summary.id:
            st.sidebar.warning(f"Delete {summary.title!r} for good?")
            yes, no = st.sidebar.columns(2)
            yes.button("Delete", key=f"confirm-{summary.id}", on_click=delete_conversation, args=(summary.id,))
            no.button("Keep", key=f"keep-{summary.id}", on_click=st.session_state.pop, args=(DELETING, None))


def page_language(filters: Filters, turns: list[Turn]) -> str:
    """The page's own words follow the answer language chosen in the sidebar, else the last answer's: an
    officer who asks in French reads the page in French too."""
    if filters.language:
        return filters.language
    last = next((t["answer"] for t in reversed(turns) if t["answer"] is not None), None)
    return last.language if last is not None else "en"


def examples(lang: str) -> None:
    """Example questions on an empty chat; a click asks one."""
    st.caption(message("ui_describe", lang))
    for n, example in enumerate(EXAMPLES.get(lang, EXAMPLES["en"])):
        st.button(
            example,
            key=f"example-{n}",
            on_click=st.session_state.__setitem__,
            args=("example", example),
            icon=":material/arrow_forward:",
        )


def page() -> None:
    filters = sidebar_filters()
    if "turns" not in st.session_state:
        open_conversation(session.recall(session.CONVERSATION))
    turns: list[Turn] = st.session_state["turns"]
    lang = page_language(filters, turns)
    st.title(message("ui_title", lang))
    sidebar_conversation(turns)
    sidebar_history()
    preparation.show()
    if not turns:
        examples(lang)
    for i, turn in enumerate(turns):
        show_turn(turn, ask_next if i == len(turns) - 1 else None)
    typed = st.chat_input(message("ui_placeholder", lang), disabled=not filters.ready)
    if typed is not None and not typed.strip():
        st.toast(message("ui_blank", lang), icon=":material/edit:")
        typed = None
    last = turns[-1]["answer"] if turns else None
    picked = st.session_state.pop(FOLLOW_UP, None)
    if typed and last is not None:
        replied = as_follow_up(typed, fact_asks(last))
        picked, typed = (replied, None) if replied != typed else (picked, typed)
    if picked and last is not None and not filters.language:
        # A fact given or a next question picked continues the conversation in its language, whatever
        # language a few words of it look like ("multiphase" reads as French).
        filters = replace(filters, language=last.language)
    question = typed or picked
    question = question or (st.session_state.pop("example", "") if filters.ready else "")
    if not st.session_state.get("focused"):
        st.session_state["focused"] = True
        st.html(FOCUS_QUESTION, unsafe_allow_javascript=True)
    if st.session_state.pop(SCROLL, False):
        st.html(SCROLL_TO_VERDICT, unsafe_allow_javascript=True)
    if question:
        with st.chat_message("user"):
            st.markdown(escape_md(question))
        with st.chat_message("assistant"), st.spinner(message("ui_searching", lang)):
            turns.append(answer_turn(question, turns, filters))
        st.session_state[SCROLL] = True
        st.rerun()


if __name__ == "__main__":
    page()
