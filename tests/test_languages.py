"""Questions in French, Spanish, Russian, Arabic and Chinese: language, digits, units, glossary, stemming, the
answer's sentences in French, and "not understood" (never "no entry matches") for what cannot be read."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.answer import render
from assistant.answer.ask import Assistant
from assistant.core.errors import IngestError
from assistant.core.types import Passage
from assistant.reading.question import read_question
from assistant.storage.snapshot import Snapshot, tokens
from assistant.text.glossary import KINDS, load_glossary, translate
from assistant.text.language import detect, normalise
from assistant.text.params import parse_quantities
from tests.test_ask import assistant, home  # noqa: F401  (the same small real index, built once per module)


@pytest.mark.parametrize(
    ("question", "language"),
    [
        ("réacteur émaillé de 3 000 litres avec agitateur", "fr"),
        ("échangeur de chaleur en titane", "fr"),
        ("bomba de diafragma con partes mojadas de PTFE", "es"),
        ("glass-lined reactor 3 000 L", "en"),
        ("émaillé reactor 3000 L", "en"),
        ("изостатический пресс", "ru"),
        ("كلوريد الثيونيل", "ar"),
        ("等静压机", "zh"),
    ],
)
def test_the_language_of_a_question_is_detected(question: str, language: str) -> None:
    assert detect(question).language == language


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("٣٠٠ مم", "300 مم"),
        ("۳۰۰ kg", "300 kg"),
        ("３００ｍｍ", "300mm"),
        ("٢٫٥ م3", "2,5 م3"),
        ("\u200f200\u200e MPa", "200 MPa"),
    ],
)
def test_digits_of_every_script_are_read_as_ascii(written: str, read: str) -> None:
    assert normalise(written) == read


@pytest.mark.parametrize(
    ("question", "value", "unit"),
    [
        ("réacteur de 3 000 litres", 3000.0, "liter"),
        ("pompe 0,6 mètres cubes par heure", 0.6, "meter**3/hour"),
        ("four 1 200 degrés Celsius", 1200.0, "degree_Celsius"),
        ("reactor de 5 000 litros", 5000.0, "liter"),
        ("камера 300 мм", 300.0, "millimeter"),
        ("давление 200 МПа", 200.0, "megapascal"),
        ("خزان ٥٠٠٠ لتر", 5000.0, "liter"),
        ("٢٠٠ كغ", 200.0, "kilogram"),
        ("压力200兆帕", 200.0, "megapascal"),
        ("流量 0.6 立方米/小时", 0.6, "meter**3/hour"),
    ],
)
def test_units_in_other_languages_are_read_after_translation(question: str, value: float, unit: str) -> None:
    reading = read_question(question)
    quantities = [(q.value, q.unit) for q in reading.facts.quantities]
    assert (pytest.approx(value), unit) in quantities, (reading.query, quantities)


def test_french_numbers_with_spaces_and_decimal_commas_are_read() -> None:
    assert [(q.value, q.unit) for q in parse_quantities("3 000 L et 0,6 m3/h")] == [
        (3000.0, "liter"),
        (0.6, "meter**3/hour"),
    ]


def test_glossary_terms_are_translated_and_recorded() -> None:
    reading = read_question("Изостатического пресса с камерой 300 мм, 200 МПа")

    assert reading.language == "ru"
    assert [t.english for t in reading.terms][:2] == ["isostatic press", "chamber"]
    assert reading.facts.subject == "press" and "isostatic" in reading.facts.modifiers
    assert "300 mm" in reading.query and "200 MPa" in reading.query


def test_arabic_terms_are_found_with_article_and_prefix() -> None:
    found = translate(normalise("هل يخضع كلوريد الثيونيل للرقابة؟ ٢٠٠ كغ"), ["ar"])
    assert [t.english for t in found.terms] == ["thionyl chloride", "controlled", "kg"]
    assert "200 kg" in found.text and not found.unread


def test_a_single_letter_unit_is_a_unit_only_after_a_number_and_in_its_case() -> None:
    found = translate("насос в корпусе на 380 В", ["ru"])
    assert [t.english for t in found.terms] == ["pump", "V"]


def test_every_glossary_chemical_has_a_cas_number_and_rows_are_well_formed() -> None:
    rows = load_glossary()
    assert len(rows) >= 300 and {row.kind for row in rows} <= KINDS
    assert all(row.cas for row in rows if row.kind == "chemical")
    for lang in ("es", "ru", "ar", "zh"):
        assert sum(bool(row.forms[lang]) for row in rows) >= 300, lang
    thionyl = next(row for row in rows if row.en == "thionyl chloride")
    assert thionyl.cas == "7719-09-7"


def test_a_malformed_glossary_row_names_the_file_and_the_row(tmp_path: Path) -> None:
    path = tmp_path / "glossary.yaml"
    path.write_text("- {en: thionyl chloride, kind: chemical, cas: 7719-9-7, ru: [тионилхлорид]}\n", encoding="utf-8")
    with pytest.raises(IngestError, match="row 1 .thionyl chloride.*not a CAS number"):
        load_glossary(path)
    path.write_text(
        "- {en: pinacolyl alcohol, kind: chemical, cas: 464-07-3, zh: [3,3-二甲基-2-丁醇]}\n", encoding="utf-8"
    )
    with pytest.raises(IngestError, match="has no letters"):
        load_glossary(path)


def test_french_stemming_finds_plural_and_inflected_french_passages(tmp_path: Path) -> None:
    passages = [
        Passage(
            id="fr1",
            text="Presses isostatiques capables d'atteindre une pression de service maximale",
            source="ca",
            version="1",
            version_id="v1",
            list_label="CA",
            kind="entry",
            entry="B.1.1",
        ),
        Passage(
            id="en1",
            text="Isostatic presses capable of achieving a maximum working pressure",
            source="us",
            version="1",
            version_id="v2",
            list_label="US",
            kind="entry",
            entry="2B204",
        ),
        Passage(
            id="en2",
            text="Sounding rockets with a range of 300 km",
            source="us",
            version="1",
            version_id="v2",
            list_label="US",
            kind="entry",
            entry="9A104",
        ),
    ]
    snapshot = Snapshot.write(tmp_path / "snap", passages)

    assert tokens("presse isostatique", "fr") == tokens("presses isostatiques", "fr")
    french = [h.passage.id for h in snapshot.keyword("presse isostatique pression", 3, "fr")]
    english = [h.passage.id for h in snapshot.keyword("isostatic press", 3)]
    assert french[0] == "fr1" and english[0] == "en1"


def test_a_french_question_gets_its_decision_line_in_french(assistant: Assistant) -> None:
    answer = assistant.ask("réacteur émaillé de 3 000 litres")

    assert answer.language == "fr" and answer.entries[0] == "2B350", answer.markdown
    assert render.decision_line(answer).startswith("Probablement contrôlé : 2B350")
    assert "Lu comme : " in answer.markdown and "Ceci est une piste pour l'agent" in answer.markdown
    assert render.DISCLAIMER not in answer.markdown


def test_the_language_chosen_overrides_the_question_language(assistant: Assistant) -> None:
    answer = assistant.ask("réacteur émaillé de 3 000 litres", language="en")
    assert render.decision_line(answer).startswith("Likely controlled: 2B350")


def test_a_russian_question_is_translated_and_says_so(assistant: Assistant) -> None:
    answer = assistant.ask("реактор эмалированный, объем 3000 литров")

    assert answer.entries and answer.entries[0] == "2B350", answer.markdown
    assert answer.question_language == "ru" and ("реактор", "reactor") in answer.translated
    assert "Translated from Russian: реактор = reactor" in answer.markdown
    assert "3000 L" in answer.read_as


@pytest.mark.parametrize(
    "question", ["αντιδραστήρας 3000 λίτρα με αναδευτήρα", "Лабуда шмырк 300 мм", "ثيونيل كلورايد ٣٠٠ برميل"]
)
def test_a_question_whose_words_are_not_in_the_glossary_is_not_understood(assistant: Assistant, question: str) -> None:
    answer = assistant.ask(question)

    assert not answer.understood and answer.decision == "needs-facts" and answer.entries == [], answer.markdown
    assert render.escape_md(render.NOT_UNDERSTOOD) in answer.markdown
    assert render.escape_md(render.NO_MATCH) not in answer.markdown and answer.falls_to == {}


def test_unread_words_are_named_not_lost(assistant: Assistant) -> None:
    answer = assistant.ask("ثيونيل كلورايد ٣٠٠ برميل")
    assert any("ثيونيل" in note and "CAS" in note for note in answer.facts.notes), answer.facts.notes


def test_a_mixed_language_question_is_read_in_both_and_says_so(assistant: Assistant) -> None:
    answer = assistant.ask("насос с магнитной муфтой, wetted parts PTFE, 5 m3/h")

    assert answer.understood and answer.entries and answer.entries[0] == "2B350", answer.markdown
    assert any("mixes Russian and English" in note for note in answer.facts.notes)


def test_english_common_names_are_read_as_the_lists_scientific_names() -> None:
    """ "anthrax" is nowhere in the lists, which say Bacillus anthracis: read as is, it found nothing."""
    reading = read_question("anthrax culture, 10 ml", [])
    assert reading.query.startswith("Bacillus anthracis culture")
    assert [(t.written, t.english) for t in reading.terms] == [("anthrax", "Bacillus anthracis")]
    assert read_question("TDG, 200 kg drums", []).query.startswith("thiodiglycol (CAS 111-48-8)")
    assert read_question("teacup", []).terms == ()


def test_a_translated_question_is_not_shown_as_a_follow_up(assistant: Assistant) -> None:
    """Its query (the English reading) differs from what was typed, yet it inherits nothing."""
    answer = assistant.ask("réacteur émaillé de 3 000 litres", llm=False)
    assert not answer.follow_up and render.read_as_line(answer) == f"Lu comme : {answer.read_as}"
    follow = assistant.ask("et si seulement 50 litres ?", history=[answer.query], llm=False)
    assert follow.follow_up and "(suite" in render.read_as_line(follow)
