"""The conversation re-decides from the whole description: follow-ups, fact options, the README's examples.

A follow-up is placed into the goods already described and the decision is made again from the complete
description, exactly as if the officer had typed it in one go (issue 25). The README's `stce ask` examples
are run as they are printed there.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
import yaml

from assistant.answer import render
from assistant.answer.ask import Assistant
from assistant.core.settings import Settings
from assistant.core.types import Answer, Candidate, Check, Status
from assistant.decision.suggest import fact_asks, next_questions
from assistant.reading.facts import read_facts
from assistant.reading.question import complete, read_question
from assistant.text.messages import Phrase, say
from tests.conftest import ROOT, SMALL_CCL_CODES, excerpt_home

README = ROOT / "README.md"
DEVSET = ROOT / "bench" / "devset.yaml"
# `stce ask "question"` ... prints / opens with `decision line`, or the printed block that follows "prints:".
_EXAMPLE = re.compile(
    r'`stce ask "(?P<q>[^"]+)"[^`]*`[^`]*?(?:opens with|prints:?)\s*(?:`(?P<line>[^`]+)`|\n\n(?P<block>(?:    \S.*\n)+))'
)


# Questions whose figure, given alone as a follow-up, cannot yet be put back where it stood (issue 25, open):
# q230: cutting "15 bar" out of "domestic espresso coffee machine 15 bar pump, 1.2 L water tank" joins "coffee
# machine pump", a pump (of a coffee machine), where the whole question names a coffee machine; a pump with a
# stated pressure stays open to 1B230 (a stated figure outranks the "domestic" cue), so the follow-up asks
# (needs-facts) where the whole is no-match: the cut changes the goods' noun, and the follow-up never clears.
# q201: the follow-up's description "reactor, duplex stainless steel 2205, 3 000 L" (the figure last) is matched
# by 0A001 (nuclear reactors, nothing to check; "reactor" states no kind) more closely than by the ruled-out
# 2B350 over a freshly ingested home, so 0A001 stands open (needs-facts) where the whole question is not
# controlled as described; over /tmp/stce-final's copy both are not controlled. The merge is right; the
# word order moves a similarity across decide.py's "closer than every ruled-out entry" line. Any other
# question that differs fails the test.
STILL_DIFFERENT = ("q201", "q230")


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("conversation") / "home"
    excerpt_home(home, SMALL_CCL_CODES)
    return home


@pytest.fixture(scope="module")
def assistant(home: Path) -> Assistant:
    return Assistant(Settings(home=home))


@pytest.mark.unit
@pytest.mark.parametrize(
    ("earlier", "follow", "whole"),
    [
        (
            "glass-lined reactor 3000 L with agitator",
            "and if it is only 50 litres?",
            "glass-lined reactor 50 litres with agitator",
        ),
        ("glass-lined reactor 3000 L", "and if it is only 0.05 m3?", "glass-lined reactor 0.05 m3"),
        (
            "carbon fibre tow, tensile strength, modulus 230 GPa",
            "and if it is 4.9 GPa?",
            "carbon fibre tow, tensile strength 4.9 GPa, modulus 230 GPa",
        ),
        ("zirconium foil thick", "and if it is 0.05 mm?", "zirconium foil 0.05 mm thick"),
        (
            "frequency converter 800 Hz, 50 kVA",
            "frequency control 0.1%",
            "frequency converter 800 Hz, 50 kVA, frequency control 0.1%",
        ),
        (
            "frequency converter 800 Hz, 50 kVA",
            "frequency converter with multiphase output",
            "frequency converter 800 Hz, 50 kVA, with multiphase output",
        ),
        (
            "glass-lined reactor 3000 L",
            "and if the wetted parts were 316L stainless steel?",
            "reactor 3000 L, wetted parts were 316L stainless steel",
        ),
    ],
)
def test_a_follow_up_is_placed_into_the_description(earlier: str, follow: str, whole: str) -> None:
    assert complete(earlier, follow) == whole
    reading = read_question(follow, [earlier])
    assert reading.follow_up and reading.query == whole and reading.earlier == earlier
    assert reading.facts.quantities == read_facts(whole).quantities


@pytest.mark.unit
def test_a_reason_is_said_in_the_answer_language() -> None:
    reason = Phrase("reason_not_goods", goods="chair", what=Phrase("reason_what_controls", code="2B350"))

    assert reason == "chair is not what 2B350 controls"
    assert say(reason, "fr") == "chair n'est pas ce que contrôle 2B350"


def test_a_changed_figure_re_decides_as_if_typed_whole(assistant: Assistant) -> None:
    first = assistant.ask("glass-lined reactor 3000 L with agitator")
    follow = assistant.ask("and if it is only 50 litres?", history=[first.query])
    whole = assistant.ask("glass-lined reactor 50 L with agitator")

    assert first.decision == "likely-controlled"
    assert follow.decision == whole.decision == "not-controlled-as-described"
    assert [(c.parameter, c.verdict) for c in follow.candidates[0].checks] == [
        (c.parameter, c.verdict) for c in whole.candidates[0].checks
    ]
    assert render.read_as_line(follow).endswith("(follow-up to: glass-lined reactor 3000 L with agitator)")


def test_a_fact_option_sends_a_complete_follow_up_and_one_ask_per_property(assistant: Assistant) -> None:
    first = assistant.ask("frequency converter 800 Hz, 50 kVA")
    asks = fact_asks(first)
    [phase] = [a for a in asks if a.options]

    assert len({a.label for a in asks}) == len(asks) and [a.label for a in asks].count("Frequency control?") == 1
    follow = assistant.ask(phase.follow_up(phase.options[0]), history=[first.query])
    assert follow.follow_up and follow.language == "en" and follow.understood
    assert "frequency converter" in follow.query and "800 Hz" in follow.read_as
    assert [a.label for a in fact_asks(follow)] == ["Frequency control?"]
    assert not any("not stated meets" in line for line in render.because(follow.candidates[0].checks, "met"))
    single = assistant.ask(phase.follow_up(phase.options[1]), history=[first.query])
    assert single.decision == "not-controlled-as-described"


@pytest.mark.unit
def test_read_as_says_a_title_in_the_answer_language() -> None:
    """A name read as the goods' title (a record called after a pathogen) is said in the answer's language."""
    facts = replace(read_facts("vinyl record"), titles=("Anthrax",))

    assert render.read_as(facts).endswith("“Anthrax” is the goods' title, not the agent")
    assert render.read_as(facts, "fr").endswith("« Anthrax » est le titre des marchandises, pas l'agent")


@pytest.mark.unit
def test_a_notes_threshold_and_where_goods_fall_are_said_in_the_answer_language() -> None:
    """The decision layer writes "more than 10 % (else excluded by Note 1)" and "not listed" as phrases."""
    threshold = Phrase("threshold_else_excluded", op=Phrase("op_>"), bound="10%", note="Note 1")
    check = Check("1C350.1", "concentration", threshold, "not met", bound=None, op=">")
    ruled = Answer(
        "TDG 5 %",
        "",
        [],
        [],
        [],
        0.0,
        decision="not-controlled-as-described",
        language="fr",
        falls_to={"NO List II": "not listed", "US CCL": "1C995"},
    )

    assert threshold == "more than 10% (else excluded by Note 1)"
    assert render.check_text(check, "fr").endswith("plus de 10% (sinon exclu par Note 1) : non atteint")
    assert "non listé (NO List II); 1C995 (US CCL)" in render.decision_line(ruled)


def test_a_french_answer_says_its_reasons_and_asks_in_french(assistant: Assistant) -> None:
    answer = assistant.ask("frequency converter 800 Hz, 50 kVA", language="fr")
    chair = assistant.ask("wooden office chair, 50 kg", language="fr")

    for english in ("Needs facts", "meets", "may apply", "Wetted material?", "To decide", "This is a lead"):
        assert english not in answer.markdown
    assert "Informations manquantes" in render.decision_line(answer) and "atteint" in render.decision_line(answer)
    assert all(a.label.endswith(" ?") for a in fact_asks(answer))
    assert " is not " not in chair.markdown


def test_french_next_questions_are_read_as_follow_ups(assistant: Assistant) -> None:
    first = assistant.ask("réacteur émaillé de 3 000 litres")
    [smaller, *_] = next_questions(first)

    assert first.language == "fr" and smaller.startswith("et si c'est seulement")
    follow = assistant.ask(smaller, history=[first.query], language="fr")
    assert follow.follow_up and follow.decision == "not-controlled-as-described"
    assert "Non contrôlé tel que décrit" in render.decision_line(follow)


def _readme_examples() -> list[tuple[str, str]]:
    text = README.read_text(encoding="utf-8")
    out = []
    for m in _EXAMPLE.finditer(text):
        line = m["line"] or (m["block"] or "").split("\n\n")[0]
        out.append((" ".join(m["q"].split()), " ".join(line.split())))
    return out


@pytest.mark.unit
def test_the_readme_has_decision_examples() -> None:
    examples = _readme_examples()
    assert len(examples) >= 3, examples
    assert {q for q, _ in examples} >= {"frequency converter 800 Hz, 50 kVA"}


def test_every_readme_example_prints_its_decision_line(home: Path) -> None:
    """`stce ask --json` over the US CCL excerpt (it holds 3A225) and the starter corpus, as the README ran them."""
    examples = _readme_examples()
    env = {**os.environ, "STCE_HOME": str(home), "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    run = subprocess.run(
        [sys.executable, "-c", "from ui.cli import app; app()", "ask", "--json", "-"],
        cwd=ROOT,
        env=env,
        input="\n".join(q for q, _ in examples) + "\n",
        text=True,
        capture_output=True,
        timeout=600,
        check=True,
    )
    printed = [" ".join(json.loads(line)["decision_line"].split()) for line in run.stdout.splitlines()]

    assert printed == [line for _, line in examples]


@pytest.mark.slow
def test_a_figure_given_as_a_follow_up_decides_as_if_typed_in_the_question() -> None:
    """For every development-set question with a figure: "Q without the figure" + "and if it is F?" decides as
    "Q" does. Needs both real lists: STCE_CONVERSATION_HOME names an ingested home (a copy: answers are
    audited into it), else they are ingested here."""
    given = os.environ.get("STCE_CONVERSATION_HOME")
    if given:
        settings = Settings(home=Path(given))
    else:
        from bench.common import ingest_lists

        settings = Settings(home=Path(os.environ.get("TMPDIR", "/tmp")) / f"stce-conversation-{os.getpid()}")
        ingest_lists(settings)
    assistant = Assistant(settings)
    differ = []
    asked = 0
    for q in yaml.safe_load(DEVSET.read_text(encoding="utf-8")):
        figures = [f for f in read_facts(q["question"]).quantities if f.text and f.text in q["question"]]
        if not figures:
            continue
        asked += 1
        figure = figures[0].text
        without = re.sub(r"\s+([,;])", r"\1", " ".join(q["question"].replace(figure, " ", 1).split())).strip(" ,;")
        whole = assistant.ask(q["question"], llm=False)
        first = assistant.ask(without, llm=False)
        follow = assistant.ask(f"and if it is {figure}?", history=[first.query], llm=False)
        if follow.decision != whole.decision:
            differ.append((q["id"], follow.query, whole.decision, follow.decision))
    assert asked > 100
    assert {d[0] for d in differ} <= set(STILL_DIFFERENT), f"{len(differ)} of {asked} differ: {differ}"


def test_screening_uses_the_chats_decision_words_and_says_where_the_goods_fall(assistant: Assistant) -> None:
    from assistant.answer.screen import screen
    from ingest.lineitems import LineItem

    [row] = [s.row() for s in screen(assistant.ask, [LineItem(1, "Frequency converter 400 Hz, 50 kVA, three-phase")])]

    assert row["decision"] == "not-controlled-as-described"
    assert row["falls_to"] == "EAR99 (US CCL)"


def _card(entry: str, status: Status) -> Candidate:
    return Candidate(entry, f"{entry}.a", "", "US CCL", "v", "", [], [], [], status)


@pytest.mark.unit
def test_the_trainer_flags_a_live_verdict_on_another_entry_than_the_key() -> None:
    """Scenario key 9A104; the live answer leads with 9A119 and names 9A104 third: the class must see that."""
    from ui.training import disagreement, quiz_options

    third = Answer(
        "q",
        "",
        [_card("9A119", "applies"), _card("9A106", "applies"), _card("9A104", "applies")],
        [],
        [],
        0.0,
        decision="likely-controlled",
    )
    first = Answer("q", "", [_card("9A104", "applies")], [], [], 0.0, decision="likely-controlled")

    assert "The key expects 9A104" in disagreement(third, ["9A104"])
    assert disagreement(first, ["9A104.a"]) == ""
    module = [{"expected": ["1C350.2"]}, {"expected": ["9A104"]}]
    assert quiz_options({"expected": ["9A104"]}, module) == ["Not controlled", "1C350.2", "9A104"]


@pytest.mark.unit
def test_a_long_paste_starts_afresh_and_read_as_never_repeats_it() -> None:
    paste = "glass-lined reactor 3000 L with agitator, heating jacket, " * 90

    assert not read_question(paste, ["[/bold]"]).follow_up
    follow = read_question("and if it is only 50 litres?", [" ".join(paste.split()[:300])])
    answer = Answer("q", "", [], [], [], 0.0, query=follow.query, follow_up=True, earlier=follow.earlier)
    assert follow.follow_up and len(render.read_as_line(answer)) < 300


@pytest.mark.unit
def test_read_as_names_the_goods_noun_first_never_a_bag_of_words() -> None:
    assert render.read_as(read_facts("reactor 3000 L with agitator")) == "reactor (agitator), 3000 L"
    words = " ".join(f"word{i} widget" for i in range(900))  # a paste of many words beside its noun
    assert len(render.read_as(read_facts(f"pump {words}"))) < 200


def test_goods_nothing_controls_get_no_guidance(assistant: Assistant) -> None:
    chair = assistant.ask("wooden office chair")

    assert chair.decision == "no-match" and chair.guidance == []
