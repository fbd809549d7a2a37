"""Checks on an LLM-written answer before an officer sees it, sentence by sentence.

A model may write fluent prose, but only what the extractive answer can prove: every `[n]` must be a
passage it was given, every control code one of the candidates (or a sub-item those passages list),
and every number with a unit one that the passages of the entry it is attributed to state (or that
the officer gave). A failing sentence is removed and flagged; an answer with no cited sentence left
is replaced by the extractive answer.
"""

from __future__ import annotations

import logging
import math
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace

import pint

from assistant.answer.render import decision_head
from assistant.core.codes import find_codes, top_level
from assistant.core.types import Answer, Passage
from assistant.text.messages import message
from assistant.text.params import Quantity, parse_quantities

log = logging.getLogger(__name__)

# A sentence ends at . ! ? followed by a space, unless a citation follows ("... 0.6 m3/hour. [1]"), which
# then ends it if a capital comes next; a line break always ends one.
_BOUNDARY = re.compile(r"(?<=[.!?])[ \t]+(?!\[\d)|(?<=\])[ \t]+(?=[A-Z])|\n+")
# The boundary's lookahead needs a few characters after it before a streamed boundary is final.
_LOOKAHEAD = 2
_CITATION = re.compile(r"\[\s*(\d+(?:\s*[,;]\s*\d+)*)\s*\]")


@dataclass(frozen=True)
class Problem:
    """Why a sentence was removed; `kind` is one of citation, entry, quantity (for the logged figures)."""

    kind: str
    reason: str


@dataclass(frozen=True)
class Grounding:
    """What an LLM answer may state: the given passages, the known entries and the officer's own numbers."""

    passages: dict[int, Passage]
    entries: frozenset[str]
    asked: tuple[Quantity, ...]

    @classmethod
    def of(cls, extractive: Answer, history: Sequence[str] = ()) -> Grounding:
        passages = {c.n: c.passage for c in extractive.citations + extractive.guidance}
        entries = {code for c in extractive.candidates for code in (c.entry, c.item, *c.related)}
        entries |= {code for p in passages.values() for code in (p.entry, p.parent) if code}
        asked = [q for text in (*history, extractive.question) for q in parse_quantities(text)]
        return cls(passages, frozenset(entries), tuple(asked))

    def knows_entry(self, code: str) -> bool:
        """A candidate, a cited entry or one of their parents, or a sub-item a cited passage lists by label."""
        if any(known == code or known.startswith(code + ".") for known in self.entries):
            return True
        top, _, label = code.partition(".")
        return bool(label) and any(
            top_level(p.entry) == top and re.search(rf"(?m)^\s*\(?{re.escape(label)}[.)]\s", p.text)
            for p in self.passages.values()
        )

    def passages_of(self, entries: set[str]) -> list[Passage]:
        """The given passages of these entries; all of them when a sentence is about no entry in particular."""
        if not entries:
            return list(self.passages.values())
        return [p for p in self.passages.values() if top_level(p.entry) in entries]


def cited_numbers(text: str) -> list[int]:
    """Every `n` in `[n]`, `[1, 2]` or `[1][2]`, in order."""
    return [int(n) for group in _CITATION.findall(text) for n in re.split(r"\s*[,;]\s*", group)]


def same_quantity(a: Quantity, b: Quantity) -> bool:
    """Equal after conversion: "600 liters/hour" states the same flow rate as "0.6 m3/h"."""
    try:
        x, y = a.to_pint().to_base_units(), b.to_pint().to_base_units()
    except pint.PintError:  # a unit pint cannot convert: then only identical units compare
        return a.unit == b.unit and math.isclose(a.value, b.value, rel_tol=1e-6)
    return x.dimensionality == y.dimensionality and math.isclose(x.magnitude, y.magnitude, rel_tol=1e-6)


@dataclass
class SentenceChecker:
    """Checks sentences in order; a sentence that names no entry and cites nothing is about the previous one's."""

    grounding: Grounding
    _previous: set[str] = field(default_factory=set)

    def problems(self, sentence: str) -> list[Problem]:
        found: list[Problem] = []
        numbers = cited_numbers(sentence)
        for n in dict.fromkeys(numbers):
            if n not in self.grounding.passages:
                found.append(Problem("citation", f"cites [{n}], which is not one of the given passages"))
        codes = find_codes(sentence)
        for code in codes:
            if not self.grounding.knows_entry(code):
                found.append(Problem("entry", f"names {code}, which is not among the candidates"))
        cited = {
            top_level(self.grounding.passages[n].entry)
            for n in numbers
            if n in self.grounding.passages and self.grounding.passages[n].entry
        }
        about = {top_level(c) for c in codes} | cited or self._previous
        self._previous = about
        stated = [q for p in self.grounding.passages_of(about) for q in parse_quantities(p.text)]
        for q in parse_quantities(sentence):
            if not any(same_quantity(q, known) for known in (*stated, *self.grounding.asked)):
                where = ", ".join(sorted(about)) or "the passages"
                found.append(Problem("quantity", f"states {q.text}, which {where} does not state"))
        return found

    def cites(self, sentence: str) -> bool:
        return any(n in self.grounding.passages for n in cited_numbers(sentence))


def split_sentences(buffer: str, final: bool) -> tuple[list[str], str]:
    """Complete sentences (each with its trailing space or line break) and the unfinished rest of `buffer`."""
    pieces: list[str] = []
    start = 0
    for m in _BOUNDARY.finditer(buffer):
        if not final and m.end() + _LOOKAHEAD > len(buffer):
            break
        pieces.append(buffer[start : m.end()])
        start = m.end()
    rest = buffer[start:]
    if final and rest:
        return pieces + [rest], ""
    return pieces, rest


@dataclass
class Review:
    """The outcome of checking one answer: kept sentences, removed ones with their reasons."""

    kept: list[str] = field(default_factory=list)
    removed: list[list[Problem]] = field(default_factory=list)
    cites: bool = False

    @property
    def text(self) -> str:
        return "".join(self.kept)

    def figures(self) -> dict[str, int]:
        """Counts for the log: sentences kept and removed, and removals by kind of problem."""
        kinds = Counter(p.kind for problems in self.removed for p in problems)
        return {"kept": sum(1 for s in self.kept if s.strip()), "removed": len(self.removed), **kinds}

    def flags(self) -> str:
        """What the officer is told about removed sentences (their reasons, never their text)."""
        if not self.removed:
            return ""
        reasons = "; ".join(dict.fromkeys(p.reason for problems in self.removed for p in problems))
        return f"\n\n_{len(self.removed)} sentence(s) removed by the checks: {reasons}._"


class Reviewer:
    """Checks a streamed answer sentence by sentence, holding text back until a cited sentence has passed.

    Holding back means nothing is shown that a later fallback would have to take back, except when the
    model fails or times out part-way.
    """

    def __init__(self, grounding: Grounding) -> None:
        self.checker = SentenceChecker(grounding)
        self.review = Review()
        self._buffer = ""
        self._held: list[str] = []

    def feed(self, chunk: str, final: bool = False) -> Iterator[str]:
        """Checked text that may be shown now."""
        sentences, self._buffer = split_sentences(self._buffer + chunk, final)
        for sentence in sentences:
            problems = self.checker.problems(sentence) if sentence.strip() else []
            if problems:
                self.review.removed.append(problems)
                continue
            self.review.kept.append(sentence)
            self._held.append(sentence)
            self.review.cites = self.review.cites or self.checker.cites(sentence)
            if self.review.cites:
                yield from self._held
                self._held = []

    def close(self) -> Iterator[str]:
        """The last sentence, once the model has finished."""
        yield from self.feed("", final=True)


def review_text(text: str, grounding: Grounding) -> Review:
    """Check a whole answer at once (the same checks as when streaming)."""
    reviewer = Reviewer(grounding)
    list(reviewer.feed(text, final=True))
    return reviewer.review


def llm_answer(extractive: Answer, review: Review, took_ms: float) -> Answer:
    """The checked LLM text as streamed, then its flags and the disclaimer; candidates and citations stay."""
    text = (
        decision_head(extractive) + review.text + review.flags() + f"\n\n_{message('disclaimer', extractive.language)}_"
    )
    return replace(extractive, markdown=text, mode="llm", took_ms=extractive.took_ms + took_ms)


def fallback(extractive: Answer, reason: str, took_ms: float) -> Answer:
    """The extractive answer, saying why the model's answer is not shown."""
    log.warning("LLM answer replaced by the extractive answer: %s", reason)
    note = f"_The language model's answer is not shown ({reason}); this is the extractive answer._\n\n"
    return replace(
        extractive, markdown=note + extractive.markdown, mode="fallback", took_ms=extractive.took_ms + took_ms
    )


def settle(extractive: Answer, review: Review, took_ms: float) -> Answer:
    """Repair (flagged removals) when a cited sentence survives the checks, else fall back."""
    log.info("LLM answer checked: %s", review.figures())
    if not review.cites:
        why = "no sentence that cites a given passage passed the checks"
        return fallback(extractive, why, took_ms)
    return llm_answer(extractive, review, took_ms)
