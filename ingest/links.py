"""Links between items of different lists that control the same goods, computed at ingest over every live list.

Three kinds, surest first:
- parallel version: two language versions of one regulation (the same `work`, e.g. SOR/2000-210 and
  DORS/2000-210) with the same code set are linked code for code; a French item reaches the other lists
  through its English twin's links.
- same code: the EU list and the US CCL share their numbering (`2B350`); entries with the same code are
  linked, sub-items only where their subject words or thresholds agree too (letters differ between lists).
- same item: the NSG numbering (`B.2.1.1`) is its own; an NSG item is linked to the EU/US entry of the
  nuclear kind (category 0, `x2xx`) whose subject words and deciding thresholds agree best, and its
  sub-items to that entry's sub-items the same way. The lists never say so, hence a confidence.

Problems (a version without its twin, "versions" whose codes differ) are notes for the ingest report;
nothing is linked on a guess.
"""

from __future__ import annotations

import logging
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache

from assistant.core.codes import NSG_ENTRY, lineage, top_level
from assistant.core.types import ItemCriteria, ItemLink, SourceDocument, leaves
from assistant.knowledge.subjects import term

log = logging.getLogger(__name__)

_NSG = re.compile(NSG_ENTRY, re.I)
_NUCLEAR_KIND = re.compile(r"0[A-C]0\d{2}|\d[A-C]2\d{2}")
"""EU/US entries that carry the NSG lists: category 0 (trigger list) and the x2xx entries (dual-use list);
goods only (groups A-C), since "technology" and "software" items share words with everything."""
_GENERIC = frozenset(
    "especially specially designed prepared equipment component part system use used usable following follow "
    "therefor thereof including include such other any all each having have capable which that than more less "
    "greater item material product device form type kind related containing contain controlled control "
    "paragraph referred listed specified purpose application as well with without into from for and or the "
    "of in on to by an a be is are not this these those its their entry".split()
)
_WORD = re.compile(r"[A-Za-z][A-Za-z]+")
MIN_ITEM_CONFIDENCE = 0.5
"""Below this an NSG item and an EU/US item are not compared further (their sub-items are not tried)."""
MIN_LINK_CONFIDENCE = 0.65
"""Below this a "same item" link is not made: on bench/links.yaml, links under 0.65 were right 9 times in 13,
links at or above it 86 in 93; an officer trusts a "Same item" line only if it is rarely wrong."""
SUB_ITEM_SHARE = 0.9
"""A sub-item link is less sure than its entry's: letters and splits differ between lists."""
UNIQUE_MARGIN = 0.05
"""A sub-item is linked only to a clear best match (actinium-225 and actinium-227 share all their words)."""
SAME_CODE = 0.95
SAME_CODE_TITLES_DIFFER = 0.6


@dataclass(frozen=True)
class _Item:
    source: str
    list_label: str
    code: str
    words: frozenset[str]
    numbers: frozenset[tuple[str, float]]


@dataclass
class Linked:
    """The links of every live list, and what the editor should know about the ones not made."""

    links: list[ItemLink] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def borrow_criteria(criteria: list[ItemCriteria], links: Iterable[ItemLink]) -> list[ItemCriteria]:
    """A language version's items judged by its English twin's trees (same regulation, same code).

    The criteria grammar reads English ("or more", "having all of the following"); a French item linked code
    for code to its English twin keeps its own subject words for display and takes the twin's tree,
    subject terms and exclusions, so that its decision is the English text's.
    """
    twin = {
        (link.source, link.code): (link.other_source, link.other_code)
        for link in links
        if link.kind == "parallel version"
    }
    if not twin:
        return criteria
    by_key = {(c.source, c.code): c for c in criteria}
    out = []
    for c in criteria:
        base = by_key.get(twin.get((c.source, c.code), ("", "")))
        out.append(
            c
            if base is None
            else replace(c, subject_terms=base.subject_terms, tree=base.tree, exclusions=base.exclusions)
        )
    return out


def link_lists(
    sources: Iterable[SourceDocument], criteria: Iterable[ItemCriteria], titles: Mapping[tuple[str, str], str]
) -> Linked:
    """All links among the control lists; `titles` holds each entry's title by (source, entry code)."""
    lists = [s for s in sources if s.kind == "control-list"]
    by_source: dict[str, list[ItemCriteria]] = defaultdict(list)
    for c in criteria:
        by_source[c.source].append(c)
    items = {s.name: [_item(c, titles) for c in by_source.get(s.name, [])] for s in lists}
    out = Linked()
    twins = _parallel(lists, by_source, out)
    nsg = {s.name for s in lists if items[s.name] and all(_NSG.fullmatch(top_level(i.code)) for i in items[s.name])}
    numbered = [s for s in lists if s.name not in nsg and items[s.name]]
    for i, a in enumerate(numbered):
        for b in numbered[i + 1 :]:
            if a.list_label != b.list_label:
                out.links += _same_code(items[a.name], items[b.name])
    english = [s for s in lists if s.name in nsg and s.name not in twins]
    for a in english:
        for b in numbered:
            out.links += _same_item(items[a.name], items[b.name], _idf(items[a.name] + items[b.name]))
    out.links += _through_twins(out.links, twins)
    log.info(
        "%d links among %d lists (%s)",
        len(out.links),
        len(lists),
        ", ".join(f"{n} {k}" for k, n in Counter(link.kind for link in out.links).items()),
    )
    return out


def _item(c: ItemCriteria, titles: Mapping[tuple[str, str], str]) -> _Item:
    """What a link compares: the content words of the item's title and subject, and its thresholds' values."""
    title = titles.get((c.source, top_level(c.code)), "") if top_level(c.code) == c.code else ""
    words = frozenset(w for w in (term(x) for x in _WORD.findall(f"{title} {c.subject}")) if w not in _GENERIC)
    return _Item(c.source, c.list_label, c.code, words, frozenset(_numbers(c)))


def _numbers(c: ItemCriteria) -> Iterable[tuple[str, float]]:
    """The item's threshold values in base units, rounded, so that 0.46 GPa and 460 MPa meet."""
    for leaf in leaves(c.tree):
        if leaf.bound is not None:
            yield _base(leaf.bound.value, leaf.bound.unit)


@lru_cache(maxsize=4096)
def _base(value: float, unit: str) -> tuple[str, float]:
    try:
        q = _registry().Quantity(value, unit).to_base_units()
        return str(q.units), float(f"{q.magnitude:.3g}")
    except Exception:  # noqa: BLE001  (a unit pint cannot convert is compared as written)
        return unit, float(f"{value:.3g}")


@lru_cache(maxsize=1)
def _registry():  # type: ignore[no-untyped-def]
    from assistant.core.units import unit_registry

    return unit_registry()


def _parallel(lists: list[SourceDocument], by_source: Mapping[str, list[ItemCriteria]], out: Linked) -> set[str]:
    """Link language versions of one regulation code for code; the names of the non-English twins linked."""
    twins: set[str] = set()
    by_work: dict[str, list[SourceDocument]] = defaultdict(list)
    for s in lists:
        if s.work:
            by_work[s.work].append(s)
    for work, versions in by_work.items():
        english = [s for s in versions if s.language == "en"]
        for other in (s for s in versions if s.language != "en"):
            if not english:
                out.notes.append(
                    f"{other.name} is the {other.language or 'unknown'}-language version of {work}, but no English "
                    f"version of {work} is ingested: its entries answer in their own language, and are linked to "
                    "the other lists once the English version is ingested."
                )
                continue
            base = english[0]
            codes = {c.code for c in by_source.get(base.name, [])}
            own = {c.code for c in by_source.get(other.name, [])}
            if codes != own:
                only_base, only_other = sorted(codes - own), sorted(own - codes)
                out.notes.append(
                    f"{other.name} and {base.name} both say they are {work}, but their codes differ "
                    f"({len(only_other)} only in {other.name}: {', '.join(only_other[:5]) or 'none'}; "
                    f"{len(only_base)} only in {base.name}: {', '.join(only_base[:5]) or 'none'}): "
                    "they are not linked as language versions; both stay ingested."
                )
                continue
            twins.add(other.name)
            out.links += [
                ItemLink(
                    code,
                    other.name,
                    other.list_label,
                    code,
                    base.name,
                    base.list_label,
                    "parallel version",
                    1.0,
                    f"{other.language} and {base.language} versions of {work}, same code",
                )
                for code in sorted(own)
            ]
    return twins


def _same_code(a: list[_Item], b: list[_Item]) -> list[ItemLink]:
    """EU/US numbering shared: whole entries by code; sub-items only where their words or values agree too."""
    others = {i.code.upper(): i for i in b}
    out = []
    for item in a:
        other = others.get(item.code.upper())
        if other is None:
            continue
        common = sorted(item.words & other.words)
        values = item.numbers & other.numbers
        entry = top_level(item.code) == item.code
        if entry:
            confidence = SAME_CODE if common else SAME_CODE_TITLES_DIFFER
        elif common or values:
            confidence = 0.85 if common and (values or not (item.numbers or other.numbers)) else 0.7
        else:
            continue
        why = f"same code; subject words {', '.join(common[:4])}" if common else "same code"
        if values:
            why += f"; {len(values)} threshold value(s) agree"
        out.append(
            ItemLink(
                item.code,
                item.source,
                item.list_label,
                other.code,
                other.source,
                other.list_label,
                "same code",
                confidence,
                why,
            )
        )
    return out


def _idf(items: list[_Item]) -> dict[str, float]:
    counts = Counter(w for i in items for w in i.words)
    return {w: math.log(1 + len(items) / n) for w, n in counts.items()}


WORDS_WEIGHT, VALUES_WEIGHT = 0.6, 0.4
"""How two items' score splits between their shared subject words and the share of their threshold values
that agree, when both state values: words weigh more, since one figure (a 20 L, a 0.6 m3/h) recurs across
unrelated items."""
AGREEING_VALUE_BONUS = 0.15
"""Added once any threshold value agrees. The three were set by hand when links were written (no sweep is
recorded); bench/links.py measures the links against links judged by hand (bench/links.yaml): run it
before changing them."""


def _score(a: _Item, b: _Item, idf: Mapping[str, float]) -> tuple[float, str]:
    """How sure that two items are the same goods: weighted shared subject words, and shared threshold values."""
    weight = lambda ws: sum(idf.get(w, 0.0) for w in ws)  # noqa: E731
    common = a.words & b.words
    total = weight(a.words) + weight(b.words)
    words = 2 * weight(common) / total if total else 0.0
    if not common:
        return 0.0, ""
    values = a.numbers & b.numbers
    why = f"subject words {', '.join(sorted(common, key=lambda w: -idf.get(w, 0))[:4])}"
    if a.numbers and b.numbers:
        share = len(values) / min(len(a.numbers), len(b.numbers))
        if values:
            why += f"; {len(values)} threshold value(s) agree"
        return WORDS_WEIGHT * words + VALUES_WEIGHT * share + (AGREEING_VALUE_BONUS if values else 0.0), why
    return words, why


def _same_item(nsg: list[_Item], other: list[_Item], idf: Mapping[str, float]) -> list[ItemLink]:
    """Each NSG entry to its best EU/US entry of the nuclear kind, then their sub-items pairwise.

    Chapter headings (`A.2 Controlled Nuclear Equipment`) are not items and are not linked.

    A sub-item that names no goods of its own (a characteristic, `(a) a purity of 99.99%`) is not linked:
    its entry's link carries it.
    """
    entries = [i for i in other if top_level(i.code) == i.code and _NUCLEAR_KIND.fullmatch(i.code)]
    subs: dict[str, list[_Item]] = defaultdict(list)
    for i in other:
        subs[top_level(i.code)].append(i)
    nsg_subs: dict[str, list[_Item]] = defaultdict(list)
    for i in nsg:
        nsg_subs[top_level(i.code)].append(i)
    parents = {i.code: i.words for i in nsg}
    out: list[ItemLink] = []
    for item in (i for i in nsg if top_level(i.code) == i.code and i.code.count(".") >= 2):
        scored = sorted(((*_score(item, e, idf), e) for e in entries), key=lambda t: -t[0])
        if not scored or scored[0][0] < MIN_ITEM_CONFIDENCE:
            continue
        confidence, why, best = scored[0]
        out.append(_link(item, best, confidence, why))
        for sub in nsg_subs[item.code][1:]:
            if sub.words == parents[_parent_code(sub.code)]:
                continue
            ranked = sorted(((*_score(sub, s, idf), s) for s in subs[best.code][1:]), key=lambda t: -t[0])
            if not ranked or ranked[0][0] < MIN_ITEM_CONFIDENCE:
                continue
            if len(ranked) > 1 and ranked[0][0] - ranked[1][0] < UNIQUE_MARGIN:
                continue
            out.append(_link(sub, ranked[0][2], ranked[0][0] * SUB_ITEM_SHARE, ranked[0][1]))
    return [link for link in out if link.confidence >= MIN_LINK_CONFIDENCE]


def _parent_code(code: str) -> str:
    chain = lineage(code)
    return chain[-2] if len(chain) > 1 else ""


def _link(a: _Item, b: _Item, confidence: float, why: str) -> ItemLink:
    return ItemLink(
        a.code,
        a.source,
        a.list_label,
        b.code,
        b.source,
        b.list_label,
        "same item",
        round(min(confidence, 0.95), 2),
        why,
    )


def _through_twins(links: list[ItemLink], twins: set[str]) -> list[ItemLink]:
    """A language version's items carry its English twin's links to the other lists (marked as such)."""
    twin_of = {(link.code, link.source): link for link in links if link.kind == "parallel version"}
    by_item: dict[tuple[str, str], list[ItemLink]] = defaultdict(list)
    for link in links:
        if link.kind != "parallel version":
            by_item[(link.code, link.source)].append(link)
            by_item[(link.other_code, link.other_source)].append(link.reversed())
    out = []
    for (code, source), parallel in twin_of.items():
        if source not in twins:
            continue
        for link in by_item.get((parallel.other_code, parallel.other_source), []):
            out.append(
                ItemLink(
                    code,
                    source,
                    parallel.list_label,
                    link.other_code,
                    link.other_source,
                    link.other_list,
                    link.kind,
                    link.confidence,
                    f"{link.reason} (through {parallel.other_source})",
                )
            )
    return out
