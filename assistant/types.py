"""Domain types, defined once: a source document, a passage, a citation, a check, an answer."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Kind = Literal["control-list", "curriculum"]
Verdict = Literal["met", "not met", "not stated"]


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

    def to_json(self) -> dict[str, Any]:
        p = self.passage
        return {"n": self.n, "entry": p.entry, "list": p.list_label, "source": p.source, "version": p.version,
                "page": p.page, "text": p.text, "score": round(self.score, 4)}


@dataclass(frozen=True)
class Check:
    """A parameter from the question compared with a threshold in an entry's text."""

    entry: str
    parameter: str
    asked: str | None
    threshold: str
    verdict: Verdict

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Candidate:
    """A control entry that may apply, with the verbatim text that matched and its notes."""

    entry: str
    item: str
    title: str
    list_label: str
    version: str
    quote: str
    notes: list[str]
    citations: list[int]
    checks: list[Check]
    verdict: str
    related: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Answer:
    """What the assistant returns for one question."""

    question: str
    markdown: str
    candidates: list[Candidate]
    citations: list[Citation]
    guidance: list[Citation]
    took_ms: float
    mode: str = "extractive"

    @property
    def entries(self) -> list[str]:
        return [c.entry for c in self.candidates]

    def to_json(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "answer": self.markdown,
            "mode": self.mode,
            "entries": self.entries,
            "citations": [c.to_json() for c in self.citations + self.guidance],
            "checks": [ch.to_json() for c in self.candidates for ch in c.checks],
            "took_ms": round(self.took_ms, 1),
        }
