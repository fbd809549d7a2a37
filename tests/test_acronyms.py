"""The acronyms table (corpus/acronyms.yaml): the shipped rows load, a bad row is refused naming the file and
the row. How answers use it is in tests/test_never_cleared.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.core.errors import IngestError
from assistant.knowledge.acronyms import load_acronyms


@pytest.mark.unit
def test_the_shipped_table_loads_and_every_row_says_where_it_comes_from() -> None:
    table = load_acronyms()
    assert table.known("CNC") and table.meaning("tff") == "tangential flow filtration"
    assert all(row.source for row in table.rows.values())


@pytest.mark.unit
@pytest.mark.parametrize(
    ("rows", "problem"),
    [
        (
            "- {acronym: HEPA, meaning: filter, expand: false, source: EN 1822}\n"
            "- {acronym: Hepa, meaning: other, expand: false, source: x}\n",
            "row 2: Hepa is already a row",
        ),
        ("- {acronym: HEPA, meaning: '', expand: false, source: EN 1822}\n", "row 1: meaning: Value error"),
        ("- {acronym: HEPA, meaning: filter, source: EN 1822}\n", "row 1: expand: Field required"),
        ("- {acronym: 'H E P A', meaning: filter, expand: false, source: x}\n", "row 1: acronym: Value error"),
        ("- {acronym: HEPA, meaning: filter, expand: false, source: x, colour: red}\n", "row 1: colour"),
    ],
)
def test_a_bad_row_is_refused_naming_the_file_and_the_row(tmp_path: Path, rows: str, problem: str) -> None:
    path = tmp_path / "acronyms.yaml"
    path.write_text(rows, encoding="utf-8")
    with pytest.raises(IngestError) as raised:
        load_acronyms(path)
    assert str(path) in str(raised.value) and problem in str(raised.value)
