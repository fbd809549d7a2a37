"""Screen a document's line items: each through `Assistant.ask`, flagged for the officer, most urgent first.

A line's flag comes from its answer's candidates (each carries the verdict of its parameter checks):

- `likely-controlled`: some candidate is decisive, that is
  - the goods meet its stated thresholds (verdict "met": every parameter the line states holds, with
    alternatives and ranges read as the answer reads them); or
  - the line names it exactly: its control code, or a CAS number that its cited passage carries
    (the retriever's exact routes), and no stated threshold rules it out; or
  - it states no numeric threshold (verdict "none", as for listed chemicals and pathogens) and its
    quote names the goods: a word of the description (six letters or more, not a generic trade word
    such as "equipment" or "stainless") stands in a short line of the quote, a list line such as
    "46. Triethanolamine (CAS 102-71-6);", and in no other candidate entry's quote (a word that several
    entries share, like "computers", names a class of goods, not these goods).
- `check-parameters`: candidates exist and none is decisive: a deciding parameter is not stated, a
  threshold is missed by less than `CLOSE` of it (declared figures are nominal, and under-declaring is
  how goods slip through), or an entry without thresholds matched the description loosely.
- `no-match`: no candidate, or every candidate's stated thresholds are clearly not met.

A line that declares itself not controlled (EAR99, "not listed") but is flagged likely-controlled, or
that declares a control code other than our best entry (or one we find nothing for), is a disagreement.
The description alone is asked, never the declared code: the answer must not simply echo the document.
Rows sort by flag, disagreements first within a flag, then by line.
"""

from __future__ import annotations

import csv
import io
import logging
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol

import pint

from assistant.codes import find_cas, find_codes, top_level
from assistant.errors import StceError
from assistant.params import parse_quantities, parse_thresholds
from assistant.types import Answer, Candidate, Check

log = logging.getLogger(__name__)

Flag = Literal["likely-controlled", "check-parameters", "no-match"]
FLAGS: tuple[Flag, ...] = ("likely-controlled", "check-parameters", "no-match")
CLOSE = 0.25
"""A threshold missed by less than this fraction of it is close enough to check the goods."""
SHOWN_CANDIDATES = 3
SHOWN_CHECKS = 3
MIN_TERM = 6
LIST_LINE = 80
"""Longest quote line read as a list line naming goods; longer lines are conditions, not names."""
_GENERIC = frozenset("""
    equipment machine machines machinery spares stainless systems system component components assembly
    assemblies accessories accessory material materials industrial laboratory electric electrical electronic
    electronics control controls controller portable standard complete including without mounted capacity
    general purpose product products process processing chemical chemicals technical quality certified
    packaged package packages consisting suitable manufacturing production apparatus device devices
    instrument instruments module modules housing supply pressure temperature vessel vessels container
    containers spare original series model models version replacement parts pieces assorted various other
""".split())
ROW_FIELDS = ("line", "description", "quantity", "hs_code", "declared", "flag", "best", "candidates", "checks",
              "reason", "disagreement")
class LineItem(Protocol):
    """What screening reads of a document's line (`ingest.lineitems.LineItem` provides it)."""

    line: int
    description: str
    quantity: float | None
    unit: str
    hs_code: str
    declared: str

    @property
    def declared_code(self) -> str: ...

    @property
    def declared_not_controlled(self) -> bool: ...

    def to_json(self) -> dict[str, Any]: ...


Ask = Callable[[str], Answer]
"""One question to one answer: `Assistant.ask`, or a caller's wrapper of it (the UI's serialises questions)."""
ProgressFn = Callable[[int, int], None]


@dataclass(frozen=True)
class Screened:
    """One line item, its answer, and the flag with the reason for it."""

    item: LineItem
    flag: Flag
    reason: str
    answer: Answer | None
    best: Candidate | None
    disagreement: str = ""
    error: str = ""

    @property
    def entries(self) -> list[str]:
        return self.answer.entries if self.answer else []

    @property
    def best_checks(self) -> list[Check]:
        """The deciding candidate's checks, stated ones first."""
        if self.best is None:
            return []
        return sorted(self.best.checks, key=lambda ch: ch.verdict == "not stated")

    def row(self) -> dict[str, Any]:
        """One flat row for a table or a CSV file."""
        item = self.item
        quantity = f"{item.quantity:g} {item.unit}".strip() if item.quantity is not None else ""
        shown = self.answer.candidates[:SHOWN_CANDIDATES] if self.answer else []
        return {
            "line": item.line, "description": item.description, "quantity": quantity, "hs_code": item.hs_code,
            "declared": item.declared, "flag": self.flag, "best": self.best.item if self.best else "",
            "candidates": ", ".join(f"{c.item} ({c.verdict})" for c in shown),
            "checks": "; ".join(_check_text(ch) for ch in self.best_checks[:SHOWN_CHECKS]),
            "reason": self.error or self.reason, "disagreement": self.disagreement,
        }

    def to_json(self) -> dict[str, Any]:
        candidates = self.answer.candidates if self.answer else []
        return {
            **self.item.to_json(),
            "declared_code": self.item.declared_code,
            "declared_not_controlled": self.item.declared_not_controlled,
            "flag": self.flag,
            "reason": self.reason,
            "best": self.best.entry if self.best else None,
            "best_item": self.best.item if self.best else None,
            "entries": self.entries,
            "candidates": [{"entry": c.entry, "item": c.item, "title": c.title, "list": c.list_label,
                            "version": c.version, "verdict": c.verdict} for c in candidates],
            "checks": [ch.to_json() for c in candidates for ch in c.checks],
            "disagreement": bool(self.disagreement),
            "disagreement_reason": self.disagreement,
            "error": self.error,
        }


def screen(ask: Ask, items: Sequence[LineItem], progress: ProgressFn | None = None) -> list[Screened]:
    """Every line item screened with one assistant's `ask`, sorted most urgent first.

    Lines with the same description (common in manifests) are asked once.
    """
    started = time.perf_counter()
    asked: dict[str, Answer | StceError] = {}
    results = []
    for done, item in enumerate(items, 1):
        if item.description not in asked:
            try:
                asked[item.description] = ask(item.description)
            except StceError as error:
                asked[item.description] = error
        results.append(screened(item, asked[item.description]))
        if progress:
            progress(done, len(items))
    log.info("screened %d lines (%d distinct) in %.1f s", len(items), len(asked), time.perf_counter() - started)
    return sorted(results, key=lambda r: (FLAGS.index(r.flag), not r.disagreement, r.item.line))


def screened(item: LineItem, answer: Answer | StceError) -> Screened:
    """The flag of one line from its answer (or the error that stopped the question)."""
    if isinstance(answer, StceError):
        return Screened(item, "no-match", "", None, None, _disagreement(item, "no-match", None), str(answer))
    flag, best, reason = flag_answer(item.description, answer)
    return Screened(item, flag, reason, answer, best, _disagreement(item, flag, best))


def flag_answer(description: str, answer: Answer) -> tuple[Flag, Candidate | None, str]:
    """The most urgent flag any candidate earns, the first candidate earning it, and why."""
    if not answer.candidates:
        return "no-match", None, "no entry in the searched lists matches the description"
    assessed = [(_assess(c, description, answer), c) for c in answer.candidates]
    (flag, reason), best = min(assessed, key=lambda a: FLAGS.index(a[0][0]))
    return flag, best, reason


def _assess(c: Candidate, description: str, answer: Answer) -> tuple[Flag, str]:
    missed = [ch for ch in c.checks if ch.verdict == "not met"]
    unstated = _parameters([ch for ch in c.checks if ch.verdict == "not stated"])
    also = f"; {unstated} not stated" if unstated else ""
    if c.verdict == "met":
        return "likely-controlled", f"{c.item}: {_parameters([ch for ch in c.checks if ch.verdict == 'met'])} met{also}"
    named = _named(c, description, answer)
    if named and c.verdict != "not met":
        return "likely-controlled", f"{c.item}: the line names it ({named}){also}"
    term = _listed_term(description, c, answer.candidates) if c.verdict == "none" else ""
    if term:
        return "likely-controlled", f"{c.item}: the entry lists \"{term}\""
    close = next((ch for ch in missed if _close(ch)), None)
    if close:
        return "check-parameters", f"{c.item}: {close.parameter} {close.asked} is close to {close.threshold}"
    if c.verdict == "not met":
        return "no-match", f"{c.item}: {_parameters(missed)} not met"
    if unstated:
        return "check-parameters", f"{c.item}: {unstated} not stated"
    return "check-parameters", f"{c.item}: matched by description only; the entry states no threshold to check"


def _parameters(checks: Sequence[Check]) -> str:
    return ", ".join(dict.fromkeys(ch.parameter for ch in checks))


def _named(c: Candidate, description: str, answer: Answer) -> str:
    """The control code or CAS number in the line that leads straight to this candidate, if any."""
    for code in find_codes(description):
        if top_level(code) == c.entry:
            return code
    cited = [cit.passage.text for cit in answer.citations if cit.n in c.citations] + [c.quote]
    return next((cas for cas in find_cas(description) if any(cas in text for text in cited)), "")


def _listed_term(description: str, candidate: Candidate, candidates: Sequence[Candidate]) -> str:
    """A word of the description that a list line of this candidate names and no other candidate entry does."""
    others = [c.quote for c in candidates if c.entry != candidate.entry]
    for word in re.findall(r"[^\W\d_][\w-]*[^\W\d_]", description.lower()):
        stem = word[:-1] if word.endswith("s") else word
        if len(stem) < MIN_TERM or word in _GENERIC or stem in _GENERIC:
            continue
        named = re.compile(rf"(?<![\w-]){re.escape(stem)}(?:s|es)?(?![\w-])", re.IGNORECASE)
        listed = any(len(line) <= LIST_LINE and named.search(line) for line in candidate.quote.splitlines())
        if listed and not any(named.search(quote) for quote in others):
            return word
    return ""


def _close(check: Check) -> bool:
    """True when the asked value misses the threshold by less than CLOSE of it (same kind of quantity)."""
    thresholds = parse_thresholds(check.threshold)
    asked = parse_quantities(check.asked or "")
    if not thresholds or not asked or thresholds[0].value.value == 0:
        return False
    bound = thresholds[0]
    try:
        ratio = asked[0].to_pint().to(bound.value.to_pint().units).magnitude / bound.value.value
    except (pint.errors.PintError, ValueError):
        return False
    return ratio >= 1 - CLOSE if bound.op in (">", ">=") else ratio <= 1 + CLOSE


def _disagreement(item: LineItem, flag: Flag, best: Candidate | None) -> str:
    """Where the document's own classification and ours part ways; empty when they agree or none is declared."""
    if item.declared_not_controlled and flag == "likely-controlled" and best is not None:
        return f"declared {item.declared}, but {best.item} likely applies"
    code = item.declared_code
    if not code:
        return ""
    if flag == "no-match" or best is None:
        return f"declared {code}, but no entry matched the description"
    if top_level(code) != best.entry:
        return f"declared {code}, our best entry is {best.item}"
    return ""


def _check_text(check: Check) -> str:
    if check.asked is None:
        return f"{check.parameter} not stated ({check.threshold})"
    return f"{check.parameter} {check.asked} vs {check.threshold}: {check.verdict}"


def to_csv(results: Sequence[Screened]) -> str:
    """The screening table as CSV, one row per line item, in screening order."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=ROW_FIELDS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(r.row() for r in results)
    return buffer.getvalue()


def to_markdown(results: Sequence[Screened]) -> str:
    """The screening table as a Markdown table, for reports; cell text is escaped, not interpreted."""
    def cell(value: object) -> str:
        return re.sub(r"([\\|*_`\[\]<>])", r"\\\1", str(value)).replace("\n", " ")

    lines = ["| " + " | ".join(ROW_FIELDS) + " |", "|" + "---|" * len(ROW_FIELDS)]
    lines += ["| " + " | ".join(cell(v) for v in r.row().values()) + " |" for r in results]
    return "\n".join(lines) + "\n"
