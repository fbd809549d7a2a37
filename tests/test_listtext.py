"""Splitting the real Norwegian control lists into entries, items and notes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ingest.entries import Entry, Item
from ingest.listtext import split_list_pages
from tests.conftest import pdf_pages

pytestmark = pytest.mark.unit

SOURCES = Path(__file__).resolve().parents[1].parent / "shared" / "sources"
LIST_I = SOURCES / "no-export-control" / "list-i-military-goods.pdf"
LIST_II = SOURCES / "no-export-control" / "list-ii-dual-use-goods.pdf"
CCATS_TABLE = SOURCES / "us-bis" / "ccats-publishers-table-2018.pdf"

Pages = list[tuple[int, str]]


def _pages(path: Path) -> Pages:
    return list(pdf_pages(path))


@pytest.fixture(scope="module")
def list_ii_pages() -> Pages:
    return _pages(LIST_II)


@pytest.fixture(scope="module")
def list_ii(list_ii_pages: Pages) -> list[Entry]:
    return split_list_pages(list_ii_pages)


@pytest.fixture(scope="module")
def list_i_pages() -> Pages:
    return _pages(LIST_I)


@pytest.fixture(scope="module")
def list_i(list_i_pages: Pages) -> list[Entry]:
    return split_list_pages(list_i_pages)


def _entry(entries: list[Entry], code: str) -> Entry:
    return next(entry for entry in entries if entry.code == code)


def _item(entries: list[Entry], code: str) -> Item:
    entry = _entry(entries, re.split(r"\.", code, maxsplit=1)[0])
    return next(item for item in entry.walk() if item.code == code)


def _codes(entries: list[Entry]) -> list[str]:
    return [item.code for entry in entries for item in entry.walk()]


def _all_texts(entries: list[Entry]) -> list[str]:
    return [text for entry in entries for item in entry.walk() for text in (item.text, *item.notes)]


# --- List II (dual-use, EU numbering) ----------------------------------------------------------------


_PART_2 = {"5A002", "5A003", "5A004", "5B002", "5D002", "5E002"}
"""Category 5 Part 2 numbers afresh after Part 1, so it follows 5E101 in the document."""


def test_list_ii_has_several_hundred_entries_with_unique_codes(list_ii: list[Entry]) -> None:
    codes = _codes(list_ii)
    in_document_order = sorted((entry.code for entry in list_ii), key=lambda code: (code[0], code in _PART_2, code))

    assert 300 <= len(list_ii) <= 450
    assert len(codes) == len(set(codes))
    assert [entry.code for entry in list_ii] == in_document_order


def test_entries_front_matter_and_appendix_do_not_become_entries(list_ii: list[Entry]) -> None:
    assert list_ii[0].code == "0A001"
    assert list_ii[-1].code == "9E102"
    assert all(25 <= entry.page <= 248 for entry in list_ii)


def test_2b350_starts_on_page_92_and_runs_to_its_pumps_on_page_94(list_ii: list[Entry]) -> None:
    entry = _entry(list_ii, "2B350")

    assert entry.page == 92
    assert entry.category == "2"
    assert entry.text == f"2B350 {entry.title}"
    assert entry.title.startswith("Chemical manufacturing facilities")
    assert [child.code for child in entry.children] == [f"2B350.{letter}" for letter in "abcdefghijk"]
    assert _item(list_ii, "2B350.i").page == 94


def test_2b350_h_is_piping_and_2b350_i_is_pumps_with_their_threshold(list_ii: list[Entry]) -> None:
    piping = _item(list_ii, "2B350.h")
    pumps = _item(list_ii, "2B350.i")

    assert piping.text.startswith("h. Multi-walled piping")
    assert pumps.text.startswith("i. Multiple-seal and seal-less pumps")
    assert "0,6 m3/hour" in pumps.text
    assert any("2B350.i." in note for note in pumps.notes)


def test_a_materials_list_crossing_a_page_break_stays_one_item(list_ii: list[Entry]) -> None:
    exchangers = _item(list_ii, "2B350.d")
    last = _item(list_ii, "2B350.d.11")

    assert exchangers.page == 92
    assert [child.code for child in exchangers.children] == [f"2B350.d.{n}" for n in range(1, 12)]
    assert _item(list_ii, "2B350.d.8").page == 92
    assert last.page == 93
    assert "Niobium" in last.text


def test_a_note_crossing_a_page_break_is_one_note(list_ii: list[Entry], list_ii_pages: Pages) -> None:
    note = next(note for note in _item(list_ii, "6A008.j").notes if note.startswith("Note 3"))

    assert "0,5 m" in list_ii_pages[195][1] and "0,013" in list_ii_pages[196][1]
    assert "0,5 m" in note and "0,013" in note


def test_technical_notes_of_2b350_g_are_notes_not_items(list_ii: list[Entry]) -> None:
    valves = _item(list_ii, "2B350.g")
    codes = set(_codes(list_ii))

    assert len(valves.notes) == 1
    assert valves.notes[0].startswith("Technical Notes:")
    assert "Ceramic materials" in valves.notes[0] and "Silicon carbide" in valves.notes[0]
    assert [child.code for child in valves.children] == ["2B350.g.1", "2B350.g.2", "2B350.g.3"]
    assert not {"2B350.g.i", "2B350.g.4", "2B350.g.3.c", "2B350.g.1.c"} & codes


def test_a_note_goes_to_the_item_it_follows(list_ii: list[Entry]) -> None:
    reactors = _item(list_ii, "2B350.a")

    assert [note.split()[0] for note in reactors.notes] == ["N.B."]
    assert "2B350.k" in reactors.notes[0]
    assert [child.code for child in reactors.children] == [f"2B350.a.{n}" for n in range(1, 9)]


def test_no_text_carries_page_furniture(list_ii: list[Entry]) -> None:
    texts = _all_texts(list_ii)

    assert not [text for text in texts if "CATEGORY 2 - MATERIALS PROCESSING" in text]
    assert not [text for text in texts if re.search(r"\b\d[A-E]\d{3}(?:\.\S+)? +continued\b", text)]
    assert not [text for text in texts if "  " in text]


def test_other_known_entries_exist(list_ii: list[Entry]) -> None:
    chemicals = _entry(list_ii, "1C350")

    assert _entry(list_ii, "3A225").category == "3"
    assert _entry(list_ii, "2B352").children
    assert [child.code for child in chemicals.children][:2] == ["1C350.1", "1C350.2"]
    assert len(chemicals.children) >= 80


def test_every_cross_reference_to_a_sub_item_names_a_parsed_item(list_ii: list[Entry]) -> None:
    codes = set(_codes(list_ii))
    entries = {entry.code for entry in list_ii}
    cited = {
        match.group(0).rstrip(".")
        for text in _all_texts(list_ii)
        for match in re.finditer(r"\b\d[A-E]\d{3}(?:\.(?:[a-z]|\d{1,3})\b)+\.?", text)
    }
    cited = {code for code in cited if code.split(".")[0] in entries}

    assert len(cited) > 300
    assert sorted(cited - codes) == []


# --- List I (military, ML numbering) ------------------------------------------------------------------


def test_list_i_has_ml1_to_ml22(list_i: list[Entry]) -> None:
    assert [entry.code for entry in list_i] == [f"ML{n}" for n in range(1, 23)]
    assert {entry.category for entry in list_i} == {"ML"}


def test_ml8_has_nested_sub_items(list_i: list[Entry]) -> None:
    energetics = _entry(list_i, "ML8")

    assert [child.code for child in energetics.children] == [f"ML8.{letter}" for letter in "abcdefgh"]
    assert len(energetics.walk()) > 100
    assert _item(list_i, "ML8.c.12").children


def test_a_sub_list_ends_where_the_indentation_says(list_i: list[Entry]) -> None:
    agents = _entry(list_i, "ML7")

    assert [child.code for child in agents.children] == [f"ML7.{letter}" for letter in "abcdefghi"]


def test_an_item_crossing_a_page_break_is_one_item(list_i: list[Entry], list_i_pages: Pages) -> None:
    item = _item(list_i, "ML8.f.15.a")

    assert "110438-25-0" not in list_i_pages[21][1] and "110438-25-0" in list_i_pages[22][1]
    assert item.page == 22
    assert "CAS 103850-22-2" in item.text and "CAS 110438-25-0" in item.text


def test_definitions_after_ml22_do_not_become_entries(list_i: list[Entry]) -> None:
    technology = _entry(list_i, "ML22")

    assert not [text for text in _all_texts(list_i) if "DEFINITIONS OF TERMS" in text]
    assert all(item.page == 42 for item in technology.walk())


# --- not a control list --------------------------------------------------------------------------------


def test_a_table_pdf_is_not_a_control_list() -> None:
    assert split_list_pages(_pages(CCATS_TABLE)) == []


def test_plain_prose_is_not_a_control_list() -> None:
    pages = [(1, "Module 3: Chemical weapons precursors\nTrainees learn to read entry 1C350 of the list.")]

    assert split_list_pages(pages) == []
