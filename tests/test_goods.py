"""The goods vocabulary (corpus/goods.yaml): every row checked on load, errors naming the file and the row, and
the kinds it names being words the real lists use."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assistant.core.errors import IngestError
from assistant.knowledge.goods import foreign_goods, goods_vocabulary, load_goods
from assistant.knowledge.subjects import singular, term
from tests.conftest import CCL_XML

GOOD = """
nouns:
  - {class: process equipment, words: [reactor, pump, centrifuge], source: CCL 2B350}
compounds:
  - {words: [vacuum pump], source: CCL 2B231}
synonyms:
  - {kind: reactor, words: [vessel], source: CCL 2B350.a}
consumer:
  - {class: kitchen goods, words: [kitchen, salad], source: HS chapter 82}
"""


def _load(tmp_path: Path, text: str) -> object:
    path = tmp_path / "goods.yaml"
    path.write_text(text, encoding="utf-8")
    return load_goods(path)


@pytest.mark.unit
def test_a_sound_table_loads(tmp_path: Path) -> None:
    vocabulary = _load(tmp_path, GOOD)
    assert vocabulary["nouns"] == {"reactor", "pump", "centrifuge"}
    assert vocabulary.synonyms == {"vessel": "reactor"}
    assert vocabulary.consumer == {"kitchen goods": frozenset({"kitchen", "salad"})}


@pytest.mark.unit
@pytest.mark.parametrize(
    ("change", "error"),
    [
        (
            ("source: CCL 2B231}", "source: [CCL 2B231, HS 8414]}"),
            r"goods.yaml: compounds row 1: one source per row",
        ),
        (("source: CCL 2B350.a", "note: x"), r"goods.yaml: synonyms row 1: source must say where"),
        (("words: [vessel]", "words: [Vessel]"), r"goods.yaml: synonyms row 1: word 'Vessel' must be lower-case"),
        (("kind: reactor", "kind: cheese"), r"goods.yaml: synonyms row 1: kind 'cheese' is no goods noun"),
        (("centrifuge]", "centrifuge, pump]"), r"goods.yaml: nouns row 1: 'pump' is already in nouns row 1"),
        (("{class: kitchen goods, ", "{"), r"goods.yaml: consumer row 1: class must say which goods"),
        (("compounds:", "compound:"), r"goods.yaml: unknown sections \['compound'\]"),
    ],
)
def test_a_bad_row_is_named_in_the_error(tmp_path: Path, change: tuple[str, str], error: str) -> None:
    assert change[0] in GOOD
    with pytest.raises(IngestError, match=error):
        _load(tmp_path, GOOD.replace(*change))


@pytest.mark.unit
def test_a_word_twice_in_a_section_names_both_rows(tmp_path: Path) -> None:
    text = GOOD + "  - {class: lab goods, words: [laboratory, salad], source: x}\n"
    with pytest.raises(IngestError, match=r"consumer row 2: 'salad' is already in consumer row 1"):
        _load(tmp_path, text)


@pytest.mark.unit
def test_a_foreign_form_the_glossary_translates_is_refused(tmp_path: Path) -> None:
    text = GOOD + "foreign:\n  - {language: fr, words: [pompe], means: pump, source: x}\n"
    vocabulary = _load(tmp_path, text)
    with pytest.raises(IngestError, match=r"goods.yaml: foreign row 1: 'pompe' is translated by corpus/glossary"):
        foreign_goods(vocabulary, {"pompe": "pump"}, tmp_path / "goods.yaml")
    assert foreign_goods(vocabulary, {"vanne": "valve"}, tmp_path / "goods.yaml") == {"vanne": "valve", "pompe": "pump"}


@pytest.mark.unit
def test_every_kind_the_table_names_is_a_word_of_the_real_lists() -> None:
    """Synonyms fold goods words into the kinds the lists name: each kind must be words of a real list (the US
    CCL), read as written there (singular), not through our own synonyms."""
    text = re.sub(r"<[^>]+>", " ", CCL_XML.read_text(encoding="utf-8")).lower()
    written = {singular(w) for w in re.findall(r"[a-z]+", text)}
    kinds = set(goods_vocabulary().synonyms.values())
    missing = {kind for kind in kinds if not all(singular(w) in written for w in kind.split())}
    assert not missing, missing
    assert term("drones") == "uav" and term("lyophilizer") == "dryer"
