"""Hybrid retrieval: exact routes (control codes, CAS numbers), bm25s keywords and dense vectors, fused.

Keyword search wins on CAS numbers and exact chemical names, dense search on paraphrase; reciprocal
rank fusion merges them at passage level, then passages are grouped into the entries they belong to.
Two repairs widen the net: misspelt words are respelt from the index's own vocabulary, and entries
that the curriculum names next to the question's words (trade names, abbreviations) are added.
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from assistant.codes import find_cas, find_codes, top_level
from assistant.index import View
from assistant.snapshot import Snapshot
from assistant.types import Hit, Passage

RRF_K = 60
POOL = 50
# An exact code or CAS number outranks anything the fuzzy routes find.
ROUTE_BONUS = {"code": 1.0, "cas": 0.5}
# A code names its own passages first, then those of its sub-items.
DESCENDANT_SHARE = 0.9
# An entry the curriculum names beside the question's words inherits this share of that passage's score.
CURRICULUM_SHARE = 0.8
CURRICULUM_PASSAGES = 3
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
    """The query plus, for each unknown long word, the closest word of the index ("thiodyglycol")."""
    fixes = []
    for word in re.findall(r"[a-z]{5,}", query.lower()):
        known = snapshot.words.get(word[0], [])
        if word in known:
            continue
        near = [w for w in known if abs(len(w) - len(word)) <= 2]
        fixes += difflib.get_close_matches(word, near, n=1, cutoff=0.8)
    return " ".join([query, *fixes])


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


def _allowed(p: Passage, lists: Sequence[str] | None, sources: Sequence[str] | None) -> bool:
    return (not lists or p.list_label in lists) and (not sources or p.source in sources)


def search(view: View, query: str, lists: Sequence[str] | None = None, sources: Sequence[str] | None = None,
           pool: int = POOL) -> Retrieved:
    """Everything that may answer `query`, restricted to the given lists or sources when named."""
    snapshot = view.snapshot
    ok = [p for p in snapshot.passages if _allowed(p, lists, sources)] if (lists or sources) else snapshot.passages
    versions = sorted({p.version_id for p in ok})
    codes, cas = find_codes(query), find_cas(query)
    widened = respell(query, snapshot)

    exact: list[Hit] = []
    for code in codes:
        found = snapshot.by_entry.get(code.upper()) or snapshot.by_entry.get(top_level(code).upper(), [])
        exact += [Hit(p, ROUTE_BONUS["code"] * (1.0 if p.entry.upper() == code.upper() else DESCENDANT_SHARE), "code")
                  for p in found if _allowed(p, lists, sources)]
    for number in cas:
        exact += [Hit(p, ROUTE_BONUS["cas"], "cas") for p in ok if number in p.text]

    keyword = [h for h in snapshot.keyword(widened, pool * 3) if _allowed(h.passage, lists, sources)][:pool]
    dense = [h for h in view.store.search(widened, pool, versions) if h.passage.id in snapshot.by_id]

    fused: dict[str, float] = defaultdict(float)
    routes: dict[str, set[str]] = defaultdict(set)
    for ranked in (keyword, dense):
        for rank, hit in enumerate(ranked):
            fused[hit.passage.id] += 1.0 / (RRF_K + rank + 1)
            routes[hit.passage.id].add(hit.route)
    ranked_ids = sorted(fused, key=fused.__getitem__, reverse=True)
    guidance = [Hit(snapshot.by_id[pid], fused[pid], "+".join(sorted(routes[pid])))
                for pid in ranked_ids if snapshot.by_id[pid].kind == "curriculum"]
    for hit in exact:
        fused[hit.passage.id] += hit.score
        routes[hit.passage.id].add(hit.route)

    similarity = {h.passage.id: h.score for h in dense}
    keyword_score = {h.passage.id: h.score for h in keyword}
    entries: dict[str, EntryMatch] = {}
    for pid in sorted(fused, key=fused.__getitem__, reverse=True):
        p = snapshot.by_id[pid]
        if p.kind == "curriculum" or not p.entry:
            continue
        match = entries.setdefault(top_level(p.entry), EntryMatch(top_level(p.entry)))
        match.hits.append(Hit(p, fused[pid], "+".join(sorted(routes[pid]))))
        match.routes |= routes[pid]
        match.similarity = max(match.similarity, similarity.get(pid, 0.0))
        match.keyword = max(match.keyword, keyword_score.get(pid, 0.0))
    for entry, (bonus, line) in _named_by_curriculum(guidance[:CURRICULUM_PASSAGES], query).items():
        listed = [p for p in snapshot.by_entry.get(entry, []) if _allowed(p, lists, sources)]
        if entry not in entries:
            # No ingested list holds the entry (or none is ingested yet): the curriculum line is the lead.
            proof = listed[0] if listed else line
            entries[entry] = EntryMatch(entry, hits=[Hit(proof, 0.0, "curriculum")])
        entries[entry].routes.add("curriculum")
        entries[entry].score = bonus
    for match in entries.values():
        scores = [h.score for h in match.hits]
        match.score += scores[0] + 0.5 * (scores[1] if len(scores) > 1 else 0.0)
    return Retrieved(sorted(entries.values(), key=lambda m: m.score, reverse=True), guidance)
