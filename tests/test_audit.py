"""The audit trail: each question and answer, its cited entries and source versions, one JSON line each."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from assistant.ask import Assistant
from assistant.audit import BACKUPS, AuditLog
from assistant.registry import Registry
from assistant.settings import Settings
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


def test_the_audit_trail_can_be_turned_off(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path / "home", audit_log=False)

    AuditLog(settings).record(sample_answer("anything"))

    assert not (settings.home / "audit").exists()


def test_the_trail_rotates_by_size_and_keeps_whole_lines(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path / "home", audit_log_max_bytes=5_000)
    trail = AuditLog(settings)

    for n in range(40):
        trail.record(sample_answer(f"question {n}"))

    files = sorted(trail.path.parent.glob("audit.jsonl*"))
    assert [f.name for f in files if not f.name.endswith(".lock")] == [
        "audit.jsonl", *[f"audit.jsonl.{n}" for n in range(1, BACKUPS + 1)]
    ]
    assert all(f.stat().st_size <= 5_000 for f in files)
    questions = [e["question"] for e in trail.entries()]
    assert questions == [f"question {n}" for n in range(40 - len(questions), 40)], "the newest lines, in order"


@pytest.mark.slow
def test_processes_writing_the_trail_at_once_lose_no_line(tmp_path: Path) -> None:
    home = tmp_path / "home"
    writers = [subprocess.Popen([sys.executable, "-m", "tests.procs", "audit", str(home), "60", "80000"], cwd=ROOT)
               for _ in range(4)]

    assert [w.wait(timeout=120) for w in writers] == [0] * 4
    entries = AuditLog(Settings(home=home)).entries()
    assert len(entries) == 4 * 60
    assert len({e["question"] for e in entries}) == 4 * 60
    assert len(list((home / "audit").glob("audit.jsonl.*[0-9]"))) >= 2, "the processes rotated the file"
