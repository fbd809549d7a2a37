"""How an answer looks, defined once: the decision line, "Read as", the cards in Markdown, citation labels,
the fixed sentences (no match, not understood, disclaimer) and the JSON of every record.

The CLI, the Streamlit pages, the audit trail, screening and the LLM prompt all call these functions, so an
answer reads the same on every surface. Everything a document or a user supplied is escaped before it is
put into Markdown (`escape_md`), so a title cannot inject links, images or styling.
"""

from __future__ import annotations

import re
from dataclasses import asdict
from typing import Any

from assistant.language import NAMES
from assistant.messages import LANGUAGE_NAMES, message
from assistant.params import format_quantity
from assistant.types import Answer, Candidate, Check, Citation, Decision, Facts, Leaf, Quantity, Ruling

DISCLAIMER = message("disclaimer")
NO_MATCH = message("no_match")
NOT_UNDERSTOOD = message("not_understood")
DECISIONS: tuple[Decision, ...] = ("likely-controlled", "needs-facts", "not-controlled-as-described", "no-match")
DECISION_LABELS: dict[Decision, str] = {d: message(d) for d in DECISIONS}
STATUS_LABELS = {s: message(s) for s in ("applies", "undetermined", "does not apply")}
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#!|~:$])")
"""What can start a link, an image, HTML, emphasis, a table, LaTeX or a Streamlit directive inside a line."""
_LINE_START = re.compile(r"^(\s*\d*)([.)+-])", re.MULTILINE)
"""A list marker at a line's start ("1." would be renumbered, "-" made a bullet): official numbering stays."""


def escape_md(text: str) -> str:
    """Show text literally in Markdown: no links, images, LaTeX or colour directives from documents.

    >>> print(escape_md("1. item"))
    1\\. item
    >>> print(escape_md("![x](http://a) *bold* :red[x]"))
    \\!\\[x\\](http\\://a) \\*bold\\* \\:red\\[x\\]
    """
    return _LINE_START.sub(r"\1\\\2", _MD_SPECIAL.sub(r"\\\1", text))


def quantity_text(q: Quantity | None, language: str = "en") -> str:
    """A quantity for display, or "not stated"."""
    return format_quantity(q) if q is not None else message("not stated", language)


def check_text(check: Check, language: str = "en") -> str:
    """One check row in words: "frequency: 800 Hz vs 600 Hz or more: met"."""
    about = f" ({check.subject})" if _short(check.subject) else ""
    asked = (quantity_text(check.asked, language) if check.asked is not None
             else check.stated or message("not stated in the question", language))
    return message("check", language, parameter=check.parameter, about=about, asked=asked,
                   threshold=check.threshold, verdict=message(check.verdict, language))


def ask_text(leaf: Leaf, language: str = "en") -> str:
    """The question that settles a missing fact: "What is the frequency stability? (better than 0.2%)"."""
    if leaf.kind == "material":
        return message("ask_material", language)
    if leaf.kind == "chemical":
        return message("ask_chemical", language)
    if leaf.kind == "exclusion":
        return message("ask_exclusion", language, text=leaf.text)
    about = message("ask_about", language, subject=leaf.subject.lower()) if _short(leaf.subject) else ""
    return message("ask_property", language, property=leaf.property or message("deciding parameter", language),
                   about=about, text=leaf.text)


def _short(subject: str) -> bool:
    """A subject worth naming beside a figure: a few words ("heat exchanger"), not a whole entry heading."""
    return 0 < len(subject.split()) <= 3


def citation_label(c: Citation) -> str:
    """Where a cited passage comes from: "[2] 2B350.a · NO List II · no-list-ii 2026-06 (fc2ca8c6b594), p. 92"."""
    p = c.passage
    page = f", p. {p.page}" if p.page else ""
    return f"[{c.n}] {p.entry or p.title} · {p.list_label} · {p.source} {p.version}{page}"


def read_as(facts: Facts) -> str:
    """How the question was read: the goods, their stated quantities, materials and chemicals."""
    parts = [" ".join([*facts.modifiers, facts.subject]).strip()]
    parts += [format_quantity(q) for q in facts.quantities]
    parts += [m.name for m in facts.materials]
    parts += [f"CAS {cas}" for cas in facts.cas]
    parts += [f"{n} {what}" for what, n in facts.counts.items()]
    return ", ".join(p for p in parts if p)


def decision_line(answer: Answer) -> str:
    """The one line an officer reads first: the decision and the entry, in plain words."""
    best = answer.candidates[0] if answer.candidates else None
    lang = answer.language
    if answer.decision == "no-match":
        return message("not_understood" if not answer.understood else "no_match", lang)
    if answer.decision == "likely-controlled" and best is not None:
        return message("line_likely", lang, item=best.item, list=best.list_label, reason=best.reason)
    if answer.decision == "needs-facts" and best is not None:
        asks = "; ".join(dict.fromkeys(ask_text(leaf, lang) for c in answer.candidates[:2] for leaf in c.missing[:2]))
        return message("line_needs", lang, item=best.item, list=best.list_label, asks=asks or best.reason)
    falls = "; ".join(f"{label}: {where}" for label, where in answer.falls_to.items())
    ruled = "; ".join(f"{r.entry} ({r.reason})" for r in answer.ruled_out[:3])
    return message("line_not_controlled", lang, ruled=ruled) + (message("line_falls", lang, falls=falls) if falls else "")


def translated_text(answer: Answer) -> str:
    """Which of the question's words were read through the glossary: "изостатического пресса = isostatic
    press; мм = mm" ("" for a question in English)."""
    return "; ".join(f"{written} = {english}" for written, english in answer.translated)


def _language_name(code: str, language: str) -> str:
    return LANGUAGE_NAMES.get(language, {}).get(code) or NAMES.get(code, code)


def decision_head(answer: Answer) -> str:
    """The decision line as the first paragraph of any answer text, the model's included."""
    return f"**{escape_md(decision_line(answer))}**\n\n"


def _card(i: int, c: Candidate, lang: str = "en") -> list[str]:
    refs = "".join(f"[{n}]" for n in c.citations)
    lines = [f"\n{i}. **{escape_md(c.item)}** {escape_md(c.title)} ({escape_md(c.list_label)}, "
             f"{escape_md(c.version)}) {refs}: **{message(c.status, lang)}**"]
    if c.reason:
        lines.append(f"   - {escape_md(c.reason)}")
    lines.append("   > " + escape_md(c.quote).replace("\n", "\n   > "))
    lines += [f"   - {escape_md(check_text(check, lang))}" for check in c.checks]
    lines += [f"   - {message('ask', lang)} {escape_md(ask_text(leaf, lang))}" for leaf in c.missing]
    lines += [f"   - {escape_md(note)}" for note in c.notes]
    if c.related:
        lines.append(f"   - {message('also_check', lang)} " + ", ".join(escape_md(r) for r in c.related))
    if c.same_item:
        lines.append(f"   - {escape_md(same_item_line(c))}")
    return lines


def same_item_line(c: Candidate) -> str:
    """The other lists' items for the same goods: "Same item: NO List II 2B209 (2026-06) [3], US CCL 2B209 [4]"."""
    return "Same item: " + ", ".join(
        f"{s.list_label} {s.code} ({s.version})" + "".join(f"[{n}]" for n in s.citations)
        + (f" ~{s.confidence:.0%}" if s.kind == "same item" and s.confidence < 1 else "")
        for s in c.same_item
    )


def markdown(answer: Answer) -> str:
    """The whole extractive answer: decision line, "Read as", cards best first, guidance, disclaimer."""
    lang = answer.language
    lines = [decision_head(answer).rstrip("\n")]
    if answer.read_as:
        lines.append(f"\n{message('read_as', lang)} {escape_md(answer.read_as)}")
    if answer.translated:
        lines.append(f"\n{message('translated', lang, name=_language_name(answer.question_language, lang))} "
                     f"{escape_md(translated_text(answer))}")
    if answer.facts is not None:
        lines += [f"\n_{message('note', lang)} {escape_md(note)}_" for note in answer.facts.notes]
    if answer.candidates:
        lines.append(f"\n{message('entries', lang)}")
    for i, c in enumerate(answer.candidates, 1):
        lines += _card(i, c, lang)
    if answer.guidance:
        lines.append(f"\n{message('guidance', lang)} " + " ".join(
            f"{escape_md(g.passage.title)} [{g.n}]" for g in answer.guidance))
    lines.append(f"\n_{message('disclaimer', lang)}_")
    return "\n".join(lines)


def quantity_json(q: Quantity | None, op: str | None = None) -> dict[str, Any] | None:
    if q is None:
        return None
    return {"value": q.value, "unit": q.unit} | ({"op": op} if op else {})


def check_json(check: Check) -> dict[str, Any]:
    return {"entry": check.entry, "parameter": check.parameter, "subject": check.subject,
            "asked": format_quantity(check.asked) if check.asked else check.stated or None,
            "asked_value": quantity_json(check.asked), "threshold": check.threshold,
            "threshold_value": quantity_json(check.bound, check.op), "verdict": check.verdict}


def citation_json(c: Citation, with_text: bool = True) -> dict[str, Any]:
    p = c.passage
    data = {"n": c.n, "entry": p.entry, "title": p.title, "list": p.list_label, "source": p.source,
            "version": p.version, "version_id": p.version_id, "page": p.page, "score": round(c.score, 4)}
    return data | ({"text": p.text} if with_text else {})


def candidate_json(c: Candidate) -> dict[str, Any]:
    return {"entry": c.entry, "item": c.item, "title": c.title, "list": c.list_label, "version": c.version,
            "status": c.status, "reason": c.reason, "citations": c.citations,
            "checks": [check_json(ch) for ch in c.checks], "ask": [ask_json(c.entry, leaf) for leaf in c.missing],
            "same_item": [asdict(s) for s in c.same_item]}


def ask_json(entry: str, leaf: Leaf) -> dict[str, Any]:
    return {"entry": entry, "property": leaf.property or leaf.kind, "threshold": leaf.text,
            "question": ask_text(leaf)}


def ruling_json(r: Ruling) -> dict[str, Any]:
    return {"entry": r.entry, "list": r.list_label, "reason": r.reason, "leaf": r.leaf}


def answer_json(answer: Answer, with_text: bool = True) -> dict[str, Any]:
    """The `stce ask --json` contract (README); the audit trail and screening embed the same shape."""
    standing = [c for c in answer.candidates if c.status != "does not apply"]
    return {
        "question": answer.question,
        "query": answer.query,
        "read_as": answer.read_as,
        "language": answer.question_language,
        "answer_language": answer.language,
        "translated": [{"written": written, "english": english} for written, english in answer.translated],
        "decision": answer.decision,
        "decision_line": decision_line(answer),
        "understood": answer.understood,
        "answer": answer.markdown,
        "mode": answer.mode,
        "entries": [c.entry for c in standing],
        "candidates": [candidate_json(c) for c in answer.candidates],
        "ruled_out": [ruling_json(r) for r in answer.ruled_out],
        "falls_to": answer.falls_to,
        "ask": [ask_json(c.entry, leaf) for c in standing for leaf in c.missing],
        "citations": [citation_json(c, with_text) for c in answer.citations + answer.guidance],
        "checks": [check_json(ch) for c in answer.candidates for ch in c.checks],
        "notes": list(answer.facts.notes) if answer.facts else [],
        "took_ms": round(answer.took_ms, 1),
    }
