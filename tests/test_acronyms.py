"""Acronyms as invoices write them: the table's validation, a known acronym read with its meaning, and an
unknown one that a list uses never cleared; on a real eCFR excerpt with the real model."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.answer.ask import Assistant
from assistant.core.errors import IngestError
from assistant.knowledge.acronyms import load_acronyms
from tests.conftest import excerpt_home


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


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    return Assistant(excerpt_home(tmp_path_factory.mktemp("acronyms") / "home", ("1C111", "2B352", "3A233")))


def test_an_acronym_the_list_uses_and_we_do_not_know_is_never_cleared(assistant: Assistant) -> None:
    answer = assistant.ask("HTPB binder resin, 200 kg drum")

    assert answer.decision == "needs-facts" and answer.entries[:1] == ["1C111"], answer.markdown


def test_a_known_acronym_is_read_with_its_meaning(assistant: Assistant) -> None:
    answer = assistant.ask("ICP-MS, mass range up to 260 u, unit mass resolution")

    assert answer.entries[:1] == ["3A233"], answer.markdown
    assert "mass spectrometer" in answer.query


def test_an_acronym_of_everyday_goods_raises_no_alarm(assistant: Assistant) -> None:
    answer = assistant.ask("household vacuum cleaner 800 W, HEPA filter")

    assert answer.decision == "no-match", answer.markdown
