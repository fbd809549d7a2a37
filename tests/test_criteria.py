"""Criteria trees read from the real lists, and their three-valued evaluation against goods' facts."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.core.types import Facts, ItemCriteria, Leaf, Material, Node, Quantity, leaves
from assistant.decision.evaluate import evaluate, material_fits, nearest_listed
from assistant.storage.snapshot import Snapshot, criteria_from_json, criteria_to_json
from ingest.criteria import criteria_of
from ingest.listtext import split_list_pages
from tests.conftest import LIST_II, ccl_entries, pdf_pages

pytestmark = pytest.mark.unit


def _index(items: list[ItemCriteria]) -> dict[str, ItemCriteria]:
    return {c.code: c for c in items}


@pytest.fixture(scope="module")
def ccl() -> dict[str, ItemCriteria]:
    entries = ccl_entries()
    return _index([c for e in entries for c in criteria_of(e, "us-ccl", "US CCL", "v1")])


@pytest.fixture(scope="module")
def list_ii() -> dict[str, ItemCriteria]:
    entries = split_list_pages(list(pdf_pages(LIST_II)))  # what read_bytes returns for it
    return _index([c for e in entries for c in criteria_of(e, "no-list-ii", "NO List II", "v1")])


def _kind(item: ItemCriteria, kind: str) -> list[Leaf]:
    return [leaf for leaf in leaves(item.tree) if leaf.kind == kind]


def _litres(q: float) -> Quantity:
    return Quantity(q, "liter", f"{q:g} L")


GLASS = Material("glass-lined steel", "glass")
STAINLESS_316L = Material("316L", "stainless steel", {"Fe": 66.0, "Cr": 17.0, "Ni": 12.0, "Mo": 2.5})
HASTELLOY_C276 = Material("Hastelloy C-276", "nickel alloy", {"Ni": 57.0, "Cr": 16.0, "Mo": 16.0})
PTFE = Material("PTFE", "fluoropolymer", properties={"fluorine_pct": 76.0})


def _reactor(litres: float, *materials: Material) -> Facts:
    return Facts(text="reactor", subject="reactor", quantities=(_litres(litres),), materials=materials)


def _volume_band(item: ItemCriteria) -> list[Leaf]:
    return [leaf for leaf in _kind(item, "threshold") if leaf.bound and leaf.bound.unit == "meter**3"]


def _check_2b350_reactor(item: ItemCriteria) -> None:
    band = _volume_band(item)
    assert sorted((leaf.op, leaf.bound.value) for leaf in band) == [("<", 20.0), (">", 0.1)]
    assert "reactor" in item.subject_terms
    (material,) = _kind(item, "material")
    assert {"glass", "fluoropolymer F>35", "tantalum", "alloy Ni>25 Cr>20", "alloy Ni>40"} <= set(material.materials)


def test_ccl_2b350_reactor_has_materials_clause_and_volume_band(ccl: dict[str, ItemCriteria]) -> None:
    _check_2b350_reactor(ccl["2B350.a.1"])
    assert "tank" in ccl["2B350.c.1"].subject_terms
    assert {"graphite", "silicon carbide"} <= set(_kind(ccl["2B350.d"], "material")[0].materials)


@pytest.mark.slow
def test_list_ii_2b350_reactor_has_materials_clause_and_volume_band(list_ii: dict[str, ItemCriteria]) -> None:
    _check_2b350_reactor(list_ii["2B350.a"])
    assert "tank" in list_ii["2B350.c"].subject_terms


def test_3a225_needs_all_three_characteristics(ccl: dict[str, ItemCriteria]) -> None:
    item = ccl["3A225"]
    assert item.tree is not None and item.tree.op == "all"
    found = {(leaf.bound.unit, leaf.op, leaf.bound.value) for leaf in _kind(item, "threshold")}
    assert found == {("volt_ampere", ">=", 40.0), ("hertz", ">=", 600.0), ("percent", "<", 0.2)}
    assert "changer" in item.subject_terms


def test_1c216_small_forms_note_is_an_exclusion_not_a_threshold(ccl: dict[str, ItemCriteria]) -> None:
    item = ccl["1C216"]
    (strength,) = _kind(item, "threshold")
    assert strength.bound.unit == "megapascal" and strength.op == ">=" and "293 K" in strength.condition
    small = [x for x in item.exclusions if x.bound is not None]
    assert [(x.op, x.bound.value, x.bound.unit) for x in small] == [("<=", 75.0, "millimeter")]
    assert any("1C116" in x.refers for x in item.exclusions)
    steel = Facts(
        text="maraging steel bar",
        subject="steel",
        modifiers=("maraging",),
        quantities=(Quantity(2000.0, "megapascal", "2000 MPa"), Quantity(300.0, "millimeter", "300 mm")),
    )
    assert evaluate(item, steel).status == "applies"
    small_bar = Facts(
        text="maraging steel bar",
        subject="steel",
        quantities=(Quantity(2000.0, "megapascal", "2000 MPa"), Quantity(50.0, "millimeter", "50 mm")),
    )
    result = evaluate(item, small_bar)
    assert result.status == "does not apply" and result.deciding is not None and result.deciding.kind == "exclusion"


def test_1c010_specific_modulus_and_strength_leaves(ccl: dict[str, ItemCriteria]) -> None:
    leaves = {leaf.property: leaf for leaf in _kind(ccl["1C010.b"], "threshold")}
    assert leaves["specific modulus"].bound.value == pytest.approx(14.65e6)
    assert leaves["specific tensile strength"].bound.value == pytest.approx(26.82e4)
    assert ccl["1C010.b"].tree.op == "all"


@pytest.mark.slow
def test_list_ii_flattened_exponents_are_repaired(list_ii: dict[str, ItemCriteria]) -> None:
    leaves = {leaf.property: leaf for leaf in _kind(list_ii["1C010.b"], "threshold")}
    assert leaves["specific modulus"].bound.value == pytest.approx(14.65e6)
    assert leaves["specific modulus"].bound.unit == "meter"


def test_1c350_chemicals_have_names_and_cas(ccl: dict[str, ItemCriteria]) -> None:
    chemicals = {
        cas: leaf for item in ("1C350.b", "1C350.c") for leaf in _kind(ccl[item], "chemical") for cas in leaf.cas
    }
    assert "thiodiglycol" in chemicals["111-48-8"].names
    assert "triethyl phosphite" in chemicals["122-52-1"].names
    assert "dimethyl hydrogen phosphite" in chemicals["868-85-9"].names
    items = list(ccl.values())
    assert nearest_listed("triethyl phosphate", items) == "triethyl phosphite"
    assert nearest_listed("triethyl phosphite", items) is None
    pure = Facts(text="thiodiglycol 99%", cas=("111-48-8",), concentration_pct=99.0)
    assert evaluate(ccl["1C350.b"], pure).status == "applies"
    near = Facts(text="triethyl phosphate", chemicals=("triethyl phosphate",), concentration_pct=99.0)
    assert evaluate(ccl["1C350.c"], near).status == "does not apply"


def test_2b204_other_than_2b104_is_an_exclusion(ccl: dict[str, ItemCriteria]) -> None:
    item = ccl["2B204.a"]
    assert any({"2B004", "2B104"} <= set(x.refers) for x in item.exclusions)
    assert all(leaf.kind != "exclusion" or leaf.refers for leaf in leaves(item.tree))
    press = Facts(
        text="isostatic press",
        subject="press",
        modifiers=("isostatic",),
        quantities=(Quantity(200.0, "megapascal", "200 MPa"), Quantity(300.0, "millimeter", "300 mm")),
    )
    assert evaluate(item, press).status == "applies"


def test_glass_lined_reactor_of_3000_litres_applies(ccl: dict[str, ItemCriteria]) -> None:
    result = evaluate(ccl["2B350.a"], _reactor(3000, GLASS))
    assert result.status == "applies" and result.subject_fits
    assert result.reason == (
        "3000 L lies inside greater than 0.1 m3 (100 liters) and less than 20 m3 (20,000 liters); "
        "glass-lined steel is a listed material (glass)"
    )
    assert {c.verdict for c in result.checks} == {"met"}


def test_50_litre_reactor_does_not_apply_on_the_volume_band(ccl: dict[str, ItemCriteria]) -> None:
    result = evaluate(ccl["2B350.a"], _reactor(50, GLASS))
    assert result.status == "does not apply"
    assert result.deciding is not None and result.deciding.bound.unit == "meter**3"
    assert "outside" in result.reason


def test_materials_decide_the_reactor(ccl: dict[str, ItemCriteria]) -> None:
    item = ccl["2B350.a.1"]
    assert evaluate(item, _reactor(3000, STAINLESS_316L)).status == "does not apply"
    assert evaluate(item, _reactor(3000, PTFE)).status == "applies"
    assert evaluate(item, _reactor(3000, HASTELLOY_C276)).status == "applies"
    assert material_fits("alloy Ni>25 Cr>20", HASTELLOY_C276) is False
    assert material_fits("alloy Ni>40", HASTELLOY_C276) is True
    unknown = evaluate(item, _reactor(3000))
    assert unknown.status == "undetermined"
    assert [leaf.kind for leaf in unknown.missing] == ["material"]


def test_frequency_changer_without_stability_is_undetermined(ccl: dict[str, ItemCriteria]) -> None:
    def changer(hz: float, *more: Quantity) -> Facts:
        return Facts(
            text="frequency changer",
            subject="frequency changer",
            quantities=(Quantity(hz, "hertz", f"{hz:g} Hz"), Quantity(50.0, "kilovolt_ampere", "50 kVA"), *more),
        )

    result = evaluate(ccl["3A225"], changer(800))
    assert result.status == "undetermined"
    assert [leaf.property for leaf in result.missing] == ["multiphase output", "frequency control"]
    assert evaluate(ccl["3A225"], changer(400)).status == "does not apply"
    stable = changer(800, Quantity(0.1, "percent", "frequency stability 0.1%"))
    assert evaluate(ccl["3A225"], stable).status == "undetermined"  # the phases are not said
    three_phase = Facts(**{**stable.__dict__, "text": "three-phase frequency changer"})
    assert evaluate(ccl["3A225"], three_phase).status == "applies"


def test_a_quantity_about_another_part_or_condition_does_not_answer(ccl: dict[str, ItemCriteria]) -> None:
    exchanger = Facts(
        text="heat exchanger",
        subject="heat exchanger",
        materials=(GLASS,),
        quantities=(Quantity(5.0, "meter**2", "filter area 5 m2"),),
    )
    assert evaluate(ccl["2B350.d"], exchanger).status == "undetermined"
    hot = Leaf(
        kind="threshold",
        text="more than 1 000 MPa",
        property="tensile strength",
        op=">",
        bound=Quantity(1000.0, "megapascal", "1 000 MPa"),
        condition="at 473 K",
    )
    item = ItemCriteria("X1", "s", "L", "v", "alloys", ("alloy",), Node("all", (hot,)))
    cold = Facts(text="alloy 1 200 MPa", quantities=(Quantity(1200.0, "megapascal", "tensile strength 1 200 MPa"),))
    assert evaluate(item, cold).status == "undetermined"
    stated = Facts(text="alloy 1 200 MPa at 473 K", quantities=cold.quantities)
    assert evaluate(item, stated).status == "applies"


def test_other_goods_do_not_fit_the_subject(ccl: dict[str, ItemCriteria]) -> None:
    coffee = Facts(text="domestic coffee machine", subject="machine", modifiers=("coffee",), quantities=(_litres(1.5),))
    result = evaluate(ccl["2B350.i"], coffee)
    assert not result.subject_fits and result.status == "does not apply"
    assert evaluate(ccl["2B350.c.1"], Facts(text="tank", subject="tank")).subject_fits
    assert evaluate(ccl["2B350"], _reactor(3000, GLASS)).status == "applies"


def test_criteria_round_trip_through_json_and_the_snapshot(ccl: dict[str, ItemCriteria], tmp_path: Path) -> None:
    items = [ccl[code] for code in ("2B350.a", "3A225", "1C216", "1C350.b")]
    assert [criteria_from_json(criteria_to_json(c)) for c in items] == items
    from assistant.core.types import Passage

    passage = Passage(
        id="v1:0",
        text="2B350 ...",
        source="us-ccl",
        list_label="US CCL",
        version="v1",
        version_id="v1",
        kind="control-list",
        entry="2B350",
    )
    written = Snapshot.write(tmp_path / "g1", [passage], items)
    loaded = Snapshot.load(tmp_path / "g1")
    assert loaded.criteria("2b350.A") == [ccl["2B350.a"]]
    (tmp_path / "g1" / "criteria.jsonl").unlink()
    assert Snapshot.load(tmp_path / "g1").criteria("2B350.a") == [] and written.directory == loaded.directory


@pytest.mark.slow
def test_list_ii_1c350_mixture_notes_free_weak_mixtures_of_the_items_they_name(
    list_ii: dict[str, ItemCriteria],
) -> None:
    from assistant.reading.facts import read_facts

    tdg, pocl3 = list_ii["1C350.1"], list_ii["1C350.2"]
    assert [(x.bound.value, x.scope[:2]) for x in tdg.exclusions if x.bound is not None] == [
        (10.0, ("1C350.1", "1C350.3"))
    ]  # Note 2's 30 % holds only for States Party: the lower limit decides
    assert [x.bound.value for x in pocl3.exclusions if x.bound is not None] == [30.0]  # Note 3
    assert evaluate(tdg, read_facts("thiodiglycol 5 % aqueous solution, 1 000 L")).status == "does not apply"
    assert evaluate(tdg, read_facts("thiodiglycol 20 % solution")).status == "applies"
    assert evaluate(tdg, read_facts("thiodiglycol 99 %, 200 kg drum")).status == "applies"
    assert all(not x.scope for x in list_ii["1C350"].exclusions)


def _leaf(item: ItemCriteria, kind: str, property_: str) -> Leaf:
    (leaf,) = [leaf for leaf in _kind(item, kind) if leaf.property == property_]
    return leaf


def test_ccl_lead_in_ending_in_a_period_makes_its_sub_items_characteristics(ccl: dict[str, ItemCriteria]) -> None:
    item = ccl["6A202"]  # "Photomultiplier tubes having both of the following characteristics."
    assert item.subject_terms == ("tube",) and ccl["6A202.b"].subject == "Photomultiplier tubes"
    assert item.tree is not None and not any(isinstance(c, Node) and c.subject_terms for c in item.tree.children)
    assert {leaf.property for leaf in _kind(item, "threshold")} == {"photocathode area", "anode pulse rise time"}


def test_property_names_from_composition_dimension_and_quantity_kind(ccl: dict[str, ItemCriteria]) -> None:
    beryllium = _leaf(ccl["1C230"], "threshold", "beryllium content")
    assert (beryllium.op, beryllium.bound.value, beryllium.bound.unit) == (">", 50.0, "percent")
    assert _leaf(ccl["1C226"], "threshold", "tungsten content").bound.value == 90.0
    furnace = ccl["2B226.a"]
    assert _leaf(furnace, "threshold", "operation temperature").bound.unit == "kelvin"
    coil = _leaf(furnace, "threshold", "induction coil diameter")
    assert (coil.op, coil.bound.value) == ("<=", 600.0)
    assert _leaf(ccl["2B204.a"], "threshold", "chamber cavity inside diameter").bound.value == 152.0
    accuracy = _leaf(ccl["2B201.a"], "threshold", "positioning accuracy")  # "according to ISO 230/2 (2006)" skipped
    assert (accuracy.op, accuracy.bound.value, accuracy.bound.unit) == ("<", 4.5, "micrometer")
    hafnium = _leaf(ccl["1C234"], "threshold", "hafnium content")  # "less than 1 part hafnium to 500 parts zirconium"
    assert (hafnium.op, hafnium.bound.value) == ("<", pytest.approx(0.2))


def test_materials_come_from_the_note_the_clause_refers_to(ccl: dict[str, ItemCriteria]) -> None:
    (valve,) = _kind(ccl["2B350.g.1"], "material")  # "made from materials identified in Technical Note 1"
    assert {"glass", "fluoropolymer F>35", "alloy Ni>40", "silicon carbide", "zirconia"} <= set(valve.materials)
    assert "ceramic" not in valve.materials  # "Ceramic materials, as follows:" only introduces its list
    (sensing,) = _kind(ccl["2B230.a"], "material")  # "made of or protected by aluminum, ..., nickel alloy ..."
    assert {"aluminium", "alumina", "nickel", "alloy Ni>60", "fluoropolymer"} == set(sensing.materials)
    assert not _kind(ccl["2B230.a"], "threshold")  # 60 % nickel is the alloy's, not a threshold of the goods
    assert ccl["2B230"].subject == "pressure transducers"
    crucible = ccl["2A225.b"]  # "Made of or lined with tantalum, having a purity of 99.9% or greater by weight"
    assert _kind(crucible, "material")[0].materials == ("tantalum",)
    assert _leaf(crucible, "threshold", "purity").bound.value == 99.9
    assert (
        evaluate(ccl["2B350.g.1"], Facts(text="valve", subject="valve", materials=(PTFE,))).status != "does not apply"
    )
    assert (
        evaluate(ccl["2B350.g.1"], Facts(text="valve", subject="valve", materials=(STAINLESS_316L,))).status
        == "does not apply"
    )


def test_decontrol_clauses_on_preamble_lines_and_bounds_of_named_goods(ccl: dict[str, ItemCriteria]) -> None:
    texts = [x.text for x in ccl["1C240.a"].exclusions]
    assert any("Filamentary nickel powders" in t for t in texts)  # "a." on its own line after the lead
    (foil,) = [x for x in ccl["1C234"].exclusions if x.bound is not None]
    assert (foil.property, foil.op, foil.bound.value) == ("thickness", "<=", 0.1) and "foil" in foil.subject


def test_features_and_counts_stated_in_words(ccl: dict[str, ItemCriteria]) -> None:
    (multiphase,) = _kind(ccl["3A225"], "feature")
    assert multiphase.property == "multiphase output" and "single-phase" in multiphase.contrary
    assert "three-phase" in multiphase.names
    autonomy = {leaf.property for leaf in _kind(ccl["9A120.a"], "feature")}
    assert "autonomous flight control and navigation" in autonomy and len(autonomy) == 2
    cabinet = {leaf.property for leaf in _kind(ccl["2B352.g.2"], "feature")}
    assert {"fully enclosed workspace", "negative pressure operation"} <= cabinet and len(cabinet) == 4
    assert ccl["2B352.h.2"].subject == "Nose-only exposure apparatus"  # "... utilizing directed aerosol flow"
    (rodents,) = [leaf for leaf in _kind(ccl["2B352.h.2"], "count") if leaf.property == "rodent"]
    assert (rodents.op, rodents.bound.value) == (">=", 12.0)
    assert not _kind(ccl["3A225"], "exclusion")  # features are never read as exclusions
    # A feature the description denies decides as a figure would.
    changer = Facts(
        text="single-phase frequency changer",
        subject="frequency changer",
        quantities=(
            Quantity(800.0, "hertz", "800 Hz"),
            Quantity(50.0, "kilovolt_ampere", "50 kVA"),
            Quantity(0.1, "percent", "frequency stability 0.1%"),
        ),
    )
    denied = evaluate(ccl["3A225"], changer)
    assert denied.status == "does not apply" and denied.deciding.property == "multiphase output"


@pytest.mark.slow
def test_list_ii_nominal_sizes_materials_note_and_mixture_notes(list_ii: dict[str, ItemCriteria]) -> None:
    size = _leaf(list_ii["2B350.g.1"], "threshold", "nominal size")  # "greater than DN 10 or NPS 3/8"
    assert (size.op, size.bound.value, size.bound.unit, size.text) == (">", 10.0, "millimeter", "greater than DN 10")
    band = sorted((leaf.op, leaf.bound.value) for leaf in _kind(list_ii["2B350.g.2"], "threshold"))
    assert band == [("<=", 100.0), (">=", 25.0)]  # "or NPS 1 and" is no alternative of other goods
    (valve,) = _kind(list_ii["2B350.g.1"], "material")  # "made from 'corrosion resistant materials'"
    assert {"glass", "fluoropolymer F>35", "alloy Ni>25 Cr>20", "alumina"} <= set(valve.materials)
    amiton = [x.bound.value for x in list_ii["1C450.a.1"].exclusions if x.bound is not None]
    assert amiton == [1.0]  # 1 % for States not Party, 30 % for States Party: the stricter decides


def test_comparator_asides_restatements_and_periods(ccl: dict[str, ItemCriteria]) -> None:
    item = ccl["2B001.a.1"]  # "equal to or less (better) than 0.9 µm along one or more linear axis with ..."
    assert item.tree is not None and item.tree.op == "all"  # "one or more" joins no other goods
    repeatability = _leaf(item, "threshold", "unidirectional positioning repeatability")
    assert (repeatability.op, repeatability.bound.value) == ("<=", 0.9)
    assert repeatability.text == "equal to or less (better) than 0.9 µm"  # the list's own words
    freeze = _kind(ccl["2B352.e"], "threshold")  # "10 kg of ice or greater in 24 hours (10 liters of water ...)"
    assert [(leaf.property, leaf.op, round(leaf.bound.value * 24, 6), leaf.bound.unit) for leaf in freeze] == [
        ("condenser capacity", ">=", 10.0, "kilogram/hour"),
        ("condenser capacity", "<", 1000.0, "kilogram/hour"),
    ]
    pumps = {leaf.property for leaf in _kind(ccl["2B350.i"], "threshold")}
    assert pumps == {"manufacturer specified maximum flow-rate"}  # a hyphenated measure gets no kind appended


def test_a_sub_item_naming_its_goods_by_a_bare_noun_keeps_the_parents_words(ccl: dict[str, ItemCriteria]) -> None:
    assert ccl["2B209.a"].subject == "Flow forming machines, spin forming machines"
    assert ccl["2B209.a.1"].subject == ccl["2B209.a"].subject
    assert ccl["2B209.b"].subject == "Rotor-forming mandrels"
    assert "Other" not in ccl["2E003.b"].subject


def test_words_opening_with_a_quantity_name_no_goods_and_a_first_figure_stays(
    ccl: dict[str, ItemCriteria], list_ii: dict[str, ItemCriteria]
) -> None:
    assert ccl["1C116.a.1"].subject == ccl["1C116.a.2"].subject == "Maraging steels"
    assert list_ii["1C116.a.1"].subject.startswith("Maraging steels")
    assert ccl["2B999.g"].subject.startswith("304 and 316 stainless steel valves")


def test_what_goods_defend_against_or_detect_are_qualities_not_other_kinds(ccl: dict[str, ItemCriteria]) -> None:
    mask = ccl["1A004.a"]
    assert mask.subject.startswith("Full face masks") and ccl["1A004.a.3"].subject == mask.subject
    assert {leaf.property for leaf in _kind(mask, "feature")} >= {"biological agents", "chemical warfare agents"}
    assert not [n for n in _nodes(mask.tree) if n.subject_terms and not n.children]
    from assistant.reading.facts import read_facts

    said = evaluate(
        mask, read_facts("gas mask filter canister rated against chemical warfare agents"), judge_subject=False
    )
    assert said.status == "applies"
    assert {leaf.property for leaf in _kind(ccl["1A004.c"], "feature")} == {
        "biological agents",
        "radioactive materials",
        "chemical warfare agents",
    }


def _nodes(tree: Node | Leaf | None) -> list[Node]:
    if not isinstance(tree, Node):
        return []
    return [tree, *(n for child in tree.children for n in _nodes(child))]


def test_a_range_from_one_figure_up_to_another_keeps_both_ends(ccl: dict[str, ItemCriteria]) -> None:
    from assistant.reading.facts import read_facts

    changers = ccl["3A999.a"]
    assert sorted((leaf.op, leaf.bound.value) for leaf in _kind(changers, "threshold")) == [
        ("<=", 600.0),
        (">=", 300.0),
    ]
    assert _kind(changers, "threshold")[0].text == "from 300 up to 600 Hz"
    assert evaluate(changers, read_facts("frequency converter 50 Hz"), judge_subject=False).status == "does not apply"
    assert evaluate(changers, read_facts("frequency changer 400 Hz"), judge_subject=False).status == "applies"


def test_counts_joined_by_or_are_alternatives(ccl: dict[str, ItemCriteria]) -> None:
    nose = ccl["2B352.h.2"]
    assert nose.subject == "Nose-only exposure apparatus"
    assert nose.tree is not None and nose.tree.op == "any"
    assert sorted((leaf.property, leaf.op, leaf.bound.value) for leaf in _kind(nose, "count")) == [
        ("animal", ">=", 2.0),
        ("rodent", ">=", 12.0),
    ]
    assert [leaf.bound.value for leaf in _kind(ccl["2B001.a"], "count")]


def test_numerical_control_stated_as_a_characteristic_is_a_feature(ccl: dict[str, ItemCriteria]) -> None:
    from assistant.reading.facts import read_facts

    (control,) = _kind(ccl["2B209.a.2"], "feature")
    assert control.property == "numerical or computer control" and "cnc" in control.names
    assert evaluate(ccl["2B209.a.2"], read_facts("CNC flow forming machine"), judge_subject=False).status == "applies"
    assert not [leaf for leaf in _kind(ccl["2B001"], "feature") if leaf.property == control.property]


def test_sub_items_figures_complete_a_lead_in_ending_on_a_comparator(
    ccl: dict[str, ItemCriteria], list_ii: dict[str, ItemCriteria]
) -> None:
    for items in (ccl, list_ii):
        strength = sorted((leaf.op, leaf.bound.value, leaf.property) for leaf in _kind(items["1C116.a"], "threshold"))
        assert strength == [(">=", 0.9, "ultimate tensile strength"), (">=", 1.5, "ultimate tensile strength")]
    (annealed,) = _kind(ccl["1C116.a.1"], "threshold")
    assert annealed.condition == "in the solution annealed stage"
    assert [leaf.bound.value for leaf in _kind(ccl["5A991.b.6.a"], "threshold")] == [31.0]
