"""Identity from real references: chemicals by CAS through the `chemicals` library (names, misspellings,
formulas, solutions, acronyms), biological agents and toxins by the agents table, isotopes by their stated
enrichment; the listed names and CAS numbers come from the real eCFR text, answers from a real excerpt."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from assistant.answer.ask import Assistant
from assistant.core.errors import IngestError
from assistant.core.types import Facts, Identity, Leaf
from assistant.decision.evaluate import _chemical
from assistant.knowledge.agents import find_agents, load_agents
from assistant.knowledge.chemistry import acronyms, listed_names, load_acronyms, match_listed, resolve
from assistant.knowledge.isotopes import load_isotopes
from assistant.reading.facts import read_facts, with_listed
from assistant.reading.question import read_question
from ingest.criteria import chemical_leaf
from tests.conftest import ccl_excerpt, excerpt_home


def _listed_1c350() -> list[Leaf]:
    """The chemical leaves of the real eCFR 1C350, as ingest reads them."""
    text = ccl_excerpt(("1C350",))
    lines = [html.unescape(re.sub(r"<[^>]+>", "", line)).strip() for line in re.split(r"</P>|\n", text)]
    return [leaf for leaf in map(chemical_leaf, lines) if leaf is not None]


@pytest.fixture(scope="module")
def listed() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for leaf in _listed_1c350():
        for cas in leaf.cas:
            found.setdefault(cas, []).extend(leaf.names)
    return found


@pytest.mark.unit
@pytest.mark.parametrize(
    ("written", "cas"),
    [
        ("phosphorous tri-chloride", "7719-12-2"),
        ("PCl3", "7719-12-2"),
        ("POCl3", "10025-87-3"),
        ("SOCl2", "7719-09-7"),
        ("hydrofluoric acid", "7664-39-3"),
        ("sodium sulphide", "1313-82-2"),
    ],
)
def test_misspelt_formula_and_solution_names_of_listed_chemicals_resolve_to_their_listed_cas(
    written: str, cas: str, listed: dict[str, list[str]]
) -> None:
    identity = resolve(written)
    assert identity.cas == cas
    assert cas in listed, f"{cas} should be a CAS number of the real 1C350"


@pytest.mark.unit
@pytest.mark.parametrize("written", ["thiodiglicol", "thiodyglycol", "thiodiglcol"])
def test_a_misspelling_the_library_does_not_know_is_read_as_the_listed_chemical(
    written: str, listed: dict[str, list[str]]
) -> None:
    assert not resolve(written).certain
    identity = match_listed(written, listed_names(listed))
    assert (identity.cas, identity.how) == ("111-48-8", "spelling")


@pytest.mark.unit
def test_a_near_chemical_is_another_chemical_and_not_listed(listed: dict[str, list[str]]) -> None:
    phosphate = resolve("triethyl phosphate")
    assert phosphate.cas == "78-40-0" and phosphate.cas not in listed
    assert resolve("triethyl phosphite").cas == "122-52-1" and "122-52-1" in listed
    # Nor does the spelling rule fold one into the other.
    names = listed_names(listed)
    assert match_listed("triethyl phosphate", names).cas == ""
    assert match_listed("trimethyl phosfate", names).cas == ""  # trimethyl phosphite (121-45-9) is listed


@pytest.mark.unit
def test_an_ambiguous_acronym_is_a_question_with_its_meanings() -> None:
    facts = read_facts("MDEA, 200 L drums")
    (identity,) = facts.identities
    assert identity.written == "MDEA" and not identity.certain
    assert any("105-59-9" in c for c in identity.choices) and len(identity.choices) > 1
    # Capitals that are no chemical where nothing speaks of one: a turbomolecular pump, a frequency band.
    assert read_facts("TMP turbomolecular pump 700 l/s").identities == ()
    assert read_facts("HF amplifier 30 MHz").identities == ()


@pytest.mark.unit
def test_an_unresolved_name_never_rules_a_listed_chemical_out() -> None:
    leaf = next(leaf for leaf in _listed_1c350() if "7719-12-2" in leaf.cas)
    unresolved = Facts("phosphorus trichlorde", chemicals=("phosphorus trichlorde",), identities=(Identity("x"),))
    assert _chemical(leaf, unresolved) is None
    ambiguous = read_facts("TMP, 99 %, 200 L drums")
    assert _chemical(next(lf for lf in _listed_1c350() if "121-45-9" in lf.cas), ambiguous) is None
    # Known by CAS and not this chemical: ruled out with certainty.
    assert _chemical(leaf, read_facts("triethyl phosphate 99 %")) is False


@pytest.mark.unit
@pytest.mark.parametrize(
    ("question", "cas"),
    [
        # systematic names with locants and brackets: the whole name, never the piece ethanethiol / ethanol
        ("5 x 25 kg drum 2-(diisopropylamino)ethanethiol (lot C11457) EUR 61,332.00", "5842-07-9"),
        ("2-(diethylamino)ethanol, concentration 65 percent, 200 L drum", "100-37-8"),
        ("1,1,2-trimethyldiazane, 500 g bottle, 8 pcs", "1741-01-1"),
        # inverted index names written with commas
        ("phosphonic acid, ethyl-, dimethyl ester, 25 kg drum, qty 9", "6163-75-3"),
        ("dithiophosphoric acid, o,o-diethyl ester, 500 g bottle", "298-06-6"),
        # another form of the name (never the anion "nitrate"); trade and other-language names where packed
        ("guanidinium nitrate, 1 L bottle, qty 4", "506-93-4"),
        ("evercyn, concentration 65 percent, 25 kg drum", "74-90-8"),
        ("hydrogenfluorid, 25 kg drum", "7664-39-3"),
    ],
)
def test_other_names_of_listed_chemicals_are_read_whole_from_the_question(question: str, cas: str) -> None:
    facts = read_facts(question)
    assert [i.cas for i in facts.identities] == [cas], facts.identities


@pytest.mark.unit
def test_a_piece_of_a_name_the_library_does_not_know_is_not_identified() -> None:
    # The library knows ethanethiol, not this longer name: the goods are not ethanethiol, so nothing clears.
    facts = read_facts("2-(dibutylamino)ethanethiol, 25 kg drum")
    assert [(i.written, i.certain) for i in facts.identities] == [("2-(dibutylamino)ethanethiol", False)]
    leaf = next(leaf for leaf in _listed_1c350() if "5842-07-9" in leaf.cas)
    assert _chemical(leaf, facts) is None


@pytest.mark.unit
def test_words_the_library_also_knows_are_no_chemical_outside_a_chemical_name() -> None:
    # The library knows "heat", "control" and "set" as names; a PVDF lining is a material, not a chemical.
    assert read_facts("heat exchanger, control set, 5 kW").chemicals == ()
    assert read_facts("Kynar lined ball valve DN 50").chemicals == ()


@pytest.mark.unit
def test_an_organic_formula_asks_with_its_isomers_and_an_inorganic_one_identifies() -> None:
    phosphorus_trichloride = next(leaf for leaf in _listed_1c350() if "7719-12-2" in leaf.cas)
    facts = read_facts("C2H8N2, 500 g bottle, qty 2")
    (identity,) = facts.identities
    # UDMH (57-14-7, 1C111) and ethylenediamine share the formula: which one is a question.
    assert not identity.certain and any("57-14-7" in c for c in identity.choices)
    assert len(identity.choices) > 1
    assert resolve("PCl3").cas == "7719-12-2"
    # An isomer list that holds a listed chemical keeps it open.
    trimethyl_phosphite = next(leaf for leaf in _listed_1c350() if "121-45-9" in leaf.cas)
    assert _chemical(trimethyl_phosphite, read_facts("C3H9O3P, 25 kg drum")) is None
    assert _chemical(phosphorus_trichloride, read_facts("PCl3, 25 kg drum")) is True


@pytest.mark.unit
def test_an_anion_or_a_name_of_several_listed_meanings_is_never_one_chemical(listed: dict[str, list[str]]) -> None:
    cyanide = read_facts("cyanide, 25 kg drum")
    assert [i.certain for i in cyanide.identities] == [False]
    sodium_cyanide = next(leaf for leaf in _listed_1c350() if "143-33-9" in leaf.cas)
    assert _chemical(sodium_cyanide, cyanide) is None
    # A name none of whose meanings is listed is the library's pick: no list names it either way.
    names = listed_names(listed)
    assert with_listed(read_facts("methanol, 200 L drum"), names).identities[0].cas == "67-56-1"


@pytest.mark.unit
def test_every_acronym_meaning_is_the_chemical_library_s() -> None:
    for row in acronyms().values():
        for meaning in row.meanings:
            assert resolve(meaning.cas).cas == meaning.cas, f"{row.acronym}: {meaning}"


@pytest.mark.unit
def test_tables_name_the_file_and_the_row_of_a_bad_row(tmp_path: Path) -> None:
    bad = tmp_path / "chemicals.yaml"
    bad.write_text("- {acronym: TEA, meanings: [{name: x, cas: 102-71-5}], source: s}\n", encoding="utf-8")
    with pytest.raises(IngestError, match=r"chemicals\.yaml: row 1 \(TEA\).*check digit"):
        load_acronyms(bad)
    agents = tmp_path / "agents.yaml"
    agents.write_text(
        "named_after: {nouns: [album], source: s}\ncontext: {words: [vial], source: s}\nmedia: {words: [stock], source: s}\nagents:\n"
        "  - {name: Ricin, kind: toxin, entries: {US CCL: 1C351.d.15}, synonyms: [], old_names: [],"
        " laboratory: [RCA60], source: s}\n"
        "  - {name: Abrin, kind: poison, entries: {US CCL: 1C351.d.1}, synonyms: [], old_names: [],"
        " laboratory: [], source: s}\n",
        encoding="utf-8",
    )
    with pytest.raises(IngestError, match=r"agents\.yaml: agents row 2 \(Abrin\): kind 'poison'"):
        load_agents(agents)
    isotopes = tmp_path / "isotopes.yaml"
    isotopes.write_text("- {isotope: boron-10, symbol: B, mass: 11, natural_pct: 20, source: s}\n", encoding="utf-8")
    with pytest.raises(IngestError, match=r"isotopes\.yaml: row 1 \(boron-10\): mass"):
        load_isotopes(isotopes)


@pytest.mark.unit
def test_agents_are_read_by_old_strain_and_laboratory_names_and_titles_are_not_agents() -> None:
    assert [(i.name, i.how) for i, _ in find_agents("Pasteurella tularensis, lyophilised culture")] == [
        ("Francisella tularensis", "old name")
    ]
    assert [i.name for i, _ in find_agents("RCA60, 1 mg vial")] == ["Ricin"]
    assert find_agents("RCA60 cable") == []  # a short laboratory name only beside a word of biology
    album = read_question("Anthrax - Among the Living, vinyl record album").facts  # anthrax: a glossary alias
    assert album.agents == () and album.titles == ("Bacillus anthracis",)


@pytest.mark.unit
def test_enrichment_and_impurity_ratios_are_read_as_facts() -> None:
    boron = read_facts("boron carbide enriched 96 atom% B-10, 5 kg")
    assert [(q.value, q.property) for q in boron.quantities if q.unit == "percent"] == [(96.0, "boron-10 abundance")]
    assert boron.concentration_pct is None
    lithium = read_facts("lithium fluoride enriched to 95 % lithium-6")
    assert [q.property for q in lithium.quantities] == ["lithium-6 abundance"]
    hafnium = read_facts("zirconium tube, hafnium less than 1 part per 500 parts zirconium")
    assert [(round(q.value, 3), q.property) for q in hafnium.quantities] == [(0.2, "hafnium content")]


# --- answers on a real eCFR excerpt, with the real model ----------------------------------------------------

CODES = ("1C225", "1C233", "1C350", "1C351", "1C354", "2B350")
CLEARED = ("not-controlled-as-described", "no-match")


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    return Assistant(excerpt_home(tmp_path_factory.mktemp("identity") / "home", CODES))


@pytest.mark.parametrize(
    ("question", "how"),
    [
        ("phosphorous tri-chloride 99 %, 250 kg drums", "read as phosphorus trichloride, CAS 7719-12-2"),
        ("PCl3 99 %, 25 kg", "PCl3 read as phosphorus trichloride (formula), CAS 7719-12-2"),
        ("thiodiglicol 99 %, 200 L drums", "thiodiglicol read as thiodiglycol (spelling), CAS 111-48-8"),
        ("Chlorure de thionyl 99 %, 200 kg", "CAS 7719-09-7"),
    ],
)
def test_listed_chemicals_written_another_way_are_likely_controlled_and_say_how_they_were_read(
    assistant: Assistant, question: str, how: str
) -> None:
    answer = assistant.extract(question)
    assert answer.decision == "likely-controlled", answer.markdown
    assert answer.candidates[0].entry == "1C350"
    assert how in answer.read_as


def test_hydrofluoric_acid_49_percent_is_hydrogen_fluoride_of_1c350(assistant: Assistant) -> None:
    answer = assistant.extract("hydrofluoric acid 49 %, 25 L carboys")
    assert answer.decision not in CLEARED, answer.markdown
    assert answer.candidates[0].entry == "1C350"
    assert "CAS 7664-39-3" in answer.read_as


def test_a_near_chemical_is_cleared_and_an_unresolved_name_never_is(assistant: Assistant) -> None:
    assert assistant.extract("triethyl phosphate 99 %, 200 kg drums").decision == "not-controlled-as-described"
    for question in ("phosphorus trichlorde, 250 kg drums", "MDEA, 200 L drums"):
        answer = assistant.extract(question)
        assert answer.decision not in CLEARED, (question, answer.markdown)


@pytest.mark.parametrize("question", ["RCA60, 1 mg vial", "Pasteurella tularensis culture, lyophilised"])
def test_a_toxin_by_its_laboratory_name_and_an_organism_by_its_old_name_reach_1c351(
    assistant: Assistant, question: str
) -> None:
    answer = assistant.extract(question)
    assert answer.decision == "likely-controlled", answer.markdown
    assert answer.candidates[0].entry == "1C351"


def test_a_record_album_titled_after_a_pathogen_is_not_the_agent(assistant: Assistant) -> None:
    answer = assistant.extract("Anthrax - Among the Living, vinyl record album")
    assert answer.decision != "likely-controlled"
    assert all(c.entry != "1C351" for c in answer.candidates)


def test_boron_carbide_enriched_in_boron_10_is_1c225_and_natural_lithium_is_not_1c233(assistant: Assistant) -> None:
    enriched = assistant.extract("boron carbide enriched 96 atom% B-10, 5 kg")
    assert enriched.decision == "likely-controlled", enriched.markdown
    assert enriched.candidates[0].entry == "1C225"
    natural = assistant.extract("lithium carbonate, Li-6 7.5 %, 25 kg")
    assert all(c.entry != "1C233" or c.status != "applies" for c in natural.candidates)


def test_a_follow_up_keeps_how_the_chemical_was_identified(assistant: Assistant) -> None:
    first = assistant.extract("PCl3, 25 kg")
    second = assistant.extract("purity 99 %", history=[first.query])
    assert second.decision == "likely-controlled", second.markdown
    assert "PCl3 read as phosphorus trichloride (formula), CAS 7719-12-2" in second.read_as


def test_an_organism_named_by_its_genus_alone_asks_the_species(assistant: Assistant) -> None:
    # the glycerol it is frozen in is its medium, not the goods; the list names species of the genus
    answer = assistant.extract("BRUCELLA SP. FIELD ISOLATE, FROZEN GLYCEROL STOCK, 2 CRYOVIALS")
    assert answer.decision == "needs-facts", answer.markdown
    assert answer.candidates[0].entry.startswith("1C351")
    assert any(leaf.property == "species" for leaf in answer.candidates[0].missing)
    named = assistant.extract("Brucella melitensis field isolate, frozen glycerol stock, 2 cryovials")
    assert named.decision == "likely-controlled" and named.candidates[0].entry.startswith("1C351")


def test_goods_declared_under_another_name_are_held_on_the_figures_of_any_item(assistant: Assistant) -> None:
    # the words hit 2B350's storage tanks; volume and lining meet its reactors
    answer = assistant.extract("COOKING KETTLE, GLASS-LINED, 3000 L, W/ AGITATOR & JACKET, HS 8419.89")
    assert answer.decision == "needs-facts", answer.markdown
    assert answer.candidates[0].entry.startswith("2B350")
