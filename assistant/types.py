"""Domain types, defined once: a source document, a passage, a citation, a check, an answer."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Kind = Literal["control-list", "curriculum"]
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

    def to_pint(self) -> Any:
        """The same quantity in pint, for conversion and comparison."""
        from assistant.params import unit_registry

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
class Facts:
    """What a question states about the goods, read once and used by every candidate's evaluation.

    `subject` is the goods' head noun in English, singular and lower case ("reactor", "pump", "t-shirt"),
    "" when the question names no goods (a bare code or CAS number); `quantities` are capabilities (a range
    gives its upper end); `notes` are problems with the input the answer must mention (contradictions,
    impossible values, units that fit no property).
    """

    text: str
    subject: str = ""
    modifiers: tuple[str, ...] = ()
    quantities: tuple[Quantity, ...] = ()
    materials: tuple[Material, ...] = ()
    cas: tuple[str, ...] = ()
    chemicals: tuple[str, ...] = ()
    concentration_pct: float | None = None
    counts: dict[str, int] = field(default_factory=dict)
    notes: tuple[str, ...] = ()


LeafKind = Literal["threshold", "material", "chemical", "exclusion", "count"]


@dataclass(frozen=True)
class Leaf:
    """One checkable condition of an item, in the list's own words (`text`).

    threshold: `property` `op` `bound` (about `subject`, under `condition` such as "at 473 K");
    material: `materials` lists the accepted material families or names (wetted-surface clauses);
    chemical: `names` and `cas` of a listed chemical; exclusion: a Note or decontrol that defeats the item
    when it holds, with the codes it points to in `refers`; count: `property` ("axes") `op` `bound`.
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


@dataclass(frozen=True)
class Node:
    """`all` or `any` of its children, from the list's grammar ("having all of the following", "or")."""

    op: Literal["all", "any"]
    children: tuple[Node | Leaf, ...]
    subject_terms: tuple[str, ...] = ()
    """A branch for another kind of goods ("vacuum pumps" beside "reaction vessels"): its nouns; () = the item's."""


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


Decision = Literal["likely-controlled", "needs-facts", "not-controlled-as-described", "no-match"]


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


@dataclass(frozen=True)
class Ruling:
    """An entry found for the goods and ruled out by the stated facts, with the leaf that ruled it out."""

    entry: str
    list_label: str
    reason: str
    leaf: str


@dataclass(frozen=True)
class Answer:
    """What the assistant returns for one question.

    `query` is what was searched (the question, or a follow-up completed from the conversation) and
    `read_as` how the question was read; a follow-up passes `query` on as history.
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
    ruled_out: list[Ruling] = field(default_factory=list)
    falls_to: dict[str, str] = field(default_factory=dict)
    facts: Facts | None = None

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
