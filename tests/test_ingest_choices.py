"""What an editor chooses and sees while ingesting: the kind of a document, and progress by phase."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.core.codes import names_item
from assistant.core.settings import Settings
from assistant.core.types import Progress
from assistant.search.retrieve import Scope
from assistant.storage.index import LiveIndex
from assistant.storage.registry import Registry
from bench.pdfwriter import pdf_bytes
from ingest.load import CURRICULUM_LIST, detect, read_bytes
from ingest.pipeline import Ingester
from tests.conftest import LIST_I
from ui.cli import app

NOTE = "# Nameplates\n\nRead the maker, the model and the year from the nameplate.\n"


def test_progress_is_reported_by_phase_with_the_passages_embedded(settings: Settings, small_ccl: Path) -> None:
    steps: list[Progress] = []
    with Ingester(settings) as ingester:
        [result] = ingester.ingest([small_ccl], progress=steps.append)

    phases = [s.phase for s in steps]
    assert phases[:2] == ["read", "split"] and phases[-2:] == ["switch", "done"]
    embeds = [s for s in steps if s.phase == "embed"]
    assert embeds[0].done == 0 and embeds[-1].done == embeds[-1].total == result.embedded > 0
    fractions = [s.fraction for s in steps]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0


def test_the_chosen_kind_is_kept_and_nothing_is_stored_as_what_it_cannot_be(
    settings: Settings, small_ccl: Path, tmp_path: Path
) -> None:
    note = tmp_path / "note.md"
    note.write_text(NOTE, encoding="utf-8")
    with Ingester(settings) as ingester:
        [as_other] = ingester.ingest([note], kind="other")
        [as_list] = ingester.ingest([note], name="note-as-list", kind="control-list")
        [xml] = ingester.ingest([small_ccl], kind="curriculum")
        [again] = ingester.ingest([note], kind="curriculum")

    assert as_other.status == "added" and again.status == "updated", "a new kind is a new version"
    assert as_list.status == xml.status == "failed"
    assert as_list.error.startswith("no control-list entries found (it reads as curriculum)")
    assert "an XML control list is a control list" in xml.error
    [source] = Registry(settings.registry_path).sources()
    assert (source.name, source.kind, source.list_label) == ("note", "curriculum", CURRICULUM_LIST)


@pytest.mark.unit
def test_a_pdf_that_is_no_list_is_read_as_guidance_only(tmp_path: Path) -> None:
    leaflet = pdf_bytes([[(72, 760, "Leaflet: how to read a nameplate before you call the licensing office.")]])

    loaded = read_bytes(leaflet, tmp_path / "leaflet.pdf")

    assert (loaded.kind, loaded.default_list, loaded.entries) == ("other", "Other documents", [])
    assert read_bytes(leaflet, tmp_path / "leaflet.pdf", kind="curriculum").default_list == CURRICULUM_LIST


def test_guidance_only_documents_stay_searched_whatever_lists_are_picked(settings: Settings, tmp_path: Path) -> None:
    (tmp_path / "leaflet.pdf").write_bytes(pdf_bytes([[(72, 760, "Nameplates name the maker and the model.")]]))
    with Ingester(settings) as ingester:
        ingester.ingest([tmp_path / "leaflet.pdf"])
    [passage] = [p for p in LiveIndex(settings).view().snapshot.passages if p.source == "leaflet"]

    assert Scope.of(lists=["US CCL"]).allows(passage)
    assert not Scope.of(lists=["US CCL"], sources=["ccl"]).allows(passage)


@pytest.mark.unit
def test_a_code_names_an_item_only_at_the_precision_asked() -> None:
    assert names_item("1c350.2", "1C350.2") and names_item("2B350g1", "2B350.g")
    assert not names_item("1C350", "1C350.2") and not names_item("1C350.c.4", "1C350.2")
    assert not names_item("1C350.20", "1C350.2") and names_item("ML 8.a", "ML8")


def test_each_source_records_the_language_it_is_written_in(settings: Settings, small_ccl: Path, tmp_path: Path) -> None:
    french = tmp_path / "note-fr.md"
    french.write_text(
        "# Plaques signalétiques\n\n" + "Lisez le fabricant, le modèle et l'année de la plaque; "
        "notez les matériaux des surfaces en contact avec les produits et la capacité de la cuve. " * 4,
        encoding="utf-8",
    )
    with Ingester(settings) as ingester:
        ingester.ingest([small_ccl, french])

    languages = {s.name: s.language for s in Registry(settings.registry_path).sources()}
    assert languages == {"ccl-excerpt": "en", "note-fr": "fr"}


@pytest.mark.unit
def test_a_registry_written_before_languages_were_recorded_still_opens(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "registry.sqlite"
    with sqlite3.connect(path) as db:
        db.execute(
            "CREATE TABLE sources (name TEXT PRIMARY KEY, list_label TEXT, kind TEXT, version_label TEXT, "
            "content_hash TEXT, passages INTEGER, entries INTEGER, ingested_at TEXT, version_id TEXT, path TEXT)"
        )
        db.execute("INSERT INTO sources VALUES ('ccl', 'US CCL', 'control-list', '', 'abc', 3, 1, 'now', 'v1', 'x')")
    db.close()

    [source] = Registry(path).sources()

    assert (source.name, source.language) == ("ccl", "")


def test_the_cli_takes_the_kind_too(settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    note = tmp_path / "note.md"
    note.write_text(NOTE, encoding="utf-8")
    monkeypatch.setenv("STCE_HOME", str(settings.home))

    chosen = CliRunner().invoke(app, ["ingest", str(note), "--kind", "other"])
    refused = CliRunner().invoke(app, ["ingest", str(note), "--kind", "list"])

    assert chosen.exit_code == 0, chosen.output
    assert [s.kind for s in Registry(settings.registry_path).sources()] == ["other"]
    assert refused.exit_code == 2 and "list" in refused.output


@pytest.mark.unit
def test_a_long_pdf_is_told_a_list_from_a_sample_of_its_pages() -> None:
    loaded = detect(LIST_I.read_bytes(), LIST_I)

    assert (loaded.kind, loaded.default_list) == ("control-list", "Military list") and loaded.entries
