"""The property words table (corpus/property_words.yaml): how invoices name a property -> the lists' words.

Datasheets say "flight time", "wind resistance", "OD", "ARW"; the lists say 'endurance', "wind gusts",
"outside diameter", "angle random walk". `list_words` rewrites the first into the second, so that the judge of
which list line a figure answers reads the goods' words as the list would. Editors extend the table.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from assistant.core.errors import IngestError

PROPERTY_WORDS_PATH = Path(__file__).resolve().parents[2] / "corpus" / "property_words.yaml"


@dataclass(frozen=True)
class PropertyWords:
    """The table: one pattern of every phrase, and the list's words of each row (by group name)."""

    pattern: re.Pattern[str]
    means: tuple[str, ...]


def _fail(path: Path, where: str, problem: str) -> IngestError:
    return IngestError(path, f"{where}: {problem}")


def _row(path: Path, index: int, row: Any) -> tuple[str, str]:
    """A row's pattern (with its case flag) and meaning, checked."""
    where = f"row {index}"
    if not isinstance(row, dict):
        raise _fail(path, where, "a row must be a mapping with phrase, means and source")
    unknown = set(row) - {"phrase", "means", "source", "case"}
    if unknown:
        raise _fail(path, where, f"unknown field(s): {', '.join(sorted(unknown))}")
    phrase, means, source = row.get("phrase"), row.get("means"), row.get("source")
    if not isinstance(phrase, str) or not phrase.strip():
        raise _fail(path, where, "phrase must be a non-empty text")
    where = f"row {index} ({phrase})"
    if not isinstance(means, str) or not means.strip():
        raise _fail(path, where, "means must name the list's words for the property")
    if not isinstance(source, str) or not source.strip():
        raise _fail(path, where, "source must say where the list uses those words")
    case = row.get("case", False)
    if not isinstance(case, bool):
        raise _fail(path, where, "case must be true or false")
    flagged = f"(?-i:{phrase})" if case else phrase
    try:
        re.compile(flagged, re.IGNORECASE)
    except re.error as err:
        raise _fail(path, where, f"phrase is not a valid pattern: {err}") from err
    return flagged, means.strip()


def load_property_words(path: Path = PROPERTY_WORDS_PATH) -> PropertyWords:
    """Read and validate the table; a phrase may be given once only."""
    try:
        rows = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as err:
        raise IngestError(path, f"cannot read the property words table: {err}") from err
    if not isinstance(rows, list) or not rows:
        raise IngestError(path, "the property words table must be a non-empty list of rows")
    seen: dict[str, int] = {}
    patterns, means = [], []
    for index, row in enumerate(rows, start=1):
        phrase, meaning = _row(path, index, row)
        if phrase in seen:
            raise _fail(path, f"row {index} ({row['phrase']})", f"the phrase is also row {seen[phrase]}")
        seen[phrase] = index
        patterns.append(f"(?P<p{len(patterns)}>{phrase})")
        means.append(meaning)
    pattern = re.compile(r"(?<![^\W_])(?:" + "|".join(patterns) + r")(?![^\W_])", re.IGNORECASE)
    return PropertyWords(pattern, tuple(means))


@functools.cache
def property_words() -> PropertyWords:
    """The table in the starter corpus, loaded once per process."""
    return load_property_words()


def list_words(text: str, table: PropertyWords | None = None) -> str:
    """`text` with each property phrase in the lists' words.

    >>> list_words("drone, flight time 45 min, wind resistance 12 m/s, tube 4 in OD")
    'drone, endurance 45 min, wind gust 12 m/s, tube 4 in outside diameter'
    """
    table = table or property_words()
    return table.pattern.sub(lambda m: table.means[int((m.lastgroup or "p0")[1:])], text)
