"""Answering on a real index: a real eCFR excerpt and the starter corpus, the real model."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.ask import Assistant
from assistant.codes import find_cas, find_codes
from assistant.errors import QuestionError
from assistant.settings import Settings
from ingest.pipeline import Ingester
from ingest.starter import ensure_starter_corpus
from tests.conftest import ROOT, ccl_excerpt


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("ask") / "home"
    xml = home.parent / "ccl.xml"
    xml.write_text(ccl_excerpt(), encoding="utf-8")
    settings = Settings(home=home)
    Ingester(settings).ingest([xml], name="us-ccl", list_label="US CCL", version_label="2026-06")
    ensure_starter_corpus(settings)
    return home


@pytest.fixture(scope="module")
def assistant(home: Path) -> Assistant:
    return Assistant(Settings(home=home))


@pytest.mark.parametrize(
    ("typed", "code"),
    [("2B350i", "2B350.i"), ("2b350.i", "2B350.i"), ("2 B 350 i", "2B350.i"), ("ECCN 2B350", "2B350"),
     ("ML8", "ML8"), ("ml 8.a", "ML8.a"), ("2B-350", "2B350"), ("is 2B350.g.1.a listed?", "2B350.g.1.a")],
)
def test_control_codes_in_any_spelling_are_normalised(typed: str, code: str) -> None:
    assert find_codes(typed) == [code]


def test_cas_numbers_are_found_only_with_a_valid_check_digit() -> None:
    assert find_cas("drum of CAS 111-48-8, also 111-48-9") == ["111-48-8"]
    assert find_codes("CAS 111-48-8") == []


def test_a_code_goes_straight_to_its_entry(assistant: Assistant) -> None:
    answer = assistant.ask("2b350i")

    assert answer.entries[0] == "2B350"
    assert answer.candidates[0].item == "2B350.i"
    assert "0.6 m3" in answer.candidates[0].quote


def test_a_cas_number_goes_to_the_passage_that_contains_it(assistant: Assistant) -> None:
    answer = assistant.ask("CAS 111-48-8")

    assert answer.entries[0] == "1C350"
    cited = [c.passage.text for c in answer.citations if c.n in answer.candidates[0].citations]
    assert any("111-48-8" in text for text in cited)


@pytest.mark.parametrize(
    ("question", "entry", "verdict"),
    [
        ("seal-less pump, 2 m3/h, wetted parts Hastelloy", "2B350", "met"),
        ("seal-less pump, 400 L/h, wetted parts Hastelloy", "2B350", "not met"),
        ("frequency converter 800 Hz, 50 kVA", "3A225", "met"),
        ("frequency converter 50 Hz, 50 kVA", "3A225", "not met"),
        ("fermenter, 100 litre capacity", "2B352", "met"),
        ("fermenter, 10 litre capacity", "2B352", "not met"),
        ("glass-lined reactor 3 000 L", "2B350", "met"),
        ("glass-lined reactor 0,05 m3", "2B350", "not met"),
    ],
)
def test_thresholds_of_real_entries_are_checked(assistant: Assistant, question: str, entry: str, verdict: str) -> None:
    answer = assistant.ask(question)

    candidate = next(c for c in answer.candidates if c.entry == entry)
    assert candidate.verdict == verdict
    assert any(check.verdict == verdict for check in candidate.checks)


def test_candidates_whose_thresholds_are_not_met_rank_below_and_name_related_entries(assistant: Assistant) -> None:
    answer = assistant.ask("seal-less pump, 0.3 m3/h, PTFE lined")

    pump = next(c for c in answer.candidates if c.entry == "2B350")
    assert pump.verdict == "not met"
    assert "2B999" in pump.related
    assert "not met" in answer.markdown


def test_a_follow_up_reuses_the_earlier_goods(assistant: Assistant) -> None:
    first = assistant.ask("glass-lined reactor 3 000 L")
    follow = assistant.ask("and if it is only 50 litres?", history=[first.question])

    reactor = next(c for c in follow.candidates if c.entry == "2B350")
    assert reactor.verdict == "not met"


@pytest.mark.parametrize("question", ["office swivel chairs with armrests", "fresh bananas, 20 boxes"])
def test_out_of_scope_goods_match_nothing(assistant: Assistant, question: str) -> None:
    answer = assistant.ask(question)

    assert answer.candidates == []
    assert "No entry in the ingested control lists matches" in answer.markdown
    assert "not a legal classification" in answer.markdown


def test_no_answer_names_an_entry_that_is_not_in_the_index(assistant: Assistant) -> None:
    known = assistant.index.view().snapshot.by_entry
    for question in ["is 2B999.z controlled?", "glass-lined reactor", "thiodiglycol", "1C350.b.99 drum"]:
        answer = assistant.ask(question)
        quoted = " ".join(c.passage.text for c in answer.citations)
        for candidate in answer.candidates:
            assert {candidate.entry, candidate.item.upper(), *candidate.related} <= known.keys() | {candidate.item}
        for code in find_codes(answer.markdown):
            assert code.upper() in known or code in quoted, f"{code} in the answer to {question!r}"


def test_curriculum_guidance_is_cited(assistant: Assistant) -> None:
    answer = assistant.ask("glass-lined reactor 3 000 L")

    assert answer.guidance and all(g.passage.kind == "curriculum" for g in answer.guidance)
    assert f"[{answer.guidance[0].n}]" in answer.markdown


@pytest.mark.parametrize("question", ["", "   ", "?!.,;", "\x00\x07"])
def test_empty_or_punctuation_only_questions_get_a_clear_message(assistant: Assistant, question: str) -> None:
    with pytest.raises(QuestionError):
        assistant.ask(question)


def test_huge_and_control_character_questions_are_answered(assistant: Assistant) -> None:
    answer = assistant.ask("glass-lined\x00 reactor\x1b 3000 L " + "x" * 20_000)

    assert answer.took_ms < 10_000
    assert len(answer.question) <= 2000


def test_ask_json_reads_stdin_and_writes_one_object_per_line(home: Path) -> None:
    questions = "glass-lined reactor 3 000 L\n\nCAS 111-48-8\n"
    env = {"STCE_HOME": str(home), "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "PATH": "/usr/bin:/bin"}

    run = subprocess.run([str(Path(sys.executable).parent / "stce"), "ask", "--json", "-"], input=questions, text=True,
                         capture_output=True, cwd=ROOT, env=env, timeout=300, check=True)

    lines = run.stdout.splitlines()
    assert len(lines) == 3
    first, empty, cas = (json.loads(line) for line in lines)
    assert set(first) >= {"question", "answer", "entries", "citations", "checks", "took_ms", "mode"}
    assert first["entries"][0] == "2B350"
    assert set(first["citations"][0]) == {"n", "entry", "list", "source", "version", "page", "text", "score"}
    assert set(first["checks"][0]) == {"entry", "parameter", "asked", "threshold", "verdict"}
    assert "error" in empty
    assert cas["entries"][0] == "1C350"
