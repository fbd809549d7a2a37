"""Compose the deterministic, cited answer from retrieved entries and the question's parameters."""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.codes import find_codes, top_level
from assistant.index import View
from assistant.params import Quantity, check_quantities, format_quantity, parameter_name, parse_thresholds
from assistant.retrieve import EntryMatch, Retrieved
from assistant.types import Answer, Candidate, Check, Citation, Hit, Passage

# Below these a fuzzy match is too weak to present as a lead (calibrated on bench/devset.yaml).
MIN_SIMILARITY = 0.45
MIN_SIMILARITY_WITH_KEYWORDS = 0.30
MAX_CHECKS = 6
MAX_NOTES = 3
MAX_GUIDANCE = 2
DISCLAIMER = (
    "_This is a lead for the officer, not a legal classification. Confirm the goods' technical parameters "
    "and consult your licensing authority or technical reachback before release or seizure._"
)
_NOTE = re.compile(r"^\s*(?:Technical\s+Notes?|Notes?|N\.\s?B\.|License Requirement Note|Nota)\b.*", re.I)
_DECONTROL = re.compile(r"\b(?:does|do) not (?:control|apply)\b", re.I)
_RELATED = re.compile(r"related controls|see also|N\.\s?B\.", re.I)


def body(p: Passage) -> str:
    """A passage's own words: without the entry header that a sub-item passage repeats for context."""
    lines = p.text.splitlines()
    if p.parent and len(lines) > 1:
        return "\n".join(lines[1:]).strip()
    return p.text.strip()


def notes_of(text: str) -> list[str]:
    """Notes, Technical Notes, N.B. and decontrol notes in a passage, each as one line."""
    return [line.strip() for line in text.splitlines() if _NOTE.match(line) or _DECONTROL.search(line)]


def _relevant(match: EntryMatch) -> bool:
    if match.routes & {"code", "cas"}:
        return True
    if match.similarity >= MIN_SIMILARITY:
        return True
    return match.keyword > 0 and match.similarity >= MIN_SIMILARITY_WITH_KEYWORDS


def _checks(entry: str, text: str, asked: Sequence[Quantity]) -> list[Check]:
    checks = []
    for threshold, quantity, verdict in check_quantities(list(asked), parse_thresholds(text))[:MAX_CHECKS]:
        checks.append(Check(
            entry=entry, parameter=parameter_name(threshold.value), threshold=threshold.text, verdict=verdict,
            asked=format_quantity(quantity) if quantity is not None else None,
        ))
    return checks


def _verdict(checks: list[Check]) -> str:
    """`not met` only when no stated threshold is met: alternatives and ranges must not hide a hit."""
    stated = [c.verdict for c in checks if c.verdict != "not stated"]
    if not stated:
        return "not stated" if checks else "none"
    return "met" if "met" in stated else "not met"


def _related(view: View, entry: str) -> list[str]:
    """Entries the list itself points to (Related Controls, see also, N.B.) and the group's catch-all."""
    found: list[str] = []
    for p in view.snapshot.by_entry.get(entry, []):
        for line in p.text.splitlines():
            if _RELATED.search(line):
                found += [top_level(c) for c in find_codes(line)]
    group = entry[:2]
    found += sorted(code for code in view.snapshot.by_entry if re.fullmatch(rf"{group}99\d", code))
    return [c for c in dict.fromkeys(found) if c != entry and c in view.snapshot.by_entry][:6]


def compose(question: str, retrieved: Retrieved, asked: Sequence[Quantity], view: View, k: int) -> Answer:
    """Up to `k` candidate entries, best first, each proven by the cited passage that matched."""
    matches = [m for m in retrieved.entries if _relevant(m)]
    scored: list[tuple[EntryMatch, Hit, list[Check], str]] = []
    for match in matches[: k * 2]:
        best = match.hits[0]
        checks = _checks(best.passage.entry, body(best.passage), asked)
        scored.append((match, best, checks, _verdict(checks)))
    scored.sort(key=lambda s: s[3] == "not met")
    citations: list[Citation] = []
    candidates: list[Candidate] = []
    for match, best, checks, verdict in scored[:k]:
        cited = [best] + [h for h in match.hits[1:2] if h.passage.list_label != best.passage.list_label]
        numbers = []
        for hit in cited:
            citations.append(Citation(len(citations) + 1, hit.passage, hit.score))
            numbers.append(len(citations))
        preamble = [p for p in view.snapshot.by_entry.get(match.entry, []) if p.entry == match.entry][:1]
        notes = notes_of(body(best.passage)) + [n for p in preamble for n in notes_of(p.text)]
        candidates.append(Candidate(
            entry=match.entry, item=best.passage.entry, title=best.passage.title,
            list_label=best.passage.list_label, version=best.passage.version, quote=body(best.passage),
            notes=list(dict.fromkeys(notes))[:MAX_NOTES], citations=numbers, checks=checks, verdict=verdict,
            related=_related(view, match.entry) if verdict in ("not met", "not stated") else [],
        ))
    guidance = [Citation(len(citations) + i + 1, h.passage, h.score)
                for i, h in enumerate(retrieved.guidance[:MAX_GUIDANCE])]
    return Answer(question, _markdown(candidates, citations, guidance), candidates, citations, guidance, 0.0)


def _markdown(candidates: list[Candidate], citations: list[Citation], guidance: list[Citation]) -> str:
    lines: list[str] = []
    if not candidates:
        lines.append("**No entry in the ingested control lists matches this description.** "
                     "Check the goods' technical parameters (material of construction, capacity, frequency, "
                     "purity) and ask again with them, or name a control code or CAS number.")
    else:
        lines.append("**Control entries that may apply**, best first:")
    for i, c in enumerate(candidates, 1):
        refs = "".join(f"[{n}]" for n in c.citations)
        lines.append(f"\n{i}. **{c.item}** {c.title} ({c.list_label}, {c.version}) {refs}")
        lines.append("   > " + c.quote.replace("\n", "\n   > "))
        for check in c.checks:
            asked = check.asked or "not stated in the question"
            lines.append(f"   - {check.parameter}: {asked} vs *{check.threshold}*: **{check.verdict}**")
        if c.verdict == "not met":
            lines.append("   - The stated thresholds are not met: this entry likely does not apply as described.")
        elif c.verdict == "not stated":
            lines.append("   - The deciding parameter is not in the question: check the goods or documents for it.")
        for note in c.notes:
            lines.append(f"   - Note: {note}")
        if c.related:
            lines.append("   - Also check: " + ", ".join(c.related))
    if guidance:
        lines.append("\n**What to look for and what to do next:** " + " ".join(
            f"{g.passage.title} [{g.n}]" for g in guidance))
    lines.append("\n" + DISCLAIMER)
    return "\n".join(lines)
