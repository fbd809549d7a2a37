"""Compose the deterministic, cited answer from retrieved entries and the question's parameters."""

from __future__ import annotations

import re
from collections import defaultdict
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
# Stated thresholds that the goods meet raise an entry; thresholds they miss lower it (never drop it).
VERDICT_WEIGHT = {"met": 1.5, "not met": 0.5}
MAX_NOTES = 3
PROOF_CANDIDATES = 3
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
    if match.routes & {"code", "cas", "curriculum"}:
        return True
    if match.similarity >= MIN_SIMILARITY:
        return True
    return match.keyword > 0 and match.similarity >= MIN_SIMILARITY_WITH_KEYWORDS


def assess(entry: str, text: str, asked: Sequence[Quantity]) -> tuple[list[Check], str]:
    """Compare the question's quantities with the thresholds in `text`; return the checks and a verdict.

    Per parameter, bounds in the same direction are alternatives (a pump over 0.6 m3/h *or* a vacuum
    pump over 5 m3/h) and a lower with an upper bound is a range that must hold as a whole; across
    parameters all must hold, as in "having all of the following". The verdict is "met", "not met",
    "not stated" (thresholds, but none of their parameters in the question) or "none" (no thresholds).
    """
    results = check_quantities(list(asked), parse_thresholds(text))
    checks = [
        Check(entry=entry, parameter=parameter_name(t.value), threshold=t.text, verdict=verdict,
              asked=format_quantity(q) if q is not None else None)
        for t, q, verdict in results
    ]
    sides: dict[tuple[str, bool], list[bool]] = defaultdict(list)
    for t, _, verdict in results:
        if verdict != "not stated":
            sides[(parameter_name(t.value), t.op in (">", ">="))].append(verdict == "met")
    stated_first = sorted(checks, key=lambda c: c.verdict == "not stated")[:MAX_CHECKS]
    if not sides:
        return stated_first, "not stated" if results else "none"
    holds: dict[str, bool] = {}
    for (parameter, _), met in sides.items():
        holds[parameter] = holds.get(parameter, True) and any(met)
    return stated_first, "met" if all(holds.values()) else "not met"


def _best_passage(match: EntryMatch, asked: Sequence[Quantity]) -> tuple[Hit, list[Check], str]:
    """The passage that proves an entry: among its best few, one whose thresholds the question speaks to."""
    assessed = [(hit, *assess(hit.passage.entry, body(hit.passage), asked)) for hit in match.hits[:PROOF_CANDIDATES]]
    return max(assessed, key=lambda a: (a[2] in ("met", "not met"), a[0].score))


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
    scored = [(match, *_best_passage(match, asked)) for match in matches[: k * 2]]
    scored.sort(key=lambda s: s[0].score * VERDICT_WEIGHT.get(s[3], 1.0), reverse=True)
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
            lines.append(f"   - {note}" if _NOTE.match(note) else f"   - Note: {note}")
        if c.related:
            lines.append("   - Also check: " + ", ".join(c.related))
    if guidance:
        lines.append("\n**What to look for and what to do next:** " + " ".join(
            f"{g.passage.title} [{g.n}]" for g in guidance))
    lines.append("\n" + DISCLAIMER)
    return "\n".join(lines)
