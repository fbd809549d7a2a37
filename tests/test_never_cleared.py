"""Never clear on a guess (issue 23): goods are cleared only on facts read with certainty. An unknown
acronym the lists use, stated figures that meet an entry whose noun the goods' name does not fit, a known
acronym read with its meaning; on a real eCFR excerpt with the real model."""

from __future__ import annotations

import pytest

from assistant.answer.ask import Assistant
from assistant.core.types import ItemCriteria, Leaf, Node
from assistant.decision.evaluate import evaluate
from assistant.knowledge.chemistry import resolve
from assistant.reading.facts import read_facts
from tests.conftest import excerpt_home


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    return Assistant(
        excerpt_home(tmp_path_factory.mktemp("never-cleared") / "home", ("1C111", "2B350", "2B352", "3A233"))
    )


def test_an_acronym_the_list_uses_and_we_do_not_know_is_never_cleared(assistant: Assistant) -> None:
    answer = assistant.ask("HTPB binder resin, 200 kg drum")

    assert answer.decision == "needs-facts" and answer.entries[:1] == ["1C111"], answer.markdown


def test_a_known_acronym_is_read_with_its_meaning(assistant: Assistant) -> None:
    answer = assistant.ask("ICP-MS, mass range up to 260 u, unit mass resolution")

    assert answer.entries[:1] == ["3A233"], answer.markdown
    assert "mass spectrometer" in answer.query


def test_an_acronym_of_everyday_goods_raises_no_alarm(assistant: Assistant) -> None:
    answer = assistant.ask("household vacuum cleaner 800 W, HEPA filter")

    assert answer.decision == "no-match", answer.markdown


def test_stated_specifications_of_a_listed_item_are_never_cleared_under_another_name(assistant: Assistant) -> None:
    answer = assistant.ask('"Cooking kettles", HS 8419, glass-lined, 3 000 L, with agitators; consignee: food trading')

    assert answer.decision == "needs-facts" and answer.entries[:1] == ["2B350"], answer.markdown


def test_goods_whose_stated_facts_rule_them_out_are_still_cleared(assistant: Assistant) -> None:
    answer = assistant.ask("glass-lined reactor 50 L with agitator")

    assert answer.decision == "not-controlled-as-described", answer.markdown


@pytest.mark.unit
def test_a_note_listing_chemicals_by_cas_frees_only_those_numbers() -> None:
    """ML8's Note 1 frees "ammonium picrate (CAS 131-74-8)"; ammonium perchlorate shares a word, not the number."""
    note = (
        "Note 1 ML8 does not apply to the following substances unless they are compounded or mixed with the "
        '"energetic material" specified by ML8.a.: a. Ammonium picrate (CAS 131-74-8); b. Black powder;'
    )
    listed = Leaf(
        "chemical", "2. AP (ammonium perchlorate) (CAS 7790-98-9);", names=("ammonium perchlorate",), cas=("7790-98-9",)
    )
    item = ItemCriteria(
        "ML8",
        "no-list-i",
        "NO List I",
        "v1",
        "Energetic materials",
        ("material",),
        Node("any", (listed,)),
        (Leaf("exclusion", note),),
    )

    perchlorate = evaluate(item, read_facts("Ammonium perchlorate, CAS 7790-98-9, 5 t"))
    picrate = evaluate(item, read_facts("Ammonium picrate, CAS 131-74-8, 25 kg drum"))

    assert perchlorate.status == "applies", perchlorate.reason
    assert picrate.status == "does not apply" and picrate.deciding.kind == "exclusion", picrate.reason


@pytest.mark.unit
def test_a_formula_several_chemicals_share_names_none_of_them() -> None:
    """C6H15NO is 2-(diethylamino)ethanol (1C350) and several unlisted isomers: the officer is asked which."""
    shared, unique = resolve("C6H15NO"), resolve("PCl3")

    assert not shared.certain and any("100-37-8" in choice for choice in shared.choices), shared
    assert unique.certain and unique.cas == "7719-12-2"
