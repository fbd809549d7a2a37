"""The local-model run that tests/test_llm_local.py starts in a child process.

    python -m tests.llm_local_child MODEL.gguf HOME REPORT.json

llama.cpp is native code: if this build does not suit the CPU it dies with a signal, which would kill a
whole pytest run. Here it kills only this process; the test reads the report, or the signal.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from assistant.answer.ask import Assistant  # noqa: E402  (the offline switches must come first)
from assistant.answer.grounding import cited_numbers, same_quantity  # noqa: E402
from assistant.answer.llm import LLMAnswerer  # noqa: E402
from assistant.core.settings import Settings  # noqa: E402
from assistant.text.params import parse_quantities  # noqa: E402
from ingest.pipeline import Ingester  # noqa: E402
from tests.conftest import ccl_excerpt  # noqa: E402

QUESTION = "seal-less pump 2 m3/h hastelloy"
FOLLOW_UP = "and at 0.5 m3/h?"


class _Checked(logging.Handler):
    """Notes whether the grounding checks logged their verdict on the model's answer."""

    seen = False

    def emit(self, record: logging.LogRecord) -> None:
        if "LLM answer checked" in record.getMessage():
            _Checked.seen = True


def main(gguf: Path, home: Path, report: Path) -> None:
    logging.getLogger("assistant.answer.grounding").addHandler(_Checked())
    logging.getLogger("assistant.answer.grounding").setLevel(logging.INFO)
    source = home / "ccl-excerpt.xml"
    source.write_text(ccl_excerpt(), encoding="utf-8")
    settings = Settings(home=home / "home", llm_provider="llamacpp", llm_model_path=gguf, llm_timeout_s=300.0)
    Ingester(settings).ingest([source], name="ccl", version_label="2026-06", list_label="US CCL")
    extractive = Assistant(settings).extract(QUESTION)
    answerer = LLMAnswerer(settings)
    stream = answerer.stream(extractive)
    chunks = list(stream)
    answer, stats = stream.answer, stream.stats
    rewritten = answerer.stand_alone(FOLLOW_UP, [QUESTION])
    [asked] = parse_quantities(FOLLOW_UP)
    report.write_text(
        json.dumps(
            {
                "unavailable": answerer.unavailable,
                "mode": answer.mode,
                "chunks": stats.chunks,
                "first_chunk_s": stats.first_chunk_s,
                "seconds": stats.seconds,
                "checked": _Checked.seen,
                "joined_is_answer": "".join(chunks) == answer.markdown,
                "cited": sorted(set(cited_numbers(answer.markdown))),
                "given": sorted({c.n for c in extractive.citations + extractive.guidance}),
                "ends_with_extractive": answer.markdown.endswith(extractive.markdown),
                "rewrite_keeps_quantity": rewritten == FOLLOW_UP
                or any(same_quantity(asked, q) for q in parse_quantities(rewritten)),
            }
        )
    )


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]))
