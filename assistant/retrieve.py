"""Hybrid retrieval: exact routes (control codes, CAS numbers), bm25s keywords and dense vectors, fused.

Keyword search wins on CAS numbers and exact chemical names, dense search on misspellings and
paraphrase; reciprocal rank fusion merges them at passage level, then passages are grouped into the
entries they belong to.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from assistant.codes import find_cas, find_codes, top_level
from assistant.index import View
from assistant.types import Hit, Passage

RRF_K = 60
POOL = 50
# An exact code or CAS number outranks anything the fuzzy routes find.
ROUTE_BONUS = {"code": 1.0, "cas": 0.5}


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
    """Ranked entries, curriculum passages, and how close the best fuzzy match came."""

    entries: list[EntryMatch]
    guidance: list[Hit]
    best_dense: float
    best_keyword: float
    codes: list[str]
    cas: list[str]


def _allowed(p: Passage, lists: Sequence[str] | None, sources: Sequence[str] | None) -> bool:
    return (not lists or p.list_label in lists) and (not sources or p.source in sources)


def search(view: View, query: str, lists: Sequence[str] | None = None, sources: Sequence[str] | None = None,
           pool: int = POOL) -> Retrieved:
    """Everything that may answer `query`, restricted to the given lists or sources when named."""
    snapshot = view.snapshot
    ok = [p for p in snapshot.passages if _allowed(p, lists, sources)] if (lists or sources) else snapshot.passages
    versions = sorted({p.version_id for p in ok})
    codes, cas = find_codes(query), find_cas(query)

    exact: list[Hit] = []
    for code in codes:
        found = snapshot.by_entry.get(code.upper()) or snapshot.by_entry.get(top_level(code).upper(), [])
        exact += [Hit(p, 1.0, "code") for p in found if _allowed(p, lists, sources)]
    for number in cas:
        exact += [Hit(p, 1.0, "cas") for p in ok if number in p.text]

    keyword = [h for h in snapshot.keyword(query, pool * 3) if _allowed(h.passage, lists, sources)][:pool]
    dense = [h for h in view.store.search(query, pool, versions) if h.passage.id in snapshot.by_id]

    similarity = {h.passage.id: h.score for h in dense}
    keyword_score = {h.passage.id: h.score for h in keyword}
    fused: dict[str, float] = defaultdict(float)
    routes: dict[str, set[str]] = defaultdict(set)
    passages: dict[str, Passage] = {}
    for ranked in (keyword, dense):
        for rank, hit in enumerate(ranked):
            fused[hit.passage.id] += 1.0 / (RRF_K + rank + 1)
            routes[hit.passage.id].add(hit.route)
            passages[hit.passage.id] = snapshot.by_id.get(hit.passage.id, hit.passage)
    for hit in exact:
        fused[hit.passage.id] += ROUTE_BONUS[hit.route]
        routes[hit.passage.id].add(hit.route)
        passages[hit.passage.id] = hit.passage

    entries: dict[str, EntryMatch] = {}
    guidance: list[Hit] = []
    for pid in sorted(fused, key=fused.__getitem__, reverse=True):
        p, score = passages[pid], fused[pid]
        hit = Hit(p, score, "+".join(sorted(routes[pid])))
        if p.kind == "curriculum" or not p.entry:
            guidance.append(hit)
            continue
        match = entries.setdefault(top_level(p.entry), EntryMatch(top_level(p.entry)))
        match.hits.append(hit)
        match.routes |= routes[pid]
        match.similarity = max(match.similarity, similarity.get(pid, 0.0))
        match.keyword = max(match.keyword, keyword_score.get(pid, 0.0))
    for match in entries.values():
        scores = [h.score for h in match.hits]
        match.score = scores[0] + 0.5 * (scores[1] if len(scores) > 1 else 0.0)
    control = [h for h in dense if h.passage.kind == "control-list"]
    return Retrieved(
        entries=sorted(entries.values(), key=lambda m: m.score, reverse=True),
        guidance=guidance,
        best_dense=max((h.score for h in control), default=0.0),
        best_keyword=max((h.score for h in keyword if h.passage.kind == "control-list"), default=0.0),
        codes=codes,
        cas=cas,
    )
