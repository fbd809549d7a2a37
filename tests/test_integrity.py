"""Damage to the index is found, refused and repaired: each case on a copy of a real small index.

The template index is the real eCFR cut to a few ECCNs, ingested once. Its Chroma collection is made
with a small HNSW sync threshold, so that its vectors live in the HNSW folder as those of a full-size
index do (with the default threshold of 1000, Chroma would still hold 90 vectors in its log and a lost
folder would do no harm): deleting that folder then gives the "Error finding id" of a real index.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from assistant.answer.ask import Assistant
from assistant.core.errors import IndexDamaged
from assistant.core.settings import Settings
from assistant.storage.embeddings import MiniLMEmbeddings
from assistant.storage.integrity import check, kept_path
from assistant.storage.registry import Registry
from assistant.storage.snapshot import file_checksum
from assistant.storage.store import PassageStore, _results_to_hits, make_client
from ingest.pipeline import Ingester
from tests.conftest import ROOT, ccl_excerpt
from ui.cli import app

QUESTIONS = (
    "seal-less pump, 2 m3/h, wetted parts Hastelloy",
    "frequency converter, multiphase output 600 Hz to 2000 Hz, 40 VA",
    "CAS 111-48-8",
    "2B350.i",
)
runner = CliRunner()


def answers(home: Path) -> list[tuple[Any, ...]]:
    """What an officer sees for each question: the decision, the entries and the passages cited."""
    assistant = Assistant(Settings(home=home, audit_log=False))
    try:
        return [(a.decision, a.entries, [c.passage.id for c in a.citations]) for a in map(assistant.extract, QUESTIONS)]
    finally:
        assistant.index.close()


def stce(home: Path, *args: str) -> Any:
    return runner.invoke(app, list(args), env={"STCE_HOME": str(home), "STCE_AUDIT_LOG": "false"})


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("source") / "ccl-excerpt.xml"
    path.write_text(ccl_excerpt(), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory, source: Path) -> tuple[Path, list[tuple[Any, ...]]]:
    """A sound index of the excerpt, and the answers it gives (read from a copy: the template stays closed)."""
    home = tmp_path_factory.mktemp("template") / "home"
    settings = Settings(home=home)
    client = make_client(settings)
    client.get_or_create_collection(
        settings.collection,
        embedding_function=MiniLMEmbeddings(),
        configuration={"hnsw": {"space": "cosine", "sync_threshold": 10, "batch_size": 10}},
    )
    with Ingester(settings, client) as ingester:
        [result] = ingester.ingest([source])
    client.close()
    assert result.status == "added" and result.passages > 50
    baseline = answers(Path(shutil.copytree(home, tmp_path_factory.mktemp("baseline") / "home")))
    assert baseline[0][1][0] == "2B350" and baseline[1][1][0] == "3A225"
    return home, baseline


@pytest.fixture
def home(template: tuple[Path, list[tuple[Any, ...]]], tmp_path: Path) -> Path:
    return Path(shutil.copytree(template[0], tmp_path / "home"))


@pytest.fixture
def baseline(template: tuple[Path, list[tuple[Any, ...]]]) -> list[tuple[Any, ...]]:
    return template[1]


def snapshot_dir(home: Path) -> Path:
    return home / "snapshots" / Registry(home / "registry.sqlite").state()[1]


def refused(home: Path, source: Path, *names: str) -> None:
    """Readers refuse the index, `stce index check` names the problem, and an ingest will not build on it."""
    with pytest.raises(IndexDamaged, match="stce index repair") as damaged:
        answers(home)
    assert any(name in str(damaged.value) for name in names), damaged.value
    checked = stce(home, "index", "check")
    assert checked.exit_code == 1, checked.output
    assert any(name in checked.output for name in names), checked.output
    changed = source.with_name("changed.xml")
    changed.write_text(source.read_text(encoding="utf-8").replace("greater than 0.6 m", "greater than 0.7 m"))
    before = sorted(p.name for p in (home / "snapshots").iterdir())
    ingested = stce(home, "ingest", str(changed), "--name", "ccl-excerpt")
    said = " ".join(ingested.output.split())  # the error console wraps long lines
    assert ingested.exit_code == 2 and "nothing was written. The index is damaged: run `stce index repair`" in said, (
        said
    )
    assert sorted(p.name for p in (home / "snapshots").iterdir()) == before, "an ingest built on a damaged index"


def repaired(home: Path, baseline: list[tuple[Any, ...]], *actions: str) -> str:
    """`stce index repair` says what it did, leaves a sound index and the answers of the undamaged one."""
    result = stce(home, "index", "repair")
    assert result.exit_code == 0, result.output
    for action in actions:
        assert action in result.output, result.output
    assert check(Settings(home=home)) == []
    assert stce(home, "index", "check").exit_code == 0
    assert answers(home) == baseline
    return result.output


def test_a_sound_index_checks_clean_and_keeps_its_source(home: Path, source: Path) -> None:
    result = stce(home, "index", "check")
    assert result.exit_code == 0 and "index sound" in result.output, result.output
    [row] = Registry(home / "registry.sqlite").sources()
    kept = kept_path(Settings(home=home), row)
    assert kept.read_bytes() == source.read_bytes() and file_checksum(kept) == row.content_hash
    assert Registry(home / "registry.sqlite").live()[2] == file_checksum(snapshot_dir(home) / "manifest.json")
    result = stce(home, "index", "repair")
    assert result.exit_code == 0 and "nothing to repair" in result.output, result.output


def test_a_line_cut_from_the_passage_table(home: Path, source: Path, baseline: list[tuple[Any, ...]]) -> None:
    table = snapshot_dir(home) / "passages.jsonl"
    lines = table.read_text(encoding="utf-8").splitlines(keepends=True)
    lines.remove(next(line for line in lines if '"entry": "3A225"' in line))
    table.write_text("".join(lines), encoding="utf-8")
    refused(home, source, str(table))
    repaired(home, baseline, "from the kept sources")


def test_a_lost_chroma_sqlite3(home: Path, source: Path, baseline: list[tuple[Any, ...]]) -> None:
    (home / "chroma" / "chroma.sqlite3").unlink()
    refused(home, source, str(home / "chroma"))
    assert "have no vector" in stce(home, "index", "check").output
    [row] = Registry(home / "registry.sqlite").sources()
    output = repaired(home, baseline, f"added {row.passages} missing vectors ({row.passages} embedded, 0 reused)")
    assert "snapshot" not in output, "a sound snapshot was rewritten"


def test_a_lost_hnsw_folder(home: Path, source: Path, baseline: list[tuple[Any, ...]]) -> None:
    [folder] = [p for p in (home / "chroma").iterdir() if p.is_dir()]
    shutil.rmtree(folder)
    refused(home, source, "Error finding id")
    repaired(home, baseline, "emptied the vector store", "missing vectors")


def test_a_lost_registry(home: Path, source: Path, baseline: list[tuple[Any, ...]]) -> None:
    before = json.loads(stce(home, "sources", "--json").stdout)
    (home / "registry.sqlite").unlink()
    refused(home, source, "registry.sqlite")
    assert "orphans" in stce(home, "index", "check").output
    repaired(home, baseline, "restored the registry from snapshot g00000001: 1 sources")
    assert json.loads(stce(home, "sources", "--json").stdout) == before


def test_a_lost_kept_copy(home: Path, source: Path, baseline: list[tuple[Any, ...]]) -> None:
    [row] = Registry(home / "registry.sqlite").sources()
    kept = kept_path(Settings(home=home), row)
    kept.unlink()
    checked = stce(home, "index", "check")
    assert checked.exit_code == 1 and str(kept) in checked.output and "is missing" in checked.output, checked.output
    # With the snapshot damaged too, nothing can be rebuilt: repair says which file it needs and changes nothing.
    table = snapshot_dir(home) / "passages.jsonl"
    table.write_text("".join(table.read_text(encoding="utf-8").splitlines(keepends=True)[1:]), encoding="utf-8")
    result = stce(home, "index", "repair")
    assert result.exit_code == 1 and "cannot rebuild ccl-excerpt" in result.output, result.output
    with pytest.raises(IndexDamaged):
        answers(home)
    result = stce(home, "index", "repair", str(source))
    assert result.exit_code == 0 and f"kept {source}" in result.output, result.output
    assert kept.read_bytes() == source.read_bytes()
    assert answers(home) == baseline


def test_an_index_written_before_checksums_is_read_and_repair_records_them(
    home: Path, baseline: list[tuple[Any, ...]]
) -> None:
    (snapshot_dir(home) / "manifest.json").unlink()
    with sqlite3.connect(home / "registry.sqlite") as db:
        db.execute("DELETE FROM state WHERE key = 'checksum'")
    db.close()
    assert answers(home) == baseline
    checked = stce(home, "index", "check")
    assert checked.exit_code == 1 and "no checksum recorded" in checked.output, checked.output
    repaired(home, baseline, "with the checksums g00000001 was written without")


def test_an_empty_home_checks_clean_and_stays_empty(tmp_path: Path) -> None:
    result = stce(tmp_path / "home", "index", "check")
    assert result.exit_code == 0 and "index sound" in result.output, result.output
    assert not (tmp_path / "home").exists()


def test_ingest_restores_a_lost_kept_copy_of_an_unchanged_source(home: Path, source: Path) -> None:
    [row] = Registry(home / "registry.sqlite").sources()
    kept = kept_path(Settings(home=home), row)
    kept.unlink()
    result = stce(home, "ingest", str(source), "--name", "ccl-excerpt")
    assert result.exit_code == 0 and "unchanged" in result.output, result.output
    assert file_checksum(kept) == row.content_hash and check(Settings(home=home)) == []


def test_force_reingests_an_unchanged_source(home: Path, source: Path, baseline: list[tuple[Any, ...]]) -> None:
    [old] = Registry(home / "registry.sqlite").sources()
    result = stce(home, "ingest", str(source), "--name", "ccl-excerpt", "--force")
    assert result.exit_code == 0 and "updated" in result.output, result.output
    [new] = Registry(home / "registry.sqlite").sources()
    assert new.content_hash == old.content_hash and new.version_id != old.version_id
    assert check(Settings(home=home)) == [], "the forced version left stray vectors or files"
    store = PassageStore.open(Settings(home=home))
    assert store.count() == new.passages
    store.client.close()
    assert [(d, e) for d, e, _ in answers(home)] == [(d, e) for d, e, _ in baseline]


def test_a_vector_deleted_by_another_process_is_a_changed_store(home: Path) -> None:
    """While a writer deletes vectors, a reader's Chroma can still find them and give `None` for their record:
    a reader must take that for a changed store (`IndexDamaged`, retried on a fresh view), not crash."""
    store = PassageStore.open(Settings(home=home))
    [version] = [s.version_id for s in Registry(home / "registry.sqlite").sources()]
    query = store.embedding.embed_query(["seal-less pump, wetted parts Hastelloy"])
    first = store.collection.query(query_embeddings=query, n_results=5, include=["documents", "metadatas", "distances"])
    assert len(_results_to_hits(first, "passages")) == 5
    writer = (
        "import sys; from assistant.core.settings import Settings; from assistant.storage.store import PassageStore; "
        "store = PassageStore.open(Settings(home=sys.argv[1])); store.delete_versions([sys.argv[2]])"
    )
    subprocess.run([sys.executable, "-c", writer, str(home), version], cwd=ROOT, check=True, timeout=300)
    after = store.collection.query(query_embeddings=query, n_results=5, include=["documents", "metadatas", "distances"])
    assert None in after["metadatas"][0], "Chroma no longer returns deleted vectors without their records"
    with pytest.raises(IndexDamaged, match="has no passage record"):
        _results_to_hits(after, "passages")
    store.client.close()
