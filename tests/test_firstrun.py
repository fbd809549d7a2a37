"""A fresh install: the lists prepared on first start from STCE_LISTS_DIR, answers while they are prepared, and
never "no entry fits" when no control list is loaded."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from assistant.answer import render
from assistant.answer.ask import Assistant
from assistant.answer.screen import screen
from assistant.core.settings import Settings
from assistant.storage import preparing
from assistant.storage.preparing import Preparation
from assistant.storage.registry import Registry
from assistant.text.messages import message
from ingest.fetch import RECORD_SUFFIX
from ingest.firststart import list_files, needed
from ingest.lineitems import LineItem
from ingest.pipeline import Ingester
from ingest.starter import ensure_starter_corpus
from tests.conftest import ROOT, SOURCES, ccl_excerpt

ANTHRAX = "Courier parcel UN2814, invoice: Bacillus anthracis, isolated live culture, 2 cryovials"
EXCERPT_CODES = ("1C350", "1C351", "2B350", "2B352", "3A225")


def lists_folder(folder: Path, justice: bool = True) -> Path:
    """A small lists folder as `stce lists fetch` leaves one: a real eCFR excerpt with its fetch record (issue
    date), and (`justice`) Justice Canada's SOR/2000-210 as published."""
    folder.mkdir(parents=True, exist_ok=True)
    ccl = folder / "ccl_supp1.xml"
    ccl.write_text(ccl_excerpt(EXCERPT_CODES), encoding="utf-8")
    record = {"url": "https://www.ecfr.gov/api/versioner/v1/full/2026-06-01/title-15.xml", "version": "2026-06-01"}
    ccl.with_name(ccl.name + RECORD_SUFFIX).write_text(json.dumps(record), encoding="utf-8")
    if justice:
        shutil.copy(SOURCES / "ca-nuclear" / "SOR-2000-210.xml", folder)
    return folder


@pytest.fixture(scope="module")
def curriculum_only(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    settings = Settings(home=tmp_path_factory.mktemp("curriculum") / "home")
    ensure_starter_corpus(settings)
    return Assistant(settings)


@pytest.mark.parametrize(("question", "lang"), [(ANTHRAX, "en"), ("réacteur émaillé de 3000 litres", "fr")])
def test_a_home_with_curriculum_only_says_no_control_list_is_loaded(
    curriculum_only: Assistant, question: str, lang: str
) -> None:
    answer = curriculum_only.ask(question)

    assert answer.decision == "no-list" and answer.falls_to == {}, answer.markdown
    assert render.decision_line(answer) == message("no_list", lang)
    assert "stce lists fetch" in answer.markdown and render.escape_md(render.NO_MATCH) not in answer.markdown
    assert render.answer_json(answer)["decision"] == "no-list"


def test_stce_ask_json_over_curriculum_only_says_no_control_list_is_loaded(curriculum_only: Assistant) -> None:
    from typer.testing import CliRunner

    from ui.cli import app

    env = {"STCE_HOME": str(curriculum_only.settings.home), "STCE_LISTS_DIR": ""}  # no folder of lists either

    result = CliRunner().invoke(app, ["ask", "--json", ANTHRAX], env=env)

    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert answer["decision"] == "no-list" and answer["decided_by"] == "no_control_list_is_searched"
    assert answer["decision_line"] == message("no_list", "en")
    assert "No control list is loaded" in result.stderr and "stce lists fetch" in result.stderr


def test_screening_over_curriculum_only_flags_every_line_no_list_never_no_match(curriculum_only: Assistant) -> None:
    items = [
        LineItem(1, ANTHRAX),
        LineItem(2, "Glass-lined reactor, 3 000 L", declared="2B350"),
        LineItem(3, "Wooden office chairs", declared="EAR99"),
    ]

    results = screen(curriculum_only.ask, items)

    assert [(r.item.line, r.flag) for r in results] == [(1, "no-list"), (2, "no-list"), (3, "no-list")]
    assert all(r.reason == message("no_list", "en") and r.answer.decision == "no-list" for r in results)
    assert not any(r.disagreement for r in results)  # no classification of ours to disagree with


def test_a_selection_without_a_control_list_names_the_lists_to_choose(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path / "home")
    xml = tmp_path / "ccl.xml"
    xml.write_text(ccl_excerpt(EXCERPT_CODES), encoding="utf-8")
    Ingester(settings).ingest([xml], name="us-ccl", list_label="US CCL")
    ensure_starter_corpus(settings)
    assistant = Assistant(settings)

    chosen = assistant.ask(ANTHRAX, lists=["STCE curriculum"])
    everything = assistant.ask(ANTHRAX)

    assert chosen.decision == "no-list" and "(US CCL)" in render.decision_line(chosen)
    assert everything.decision == "likely-controlled" and everything.entries[0] == "1C351"


def test_an_answer_during_preparation_names_the_lists_not_searched_yet(curriculum_only: Assistant) -> None:
    home = curriculum_only.settings.home
    preparing.write(home, Preparation(["US CCL", "NO List II"], "US CCL", "embed", 10, 2552, 1, 2))
    try:
        answer = curriculum_only.ask(ANTHRAX)
    finally:
        preparing.write(home, None)

    assert answer.preparing == ("US CCL", "NO List II")
    assert message("preparing", "en", lists="US CCL, NO List II") in answer.markdown.replace("\\", "")


@pytest.mark.unit
def test_a_dead_preparer_is_no_preparation(tmp_path: Path) -> None:
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    preparing.write(tmp_path, Preparation(["US CCL"], pid=int(dead.stdout)))

    assert preparing.read(tmp_path) is None
    # and a new start takes the interrupted preparation up again
    assert needed(Settings(home=tmp_path))


@pytest.mark.unit
def test_a_preparer_that_ended_unreaped_is_no_preparation(tmp_path: Path) -> None:
    # a zombie still answers kill(pid, 0): the UI once showed "Preparing" for ever over a killed, unreaped child
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    try:
        os.waitid(os.P_PID, child.pid, os.WEXITED | os.WNOWAIT)  # it has ended; it is not reaped yet
        preparing.write(tmp_path, Preparation(["US CCL"], pid=child.pid))

        assert preparing.read(tmp_path) is None
    finally:
        child.wait()


def test_the_ui_preparer_outlives_the_thread_that_started_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The UI starts the preparation in its start-up thread, which ends once the model is loaded; the child's
    parent-death signal follows the thread that started it, which once killed the preparation half way."""
    from ui import resources

    monkeypatch.setenv("STCE_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("STCE_LISTS_DIR", str(lists_folder(tmp_path / "lists", justice=False)))
    settings = Settings()
    owners: list[threading.Thread | None] = []
    starter = threading.Thread(target=lambda: owners.append(resources.start_preparation(settings)))
    starter.start()
    starter.join()  # the thread that started the child has ended, as the UI's start-up thread does
    (owner,) = owners
    assert owner is not None

    owner.join(timeout=900)

    assert not owner.is_alive()
    lists = [s.name for s in Registry(settings.registry_path, read_only=True).sources() if s.kind == "control-list"]
    assert lists == ["us-ccl"], (settings.home / resources.PREPARE_LOG).read_text(encoding="utf-8")[-3000:]
    assert not needed(settings) and not preparing.status_path(settings.home).exists()


@pytest.mark.unit
def test_the_official_files_come_first_in_their_order(tmp_path: Path) -> None:
    names = [f.name for f in list_files(SOURCES)]

    assert names[:5] == ["us-ccl", "no-list-ii", "ca-nsg-en", "ca-nsg-fr", "no-list-i"]
    assert [f.path.name for f in list_files(SOURCES)][5:] == ["ccats-publishers-table-2018.pdf"]


def test_stce_ask_on_a_fresh_home_prepares_the_lists_and_answers_dated(tmp_path: Path) -> None:
    home = tmp_path / "home"
    env = {**os.environ, "STCE_HOME": str(home), "STCE_LISTS_DIR": str(lists_folder(tmp_path / "lists"))}
    command = [sys.executable, "-c", "from ui.cli import app; app()", "ask", "--json", ANTHRAX]

    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)

    assert done.returncode == 0, done.stderr[-3000:]
    assert "First start: preparing the control lists" in done.stderr
    answer = json.loads(done.stdout)
    assert answer["decision"] == "likely-controlled" and answer["entries"][0] == "1C351", answer["decision_line"]
    cited = next(c for c in answer["citations"] if c["entry"].startswith("1C351"))
    assert cited["version_label"] == "2026-06-01" and answer["preparing"] == []
    versions = {s.name: s.version_label for s in Registry(Settings(home=home).registry_path).sources()}
    assert versions["us-ccl"] == "2026-06-01" and versions["ca-nsg-en"] == "2026-04-01"
    assert not preparing.status_path(home).exists() and not needed(Settings(home=home))
