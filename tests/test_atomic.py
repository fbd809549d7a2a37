"""Atomic re-ingest: a writer killed with SIGKILL at any point leaves one whole version served, and
readers in other processes see one version at a time, then the new one without a restart.

The writer and the readers are real processes (`tests/procs.py`) on one embedded Chroma directory.
Versions of a list are the real eCFR cut to nine ECCNs: B changes every entry heading, so every
passage of B is new text and a re-ingest from A to B spends its time embedding and adding vectors; C
changes one threshold, so a re-ingest from A to C embeds a passage or two and reaches each step fast.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from assistant.answer.ask import Assistant
from assistant.core.settings import Settings
from assistant.storage.registry import Registry
from ingest.pipeline import Ingester
from tests.conftest import ROOT, SMALL_CCL_CODES, ccl_excerpt
from ui.cli import app

pytestmark = pytest.mark.slow

CODES = (*SMALL_CCL_CODES, "2B004", "2B226", "2B351")
SOURCE = "ccl"
runner = CliRunner()


@dataclass(frozen=True)
class Versions:
    """The version files by label, and their content hashes (the registry records which one is live)."""

    files: dict[str, Path]
    hashes: dict[str, str]

    def label_of(self, content_hash: str) -> str:
        return next(label for label, h in self.hashes.items() if h == content_hash)


@dataclass(frozen=True)
class Template:
    """A data directory holding version A, and how long A's ingest took after the model loaded."""

    home: Path
    work_s: float


@pytest.fixture(scope="module")
def versions(tmp_path_factory: pytest.TempPathFactory) -> Versions:
    folder = tmp_path_factory.mktemp("versions")
    a = ccl_excerpt(CODES)
    texts = {
        "A": a,
        "B": re.sub(r"<FP-2><B>(\d[A-E]\d{3}) ", r"<FP-2><B>\1 Amended: ", a),
        "C": a.replace("greater than 0.6 m", "greater than 0.7 m"),
    }
    files = {label: folder / f"ccl-{label.lower()}.xml" for label in texts}
    for label, text in texts.items():
        files[label].write_text(text, encoding="utf-8")
    return Versions(files, {label: hashlib.sha256(f.read_bytes()).hexdigest() for label, f in files.items()})


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory, versions: Versions) -> Template:
    home = tmp_path_factory.mktemp("template") / "home"
    events = finish(start_writer(home, versions.files["A"], "A", tmp_path_factory.mktemp("log")))
    assert events[-1]["event"] == "done" and events[-1]["results"][0]["status"] == "added"
    return Template(home, events[-1]["t"] - first(events, "progress")["t"])


@pytest.fixture
def home(template: Template, tmp_path: Path) -> Path:
    """A copy of the template: each test starts from version A, live, with no writer running."""
    return Path(shutil.copytree(template.home, tmp_path / "home"))


@dataclass
class Writer:
    """A writer process and the file its events go to, one JSON object a line."""

    proc: subprocess.Popen[bytes]
    log: Path

    def events(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.log.read_text().splitlines() if line.startswith("{")]


def start_writer(home: Path, path: Path, label: str, logs: Path, die_at: str | None = None) -> Writer:
    log = logs / f"writer-{time.monotonic_ns()}.jsonl"
    command = [sys.executable, "-m", "tests.procs", "ingest", str(home), str(path), SOURCE, label]
    with log.open("wb") as out, log.with_suffix(".err").open("wb") as err:
        proc = subprocess.Popen(command + (["--die-at", die_at] if die_at else []), cwd=ROOT, stdout=out, stderr=err)
    return Writer(proc, log)


def finish(writer: Writer, timeout: float = 300) -> list[dict[str, Any]]:
    writer.proc.wait(timeout=timeout)
    return writer.events()


def first(events: list[dict[str, Any]], kind: str) -> dict[str, Any]:
    return next(e for e in events if e["event"] == kind)


def wait_for_work(writer: Writer, timeout: float = 120) -> None:
    """Until the writer has read its file (its recovery of earlier leftovers is done by then)."""
    deadline = time.monotonic() + timeout
    while not any(e["event"] == "progress" for e in writer.events()):
        assert writer.proc.poll() is None, writer.log.with_suffix(".err").read_text()[-3000:]
        assert time.monotonic() < deadline, "the writer never started its work"
        time.sleep(0.02)


@dataclass(frozen=True)
class State:
    """What every reader and `stce sources` can see, and what lies in Chroma and the registry."""

    live_label: str
    version_id: str
    pending: set[str]
    vectors: Counter[str]
    snapshot: str
    snapshots: list[str]


def observe(home: Path, assistant: Assistant, versions: Versions) -> State:
    """Check that the index serves exactly one whole version, and return what is stored."""
    listed = runner.invoke(app, ["sources", "--json"], env={"STCE_HOME": str(home)})
    assert listed.exit_code == 0, listed.output
    [row] = json.loads(listed.stdout)
    assert row["name"] == SOURCE
    view = assistant.index.view()
    assert {p.version_id for p in view.snapshot.passages} == {row["version_id"]}, "the snapshot mixes versions"
    assert len(view.snapshot.passages) == row["passages"]
    stored = view.store.collection.get(include=["metadatas"])["metadatas"] or []
    vectors = Counter(m["version_id"] for m in stored)
    assert vectors[row["version_id"]] == row["passages"], "the live version's vectors are not all there"

    answer = assistant.ask("seal-less pump, 2 m3/h, wetted parts Hastelloy")
    assert answer.entries[0] == "2B350"
    assert {c.passage.version_id for c in answer.citations} == {row["version_id"]}, "an answer mixes versions"

    registry = Registry(Settings(home=home).registry_path)
    pending = set(registry.pending())
    assert set(vectors) - {row["version_id"]} <= pending, "vectors of a version nobody will clean up"
    snapshots = sorted(p.name for p in (home / "snapshots").iterdir())
    return State(
        versions.label_of(row["content_hash"]), row["version_id"], pending, vectors, registry.state()[1], snapshots
    )


def landed(before: State, after: State, events: list[dict[str, Any]]) -> str:
    """Where the kill hit, read from what the killed writer left behind."""
    if any(e["event"] == "done" for e in events):
        return "after the writer finished"
    if after.version_id != before.version_id:
        if after.vectors[before.version_id]:
            return "after the commit, before the old vectors were deleted"
        return "after the commit and the clean-up"
    new = after.pending  # the next writer's recovery had emptied it: what is pending now, the killed one left
    if new:
        if any(name.endswith(".tmp") for name in after.snapshots):
            return "writing the new snapshot"
        if any(name > after.snapshot for name in after.snapshots):
            return "between the snapshot and the commit"
        return f"adding vectors ({sum(after.vectors[v] for v in new)} written)"
    return "splitting or embedding" if any(e["event"] == "progress" for e in events) else "reading the file"


def next_ingest_succeeds(home: Path, assistant: Assistant, versions: Versions, logs: Path, target: str) -> None:
    """The next writer cleans up what the killed ones left and commits; readers switch to it."""
    events = finish(start_writer(home, versions.files[target], target, logs))
    assert events[-1]["event"] == "done" and events[-1]["results"][0]["status"] == "updated", events[-1:]
    final = observe(home, assistant, versions)
    assert final.live_label == target
    assert set(final.vectors) == {final.version_id}, "vectors of an uncommitted or replaced version remain"
    assert final.pending == set()
    assert len(final.snapshots) <= 2


def test_a_writer_killed_at_each_step_leaves_one_whole_version(home: Path, versions: Versions, tmp_path: Path) -> None:
    assistant = Assistant(Settings(home=home))
    steps = [  # the function the writer dies on entering, and what it leaves behind
        ("PassageStore.delete_versions", r"after the commit, before the old vectors were deleted"),
        ("PassageStore.add", r"adding vectors \(0 written\)"),
        ("Snapshot.write", r"adding vectors \([1-9]\d* written\)"),
        ("Registry.commit", r"between the snapshot and the commit"),
    ]
    state = observe(home, assistant, versions)
    for die_at, expected in steps:
        target = "C" if state.live_label == "A" else "A"
        writer = start_writer(home, versions.files[target], target, tmp_path, die_at=die_at)
        assert writer.proc.wait(timeout=300) == -signal.SIGKILL, f"the writer did not reach {die_at}"

        after = observe(home, assistant, versions)
        where = landed(state, after, writer.events())
        assert re.fullmatch(expected, where), (die_at, where)
        assert after.live_label == (target if die_at == "PassageStore.delete_versions" else state.live_label)
        state = after

    next_ingest_succeeds(home, assistant, versions, tmp_path, "C" if state.live_label == "A" else "A")


def test_a_writer_killed_at_random_points_leaves_one_whole_version(
    home: Path, template: Template, versions: Versions, tmp_path: Path
) -> None:
    assistant = Assistant(Settings(home=home))
    seed = int(os.environ.get("STCE_TEST_SEED") or random.SystemRandom().randrange(2**32))
    print(f"\nkill delays drawn with seed {seed} (STCE_TEST_SEED={seed} repeats them)")
    rng = random.Random(seed)
    state = observe(home, assistant, versions)
    report = []
    work_s = template.work_s
    for _ in range(5):
        target = "B" if state.live_label == "A" else "A"
        writer = start_writer(home, versions.files[target], target, tmp_path)
        wait_for_work(writer)
        delay = rng.uniform(0.0, 1.2) * work_s
        time.sleep(delay)
        writer.proc.send_signal(signal.SIGKILL)
        writer.proc.wait(timeout=60)

        after = observe(home, assistant, versions)
        events = writer.events()
        report.append(f"{delay:.1f} s of {work_s:.1f} s: {landed(state, after, events)}, {after.live_label} served")
        if events[-1]["event"] == "done":  # the writer beat the kill: on this machine's load a run takes this long
            work_s = events[-1]["t"] - first(events, "progress")["t"]
        state = after

    print("\nkills landed:\n  " + "\n  ".join(report))
    next_ingest_succeeds(home, assistant, versions, tmp_path, "B" if state.live_label == "A" else "A")


def test_four_readers_see_one_version_per_answer_and_then_the_new_one(
    home: Path, versions: Versions, tmp_path: Path
) -> None:
    settings = Settings(home=home)
    old = Registry(settings.registry_path).source(SOURCE)
    stop = tmp_path / "ingested"
    logs = [tmp_path / f"reader-{n}.jsonl" for n in range(4)]
    readers = []
    for log in logs:
        with log.open("wb") as out, log.with_suffix(".err").open("wb") as err:
            readers.append(
                subprocess.Popen(
                    [sys.executable, "-m", "tests.procs", "read", str(home), SOURCE, str(stop), "--after", "3"],
                    cwd=ROOT,
                    stdout=out,
                    stderr=err,
                )
            )
    try:
        deadline = time.monotonic() + 180
        while not all(answers(log) for log in logs):
            assert all(r.poll() is None for r in readers), [log.with_suffix(".err").read_text()[-2000:] for log in logs]
            assert time.monotonic() < deadline, "the readers never answered"
            time.sleep(0.1)
        started = time.time()
        with Ingester(settings) as writer:
            [result] = writer.ingest([versions.files["B"]], name=SOURCE, version_label="B")
        ended = time.time()
        stop.touch()
        for reader in readers:
            reader.wait(timeout=180)
    finally:
        for reader in readers:
            reader.kill()
    new = Registry(settings.registry_path).source(SOURCE)
    assert result.status == "updated" and old is not None and new is not None

    events = [e for log in logs for e in answers(log)]
    errors = [e for e in events if e["event"] != "answer"]
    assert errors == []
    assert all(len(e["versions"]) == 1 and e["entries"] for e in events), "an answer mixed versions or was empty"
    seen = Counter(e["versions"][0] for e in events)
    assert set(seen) == {old.version_id, new.version_id}
    during = [e for e in events if started <= e["t"] <= ended]
    after = [e for e in events if e["stopped"]]
    assert during, "no reader answered while the list was re-ingested"
    assert len(after) >= 4 * 3 and all(e["versions"] == [new.version_id] for e in after), "a reader kept the old list"
    print(
        f"\n{len(events)} answers by 4 readers, {len(during)} during the {ended - started:.1f} s re-ingest, "
        f"{len(errors)} errors; versions seen: old {seen[old.version_id]}, new {seen[new.version_id]}"
    )


def answers(log: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
