"""An answer as officers read it: the verdict line, "Read as", the facts to give, compact candidate cards that
expand to the whole entry, cited passages, next questions; shared by chat, screening and training.

`follow_up` (chat only) receives the text of a fact the officer gave or a next question picked, to be asked in
the same conversation; without it the prompts are shown as text.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import streamlit as st

from assistant.answer.render import (
    advice,
    ask_line,
    citation_label,
    decision_line,
    escape_md,
    flagged,
    item_lines,
    quantity_text,
    read_as_line,
    same_item_line,
    shown_checks,
    translated_text,
    version_text,
)
from assistant.answer.render import export_markdown as answer_markdown
from assistant.core.types import Answer, Candidate, Check, Citation, FactAsk
from assistant.decision.suggest import fact_asks, next_questions
from assistant.text.messages import message, say

FollowUp = Callable[[str], None]
__all__ = ["answer_markdown", "escape_md", "highlight", "lines", "show_answer"]
_STOPWORDS = frozenset(
    "the and for with from that this what which does have has into about are was were will can not any its "
    "our their there than then them they use used using goods item items".split()
)
_COLOURS = {"applies": "red", "undetermined": "orange", "does not apply": "green"}
_DECISION_BOXES = {
    "likely-controlled": st.error,
    "needs-facts": st.warning,
    "not-controlled-as-described": st.success,
    "no-match": st.info,
    "no-list": st.warning,
}


def highlight_terms(question: str) -> list[str]:
    """Word stems and numbers from the question worth marking in a quote ("reactor" also marks "reactors")."""
    words = [w for w in re.findall(r"[a-z]{4,}", question.lower()) if w not in _STOPWORDS]
    numbers = re.findall(r"\d+(?:[.,]\d+)?", question)
    return list(dict.fromkeys([w[: max(4, len(w) - 2)] for w in words] + numbers))


def highlight(text: str, question: str) -> str:
    """Escaped Markdown of `text` with the question's words and numbers on an orange background."""
    terms = highlight_terms(question)
    if not terms:
        return escape_md(text)
    words = [re.escape(t) + r"[a-z]*" for t in terms if t.isalpha()]
    numbers = [re.escape(t) for t in terms if not t.isalpha()]
    pattern = re.compile(rf"(?<![\w.,])(?:{'|'.join(words + numbers)})(?![\w]|[.,]\d)", re.IGNORECASE)
    out, last = [], 0
    for m in pattern.finditer(text):
        out += [escape_md(text[last : m.start()]), f":orange-background[{escape_md(m.group())}]"]
        last = m.end()
    return "".join(out + [escape_md(text[last:])])


def lines(markdown: str) -> str:
    """Keep the document's line breaks (Markdown would join them into one paragraph)."""
    return markdown.replace("\n", "  \n")


def show_citation(c: Citation, lang: str = "en") -> None:
    """The full cited passage, with where it comes from (the label escaped: expander labels render Markdown)."""
    with st.expander(escape_md(citation_label(c))):
        p = c.passage
        source = message(
            "source_line",
            lang,
            source=escape_md(p.source),
            list=escape_md(p.list_label),
            version=escape_md(version_text(p.version)),
        )
        st.caption(source + (message("page", lang, page=str(p.page)) if p.page else ""))
        st.markdown(lines(escape_md(p.text)))


def _check_rows(checks: list[Check], lang: str = "en") -> list[dict[str, str]]:
    """Check rows for st.table, escaped: its cells render Markdown, and thresholds are the document's words;
    the column heads and verdicts in the answer's language."""
    return [
        {
            message("col_parameter", lang): escape_md(ch.parameter),
            message("col_about", lang): escape_md(ch.subject),
            message("col_asked", lang): escape_md(ch.stated or quantity_text(ch.asked, lang)),
            message("col_threshold", lang): escape_md(ch.threshold),
            message("col_verdict", lang): message(ch.verdict, lang),
        }
        for ch in checks
    ]


def show_candidate(
    c: Candidate, question: str, cited: dict[int, Citation], seen_notes: set[str], lang: str = "en"
) -> None:
    """A compact card (entry, title, matching sub-item lines, the checks that decided); the whole quote, every
    threshold of the entry, its notes and related entries behind one expander."""
    with st.container(border=True):
        st.markdown(f"**{escape_md(c.item)}** {escape_md(c.title)}")
        st.caption(
            f"{escape_md(c.list_label)} · {escape_md(version_text(c.version))} · {message('cites', lang)} "
            + " ".join(f"[{n}]" for n in c.citations)
        )
        st.badge(message(c.status, lang), color=_COLOURS[c.status])  # type: ignore[arg-type]
        checks = shown_checks(c)
        if c.reason and not checks:
            st.markdown(escape_md(say(c.reason, lang)))
        st.markdown(lines(highlight("\n".join(item_lines(c)), question)))
        if checks:
            st.table(_check_rows(checks, lang), hide_index=True)
        if c.same_item:
            st.caption(escape_md(same_item_line(c, lang)))
        notes = [n for n in c.notes if n not in seen_notes]
        seen_notes.update(c.notes)
        with st.expander(message("whole_entry", lang)):
            if c.reason:
                st.markdown(escape_md(say(c.reason, lang)))
            st.markdown(lines(highlight(c.quote, question)))
            if len(c.checks) > len(checks):
                st.table(_check_rows(c.checks, lang), hide_index=True)
            for note in notes:
                st.caption(escape_md(note))
            if c.related:
                st.markdown(f"{message('also_check', lang)} " + ", ".join(f"**{escape_md(r)}**" for r in c.related))
        for n in c.citations:
            if n in cited:
                show_citation(cited[n], lang)


def _submit(key: str, ask: FactAsk | None, follow_up: FollowUp) -> None:
    """A widget's value as a follow-up question: a fact for a prompt, or a next question as it stands."""
    value = st.session_state.get(key)
    if value:
        follow_up(ask.follow_up(str(value)) if ask is not None else str(value))


def show_asks(answer: Answer, key: str, follow_up: FollowUp | None) -> None:
    """The facts the decision turns on: one-click options where the criteria list them, else a short input."""
    asks = fact_asks(answer)
    lang = answer.language
    if not asks:
        return
    if follow_up is None:
        st.markdown(f"{message('tell_me', lang)} " + " · ".join(escape_md(ask_line(a, lang)) for a in asks))
        return
    st.markdown(message("tell_me", lang))
    for i, ask in enumerate(asks):
        widget = f"ask-{key}-{i}"
        label = escape_md(ask.label)
        if ask.options:
            st.pills(
                label,
                ask.options,
                key=widget,
                on_change=_submit,
                args=(widget, ask, follow_up),
                format_func=escape_md,
                help=escape_md(message("the_list", lang, threshold=ask.threshold)),
            )
        else:
            st.text_input(
                label,
                key=widget,
                on_change=_submit,
                args=(widget, ask, follow_up),
                placeholder=message("the_list", lang, threshold=ask.threshold)[:120],
            )


def show_next_questions(answer: Answer, key: str, follow_up: FollowUp | None) -> None:
    suggested = next_questions(answer)
    if not suggested:
        return
    label = message("next_questions_label", answer.language)
    if follow_up is None:
        st.caption(f"{label}: " + " · ".join(escape_md(q) for q in suggested))
        return
    widget = f"next-{key}"
    st.pills(
        label,
        suggested,
        key=widget,
        on_change=_submit,
        args=(widget, None, follow_up),
        format_func=escape_md,
    )


def show_answer(answer: Answer, key: str = "answer", follow_up: FollowUp | None = None) -> None:
    """The verdict line first, then how the question was read, the facts to give, the cards best first, the
    curriculum guidance, next questions and the disclaimer, every fixed word from `render` and `messages` in
    the answer's language. `key` keeps widgets of several answers apart."""
    lang = answer.language
    cited = {c.n: c for c in answer.citations}
    if answer.mode == "llm":
        st.caption(message("llm_written", lang))
        st.markdown(answer.markdown)
    elif answer.mode == "fallback":
        st.caption(message("llm_fallback", lang))
    _DECISION_BOXES[answer.decision](escape_md(decision_line(answer)))
    st.caption(escape_md(read_as_line(answer)))
    if answer.translated:
        st.caption(escape_md(translated_text(answer)))
    for note in answer.facts.notes if answer.facts else ():
        st.caption(f"{message('note', lang)} {escape_md(note)}")
    show_asks(answer, key, follow_up)
    if answer.candidates:
        st.markdown(message("entries", lang))
    seen_notes: set[str] = set()
    for candidate in answer.candidates:
        show_candidate(candidate, answer.question, cited, seen_notes, lang)
    if advice(answer):
        st.markdown(message("guidance_label", lang))
        for g in advice(answer):
            show_citation(g, lang)
    for c in flagged(answer):
        st.warning(f"{message('flagged', lang)} [{c.n}] {escape_md(c.passage.flagged)}")
        show_citation(c, lang)
    show_next_questions(answer, key, follow_up)
    took = message("answered_in", lang, ms=f"{answer.took_ms:.0f}", mode=answer.mode)
    st.caption(f"{message('disclaimer', lang)} {took}")
