"""Whether goods are another kind than a listed item names: everyday products that share a word with the lists.

A salad spinner sold as a "kitchen centrifuge", a car's brake booster vacuum pump, a toy gyroscope, a record
named after a pathogen: their noun (or a name) is a listed item's, their kind is not. The rule is general and
its words are data (corpus/goods.yaml, `consumer`: cues of everyday product classes):

1. the words that name the goods (not a purpose after "for") carry a cue of a consumer-product class
   (kitchen, toy, car part, bicycle, record...);
2. the item's subject in its heading's context (its list category and product group, its ancestors' subjects,
   then its own) names no cue of that class, so the list does not speak of such goods;
3. no stated fact decides instead: the goods meet no item and state no figure or material its criteria check;
4. the fallback the words cannot give: the embedding model's similarity between the goods and the item's subject
   in context is below a cut-off calibrated on labelled pairs (`python -m bench.kinds`), so the cue is no
   stray word of goods the item does name ("glass-lined reactor for car paint production" is a reactor).

Only when all four hold are the goods read as another kind with certainty; any doubt keeps the item a
candidate (a needless question costs minutes, a wrong clearance is the worst answer). A chemical named by
its CAS number or a chemical name is judged by its identity, never by these cues.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

import numpy as np

from assistant.core.codes import lineage
from assistant.core.types import Evaluation, Facts, ItemCriteria
from assistant.knowledge.goods import goods_vocabulary
from assistant.reading.facts import naming_phrase
from assistant.storage.embeddings import MiniLMEmbeddings

SAME_KIND_SIMILARITY = 0.45
"""Cosine similarity (all-MiniLM-L6-v2) between goods whose words name a consumer product and a listed item's
subject in context at or above which the goods may be of the item's kind after all, so the item stays a
candidate. Chosen with `python -m bench.kinds` on bench/kinds.yaml (50 labelled pairs, 27 other, 23 same): the
highest cut-off of the 0.05 grid at which "another kind" keeps precision 1.000 (20/20, recall 0.741); at 0.50 a
passenger-car crash-test accelerometer (0.483 to 7A001) would be cleared."""

_WORD = re.compile(r"[a-z][a-z'’-]*")


def _words(text: str) -> set[str]:
    """Lower-case words, and the parts of hyphenated ones ("dishwasher-safe", "kids'")."""
    found = {w.strip("'’") for w in _WORD.findall(text.lower())}
    return found | {p for w in found if "-" in w for p in w.split("-") if p}


@functools.lru_cache(maxsize=1024)
def consumer_class(text: str) -> str:
    """The everyday product class whose cue the words naming the goods carry, else "": not a purpose after
    "for" (a vacuum pump for an automotive coating line is a vacuum pump).

    >>> consumer_class("salad spinner, kitchen centrifuge"), consumer_class("laboratory centrifuge, 4 L")
    ('kitchen and household goods', '')
    >>> consumer_class("brake booster vacuum pump for passenger car")
    'car and vehicle parts'
    >>> consumer_class("vacuum pump for an automotive parts coating line")
    ''
    """
    named = naming_phrase(text)
    return next((name for name, cues in goods_vocabulary().consumer.items() if _names_any(cues, named)), "")


def _names_any(cues: frozenset[str], text: str) -> bool:
    """Whether `text` holds a cue: a word ("toy"), or a phrase of whole words ("passenger car", not "rail car").

    >>> _names_any(frozenset({"passenger car"}), "Passenger car brake pump"), _names_any(frozenset({"car"}), "cart")
    (True, False)
    """
    said = _words(text)
    return any(cue in said if " " not in cue else re.search(rf"\b{re.escape(cue)}\b", text.lower()) for cue in cues)


CATEGORIES = {
    "0": "nuclear materials, facilities and equipment",
    "1": "special materials and related equipment",
    "2": "materials processing",
    "3": "electronics",
    "4": "computers",
    "5": "telecommunications and information security",
    "6": "sensors and lasers",
    "7": "navigation and avionics",
    "8": "marine",
    "9": "aerospace and propulsion",
}
"""The category titles the dual-use lists share (CCL Supplement No. 1 to part 774, EU Annex I, Norwegian List
II): an entry code's first digit says which."""
GROUPS = {
    "A": "systems, equipment and components",
    "B": "test, inspection and production equipment",
    "C": "materials",
    "D": "software",
    "E": "technology",
}
"""The product groups the same lists share: an entry code's letter says which."""
_CODE = re.compile(r"^([0-9])([A-E])\d{3}")


def in_context(item: ItemCriteria, by_code: dict[str, ItemCriteria]) -> str:
    """The item's subject in its heading's context: the list's category and product group, then its ancestors'
    subjects and its own ("Materials processing; test, inspection and production equipment: Vacuum pumps"),
    where a sub-item's own words say only which of its heading's goods it is.

    >>> from assistant.core.types import ItemCriteria
    >>> top = ItemCriteria("2B352", "s", "US CCL", "v", "Biological equipment", (), None)
    >>> sub = ItemCriteria("2B352.c", "s", "US CCL", "v", "Centrifugal separators", (), None)
    >>> in_context(sub, {"2B352": top, "2B352.c": sub})
    'Materials processing; test, inspection and production equipment: Biological equipment: Centrifugal separators'
    """
    chain = [by_code[c].subject for c in lineage(item.code) if c in by_code and by_code[c].subject]
    return line_in_context(item.code, ": ".join(dict.fromkeys(chain or [item.subject])))


def another_kind(facts: Facts, contexts: Sequence[str], evaluations: Sequence[Evaluation]) -> str:
    """The consumer-product class the goods are read as, with certainty, when none of the matched items (their
    subjects in context, and their evaluations judging criteria alone) can be goods of that class; else ""
    (the items stay candidates).

    Stated facts outrank a cue: when the goods state a figure or a material an item's criteria check, or meet
    an item, the figures decide (a hobby lathe with its positioning accuracy is judged as a machine tool).
    """
    name = words_say_another(facts, contexts, evaluations)
    if not name:
        return ""
    return "" if max(similarity(facts.text, c) for c in contexts) >= SAME_KIND_SIMILARITY else name


def words_say_another(facts: Facts, contexts: Sequence[str], evaluations: Sequence[Evaluation]) -> str:
    """Steps 1 to 3 of the rule (the words and the stated facts), before the embedding's fallback."""
    if facts.cas or facts.chemicals or not contexts:
        return ""
    name = consumer_class(facts.text)
    if not name:
        return ""
    cues = goods_vocabulary().consumer[name]
    if any(_names_any(cues, context) for context in contexts) or any(map(facts_decide, evaluations)):
        return ""
    return name


def line_in_context(code: str, line: str) -> str:
    """A list line without a criteria tree (a curriculum line naming an entry) in its heading's context.

    >>> line_in_context("0B001", "Gas centrifuges and assemblies")
    'Nuclear materials, facilities and equipment; test, inspection and production equipment: Gas centrifuges and assemblies'
    """
    heading = _CODE.match(code.upper())
    return f"{CATEGORIES[heading[1]].capitalize()}; {GROUPS[heading[2]]}: {line}" if heading else line


def facts_decide(evaluation: Evaluation) -> bool:
    """The goods meet the item, or state a figure or a material its criteria compare: the facts decide."""
    return evaluation.status == "applies" or any(c.verdict != "not stated" for c in evaluation.checks)


def similarity(a: str, b: str) -> float:
    """Cosine similarity of two texts; each text is embedded once per process (item subjects recur)."""
    return float(np.dot(_vector(a), _vector(b)))


@functools.lru_cache(maxsize=4096)
def _vector(text: str) -> np.ndarray:
    return np.asarray(MiniLMEmbeddings()([text])[0])
