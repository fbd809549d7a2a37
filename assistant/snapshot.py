"""One immutable generation of the index: every live passage plus its bm25s keyword index.

A writer builds a new snapshot directory next to the old one and the registry switches to it in one
transaction, so readers never see a half-written keyword index or a passage table that mixes versions.
"""

from __future__ import annotations

import json
import logging
import re
import shutil
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict
from functools import cached_property
from pathlib import Path

import bm25s
import Stemmer
from bm25s.tokenization import Tokenizer

from assistant.types import Hit, Passage

log = logging.getLogger(__name__)
logging.getLogger("bm25s").setLevel(logging.WARNING)

# CAS numbers stay whole ("111-48-8"); otherwise words of two or more characters.
_TOKEN_PATTERN = r"(?u)\b\d{2,7}-\d{2}-\d\b|\b\w\w+\b"
_PASSAGES = "passages.jsonl"


def _tokenizer() -> Tokenizer:
    return Tokenizer(stemmer=Stemmer.Stemmer("english").stemWord, stopwords="en", splitter=_TOKEN_PATTERN)


class Snapshot:
    """The live passages of one generation, looked up by id, by entry, or by keyword."""

    def __init__(self, directory: Path, passages: list[Passage]) -> None:
        self.directory = directory
        self.passages = passages
        self.by_id = {p.id: p for p in passages}

    @classmethod
    def load(cls, directory: Path) -> Snapshot:
        lines = (directory / _PASSAGES).read_text(encoding="utf-8").splitlines()
        return cls(directory, [Passage(**json.loads(line)) for line in lines])

    @classmethod
    def empty(cls) -> Snapshot:
        return cls(Path(), [])

    @classmethod
    def write(cls, directory: Path, passages: Iterable[Passage]) -> Snapshot:
        """Write the passage table and its keyword index into a fresh directory."""
        passages = list(passages)
        tmp = directory.with_name(directory.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        with (tmp / _PASSAGES).open("w", encoding="utf-8") as out:
            for p in passages:
                out.write(json.dumps(asdict(p), ensure_ascii=False) + "\n")
        if passages:
            tokenizer = _tokenizer()
            tokens = tokenizer.tokenize([p.text for p in passages], return_as="tuple", show_progress=False)
            retriever = bm25s.BM25()
            retriever.index(tokens, show_progress=False)
            retriever.save(tmp / "bm25", show_progress=False)
            tokenizer.save_vocab(tmp / "bm25")
        tmp.rename(directory)
        return cls(directory, passages)

    @cached_property
    def _keyword(self) -> tuple[bm25s.BM25, Tokenizer] | None:
        if not self.passages:
            return None
        retriever = bm25s.BM25.load(self.directory / "bm25", show_progress=False)
        tokenizer = _tokenizer()
        tokenizer.load_vocab(self.directory / "bm25")
        return retriever, tokenizer

    @cached_property
    def by_entry(self) -> dict[str, list[Passage]]:
        """Passages of every entry and every ancestor entry: `2B350` holds all of 2B350's sub-items."""
        index: dict[str, list[Passage]] = defaultdict(list)
        for p in self.passages:
            if not p.entry:
                continue
            parts = p.entry.split(".")
            for depth in range(1, len(parts) + 1):
                index[".".join(parts[:depth]).upper()].append(p)
        return index

    @cached_property
    def words(self) -> dict[str, list[str]]:
        """Every word of five or more letters in the passages, by first letter, for spelling repair."""
        index: dict[str, set[str]] = defaultdict(set)
        for p in self.passages:
            for word in re.findall(r"[a-z]{5,}", p.text.lower()):
                index[word[0]].add(word)
        return {letter: sorted(words) for letter, words in index.items()}

    def keyword(self, query: str, k: int) -> list[Hit]:
        """bm25 hits with a positive score, best first."""
        if self._keyword is None:
            return []
        retriever, tokenizer = self._keyword
        tokens = tokenizer.tokenize([query], update_vocab=False, show_progress=False)
        k = min(k, len(self.passages))
        docs, scores = retriever.retrieve(tokens, k=k, show_progress=False)
        return [
            Hit(self.passages[int(d)], float(s), "keyword") for d, s in zip(docs[0], scores[0], strict=True) if s > 0
        ]
