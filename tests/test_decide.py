"""The decision from the lists' own words: Notes that exclude goods, class limits, names the list uses, and
where ruled-out goods fall; on a real eCFR excerpt, the real model and the starter corpus."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

from assistant.answer.ask import Assistant
from assistant.core.settings import Settings
from assistant.decision.decide import RULES
from assistant.decision.notes import classes, excluded, other_class, paragraphs
from assistant.reading.facts import read_facts
from ingest.pipeline import Ingester
from tests.conftest import LIST_II, excerpt_home

CODES = (
    "1A004",
    "1A613",
    "1C111",
    "1C216",
    "1C350",
    "1C355",
    "1C995",
    "2B001",
    "2B201",
    "2B230",
    "2B231",
    "2B233",
    "2B350",
    "2B352",
    "2B999",
    "3A201",
    "3A225",
    "3A226",
    "3A227",
    "3A228",
    "3A999",
    "5A991",
    "6A203",
    "9A120",
)


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    return Assistant(excerpt_home(tmp_path_factory.mktemp("decide") / "home", CODES))


@pytest.mark.unit
def test_an_exclusion_names_goods_only_when_the_description_says_all_of_it() -> None:
    note = (
        "Note 2: 2B352.f.2. does not include isolators specially designed for barrier nursing or "
        "transportation of infected patients."
    )
    assert excluded([note], "patient isolator designed for transport of infected patients")
    assert not excluded([note], "glove box isolator for virus work")
    civil = (
        "Note 2: 7A003 does not control inertial measurement equipment which are certified for use on "
        "civil aircraft by civil aviation authorities"
    )
    assert not excluded([civil], "strapdown inertial measurement unit for ballistic missile guidance")
    elsewhere = "Note: This entry does not control the detonators and other items described in ECCN 1A007."
    assert not excluded([elsewhere], "firing set for exploding bridgewire detonators")


@pytest.mark.unit
def test_a_single_word_of_an_exclusion_counts_only_as_the_stated_purpose() -> None:
    note = (
        "Note: 1A004 does not control: Occupational health or safety equipment limited by design or "
        "function to protect against hazards specific to civil industries, including: 1. mining; 2. quarrying"
    )
    assert excluded([note], "disposable dust mask for mining") == "mining"
    assert not excluded([note], "mining truck gas mask")


@pytest.mark.unit
def test_classes_and_notes_are_read_from_the_list_text() -> None:
    text = (
        "g.2. Biocontainment chambers\nNote 1 to 2B352.g.2: 2B352.g.2 controls class III biosafety\n"
        "cabinets, as specified.\ng.2.a. Fully enclosed workspace"
    )
    assert paragraphs(text) == ("Note 1 to 2B352.g.2: 2B352.g.2 controls class III biosafety cabinets, as specified.",)
    assert classes("Class 2 and class IV") == {2, 4}
    assert other_class(paragraphs(text), "class II biological safety cabinet")
    assert not other_class(paragraphs(text), "class III biological safety cabinet")


@pytest.mark.parametrize(
    ("question", "note"),
    [
        ("class II biological safety cabinet, open front, HEPA filtered", "fully enclosed"),
        (
            "patient isolator designed for transport of infected patients, HEPA filtered, negative pressure",
            "infected patients",
        ),
        ("reverse osmosis water purification unit", "reverse osmosis"),
        ("disposable dust mask for mining", "mining"),
    ],
)
def test_the_lists_own_notes_rule_out_look_alikes(assistant: Assistant, question: str, note: str) -> None:
    answer = assistant.ask(question)

    assert answer.decision == "not-controlled-as-described", [c.reason for c in answer.candidates]
    assert any(note in r.leaf.lower() and r.entry not in answer.entries for r in answer.ruled_out), answer.ruled_out
    assert answer.falls_to == {"US CCL": "EAR99"}


def test_an_exclusion_rules_out_only_the_item_it_names(assistant: Assistant) -> None:
    answer = assistant.ask("chemical protective suit worn with self-contained breathing apparatus, for firefighters")

    ruling = next(r for r in answer.ruled_out if r.entry == "2B352")
    assert "self-contained breathing apparatus" in ruling.leaf
    assert answer.entries == ["1A004"]  # protective suits against CW agents: whether they are is still open


def test_the_class_the_note_names_is_still_controlled(assistant: Assistant) -> None:
    answer = assistant.ask("class III biological safety cabinet with glove ports and HEPA filtered supply and exhaust")

    assert answer.decision == "likely-controlled" and answer.entries[0] == "2B352"


@pytest.mark.parametrize(("question", "entry"), [("krytron", "3A228"), ("phosgene", "1C355")])
def test_a_name_the_list_itself_uses_decides(assistant: Assistant, question: str, entry: str) -> None:
    answer = assistant.ask(question)

    assert answer.decision == "likely-controlled" and answer.entries[0] == entry
    assert "the list names the goods" in answer.candidates[0].reason


def test_a_figure_the_tree_missed_keeps_an_item_open(assistant: Assistant) -> None:
    answer = assistant.ask("streak camera for detonation experiments")

    assert answer.decision == "needs-facts" and answer.entries[0] == "6A203"


def test_only_a_catch_all_sharing_a_word_is_no_match(assistant: Assistant) -> None:
    answer = assistant.ask("ethernet cable cat 6, 305 m box")

    assert answer.decision == "no-match" and answer.entries == []


@pytest.mark.parametrize(
    ("question", "falls"),
    [
        ("reactor 2 000 L with agitator, wetted parts 316L stainless steel", "2B999.g"),
        ("carbon steel storage tank 30 m3 for diesel", "EAR99"),
    ],
)
def test_ruled_out_goods_fall_to_the_catch_all_that_names_their_material(
    assistant: Assistant, question: str, falls: str
) -> None:
    answer = assistant.ask(question)

    assert answer.decision == "not-controlled-as-described"
    assert answer.falls_to["US CCL"] == falls


def test_a_purpose_the_note_excludes_frees_only_goods_of_the_entrys_kind(assistant: Assistant) -> None:
    shoes = assistant.ask("safety shoes for mining")
    chair = assistant.ask("office chair for medical use")

    assert shoes.decision == "not-controlled-as-described" and "1A004" in [r.entry for r in shoes.ruled_out]
    assert chair.decision == "no-match" and chair.ruled_out == []


def test_a_storage_vessel_is_judged_as_a_tank_not_a_reactor(assistant: Assistant) -> None:
    answer = assistant.ask("tantalum-lined storage vessel 50 L")

    assert answer.decision == "not-controlled-as-described"
    ruling = next(r for r in answer.ruled_out if r.entry == "2B350")
    assert [(c.entry, c.verdict) for c in ruling.checks if "volume" in c.parameter] == [("2B350.c.1", "not met")]


def test_a_lathe_is_judged_by_the_items_for_turning(assistant: Assistant) -> None:
    answer = assistant.ask("CNC lathe, 2 axes, positioning accuracy 12 um (ISO 230-2:2006), repeatability 4 um")

    checks = [(c.entry, c.parameter, c.verdict) for r in answer.ruled_out for c in r.checks]
    assert ("2B201.a", "positioning accuracy", "not met") in checks, checks
    assert not any(entry.startswith(("2B201.b", "2B201.c", "2B001.b", "2B001.c")) for entry, _, _ in checks)


def test_a_spraying_drone_is_an_unmanned_aerial_vehicle(assistant: Assistant) -> None:
    small = assistant.ask("crop spraying drone, autonomous flight, 16 litre spray tank")
    large = assistant.ask("crop spraying drone, autonomous flight, 30 litre spray tank")

    assert small.decision == "not-controlled-as-described" and "9A120" in [r.entry for r in small.ruled_out]
    assert large.decision == "likely-controlled" and large.entries[0] == "9A120"
    # as an invoice writes it, the figure after the tank; the short flight time rules out 9A012 only
    listed = assistant.ask("Agricultural spraying UAV, autonomous waypoint flight, spray tank 30 L, flight time 18 min")
    assert listed.decision == "likely-controlled" and listed.entries[0] == "9A120"


def test_a_supply_that_puts_out_alternating_current_is_no_direct_current_supply(assistant: Assistant) -> None:
    ups = assistant.ask("uninterruptible power supply 10 kVA, 50 Hz three-phase output")
    dc = assistant.ask("high-voltage direct current power supply, 30 kV output")

    assert not {"3A226", "3A227"} & {*ups.entries, *(r.entry for r in ups.ruled_out)}
    assert ups.decision == "not-controlled-as-described" and "3A225" in [r.entry for r in ups.ruled_out]
    assert "3A227" in dc.entries


def test_every_wetted_part_must_be_of_a_listed_material(assistant: Assistant) -> None:
    lined = assistant.ask("PTFE-lined ball valve DN 50")
    steel_ball = assistant.ask("PTFE-lined ball valve DN 50 with 316 stainless ball")

    assert lined.decision == "likely-controlled" and lined.entries[0] == "2B350"
    assert steel_ball.decision == "not-controlled-as-described"
    ruling = next(r for r in steel_ball.ruled_out if r.entry == "2B350")
    assert "316" in ruling.reason and "PTFE" not in ruling.reason


def test_a_skid_is_goods_not_a_trade_name(assistant: Assistant) -> None:
    answer = assistant.ask("tangential flow filtration skid, 0.5 m2 total membrane area, autoclavable")

    assert answer.decision == "not-controlled-as-described"
    assert ("2B352.d.1", "not met") in [(c.entry, c.verdict) for r in answer.ruled_out for c in r.checks]


def test_a_capacitor_is_decided_by_each_of_its_figures(assistant: Assistant) -> None:
    small = assistant.ask("pulse capacitor 10 kV, 0.1 uF, series inductance 40 nH")
    large = assistant.ask("pulse discharge capacitor 40 kV, 1.5 uF, series inductance 25 nH, stored energy 1 200 J")

    assert small.decision == "not-controlled-as-described" and "3A201" in [r.entry for r in small.ruled_out]
    assert large.decision == "likely-controlled" and large.entries[0] == "3A201"


def test_a_mixture_below_the_concentration_the_list_names_is_not_controlled(assistant: Assistant) -> None:
    answer = assistant.ask("thiodiglycol 5 % aqueous solution, 1 000 L")

    assert answer.decision == "not-controlled-as-described" and answer.falls_to["US CCL"] == "1C995"
    assert "1C350" in [r.entry for r in answer.ruled_out]


def test_a_freeze_dryer_is_decided_by_its_condenser_capacity_a_freezer_is_none(assistant: Assistant) -> None:
    french = assistant.ask(
        "lyophilisateur de laboratoire, capacité du condenseur 2 kg de glace en 24 h, stérilisable à la vapeur"
    )
    freezer = assistant.ask("chest freezer 300 L, -18 C")

    assert french.decision == "not-controlled-as-described"
    ruling = next(r for r in french.ruled_out if r.entry == "2B352")
    assert [(c.parameter, c.verdict) for c in ruling.checks][0] == ("condenser capacity", "not met")
    assert freezer.decision == "no-match"


def test_an_entry_lacking_only_the_wetted_material_keeps_the_goods_open(assistant: Assistant) -> None:
    answer = assistant.ask("dry scroll vacuum pump 30 m3/h, oil-free")

    assert answer.decision == "needs-facts" and "2B350" in answer.entries
    assert "material" in [leaf.kind for c in answer.candidates if c.entry == "2B350" for leaf in c.missing]


def test_a_material_family_names_no_goods(assistant: Assistant) -> None:
    """Neither as a trade name (1C216's curriculum line) nor as a line of a wetted-materials list (2B233)."""
    answer = assistant.ask("stainless steel vacuum flask 1 L")

    assert not {"1C216", "2B233"} & {*answer.entries, *(r.entry for r in answer.ruled_out)}


def test_an_exposure_tower_is_judged_by_the_animals_it_takes(assistant: Assistant) -> None:
    rats = assistant.ask("nose-only inhalation tower for 8 rats")
    ports = assistant.ask("Nose-only exposure tower, 24 ports, directed aerosol flow, for rodent challenge studies")

    assert rats.decision == "not-controlled-as-described" and "2B352" in [r.entry for r in rats.ruled_out]
    assert ports.decision == "likely-controlled" and ports.entries[0] == "2B352"


def test_misspelt_goods_and_property_words_are_read(assistant: Assistant) -> None:
    answer = assistant.ask("frequncy convertor 1000 Hz 3 phase 20 kVA, stabilty 0.05 %")

    assert answer.decision == "likely-controlled" and answer.entries[0] == "3A225"


def test_a_military_item_refuses_civil_goods_for_its_whole_entry(assistant: Assistant) -> None:
    assert assistant.ask("bicycle helmets, size M").decision == "no-match"
    assert assistant.ask("military combat helmet, NIJ level IIIA").entries[0] == "1A613"


def test_a_pressure_transmitter_is_a_pressure_transducer(assistant: Assistant) -> None:
    answer = assistant.ask(
        "pressure transmitter, 17-4PH stainless steel diaphragm, range 0-100 kPa, accuracy 0.25 % FS"
    )

    assert answer.decision == "not-controlled-as-described" and "2B230" in [r.entry for r in answer.ruled_out]


# The named decision rules (decide.RULES), each with the class of goods it serves, on the real eCFR text.
# The answer names the rule that decided (`Answer.decided_by`).
RULE_GOODS = [
    # 2B350.a: a glass-lined reactor of more than 0.1 m3 (100 L) total internal volume.
    ("a_specific_entry_applies", "glass-lined reactor vessel 3000 L", "likely-controlled", "2B350"),
    # The same reactor without its volume: 2B350.a may take it, the volume decides.
    ("best_entries_are_open", "glass-lined reactor vessel", "needs-facts", "2B350"),
    # "HTPB" is no everyday word and 1C111's text uses it: a drum of it is not cleared on "drum".
    ("a_name_the_lists_use_is_never_cleared", "HTPB binder resin, 200 kg drum", "needs-facts", "1C111"),
    # Declared as cooking kettles, but glass-lined and 3 000 L: 2B350.a's figures and material.
    (
        "stated_specifications_are_never_cleared",
        '"Cooking kettles", HS 8419, glass-lined, 3 000 L, with agitators',
        "needs-facts",
        "2B350",
    ),
    # 50 L is below 2B350.a's 100 L: ruled out by a stated fact, and said where it falls.
    ("stated_facts_rule_out", "glass-lined reactor vessel 50 L", "not-controlled-as-described", "2B350"),
    # Furniture shares no item with the lists.
    ("nothing_relevant", "wooden chair", "no-match", None),
]


@pytest.mark.unit
def test_every_decision_rule_has_goods_that_show_it() -> None:
    assert [name for name, *_ in RULE_GOODS] == [rule.__name__ for rule in RULES]
    assert all(rule.__doc__ for rule in RULES), "each rule says which class of goods it serves"


@pytest.mark.parametrize(("rule", "question", "decision", "entry"), RULE_GOODS, ids=[r[0] for r in RULE_GOODS])
def test_each_decision_rule_decides_its_class_of_goods(
    assistant: Assistant, rule: str, question: str, decision: str, entry: str | None
) -> None:
    answer = assistant.ask(question)
    assert (answer.decided_by, answer.decision) == (rule, decision), answer.entries
    if decision == "likely-controlled" or decision == "needs-facts":
        assert answer.entries[0].startswith(entry), answer.entries
    elif decision == "not-controlled-as-described":
        assert entry in [r.entry.split(".")[0] for r in answer.ruled_out], answer.ruled_out
        assert answer.falls_to, "a clearance says where the goods fall"
    else:
        assert answer.entries == [] and answer.ruled_out == []


REACTOR_PAGES = (24, 25, *range(89, 95))
"""NO List II pages (0-based) of 0A001 (nuclear reactors and their parts) and 2B350 (chemical manufacturing
equipment): two entries whose items both name "reactors"."""


@pytest.fixture(scope="module")
def reactors(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    folder = tmp_path_factory.mktemp("reactors")
    writer, reader = PdfWriter(), PdfReader(LIST_II)
    for number in REACTOR_PAGES:
        writer.add_page(reader.pages[number])
    buffer = io.BytesIO()
    writer.write(buffer)
    pdf = Path(folder / "list-ii.pdf")
    pdf.write_bytes(buffer.getvalue())
    settings = Settings(home=folder / "home")
    Ingester(settings).ingest([pdf], name="no-list-ii", list_label="NO List II", version_label="2021-05-20")
    return Assistant(settings)


@pytest.mark.unit
@pytest.mark.parametrize(
    "question",
    [
        "reactor 3000 L with agitator",
        "jacketed reactor 2000 L",
        "stirred reactor, 500 L",
        "réacteur 3000 L avec agitateur",
    ],
)
def test_an_agitated_stirred_or_jacketed_reactor_is_read_as_a_chemical_reactor(question: str) -> None:
    assert "chemical" in read_facts(question).kind


@pytest.mark.unit
def test_a_reactor_without_a_process_cue_is_of_no_kind_yet() -> None:
    assert read_facts("reactor 3000 L").kind == ()


@pytest.mark.parametrize("question", ["reactor 3000 L with agitator", "stirred reactor, 3000 L"])
def test_a_process_reactor_is_not_led_by_nuclear_reactors(reactors: Assistant, question: str) -> None:
    """The lists call these "chemical reactors" (corpus/goods.yaml implied_kinds): 0A001.a's "Nuclear reactors"
    names another kind of reactor, so it neither leads nor stands beside 2B350, which asks the wetted material."""
    answer = reactors.ask(question, llm=False)

    assert answer.decision == "needs-facts"
    assert answer.entries[0] == "2B350", answer.entries
    assert "0A001" not in answer.entries


def test_a_reactor_of_no_stated_kind_keeps_nuclear_reactors_open(reactors: Assistant) -> None:
    """Without a cue the goods may be either kind: the nuclear entry stays a candidate (never cleared on a guess)."""
    assert "0A001" in reactors.ask("nuclear reactor", llm=False).entries
    assert "0A001" in reactors.ask("reactor 3000 L", llm=False).entries
