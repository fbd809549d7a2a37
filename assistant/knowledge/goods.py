"""The goods vocabulary (corpus/goods.yaml): the words that say what kind of thing goods are, loaded and checked.

The code that reads a description keeps the rules (which word is the head noun, when two kinds differ); the
words (goods nouns, compounds, synonyms, qualifiers that are no kind, consumer-product cues) are data editors
extend. Every row is checked on load and an error names the file, the section and the row.

What can be checked without an index: the shape of each row, one source per row, no word twice in a section,
a synonym's kind and a foreign word's meaning being words of this table or of a compound, and (`foreign_goods`,
with the glossary) a foreign form the glossary does not already translate. That every synonym's kind is a word some real list's subjects use needs
the lists: tests/test_goods.py checks it on the US CCL.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from assistant.core.errors import IngestError

GOODS_PATH = Path(__file__).resolve().parents[2] / "corpus" / "goods.yaml"

_WORD_SETS = (
    "nouns",
    "compounds",
    "generic",
    "wholes",
    "pieces",
    "part_nouns",
    "forms",
    "packaging",
    "material_nouns",
    "not_kinds",
    "not_nouns",
    "military",
)
"""Sections whose rows are only words (and a source; `nouns` and `consumer` rows also name their class)."""
_MAPPED = {"spellings": "as", "synonyms": "kind", "implied_kinds": "kind", "foreign": "means"}
"""Sections whose rows map their words to one term, and the key that holds it."""
SECTIONS = frozenset({*_WORD_SETS, *_MAPPED, "consumer"})
_LANGUAGES = frozenset({"fr"})
"""Languages whose goods nouns the description reader uses (French noun phrases; others go through the glossary)."""
_WORD = re.compile(r"[^\W\d_][\w'’ -]*")


@dataclass(frozen=True)
class Vocabulary:
    """The loaded table: one word set per plain section, and the mappings."""

    words: dict[str, frozenset[str]]
    spellings: dict[str, str]
    synonyms: dict[str, str]
    implied_kinds: dict[str, str]
    implied_for: dict[str, frozenset[str]]
    """implied-kind cue -> the goods nouns it says the kind of (empty: any noun)"""
    foreign: dict[str, tuple[str, str, str]]
    """foreign form -> (language, English goods noun or compound, the row it comes from)"""
    consumer: dict[str, frozenset[str]]
    """consumer-product class -> its cue words"""

    def __getitem__(self, section: str) -> frozenset[str]:
        return self.words[section]


def _fail(path: Path, where: str, reason: str) -> IngestError:
    return IngestError(path, f"{where}: {reason}")


def _row(path: Path, section: str, index: int, row: Any) -> tuple[str, list[str]]:
    """A validated row's words; errors name the file, the section and the row."""
    where = f"{section} row {index}"
    if not isinstance(row, dict):
        raise _fail(path, where, "each row must be a mapping with words and source")
    words = row.get("words")
    if not isinstance(words, list) or not words:
        raise _fail(path, where, "words must be a non-empty list")
    for word in words:
        if not isinstance(word, str) or not _WORD.fullmatch(word) or word != word.lower() or word != word.strip():
            raise _fail(path, where, f"word {word!r} must be lower-case letters (spaces, hyphens, apostrophes)")
    source = row.get("source")
    if isinstance(source, list):
        raise _fail(path, where, "one source per row: split the row, or say it in one string")
    if not isinstance(source, str) or not source.strip():
        raise _fail(path, where, "source must say where the words come from or why they belong here")
    allowed = {"words", "source", "class", *([_MAPPED[section]] if section in _MAPPED else [])}
    if section == "foreign":
        allowed.add("language")
    if section == "implied_kinds":
        allowed.add("nouns")
    unknown = set(row) - allowed
    if unknown:
        raise _fail(path, where, f"unknown keys {sorted(unknown)}; a {section} row has {sorted(allowed)}")
    if section in ("nouns", "consumer") and not (isinstance(row.get("class"), str) and row["class"].strip()):
        raise _fail(path, where, "class must say which goods the row serves")
    return where, words


def load_goods(path: Path = GOODS_PATH) -> Vocabulary:
    """Read and validate the table (the glossary's forms are checked by `foreign_goods`, which has both)."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as err:
        raise IngestError(path, f"cannot read the goods vocabulary: {err}") from err
    if not isinstance(data, dict):
        raise IngestError(path, "the goods vocabulary must be a mapping of sections")
    unknown = set(data) - SECTIONS
    if unknown:
        raise IngestError(path, f"unknown sections {sorted(unknown)}; sections are {sorted(SECTIONS)}")
    words: dict[str, set[str]] = {s: set() for s in _WORD_SETS}
    mapped: dict[str, dict[str, Any]] = {s: {} for s in _MAPPED}
    consumer: dict[str, frozenset[str]] = {}
    implied_for: dict[str, frozenset[str]] = {}
    seen: dict[str, dict[str, str]] = {}
    later: list[tuple[str, str, str, str]] = []  # (section, where, key, term) checked once every word is read
    for section in sorted(SECTIONS):
        rows = data.get(section) or []
        if not isinstance(rows, list):
            raise IngestError(path, f"section {section} must be a list of rows")
        first = seen.setdefault(section, {})
        for index, row in enumerate(rows, start=1):
            where, row_words = _row(path, section, index, row)
            for word in row_words:
                if word in first:
                    raise _fail(path, where, f"{word!r} is already in {first[word]}")
                first[word] = where
            if section in _WORD_SETS:
                words[section] |= set(row_words)
            elif section == "consumer":
                consumer[row["class"].strip()] = frozenset(row_words)
            else:
                key = _MAPPED[section]
                target = row.get(key)
                if not isinstance(target, str) or not _WORD.fullmatch(target) or target != target.lower():
                    raise _fail(path, where, f"{key} must be one lower-case word or phrase")
                if section == "foreign":
                    language = row.get("language")
                    if language not in _LANGUAGES:
                        raise _fail(path, where, f"language {language!r} is not one of {sorted(_LANGUAGES)}")
                    mapped[section].update(dict.fromkeys(row_words, (language, target, where)))
                else:
                    mapped[section].update(dict.fromkeys(row_words, target))
                if section == "implied_kinds":
                    nouns = row.get("nouns", [])
                    if not isinstance(nouns, list) or not all(isinstance(n, str) for n in nouns):
                        raise _fail(path, where, "nouns must be a list of goods nouns of this table")
                    implied_for.update(dict.fromkeys(row_words, frozenset(nouns)))
                    later += [("implied_kinds", where, "noun", n) for n in nouns]
                later.append((section, where, key, target))
    known = words["nouns"] | words["compounds"] | {w for c in words["compounds"] for w in c.split()}
    for section, where, key, target in later:
        if (section in ("synonyms", "foreign") or key == "noun") and target not in known:
            raise _fail(path, where, f"{key} {target!r} is no goods noun or compound of this table")
        if section == "synonyms" and target in mapped["synonyms"] and mapped["synonyms"][target] != target:
            raise _fail(path, where, f"kind {target!r} is itself a synonym of {mapped['synonyms'][target]!r}")
    return Vocabulary(
        {s: frozenset(w) for s, w in words.items()},
        mapped["spellings"],
        mapped["synonyms"],
        mapped["implied_kinds"],
        implied_for,
        mapped["foreign"],
        consumer,
    )


def foreign_goods(vocabulary: Vocabulary, glossary: dict[str, str], path: Path = GOODS_PATH) -> dict[str, str]:
    """Foreign goods nouns -> English: the glossary's forms of goods this table knows, and the table's own
    foreign rows, which may not repeat a glossary form (one home for each translation).

    >>> vocabulary = load_goods()
    >>> foreign_goods(vocabulary, {"pompe": "pump"})["pompe"], foreign_goods(vocabulary, {})["chaudière"]
    ('pump', 'boiler')
    """
    for word, (_, _, where) in vocabulary.foreign.items():
        if word in glossary:
            raise _fail(path, where, f"{word!r} is translated by corpus/glossary.yaml already (as {glossary[word]!r})")
    return {**glossary, **{word: means for word, (_, means, _) in vocabulary.foreign.items()}}


@functools.cache
def goods_vocabulary() -> Vocabulary:
    """The table in the starter corpus, loaded once per process."""
    return load_goods()
