"""The generated-case bench (bench/conformance.py): its generator on a real CCL excerpt, and one small run."""

from __future__ import annotations

import doctest
import io
import re
from contextlib import redirect_stdout
from pathlib import Path

import pytest

from assistant.core.types import ItemCriteria
from assistant.core.units import unit_registry
from bench import conformance
from bench.conformance import (
    Case,
    compare,
    generate,
    in_no_family,
    margin,
    other_unit,
    report,
    right,
    run,
)
from ingest.criteria import criteria_of
from ingest.load import read_bytes
from tests.conftest import ccl_excerpt, excerpt_home

CODES = ("1C350", "2B350", "3A225")


@pytest.fixture(scope="module")
def excerpt(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[ItemCriteria], str]:
    """The excerpt's criteria trees, built as ingest builds them (no model, no index), and its text."""
    path = tmp_path_factory.mktemp("conformance") / "ccl.xml"
    text = ccl_excerpt(CODES)
    path.write_text(text, encoding="utf-8")
    loaded = read_bytes(path.read_bytes(), path)
    items = [c for entry in loaded.entries for c in criteria_of(entry, "us-ccl", "US CCL", "parsed")]
    return items, text


def figure(question: str, prop: str) -> tuple[float, str]:
    """The number and unit written after `prop` in a generated question."""
    found = re.search(rf"{re.escape(prop)} (-?[\d.]+) ([^,;.)]+?)(?=[,;)]|\. |$)", question)
    assert found, (prop, question)
    return float(found[1]), found[2].strip()


@pytest.mark.unit
@pytest.mark.parametrize("op", [">", ">=", "<", "<="])
@pytest.mark.parametrize("bound", [0.1, 600.0, -50.0])
def test_margins_fall_on_the_right_side(op: str, bound: float) -> None:
    assert compare(margin(bound, op, True), op, bound)
    assert not compare(margin(bound, op, False), op, bound)


@pytest.mark.unit
@pytest.mark.parametrize(
    ("value", "unit", "written", "expected"),
    [
        (0.15, "meter**3", "US gal", 39.626),
        (1000.0, "degree_Celsius", "°F", 1832.0),
        (1.5, "centimeter", "in", 0.5906),
        (10.0, "megapascal", "psi", 1450.38),
        (900.0, "hertz", "kHz", 0.9),
    ],
)
def test_other_units_convert_right(value: float, unit: str, written: str, expected: float) -> None:
    converted, text = other_unit(value, unit)  # type: ignore[misc]
    assert text == written
    assert converted == pytest.approx(expected, rel=1e-3)


@pytest.mark.unit
def test_threshold_cases_of_a_known_leaf(excerpt: tuple[list[ItemCriteria], str]) -> None:
    items, text = excerpt
    cases = generate(items, [text], "US CCL", seed=1, limit=0, chemicals=0).cases
    frequency = [
        c for c in cases if c.code.startswith("3A225") and "frequency 600 Hz" not in c.leaf and "600 Hz" in c.leaf
    ]
    assert {(c.kind, c.unit) for c in frequency} == {
        ("above", "list"),
        ("above", "other"),
        ("below", "list"),
        ("below", "other"),
    }
    registry = unit_registry()
    for case in frequency:
        value, unit = figure(case.question, "frequency")
        hertz = registry.Quantity(value, {"Hz": "hertz", "kHz": "kilohertz"}[unit]).to("hertz").magnitude
        assert (hertz >= 600) == (case.kind == "above"), case.question
        assert "frequency changer" in case.question.lower()
        # the item's other conditions hold in both cases: power and multiphase output are stated
        assert "multiphase" in case.question and "power" in case.question
        assert case.expect == "likely-controlled" if case.kind == "above" else case.expect != "likely-controlled"

    reactor = [c for c in cases if c.code.startswith("2B350.a") and "0.1 m3" in c.leaf]
    assert reactor, "the reactor volume leaf gives cases"
    for case in reactor:
        value, unit = figure(case.question, "total internal volume")
        litres = (
            registry.Quantity(value, {"m3": "meter**3", "m³": "meter**3", "US gal": "gallon"}[unit])
            .to("liter")
            .magnitude
        )
        assert (litres > 100) == (case.kind == "above"), case.question
        assert "wetted parts" in case.question, "the wetted-material clause of the item is stated"
        assert re.search(r"qty|pcs|units", case.question) and re.search(r"USD|EUR|NOK", case.question)


@pytest.mark.unit
def test_chemical_cases_name_the_chemical_every_way(excerpt: tuple[list[ItemCriteria], str]) -> None:
    items, text = excerpt
    cases = [c for c in generate(items, [text], "US CCL", seed=1, limit=1, chemicals=0).cases if "111-48-8" in c.id]
    by_kind = {c.kind: c.question for c in cases}
    assert "CAS 111-48-8" in by_kind["cas"]
    assert "thiodiglycol" in by_kind["name"].lower()
    assert "C4H10O2S" in by_kind["formula"]
    assert "synonym" in by_kind and not re.search(r"(?<![\w-])thiodiglycol(?![\w-])", by_kind["synonym"].lower())
    near = [c for c in cases if c.kind == "near"]
    assert len(near) == 2
    for case in near:
        cas = re.search(r"CAS (\d+-\d\d-\d)", case.question)[1]  # type: ignore[index]
        assert cas not in text, "a near chemical is on no list"
        assert case.expect == "not-controlled-as-described"


@pytest.mark.unit
def test_near_chemicals_stay_out_of_listed_families() -> None:
    assert in_no_family("C4H10O2S")
    assert not in_no_family("C6H15O4P"), "phosphorus: the nerve-agent families"
    assert not in_no_family("C4H8Cl2S"), "sulfur with chlorine: the mustards"
    assert not in_no_family("C6H15NO"), "nitrogen: the aminoethanol families"


@pytest.mark.unit
def test_scoring_counts_a_clearance_of_controlled_goods_wrong() -> None:
    case = Case(id="x", list_label="US CCL", code="3A225", kind="above", question="q", expect="likely-controlled")
    case.answer = {
        "decision": "not-controlled-as-described",
        "candidates": [{"entry": "3A225", "status": "does not apply"}],
    }
    assert not right(case)
    case.answer = {
        "decision": "likely-controlled",
        "candidates": [{"entry": "3A225", "item": "3A225", "status": "applies"}],
    }
    assert right(case)
    below = Case(id="y", list_label="US CCL", code="3A225", kind="below", question="q", expect="needs-facts")
    below.answer = case.answer
    assert not right(below)


def test_a_small_run_through_the_assistant(tmp_path: Path, excerpt: tuple[list[ItemCriteria], str]) -> None:
    """End to end on the excerpt: the run answers every case and reports its counts (quality is the bench's)."""
    settings = excerpt_home(tmp_path / "home", CODES).model_copy(update={"audit_log": False})
    items, text = excerpt
    generated = generate(items, [text], "US CCL", seed=3, limit=2, chemicals=1)
    assert generated.cases
    out = tmp_path / "cases.jsonl"
    run(settings, {"US CCL": generated}, out)
    assert all(case.answer.get("decision") for case in generated.cases)
    assert len(out.read_text(encoding="utf-8").splitlines()) == len(generated.cases)
    printed = io.StringIO()
    with redirect_stdout(printed):
        report("US CCL", generated, show_misses=True)
    shown = printed.getvalue()
    assert f"US CCL: {len(generated.cases)} cases" in shown
    for line in ("right when above", "right when below", "FALSE CLEARANCES", "identified by CAS", "skipped leaves"):
        assert line in shown


@pytest.mark.unit
def test_docstring_examples_hold() -> None:
    """tests/test_doctests.py walks assistant/ and ingest/; the bench's helpers are checked here."""
    result = doctest.testmod(conformance, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted and result.failed == 0


@pytest.mark.unit
def test_no_chemical_case_from_a_cut_list_name_or_an_ion_s_formula() -> None:
    # The reader cut these names at a hyphen or bracket; no invoice writes them so.
    assert conformance.FRAGMENT.search("Dibenz-") and conformance.FRAGMENT.search("Dibenz-(b,f")
    assert not conformance.FRAGMENT.search("Tris(2-chloroethyl)amine")
    # The library holds diethyl phosphite with an ion's formula; the neutral chemical is never written so.
    assert conformance.CHARGED.search("C4H10O3P+") and not conformance.CHARGED.search("C4H11O3P")
