"""Screen a document's line items: each through `Assistant.ask`, flagged for the officer, most urgent first.

A line's flag is its answer's decision (`assistant.decision.decide`), so screening and chat never disagree:

- `likely-controlled`: the decision is likely-controlled (an entry's criteria apply to the goods);
- `check-parameters`: the decision needs facts, or the goods were ruled out by a threshold they miss by
  less than `CLOSE` of it (declared figures are nominal, and under-declaring is how goods slip through);
- `no-list`: no control list was searched (none loaded yet, or none in the selection): the line is not
  screened, and never reads as cleared;
- `no-match`: nothing relevant, or every entry found is ruled out by the stated facts.

A line that declares itself not controlled (EAR99, "not listed") but is flagged likely-controlled, or
that declares a control code other than our best entry (or one we find nothing for), is a disagreement.
The description alone is asked, never the declared code: the answer must not simply echo the document.
Rows sort by flag, disagreements first within a flag, then by line.
"""

from __future__ import annotations

import csv
import io
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol

import pint

from assistant.answer.render import (
    ask_text,
    candidate_json,
    check_json,
    check_text,
    decision_line,
    escape_md,
    shown_checks,
)
from assistant.core.codes import top_level
from assistant.core.errors import StceError
from assistant.core.types import Answer, Candidate, Check
from assistant.text.params import format_quantity

log = logging.getLogger(__name__)

Flag = Literal["likely-controlled", "check-parameters", "no-list", "no-match"]
FLAGS: tuple[Flag, ...] = ("likely-controlled", "check-parameters", "no-list", "no-match")
"""Most urgent first: a line no list was searched for still needs screening, unlike one nothing matched."""
CLOSE = 0.25
"""A threshold missed by less than this fraction of it is close enough to check the goods."""
SHOWN_CANDIDATES = 3
SHOWN_CHECKS = 3
ROW_FIELDS = (
    "line",
    "description",
    "quantity",
    "hs_code",
    "declared",
    "flag",
    "best",
    "candidates",
    "checks",
    "reason",
    "disagreement",
    "decision",
    "falls_to",
)


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
        """The deciding candidate's checks that the line's facts answered or must still answer, stated first
        (as on an answer's card: the entry's other thresholds are not this line's)."""
        if self.best is None:
            return []
        return sorted(shown_checks(self.best), key=lambda ch: ch.verdict == "not stated")

    def row(self) -> dict[str, Any]:
        """One flat row for a table or a CSV file."""
        item = self.item
        quantity = f"{item.quantity:g} {item.unit}".strip() if item.quantity is not None else ""
        shown = self.answer.candidates[:SHOWN_CANDIDATES] if self.answer else []
        return {
            "line": item.line,
            "description": item.description,
            "quantity": quantity,
            "hs_code": item.hs_code,
            "declared": item.declared,
            "flag": self.flag,
            "best": self.best.item if self.best else "",
            "candidates": ", ".join(f"{c.item} ({c.status})" for c in shown),
            "checks": "; ".join(check_text(ch) for ch in self.best_checks[:SHOWN_CHECKS]),
            "reason": self.error or self.reason,
            "disagreement": self.disagreement,
            # The chat's decision word for the same goods, and where they fall per list when ruled out.
            "decision": self.answer.decision if self.answer else "",
            "falls_to": "; ".join(f"{where} ({lst})" for lst, where in self.answer.falls_to.items())
            if self.answer
            else "",
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
            "decision": self.answer.decision if self.answer else None,
            "candidates": [candidate_json(c) for c in candidates],
            "checks": [check_json(ch) for c in candidates for ch in c.checks],
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
    """The line's flag from the answer's decision, the candidate behind it, and why."""
    if answer.decision == "no-list":
        return "no-list", None, decision_line(answer)
    best = answer.candidates[0] if answer.candidates else None
    if answer.decision == "likely-controlled" and best is not None:
        return "likely-controlled", best, f"{best.item}: {best.reason}"
    if answer.decision == "needs-facts" and best is not None:
        asks = "; ".join(dict.fromkeys(ask_text(leaf) for leaf in best.missing[:2]))
        return "check-parameters", best, f"{best.item}: {asks or best.reason}"
    close = next(
        ((c, ch) for c in answer.candidates for ch in c.checks if ch.verdict == "not met" and _close(ch)), None
    )
    if close is not None:
        c, ch = close
        return "check-parameters", c, f"{c.item}: {ch.parameter} {format_quantity(ch.asked)} is close to {ch.threshold}"
    if best is not None:
        return "no-match", best, f"{best.item}: {best.reason}"
    return "no-match", None, decision_line(answer)


def _close(check: Check) -> bool:
    """True when the asked value misses the bound by less than CLOSE of it (same kind of quantity)."""
    if check.asked is None or check.bound is None or check.op is None or check.bound.value == 0:
        return False
    try:
        ratio = check.asked.to_pint().to(check.bound.to_pint().units).magnitude / check.bound.value
    except (pint.errors.PintError, ValueError):
        return False
    return ratio >= 1 - CLOSE if check.op in (">", ">=") else ratio <= 1 + CLOSE


def _disagreement(item: LineItem, flag: Flag, best: Candidate | None) -> str:
    """Where the document's own classification and ours part ways; empty when they agree, none is declared, or
    no control list was searched (we have no classification of our own)."""
    if flag == "no-list":
        return ""
    if item.declared_not_controlled and best is not None and flag != "no-match":
        how = "likely applies" if flag == "likely-controlled" else "may apply"
        return f"declared {item.declared}, but {best.item} {how}"
    code = item.declared_code
    if not code:
        return ""
    if flag == "no-match" or best is None:
        return f"declared {code}, but no entry matched the description"
    if top_level(code) != best.entry:
        return f"declared {code}, our best entry is {best.item}"
    return ""


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
        return escape_md(str(value)).replace("\n", " ")

    lines = ["| " + " | ".join(ROW_FIELDS) + " |", "|" + "---|" * len(ROW_FIELDS)]
    lines += ["| " + " | ".join(cell(v) for v in r.row().values()) + " |" for r in results]
    return "\n".join(lines) + "\n"
