"""Hybrid retrieval: exact routes (control codes, CAS numbers), bm25s keywords and dense vectors, fused.

Keyword search wins on CAS numbers and exact chemical names, dense search on paraphrase; reciprocal
rank fusion merges them at passage level, then passages are grouped into the entries they belong to.
Repairs widen the net: misspelt words are respelt from the index's own vocabulary, words the lists spell
two ways get the other spelling, a material's grade or trade name brings its family (the lists name
families), and entries that the curriculum names next to the question's words (trade names, abbreviations)
are added. Rank fusion sees only ranks, so an entry's bm25 score also counts on its own: sharing the
question's rare words with the list text is stronger evidence than sharing a common one.
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import partial

from assistant.core.codes import find_cas, find_codes, top_level
from assistant.core.types import Hit, Passage
from assistant.knowledge.materials import find_materials
from assistant.storage.embeddings import is_english
from assistant.storage.index import View
from assistant.storage.snapshot import Snapshot, tokens

RRF_K = 60
POOL = 50
# An exact code or CAS number outranks anything the fuzzy routes find.
ROUTE_BONUS = {"code": 1.0, "cas": 0.5}
# A code names its own passages first, then those of its sub-items.
DESCENDANT_SHARE = 0.9
# An entry the curriculum names beside the question's words inherits this share of that passage's score.
CURRICULUM_SHARE = 0.8
CURRICULUM_PASSAGES = 3
# An entry's best bm25 score above the floor (common words shared by chance score below it) adds this much per
# point: a score of 30 weighs about as much as a first rank in both fused lists (calibrated on bench/devset.yaml).
KEYWORD_WEIGHT = 0.05 / 30
KEYWORD_FLOOR = 3.0
# British and American spellings the lists use side by side (the EU list writes "aluminium", the CCL
# "aluminum"): each word's other spelling joins the keywords when the index knows it.
_SPELLINGS = (
    (re.compile(r"aluminium"), "aluminum"),
    (re.compile(r"aluminum"), "aluminium"),
    (re.compile(r"sulph"), "sulf"),
    (re.compile(r"(?<=[^aeiou])re(s?)$"), r"er\1"),
    (re.compile(r"(?<=[^aeiou])er(s?)$"), r"re\1"),
    (re.compile(r"(?<=.{3})our(s?)$"), r"or\1"),
    (re.compile(r"(?<=.{3})is(e|ed|es|ing|er|ers|ation)$"), r"iz\1"),
    (re.compile(r"(?<=.{3})iz(e|ed|es|ing|er|ers|ation)$"), r"is\1"),
    (re.compile(r"ys(e|ed|es|ing|er|ers)$"), r"yz\1"),
    (re.compile(r"yz(e|ed|es|ing|er|ers)$"), r"ys\1"),
    (re.compile(r"(?<=.{2})(?:ae|oe)(?=.{3})"), "e"),
    (re.compile(r"(?<=.{2})ll(ed|ing|er)$"), r"l\1"),
)
SOURCE_SHARE = 0.2
"""Most places of the guidance pool one guidance document may hold (10 of 50): an answer shows two guidance
passages and reads curriculum leads from three, so a fifth is more than one document is ever used for, and a
document of near-identical passages cannot take every place."""
_STOP = {"with", "from", "that", "this", "have", "into", "used", "type", "model", "serial", "drum", "drums"}


@dataclass
class EntryMatch:
    """One control entry (top-level code) and the passages of it that matched, best first."""

    entry: str
    score: float = 0.0
    hits: list[Hit] = field(default_factory=list)
    routes: set[str] = field(default_factory=set)
    similarity: float = 0.0
    keyword: float = 0.0


@dataclass(frozen=True)
class Retrieved:
    """Ranked entries and curriculum passages for one query."""

    entries: list[EntryMatch]
    guidance: list[Hit]


def respell(query: str, snapshot: Snapshot) -> str:
    """The query plus, for each unknown long word, the closest word of the index ("thiodyglycol").

    Only a word that may be a typo is respelt: not an English word ("spanner" is no misspelt "scanner",
    "press" no "process"), not another form of a word the index holds ("autoclave" beside "autoclaves",
    which the stemmed keywords match already), and not part of a material's name ("polypropylene").
    """
    materials = " ".join(m.text.lower() for m in find_materials(query))
    fixes = []
    for word in re.findall(r"[a-z]{5,}", query.lower()):
        known = snapshot.words.get(word[0], [])
        if word in known or is_english(word) or word in materials:
            continue
        near = [w for w in known if abs(len(w) - len(word)) <= 2]
        close = difflib.get_close_matches(word, near, n=3, cutoff=0.8)
        if close and not any(tokens(w) == tokens(word) for w in close):
            fixes.append(close[0])
    return " ".join([query, *fixes])


def other_spellings(query: str, vocabulary: frozenset[str]) -> list[str]:
    """The other spelling of each word of `query` that the index uses ("fibre" -> "fiber").

    >>> other_spellings("Carbon fibre, sterilised", frozenset({"fiber", "sterilized", "carbon"}))
    ['fiber', 'sterilized']
    """
    words = re.findall(r"[a-z]{4,}", query.lower())
    found = [pattern.sub(other, w) for w in words for pattern, other in _SPELLINGS if pattern.search(w)]
    return [w for w in dict.fromkeys(found) if w in vocabulary and w not in words]


def material_families(query: str) -> list[str]:
    """The family of each material `query` names, unless the query already says it ("Hastelloy C-276" ->
    "nickel alloy"): the lists control "nickel alloys" and "fluoropolymers", not grades and trade names.

    >>> material_families("Hastelloy reactor, PTFE-lined, maraging steel bar")
    ['nickel alloy', 'fluoropolymer']
    """
    said = set(re.findall(r"[a-z]+", query.lower()))
    families = dict.fromkeys(m.material.family for m in find_materials(query))
    return [f for f in families if not set(re.findall(r"[a-z]+", f)) <= said]


def widen(query: str, snapshot: Snapshot) -> str:
    """The text searched: the query, respelt, with other spellings and the families of its materials."""
    respelt = respell(query, snapshot)
    return " ".join([respelt, *other_spellings(respelt, snapshot.vocabulary), *material_families(query)])


def _terms(query: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9][a-z0-9-]{2,}", query.lower()) if w not in _STOP}


def _named_by_curriculum(guidance: Iterable[Hit], query: str) -> dict[str, tuple[float, Passage]]:
    """Entries a curriculum line names next to one of the question's words: each with a score from that
    passage and the line itself, as a passage of its own (what is shown when no list holds the entry).

    Only the entry is scored, not the sub-item: the curriculum may letter sub-items as one list does
    and another list differently (spray dryers are 2B352.h in the EU list, 2B352.f in the US one).
    """
    terms = _terms(query)
    found: dict[str, tuple[float, Passage]] = {}
    for hit in guidance:
        for line in hit.passage.text.splitlines():
            if not terms & set(re.findall(r"[a-z0-9][a-z0-9-]{2,}", line.lower())):
                continue
            for code in find_codes(line):
                entry, score = top_level(code).upper(), hit.score * CURRICULUM_SHARE
                if score > found.get(entry, (0.0, None))[0]:
                    found[entry] = (score, replace(hit.passage, text=line.strip(), entry=code))
    return found


@dataclass(frozen=True)
class Scope:
    """Which lists and sources a question searches; empty means everything, lists added later included."""

    lists: frozenset[str] = frozenset()
    sources: frozenset[str] = frozenset()

    @classmethod
    def of(cls, lists: Iterable[str] | None = None, sources: Iterable[str] | None = None) -> Scope:
        return cls(frozenset(lists or ()), frozenset(sources or ()))

    def __bool__(self) -> bool:
        return bool(self.lists or self.sources)

    def allows(self, p: Passage) -> bool:
        # Guidance-only documents are no list an officer picks; only naming their source leaves them out.
        listed = not self.lists or p.list_label in self.lists or p.kind == "other"
        return listed and (not self.sources or p.source in self.sources)


def _exact(snapshot: Snapshot, query: str, scope: Scope, allowed: list[Passage]) -> list[Hit]:
    """Passages a control code or a CAS number in the query names: a code's own passages first."""
    hits: list[Hit] = []
    for code in find_codes(query):
        found = snapshot.by_entry.get(code.upper()) or snapshot.by_entry.get(top_level(code).upper(), [])
        hits += [
            Hit(p, ROUTE_BONUS["code"] * (1.0 if p.entry.upper() == code.upper() else DESCENDANT_SHARE), "code")
            for p in found
            if scope.allows(p)
        ]
    for number in find_cas(query):
        hits += [Hit(p, ROUTE_BONUS["cas"], "cas") for p in allowed if number in p.text]
    return hits


def _by_score(hits: list[Hit]) -> list[Hit]:
    return sorted(hits, key=lambda h: h.score, reverse=True)


def _shared(hits: list[Hit], pool: int, again: Callable[[frozenset[str]], list[Hit]]) -> list[Hit]:
    """Guidance hits, best first, no document holding more than `SOURCE_SHARE` of the pool: the places a
    document over its share would take go to the others' best hits (`again` searches without the documents
    named), so one document repeating itself cannot push the rest out.

    >>> from assistant.core.types import Passage
    >>> def hit(source, score):
    ...     return Hit(Passage(f"{source}{score}", "t", source, "STCE curriculum", "1", source, "curriculum"), score, "")
    >>> flood = [hit("plant", 90 - n) for n in range(50)]
    >>> kept = _shared(flood, 50, lambda out: [hit("seals", 3), hit("nameplates", 2)])
    >>> len(kept), [h.passage.source for h in kept[-3:]]
    (12, ['plant', 'seals', 'nameplates'])
    """
    cap = max(1, int(SOURCE_SHARE * pool))
    kept: list[Hit] = []
    held: dict[str, int] = defaultdict(int)
    for hit in hits:
        if held[hit.passage.source] < cap:
            kept.append(hit)
            held[hit.passage.source] += 1
    full = frozenset(source for source, n in held.items() if n >= cap)
    if not full or len(kept) == len(hits) and len(hits) < pool:
        return kept
    seen = {h.passage.id for h in kept}
    for hit in again(full):
        if hit.passage.id not in seen and held[hit.passage.source] < cap:
            kept.append(hit)
            held[hit.passage.source] += 1
    return _by_score(kept)[:pool]


def _fuse(ranked_lists: Sequence[list[Hit]]) -> tuple[dict[str, float], dict[str, set[str]]]:
    """Reciprocal rank fusion of the keyword and dense rankings, at passage level."""
    fused: dict[str, float] = defaultdict(float)
    routes: dict[str, set[str]] = defaultdict(set)
    for ranked in ranked_lists:
        for rank, hit in enumerate(ranked):
            fused[hit.passage.id] += 1.0 / (RRF_K + rank + 1)
            routes[hit.passage.id].add(hit.route)
    return fused, routes


def _group(
    snapshot: Snapshot,
    fused: dict[str, float],
    routes: dict[str, set[str]],
    similarity: dict[str, float],
    keyword: dict[str, float],
) -> dict[str, EntryMatch]:
    """Control-list passages grouped into the entries they belong to, best passage first."""
    entries: dict[str, EntryMatch] = {}
    for pid in sorted(fused, key=fused.__getitem__, reverse=True):
        p = snapshot.by_id[pid]
        if p.kind != "control-list" or not p.entry:
            continue
        match = entries.setdefault(top_level(p.entry), EntryMatch(top_level(p.entry)))
        match.hits.append(Hit(p, fused[pid], "+".join(sorted(routes[pid]))))
        match.routes |= routes[pid]
        match.similarity = max(match.similarity, similarity.get(pid, 0.0))
        match.keyword = max(match.keyword, keyword.get(pid, 0.0))
    return entries


def _add_curriculum_leads(
    entries: dict[str, EntryMatch], snapshot: Snapshot, guidance: list[Hit], query: str, scope: Scope
) -> None:
    """Entries the curriculum names beside the question's words join the candidates (trade names)."""
    # "other" documents guide, never propose; nor does text that gives the assistant orders
    ours = [h for h in guidance if h.passage.kind == "curriculum" and not h.passage.flagged]
    for entry, (bonus, line) in _named_by_curriculum(ours[:CURRICULUM_PASSAGES], query).items():
        listed = [p for p in snapshot.by_entry.get(entry, []) if scope.allows(p)]
        if entry not in entries:
            # No ingested list holds the entry (or none is ingested yet): the curriculum line is the lead.
            entries[entry] = EntryMatch(entry, hits=[Hit(listed[0] if listed else line, 0.0, "curriculum")])
        entries[entry].routes.add("curriculum")
        entries[entry].score = bonus


def search(view: View, query: str, scope: Scope = Scope(), pool: int = POOL, language: str = "en") -> Retrieved:
    """Everything that may answer `query` within `scope`: exact routes, keywords and vectors, fused; the
    keywords stemmed for the question's `language` too."""
    snapshot = view.snapshot
    allowed = [p for p in snapshot.passages if scope.allows(p)] if scope else snapshot.passages
    widened = widen(query, snapshot)

    def keyword_hits(lists: bool, leave_out: frozenset[str] = frozenset()) -> list[Hit]:
        found = snapshot.keyword(widened, pool * 3, language, snapshot.among(lists, leave_out))
        return [h for h in found if scope.allows(h.passage)][:pool]

    def dense_hits(lists: bool, leave_out: frozenset[str] = frozenset()) -> list[Hit]:
        versions = sorted(
            {p.version_id for p in allowed if (p.kind == "control-list") == lists and p.source not in leave_out}
        )
        return [h for h in view.store.search(widened, pool, versions) if h.passage.id in snapshot.by_id]

    # The lists and the guidance documents are searched apart: guidance takes no list passage's place.
    keyword = _by_score(keyword_hits(True) + _shared(keyword_hits(False), pool, partial(keyword_hits, False)))
    dense = _by_score(dense_hits(True) + _shared(dense_hits(False), pool, partial(dense_hits, False)))
    fused, routes = _fuse([keyword, dense])
    guidance = [
        Hit(snapshot.by_id[pid], fused[pid], "+".join(sorted(routes[pid])))
        for pid in sorted(fused, key=fused.__getitem__, reverse=True)
        if snapshot.by_id[pid].kind != "control-list"
    ]
    for hit in _exact(snapshot, query, scope, allowed):
        fused[hit.passage.id] += hit.score
        routes[hit.passage.id].add(hit.route)
    entries = _group(
        snapshot, fused, routes, {h.passage.id: h.score for h in dense}, {h.passage.id: h.score for h in keyword}
    )
    _add_curriculum_leads(entries, snapshot, guidance, query, scope)
    for match in entries.values():
        scores = [h.score for h in match.hits]
        match.score += scores[0] + 0.5 * (scores[1] if len(scores) > 1 else 0.0)
        match.score += KEYWORD_WEIGHT * max(0.0, match.keyword - KEYWORD_FLOOR)
    return Retrieved(sorted(entries.values(), key=lambda m: m.score, reverse=True), guidance)
