"""Links between lists on the real documents: NSG items to their EU/US entries, shared EU/US codes, language
versions; and the answer card that carries every list's citation, the home list first."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter
from typer.testing import CliRunner

from assistant.answer.ask import Assistant
from assistant.answer.render import escape_md, same_item_line
from assistant.core.settings import Settings
from assistant.core.types import ItemLink, SourceDocument
from ingest.criteria import criteria_of
from ingest.links import link_lists
from ingest.load import read_bytes
from ingest.pipeline import Ingester
from tests.conftest import LIST_II, ccl_excerpt
from tests.test_justice import ENGLISH, FRENCH, excerpt
from ui.cli import app

CCL_CODES = ("1C230", "1C216", "2B209", "2B350", "1C350")
LIST_II_PAGES = [*range(58, 67), *range(87, 98)]
"""1C2xx-1C350 and 2B209-2B352 of the Norwegian List II (pages 59-66 and 88-97)."""


@pytest.fixture(scope="module")
def documents(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("lists")
    ccl = folder / "ccl.xml"
    ccl.write_text(ccl_excerpt(CCL_CODES), encoding="utf-8")
    writer = PdfWriter()
    reader = PdfReader(LIST_II)
    for number in LIST_II_PAGES:
        writer.add_page(reader.pages[number])
    buffer = io.BytesIO()
    writer.write(buffer)
    eu = folder / "list-ii.pdf"
    eu.write_bytes(buffer.getvalue())
    return {"ccl": ccl, "eu": eu, "nsg": ENGLISH, "nsg-fr": FRENCH}


@pytest.fixture(scope="module")
def links(documents: dict[str, Path]) -> list[ItemLink]:
    """Every list read by its reader and linked, as an ingest does, without an index."""
    labels = {"ccl": "US CCL", "eu": "NO List II", "nsg": "CA NSG", "nsg-fr": "CA NSG (fr)"}
    sources, criteria, titles = [], [], {}
    for name, path in documents.items():
        loaded = read_bytes(path.read_bytes(), path)
        sources.append(
            SourceDocument(
                name, labels[name], loaded.kind, "", "", 0, 0, "", name, path.name, loaded.language, loaded.work
            )
        )
        for entry in loaded.entries:
            titles[(name, entry.code)] = entry.title
            criteria += criteria_of(entry, name, labels[name], name)
    linked = link_lists(sources, criteria, titles)
    assert not linked.notes
    return linked.links


def _find(links: list[ItemLink], code: str, source: str, other: str) -> list[ItemLink]:
    both = links + [link.reversed() for link in links]
    return [link for link in both if link.code == code and link.source == source and link.other_source == other]


@pytest.mark.unit
@pytest.mark.parametrize("nsg, entry", [("B.2.1.1", "2B209"), ("B.1.1.3", "1C230"), ("B.1.1.14", "1C216")])
def test_nsg_items_are_linked_to_their_eu_and_us_entries(links: list[ItemLink], nsg: str, entry: str) -> None:
    for other in ("eu", "ccl"):
        found = _find(links, nsg, "nsg", other)
        assert [link.other_code for link in found] == [entry], (nsg, other, found)
        assert found[0].kind == "same item" and 0.5 <= found[0].confidence <= 0.95
        assert "subject words" in found[0].reason


@pytest.mark.unit
def test_nsg_sub_items_meet_the_eu_sub_item_with_their_thresholds(links: list[ItemLink]) -> None:
    mandrels = _find(links, "B.2.1.1(b)", "nsg", "eu")
    assert [link.other_code for link in mandrels] == ["2B209.b"]
    assert "threshold value(s) agree" in mandrels[0].reason


@pytest.mark.unit
def test_nothing_of_the_nsg_lists_is_linked_to_chemical_equipment(links: list[ItemLink]) -> None:
    assert not [link for link in links if link.kind == "same item" and link.other_code.startswith(("2B350", "1C350"))]


@pytest.mark.unit
def test_eu_and_us_entries_with_the_same_code_are_linked(links: list[ItemLink]) -> None:
    for code in ("2B350", "2B209", "1C230", "1C350"):
        found = _find(links, code, "ccl", "eu")
        assert found and found[0].kind == "same code" and found[0].confidence >= 0.9, code
    vessels = _find(links, "2B350.a", "ccl", "eu")
    assert vessels and "reaction" in vessels[0].reason or "vessel" in vessels[0].reason


@pytest.mark.unit
def test_the_french_text_reaches_the_other_lists_through_its_english_twin(links: list[ItemLink]) -> None:
    twin = _find(links, "B.2.1.1", "nsg-fr", "nsg")
    assert twin and twin[0].kind == "parallel version" and twin[0].confidence == 1.0
    onward = _find(links, "B.2.1.1", "nsg-fr", "eu")
    assert [link.other_code for link in onward] == ["2B209"] and "through nsg" in onward[0].reason


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory, documents: dict[str, Path]) -> Path:
    """NSG substances (English and French) and a few CCL entries in one real index."""
    folder = tmp_path_factory.mktemp("index")
    home = folder / "home"
    with Ingester(Settings(home=home)) as ingester:
        results = ingester.ingest(
            [excerpt(ENGLISH, folder), excerpt(FRENCH, folder), documents["ccl"]], version_label="2026-04"
        )
    assert [r.status for r in results] == ["added"] * 3, [r.error for r in results]
    return home


def test_one_card_carries_every_lists_citation_home_list_first(home: Path) -> None:
    question = "beryllium metal alloy with 60% beryllium by weight"
    for home_list, lead, other in (("US CCL", "US CCL", "CA NSG"), ("CA NSG", "CA NSG", "US CCL")):
        answer = Assistant(Settings(home=home, home_list=home_list, audit_log=False)).ask(question, llm=False)
        card = next(c for c in answer.candidates if c.entry in ("1C230", "B.1.1.3"))
        assert card.list_label == lead
        assert [s.list_label for s in card.same_item][0] == other
        assert not [c for c in answer.candidates if c is not card and c.entry in ("1C230", "B.1.1.3")]
        cited = {n for s in card.same_item for n in s.citations}
        assert cited and all(any(c.n == n for c in answer.citations) for n in cited)
        line = same_item_line(card)
        assert line.startswith(f"Same item: {other} ") and "(2026-04)" in line
        assert escape_md(line) in answer.markdown
        numbers = [c.n for c in answer.citations + answer.guidance]
        assert numbers == list(range(1, len(numbers) + 1))
        # The sidebar's "Your list" choice: one question's home list overrides the setting.
        chosen = Assistant(Settings(home=home, home_list=other, audit_log=False)).ask(
            question, llm=False, home_list=home_list
        )
        assert next(c for c in chosen.candidates if c.entry in ("1C230", "B.1.1.3")).list_label == lead


def test_entry_links_on_the_command_line(home: Path) -> None:
    shown = CliRunner().invoke(
        app, ["entry", "B.1.1.3", "--list", "CA NSG", "--links"], env={"STCE_HOME": str(home), "COLUMNS": "200"}
    )
    assert shown.exit_code == 0, shown.stdout
    assert (
        "B.1.1.3 (CA NSG) = 1C230 (US CCL" in shown.stdout and "B.1.1.3 (CA NSG) = B.1.1.3 (CA NSG (fr)" in shown.stdout
    )
    data = json.loads(
        CliRunner().invoke(app, ["entry", "B.1.1.3", "--links", "--json"], env={"STCE_HOME": str(home)}).stdout
    )
    assert {(x["list_label"], x["other_code"]) for x in data["links"]} >= {
        ("CA NSG", "1C230"),
        ("CA NSG (fr)", "1C230"),
    }
