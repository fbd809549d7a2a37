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

from assistant.core.types import (
    Answer,
    Candidate,
    Check,
    Citation,
    Decision,
    FactAsk,
    Facts,
    ItemLink,
    Leaf,
    Passage,
    Quantity,
    Ruling,
    SourceDocument,
)
from assistant.decision.suggest import fact_asks, next_questions
from assistant.knowledge.agents import agent_text
from assistant.knowledge.chemistry import identity_text
from assistant.text.language import NAMES
from assistant.text.messages import LANGUAGE_NAMES, message, say
from assistant.text.params import format_quantity

DISCLAIMER = message("disclaimer")
NO_MATCH = message("no_match")
NOT_UNDERSTOOD = message("not_understood")
DECISIONS: tuple[Decision, ...] = (
    "likely-controlled",
    "needs-facts",
    "not-controlled-as-described",
    "no-match",
    "no-list",
)
DECISION_LABELS: dict[Decision, str] = {d: message(d) for d in DECISIONS}
STATUS_LABELS = {s: message(s) for s in ("applies", "undetermined", "does not apply")}
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#!|~:$&])")
"""What can start a link, an image, HTML or an entity, emphasis, a table, LaTeX or a Streamlit directive."""
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
    asked = (
        quantity_text(check.asked, language)
        if check.asked is not None
        else check.stated or message("not stated in the question", language)
    )
    return message(
        "check",
        language,
        parameter=check.parameter,
        about=about,
        asked=asked,
        threshold=say(check.threshold, language),
        verdict=message(check.verdict, language),
    )


def ask_text(leaf: Leaf, language: str = "en") -> str:
    """The question that settles a missing fact: "What is the frequency stability? (better than 0.2%)"."""
    if leaf.kind == "material":
        return message("ask_material", language)
    if leaf.kind == "chemical":
        return message("ask_chemical", language)
    if leaf.kind == "exclusion":
        return message("ask_exclusion", language, text=leaf.text)
    if leaf.kind == "feature":
        return message("ask_feature", language, property=leaf.property, text=leaf.text)
    about = message("ask_about", language, subject=leaf.subject.lower()) if _short(leaf.subject) else ""
    if leaf.kind == "count":
        # "How many axes?", "How many rodents?": what is counted, in the plural.
        counted = "axes" if leaf.property == "axis" else leaf.property.removesuffix("s") + "s"
        return message("ask_count", language, property=counted, text=leaf.text)
    return message(
        "ask_property",
        language,
        property=leaf.property or message("deciding parameter", language),
        about=about,
        text=leaf.text,
    )


def _short(subject: str) -> bool:
    """A subject worth naming beside a figure: a few words ("heat exchanger"), not a whole entry heading."""
    return 0 < len(subject.split()) <= 3


def version_text(version: str) -> str:
    """The editor's version label ("2026-06") of a passage's version; the content hash that tells versions apart
    stays in the JSON record (`version`, `version_id`), since officers read labels, not hashes.

    >>> version_text("2026-06 (fc2ca8c6b594)"), version_text("fc2ca8c6b594")
    ('2026-06', 'unlabelled version')
    """
    label = _HASHED.sub("", version).strip()
    return "unlabelled version" if not label or _HASH.fullmatch(label) else label


_HASH = re.compile(r"[0-9a-f]{12}")
_HASHED = re.compile(r"\s*\([0-9a-f]{12}\)$")


def citation_label(c: Citation) -> str:
    """Where a cited passage comes from, as plain text: "[2] 2B350.a · NO List II · no-list-ii 2026-06, p. 92".

    Plain, not Markdown: every surface that renders Markdown (expander labels, exports) escapes it.
    """
    p = c.passage
    page = f", p. {p.page}" if p.page else ""
    warning = f" · FLAGGED: {p.flagged}" if p.flagged else ""
    return f"[{c.n}] {p.entry or p.title} · {p.list_label} · {p.source} {version_text(p.version)}{page}{warning}"


def advice(answer: Answer) -> list[Citation]:
    """The guidance offered as what to look for and do next: never a passage the content checks flagged."""
    return [g for g in answer.guidance if not g.passage.flagged]


def flagged(answer: Answer) -> list[Citation]:
    """The cited passages the content checks flagged at ingest, shown apart with their warning."""
    return [c for c in answer.citations + answer.guidance if c.passage.flagged]


def read_as(facts: Facts, language: str = "en") -> str:
    """How the question was read: the goods, their stated quantities, materials and chemicals, each chemical
    with how its identity was found ("phosphorous tri-chloride read as phosphorus trichloride, CAS 7719-12-2")."""
    parts = [goods_read(facts.subject, facts.modifiers)]
    parts += [format_quantity(q) for q in facts.quantities]
    parts += [m.name for m in facts.materials]
    named = {i.cas for i in facts.identities}
    parts += [f"CAS {cas}" for cas in facts.cas if cas not in named]
    parts += [identity_text(i) for i in facts.identities]
    parts += [agent_text(a) for a in facts.agents]
    parts += [message("read_as_title", language, title=t) for t in facts.titles]
    parts += [f"{n} {what}" for what, n in facts.counts.items()]
    return ", ".join(p for p in parts if p)


READ_AS_WORDS = 6
"""How many of the goods' other words "Read as" names beside their noun: a line of the page, never the words
of a pasted invoice (the modifiers of a 5,000-character paste run to hundreds)."""


def goods_read(subject: str, modifiers: tuple[str, ...]) -> str:
    """The goods' noun, then the other words read beside it, so that no bag of words reads as a noun
    ("agitator reactor"); at most `READ_AS_WORDS` of them.

    >>> goods_read("reactor", ("agitator",)), goods_read("frequency converter", ())
    ('reactor (agitator)', 'frequency converter')
    >>> goods_read("pump", tuple("abcdefgh"))
    'pump (a, b, c, d, e, f, ...)'
    """
    said = ", ".join(modifiers[:READ_AS_WORDS]) + (", ..." if len(modifiers) > READ_AS_WORDS else "")
    if not subject:
        return said
    return f"{subject} ({said})" if said else subject


def read_as_line(answer: Answer) -> str:
    """How the question was read, and what a follow-up inherited from the conversation, so a misread number
    or carried-over goods show before the decision is trusted."""
    return f"{message('read_as', answer.language)} {_read_as_body(answer)}"


def _read_as_body(answer: Answer) -> str:
    lang = answer.language
    line = answer.read_as or message("nothing_read", lang)
    if not answer.follow_up or not answer.query or answer.query == answer.question:
        return line  # a translated question's query differs from it, yet inherits nothing
    if answer.earlier:
        return line + message("follow_up_to", lang, earlier=_clipped(answer.earlier))
    return line + message("follow_up_searched", lang, query=_clipped(answer.query))


READ_AS_CHARS = 160
"""How much of an earlier description "Read as" repeats: two lines of the page, not a 5,000-character paste."""


def _clipped(text: str) -> str:
    """Text cut at a word to `READ_AS_CHARS`, with "..." where it was cut.

    >>> _clipped("reactor " * 40)[-11:]
    'reactor ...'
    """
    text = " ".join(text.split())
    if len(text) <= READ_AS_CHARS:
        return text
    return text[:READ_AS_CHARS].rsplit(" ", 1)[0] + " ..."


def because(checks: list[Check], verdict: str, language: str = "en") -> list[str]:
    """The checks with `verdict` in plain words, a range once: "total internal volume 3000 L lies inside
    0.1 m³ - 20 m³", "frequency 800 Hz meets 600 Hz or more", "glass-lined steel is a listed material"."""
    chosen = [ch for ch in checks if ch.verdict == verdict]
    out: list[str] = []
    paired: set[int] = set()
    for i, ch in enumerate(chosen):
        if i in paired:
            continue
        pair = next((j for j, other in enumerate(chosen) if j > i and j not in paired and _pairs(ch, other)), None)
        if pair is not None:
            paired.add(pair)
            low, high = (ch, chosen[pair]) if ch.op in (">", ">=") else (chosen[pair], ch)
            out.append(
                message(
                    "phrase_inside" if verdict == "met" else "phrase_outside",
                    language,
                    parameter=ch.parameter,
                    asked=quantity_text(ch.asked, language),
                    low=quantity_text(low.bound, language),
                    high=quantity_text(high.bound, language),
                )
            )
        else:
            out.append(_check_phrase(ch, language))
    return list(dict.fromkeys(out))


def _pairs(a: Check, b: Check) -> bool:
    """Two bounds of one property, one lower and one upper: a range."""
    return (
        (a.parameter, a.subject, a.asked) == (b.parameter, b.subject, b.asked)
        and a.bound is not None
        and b.bound is not None
        and {a.op in (">", ">="), b.op in (">", ">=")} == {True, False}
    )


def _check_phrase(ch: Check, language: str = "en") -> str:
    if ch.parameter == "material":
        key = {"met": "phrase_listed_material", "not met": "phrase_unlisted_material"}
        return message(key.get(ch.verdict, "phrase_material_not_stated"), language, stated=ch.stated)
    if ch.parameter == "chemical":
        key = {"met": "phrase_chemical_listed", "not met": "phrase_chemical_not_listed"}
        return message(key.get(ch.verdict, "phrase_chemical_not_named"), language, stated=ch.stated)
    if ch.verdict == "not stated":
        return message("phrase_not_stated", language, parameter=ch.parameter, threshold=say(ch.threshold, language))
    # A feature stated in words ("three-phase") has no quantity: the words are what was stated.
    asked = quantity_text(ch.asked, language) if ch.asked is not None else f"'{ch.stated}'" if ch.stated else ""
    key = "phrase_meets" if ch.verdict == "met" else "phrase_does_not_meet"
    threshold = say(ch.threshold, language)
    return " ".join(message(key, language, parameter=ch.parameter, asked=asked, threshold=threshold).split())


def _turns_on(c: Candidate, language: str = "en") -> list[str]:
    """What a candidate still needs, in a few words each: "the wetted material", "frequency control (...)"."""
    out = []
    for leaf in c.missing:
        if leaf.kind == "material":
            out.append(message("turns_material", language))
        elif leaf.kind == "chemical":
            out.append(message("turns_chemical", language))
        elif leaf.kind == "feature":
            out.append(message("turns_feature", language, property=leaf.property))
        else:
            out.append(f"{leaf.property or message('turns_parameter', language)} ({leaf.text})")
    return list(dict.fromkeys(out))


def decision_line(answer: Answer) -> str:
    """The one line an officer reads first: the decision, the entry and the checks that decided, in plain words
    ("Likely controlled: 2B350.a.1 (US CCL) applies: glass-lined steel is a listed material; ...")."""
    best = answer.candidates[0] if answer.candidates else None
    lang = answer.language
    if answer.decision == "no-list":
        if answer.control_lists:
            return message("no_list_selected", lang, lists=", ".join(answer.control_lists))
        return message("no_list", lang)
    if not answer.understood and not answer.candidates:
        return message("not_understood", lang)
    if answer.decision == "no-match":
        return message("no_match", lang)
    if answer.decision == "likely-controlled" and best is not None:
        return message(
            "line_likely",
            lang,
            item=best.item,
            list=best.list_label,
            reason="; ".join(because(best.checks, "met", lang)) or say(best.reason, lang),
        )
    if answer.decision == "needs-facts" and best is not None:
        needs = "; ".join(_turns_on(best, lang))
        stated = "; ".join(because(best.checks, "met", lang))
        line = (
            message("line_needs", lang, item=best.item, list=best.list_label, needs=needs)
            if needs
            else message("line_needs_reason", lang, item=best.item, list=best.list_label, reason=say(best.reason, lang))
        )
        return line + (message("stated", lang, stated=stated) if stated else "")
    ruled = [c for c in answer.candidates if c.status == "does not apply"]
    if ruled:
        first = ruled[0]
        why = "; ".join(because(first.checks, "not met", lang)) or say(first.reason, lang)
        line = message("line_not_applies", lang, item=first.item, list=first.list_label, why=why)
        others = [c.item for c in ruled[1:]] + [r.entry for r in answer.ruled_out if r.entry != first.entry]
    else:
        line = message(
            "line_not_controlled",
            lang,
            ruled="; ".join(f"{r.entry} ({say(r.reason, lang)})" for r in answer.ruled_out[:1]),
        )
        others = [r.entry for r in answer.ruled_out[1:]]
    if others:
        line += message("also_ruled_out", lang, others=", ".join(dict.fromkeys(others)))
    falls = "; ".join(f"{message(where, lang)} ({lst})" for lst, where in answer.falls_to.items())
    return line + (message("line_falls", lang, falls=falls) if falls else ".")


def translated_text(answer: Answer) -> str:
    """Which of the question's words were read through the glossary: "изостатического пресса = isostatic
    press; мм = mm" ("" for a question in English)."""
    return "; ".join(f"{written} = {english}" for written, english in answer.translated)


def _language_name(code: str, language: str) -> str:
    return LANGUAGE_NAMES.get(language, {}).get(code) or NAMES.get(code, code)


def decision_head(answer: Answer) -> str:
    """The decision line as the first paragraph of any answer text, the model's included."""
    return f"**{escape_md(decision_line(answer))}**\n\n"


_DECIDING: dict[str, tuple[str, ...]] = {
    "applies": ("met",),
    "undetermined": ("met",),
    "does not apply": ("met", "not met"),
}
"""The verdicts of the checks that decide an item of each status: an item that applies or is open fails no
check that counts (a missed vacuum-pump flow beside a seal-less pump's met one was another branch)."""


def shown_checks(c: Candidate) -> list[Check]:
    """The checks a card shows by default: those that decided the item and those the question must still
    answer; the entry's other thresholds (nickel % beside a glass-lined vessel, a sibling branch's figure)
    wait behind "all thresholds of this entry"."""
    asked = {leaf.text for leaf in c.missing} | {", ".join(leaf.materials) for leaf in c.missing if leaf.materials}
    return [ch for ch in c.checks if ch.verdict in _DECIDING[c.status] or ch.threshold in asked]


def item_lines(c: Candidate, max_lines: int = 4) -> list[str]:
    """The lines of the quote that hold the shown checks' thresholds, or its first line: the matching sub-item."""
    lines = [line for line in c.quote.splitlines() if line.strip()]
    thresholds = [ch.threshold for ch in shown_checks(c) if ch.parameter not in ("material", "chemical")]
    matching = [line for line in lines if any(t and t in line for t in thresholds)]
    return (matching or lines[:1])[:max_lines]


def _card(i: int, c: Candidate, full: bool, seen_notes: set[str], lang: str = "en") -> list[str]:
    refs = "".join(f"[{n}]" for n in c.citations)
    lines = [
        f"\n{i}. **{escape_md(c.item)}** {escape_md(c.title)} ({escape_md(c.list_label)}, "
        f"{escape_md(version_text(c.version))}) {refs}: **{message(c.status, lang)}**"
    ]
    checks = c.checks if full else shown_checks(c)
    if c.reason and (full or not checks):
        lines.append(f"   - {escape_md(say(c.reason, lang))}")
    quote = c.quote.splitlines() if full else item_lines(c)
    lines.append("   > " + "  \n   > ".join(escape_md(line) for line in quote))  # hard breaks: the list's lines
    lines += [f"   - {escape_md(check_text(check, lang))}" for check in checks]
    if c.same_item:
        lines.append(f"   - {escape_md(same_item_line(c, lang))}")
    if not full:
        hidden = len(c.checks) - len(checks)
        if hidden:
            lines.append(f"   - {message('more_thresholds', lang, n=str(hidden), s='s' if hidden > 1 else '')}")
        return lines
    lines += [f"   - {message('ask', lang)} {escape_md(ask_text(leaf, lang))}" for leaf in c.missing]
    lines += [f"   - {escape_md(note)}" for note in c.notes if note not in seen_notes]
    seen_notes.update(c.notes)
    if c.related:
        lines.append(f"   - {message('also_check', lang)} " + ", ".join(escape_md(r) for r in c.related))
    return lines


def same_item_line(c: Candidate, language: str = "en") -> str:
    """The other lists' items for the same goods: "Same item: NO List II 2B209 (2026-06) [3], US CCL 2B209 [4]"."""
    return (
        message("same_item", language)
        + " "
        + ", ".join(
            f"{s.list_label} {s.code} ({version_text(s.version)})"
            + "".join(f"[{n}]" for n in s.citations)
            + (f" ~{s.confidence:.0%}" if s.kind == "same item" and s.confidence < 1 else "")
            for s in c.same_item
        )
    )


def ask_line(ask: FactAsk, language: str = "en") -> str:
    """A fact prompt as text: "Wetted material? (e.g. Hastelloy C-22, glass-lined steel)"."""
    hint = (
        message("example", language, options=", ".join(ask.options))
        if ask.options
        else message("the_list", language, threshold=ask.threshold)
    )
    return f"{ask.label} ({hint})"


def markdown(answer: Answer, full: bool = False) -> str:
    """The extractive answer: decision line, "Read as", the facts to give, cards best first, guidance, next
    questions, disclaimer. Cards are compact unless `full` (whole quote, every threshold, notes, related)."""
    lang = answer.language
    lines = [decision_head(answer).rstrip("\n"), f"\n{message('read_as', lang)} {escape_md(_read_as_body(answer))}"]
    if answer.translated:
        read = (
            message("aliases_read", lang)
            if answer.question_language == "en"
            else message("translated", lang, name=_language_name(answer.question_language, lang))
        )
        lines.append(f"\n{read} {escape_md(translated_text(answer))}")
    if answer.preparing:
        lines.append(
            f"\n_{message('note', lang)} {escape_md(message('preparing', lang, lists=', '.join(answer.preparing)))}_"
        )
    if answer.facts is not None:
        lines += [f"\n_{message('note', lang)} {escape_md(note)}_" for note in answer.facts.notes]
    asks = fact_asks(answer)
    if asks:
        lines.append(f"\n{message('tell_me', lang)} " + " · ".join(escape_md(ask_line(a, lang)) for a in asks))
    if answer.candidates:
        lines.append(f"\n{message('entries', lang)}")
    seen_notes: set[str] = set()
    for i, c in enumerate(answer.candidates, 1):
        lines += _card(i, c, full, seen_notes, lang)
    if advice(answer):
        lines.append(
            f"\n{message('guidance', lang)} "
            + " ".join(f"{escape_md(g.passage.title)} [{g.n}]" for g in advice(answer))
        )
    for c in flagged(answer):
        lines.append(f"\n**{message('flagged', lang)}** [{c.n}] {escape_md(c.passage.flagged)}")
    suggested = next_questions(answer)
    if suggested:
        lines.append(f"\n{message('next_questions', lang)} " + " · ".join(escape_md(q) for q in suggested))
    lines.append(f"\n_{message('disclaimer', lang)}_")
    return "\n".join(lines)


def export_markdown(answer: Answer) -> str:
    """One answer for the Markdown export: the question, the full answer and every cited passage, escaped, so a
    document's text cannot make the reader's Markdown viewer load a remote image or follow a link."""
    body = answer.markdown if answer.mode == "llm" else markdown(answer, full=True)
    cited = "\n\n".join(
        f"**{escape_md(citation_label(c))}**\n\n> " + escape_md(c.passage.text).replace("\n", "\n> ")
        for c in answer.citations + answer.guidance
    )
    return f"## {escape_md(answer.question)}\n\n{body}\n\n### Cited passages\n\n{cited}\n"


def quantity_json(q: Quantity | None, op: str | None = None) -> dict[str, Any] | None:
    if q is None:
        return None
    return {"value": q.value, "unit": q.unit} | ({"op": op} if op else {})


def check_json(check: Check) -> dict[str, Any]:
    return {
        "entry": check.entry,
        "parameter": check.parameter,
        "subject": check.subject,
        "asked": format_quantity(check.asked) if check.asked else check.stated or None,
        "asked_value": quantity_json(check.asked),
        "threshold": check.threshold,
        "threshold_value": quantity_json(check.bound, check.op),
        "verdict": check.verdict,
    }


def citation_json(c: Citation, with_text: bool = True) -> dict[str, Any]:
    p = c.passage
    data = {
        "n": c.n,
        "entry": p.entry,
        "title": p.title,
        "list": p.list_label,
        "source": p.source,
        "version": p.version,
        "version_label": version_text(p.version),
        "version_id": p.version_id,
        "page": p.page,
        "score": round(c.score, 4),
        "flagged": p.flagged,
    }
    return data | ({"text": p.text} if with_text else {})


def candidate_json(c: Candidate) -> dict[str, Any]:
    return {
        "entry": c.entry,
        "item": c.item,
        "title": c.title,
        "list": c.list_label,
        "version": c.version,
        "status": c.status,
        "reason": c.reason,
        "citations": c.citations,
        "checks": [check_json(ch) for ch in c.checks],
        "ask": [ask_json(c.entry, leaf) for leaf in c.missing],
        "same_item": [asdict(s) for s in c.same_item],
    }


def ask_json(entry: str, leaf: Leaf) -> dict[str, Any]:
    return {"entry": entry, "property": leaf.property or leaf.kind, "threshold": leaf.text, "question": ask_text(leaf)}


def fact_ask_json(ask: FactAsk) -> dict[str, Any]:
    return {
        "entry": ask.entry,
        "label": ask.label,
        "threshold": ask.threshold,
        "options": list(ask.options),
        "follow_up": ask.follow_up("{answer}"),
    }


def verdict_json(answer: Answer) -> dict[str, Any]:
    """The decision line and what it rests on: the entry it names and the checks that decided."""
    best = answer.candidates[0] if answer.candidates else None
    decided = {"likely-controlled": "met", "needs-facts": "not stated", "not-controlled-as-described": "not met"}
    verdict = decided.get(answer.decision, "")
    checks = (
        [ch for ch in best.checks if ch.verdict == verdict]
        if best and answer.decision not in ("no-match", "no-list")
        else []
    )
    return {
        "decision": answer.decision,
        "line": decision_line(answer),
        "entry": best.item if best else "",
        "list": best.list_label if best else "",
        "because": [check_json(ch) for ch in checks],
    }


def ruling_json(r: Ruling) -> dict[str, Any]:
    return {
        "entry": r.entry,
        "list": r.list_label,
        "reason": r.reason,
        "leaf": r.leaf,
        "checks": [check_json(ch) for ch in r.checks],
    }


def all_checks(answer: Answer) -> list[Check]:
    """Every check the answer made: on the entries shown, then on those ruled out and not shown."""
    shown = {(c.entry, c.list_label) for c in answer.candidates}
    return [ch for c in answer.candidates for ch in c.checks] + [
        ch for r in answer.ruled_out if (r.entry, r.list_label) not in shown for ch in r.checks
    ]


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
        "verdict": verdict_json(answer),
        "read_as_line": read_as_line(answer),
        "asks": [fact_ask_json(a) for a in fact_asks(answer)],
        "next_questions": next_questions(answer),
        "understood": answer.understood,
        "decided_by": answer.decided_by,
        "answer": answer.markdown,
        "mode": answer.mode,
        "entries": [c.entry for c in standing],
        "candidates": [candidate_json(c) for c in answer.candidates],
        "ruled_out": [ruling_json(r) for r in answer.ruled_out],
        "falls_to": answer.falls_to,
        "ask": [ask_json(c.entry, leaf) for c in standing for leaf in c.missing],
        "citations": [citation_json(c, with_text) for c in answer.citations + answer.guidance],
        "checks": [check_json(ch) for ch in all_checks(answer)],
        "notes": list(answer.facts.notes) if answer.facts else [],
        "preparing": list(answer.preparing),
        "took_ms": round(answer.took_ms, 1),
    }


def entry_json(
    code: str, passages: list[Passage], criteria: list[dict[str, Any]], links: list[ItemLink]
) -> dict[str, Any]:
    """An entry's official text, criteria trees (as the snapshot stores them) and links: `stce entry --json`
    and the API's `GET /entries/{code}`."""
    return {
        "entry": code,
        "passages": [asdict(p) for p in passages],
        "criteria": criteria,
        "links": [asdict(x) for x in links],
    }


def source_json(source: SourceDocument, warnings: list[str]) -> dict[str, Any]:
    """One ingested source with its version and the editor's warnings: `stce sources --json` and `GET /sources`."""
    return {**asdict(source), "version": source.version, "warnings": warnings}
