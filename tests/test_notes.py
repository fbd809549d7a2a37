"""Notes whose conditions free goods: each condition must be stated (a figure within the Note's bound, the
goods' own name or purpose, a listing within the Note's), never merely left uncontradicted; on the real eCFR
text of 1A004, 2B001 and 2B201 (the real model and the starter corpus) and the real List II PDF."""

from __future__ import annotations

import pytest

from assistant.answer.ask import Assistant
from assistant.core.settings import Settings
from assistant.decision.notes import conditional, excluded_cas
from assistant.reading.question import read_question
from assistant.storage.index import LiveIndex
from ingest.criteria import criteria_of
from ingest.listtext import split_list_pages
from tests.conftest import LIST_II, excerpt_home, pdf_pages

CODES = ("1A004", "1A995", "2B001", "2B003", "2B201", "2B352", "2B991")
GRINDER = "CNC cylindrical grinding machine, maximum workpiece 120 mm diameter, axes X, Z and C"


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return excerpt_home(tmp_path_factory.mktemp("notes") / "home", CODES)


@pytest.fixture(scope="module")
def assistant(settings: Settings) -> Assistant:
    return Assistant(settings)


@pytest.fixture(scope="module")
def exclusions(settings: Settings) -> dict[str, list[str]]:
    """Each entry's exclusions in the list's own words, as ingest split them."""
    snapshot = LiveIndex(settings).view().snapshot
    return {code: [leaf.text for item in snapshot.entry(code)[1] for leaf in item.exclusions] for code in CODES}


@pytest.fixture(scope="module")
def list_ii() -> dict[str, list[str]]:
    """List II's exclusions per item, as ingest splits them (its own lettering: 2B201.b grinds)."""
    entries = split_list_pages(list(pdf_pages(LIST_II)))  # what read_bytes returns for it, read once
    items = [c for e in entries for c in criteria_of(e, "no-list-ii", "NO List II", "v1")]
    return {c.code: [leaf.text for leaf in c.exclusions] for c in items}


def test_a_grinder_within_every_bound_of_the_note_is_not_controlled(assistant: Assistant) -> None:
    answer = assistant.ask(GRINDER)

    assert answer.decision == "not-controlled-as-described", [c.reason for c in answer.candidates]
    ruled = {r.entry: r.leaf for r in answer.ruled_out}
    assert "150 mm" in ruled["2B001"] and "150 mm" in ruled["2B201"], ruled


@pytest.mark.parametrize(
    "question",
    [
        GRINDER.replace("120 mm", "400 mm"),  # beyond the Note's 150 mm
        "CNC cylindrical grinding machine, axes X, Z and C",  # workpiece size not stated
        "CNC cylindrical grinding machine, spindle diameter 100 mm, maximum workpiece 400 mm",  # another figure
    ],
)
def test_a_grinder_the_note_does_not_cover_stays_open(exclusions: dict[str, list[str]], question: str) -> None:
    facts = read_question(question, []).facts

    assert not conditional(exclusions["2B001"], facts)
    assert not conditional(exclusions["2B201"], facts)


def test_every_listed_condition_must_hold(exclusions: dict[str, list[str]]) -> None:
    more_axes = read_question(GRINDER.replace("Z and C", "Z, C and B"), []).facts
    unlisted = read_question("CNC cylindrical grinding machine, maximum workpiece 120 mm diameter, 5 axes", []).facts

    # 2B001.c's Note sets no axes; 2B201.c's also limits them to x, z and c.
    assert "150 mm" in conditional(exclusions["2B001"], more_axes)
    assert not conditional(exclusions["2B201"], more_axes)
    assert not conditional(exclusions["2B201"], unlisted)


def test_a_machine_named_for_what_the_note_limits_it_to_is_excluded(exclusions: dict[str, list[str]]) -> None:
    gears = read_question("CNC gear grinding machine, 5 axes", []).facts
    milling = read_question("CNC 5-axis milling machine", []).facts

    assert "gears" in conditional(exclusions["2B001"], gears, of_kind=False).lower()
    assert "gears" in conditional(exclusions["2B201"], gears, of_kind=False).lower()
    assert not conditional(exclusions["2B001"], milling)
    assert not conditional(exclusions["2B201"], milling)


def test_a_respirator_for_a_civil_industry_is_excluded_unless_it_defends_against_agents(assistant: Assistant) -> None:
    painting = assistant.ask("full face respirator with organic vapour filters for industrial spray painting")
    agents = assistant.ask(
        "full face respirator with filters rated against chemical warfare agents, for industrial spray painting"
    )

    assert painting.decision == "not-controlled-as-described", [(c.item, c.reason) for c in painting.candidates]
    assert any(r.entry == "1A004" and "civil industries" in r.leaf for r in painting.ruled_out), painting.ruled_out
    assert agents.decision == "likely-controlled" and agents.entries[0] == "1A004"


@pytest.mark.unit
def test_both_lists_grinder_notes_read_alike(list_ii: dict[str, list[str]]) -> None:
    within = read_question(GRINDER, []).facts
    beyond = read_question(GRINDER.replace("120 mm", "160 mm"), []).facts

    assert "150 mm" in conditional(list_ii["2B001.c"], within) and "150 mm" in conditional(list_ii["2B201.b"], within)
    assert not conditional(list_ii["2B001.c"], beyond) and not conditional(list_ii["2B201.b"], beyond)


@pytest.mark.unit
def test_a_note_naming_the_goods_cas_number_frees_only_that_chemical(list_ii: dict[str, list[str]]) -> None:
    notes = list_ii["1C450.b.5"]

    assert "108-01-0" in excluded_cas(notes, ["108-01-0"])
    assert not excluded_cas(notes, ["96-80-0"])  # named in the item as specified in 1C350, not freed
    assert not excluded_cas(list_ii["1C450.b.1"], ["108-01-0"])  # a mixture Note is no carve-out


@pytest.mark.unit
def test_a_note_split_into_one_condition_a_text_still_needs_them_all(list_ii: dict[str, list[str]]) -> None:
    travel = read_question("CNC milling machine, x-axis travel 3 m", []).facts

    # 2B201.a's Note frees milling machines with x-axis travel over 2 m AND accuracy worse than 30 µm.
    assert not conditional(list_ii["2B201.a"], travel)


def test_goods_named_by_what_the_entry_includes_whatever_their_use_stay_controlled(assistant: Assistant) -> None:
    answer = assistant.ask("full face mask designed for defence against biological agents, for medical use")

    assert answer.decision == "likely-controlled" and answer.entries[0] == "1A004", answer.ruled_out
