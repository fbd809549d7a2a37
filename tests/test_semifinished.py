"""Semi-finished materials (maraging steel sheet and tube, fibres, alloy tube) judged by the real lists' items:
a figure answers only the stage it is stated for, a tube's wall is its wall or plate thickness, a diameter is
one of "all linear dimensions", an "except" clause bounds its exclusion and not the item, a branch for another
material is no branch for the goods, and a production route nobody stated is asked, never met."""

from __future__ import annotations

import pytest

from assistant.core.types import ItemCriteria, leaves
from assistant.decision.evaluate import evaluate
from assistant.reading.facts import read_facts
from ingest.criteria import criteria_of
from ingest.listtext import split_list_pages
from tests.conftest import LIST_II, ccl_entries, pdf_pages

pytestmark = pytest.mark.unit

CODES = {"1C002", "1C010", "1C116", "1C210", "1C216"}


@pytest.fixture(scope="module")
def items() -> dict[tuple[str, str], ItemCriteria]:
    ccl = [c for e in ccl_entries() if e.code[:5] in CODES for c in criteria_of(e, "us-ccl", "US CCL", "v1")]
    no = [
        c
        for e in split_list_pages(list(pdf_pages(LIST_II)))  # what read_bytes returns for it
        if e.code[:5] in CODES
        for c in criteria_of(e, "no-list-ii", "NO List II", "v1")
    ]
    return {(c.list_label, c.code): c for c in (*ccl, *no)}


LISTS = ("US CCL", "NO List II")


def test_1c210_except_clause_bounds_no_threshold_of_the_item(items: dict[tuple[str, str], ItemCriteria]) -> None:
    item = items[("US CCL", "1C210.a")]
    assert {leaf.property for leaf in leaves(item.tree) if leaf.kind == "threshold"} == {
        "specific modulus",
        "specific tensile strength",
    }
    assert any("ester based" in x.text for x in item.exclusions)


@pytest.mark.parametrize("label", LISTS)
@pytest.mark.parametrize(
    ("code", "question", "status"),
    [
        # Each figure meets only the bound of its own stage: 0.85 < 0.9 annealed, 1.40 < 1.5 aged.
        (
            "1C116",
            "maraging steel C200 sheet 3 mm, tensile strength 0.85 GPa solution annealed, 1.40 GPa aged",
            "does not apply",
        ),
        ("1C116", "maraging steel sheet 3 mm, tensile strength 0.95 GPa solution annealed, 1.40 GPa aged", "applies"),
        ("1C116", "maraging steel sheet 3 mm, tensile strength 0.85 GPa solution annealed, 1.60 GPa aged", "applies"),
        (
            "1C116",
            "maraging steel sheet 2 mm, UTS 0.8 GPa solution heat treated, 1.45 GPa after ageing",
            "does not apply",
        ),
        ("1C116", "maraging steel sheet 2 mm, UTS 1.0 GPa solution heat treated, 1.45 GPa after ageing", "applies"),
        # A figure that names no stage still answers either bound.
        ("1C116", "maraging steel sheet 3 mm, tensile strength 1.6 GPa", "applies"),
        # The wall answers "wall or plate thickness": 20 mm is too thick for sheet or tubing, and a 200 mm bore too
        # narrow for the tubular forms; a 300 mm bore is wide enough.
        ("1C116", "maraging steel tube, inner diameter 200 mm, wall 20 mm, aged UTS 1.8 GPa", "does not apply"),
        ("1C116", "maraging steel tube, inner diameter 300 mm, wall 20 mm, aged UTS 1.8 GPa", "applies"),
        ("1C116", "maraging steel tube, inner diameter 200 mm, wall 4 mm, aged UTS 1.8 GPa", "applies"),
        # A low carbon fibre meets the glass fibre bounds of 1C210.b, which are not for it.
        ("1C210", "carbon fibre tow, tensile strength 2.5 GPa, modulus 100 GPa, density 1.9 g/cm3", "does not apply"),
        ("1C210", "carbon fibre tow, tensile strength 4.9 GPa, modulus 230 GPa, density 1.80 g/cm3", "applies"),
        ("1C210", "glass fibre roving, tensile strength 2.5 GPa, modulus 100 GPa, density 1.9 g/cm3", "applies"),
        # A 300 mm bore is more than 75 mm: the small-forms note does not free the tube.
        ("1C216", "maraging steel tube, inside diameter 300 mm, wall 5 mm, UTS 2000 MPa", "applies"),
        ("1C216", "maraging steel tube, inside diameter 50 mm, wall 5 mm, UTS 2000 MPa", "does not apply"),
        ("1C216", "maraging steel balls 50 mm diameter, capable of 2 050 MPa", "does not apply"),
        # The civil aircraft repair Note frees fibres for that purpose and of those sizes, not every carbon fibre.
        ("1C010.b", "carbon fibre, tensile strength 6.4 GPa, modulus 294 GPa, density 1.80 g/cm3", "applies"),
        ("1C010", "carbon fibre, tensile strength 6.4 GPa, modulus 294 GPa, density 1.80 g/cm3", "applies"),
        # A carbon fibre below 1C010.b is not caught by the lower bound of the inorganic fibres of 1C010.c.
        ("1C010.b", "carbon fibre, tensile strength 3.5 GPa, modulus 200 GPa, density 1.80 g/cm3", "does not apply"),
    ],
)
def test_semifinished_goods_are_judged_by_their_own_stage_branch_and_dimensions(
    items: dict[tuple[str, str], ItemCriteria], label: str, code: str, question: str, status: str
) -> None:
    assert evaluate(items[(label, code)], read_facts(question)).status == status


@pytest.mark.parametrize("label", LISTS)
@pytest.mark.parametrize(
    ("question", "status"),
    [
        # 7075-T6 is nominally 572 MPa, but nothing says it was made from 1C002.c powder.
        ("aluminium alloy 7075-T6 tube, outside diameter 60 mm", "undetermined"),
        ("wrought aluminium alloy 7075-T6 bar", "does not apply"),
        ("powder metallurgy aluminium alloy bar, tensile strength 500 MPa", "applies"),
    ],
)
def test_1c002b_production_route_is_asked_never_assumed(
    items: dict[tuple[str, str], ItemCriteria], label: str, question: str, status: str
) -> None:
    item = items[(label, "1C002.b.4")]
    assert any(leaf.kind == "feature" and leaf.contrary for leaf in leaves(item.tree))
    assert evaluate(item, read_facts(question)).status == status


@pytest.mark.parametrize("label", LISTS)
def test_carbon_fibre_is_no_silica_fibre(items: dict[tuple[str, str], ItemCriteria], label: str) -> None:
    """Half of an element the material's own base outweighs is out of reach: carbon fibre is mostly carbon."""
    result = evaluate(items[(label, "1C010.c.1.a")], read_facts("carbon fibre tow, modulus 100 GPa, density 1.9 g/cm3"))
    assert result.status == "does not apply" and "silicon" in result.reason


@pytest.mark.parametrize("label", LISTS)
def test_1c010_carbon_fibre_is_not_judged_as_inorganic(items: dict[tuple[str, str], ItemCriteria], label: str) -> None:
    result = evaluate(
        items[(label, "1C010")],
        read_facts("carbon fibre, tensile strength 3.5 GPa, modulus 200 GPa, density 1.80 g/cm3"),
    )
    assert result.status != "applies" and not any("sublimation" in leaf.property for leaf in result.missing)
