"""Ingestion end to end: real documents into a real Chroma store in a temp directory."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.index import LiveIndex
from assistant.registry import Registry
from assistant.settings import Settings
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
    assert "2B350.i" in second.changes["changed"] and "0.7" in second.changes["diffs"]["2B350.i"]
    assert live_texts(settings, "notes"), "the other source is untouched"


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


def test_cli_ingest_prints_a_summary_and_fails_on_a_bad_file(settings: Settings, small_ccl: Path, tmp_path: Path) -> None:
    bad = tmp_path / "broken.pdf"
    bad.write_bytes(b"%PDF-1.7\n1 0 obj <<")
    env = {"STCE_HOME": str(settings.home)}

    result = runner.invoke(app, ["ingest", str(small_ccl), str(bad), "--list", "US CCL"], env=env)

    assert result.exit_code == 1
    assert "broken.pdf" in result.output and "failed" in result.output
    listed = runner.invoke(app, ["sources", "--json"], env=env)
    assert [s["list_label"] for s in json.loads(listed.stdout)] == ["US CCL"]
