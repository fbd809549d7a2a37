"""The Justice Canada reader on the real NSG regulation in English and French, its criteria, and their ingest."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.core.codes import find_codes, lineage, top_level
from assistant.core.errors import IngestError
from assistant.core.settings import Settings
from assistant.core.types import leaves
from assistant.storage.index import LiveIndex
from assistant.storage.registry import Registry
from assistant.text.language import document_language
from ingest.criteria import criteria_of
from ingest.ecfr import looks_like_ecfr
from ingest.entries import Entry
from ingest.justice import looks_like_justice, read_justice
from ingest.load import read_bytes
from ingest.pipeline import Ingester
from tests.conftest import CCL_XML, SOURCES
from ui.cli import app

ENGLISH = SOURCES / "ca-nuclear" / "SOR-2000-210.xml"
FRENCH = SOURCES / "ca-nuclear" / "DORS-2000-210.xml"


def _codes(entries: list[Entry]) -> list[str]:
    return [item.code for entry in entries for item in entry.walk()]


def _item(entries: list[Entry], code: str):  # type: ignore[no-untyped-def]
    return next(item for entry in entries for item in entry.walk() if item.code == code)


@pytest.fixture(scope="module")
def english():  # type: ignore[no-untyped-def]
    return read_justice(ENGLISH.read_bytes(), str(ENGLISH))


@pytest.fixture(scope="module")
def french():  # type: ignore[no-untyped-def]
    return read_justice(FRENCH.read_bytes(), str(FRENCH))


@pytest.mark.unit
def test_both_versions_have_the_same_nsg_codes(english, french) -> None:  # type: ignore[no-untyped-def]
    assert len(english.entries) >= 190 and len(french.entries) >= 190
    assert _codes(english.entries) == _codes(french.entries)
    codes = {e.code for e in english.entries}
    assert {"A.1.1", "A.1.4", "A.2.1.2", "A.3", "B.1.1.3", "B.2.1.1", "B.2.1.2"} <= codes
    assert "B.2.1.2(a)(2)(iii)" in _codes(english.entries)
    assert all(re.fullmatch(r"[AB](\.\d+)+(\([a-z0-9]+\))*", code) for code in _codes(french.entries))


@pytest.mark.unit
def test_language_and_regulation_come_from_the_document(english, french) -> None:  # type: ignore[no-untyped-def]
    assert (english.language, french.language) == ("en", "fr")
    assert english.work == french.work == "SOR/2000-210"
    assert document_language(_item(french.entries, "B.1.1.3").full_text() * 3) == "fr"
    assert document_language(_item(english.entries, "B.1.1.3").full_text() * 3) == "en"


@pytest.mark.unit
def test_beryllium_keeps_its_exceptions_as_a_note(english, french) -> None:  # type: ignore[no-untyped-def]
    beryllium = _item(english.entries, "B.1.1.3")
    assert beryllium.text.startswith("B.1.1.3 Beryllium metal, alloys containing more than 50% beryllium")
    assert not beryllium.children, "the items after 'except:' are exceptions, not sub-items"
    exceptions = next(n for n in beryllium.notes if n.startswith("except:"))
    assert "metal windows for X-ray machines" in exceptions and "emeralds or aquamarines" in exceptions
    assert any("waste and scrap" in n for n in beryllium.notes)
    french_exceptions = next(n for n in _item(french.entries, "B.1.1.3").notes if n.startswith("sauf"))
    assert "rayons X" in french_exceptions and "aigues-marines" in french_exceptions
    tree = criteria_of(english.entries[[e.code for e in english.entries].index("B.1.1.3")], "s", "CA NSG", "v")[0]
    assert len(tree.exclusions) == 3 and "metal windows" in tree.exclusions[0].text
    assert any(leaf.bound and leaf.bound.value == 50 for leaf in tree.tree.children)  # type: ignore[union-attr]


@pytest.mark.unit
def test_notes_stay_with_their_item(english, french) -> None:  # type: ignore[no-untyped-def]
    turning = _item(english.entries, "B.2.1.2(a)(1)")
    assert any("does not include bar machines (Swissturn)" in n for n in turning.notes)
    assert not any("Swissturn" in n for n in _item(english.entries, "B.2.1.2").notes)
    assert any("Swissturn" in n for n in _item(french.entries, "B.2.1.2(a)(1)").notes)
    fissile = _item(english.entries, "A.1.1")
    note = next(n for n in fissile.notes if "does not include" in n)
    assert "heart pacemakers" in note and "(a) special fissionable material occurring as contaminants" in note
    parts = _item(english.entries, "A.3")
    assert any("parts designed or prepared" in n for n in parts.notes)


@pytest.mark.unit
def test_criteria_of_nsg_items(english) -> None:  # type: ignore[no-untyped-def]
    by_code = {c.code: c for e in english.entries for c in criteria_of(e, "s", "CA NSG", "v")}
    fissile = by_code["A.1.1"]
    assert fissile.tree is not None and fissile.tree.op == "any"
    assert len(fissile.exclusions) == 3
    assert fissile.exclusions[2].text.endswith("does not include plutonium 238 that is contained in heart pacemakers.")
    changer = by_code["A.2.4.2.5(a)"]
    assert changer.tree is not None and changer.tree.children[0].bound.value == 600  # type: ignore[union-attr]
    mandrel = by_code["B.2.1.1(b)"]
    assert "mandrel" in mandrel.subject_terms


@pytest.mark.unit
def test_nsg_codes_as_officers_type_them() -> None:
    assert find_codes("B.2.1.2.(a)(1) or B.2.1.2 a) 1), and 2B209") == ["B.2.1.2(a)(1)", "2B209"]
    assert find_codes("see B.1.1.3.") == ["B.1.1.3"]
    assert top_level("B.2.1.2(a)(1)") == "B.2.1.2" and top_level("2B350.g") == "2B350"
    assert lineage("B.2.1.2(a)(1)") == ["B.2.1.2", "B.2.1.2(a)", "B.2.1.2(a)(1)"]
    assert lineage("2B350.g.1") == ["2B350", "2B350.g", "2B350.g.1"]


@pytest.mark.unit
def test_reader_is_chosen_by_content(tmp_path: Path) -> None:
    assert looks_like_justice(ENGLISH.read_bytes()) and not looks_like_ecfr(ENGLISH.read_bytes())
    assert not looks_like_justice(CCL_XML.read_bytes()[:20000])
    renamed = tmp_path / "list.xml"
    shutil.copy(FRENCH, renamed)
    loaded = read_bytes(renamed.read_bytes(), renamed)
    assert (loaded.format, loaded.language, loaded.default_list) == ("justice", "fr", "CA NSG (fr)")


@pytest.mark.unit
@pytest.mark.parametrize(
    "xml, problem",
    [
        (
            '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x "y">]><Regulation xmlns:lims="http://justice.gc.ca/lims"/>',
            "unsafe XML",
        ),
        (
            '<Regulation xmlns:lims="http://justice.gc.ca/lims" xml:lang="en"><Body><Section/></Body></Regulation>',
            "no numbered schedule items",
        ),
        ('<Regulation xmlns:lims="http://justice.gc.ca/lims"><Schedule>', "not well-formed"),
    ],
)
def test_bad_justice_xml_is_refused_with_a_reason(xml: str, problem: str) -> None:
    with pytest.raises(IngestError) as caught:
        read_justice(xml.encode(), "bad.xml")
    assert problem in str(caught.value) and "bad.xml" in str(caught.value)


def excerpt(source: Path, tmp_path: Path, drop: str = "") -> Path:
    """The real regulation cut down to its schedule's Part B.1 (substances), so that an ingest takes seconds;
    `drop` removes one more item, as a damaged copy would."""
    xml = source.read_text(encoding="utf-8-sig")
    schedule = xml.index("<Schedule")
    head = xml[: xml.index(">", schedule) + 1]
    start = xml.rindex("<Heading ", 0, xml.index('<Emphasis style="bold">B.1.</Emphasis>'))
    end = xml.rindex("<Heading ", 0, xml.index('<Emphasis style="bold">B.2.</Emphasis>'))
    body = xml[start:end]
    if drop:
        cut = body.rindex("<Provision ", 0, body.index(f"<Label>{drop}</Label>"))
        after = body.rindex("<Provision ", 0, body.index(f"<Label>{drop[:-1]}{int(drop[-1]) + 1}</Label>"))
        body = body[:cut] + body[after:]
    path = tmp_path / (source.stem + ("-damaged" if drop else "") + ".xml")
    path.write_text(head + body + "</Schedule></Regulation>", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def both_ingested(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """English and French versions in one real index (real model, real Chroma)."""
    settings = Settings(home=tmp_path_factory.mktemp("nsg") / "home")
    with Ingester(settings) as ingester:
        results = ingester.ingest([ENGLISH, FRENCH], version_label="2026-04-01")
    assert [r.status for r in results] == ["added", "added"], [r.error for r in results]
    assert not any(r.notes for r in results)
    return settings


def test_sources_record_language_and_regulation(both_ingested: Settings) -> None:
    sources = {s.name: s for s in Registry(both_ingested.registry_path).sources()}
    assert (sources["SOR-2000-210"].language, sources["DORS-2000-210"].language) == ("en", "fr")
    assert sources["DORS-2000-210"].work == "SOR/2000-210"
    assert sources["DORS-2000-210"].list_label == "CA NSG (fr)"
    listed = CliRunner().invoke(app, ["sources", "--json"], env={"STCE_HOME": str(both_ingested.home)})
    assert {s["name"]: s["language"] for s in json.loads(listed.stdout)} == {
        "DORS-2000-210": "fr",
        "SOR-2000-210": "en",
    }
    table = CliRunner().invoke(app, ["sources"], env={"STCE_HOME": str(both_ingested.home), "COLUMNS": "200"})
    assert re.search(r"DORS-2000-210 .* fr ", table.stdout)


def test_french_passages_are_french_and_found_by_french_words(both_ingested: Settings) -> None:
    snapshot = LiveIndex(both_ingested).view().snapshot
    passages, trees = snapshot.entry("B.1.1.3", "CA NSG (fr)")
    assert passages and all(p.language == "fr" for p in passages)
    assert "Béryllium métal" in passages[0].text and trees
    hits = snapshot.keyword("béryllium alliages", 5)
    assert hits[0].passage.entry == "B.1.1.3" and hits[0].passage.language == "fr"
    sub, _ = snapshot.entry("B.2.1.2(a)", "CA NSG")
    assert {p.entry for p in sub} >= {"B.2.1.2(a)"} and all(p.entry.startswith("B.2.1.2(a)") for p in sub)


def test_language_versions_are_linked_code_for_code(both_ingested: Settings) -> None:
    snapshot = LiveIndex(both_ingested).view().snapshot
    parallel = [link for link in snapshot.all_links if link.kind == "parallel version"]
    assert len(parallel) == len({c.code for c in snapshot.all_criteria if c.source == "SOR-2000-210"})
    link = snapshot.links("B.1.1.3", "DORS-2000-210")[0]
    assert (link.other_code, link.other_source, link.confidence) == ("B.1.1.3", "SOR-2000-210", 1.0)
    assert snapshot.links("B.2.1.2(a)(1)", "SOR-2000-210")[0].other_source == "DORS-2000-210"


def test_french_items_are_judged_by_their_english_twins_trees(both_ingested: Settings) -> None:
    snapshot = LiveIndex(both_ingested).view().snapshot
    [bismuth] = [c for c in snapshot.criteria("B.1.1.4") if c.source == "DORS-2000-210"]
    assert bismuth.subject.startswith("Bismuth possédant")
    assert any(leaf.bound and leaf.bound.value == 99.99 for leaf in leaves(bismuth.tree))
    [english] = [c for c in snapshot.criteria("B.1.1.4") if c.source == "SOR-2000-210"]
    assert bismuth.tree == english.tree and bismuth.version_id != english.version_id


def test_french_alone_is_ingested_with_a_note(settings: Settings, tmp_path: Path) -> None:
    with Ingester(settings) as ingester:
        (result,) = ingester.ingest([excerpt(FRENCH, tmp_path)])
    assert result.status == "added" and result.entries >= 20
    assert result.notes and "no English version of SOR/2000-210" in result.notes[0]
    assert not LiveIndex(settings).view().snapshot.all_links


def test_versions_with_different_codes_are_not_linked(settings: Settings, tmp_path: Path) -> None:
    """A French file that lost an item still goes in whole, but is not linked to the English one on a guess."""
    with Ingester(settings) as ingester:
        results = ingester.ingest([excerpt(ENGLISH, tmp_path), excerpt(FRENCH, tmp_path, drop="B.1.1.4")])
    assert [r.status for r in results] == ["added", "added"]
    assert any("codes differ" in note and "B.1.1.4" in note for note in results[1].notes)
    snapshot = LiveIndex(settings).view().snapshot
    assert not [link for link in snapshot.all_links if link.kind == "parallel version"]
    assert snapshot.entry("B.1.1.3", "CA NSG (fr)")[0], "the French text is still there"
    assert not snapshot.entry("B.1.1.4", "CA NSG (fr)")[0] and snapshot.entry("B.1.1.4", "CA NSG")[0]
