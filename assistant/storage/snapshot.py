"""One immutable generation of the index: every live passage plus its bm25s keyword index.

A writer builds a new snapshot directory next to the old one and the registry switches to it in one
transaction, so readers never see a half-written keyword index or a passage table that mixes versions.

Invariants: a snapshot directory is never changed once renamed into place; it is fsynced before the
registry names it; its `manifest.json` holds the SHA-256 of every other file and the registry rows of
its sources, and the registry records the manifest's own SHA-256. A reader or writer loading the live
snapshot checks all of them and refuses a damaged one (`IndexDamaged`), so no answer and no new
snapshot is ever built from a cut or changed file; the manifest's rows let `stce index repair` rebuild
a lost registry.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
import re
import shutil
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict
from functools import cached_property
from pathlib import Path
from typing import Any

import bm25s
import numpy as np
import Stemmer
from bm25s.stopwords import STOPWORDS_EN, STOPWORDS_FRENCH

from assistant.core.codes import CAS_NUMBER, lineage, top_level
from assistant.core.errors import IndexDamaged
from assistant.core.types import (
    Hit,
    ItemCriteria,
    ItemLink,
    Leaf,
    Node,
    Passage,
    Quantity,
    SourceDocument,
    leaves,
)
from assistant.knowledge.chemistry import ListedNames, listed_names
from assistant.knowledge.subjects import noun_terms, qualified_nouns
from assistant.text.language import detect

log = logging.getLogger(__name__)
logging.getLogger("bm25s").setLevel(logging.WARNING)

# CAS numbers stay whole ("111-48-8"); otherwise words of two or more characters.
_TOKEN_PATTERN = re.compile(rf"(?u)\b{CAS_NUMBER}\b|\b\w\w+\b")
_PASSAGES = "passages.jsonl"
_CRITERIA = "criteria.jsonl"
_LINKS = "links.jsonl"
_MANIFEST = "manifest.json"
# Keyword languages: each passage is stemmed in its own (the NSG list is official in French too), and a
# question in each language it may share words with: a French question also in English, whose words the
# glossary put in English.
_STEMMED = {"en": ("english", frozenset(STOPWORDS_EN)), "fr": ("french", frozenset(STOPWORDS_FRENCH))}


_LANGUAGE_SAMPLE = 300


@functools.cache
def _stemmer(language: str) -> Stemmer.Stemmer:
    return Stemmer.Stemmer(_STEMMED[language][0])


def tokens(text: str, language: str = "en") -> list[str]:
    """The keyword tokens of a text in one language: lower case, stop words out, stemmed.

    >>> tokens("Réacteurs chimiques", "fr"), tokens("chemical reactors")
    (['réacteur', 'chimiqu'], ['chemic', 'reactor'])
    """
    stemmer, stop = _stemmer(language), _STEMMED[language][1]
    return [stemmer.stemWord(w) for w in _TOKEN_PATTERN.findall(text.lower()) if w not in stop]


def keyword_language(passage: Passage) -> str:
    """The language a passage is stemmed in: its document's, as stored at ingest. Only when that is unknown
    (or one we do not stem) does the passage's opening decide: French when it reads as French, else English
    (a list is written in one language, and reading whole passages would slow ingest)."""
    if passage.language in _STEMMED:
        return passage.language
    return "fr" if detect(passage.text[:_LANGUAGE_SAMPLE]).language == "fr" else "en"


class Snapshot:
    """The live passages of one generation, looked up by id, by entry, or by keyword."""

    def __init__(self, directory: Path, passages: list[Passage], checksum: str = "") -> None:
        self.directory = directory
        self.passages = passages
        self.checksum = checksum
        self.by_id = {p.id: p for p in passages}

    @classmethod
    def load(cls, directory: Path, checksum: str | None = None) -> Snapshot:
        """Read a snapshot; with the registry's `checksum`, refuse it unless every file matches."""
        if checksum is not None and (problems := damage(directory, checksum)):
            raise IndexDamaged(*problems[0])
        lines = (directory / _PASSAGES).read_text(encoding="utf-8").splitlines()
        return cls(directory, [Passage(**json.loads(line)) for line in lines], checksum or "")

    @classmethod
    def empty(cls) -> Snapshot:
        return cls(Path(), [])

    @classmethod
    def write(
        cls,
        directory: Path,
        passages: Iterable[Passage],
        criteria: Iterable[ItemCriteria] = (),
        links: Iterable[ItemLink] = (),
        sources: Iterable[SourceDocument] = (),
    ) -> Snapshot:
        """Write the passage table, the criteria trees, the links, the keyword index and the manifest into a
        fresh directory, durably: its `checksum` is what the registry must record."""
        passages = list(passages)
        tmp = directory.with_name(directory.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        with (tmp / _PASSAGES).open("w", encoding="utf-8") as out:
            for p in passages:
                out.write(json.dumps(asdict(p), ensure_ascii=False) + "\n")
        with (tmp / _CRITERIA).open("w", encoding="utf-8") as out:
            for item in criteria:
                out.write(json.dumps(criteria_to_json(item), ensure_ascii=False) + "\n")
        with (tmp / _LINKS).open("w", encoding="utf-8") as out:
            for link in links:
                out.write(json.dumps(asdict(link), ensure_ascii=False) + "\n")
        if passages:
            retriever = bm25s.BM25()
            retriever.index([tokens(p.text, keyword_language(p)) or [""] for p in passages], show_progress=False)
            retriever.save(tmp / "bm25", show_progress=False)
        files = {str(f.relative_to(tmp)): file_checksum(f) for f in sorted(tmp.rglob("*")) if f.is_file()}
        manifest = {"files": files, "sources": [asdict(s) for s in sources]}
        (tmp / _MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
        for path in sorted(tmp.rglob("*"), reverse=True) + [tmp]:
            _fsync(path)
        tmp.rename(directory)
        _fsync(directory.parent)
        return cls(directory, passages, file_checksum(directory / _MANIFEST))

    @staticmethod
    def manifest_sources(directory: Path) -> list[SourceDocument]:
        """The registry rows a snapshot was written with: what a lost registry is rebuilt from."""
        data = json.loads((directory / _MANIFEST).read_text(encoding="utf-8"))
        return [SourceDocument(**row) for row in data["sources"]]

    @cached_property
    def all_criteria(self) -> list[ItemCriteria]:
        """Every item's criteria tree, read on first use; a snapshot written before trees existed has none."""
        path = self.directory / _CRITERIA
        if not self.passages or not path.is_file():
            return []
        return [criteria_from_json(json.loads(line)) for line in path.read_text(encoding="utf-8").splitlines()]

    @cached_property
    def all_links(self) -> list[ItemLink]:
        """Every link between items of different sources, as stored once at ingest; none in older snapshots."""
        path = self.directory / _LINKS
        if not self.passages or not path.is_file():
            return []
        return [ItemLink(**json.loads(line)) for line in path.read_text(encoding="utf-8").splitlines()]

    @cached_property
    def _links_by_code(self) -> dict[str, list[ItemLink]]:
        index: dict[str, list[ItemLink]] = defaultdict(list)
        for link in self.all_links:
            index[link.code.upper()].append(link)
            index[link.other_code.upper()].append(link.reversed())
        return index

    def links(self, code: str, source: str | None = None) -> list[ItemLink]:
        """Links from an item (of one source, or of any), surest first."""
        found = [link for link in self._links_by_code.get(code.upper(), []) if source in (None, link.source)]
        return sorted(found, key=lambda link: -link.confidence)

    @cached_property
    def _criteria_by_code(self) -> dict[str, list[ItemCriteria]]:
        index: dict[str, list[ItemCriteria]] = defaultdict(list)
        for item in self.all_criteria:
            index[item.code.upper()].append(item)
        return index

    def criteria(self, code: str) -> list[ItemCriteria]:
        """The criteria of one entry or sub-item code in every list that has it (`2b350.a` = `2B350.a`)."""
        return self._criteria_by_code.get(code.upper(), [])

    def entry(self, code: str, list_label: str | None = None) -> tuple[list[Passage], list[ItemCriteria]]:
        """The passages of an entry or sub-item and the criteria of it and its sub-items, in one list or all."""
        code = code.upper()
        passages = [p for p in self.by_entry.get(code, []) if list_label in (None, p.list_label)]
        criteria = [
            c
            for c in self._criteria_by_entry.get(top_level(code), [])
            if code in lineage(c.code.upper()) and list_label in (None, c.list_label)
        ]
        return passages, criteria

    @cached_property
    def _criteria_by_entry(self) -> dict[str, list[ItemCriteria]]:
        index: dict[str, list[ItemCriteria]] = defaultdict(list)
        for item in self.all_criteria:
            index[top_level(item.code).upper()].append(item)
        return index

    @cached_property
    def _keyword(self) -> bm25s.BM25 | None:
        if not self.passages:
            return None
        return bm25s.BM25.load(self.directory / "bm25", show_progress=False)

    @cached_property
    def by_entry(self) -> dict[str, list[Passage]]:
        """Passages of every entry and every ancestor entry: `2B350` holds all of 2B350's sub-items."""
        index: dict[str, list[Passage]] = defaultdict(list)
        for p in self.passages:
            if not p.entry:
                continue
            for code in lineage(p.entry):
                index[code.upper()].append(p)
        return index

    @cached_property
    def kinds(self) -> frozenset[str]:
        """Every noun an item's subject names goods by ("fermenter", "pump"): words the lists use for kinds of
        goods, which our subject rules judge, unlike a trade name only the curriculum resolves."""
        return frozenset(t for item in self.all_criteria for t in (*item.subject_terms, *noun_terms(item.subject)))

    @cached_property
    def qualified(self) -> frozenset[tuple[str, str]]:
        """Every (qualifier, noun) pair by which the lists' text tells kinds of goods apart ("induction
        furnaces"), see `assistant.knowledge.subjects.qualified_nouns`."""
        lines = {line for p in self.passages if p.kind == "control-list" for line in p.text.splitlines()}
        return frozenset(pair for line in lines for pair in qualified_nouns(line))

    @cached_property
    def listed_chemicals(self) -> ListedNames:
        """Every chemical the lists name by CAS number, with their names and the chemical library's synonyms of
        them: what a misspelt chemical name is matched against (see `assistant.knowledge.chemistry`)."""
        names: dict[str, list[str]] = defaultdict(list)
        for item in self.all_criteria:
            for leaf in leaves(item.tree):
                for cas in leaf.cas if leaf.kind == "chemical" else ():
                    names[cas] += [n for n in leaf.names if n not in names[cas]]
        return listed_names(names)

    @cached_property
    def vocabulary(self) -> frozenset[str]:
        """Every word of three or more letters in the passages, lower case: what the index can understand."""
        return frozenset(w for p in self.passages for w in re.findall(r"[^\W\d_]{3,}", p.text.lower()))

    @cached_property
    def words(self) -> dict[str, list[str]]:
        """Every word of five or more letters in the passages, by first letter, for spelling repair."""
        index: dict[str, set[str]] = defaultdict(set)
        for p in self.passages:
            for word in re.findall(r"[a-z]{5,}", p.text.lower()):
                index[word[0]].add(word)
        return {letter: sorted(words) for letter, words in index.items()}

    @cached_property
    def _is_list(self) -> np.ndarray:
        return np.array([p.kind == "control-list" for p in self.passages], dtype=bool)

    @cached_property
    def _sources(self) -> np.ndarray:
        return np.array([p.source for p in self.passages], dtype=object)

    def among(self, lists: bool, leave_out: Iterable[str] = ()) -> np.ndarray:
        """A keyword mask: the control lists' passages (`lists`) or the guidance documents', but for the
        sources `leave_out` names."""
        mask = self._is_list if lists else ~self._is_list
        left = list(leave_out)
        return mask & ~np.isin(self._sources, left) if left else mask

    def keyword(self, query: str, k: int, language: str = "en", mask: np.ndarray | None = None) -> list[Hit]:
        """bm25 hits with a positive score, best first; the query stemmed in English and, for a question
        in French, in French too, so it finds passages in either. `mask` (see `among`) keeps some passages."""
        retriever = self._keyword
        if retriever is None:
            return []
        languages = ("en", language) if language in _STEMMED and language != "en" else ("en",)
        query_tokens = [
            t for t in dict.fromkeys(t for lang in languages for t in tokens(query, lang)) if t in retriever.vocab_dict
        ]
        if not query_tokens:
            return []
        k = min(k, len(self.passages) if mask is None else int(mask.sum()))
        if k == 0:
            return []
        weights = None if mask is None else mask.astype(np.float32)
        docs, scores = retriever.retrieve([query_tokens], k=k, show_progress=False, weight_mask=weights)
        return [
            Hit(self.passages[int(d)], float(s), "keyword") for d, s in zip(docs[0], scores[0], strict=True) if s > 0
        ]


def file_checksum(path: Path) -> str:
    """SHA-256 of a file, read in blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def damage(directory: Path, checksum: str | None, every: bool = False) -> list[tuple[Path, str]]:
    """What is wrong with a snapshot directory: files missing or differing from the manifest, and the
    manifest differing from the registry's `checksum` (None: check the files against the manifest only).

    A manifest that differs stops the check unless `every` (what `stce index check` reports): a reader
    needs one reason to refuse, an editor every fault to repair.
    """
    manifest = directory / _MANIFEST
    if not directory.is_dir():
        return [(directory, "the live snapshot folder is missing")]
    if not manifest.is_file():
        return [(manifest, "missing (the snapshot cannot be verified)")]
    problems = []
    if checksum is not None and file_checksum(manifest) != checksum:
        problems.append((manifest, "differs from the checksum the registry recorded"))
        if not every:
            return problems
    try:
        files = json.loads(manifest.read_text(encoding="utf-8"))["files"]
    except (ValueError, KeyError, TypeError):
        return [*problems, (manifest, "cannot be read as a manifest")]
    for name, expected in files.items():
        path = directory / name
        if not path.is_file():
            problems.append((path, "missing"))
        elif file_checksum(path) != expected:
            problems.append((path, "differs from the checksum recorded when it was written (changed or cut)"))
    return problems


def criteria_to_json(item: ItemCriteria) -> dict[str, Any]:
    """One item's criteria as plain JSON (the snapshot file, `stce entry --json`)."""
    data = asdict(item)
    data["tree"] = _tree_to_json(item.tree)
    data["exclusions"] = [_tree_to_json(leaf) for leaf in item.exclusions]
    return data


def _tree_to_json(tree: Node | Leaf | None) -> dict[str, Any] | None:
    if tree is None:
        return None
    if isinstance(tree, Node):
        return {
            "op": tree.op,
            "subject_terms": list(tree.subject_terms),
            "children": [_tree_to_json(child) for child in tree.children],
        }
    data = {k: v for k, v in asdict(tree).items() if v not in ("", (), [], None)}
    if "bound" in data:
        # A list's figure is a value, never a stated bound: its empty `bound` is left out, so a snapshot reads
        # the same as before the field existed.
        data["bound"] = {k: v for k, v in data["bound"].items() if v is not None}
    return {"leaf": data.pop("kind"), **data}


def criteria_from_json(data: dict[str, Any]) -> ItemCriteria:
    """The inverse of `criteria_to_json`."""
    tree = _tree_from_json(data["tree"])
    return ItemCriteria(
        code=data["code"],
        source=data["source"],
        list_label=data["list_label"],
        version_id=data["version_id"],
        subject=data["subject"],
        subject_terms=tuple(data["subject_terms"]),
        tree=tree if isinstance(tree, Node) else None,
        exclusions=tuple(leaf for x in data.get("exclusions", []) if isinstance(leaf := _tree_from_json(x), Leaf)),
    )


def _tree_from_json(data: dict[str, Any] | None) -> Node | Leaf | None:
    if data is None:
        return None
    if "op" in data and "children" in data:
        children = tuple(c for c in (_tree_from_json(x) for x in data["children"]) if c is not None)
        return Node(data["op"], children, tuple(data.get("subject_terms", ())))
    fields = dict(data)
    kind = fields.pop("leaf")
    if fields.get("bound"):
        fields["bound"] = Quantity(**fields["bound"])
    for name in ("materials", "names", "cas", "refers", "scope", "contrary"):
        if name in fields:
            fields[name] = tuple(fields[name])
    return Leaf(kind=kind, **fields)
