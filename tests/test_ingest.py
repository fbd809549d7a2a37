"""Ingestion end to end: real documents into a real Chroma store in a temp directory."""

from __future__ import annotations

import json
import re
from dataclasses import asdict
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.core.errors import IngestError
from assistant.core.settings import Settings
from assistant.storage.index import LiveIndex
from assistant.storage.registry import Registry
from ingest.load import INGESTED, SCREENED, Format, check_bytes, safe_file_name, safe_typed_name
from ingest.pipeline import Ingester
from tests.conftest import ccl_excerpt
from ui.cli import app

runner = CliRunner()


def live_texts(settings: Settings, source: str) -> list[str]:
    view = LiveIndex(settings).view()
    return [p.text for p in view.snapshot.passages if p.source == source]


def stored_texts(settings: Settings) -> list[str]:
    """Every document in the Chroma collection, live or not: stale passages would show here."""
    got = Ingester(settings).store.collection.get(include=["documents"])
    return got["documents"] or []


def test_ingest_a_list_records_the_source_and_its_entries(settings: Settings, small_ccl: Path) -> None:
    [result] = Ingester(settings).ingest([small_ccl], name="ccl", version_label="2026-06", list_label="US CCL")

    assert result.status == "added"
    [source] = Registry(settings.registry_path).sources()
    assert (source.name, source.list_label, source.kind) == ("ccl", "US CCL", "control-list")
    assert source.version.startswith("2026-06 (")
    assert source.passages == result.passages > 0
    view = LiveIndex(settings).view()
    assert "2B350.I" in view.snapshot.by_entry
    pump = [p for p in view.snapshot.by_entry["2B350.I"] if p.entry == "2B350.i"]
    assert pump and "0.6 m3" in pump[0].text and pump[0].parent == "2B350"
    assert pump[0].text.startswith("2B350 ")
    assert view.store.count() == source.passages


def test_identical_reingest_embeds_nothing(settings: Settings, small_ccl: Path) -> None:
    ingester = Ingester(settings)
    first = ingester.ingest([small_ccl], name="ccl")[0]
    second = ingester.ingest([small_ccl], name="ccl")[0]

    assert first.embedded > 0
    assert (second.status, second.embedded, second.passages) == ("unchanged", 0, first.passages)
    assert Registry(settings.registry_path).generation() == 1


def test_changed_reingest_replaces_the_old_text_and_leaves_other_sources(
    settings: Settings, small_ccl: Path, tmp_path: Path
) -> None:
    notes = tmp_path / "notes.md"
    notes.write_text("# Reading nameplates\n\nLook for the volume and the lining material.\n", encoding="utf-8")
    ingester = Ingester(settings)
    first, _ = ingester.ingest([small_ccl, notes])
    changed = tmp_path / "v2" / small_ccl.name
    changed.parent.mkdir()
    changed.write_text(ccl_excerpt().replace("greater than 0.6 m", "greater than 0.7 m"), encoding="utf-8")

    [second] = ingester.ingest([changed], name=first.source, version_label="v2")

    assert second.status == "updated"
    assert 0 < second.embedded < 5, "only the changed passage is embedded again"
    texts = live_texts(settings, first.source)
    assert any("greater than 0.7 m" in t for t in texts)
    assert not any("greater than 0.6 m" in t for t in texts)
    assert not any("greater than 0.6 m" in t for t in stored_texts(settings)), "no stale vector survives"
    assert len(stored_texts(settings)) == second.passages + len(live_texts(settings, "notes"))
    assert second.changes is not None
    assert "2B350.i" in second.changes.changed and "0.7" in second.changes.diffs["2B350.i"]
    assert live_texts(settings, "notes"), "the other source is untouched"
    env = {"STCE_HOME": str(settings.home)}
    history = runner.invoke(app, ["sources", "history", first.source, "--diff"], env=env)
    assert history.exit_code == 0, history.output
    assert f"{first.source}: " in history.stdout and "-> v2" in history.stdout
    assert "2B350.i" in history.stdout and "+" in history.stdout and "0.7 m" in history.stdout
    [stored] = json.loads(runner.invoke(app, ["sources", "history", first.source, "--json"], env=env).stdout)
    assert stored == asdict(second.changes)
    assert runner.invoke(app, ["sources", "history", "notes"], env=env).exit_code == 1, "one version: no history"


def test_remove_deletes_a_source_and_its_passages(settings: Settings, small_ccl: Path) -> None:
    ingester = Ingester(settings)
    ingester.ingest([small_ccl], name="ccl")

    assert ingester.remove("ccl") is True
    assert Registry(settings.registry_path).sources() == []
    assert stored_texts(settings) == []
    assert ingester.remove("ccl") is False


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.pdf", b"", "empty file"),
        ("noise.pdf", bytes(range(256)) * 40, "not a PDF"),
        ("table.csv", b"a,b\n1,2\n", "unsupported file type"),
        ("latin1.txt", "Caf\xe9 ol\xe9".encode("latin-1"), "not valid UTF-8"),
        ("other.xml", b"<?xml version='1.0'?><root><a>1</a></root>", "not an eCFR"),
    ],
)
def test_a_bad_file_is_reported_and_the_rest_of_the_batch_goes_on(
    settings: Settings, small_ccl: Path, tmp_path: Path, name: str, content: bytes, reason: str
) -> None:
    bad = tmp_path / name
    bad.write_bytes(content)

    results = Ingester(settings).ingest([bad, small_ccl])

    failed, ok = results
    assert failed.status == "failed" and reason in failed.error
    assert ok.status == "added"
    assert [s.name for s in Registry(settings.registry_path).sources()] == [ok.source]


def test_cli_ingest_prints_a_summary_and_fails_on_a_bad_file(
    settings: Settings, small_ccl: Path, tmp_path: Path
) -> None:
    bad = tmp_path / "broken.pdf"
    bad.write_bytes(b"%PDF-1.7\n1 0 obj <<")
    env = {"STCE_HOME": str(settings.home)}

    result = runner.invoke(app, ["ingest", str(small_ccl), str(bad), "--list", "US CCL"], env=env)

    assert result.exit_code == 1
    assert "broken.pdf" in result.output and "failed" in result.output
    listed = runner.invoke(app, ["sources", "--json"], env=env)
    assert [s["list_label"] for s in json.loads(listed.stdout)] == ["US CCL"]


@pytest.mark.unit
@pytest.mark.parametrize(
    ("name", "content", "accepted", "reason"),
    [
        ("run.exe", b"MZ", INGESTED, "unsupported file type '.exe'"),
        ("list.xml", b"%PDF-1.7\n%%EOF", INGESTED, None),
        ("report.pdf", b"junk before the header " + b"%PDF-1.7\n%%EOF", INGESTED, None),
        ("report.pdf", b"this is not a PDF", INGESTED, "not a PDF"),
        ("notes.txt", b"\xff\xfe\x00", INGESTED, "binary content"),
        ("list.xml", b"2B350 pumps", INGESTED, "not XML"),
        ("big.txt", b"x" * 2_000_001, INGESTED, "too large"),
        ("goods.csv", b"a,b\n", INGESTED, "unsupported file type (CSV content)"),
        ("goods.csv", b"a,b\n", SCREENED, None),
        ("catalogue.txt", b"\xef\xbb\xbf <catalogue/>", SCREENED, "unsupported file type (XML content)"),
        ("sheet.xlsx", b"PK\x03\x04" + b"\x00" * 40, SCREENED, "save the sheet as CSV"),
    ],
)
def test_one_rule_decides_which_files_are_accepted(
    name: str, content: bytes, accepted: dict[Format, str], reason: str | None
) -> None:
    if reason is None:
        assert check_bytes(content, name, accepted, 2_000_000) in accepted
        return
    with pytest.raises(IngestError, match=re.escape(reason)):
        check_bytes(content, name, accepted, 2_000_000)


@pytest.mark.unit
def test_names_from_files_and_names_typed_are_made_safe() -> None:
    assert safe_file_name("../../etc/pass\x00wd.txt") == "etc-pass-wd.txt"
    assert safe_file_name("C:\\lists\\US CCL.xml") == "C-lists-US-CCL.xml"
    assert safe_file_name("\x01..", "upload") == "upload"
    assert safe_typed_name("  US  CCL\t2026/06 ") == "US CCL-2026-06"
    assert safe_typed_name("\x1b") == ""
