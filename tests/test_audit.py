"""The audit trail: each question and answer, its cited entries and source versions, one JSON line each."""

from __future__ import annotations

import gzip
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.answer.ask import Assistant
from assistant.answer.audit import LEGACY_BACKUPS, AuditLog, archives
from assistant.core.settings import Settings
from assistant.storage.registry import Registry
from ingest.pipeline import Ingester
from tests.conftest import ROOT
from tests.procs import sample_answer


def test_an_answer_is_recorded_with_its_cited_entries_and_source_versions(settings: Settings, small_ccl: Path) -> None:
    with Ingester(settings) as ingester:
        ingester.ingest([small_ccl], name="ccl", version_label="2026-06", list_label="US CCL")
    answer = Assistant(settings).ask("seal-less pump, 2 m3/h, wetted parts Hastelloy")
    trail = AuditLog(settings)

    trail.record(answer)

    entry = trail.entries()[-1]
    [source] = Registry(settings.registry_path).sources()
    assert entry["question"] == answer.question and entry["answer"] == answer.markdown
    assert [c["entry"] for c in entry["candidates"]] == answer.entries
    assert entry["candidates"][0]["item"] == answer.candidates[0].item and answer.entries[0] == "2B350"
    assert entry["sources"] == {"ccl": source.version}
    assert {c["version_id"] for c in entry["citations"]} == {source.version_id}
    assert trail.path == settings.home / "audit" / "audit.jsonl"


@pytest.mark.unit
def test_the_audit_trail_can_be_turned_off(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path / "home", audit_log=False)

    AuditLog(settings).record(sample_answer("anything"))

    assert not (settings.home / "audit").exists()


@pytest.mark.unit
def test_the_trail_is_archived_compressed_and_never_deleted(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path / "home", audit_log_max_bytes=5_000)
    trail = AuditLog(settings)

    for n in range(100):
        trail.record(sample_answer(f"question {n}"))

    kept = archives(trail.path.parent)
    assert len(kept) > LEGACY_BACKUPS + 1, "more archives than the old rotation kept"
    assert [p.name for p in kept] == [f"audit-{n:06d}.jsonl.gz" for n in range(1, len(kept) + 1)]
    assert all(gzip.decompress(p.read_bytes()).endswith(b"}\n") for p in kept), "whole lines, gzip-compressed"
    assert trail.path.stat().st_size <= 5_000
    assert [e["question"] for e in trail.entries()] == [f"question {n}" for n in range(100)], "every line, in order"


@pytest.mark.unit
def test_audit_keep_limits_the_archives(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STCE_AUDIT_KEEP", "2")
    settings = Settings(home=tmp_path / "home", audit_log_max_bytes=5_000)
    trail = AuditLog(settings)

    for n in range(100):
        trail.record(sample_answer(f"question {n}"))

    kept = archives(trail.path.parent)
    questions = [e["question"] for e in trail.entries()]
    assert len(kept) == 2 and kept[-1].name != "audit-000002.jsonl.gz", "the oldest archives went"
    assert questions == [f"question {n}" for n in range(100 - len(questions), 100)], "the newest lines, in order"


@pytest.mark.unit
def test_the_trail_is_private(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path / "home", audit_log_max_bytes=5_000)
    trail = AuditLog(settings)

    for n in range(30):
        trail.record(sample_answer(f"question {n}"))

    assert stat.S_IMODE(trail.path.parent.stat().st_mode) == 0o700
    files = [trail.path, *archives(trail.path.parent)]
    assert len(files) > 1 and all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in files)


@pytest.mark.slow
def test_processes_writing_the_trail_at_once_lose_no_line(tmp_path: Path) -> None:
    home = tmp_path / "home"
    writers = [
        subprocess.Popen([sys.executable, "-m", "tests.procs", "audit", str(home), "60", "80000"], cwd=ROOT)
        for _ in range(4)
    ]

    assert [w.wait(timeout=120) for w in writers] == [0] * 4
    entries = AuditLog(Settings(home=home)).entries()
    assert len(entries) == 4 * 60
    assert len({e["question"] for e in entries}) == 4 * 60
    assert len(archives(home / "audit")) >= 2, "the processes archived the file"
