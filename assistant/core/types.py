"""Domain types, defined once: a source document, a passage, a citation, a check, an answer."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Kind = Literal["control-list", "curriculum", "other"]
"""A source is a control list (entries), curriculum (our modules) or other (guidance only: never a list)."""
Verdict = Literal["met", "not met", "not stated"]
Op = Literal[">", ">=", "<", "<="]


@dataclass(frozen=True)
class Quantity:
    """A number with a unit as written in a text; `unit` is a pint unit name ("meter**3/hour").

    `property` is what the number measures when the text names it or it was derived ("tensile strength",
    "specific modulus"); "" when only the unit says what it is. Two MPa values or a length and a
    specific modulus (both in metres) are told apart by it.
    """

    value: float
    unit: str
    text: str
    property: str = ""
    bound: Op | None = None
    """Set when the text states a bound, not a value ("rise time < 100 ps", "purity ≥ 99 %"): the goods' value
    lies on that side of `value`, so a comparison holds only where every such value holds."""

    def to_pint(self) -> Any:
        """The same quantity in pint, for conversion and comparison."""
        from assistant.core.units import unit_registry

        return unit_registry().Quantity(self.value, self.unit)


@dataclass(frozen=True)
class SourceDocument:
    """One ingested version of a document, as the registry records it."""

    name: str
    list_label: str
    kind: Kind
    version_label: str
    content_hash: str
    passages: int
    entries: int
    ingested_at: str
    version_id: str = ""
    path: str = ""
    language: str = ""
    """The text's language ("en", "fr"), from the document's own mark or its words; "" when unknown."""
    work: str = ""
    """The document this is a version of, as it names itself (`SOR/2000-210` for both language versions)."""

    @property
    def version(self) -> str:
        """What a citation shows: the editor's label plus a short content hash."""
        return f"{self.version_label} ({self.content_hash[:12]})" if self.version_label else self.content_hash[:12]


@dataclass(frozen=True)
class Passage:
    """A retrievable unit of text: one control-list entry or sub-item, or one curriculum section."""

    id: str
    text: str
    source: str
    list_label: str
    version: str
    version_id: str
    kind: Kind
    entry: str = ""
    parent: str = ""
    title: str = ""
    category: str = ""
    page: int | None = None
    language: str = ""
    repeats: int = 1
    """How often this text stands in its source: identical or near-identical passages are stored once, so a
    document repeating one line thousands of times cannot fill every place among the candidates."""
    flagged: str = ""
    """Why the content checks flagged this text (it gives the assistant orders); answers show it with the warning."""

    def metadata(self) -> dict[str, Any]:
        """Flat metadata for the vector store (Chroma accepts no None values)."""
        data = asdict(self)
        del data["id"], data["text"]
        data["page"] = self.page or 0
        return data

    @classmethod
    def from_metadata(cls, id: str, text: str, meta: dict[str, Any]) -> Passage:
        fields = {k: meta[k] for k in cls.__dataclass_fields__ if k in meta and k not in ("id", "text")}
        fields["page"] = meta.get("page") or None
        return cls(id=id, text=text, **fields)


@dataclass(frozen=True)
class Hit:
    """A passage found by a retriever, with its score (higher is better) and the route that found it."""

    passage: Passage
    score: float
    route: str


@dataclass(frozen=True)
class Citation:
    """A numbered passage an answer cites as `[n]`."""

    n: int
    passage: Passage
    score: float


@dataclass(frozen=True)
class Check:
    """A fact from the question compared with one threshold in an entry's text.

    `threshold` is the official phrase; `bound` and `op` are what it states, `asked` the goods' value (None
    when the question does not state it); `subject` is what the threshold is about ("" = the item itself).
    """

    entry: str
    parameter: str
    threshold: str
    verdict: Verdict
    asked: Quantity | None = None
    bound: Quantity | None = None
    op: Op | None = None
    subject: str = ""
    stated: str = ""
    """What the question named for a condition that is not a quantity (a material, a chemical)."""


@dataclass(frozen=True)
class Material:
    """A material of construction as the materials table (corpus/materials.yaml) describes it.

    `composition` is nominal mass % by element symbol ("Ni": 57.0); `properties` holds nominal published
    values by name ("fluorine_pct", "tensile_strength_mpa", "density_g_cm3", "modulus_gpa").
    """

    name: str
    family: str
    composition: dict[str, float] = field(default_factory=dict)
    properties: dict[str, float] = field(default_factory=dict)
    source: str = ""


@dataclass(frozen=True)
class Identity:
    """What a chemical or agent named in a question is, and how that was found.

    `written` is the name as the question gave it ("phosphorous tri-chloride", "PCl3", "MDEA"); `name` the
    reference's name ("phosphorus trichloride"); `cas` its CAS number, "" when the identity is not known with
    certainty; `how` the way it was found ("name", "formula", "spelling", "acronym", "CAS", "agent"; "" when
    not found); `choices` the meanings of an ambiguous acronym ("N-methyldiethanolamine (105-59-9)", ...),
    which the officer must choose between.
    """

    written: str
    name: str = ""
    cas: str = ""
    how: str = ""
    choices: tuple[str, ...] = ()

    @property
    def certain(self) -> bool:
        """Known by a CAS number from a reference, so a listed chemical's CAS can rule it in or out."""
        return bool(self.cas)


@dataclass(frozen=True)
class Facts:
    """What a question states about the goods, read once and used by every candidate's evaluation.

    `subject` is the goods' head noun in English, singular and lower case ("reactor", "pump", "t-shirt"),
    "" when the question names no goods (a bare code or CAS number); `quantities` are capabilities (a range
    gives its upper end); `kind` the words before the noun in the goods' own phrase, which say what kind of it
    they are ("diffusion" in "diffusion pump, 160 mm inlet"); `wetted` the materials said to touch the process
    (a lining, or a wetted part's material: "316 stainless ball"); `notes` are problems with the input the answer
    must mention (contradictions, impossible values, units that fit no property); `identities` what each named
    chemical is by a reference (see `Identity`), one per name in `chemicals` or acronym read.
    """

    text: str
    subject: str = ""
    modifiers: tuple[str, ...] = ()
    kind: tuple[str, ...] = ()
    quantities: tuple[Quantity, ...] = ()
    materials: tuple[Material, ...] = ()
    wetted: tuple[Material, ...] = ()
    cas: tuple[str, ...] = ()
    chemicals: tuple[str, ...] = ()
    concentration_pct: float | None = None
    counts: dict[str, int] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    identities: tuple[Identity, ...] = ()
    agents: tuple[Identity, ...] = ()
    """Biological agents and toxins named, each with the name the lists use (see corpus/agents.yaml)."""
    titles: tuple[str, ...] = ()
    """Agents' names used as a title or brand of other goods ("Anthrax" on a record album): not the agent."""

    @property
    def known_cas(self) -> tuple[str, ...]:
        """The CAS numbers the question wrote and those its chemicals' names resolved to."""
        return tuple(dict.fromkeys([*self.cas, *(i.cas for i in self.identities if i.cas)]))

    @property
    def unresolved(self) -> tuple[Identity, ...]:
        """Named chemicals whose identity is not certain (an unknown name, an ambiguous acronym)."""
        return tuple(i for i in self.identities if not i.certain)


LeafKind = Literal["threshold", "material", "chemical", "exclusion", "count", "feature"]


@dataclass(frozen=True)
class Leaf:
    """One checkable condition of an item, in the list's own words (`text`).

    threshold: `property` `op` `bound` (about `subject`, under `condition` such as "at 473 K");
    material: `materials` lists the accepted material families or names (wetted-surface clauses);
    chemical: `names` and `cas` of a listed chemical; exclusion: a Note or decontrol that defeats the item
    when it holds, with the codes it points to in `refers` (with a bound, `subject` names the goods it frees:
    "zirconium in the form of foil"); count: `property` ("axes") `op` `bound`; feature: a property the goods
    must have, stated in words ("multiphase output", "an autonomous flight control and navigation capability"):
    `names` are words a description shows it with, `contrary` words that state the goods lack it
    ("single-phase"), so it is met, not met, or a question to ask ("Does it have multiphase output?").
    """

    kind: LeafKind
    text: str
    property: str = ""
    subject: str = ""
    op: Op | None = None
    bound: Quantity | None = None
    condition: str = ""
    materials: tuple[str, ...] = ()
    names: tuple[str, ...] = ()
    cas: tuple[str, ...] = ()
    refers: tuple[str, ...] = ()
    scope: tuple[str, ...] = ()
    """The items an entry-wide Note covers ("1C350.1, .3, .5" -> 1C350.1, 1C350.3, 1C350.5); () = all."""
    contrary: tuple[str, ...] = ()


@dataclass(frozen=True)
class Node:
    """`all` or `any` of its children, from the list's grammar ("having all of the following", "or")."""

    op: Literal["all", "any"]
    children: tuple[Node | Leaf, ...]
    subject_terms: tuple[str, ...] = ()
    """A branch for another kind of goods ("vacuum pumps" beside "reaction vessels"): its nouns; () = the item's."""


def leaves(tree: Node | Leaf | None) -> list[Leaf]:
    """Every leaf of a tree, in order."""
    if tree is None:
        return []
    if isinstance(tree, Leaf):
        return [tree]
    return [leaf for child in tree.children for leaf in leaves(child)]


@dataclass(frozen=True)
class ItemCriteria:
    """The criteria tree of one entry or sub-item of one source version, stored with the snapshot.

    `subject` is what kind of thing the item is, in its own words ("reaction vessels or reactors");
    `subject_terms` the nouns that name it, lower case and singular ("vessel", "reactor").
    """

    code: str
    source: str
    list_label: str
    version_id: str
    subject: str
    subject_terms: tuple[str, ...]
    tree: Node | None
    exclusions: tuple[Leaf, ...] = ()


LinkKind = Literal["parallel version", "same code", "same item"]


@dataclass(frozen=True)
class ItemLink:
    """Two items of different sources that control the same goods, found at ingest, with how sure and why.

    "parallel version": the same code in two language versions of one regulation; "same code": the same
    EU/US-numbered code in two lists; "same item": an NSG item and an EU/US item whose subject and deciding
    thresholds agree (`B.2.1.1` flow-forming machines and `2B209`), the lists never saying so themselves.
    """

    code: str
    source: str
    list_label: str
    other_code: str
    other_source: str
    other_list: str
    kind: LinkKind
    confidence: float
    reason: str

    def reversed(self) -> ItemLink:
        """The same link seen from the other item."""
        return ItemLink(
            self.other_code,
            self.other_source,
            self.other_list,
            self.code,
            self.source,
            self.list_label,
            self.kind,
            self.confidence,
            self.reason,
        )


Status = Literal["applies", "undetermined", "does not apply"]


@dataclass(frozen=True)
class Evaluation:
    """One item's criteria against the goods' facts: three-valued, with the leaf that decided it.

    `missing` are the leaves no fact speaks to (what to ask the officer); `subject_fits` is False when the
    goods are another kind of thing than the item, whatever the numbers say.
    """

    code: str
    status: Status
    subject_fits: bool
    deciding: Leaf | None = None
    reason: str = ""
    missing: tuple[Leaf, ...] = ()
    checks: tuple[Check, ...] = ()


Decision = Literal["likely-controlled", "needs-facts", "not-controlled-as-described", "no-match", "no-list"]
"""`no-list`: the lists searched hold no control list, so nothing could be found or cleared (never `no-match`)."""


@dataclass(frozen=True)
class SameItem:
    """Another list's item that controls the same goods as a candidate, with its own citation numbers.

    `version` is the editor's label of that list's version (or the source's name when it has none), never
    only a hash; `kind` and `confidence` say how the link was found (`ItemLink`).
    """

    list_label: str
    code: str
    version: str
    citations: list[int]
    kind: LinkKind
    confidence: float


@dataclass(frozen=True)
class Candidate:
    """A control entry that may apply, with the verbatim text that matched, its notes and its evaluation."""

    entry: str
    item: str
    title: str
    list_label: str
    version: str
    quote: str
    notes: list[str]
    citations: list[int]
    checks: list[Check]
    status: Status
    reason: str = ""
    missing: list[Leaf] = field(default_factory=list)
    related: list[str] = field(default_factory=list)
    same_item: list[SameItem] = field(default_factory=list)
    """The same goods in the other lists, the home list first (`assistant.decision.sameitem`)."""


@dataclass(frozen=True)
class Ruling:
    """An entry found for the goods and ruled out by the stated facts, with the leaf that ruled it out and
    the checks made on it (an officer asks why not, as much as why)."""

    entry: str
    list_label: str
    reason: str
    leaf: str
    checks: tuple[Check, ...] = ()


@dataclass(frozen=True)
class Answer:
    """What the assistant returns for one question.

    `query` is what was searched (the question, or a follow-up completed from the conversation) and
    `read_as` how the question was read; a follow-up passes `query` on as history. `language` is the
    language of the answer's fixed sentences, `question_language` the question's, and `translated` the
    question's words read through the glossary, as written and in English.
    """

    question: str
    markdown: str
    candidates: list[Candidate]
    citations: list[Citation]
    guidance: list[Citation]
    took_ms: float
    mode: str = "extractive"
    decision: Decision = "no-match"
    query: str = ""
    read_as: str = ""
    understood: bool = True
    language: str = "en"
    question_language: str = "en"
    translated: tuple[tuple[str, str], ...] = ()
    follow_up: bool = False
    """The question was read as a follow-up: `query` is the whole description it completes."""
    earlier: str = ""
    """For a follow-up, the description it completed (the earlier answer's `query`)."""
    ruled_out: list[Ruling] = field(default_factory=list)
    falls_to: dict[str, str] = field(default_factory=dict)
    facts: Facts | None = None
    decided_by: str = ""
    """The decision rule that decided (`assistant.decision.decide.RULES`), for trainers and the audit trail."""
    control_lists: tuple[str, ...] = ()
    """The control lists in the index, searched or not: a `no-list` answer names them when the selection left
    them out."""
    preparing: tuple[str, ...] = ()
    """Lists still being prepared (first start): the answer is over what is ready and says which are not."""

    @property
    def entries(self) -> list[str]:
        """Entries that apply or may apply, best first."""
        return [c.entry for c in self.candidates if c.status != "does not apply"]


@dataclass(frozen=True)
class ChangeReport:
    """Entries added, removed and changed between two versions of a source, with a diff of each change.

    Defined here rather than in the writer because the registry, which stores and reads it back, is in
    `assistant` and never imports `ingest`.
    """

    source: str
    from_version: str
    to_version: str
    at: str
    added: list[str]
    removed: list[str]
    changed: list[str]
    diffs: dict[str, str]


Phase = Literal["read", "split", "embed", "switch", "done"]
_PHASE_SHARE: dict[Phase, tuple[float, float]] = {
    "read": (0.0, 0.05),
    "split": (0.05, 0.1),
    "embed": (0.1, 0.9),
    "switch": (0.9, 1.0),
    "done": (1.0, 1.0),
}


@dataclass(frozen=True)
class Progress:
    """How far a writer is with one file: read, split into passages, embed `done` of `total`, switch live.

    A record rather than a bare fraction so that a page can say what is happening and what is slow
    (embedding), not only jump along a bar.
    """

    path: str
    phase: Phase
    done: int = 0
    total: int = 0

    @property
    def fraction(self) -> float:
        """The share of the file's work done; embedding, the slow phase, takes most of the bar."""
        start, end = _PHASE_SHARE[self.phase]
        return start + (end - start) * (self.done / self.total if self.total else 0.0)


@dataclass(frozen=True)
class FactAsk:
    """A fact the decision turns on, asked as a short labelled prompt ("Wetted material?").

    `options` are answers the criteria themselves suggest (a listed material, a common unlisted one); the
    officer's answer goes back as the follow-up `f"{prefix} {answer} {suffix}"` ("frequency control 0.1%",
    "5 axes"), which the follow-up reader completes with the goods already described.
    """

    entry: str
    label: str
    threshold: str
    prefix: str
    options: tuple[str, ...] = ()
    suffix: str = ""

    def follow_up(self, value: str) -> str:
        """The follow-up question text for an answer to this prompt."""
        return " ".join(part for part in (self.prefix, value.strip(), self.suffix) if part)
