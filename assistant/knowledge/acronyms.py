"""The acronyms table (corpus/acronyms.yaml): which acronyms of invoices and catalogues are known, and what they mean.

An acronym a control list's own text uses and this table does not know ("HTPB") keeps goods open: clearing
them would be a guess (`assistant.decision.decide.a_name_the_lists_use_is_never_cleared`). A known acronym
that names a kind of goods the lists name in full ("ICP-MS") is read with its meaning, so it is searched and
judged as a mass spectrometer; one of trade, standards or packaging ("CNC", "HEPA", "IBC") says nothing of
what the goods are. Editors extend the table; every row is validated on load.

>>> table = acronyms_table()
>>> table.meaning("icp-ms"), table.known("HEPA"), table.known("HTPB")
('inductively coupled plasma mass spectrometer', True, False)
>>> expand("ICP-MS, mass range 2-260 u")
'ICP-MS (inductively coupled plasma mass spectrometer), mass range 2-260 u'
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from assistant.core.errors import IngestError

ACRONYMS_PATH = Path(__file__).resolve().parents[2] / "corpus" / "acronyms.yaml"
_SHAPE = re.compile(r"[A-Za-z0-9][A-Za-z0-9&/-]{1,11}")


class Acronym(BaseModel):
    """One row of the table."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    acronym: str
    meaning: str
    expand: bool
    source: str

    @field_validator("acronym")
    @classmethod
    def _shaped(cls, value: str) -> str:
        if not _SHAPE.fullmatch(value) or not any(c.isupper() for c in value):
            raise ValueError("an acronym is 2 to 12 letters, digits, '-', '/' or '&', with a capital letter")
        return value

    @field_validator("meaning", "source")
    @classmethod
    def _said(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be empty")
        return value.strip()


@dataclass(frozen=True)
class AcronymsTable:
    """The rows by their acronym folded to lower case."""

    rows: dict[str, Acronym]

    def known(self, word: str) -> bool:
        return word.lower() in self.rows

    def meaning(self, word: str) -> str:
        row = self.rows.get(word.lower())
        return row.meaning if row else ""


def load_acronyms(path: Path = ACRONYMS_PATH) -> AcronymsTable:
    """Read and validate the table: each row well formed, each acronym once (case aside)."""
    try:
        rows = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as err:
        raise IngestError(path, f"cannot read the acronyms table: {err}") from err
    if not isinstance(rows, list) or not rows:
        raise IngestError(path, "the acronyms table must be a non-empty list of rows")
    table: dict[str, Acronym] = {}
    for index, row in enumerate(rows, start=1):
        try:
            acronym = Acronym.model_validate(row)
        except ValidationError as err:
            problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'row'}: {e['msg']}" for e in err.errors())
            raise IngestError(path, f"row {index}: {problems}") from err
        key = acronym.acronym.lower()
        if key in table:
            raise IngestError(path, f"row {index}: {acronym.acronym} is already a row ({table[key].meaning})")
        table[key] = acronym
    return AcronymsTable(table)


@functools.cache
def acronyms_table() -> AcronymsTable:
    """The table in the starter corpus, loaded once per process."""
    return load_acronyms()


def expand(text: str, table: AcronymsTable | None = None) -> str:
    """`text` with the meaning of each known acronym that names goods written after it, once."""
    table = table or acronyms_table()
    wanted = {key: row for key, row in table.rows.items() if row.expand}
    done: set[str] = set()

    def with_meaning(m: re.Match[str]) -> str:
        key = m[0].lower()
        row = wanted.get(key)
        if row is None or key in done or not m[0].isupper():
            return m[0]
        done.add(key)
        return f"{m[0]} ({row.meaning})"

    return re.sub(r"(?<![\w-])[A-Za-z0-9][A-Za-z0-9&/-]*[A-Za-z0-9](?![\w-])", with_meaning, text)
