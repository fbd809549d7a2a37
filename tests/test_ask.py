"""Answering on a real index: a real eCFR excerpt and the starter corpus, the real model."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.answer import render
from assistant.answer.ask import Assistant
from assistant.core.codes import find_cas, find_codes
from assistant.core.errors import QuestionError
from assistant.core.settings import Settings
from assistant.core.types import Leaf, Quantity
from assistant.decision.suggest import as_follow_up, fact_ask, fact_asks, next_questions
from assistant.reading.question import read_question
from tests.conftest import ROOT, SMALL_CCL_CODES, excerpt_home


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("ask") / "home"
    excerpt_home(home, (*SMALL_CCL_CODES, "1C351"))
    return home


@pytest.fixture(scope="module")
def assistant(home: Path) -> Assistant:
    return Assistant(Settings(home=home))


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("2B350i", "2B350.i"),
        ("2b350.i", "2B350.i"),
        ("2 B 350 i", "2B350.i"),
        ("ECCN 2B350", "2B350"),
        ("ML8", "ML8"),
        ("ml 8.a", "ML8.a"),
        ("2B-350", "2B350"),
        ("is 2B350.g.1.a listed?", "2B350.g.1.a"),
    ],
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
    ("question", "entry", "status", "decision"),
    [
        ("seal-less pump, 2 m3/h, wetted parts Hastelloy C-22", "2B350", "applies", "likely-controlled"),
        (
            "seal-less pump, 400 L/h, wetted parts Hastelloy C-22",
            "2B350",
            "does not apply",
            "not-controlled-as-described",
        ),
        (
            "frequency converter 800 Hz, 50 kVA, three-phase, frequency control better than 0.1%",
            "3A225",
            "applies",
            "likely-controlled",
        ),
        ("frequency converter 800 Hz, 50 kVA, three-phase", "3A225", "undetermined", "needs-facts"),
        ("frequency converter 50 Hz, 50 kVA", "3A225", "does not apply", "not-controlled-as-described"),
        ("glass-lined reactor 3 000 L", "2B350", "applies", "likely-controlled"),
        ("glass-lined reactor 0,05 m3", "2B350", "does not apply", "not-controlled-as-described"),
        (
            "reactor 3 000 L, wetted parts 316L stainless steel",
            "2B350",
            "does not apply",
            "not-controlled-as-described",
        ),
    ],
)
def test_the_criteria_of_real_entries_decide(
    assistant: Assistant, question: str, entry: str, status: str, decision: str
) -> None:
    answer = assistant.ask(question)

    candidate = next(c for c in answer.candidates if c.entry == entry)
    assert (candidate.status, answer.decision) == (status, decision), candidate.reason
    assert answer.markdown.startswith(f"**{render.DECISION_LABELS[answer.decision]}")


def test_ruled_out_goods_say_where_they_fall(assistant: Assistant) -> None:
    answer = assistant.ask("frequency converter 400 Hz, 50 kVA")

    assert answer.decision == "not-controlled-as-described"
    assert "3A225" in [r.entry for r in answer.ruled_out]
    assert answer.falls_to["US CCL"] in ("3A999.a", "EAR99")
    assert "3A225" not in answer.entries
    ruling = next(r for r in answer.ruled_out if r.entry == "3A225")
    assert ("frequency", "not met") in [(c.parameter, c.verdict) for c in ruling.checks]


def test_a_needs_facts_answer_asks_for_the_deciding_fact_and_a_follow_up_completes_it(assistant: Assistant) -> None:
    first = assistant.ask("frequency converter 800 Hz, 50 kVA, three-phase")
    follow = assistant.ask("frequency control better than 0.1%", history=[first.query])

    assert first.decision == "needs-facts"
    assert any("0.2" in leaf.text for leaf in first.candidates[0].missing)
    assert follow.decision == "likely-controlled" and follow.entries[0] == "3A225"
    assert "800 Hz" in follow.read_as


def test_a_follow_up_re_decides_the_same_goods(assistant: Assistant) -> None:
    first = assistant.ask("glass-lined reactor 3 000 L")
    follow = assistant.ask("and if it is only 50 litres?", history=[first.query])

    assert first.decision == "likely-controlled"
    assert follow.decision == "not-controlled-as-described"
    assert "glass" in follow.query and "50 L" in follow.read_as


def test_a_new_description_inherits_nothing(assistant: Assistant) -> None:
    first = assistant.ask("stainless steel storage tank 5 m3, PTFE lined")
    chair = assistant.ask("wooden office chair", history=[first.query])

    assert chair.query == "wooden office chair"
    assert chair.decision == "no-match" and chair.entries == []


@pytest.mark.parametrize("question", ["ricin, 2 g", "Bacillus anthracis culture, 10 vials"])
def test_goods_the_list_names_in_a_line_of_their_own_are_controlled(assistant: Assistant, question: str) -> None:
    answer = assistant.ask(question)

    assert answer.decision == "likely-controlled" and answer.entries[0] == "1C351", answer.markdown
    assert "the list names the goods" in answer.candidates[0].reason


@pytest.mark.parametrize(
    "question",
    [
        "office swivel chairs with armrests",
        "fresh bananas, 20 boxes",
        "cotton T-shirts, size M",
        "domestic coffee machine 1.5 L",
    ],
)
def test_ordinary_goods_match_nothing(assistant: Assistant, question: str) -> None:
    answer = assistant.ask(question)

    assert answer.decision == "no-match" and answer.entries == [], answer.markdown
    assert render.escape_md(render.NO_MATCH) in answer.markdown
    assert render.escape_md(render.DISCLAIMER) in answer.markdown


@pytest.mark.parametrize("question", ["χλωριούχο θειονύλιο σε βαρέλια", "qzxv blorptang wemmick"])
def test_a_question_that_is_not_understood_never_reads_as_cleared(assistant: Assistant, question: str) -> None:
    answer = assistant.ask(question)

    assert not answer.understood and answer.falls_to == {} and answer.decision == "needs-facts"
    assert render.escape_md(render.NOT_UNDERSTOOD) in answer.markdown
    assert render.escape_md(render.NO_MATCH) not in answer.markdown


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

    assert len(answer.question) <= 2000 and "\x00" not in answer.question
    assert answer.decision == "likely-controlled"


def test_ask_json_reads_stdin_and_writes_one_object_per_line(home: Path) -> None:
    questions = "glass-lined reactor 3 000 L\n\nCAS 111-48-8\n"
    env = {"STCE_HOME": str(home), "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "PATH": "/usr/bin:/bin"}

    run = subprocess.run(
        [str(Path(sys.executable).parent / "stce"), "ask", "--json", "-"],
        input=questions,
        text=True,
        capture_output=True,
        cwd=ROOT,
        env=env,
        timeout=300,
    )

    assert run.returncode == 2, "the empty question failed, so the batch ends non-zero after answering the rest"
    lines = run.stdout.splitlines()
    assert len(lines) == 3
    first, empty, cas = (json.loads(line) for line in lines)
    assert set(first) >= {
        "question",
        "answer",
        "entries",
        "citations",
        "checks",
        "took_ms",
        "mode",
        "decision",
        "ruled_out",
        "falls_to",
        "ask",
        "query",
        "read_as",
    }
    assert first["decision"] == "likely-controlled" and first["entries"][0] == "2B350"
    assert set(first["citations"][0]) >= {"n", "entry", "list", "source", "version", "page", "text", "score"}
    volume = next(c for c in first["checks"] if "volume" in c["parameter"])
    assert set(volume) == {
        "entry",
        "parameter",
        "subject",
        "asked",
        "asked_value",
        "threshold",
        "threshold_value",
        "verdict",
    }
    assert volume["asked_value"] == {"value": 3000.0, "unit": "liter"} and volume["verdict"] == "met"
    assert "error" in empty
    assert cas["entries"][0] == "1C350"


@pytest.mark.parametrize(
    ("question", "line"),
    [
        (
            "glass-lined reactor 3 000 L",
            "Likely controlled: 2B350.a.1 (US CCL) applies: total internal volume 3000 L "
            "lies inside 0.1 m³ - 20 m³; glass-lined steel is a listed material",
        ),
        (
            "frequency converter 400 Hz, 50 kVA",
            "Not controlled as described: 3A225 (US CCL) does not apply: "
            "frequency 400 Hz does not meet 600 Hz or more.",
        ),
        (
            "frequency converter 800 Hz, 50 kVA, three-phase",
            "Needs facts: 3A225 (US CCL) may apply; it turns on frequency control (better (less) than 0.2%). Stated: ",
        ),
    ],
)
def test_the_verdict_line_names_the_entry_and_the_checks_that_decided(
    assistant: Assistant, question: str, line: str
) -> None:
    answer = assistant.ask(question)

    assert render.decision_line(answer).startswith(line), render.decision_line(answer)
    assert answer.markdown.startswith(f"**{render.escape_md(line)}")
    assert answer.markdown.split("\n\n")[1].startswith(f"Read as: {render.escape_md(answer.read_as)}")


def test_cards_are_compact_and_the_full_answer_holds_every_threshold_and_note_once(assistant: Assistant) -> None:
    answer = assistant.ask("frequency converter 400 Hz, 50 kVA")
    full = render.markdown(answer, full=True)
    card = answer.candidates[0]

    assert [ch.verdict for ch in render.shown_checks(card)] == ["met", "not met"]
    assert "2 more thresholds of this entry not shown" in answer.markdown
    assert "0.2%" not in answer.markdown and "better (less) than 0.2%" in full
    reactor = assistant.ask("glass-lined reactor 3 000 L")
    assert "Technical Note 1" not in reactor.markdown
    assert render.markdown(reactor, full=True).count("Technical Note 1") == 1
    pump = assistant.ask("seal-less pump, 2 m3/h, wetted parts Hastelloy C-22")
    assert {ch.verdict for ch in render.shown_checks(pump.candidates[0])} == {"met"}, "not the vacuum pumps' figure"
    rows = [line for line in pump.markdown.splitlines() if line.startswith("   - ")]
    assert not any("5 m3/hour" in row for row in rows) and "1 more threshold of this entry not shown" in rows[-1]
    for text in (answer.markdown, full, reactor.markdown):
        assert not re.search(r"\b[0-9a-f]{12}\b", text), "versions show their label, never a hash"


@pytest.mark.parametrize(
    ("material", "decision"),
    [
        ("glass-lined steel", "likely-controlled"),
        ("tantalum", "likely-controlled"),
        ("316L stainless steel", "not-controlled-as-described"),
    ],
)
def test_a_needs_facts_answer_asks_for_the_wetted_material_and_each_option_decides(
    assistant: Assistant, material: str, decision: str
) -> None:
    first = assistant.ask("reactor 3 000 L")
    [wetted] = fact_asks(first)

    assert first.decision == "needs-facts" and wetted.label == "Wetted material?"
    assert material in wetted.options and "**To decide, tell me:** Wetted material?" in first.markdown
    follow = assistant.ask(wetted.follow_up(material), history=[first.query])

    assert follow.decision == decision and follow.candidates[0].entry == "2B350", follow.markdown
    assert render.read_as_line(follow).endswith("(follow-up to: reactor 3 000 L)")


def test_a_threshold_prompt_takes_the_stated_value(assistant: Assistant) -> None:
    first = assistant.ask("frequency converter 800 Hz, 50 kVA, three-phase")
    [control] = fact_asks(first)

    follow = assistant.ask(control.follow_up("0.1%"), history=[first.query])

    assert (control.label, control.options) == ("Frequency control?", ())
    assert follow.decision == "likely-controlled" and follow.entries[0] == "3A225"


def test_next_questions_probe_the_deciding_threshold(assistant: Assistant) -> None:
    first = assistant.ask("glass-lined reactor 3 000 L")
    [edge, material] = next_questions(first)[:2]

    assert (edge, material) == ("and if it is only 0.05 m³?", "and if the wetted parts were 316L stainless steel?")
    assert assistant.ask(edge, history=[first.query]).decision == "not-controlled-as-described"
    assert assistant.ask(material, history=[first.query]).decision == "not-controlled-as-described"
    assert render.escape_md(edge) in first.markdown


def test_the_json_carries_the_verdict_the_prompts_and_the_next_questions(assistant: Assistant) -> None:
    needs = render.answer_json(assistant.ask("reactor 3 000 L"))
    likely = render.answer_json(assistant.ask("glass-lined reactor 3 000 L"))

    assert needs["asks"][0]["label"] == "Wetted material?" and "glass-lined steel" in needs["asks"][0]["options"]
    assert needs["asks"][0]["follow_up"] == "wetted parts {answer}"
    assert needs["verdict"]["entry"] == "2B350.a.1" and needs["verdict"]["because"][0]["parameter"] == "material"
    assert likely["verdict"]["line"] == likely["decision_line"] and likely["next_questions"]
    assert {c["verdict"] for c in likely["verdict"]["because"]} == {"met"}
    assert likely["citations"][0]["version_label"] == "2026-06" and likely["read_as_line"].startswith("Read as: ")


def test_questions_and_document_text_are_escaped_in_the_export(assistant: Assistant) -> None:
    answer = assistant.ask("![x](http://127.0.0.1:9/x.png) <img src=x> glass-lined reactor 3 000 L")

    exported = render.export_markdown(answer)

    assert not re.search(r"(?<!\\)!(?<!\\)\[", exported) and not re.search(r"(?<!\\)<img", exported)
    assert "http://" not in exported and "> a.1." in exported


def test_a_bare_reply_to_a_prompt_gives_the_fact_it_asked_for(assistant: Assistant) -> None:
    reactor = fact_asks(assistant.ask("reactor 3 000 L"))
    converter = fact_asks(assistant.ask("frequency converter 800 Hz, 50 kVA, three-phase"))

    assert as_follow_up("Glass-lined steel", reactor) == "wetted parts glass-lined steel"
    assert as_follow_up("0.1%", converter) == "frequency control 0.1%"
    assert as_follow_up("and if it is only 50 litres?", reactor) == "and if it is only 50 litres?"
    assert as_follow_up("0.1%", []) == "0.1%"
    axes = fact_ask(
        "2B001",
        Leaf("count", "2 or more contouring axes", property="axes", op=">=", bound=Quantity(2.0, "dimensionless", "2")),
    )
    assert (axes.label, axes.follow_up("5")) == ("How many axes?", "5 axes")
    assert read_question(as_follow_up("5", [axes]), ["milling machine"]).facts.counts == {"axes": 5}


def test_stce_chat_opens_with_the_verdict_and_a_bare_reply_re_decides(home: Path) -> None:
    env = {
        "STCE_HOME": str(home),
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "PATH": "/usr/bin:/bin",
        "COLUMNS": "200",
    }

    run = subprocess.run(
        [sys.executable, "-c", "from ui.cli import app; app()", "chat"],
        cwd=ROOT,
        env=env,
        input="frequency converter 800 Hz, 50 kVA, three-phase\n0.1%\n\n",
        text=True,
        capture_output=True,
        timeout=300,
        check=True,
    )

    needs, likely = run.stdout.index("Needs facts: 3A225"), run.stdout.index("Likely controlled: 3A225")
    assert needs < run.stdout.index("Read as: frequency converter, 800 Hz, 50 kVA") < likely
    assert "To decide, tell me: Frequency control?" in run.stdout
