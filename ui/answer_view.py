"""An answer as officers read it: candidate cards, checks, cited passages; shared by chat and training."""

from __future__ import annotations

import re

import streamlit as st

from assistant.render import (
    DISCLAIMER, STATUS_LABELS, ask_text, citation_label, decision_line, escape_md, quantity_text,
)
from assistant.types import Answer, Candidate, Citation
_STOPWORDS = frozenset(
    "the and for with from that this what which does have has into about are was were will can not any its "
    "our their there than then them they use used using goods item items".split()
)
_COLOURS = {"applies": "red", "undetermined": "orange", "does not apply": "green"}
_DECISION_BOXES = {"likely-controlled": st.error, "needs-facts": st.warning,
                   "not-controlled-as-described": st.success, "no-match": st.info}


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


def show_citation(c: Citation) -> None:
    """The full cited passage, with where it comes from."""
    with st.expander(citation_label(c)):
        p = c.passage
        st.caption(f"Source **{escape_md(p.source)}**, list {escape_md(p.list_label)}, version {escape_md(p.version)}"
                   + (f", page {p.page}" if p.page else ""))
        st.markdown(lines(escape_md(p.text)))


def show_candidate(c: Candidate, question: str, cited: dict[int, Citation]) -> None:
    with st.container(border=True):
        st.markdown(f"**{escape_md(c.item)}** {escape_md(c.title)}")
        st.caption(f"{escape_md(c.list_label)} · version {escape_md(c.version)} · cites "
                   + " ".join(f"[{n}]" for n in c.citations))
        st.badge(STATUS_LABELS[c.status], color=_COLOURS[c.status])  # type: ignore[arg-type]
        if c.reason:
            st.markdown(escape_md(c.reason))
        st.markdown(lines(highlight(c.quote, question)))
        if c.checks:
            st.table([{"parameter": ch.parameter, "about": ch.subject, "asked": ch.stated or quantity_text(ch.asked),
                       "threshold": ch.threshold, "verdict": ch.verdict} for ch in c.checks], hide_index=True)
        for leaf in c.missing:
            st.markdown(f"Ask: {escape_md(ask_text(leaf))}")
        for note in c.notes:
            st.caption(escape_md(note))
        if c.related:
            st.markdown("Also check: " + ", ".join(f"**{escape_md(r)}**" for r in c.related))
        for n in c.citations:
            if n in cited:
                show_citation(cited[n])


def show_answer(answer: Answer) -> None:
    """Candidate cards best first, then the curriculum guidance, then the disclaimer."""
    cited = {c.n: c for c in answer.citations}
    if answer.mode == "llm":
        st.caption("Written by a language model from the passages below; every citation, entry and figure checked.")
        st.markdown(answer.markdown)
    elif answer.mode == "fallback":
        st.caption("The language model's answer failed the checks or timed out; this is the extractive answer.")
    _DECISION_BOXES[answer.decision](escape_md(decision_line(answer)))
    if answer.read_as:
        st.caption(f"Read as: {escape_md(answer.read_as)}")
    for note in answer.facts.notes if answer.facts else ():
        st.caption(f"Note: {escape_md(note)}")
    if answer.candidates:
        st.markdown("**Control entries**, best first:")
    for candidate in answer.candidates:
        show_candidate(candidate, answer.question, cited)
    if answer.guidance:
        st.markdown("**What to look for and what to do next**")
        for g in answer.guidance:
            show_citation(g)
    st.caption(f"{DISCLAIMER} Answered in {answer.took_ms:.0f} ms ({answer.mode}).")


def answer_markdown(answer: Answer) -> str:
    """One answer for the Markdown export: the question, the answer and every cited passage in full."""
    cited = "\n\n".join(f"**{citation_label(c)}**\n\n> " + c.passage.text.replace("\n", "\n> ")
                        for c in answer.citations + answer.guidance)
    return f"## {answer.question}\n\n{answer.markdown}\n\n### Cited passages\n\n{cited}\n"
