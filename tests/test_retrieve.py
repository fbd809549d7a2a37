"""Retrieval on a real index (a real eCFR excerpt, the starter corpus, the real model): what the question's
words are widened with, and how entries are ranked."""

from __future__ import annotations

import pytest

from assistant.core.settings import Settings
from assistant.search.retrieve import material_families, other_spellings, respell, search, widen
from assistant.storage.index import LiveIndex, View
from ingest.pipeline import Ingester
from ingest.starter import ensure_starter_corpus
from tests.conftest import ccl_excerpt

CODES = ("0A001", "1C107", "1C117", "1C202", "1C226", "2B204", "2B350", "3A002", "3A225", "3B001", "9A105", "9A106")


@pytest.fixture(scope="module")
def view(tmp_path_factory: pytest.TempPathFactory) -> View:
    home = tmp_path_factory.mktemp("retrieve") / "home"
    xml = home.parent / "ccl.xml"
    xml.write_text(ccl_excerpt(CODES), encoding="utf-8")
    settings = Settings(home=home, audit_log=False)
    Ingester(settings).ingest([xml], name="us-ccl", list_label="US CCL")
    ensure_starter_corpus(settings)
    return LiveIndex(settings).view()


@pytest.mark.unit
def test_a_grade_or_trade_name_brings_its_family_unless_the_question_says_it() -> None:
    assert material_families("Hastelloy C-276 reactor, PTFE-lined agitator") == ["nickel alloy", "fluoropolymer"]
    assert material_families("maraging steel bar, 7075-T6 aluminium alloy tube") == []
    assert material_families("wooden office chair") == []


def test_a_trade_name_finds_the_item_whose_material_clause_names_its_family(view: View) -> None:
    best = search(view, "Hastelloy C-276 reactor").entries[0]

    assert best.entry == "2B350"
    assert "nickel" in best.hits[0].passage.text.lower()


def test_the_other_spelling_is_searched_where_the_list_uses_it(view: View) -> None:
    vocabulary = view.snapshot.vocabulary
    assert other_spellings("7075 aluminium tube", vocabulary) == ["aluminum"]
    assert other_spellings("7075 aluminium tube", frozenset({"tube"})) == []  # only words the index holds

    assert search(view, "7075 aluminium tube, 120 mm outside diameter").entries[0].entry == "1C202"


@pytest.mark.parametrize(
    "question", ["cold isostatic press, 400 MPa", "reactor with jacket", "polypropylene lined tank", "autoclave"]
)
def test_english_words_inflections_and_material_names_are_not_respelt(view: View, question: str) -> None:
    assert respell(question, view.snapshot) == question


def test_a_misspelt_word_is_respelt_from_the_index(view: View) -> None:
    widened = widen("frequncy convertor, stabilty 0.1 %", view.snapshot)

    assert {"frequency", "stability"} <= set(widened.split())
    assert search(view, "frequncy convertor, stabilty 0.1 %").entries[0].entry == "3A225"


def test_an_entry_sharing_the_question_s_rare_words_outranks_one_sharing_common_words(view: View) -> None:
    ranked = [
        m.entry for m in search(view, "thrust vector control actuator for a liquid propellant rocket engine").entries
    ]

    assert ranked.index("9A106") < ranked.index("9A105")
