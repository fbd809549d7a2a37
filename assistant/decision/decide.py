"""The decision: each retrieved entry's criteria against the goods' facts, and one decision for the answer.

Retrieval proposes entries; only the official text decides. For each entry the items whose own subject fits
the goods (a reactor is judged by "reaction vessels or reactors", never by a sibling's pump thresholds) are
evaluated three-valued (`assistant.decision.evaluate`). An entry stands when an item applies or may apply; it is
ruled out when every fitting item is defeated by a stated fact; an entry whose items are all another kind
of thing than the goods does not stand at all (it only shared a word or a number). The item's own Notes are
weighed too (`assistant.decision.notes`): an exclusion that names the goods, or a class limit they fall outside, rules
it out; a name the list itself uses ("krytron") makes it a likely match.

The decision, in the CCL's order of review: a specific entry applies -> `likely-controlled`; the entries the
goods match best are open -> `needs-facts` (with the facts that decide); the entries they match best are
ruled out by stated facts -> `not-controlled-as-described`, with where the goods fall per list (a US x99x
entry whose own criteria apply, else EAR99; "not listed" for lists without catch-alls); nothing relevant ->
`no-match`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from assistant.core.codes import CATCH_ALL, find_codes, lineage, top_level
from assistant.core.types import (
    Candidate,
    Citation,
    Decision,
    Evaluation,
    Facts,
    Hit,
    ItemCriteria,
    Leaf,
    Passage,
    Ruling,
    Status,
)
from assistant.decision.evaluate import evaluate, goods_metals, names_chemical, subject_fits
from assistant.decision.kinds import another_kind as another_consumer_kind
from assistant.decision.kinds import consumer_class, in_context, line_in_context
from assistant.decision.notes import (
    conditional,
    excluded,
    excluded_cas,
    included,
    other_class,
    paragraphs,
    purposes,
    speaks_of,
)
from assistant.knowledge.acronyms import acronyms_table
from assistant.knowledge.agents import biological, named_after
from assistant.knowledge.goods import goods_vocabulary
from assistant.knowledge.materials import ELEMENT_NAMES, ELEMENTS, element_symbol, find_materials
from assistant.knowledge.subjects import (
    FORMS,
    GENERIC,
    PACKAGING,
    another_kind,
    another_process,
    head_term,
    listed_kinds,
    machining,
    military_fits,
    other_current,
    similar,
    term,
    words,
)
from assistant.reading.facts import goods_text, is_goods_noun
from assistant.reading.question import trade_names
from assistant.search.retrieve import EntryMatch, Retrieved
from assistant.storage.embeddings import is_english
from assistant.storage.index import View
from assistant.storage.snapshot import Snapshot
from assistant.text.messages import Phrase
from assistant.text.params import parse_quantities
from assistant.text.script import ENGLISH_STOP

# Below these a fuzzy match is too weak to present as a lead (calibrated on bench/devset.yaml).
MIN_SIMILARITY = 0.45
MIN_SIMILARITY_WITH_KEYWORDS = 0.30
STRONG_KEYWORD = 8.0
"""A bm25 score this high is a lead even when dense search missed the entry (the words are the list's own)."""
STRONG_SIMILARITY = 0.50
"""A description this close to an entry's text (ordinary goods stay below 0.48 on bench/devset.yaml) is judged
by the entry's criteria even when our subject rules cannot tell that the goods are what it names."""
NEAR_QUOTE = 0.75
"""A description this close to an entry's text all but quotes it (fr10's electrolytic cells: 0.89; ordinary
goods stay below 0.48 on bench/devset.yaml): its criteria are judged whatever the goods' noun was read as."""
CLOSER = 0.10
"""How much closer than every ruled-out entry an entry with nothing to check must match to stay a lead."""
NEAR_RULED = 0.75
"""The share of the best ruled-out entry's score at which an open entry that only lacks the wetted material
still keeps the goods open (2B350.i beside a ruled-out 2B231 for a 30 m3/h vacuum pump)."""
MAX_NOTES = 3
MAX_MISSING = 3
MAX_GUIDANCE = 2
CONSIDERED = 3
_RANK: dict[Status, int] = {"applies": 2, "undetermined": 1, "does not apply": 0}
_CATCH_ALL = re.compile(CATCH_ALL)
_NOTE = re.compile(r"^\s*(?:Technical\s+Notes?|Notes?|N\.\s?B\.|License Requirement Note|Nota)\b.*", re.I)
_DECONTROL = re.compile(r"\b(?:does|do) not (?:control|apply)\b", re.I)
_RELATED = re.compile(r"related controls|see also|N\.\s?B\.", re.I)
_ACRONYM = re.compile(r"(?<![\w-])[A-Z]{3,8}(?![\w-])")
"""A word of capital letters alone ("HTPB"): an acronym, or a word of an invoice written in capitals; part and
model numbers ("GL-3000-AG") carry digits and are no name the lists use."""


@dataclass(frozen=True)
class Decided:
    """Everything the answer shows, before it is rendered."""

    decision: Decision
    candidates: list[Candidate]
    citations: list[Citation]
    guidance: list[Citation]
    ruled_out: list[Ruling]
    falls_to: dict[str, str]
    decided_by: str = ""
    """The name of the rule in `RULES` that decided."""


@dataclass(frozen=True)
class _Judged:
    match: EntryMatch
    hit: Hit
    evaluation: Evaluation | None
    bare: bool = False

    @property
    def status(self) -> Status:
        if self.named:
            return "applies"
        return self.evaluation.status if self.evaluation else "undetermined"

    @property
    def named(self) -> bool:
        """The question is a control code and nothing else: the entry it names is the answer."""
        return "code" in self.match.routes and self.bare

    @property
    def asks(self) -> bool:
        """Undetermined for want of a fact the officer can give (not for want of any checkable criterion)."""
        return self.status == "undetermined" and (
            bool(self.evaluation and self.evaluation.missing) or bool(self.match.routes & {"code", "cas"})
        )


def _supported(judged: _Judged) -> bool:
    """Open only for want of the wetted material, while the figures the goods state already meet the item's:
    ruling out a neighbour that matched a little better does not clear goods this item may well take (a
    30 m3/h vacuum pump of unstated material is 2B350.i's, whatever 2B231's throat size says)."""
    ev = judged.evaluation
    return (
        judged.asks
        and ev is not None
        and bool(ev.missing)
        and all(leaf.kind == "material" for leaf in ev.missing)
        and any(c.verdict == "met" for c in ev.checks if c.parameter != "material")
    )


def body(p: Passage) -> str:
    """A passage's own words: without the entry header that a sub-item passage repeats for context."""
    lines = p.text.splitlines()
    if p.parent and len(lines) > 1:
        return "\n".join(lines[1:]).strip()
    return p.text.strip()


def notes_of(text: str) -> list[str]:
    """Notes, Technical Notes, N.B. and decontrol notes in a passage, each as one line."""
    return [line.strip() for line in text.splitlines() if _NOTE.match(line) or _DECONTROL.search(line)]


def is_catch_all(code: str) -> bool:
    """The US anti-terrorism-only entries (x99x) that the CCL's order of review looks at last.

    >>> is_catch_all("3A999.a"), is_catch_all("3A225")
    (True, False)
    """
    return bool(_CATCH_ALL.match(code))


def _relevant(match: EntryMatch, facts: Facts) -> bool:
    if match.routes & {"code", "cas", "curriculum"}:
        return True
    if match.similarity >= MIN_SIMILARITY or match.keyword >= STRONG_KEYWORD:
        return True
    if match.keyword > 0 and _named_in(match.hits[:CONSIDERED], facts, whole=True):
        # A rare noun the list itself uses ("krytron" in 3A228's Technical Note) is a lead however weakly
        # the rest of the description matches: leaving it out would read as "not controlled".
        return True
    if match.keyword > 0 and _names_agent(match.hits[:CONSIDERED], facts):
        # An agent the question names ("Brucella melitensis field isolate, frozen glycerol stock") in a passage
        # that lists it: the rest of the shipment's words matching weakly does not make it unrelated.
        return True
    return match.keyword > 0 and match.similarity >= MIN_SIMILARITY_WITH_KEYWORDS


def _names_agent(hits: Sequence[Hit], facts: Facts) -> bool:
    """A matched passage writes the listed name of an agent the goods are (not one they carry as a title)."""
    names = [a.name.lower() for a in facts.agents]
    return bool(names) and any(name in body(h.passage).lower() for h in hits for name in names)


_INTANGIBLE = re.compile(
    r"(?i)\b(?:technology|technical data|software|firmware|program|source code|know-how|"
    r"drawings?|blueprints?|manuals?|documentation|data)\b"
)


def _intangible_for_goods(match: EntryMatch, facts: Facts) -> bool:
    """A software (xDxxx) or technology (xExxx) entry, found for physical goods: those entries control what
    is known about goods, not the goods, so a description of goods that names no software or technology
    is never judged by them (nickel powder is not 1E002 "technology" for zirconia powders)."""
    category = match.entry[1:2].upper()
    return (
        category in {"D", "E"}
        and match.entry[:1].isdigit()
        and bool(facts.subject)
        and not match.routes & {"code", "cas"}
        and not _INTANGIBLE.search(facts.text)
    )


def _parent(code: str) -> str:
    chain = lineage(code)
    return chain[-2] if len(chain) > 1 else ""


def _judgeable(items: Sequence[ItemCriteria], facts: Facts, snapshot: Snapshot) -> list[Evaluation]:
    """Evaluations of the most specific items that carry a subject of their own and fit the goods.

    A sub-item that only inherits its parent's subject (a material alternative under "reactors", or 3A225's
    "a. ... 40 VA or greater") is judged with its parent, whose tree holds it; a parent whose own sub-items
    name the goods more closely ("reaction vessels or reactors" under 2B350) gives way to them, since its
    tree also holds siblings of other kinds.
    """
    by_code = {c.code: c for c in items}
    fits: dict[str, bool] = {}  # items share subjects with their parents: each is read once

    def fits_goods(item: ItemCriteria) -> bool:
        if item.code not in fits:
            fits[item.code] = subject_fits(item, facts)
        return fits[item.code]

    fitting: dict[str, Evaluation] = {}
    for item in items:
        parent = by_code.get(_parent(item.code))
        # A parent whose own words do not name the goods ("Flow forming machines, spin forming machines and
        # mandrels", for a flow forming machine) leaves its sub-items to be judged on their own.
        if parent is not None and parent.subject == item.subject and fits_goods(parent):
            continue
        if not fits_goods(item):
            continue
        ev = evaluate(item, facts)
        if ev.subject_fits and not _kind_conflict(item, facts, snapshot):
            fitting[item.code] = ev
    has_fitting_descendant = {ancestor for code in fitting for ancestor in _ancestors(code)}
    return [
        ev
        for code, ev in fitting.items()
        if code not in has_fitting_descendant
        and not _other_kinds(by_code[code], items, facts, snapshot)
        and not _refused_below(by_code[code], items, facts)
    ]


def _refused_below(item: ItemCriteria, items: Sequence[ItemCriteria], facts: Facts) -> bool:
    """A sub-item or a sibling names the goods' noun and does not take them ("c. Military helmets" for bicycle
    helmets): the item above it, or beside it in general terms ("y. Other commodities"), does not either."""
    head, said = head_term(facts.subject), set(words(facts.text))
    parent = _parent(item.code)
    return any(
        (c.code.startswith(f"{item.code}.") or parent and c.code.startswith(f"{parent}.") and c is not item)
        and head in words(c.subject)
        and not military_fits(c.subject, said)
        for c in items
    )


def _kind_conflict(item: ItemCriteria, facts: Facts, snapshot: Snapshot) -> str:
    """The kind the item names when the goods are said to be another kind of its noun (see
    `assistant.knowledge.subjects.another_kind`), its own text counting among its words; else "". Machine tools are
    told apart by the process their line or an ancestor's names ("a. Machine tools for turning"), power
    supplies by the current they put out."""
    if other_current(facts.text, item.subject):
        return item.subject
    processes = machining(facts.text)
    for code in [item.code, *_ancestors(item.code)] if processes else []:
        for p in _own_passages(code, item.source, snapshot):
            other = another_process(processes, body(p).split("\n")[0])
            if other:
                return other
    if not facts.kind:
        return ""
    own = " ".join(body(p) for p in _own_passages(item.code, item.source, snapshot))
    return another_kind(facts.kind, head_term(facts.subject), facts.text, item.subject, own)


def _own_passages(code: str, source: str, snapshot: Snapshot) -> list[Passage]:
    """The passages of exactly this item (not of its sub-items) in one list."""
    code = code.upper()
    return [p for p in snapshot.by_entry.get(code, []) if p.source == source and p.entry.upper() == code]


def _other_kinds(item: ItemCriteria, items: Sequence[ItemCriteria], facts: Facts, snapshot: Snapshot) -> bool:
    """The item lists kinds of goods in sub-items of their own ("a. Arc remelt furnaces; b. Electron beam
    melting furnaces; c. Computer control systems") and the goods are none of them, being another kind of
    the same noun: they are none of the kinds it controls, whatever its lead-in's figures."""
    kinds = [c for c in items if _parent(c.code) == item.code and c.subject and c.subject != item.subject]
    other = [c for c in kinds if _kind_conflict(c, facts, snapshot)]
    return bool(other) and all(c in other or not evaluate(c, facts).subject_fits for c in kinds)


def _ancestors(code: str) -> list[str]:
    """>>> _ancestors("2B350.a.1")
    ['2B350.a', '2B350']
    """
    return lineage(code)[-2::-1]


def _judge(match: EntryMatch, facts: Facts, snapshot: Snapshot, blind: bool = False) -> _Judged | None:
    """The entry's best-fitting item and its evaluation, in the list that says most; None when no item of it
    fits the goods.

    Each list the entry was found in is judged, best-matched first, until one applies: the lists word and
    split an entry differently (the EU 2B350.g valves have no figure to check, the US ones do), and goods
    controlled by either list's text are controlled. Between "ruled out" and "open", open is kept.
    `blind` judges the matched items' criteria without their subject: for when no entry's subject fits the
    goods, yet the description names an item in words our subject rules do not know.
    """
    found: list[_Judged] = []
    for source in dict.fromkeys(h.passage.source for h in match.hits):
        judged = _judge_in(match, facts, snapshot, blind, source)
        if judged is not None:
            found.append(judged)
            if judged.status == "applies":
                break
    return max(found, key=lambda j: _RANK[j.status], default=None)


def _judge_in(match: EntryMatch, facts: Facts, snapshot: Snapshot, blind: bool, source: str) -> _Judged | None:
    """`_judge` in one list: the items of `source` only."""
    best = next(h for h in match.hits if h.passage.source == source)
    # A code, a CAS number, or a trade name the curriculum resolves names the entry whatever the goods' noun.
    # A material named only by its family ("stainless steel") is no trade name either.
    families = {w for m in facts.materials if "not stated" in m.name for w in words(m.name)}
    named = [
        w
        for w in trade_names(facts.text, snapshot.vocabulary)
        if term(w) not in snapshot.kinds and not is_goods_noun(w) and term(w) not in families
    ]
    noun = (words(facts.subject) or [""])[-1]  # "drum" before synonyms fold it into "tank"
    about_named = bool({head_term(facts.subject), noun} & {"", *PACKAGING, *named})
    exact = bool(match.routes & {"code", "cas"}) or ("curriculum" in match.routes and bool(named) and about_named)
    items = [c for c in snapshot.entry(match.entry)[1] if c.source == source]
    if not exact and _consumer_goods(match, best, items, facts):
        return None
    if not items:
        # No tree (a curriculum line naming an entry of a list not ingested): a lead when it names the goods.
        if exact or not facts.subject or _line_names_goods(best.passage.text, facts):
            return _Judged(match, best, None, _bare(facts))
        return None
    codes = [h.passage.entry.upper() for h in match.hits[:CONSIDERED] if h.passage.source == source]
    hit_items = [c for code in codes for c in items if c.code.upper() == code][:CONSIDERED] or items[:1]
    by_code = {c.code: c for c in items}
    listed = "" if _titled(facts) else _listed_name(match.hits[:CONSIDERED], goods_text(facts))
    if listed:
        # The list names these goods in a line of its own ("d.15. Ricin;", "Bacillus anthracis"): that, not
        # our reading of the goods' noun, says what they are; their criteria still decide.
        evaluations = [_named(evaluate(item, facts, judge_subject=False), listed) for item in hit_items]
        scope = _Scope(facts, snapshot, source, by_code, judge_subject=False)
        ev = _refine(max(evaluations, key=lambda e: _RANK[e.status]), scope, NAMED_REFINEMENTS)
        return _Judged(match, _hit_of(ev, match, snapshot, source), ev, _bare(facts))
    bio = biological(facts.text) and not _titled(facts)
    species = _species_line(match.hits[:CONSIDERED], goods_text(facts)) if bio else ""
    if species:
        # Only the genus is given ("Brucella sp. isolate") where the list names species of it: which species
        # the goods are is the fact to ask; the genus alone never clears them.
        ev = max((evaluate(item, facts, judge_subject=False) for item in hit_items), key=lambda e: _RANK[e.status])
        missing = (*ev.missing, Leaf("threshold", species, property="species"))
        ev = replace(ev, status="undetermined", subject_fits=True, missing=missing)
        return _Judged(match, _hit_of(ev, match, snapshot, source), ev, _bare(facts))
    if exact or not facts.subject:
        evaluations = [evaluate(item, facts, judge_subject=False) for item in hit_items]
    else:
        evaluations = _judgeable(items, facts, snapshot)
    if blind and (
        match.similarity >= STRONG_SIMILARITY
        or _named_in(match.hits[:CONSIDERED], facts)
        or _named_in(match.hits[:CONSIDERED], facts, whole=True)
    ):
        # The item names the goods in words our subject rules do not know ("spray drying equipment" for a
        # spray dryer), or the description matches it closely: judge its criteria, not its subject, unless
        # it names another kind of the goods' noun (spray drying equipment for a freeze dryer).
        evaluations = [
            evaluate(item, facts, judge_subject=False)
            for item in hit_items
            if not _kind_conflict(item, facts, snapshot)
            and not _refused_below(item, items, facts)
            and military_fits(item.subject, set(words(facts.text)))
        ]
    if not evaluations:
        ruling = _excluded_entry(items, snapshot, source, facts)
        return None if ruling is None else _Judged(match, _hit_of(ruling, match, snapshot, source), ruling)
    if not blind and not exact:
        evaluations = [_descriptive(ev, by_code[ev.code], facts, snapshot) for ev in evaluations]
    hit_rank = {h.passage.entry.upper(): i for i, h in enumerate(match.hits)}
    ev = max(evaluations, key=lambda e: (_RANK[e.status], -hit_rank.get(e.code.upper(), len(hit_rank))))
    ev = _refine(ev, _Scope(facts, snapshot, source, by_code, judge_subject=not (blind or exact)), REFINEMENTS)
    return _Judged(match, _hit_of(ev, match, snapshot, source), ev, _bare(facts))


def _consumer_goods(match: EntryMatch, best: Hit, items: Sequence[ItemCriteria], facts: Facts) -> bool:
    """The goods are an everyday product of a class none of the matched items speaks of (see
    `assistant.decision.kinds`): the entry is no candidate, even where it names the goods' noun or a name they
    carry (a "kitchen centrifuge", a record titled after a pathogen)."""
    if not consumer_class(facts.text):
        return False  # most goods: nothing to judge, nothing to embed
    by_code = {c.code: c for c in items}
    codes = {h.passage.entry.upper() for h in match.hits[:CONSIDERED] if h.passage.source == best.passage.source}
    hit_items = [c for c in items if c.code.upper() in codes] or list(items[:1])
    contexts = [in_context(c, by_code) for c in hit_items] or [
        line_in_context(match.entry, (body(best.passage).splitlines() or [""])[0])
    ]
    evaluations = [evaluate(c, facts, judge_subject=False) for c in hit_items]
    return bool(another_consumer_kind(facts, contexts, evaluations))


def _hit_of(ev: Evaluation, match: EntryMatch, snapshot: Snapshot, source: str) -> Hit:
    """The passage that shows the judged item: a matched one of it if any, else its first."""
    passages = [p for p in snapshot.by_entry.get(ev.code.upper(), []) if p.source == source]
    fallback = Hit(passages[0], match.hits[0].score, "criteria") if passages else match.hits[0]
    return next((h for h in match.hits if h.passage in passages), fallback)


_LABEL = re.compile(r"^\s*(?:[a-z0-9]+(?:\.[a-z0-9]+)+\.?|[a-z]\.|\d+\.)\s*", re.I)
"""An item's label at the start of a list line: "d.15.", "a.1.b", "c.", "15."."""


def _listed_name(hits: Sequence[Hit], question: str) -> str:
    """A short list line whose whole name the question gives ("d.15. Ricin;" for "ricin, 2 g"), or "".

    Only names of two or more words, or of a word that is not everyday English, count: "a. Pumps;" names a
    kind of goods whose criteria decide, not these goods.
    """
    asked = f" {' '.join(re.findall(r'[a-z0-9]+', question.lower()))} "
    for h in hits:
        for line in body(h.passage).splitlines():
            name = " ".join(re.findall(r"[a-z0-9]+", re.sub(r"\(.*?\)", " ", _LABEL.sub("", line)).lower()))
            if not 4 <= len(name) <= 60 or _NOTE.match(line) or f" {name} " not in asked or _only_material(name):
                continue
            if " " in name or not is_english(name):
                return line.strip()
    return ""


def _species_line(hits: Sequence[Hit], question: str) -> str:
    """A list line naming a species of a genus the question gives without its species ("c.2. Brucella
    abortus;" for "Brucella sp. isolate"), or ""."""
    said = set(words(question)) - _species_given(question)
    for h in hits:
        for line in body(h.passage).splitlines():
            if not _NOTE.match(line) and names_a_species(line, said):
                return line.strip()
    return ""


_GENUS_ONLY = frozenset({"sp", "spp", "species"})


def _species_given(question: str) -> set[str]:
    """The genera the question gives a species of ("Clostridium sporogenes"), lower case: a species not
    listed is judged as that species, not asked again; "Brucella sp." and "Brucella isolate" give none.

    >>> sorted(_species_given("Clostridium sporogenes culture, Brucella sp. isolate, Bacillus culture"))
    ['clostridium']
    """
    return {
        m[1].lower()
        for m in re.finditer(r"\b([A-Za-z][a-z]{3,}|[A-Z]{4,})\s+([A-Za-z]{3,})\b", question)
        if m[2].lower() not in _GENUS_ONLY and not is_english(m[2])
    }


def _titled(facts: Facts) -> bool:
    """Goods that carry a listed name as a title or brand (a record album "Anthrax", an "Ebola" T-shirt): the
    list naming that agent in a line of its own says nothing about them; their kind decides."""
    return bool(facts.titles) or named_after(" ".join([*facts.modifiers, facts.subject]))


def _only_material(name: str) -> bool:
    """A line that names an alloy or material family ("b. Stainless steel;" in a wetted-materials clause) says
    what goods are made of, not what they are; an element ("Zirconium") is goods the lists control by name.

    >>> _only_material("stainless steel"), _only_material("ricin"), _only_material("zirconium")
    (True, False, False)
    """
    return not set(name.split()) & ELEMENT_NAMES and any(m.end - m.start >= len(name) - 2 for m in find_materials(name))


def _named(ev: Evaluation, line: str) -> Evaluation:
    """An item with nothing left to check applies when the list names the goods in a line of its own."""
    if ev.status != "undetermined" or ev.missing:
        return ev
    return replace(ev, status="applies", subject_fits=True, reason=Phrase("reason_list_names", line=line))


@dataclass(frozen=True)
class _Scope:
    """What a refinement of an item's evaluation reads besides it: the goods, and the item's list."""

    facts: Facts
    snapshot: Snapshot
    source: str
    by_code: dict[str, ItemCriteria]
    judge_subject: bool


Refinement = Callable[[Evaluation, _Scope], Evaluation]
"""A second look at an item's evaluation with what its own tree does not hold: parents, Notes, list lines."""


def _refine(ev: Evaluation, scope: _Scope, steps: Sequence[Refinement]) -> Evaluation:
    """`ev` passed through `steps` in order."""
    for step in steps:
        ev = step(ev, scope)
    return ev


def parents_defeat(ev: Evaluation, s: _Scope) -> Evaluation:
    """A sub-item also meets what its parents state for all of them ("mixtures in which the chemical is 30 %
    or more", a Note that excludes small forms): a stated fact that defeats a parent defeats the sub-item."""
    if ev.status == "does not apply":
        return ev
    for code in _ancestors(ev.code):
        parent = s.by_code.get(code)
        up = evaluate(parent, s.facts, s.judge_subject) if parent is not None else None
        if up is not None and up.status == "does not apply" and up.deciding is not None:
            return replace(up, code=ev.code, checks=ev.checks + up.checks)
    return ev


def _descriptive(ev: Evaluation, item: ItemCriteria, facts: Facts, snapshot: Snapshot) -> Evaluation:
    """An item that controls goods by what they are, with no figure to check ("Class III biological safety
    cabinets"), applies when its own words name the goods' noun and more of the description
    ("biological safety" beside "cabinet"); a shared noun alone ("heat exchangers"), a word of the
    description that is not the goods' noun ("photocathodes" for a photomultiplier tube), or a figure in the
    item's own line that its tree does not hold ("Streak cameras with writing speeds greater than 0,5 mm/us")
    leaves it open."""
    if ev.status != "undetermined" or ev.missing or not ev.subject_fits:
        return ev
    said = set(words(" ".join([facts.subject, *facts.modifiers]))) - GENERIC
    shared = said & (set(words(item.subject)) - GENERIC)
    if not shared - set(words(facts.subject)):
        return ev
    head = head_term(facts.subject)
    if facts.chemicals and names_chemical(item.subject, facts.chemicals):
        # A chemical the item names first, with more of its words ("Lithium enriched in the lithium-6 isotope"
        # for "lithium fluoride enriched to 95 % lithium-6").
        if not shared - {words(item.subject)[0]}:
            return ev
    elif head in FORMS:
        # A bar, an ingot or a powder is named by what it is made of: one of the item's alternatives whole
        # ("natural uranium" in "Natural uranium or depleted uranium or thorium"), never one word of it
        # ("nickel" in "Nickel aluminides").
        made_of = said | set(words(" ".join(m.name for m in facts.materials)))
        alternatives = [set(words(part)) - GENERIC for part in re.split(r",|;|\bor\b", item.subject)]
        if not any(alt and alt <= made_of for alt in alternatives):
            return ev
    elif not any(similar(head, w) for w in words(item.subject)):
        return ev
    if _states_figure(item, snapshot):
        return ev
    return replace(
        ev,
        status="applies",
        reason=Phrase("reason_goods_are", code=item.code, subject=item.subject),
    )


_FIGURE = re.compile(
    r"\b(?:greater|less|more|exceeding|better|above|below|up to|at least|between)\b[^;:]*\d"
    r"|\d[^;:]*\b(?:or (?:more|less|greater|better)|and (?:above|below))\b",
    re.I,
)
"""A figure with its comparison ("greater than 0,5 mm/us", "50 ns or less")."""


def _states_figure(item: ItemCriteria, snapshot: Snapshot) -> bool:
    """A line of the item's passages (or of its nearest parent's) that names it ("Streak cameras ...") states
    a figure, or one of its sub-items does ("b.1.a. A stress-rupture life of 10,000 hours or longer"): its
    tree missed a criterion."""
    name = item.subject.lower()[:24]
    below = item.code.upper() + "."
    sub_items = [
        p for code, ps in snapshot.by_entry.items() if code.startswith(below) for p in ps if p.source == item.source
    ]
    if any(_FIGURE.search(_LABEL.sub("", line)) for p in sub_items for line in body(p).splitlines()[1:]):
        return True
    for code in [item.code, *_ancestors(item.code)]:
        passages = [p for p in snapshot.by_entry.get(code.upper(), []) if p.source == item.source]
        if passages:
            lines = [_LABEL.sub("", line) for p in passages for line in body(p).splitlines()]
            return any(name in line.lower() and _FIGURE.search(line) for line in lines if name)
    return False


def _note_texts(
    code: str, by_code: dict[str, ItemCriteria], snapshot: Snapshot, source: str, bounded: bool = False
) -> list[str]:
    """The exclusions without a bound (`bounded`: with them) and the Notes of an item and of its parents, in
    the list's words."""
    texts: list[str] = []
    for at in [code, *_ancestors(code)]:
        item = by_code.get(at)
        if item is not None:
            texts += [
                leaf.text
                for leaf in item.exclusions
                if (bounded or leaf.bound is None)
                and (not leaf.scope or any(code.upper().startswith(s.upper()) for s in leaf.scope))
            ]
        for p in snapshot.by_entry.get(at.upper(), []):
            if p.source == source:
                texts += [t for t in paragraphs(body(p)) if speaks_of(t, code)]
    return list(dict.fromkeys(texts))


def notes_decide(ev: Evaluation, s: _Scope) -> Evaluation:
    """The item's own Notes against the description: an exclusion that names the goods ("does not control
    suits designed to be worn with self-contained breathing apparatus"), or a Note that limits the item to
    another class than the goods' ("controls class III biosafety cabinets"), rules the item out."""
    facts, snapshot, source, by_code = s.facts, s.snapshot, s.source, s.by_code
    if ev.status == "does not apply":
        return ev
    texts = _note_texts(ev.code, by_code, snapshot, source)
    # A Note that includes goods whatever their use (1A004's "even if ... used in civil industries"), read in
    # the passages' own lines since its numbered paragraphs are no Note of their own, keeps goods it names
    # from the exclusions by use.
    passages = [
        body(p)
        for at in [ev.code, *_ancestors(ev.code)]
        for p in snapshot.by_entry.get(at.upper(), [])
        if p.source == source
    ]
    kept = bool(included([*texts, *passages], facts.text))
    for text in [] if kept else texts:
        if phrase := excluded([text], facts.text):
            return replace(
                ev,
                status="does not apply",
                deciding=Leaf("exclusion", text),
                reason=Phrase("reason_note_names", phrase=phrase, text=text),
                missing=(),
            )
    if not kept and (found := conditional(_note_texts(ev.code, by_code, snapshot, source, bounded=True), facts)):
        return replace(
            ev,
            status="does not apply",
            deciding=Leaf("exclusion", found),
            missing=(),
            reason=Phrase("reason_note_conditions", found=found),
        )
    if ev.status == "undetermined" and facts.cas:
        # A sub-item's Note that names the goods' own CAS number frees them from the item judged whole.
        below = [
            t
            for code in by_code
            if code.upper().startswith(f"{ev.code.upper()}.")
            for t in _note_texts(code, by_code, snapshot, source)
        ]
        if note := excluded_cas([*texts, *below], facts.cas):
            return replace(
                ev,
                status="does not apply",
                deciding=Leaf("exclusion", note),
                missing=(),
                reason=Phrase("reason_note_cas", note=note),
            )
    if note := other_class(texts, facts.text):
        return replace(
            ev,
            status="does not apply",
            deciding=Leaf("exclusion", note),
            missing=(),
            reason=Phrase("reason_other_class", code=ev.code, note=note),
        )
    return ev


def another_metal_refused(ev: Evaluation, s: _Scope) -> Evaluation:
    """A material item whose own line names the metals it controls ("... consisting of 99 % or more of
    zirconium, magnesium and alloys thereof", "Spherical aluminum powder") does not control goods made of
    another metal (nickel powder), whatever their particle size."""
    facts, snapshot, source = s.facts, s.snapshot, s.source
    metals = goods_metals(facts)
    if ev.status == "does not apply" or not metals or head_term(facts.subject) not in FORMS:
        return ev
    for code in [ev.code, *_ancestors(ev.code)][:-1]:
        lines = [
            _LABEL.sub("", body(p).splitlines()[0])
            for p in snapshot.by_entry.get(code.upper(), [])
            if p.source == source and p.entry.upper() == code.upper() and body(p)
        ]
        named = {element_symbol(w) for line in lines[:1] for w in re.findall(r"[A-Za-z]+", line)} - {"", "C", "B"}
        if named:
            if named & metals:
                return ev
            names = ", ".join(sorted(ELEMENTS[n] for n in named))
            goods = ", ".join(ELEMENTS[m] for m in sorted(metals))
            return replace(
                ev,
                status="does not apply",
                missing=(),
                deciding=Leaf("material", lines[0]),
                reason=Phrase("reason_controls_other", code=code, names=names, goods=goods),
            )
    return ev


def _excluded_entry(items: Sequence[ItemCriteria], snapshot: Snapshot, source: str, facts: Facts) -> Evaluation | None:
    """An entry none of whose items names the goods' kind, but whose own exclusion names these goods
    ("2B352.d.1 does not control reverse osmosis ... equipment" for a reverse osmosis unit): ruled out by it."""
    texts: dict[str, str] = {}
    every: dict[str, str] = {}
    for item in items:
        for leaf in item.exclusions:
            every.setdefault(leaf.text, item.code)
            if leaf.bound is None:
                texts.setdefault(leaf.text, item.code)
        for p in snapshot.by_entry.get(item.code.upper(), []):
            if p.source == source:
                for text in paragraphs(body(p)):
                    texts.setdefault(text, item.code)
    found = [
        (text, code, phrase) for text, code in texts.items() if (phrase := excluded([text], facts.text, purpose=False))
    ]
    if not found and purposes(facts.text):
        # Goods the entry's words do not name ("tractor for agriculture" beside protective equipment) are
        # ruled out only by a Note that names them, never by their purpose alone.
        head = head_term(facts.subject)
        if head not in GENERIC and any(similar(head, w) for w in {w for item in items for w in words(item.subject)}):
            found = [(text, code, phrase) for text, code in texts.items() if (phrase := excluded([text], facts.text))]
    for text, code, phrase in found[:1]:
        return Evaluation(
            code,
            "does not apply",
            False,
            Leaf("exclusion", text),
            f"excluded, the goods are what its Note names ({phrase}): {text}",
        )
    every.update(texts)  # with the exclusions that have a bound: a Note's list may come split across them
    if note := conditional(every, facts, of_kind=False):
        return Evaluation(
            every[note],
            "does not apply",
            False,
            Leaf("exclusion", note),
            f"excluded, the goods meet every condition of its Note: {note}",
        )
    return None


def rare_name_applies(ev: Evaluation, s: _Scope) -> Evaluation:
    """Goods named only by a name that is not everyday English ("krytron", "VISAR", "phosgene", "Puccinia
    graminis"), which the item's own text uses, are what the item names: nothing stated rules them out, so
    they are likely controlled, its figures being what to confirm."""
    facts, snapshot, source = s.facts, s.snapshot, s.source
    if ev.status != "undetermined" or facts.quantities or facts.materials or facts.cas or facts.chemicals:
        # A chemical's identity is the evaluation's to settle: a near name is another chemical.
        return ev
    if _titled(facts):
        return ev
    named = set(words(" ".join([facts.subject, *facts.modifiers]))) - GENERIC - PACKAGING
    rare = {w for w in named if len(w) >= 5 and not is_english(w)}
    head = head_term(facts.subject)
    if not rare or 2 * len(rare) < len(named) or (head not in rare and head not in {*GENERIC, *PACKAGING}):
        # The goods' own noun must be the rare name ("krytron", "anthrax culture"): an "isostatic press" is a
        # press, whose figures decide.
        # A description of the goods in words ("patient isolator designed for transport ...") is judged by
        # the item's criteria; a name alone ("krytron", "wheat stem rust fungus") is named or not.
        return ev
    for at in [ev.code, *_ancestors(ev.code)]:
        for p in snapshot.by_entry.get(at.upper(), []):
            if p.source != source:
                continue
            for line in body(p).splitlines():
                # A line naming a species of the genus the goods give alone is asked, not applied (`_species_line`).
                if rare <= set(words(line)) and not names_a_species(line, named):
                    return replace(
                        ev, status="applies", subject_fits=True, reason=Phrase("reason_list_names", line=line.strip())
                    )
    return ev


_KIND_WORDS = frozenset({"virus", "viruses", "toxin", "toxins"})
"""Words that follow a genus in a list line without naming a species ("Hendra virus")."""


def names_a_species(line: str, said: set[str]) -> bool:
    """Whether a list line names an organism by genus and species where the goods give only the genus
    ("Brucella sp." beside "c.2. Brucella abortus"): the line names one species of several, so it does not
    name the goods, and which species they are is the fact to ask. Binomial names write the genus
    capitalised and the species in lower case, and a genus is no English word ("Heat exchangers" is none).

    >>> names_a_species("c.2. Brucella abortus;", {"brucella", "sp"})
    True
    >>> names_a_species("c.2. Brucella abortus;", {"brucella", "abortus"}), names_a_species("Hendra virus", {"hendra"})
    (False, False)
    >>> names_a_species("d. Heat exchangers or condensers", {"heat", "exchanger"})
    False
    """
    for m in re.finditer(r"\b([A-Z][a-z]{3,})\s+([a-z]{3,})\b", line):
        genus, species = m[1].lower(), m[2]
        if genus in said and not is_english(genus) and species not in said | ENGLISH_STOP | _KIND_WORDS:
            return True
    return False


REFINEMENTS: tuple[Refinement, ...] = (parents_defeat, notes_decide, rare_name_applies, another_metal_refused)
"""The order an item's evaluation is refined in: a stated fact that defeats a parent defeats the item whatever
its own Notes say; Notes next, since an exclusion outranks anything that would make the item apply; a rare
name may then make an undetermined item apply, which only nothing having ruled it out allows; last, an item
whose line names other metals refuses the goods' metal, whatever made it apply."""
NAMED_REFINEMENTS: tuple[Refinement, ...] = REFINEMENTS[:2]
"""For an item a list line names the goods in ("d.15. Ricin"): that line already says what the goods are, so
only parents and Notes can still defeat it."""


def _line_names_goods(line: str, facts: Facts) -> bool:
    """A curriculum line names these goods: their CAS number, their noun, or a word describing them (a
    chemical's or a material's name included) stands in it."""
    if any(cas in line for cas in facts.cas):
        return True
    named = [*facts.modifiers, *facts.chemicals, *(m.name for m in facts.materials)]
    said = {head_term(facts.subject), *words(" ".join(named))} - GENERIC
    return any(similar(w, x) for w in said if len(w) > 3 for x in words(line))


def _named_in(hits: Sequence[Hit], facts: Facts, whole: bool = False) -> bool:
    """The goods' head noun, or a near spelling of it, stands in the first line of a matched passage.

    With `whole`, every word of the goods' name stands anywhere in one passage, and their noun is not everyday
    English ("krytron" in a Technical Note): a word as common as "pump" in a note, or "dryer" without "hair",
    does not make an entry a lead.
    """
    head = head_term(facts.subject)
    if len(head) < 4 or head in GENERIC or (whole and is_english(head)):
        return False
    if not whole:
        return any(similar(head, w) for h in hits for w in _line_nouns(body(h.passage).split("\n")[0]))
    said = set(words(facts.subject)) - GENERIC
    return any(all(any(similar(s, w) for w in _line_nouns(body(h.passage))) for s in said) for h in hits)


def _line_nouns(line: str) -> list[str]:
    """The terms of a line's words, a hyphenated word by its last part: "freeze-drying" is drying equipment,
    so a freezer is not named by it.

    >>> _line_nouns("e. Freeze-drying equipment")
    ['e', 'drying', 'equipment']
    """
    return [term(token.split("-")[-1]) for token in re.findall(r"[A-Za-z][A-Za-z-]*", line)]


def _bare(facts: Facts) -> bool:
    """No goods, quantities, materials or chemicals: the question only names a code."""
    return not (facts.subject or facts.quantities or facts.materials or facts.chemicals or facts.cas)


def _related(snapshot: Snapshot, entry: str) -> list[str]:
    """Entries the list itself points to (Related Controls, see also, N.B.) and the group's catch-all."""
    found: list[str] = []
    for p in snapshot.by_entry.get(entry, []):
        for line in p.text.splitlines():
            if _RELATED.search(line):
                found += [top_level(c) for c in find_codes(line)]
    group = entry[:2]
    found += sorted(code for code in snapshot.by_entry if re.fullmatch(rf"{group}99\d", code))
    return [c for c in dict.fromkeys(found) if c != entry and c in snapshot.by_entry][:6]


def _candidate(judged: _Judged, snapshot: Snapshot, numbers: list[int]) -> Candidate:
    p, ev = judged.hit.passage, judged.evaluation
    preamble = [
        q
        for q in snapshot.by_entry.get(judged.match.entry, [])
        if q.entry == judged.match.entry and q.list_label == p.list_label
    ][:1]
    notes = notes_of(body(p)) + [n for q in preamble for n in notes_of(q.text)]
    reason = (
        "the question names this entry"
        if judged.named
        else ev.reason
        if ev
        else "found by its words; no criteria could be checked for it"
    )
    return Candidate(
        entry=judged.match.entry,
        item=ev.code if ev else p.entry,
        title=p.title,
        list_label=p.list_label,
        version=p.version,
        quote=body(p),
        notes=list(dict.fromkeys(notes))[:MAX_NOTES],
        citations=numbers,
        checks=list(ev.checks) if ev else [],
        status=judged.status,
        reason=reason,
        missing=list(ev.missing[:MAX_MISSING]) if ev else [],
        related=_related(snapshot, judged.match.entry) if judged.status != "applies" else [],
    )


def _order(judged: _Judged) -> tuple[int, int, float]:
    return (_RANK[judged.status], not is_catch_all(judged.match.entry), judged.match.score)


def _catch_all_for(snapshot: Snapshot, considered: Sequence[_Judged], label: str, facts: Facts) -> str:
    """The x99x item of the considered entries' groups in list `label` whose own criteria apply, else EAR99.

    Beside its criteria, an item with none to check takes goods of its kind in a material it names whole ("316
    stainless steel valves, piping, tanks and vessels" for a 316L stainless steel reactor, never for a carbon
    steel one), goods it names with more than their noun, or goods it names by their chemical name
    ("Tributyl phosphate"); and a chemical that a specific entry lists but rules out (a weak mixture) is
    judged by the mixture items' figures whatever the goods' noun ("solution", "blend").
    """
    groups = {j.match.entry[:2] for j in considered}
    listed_chemical = any(
        c.parameter == "chemical" and c.verdict == "met"
        for j in considered
        if j.status == "does not apply" and j.evaluation
        for c in j.evaluation.checks
    )
    chemicals = {" ".join(words(c)) for c in facts.chemicals}
    materials = [{w for w in words(m.name) if len(w) > 2} for m in facts.materials]
    for code in sorted(c for c in snapshot.by_entry if "." not in c and is_catch_all(c) and c[:2] in groups):
        items = snapshot.entry(code, label)[1]
        subjects = {item.code: item.subject for item in items}
        applying = [
            ev
            for ev in _judgeable(items, facts, snapshot)
            if ev.status == "applies" and names_whole(subjects[ev.code], facts)
        ]
        if applying:
            return applying[0].code
        for item in items:
            named = set(words(item.subject))
            if chemicals and " ".join(words(item.subject)) in chemicals:
                return item.code
            ev = evaluate(item, facts)
            if (
                ev.status == "undetermined"
                and not ev.missing
                and ev.subject_fits
                and (
                    any(m and m <= named for m in materials)
                    or _descriptive(ev, item, facts, snapshot).status == "applies"
                )
            ):
                return item.code
            if listed_chemical and evaluate(item, facts, judge_subject=False).status == "applies":
                return item.code
    return "EAR99"


def _subject_of(judged: _Judged, snapshot: Snapshot) -> str:
    if judged.evaluation is None:
        return ""
    code = judged.evaluation.code
    return next((c.subject for c in snapshot.entry(judged.match.entry)[1] if c.code == code), "")


def _fully_named(judged: _Judged, facts: Facts, snapshot: Snapshot) -> bool:
    """Whether a catch-all entry that applies names the goods whole (see `names_whole`), or takes them by
    figures of its own that the goods' stated figures meet: a "point diamond cutting tool insert" whose
    cutting radius and out-of-roundness meet 2B998.b's is that item's, though "single" was not said."""
    if judged.evaluation is None or judged.named:
        return True
    subject = _subject_of(judged, snapshot)
    return names_whole(subject, facts) or (_met_figure(judged.evaluation) and names_whole(subject, facts, missing=1))


def _met_figure(ev: Evaluation) -> bool:
    """An item that applies with a stated figure meeting one of its bounds (not by its name alone)."""
    return ev.status == "applies" and any(c.verdict == "met" and c.bound is not None for c in ev.checks)


def names_whole(subject: str, facts: Facts, missing: int = 0) -> bool:
    """The goods are what one of an item's names says, every word of it ("optical fiber cables"), not only its
    noun: an ethernet cable is no optical fiber cable. Catch-all items are judged so, being too broad to
    take every cable, pump or press that shares their noun. `missing` words of a name may go unsaid, so long as
    most of it is said (for an item whose own figures the goods meet).

    >>> names_whole("Optical fibers and optical fiber cables", Facts(text="ethernet cable", subject="cable"))
    False
    >>> insert = Facts(text="point diamond cutting tool insert", subject="insert")
    >>> names_whole("Single point diamond cutting tool inserts", insert), names_whole("Single point diamond cutting tool inserts", insert, missing=1)
    (False, True)
    >>> names_whole("Optical fibers and optical fiber cables", Facts(text="ethernet cable", subject="cable"), missing=1)
    False
    >>> names_whole("Frequency changers", Facts(text="frequency converter 0-500 Hz", subject="frequency converter"))
    True
    """
    said = {*words(facts.text), head_term(facts.subject)}
    for name in re.split(r",|\bor\b|\band\b", subject):
        content = [w for w in words(name) if w not in GENERIC and len(w) > 2]
        unsaid = sum(not any(similar(c, w) for w in said) for c in content)
        if content and unsaid <= missing and 2 * (len(content) - unsaid) > len(content):
            return True
    return False


def falls_to(snapshot: Snapshot, judged: Sequence[_Judged], facts: Facts) -> dict[str, str]:
    """Per ingested control list, where goods that no specific entry controls fall."""
    out: dict[str, str] = {}
    labels = sorted({p.list_label for p in snapshot.passages if p.kind == "control-list"})
    for label in labels:
        in_list = [j for j in judged if j.hit.passage.list_label == label]
        applying = [
            j
            for j in in_list
            if j.status == "applies" and is_catch_all(j.match.entry) and _fully_named(j, facts, snapshot)
        ]
        has_catch_all = any(is_catch_all(p.entry) for p in snapshot.passages if p.list_label == label)
        if applying:
            out[label] = applying[0].evaluation.code if applying[0].evaluation else applying[0].match.entry
        elif has_catch_all:
            ruled = [j for j in judged if j.status == "does not apply" and j not in in_list]
            out[label] = _catch_all_for(snapshot, [*in_list, *ruled], label, facts)
        else:
            out[label] = "not listed"
    return out


@dataclass(frozen=True)
class Judged:
    """What the decision rules read: the goods' facts and the retrieved entries as judged against them.

    `ruled` are ruled out by stated facts; `standing` apply, ask for a fact, or stay leads; `specific` are the
    standing ones without the US catch-alls (unless the question names one by code); `open` the specific
    ones that match the goods at least as well as the best ruled-out entry (or nearly, see `_supported`);
    `leads` entries not judged whose list text uses a name the question gives that is no everyday English;
    `misdeclared` entries whose criteria the stated figures and materials meet, though the goods' name did
    not fit what they name.
    """

    facts: Facts
    snapshot: Snapshot
    judged: list[_Judged]
    ruled: list[_Judged]
    standing: list[_Judged]
    specific: list[_Judged]
    open: list[_Judged]
    leads: list[_Judged]
    misdeclared: list[_Judged]


Rule = Callable[[Judged], Decision | None]
"""One named decision rule: the decision for the class of goods it serves, or None to pass to the next."""


def a_specific_entry_applies(j: Judged) -> Decision | None:
    """Goods whose stated facts meet every deciding criterion of a specific entry (a 3 000 L glass-lined
    reactor, 2B350.a), or that a list names in a line of its own (ricin, a krytron): likely controlled."""
    return "likely-controlled" if any(x.status == "applies" for x in j.specific) else None


def best_entries_are_open(j: Judged) -> Decision | None:
    """Goods that the entries they match best may take, for want of a fact the officer can give (a reactor of
    unstated volume; a vacuum pump of unstated wetted material), or that an entry with nothing to check
    names more closely than every ruled-out one (a helium-3 cylinder: 1C232, beside 1C111's powders):
    needs facts, the deciding ones asked. The entries the goods matched best being ruled out by stated facts
    decides instead; weaker open entries are then shown as what else to check."""
    return "needs-facts" if j.open or (j.specific and not j.ruled) else None


def a_name_the_lists_use_is_never_cleared(j: Judged) -> Decision | None:
    """Goods named by a word a control list itself uses that is no everyday English (an acronym or a trade
    name: "HTPB" in 1C111's text, "krytron" in 3A228's) are never cleared on their other words, whose kind
    did not fit: needs facts, the entry that uses the name shown as the lead, until the officer says what
    the goods are."""
    return "needs-facts" if j.leads else None


def stated_specifications_are_never_cleared(j: Judged) -> Decision | None:
    """Goods declared under a name that fits no entry, whose stated figures and materials meet every criterion
    of one (a glass-lined 3 000 L "cooking kettle" with agitators meets 2B350.a's volume and wetted
    material): the classic misdeclaration; and goods that an entry matches better than every ruled-out one
    but that no item of it took by our reading of their noun ("aromatic polyetherimide" read as a chemical,
    beside 1C008's polymers). Never cleared on the name: needs facts, that entry shown, until the officer
    says what the goods are."""
    return "needs-facts" if j.misdeclared else None


def stated_facts_rule_out(j: Judged) -> Decision | None:
    """Goods of a listed kind that stated facts put outside every entry they match (a 50 L glass-lined
    reactor; thiodiglycol at 5 %), or that only a US catch-all names whole: not controlled as described,
    with where they fall per list."""
    if j.ruled or any(x.status == "applies" and _fully_named(x, j.facts, j.snapshot) for x in j.standing):
        return "not-controlled-as-described"
    return None


def nothing_relevant(j: Judged) -> Decision | None:
    """Goods that share only words with the lists (a US catch-all at most, none of whose items applies):
    no match. Last, so that every rule above has had its say."""
    return "no-match"


RULES: tuple[Rule, ...] = (
    a_specific_entry_applies,
    best_entries_are_open,
    a_name_the_lists_use_is_never_cleared,
    stated_specifications_are_never_cleared,
    stated_facts_rule_out,
    nothing_relevant,
)
"""The decision rules in the CCL's order of review: what applies first, then what is open, then what stated
facts rule out; the first rule that decides, decides."""


def judge(retrieved: Retrieved, facts: Facts, snapshot: Snapshot, k: int) -> Judged:
    """The retrieved entries judged against the goods' facts, grouped as the decision rules read them."""
    # Only a kind the lists themselves tell apart, or one that a known compound names ("hair dryer"), makes
    # goods another kind than an item names.
    # A kind corpus/goods.yaml says a feature implies for the goods' noun is the editor's word, listed or not.
    compound = set(facts.subject.split()[:-1])
    vocabulary, head = goods_vocabulary(), head_term(facts.subject)
    implied = {k for cue, k in vocabulary.implied_kinds.items() if head in vocabulary.implied_for.get(cue, ())}
    kind = listed_kinds(facts.kind, head_term(facts.subject), snapshot.qualified)
    facts = replace(facts, kind=tuple(k for k in facts.kind if k in kind or k in compound or k in implied))
    matches = [m for m in retrieved.entries[: k * 3] if _relevant(m, facts) and not _intangible_for_goods(m, facts)]
    if _bare(facts) and any("code" in m.routes for m in matches):
        matches = [m for m in matches if "code" in m.routes]
    judged = [j for m in matches for j in [_judge(m, facts, snapshot)] if j is not None]
    if not judged:
        judged = [j for m in matches for j in [_judge(m, facts, snapshot, blind=True)] if j is not None]
    else:
        # An entry the description all but quotes is judged on its criteria even when our reading of the goods'
        # noun fits none of its items ("cellules électrolytiques pour la production de fluor" read as a
        # chemical): the chemical entries ruling fluorine out must not clear electrolytic cells.
        seen = {j.match.entry for j in judged}
        judged += [
            j
            for m in matches
            if m.similarity >= NEAR_QUOTE and m.entry not in seen
            for j in [_judge(m, facts, snapshot, blind=True)]
            if j is not None
        ]
    judged.sort(key=_order, reverse=True)
    ruled = [j for j in judged if j.status == "does not apply"]
    decided = any(j.status == "applies" for j in judged) or bool(ruled)
    # An entry undetermined only because nothing in it can be checked is a lead while nothing else decides;
    # beside an entry whose criteria speak to the goods it is noise (a nuclear reactor beside a chemical one).
    # An entry that matches the goods more closely than every ruled-out one stays a lead even with nothing
    # to check: ruling out weaker matches never clears goods that a closer entry names.
    closest_ruled = max((j.match.similarity for j in ruled), default=0.0) + CLOSER
    standing = [
        j
        for j in judged
        if j.status == "applies"
        or j.asks
        or (
            j.status == "undetermined"
            and (not decided or j.match.similarity >= closest_ruled)
            and (j.match.similarity >= MIN_SIMILARITY or j.named or j.evaluation is None)
        )
    ]
    specific = [j for j in standing if not is_catch_all(j.match.entry) or j.match.routes & {"code"}]
    best_ruled = max((j.match.score for j in ruled), default=0.0)
    # An entry closer in meaning than every ruled-out one, open for a fact the officer can give, stays open
    # whatever the ranks' fusion says: "high explosive containing octogène" is 1C239's (density, detonation
    # velocity), however many chemical entries rule HMX's name out. One with nothing to check (0A001's
    # nuclear reactors beside a 50 L glass-lined one) does not.
    open_ = [
        j
        for j in specific
        if j.match.score >= best_ruled
        or (_supported(j) and j.match.score >= NEAR_RULED * best_ruled)
        or (bool(ruled) and bool(j.asks) and j.match.similarity >= closest_ruled)
    ]
    leads = [] if standing else _name_leads(retrieved.entries[: k * 3], judged, facts, snapshot)
    # Entries judged but none standing nor ruled out (an "arc remelt ... consumable electrode" read as an
    # electrode, judged only by a weak entry) leave the goods as unjudged as none: their figures still count;
    # so does a US catch-all alone (8A992 for a "kettle"), which says nothing of what the goods are.
    specific_judged = any(not is_catch_all(j.match.entry) for j in [*standing, *ruled])
    misdeclared = [] if specific_judged else _met_specifications(matches, facts, snapshot)
    if ruled and not standing:
        misdeclared += _closer_unjudged(matches, judged, ruled, facts, snapshot)
    return Judged(facts, snapshot, judged, ruled, standing, specific, open_, leads, misdeclared)


MIN_MET_SPECIFICATIONS = 2
"""How many stated facts must meet an entry's criteria before goods whose name does not fit it are held as
possibly misdeclared: two (a volume and a wetted material) rarely meet one item's band by chance."""


def _closer_unjudged(
    matches: Sequence[EntryMatch],
    judged: Sequence[_Judged],
    ruled: Sequence[_Judged],
    facts: Facts,
    snapshot: Snapshot,
) -> list[_Judged]:
    """Entries the goods match better than every ruled-out one, judged on their criteria alone, that no item
    of took the goods by our reading of their noun ("aromatic polyetherimide" read as a chemical beside
    1C008's polymers, while chemical entries rule the name out): ruling out weaker matches must not clear
    goods a closer entry may name."""
    seen = {x.match.entry for x in judged}
    best_ruled = max(x.match.score for x in ruled)
    closer = [
        m
        for m in matches
        if m.entry not in seen and m.score > best_ruled and m.similarity >= MIN_SIMILARITY and not is_catch_all(m.entry)
    ]
    found = [x for m in closer for x in [_judge(m, facts, snapshot, blind=True)] if x is not None]
    return [x for x in found if x.status != "does not apply"]


def _facts_met(ev: Evaluation) -> set[tuple[str, str]]:
    """The distinct stated facts that meet an item's checks: a heading repeats its sub-items' material clause,
    and one glass bottle meeting it five times is still one fact."""
    return {(c.parameter, c.stated or str(c.asked)) for c in ev.checks if c.verdict == "met"}


def _met_specifications(matches: Sequence[EntryMatch], facts: Facts, snapshot: Snapshot) -> list[_Judged]:
    """For goods whose name fits no relevant entry: the entries one of whose items the stated figures
    and materials meet whole, with at least `MIN_MET_SPECIFICATIONS` facts met. Only then: beside an entry
    that judged the goods, a blind match of figures is weaker evidence than that entry's ruling."""
    said = set(words(facts.text))
    found = []
    for m in matches:
        if is_catch_all(m.entry):
            continue
        for source in dict.fromkeys(h.passage.source for h in m.hits):
            # The items the goods' words hit first, then the entry's others: a "cooking kettle" may hit 2B350's
            # storage tanks while its volume and lining meet the reactors' item.
            codes = [h.passage.entry.upper() for h in m.hits[:CONSIDERED] if h.passage.source == source]
            own = [c for c in snapshot.entry(m.entry)[1] if c.source == source]
            items = sorted(own, key=lambda c: c.code.upper() not in codes)
            evaluations = [
                evaluate(item, facts, judge_subject=False) for item in items if military_fits(item.subject, said)
            ]
            met = [ev for ev in evaluations if ev.status == "applies" and len(_facts_met(ev)) >= MIN_MET_SPECIFICATIONS]
            if met:
                ev = replace(
                    met[0],
                    status="undetermined",
                    reason=Phrase("reason_specifications_met", item=met[0].code),
                )
                found.append(_Judged(m, _hit_of(ev, m, snapshot, source), ev))
                break
    return found


def _name_leads(
    matches: Sequence[EntryMatch], judged: Sequence[_Judged], facts: Facts, snapshot: Snapshot
) -> list[_Judged]:
    """Entries not judged whose control-list passages write, in capitals, an acronym of the question that is no
    English word, unit or material and that the acronyms table does not know ("HTPB" in 1C111): the goods'
    other words did not fit them, but clearing goods under a name the list uses would be a guess. Invoices
    written in capitals ("SALAD SPINNER, KITCHEN CENTRIFUGE") name no acronym: those are English words."""
    if _bare(facts):
        return []
    materials = {w for m in find_materials(facts.text) for w in words(facts.text[m.start : m.end])}
    table = acronyms_table()
    names = {
        w
        for w in _ACRONYM.findall(facts.text)
        if not table.known(w)
        and not is_english(w)
        and not is_goods_noun(w.lower())
        and not parse_quantities(f"1 {w}")
        and w.lower() not in materials
    }
    seen = {x.match.entry for x in judged}
    leads = []
    for m in [] if not names else matches:
        hits = [h for h in m.hits if h.passage.kind == "control-list" and m.entry not in seen]
        hit = next((h for h in hits if names & set(re.findall(r"[A-Za-z]+", h.passage.text))), None)
        if hit is not None:
            leads.append(_Judged(m, hit, None))
    return leads


def decide(retrieved: Retrieved, facts: Facts, view: View, k: int) -> Decided:
    """Up to `k` entries that apply or may apply, best first, the ones ruled out, and the decision: the
    first of `RULES` that decides."""
    j = judge(retrieved, facts, view.snapshot, k)
    rule, decision = next((rule, d) for rule in RULES if (d := rule(j)) is not None)
    return replace(_decided(j, decision, retrieved, k), decided_by=rule.__name__)


def _decided(j: Judged, decision: Decision, retrieved: Retrieved, k: int) -> Decided:
    """The entries, citations and rulings the answer shows for a decision."""
    shown = (j.specific or j.standing or j.misdeclared or j.leads)[:k] if decision != "no-match" else []
    shown += [x for x in j.ruled if decision == "not-controlled-as-described"][: max(0, k - len(shown))]
    citations: list[Citation] = []
    candidates: list[Candidate] = []
    for x in shown:
        citations.append(Citation(len(citations) + 1, x.hit.passage, x.hit.score))
        candidates.append(_candidate(x, j.snapshot, [len(citations)]))
    rulings = [
        Ruling(
            x.match.entry,
            x.hit.passage.list_label,
            x.evaluation.reason if x.evaluation else "",
            x.evaluation.deciding.text if x.evaluation and x.evaluation.deciding else "",
            tuple(x.evaluation.checks) if x.evaluation else (),
        )
        for x in j.ruled
    ]
    clearing = decision in ("not-controlled-as-described", "no-match")
    where = falls_to(j.snapshot, j.judged, j.facts) if clearing else {}
    guidance = [
        Citation(len(citations) + i + 1, h.passage, h.score) for i, h in enumerate(retrieved.guidance[:MAX_GUIDANCE])
    ]
    return Decided(decision, candidates, citations, guidance, rulings, where if j.facts.subject or j.ruled else {})
