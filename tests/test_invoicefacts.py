"""Facts as invoices write them: US customary units, references, prices and packs that are no figures of the
goods, stated bounds, wetted parts lists, property words; then decisions on a real eCFR excerpt of 2B350."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.answer.ask import Assistant
from assistant.core.errors import IngestError
from assistant.core.types import ItemCriteria, Quantity
from assistant.decision.evaluate import evaluate
from assistant.knowledge.properties import list_words, load_property_words
from assistant.reading.facts import read_facts
from assistant.reading.invoice import trade_spans
from assistant.text.params import Threshold, check_quantities, parse_quantities
from ingest.criteria import criteria_of
from ingest.ecfr import read_ecfr
from tests.conftest import CCL_XML, excerpt_home


def _si(text: str, unit: str) -> float:
    """The one quantity read from `text`, in `unit`."""
    (q,) = read_facts(text).quantities
    return float(q.to_pint().to(unit).magnitude)


@pytest.mark.unit
@pytest.mark.parametrize(
    ("text", "unit", "value"),
    [
        ("glass-lined reactor 800 US gal", "liter", 3028.3),
        ("storage tank 120 gal", "liter", 454.2),
        ("fuel tank 50 imp gal", "liter", 227.3),
        ("heat exchanger 25 ft² heat transfer area", "meter**2", 2.323),
        ("heat exchanger 25 sq ft", "meter**2", 2.323),
        ("cylinder 3 ft3", "liter", 84.95),
        ("bore 4 in OD", "millimeter", 101.6),
        ('plate 0.5" thick', "millimeter", 12.7),
        ("gauge 5000 psig", "megapascal", 34.47),
        ("maraging steel bar, UTS 280 ksi", "megapascal", 1930.5),
        ("rocket motor 5000 lbf thrust", "kilonewton", 22.24),
        ("rocket motor, total impulse 200,000 lbf·s", "kilonewton*second", 889.6),
        ("furnace 2500 °F", "kelvin", 1644.3),
        ("heater 600 deg F", "degree_Celsius", 315.6),
        ("compressor 1200 ACFM", "meter**3/hour", 2038.8),
        ("pump 50 gpm", "meter**3/hour", 11.36),
        ("UAV cruise 120 mph", "kilometer/hour", 193.1),
        ("chiller 12000 BTU/h", "kilowatt", 3.517),
        ("motor 5 hp", "kilowatt", 3.728),
        ("vacuum pump, ultimate 29.9 in Hg", "kilopascal", 101.25),
        ("vacuum pump, ultimate 5 mTorr", "pascal", 0.6666),
        ("vacuum gauge 10 micron Hg", "pascal", 1.333),
        ("powder 10 lbs", "kilogram", 4.536),
        ("bottle of reagent 16 oz", "gram", 453.6),
        ("gyro, ARW 0.002 deg/√h", "degree/hour**0.5", 0.002),
        ("explosive, detonation velocity 8.5 mm/us", "meter/second", 8500.0),
        ("UAV, flight time 45 min", "hour", 0.75),
    ],
)
def test_us_customary_units_are_read_through_pint(text: str, unit: str, value: float) -> None:
    assert _si(text, unit) == pytest.approx(value, rel=1e-3)


@pytest.mark.unit
def test_a_bare_in_is_a_preposition_unless_a_dimension_follows() -> None:
    assert [q.unit for q in parse_quantities("50 kg of ice in 24 hours")] == ["kilogram/hour"]
    assert [q.text for q in parse_quantities("tube 4 in OD, 3.5 in ID")] == ["4 in", "3.5 in"]
    assert [q.unit for q in parse_quantities("10 lbs powder, 5 lbf thrust")] == ["pound", "force_pound"]


@pytest.mark.unit
@pytest.mark.parametrize(
    "text",
    [
        "P/N GL-3000-AG glass-lined reactor",
        "Model TX-250 pump",
        "pump, USD 48,500",
        "pump, EUR 1.200,00",
        "pump, 1 200 €",
        "pump, Lot 2231-B",
        "pump, batch no. 500",
        "pump, HS 8419.89",
        "pump, HTS code 8413.70.2004",
        "pump, shipped 2024-03-12",
        "pump, qty 12 pcs",
        "valves, 12 pcs",
        "Cat. No. 300-250 valve",
    ],
)
def test_references_prices_lots_codes_dates_and_counts_are_no_figures(text: str) -> None:
    assert read_facts(text).quantities == ()


@pytest.mark.unit
def test_a_pack_is_no_figure_of_the_goods_but_a_purity_of_its_contents_is() -> None:
    for text in (
        "90 x 200 kg drums triethanolamine, purity 99 %",
        "triethanolamine, drums of 200 kg, purity 99 %",
        "thiodiglycol 80 drums x 225 kg, purity 99 %",
        "4 x 25 L carboys hydrofluoric acid, 99 %",
    ):
        facts = read_facts(text)
        assert [(q.value, q.unit) for q in facts.quantities] == [(99.0, "percent")], text
        assert facts.concentration_pct == 99.0
    assert read_facts("2 cryovials, Francisella tularensis").quantities == ()
    assert read_facts("2 cryovials").subject == "cryovial"  # the pack's noun stays: it says what the goods are in
    # Without a pack's noun, a count and a size are units of goods, each of that size.
    assert [q.value for q in read_facts("2 x 1500 L tanks, glass-lined").quantities] == [1500.0]
    assert read_facts("batch reactor 500 L").quantities[0].value == 500.0


@pytest.mark.unit
def test_trade_spans_are_found_where_invoices_put_them() -> None:
    text = "Model TX-250, EUR 1.200,00, Lot 2231-B, HS 8419.89, qty 12 pcs, 90 x 200 kg drums"
    assert [text[a:b] for a, b in trade_spans(text)] == [
        "Model TX-250",
        "EUR 1.200,00",
        "Lot 2231-B",
        "HS 8419.89",
        "qty 12 pcs",
        "90 x 200 kg",
    ]


@pytest.mark.unit
@pytest.mark.parametrize(
    ("text", "bound", "value"),
    [
        ("oscilloscope, rise time < 100 ps", "<", 100.0),
        ("rise time less than 100 ps", "<", 100.0),
        ("pressure min 5 bar", ">=", 5.0),
        ("purity ≥ 99 %", ">=", 99.0),
        ("pressure not less than 5 bar", ">=", 5.0),
        ("at least 5 bar", ">=", 5.0),
        ("impurities <= 0.5 %", "<=", 0.5),
        ("delay > 100 ps", ">", 100.0),
        # A rating is what the goods can do, not a bound: "up to", "max."
        ("pump up to 1500 l/s", None, 1500.0),
        ("furnace max. 200 °C", None, 200.0),
        # A range gives its upper end, as a capability.
        ("fan 5-20 m3/h", None, 20.0),
        ("fan 5~20 m3/h", None, 20.0),
        ("supply from 10 to 50 kV", None, 50.0),
    ],
)
def test_ranges_and_bounds_in_every_form(text: str, bound: str | None, value: float) -> None:
    (q,) = read_facts(text).quantities
    assert (q.bound, q.value) == (bound, value)


@pytest.mark.unit
def test_a_bound_decides_only_where_all_its_values_fall_on_one_side() -> None:
    def verdict(asked: Quantity, op: str, ns: float) -> str:
        threshold = Threshold(op, Quantity(ns, "nanosecond", f"{ns} ns"), "")  # type: ignore[arg-type]
        return check_quantities([asked], [threshold])[0][2]

    below_100ps = Quantity(100, "picosecond", "100 ps", bound="<")
    assert verdict(below_100ps, "<", 1.0) == "met"
    assert verdict(below_100ps, ">", 1.0) == "not met"
    assert verdict(below_100ps, "<", 0.05) == "not stated"  # it may be 40 ps: asked, never cleared
    assert verdict(Quantity(100, "picosecond", "100 ps"), "<", 0.05) == "not met"  # a plain value decides


@pytest.mark.unit
@pytest.mark.parametrize(
    ("text", "wetted"),
    [
        ("seal-less pump, casing / impeller / shaft sleeve all titanium", {"titanium (grade not stated)"}),
        ("valve body, bonnet, disc: Hastelloy C-276; seat PTFE", {"Hastelloy C-276", "PTFE"}),
        ("pump, casing and impeller in Hastelloy C-276", {"Hastelloy C-276"}),
        # A lined body is not wetted: the lining is.
        ("ball valve, body 316 stainless steel, PTFE lined", {"PTFE"}),
    ],
)
def test_a_parts_list_gives_every_wetted_part_its_material(text: str, wetted: set[str]) -> None:
    facts = read_facts(text)
    assert {m.name for m in facts.wetted} == wetted
    assert not any("which is wetted" in n for n in facts.notes) or len(wetted) == 1


@pytest.mark.unit
def test_property_words_as_invoices_write_them() -> None:
    assert list_words("flight time 45 min, wind resistance 12 m/s") == "endurance 45 min, wind gust 12 m/s"
    assert (
        list_words("4 in OD, 3.5 in ID, ARW 0.002")
        == "4 in outside diameter, 3.5 in inside diameter, angle random walk 0.002"
    )
    # a crop-spraying drone's tank is its aerosol dispensing system (9A120.b, 9A112.b): its volume is the capacity
    assert list_words("spray tank 30 L, pesticide payload 16 L") == "capacity 30 L, capacity 16 L"
    assert list_words("ideal for pods") == "ideal for pods"  # "OD" and "ID" only as words of their own, in capitals
    # "wind resistance" is no tensile strength ("résistance" in French).
    assert read_facts("drone, wind resistance 12 m/s").notes == ()


@pytest.mark.unit
def test_the_property_words_table_is_validated_naming_the_file_and_row(tmp_path: Path) -> None:
    bad = tmp_path / "property_words.yaml"
    bad.write_text("- {phrase: 'flight time', means: endurance}\n", encoding="utf-8")
    with pytest.raises(IngestError, match=r"property_words\.yaml.*row 1 \(flight time\).*source"):
        load_property_words(bad)
    bad.write_text("- {phrase: 'a(b', means: x, source: y}\n", encoding="utf-8")
    with pytest.raises(IngestError, match=r"row 1 .*not a valid pattern"):
        load_property_words(bad)
    bad.write_text("- {phrase: a, means: x, source: y}\n- {phrase: a, means: z, source: y}\n", encoding="utf-8")
    with pytest.raises(IngestError, match=r"row 2 \(a\).*also row 1"):
        load_property_words(bad)


# Decisions on a real eCFR excerpt, with the real model


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    return Assistant(excerpt_home(tmp_path_factory.mktemp("invoice") / "home", ("2B350", "2B999")))


@pytest.mark.parametrize(
    ("question", "decision"),
    [
        # 2B350.a: reactors of more than 0.1 m3 (100 L) and less than 20 m3, all wetted surfaces of a listed
        # material (glass lining is one); 800 US gal is 3 028 L, 20 US gal is 76 L.
        ("P/N GL-3000-AG glass-lined reactor 800 US gal with agitator, USD 48,500", "likely-controlled"),
        ("glass-lined reactor 20 US gal with agitator", "not-controlled-as-described"),
        # 2B350.d: heat exchangers of more than 0.15 m2 and less than 20 m2; 25 ft² is 2.3 m², 300 ft² is 28 m².
        ("Hastelloy C-276 shell and tube heat exchanger, 25 ft² heat transfer area", "likely-controlled"),
        ("Hastelloy C-276 shell and tube heat exchanger, 300 ft² heat transfer area", "not-controlled-as-described"),
        # 2B350.i: seal-less pumps of more than 0.6 m3/h with every wetted part of a listed material (titanium).
        ("seal-less magnetic drive pump 50 gpm, casing / impeller / shaft sleeve all titanium", "likely-controlled"),
    ],
)
def test_invoice_lines_decide_on_the_list_text(assistant: Assistant, question: str, decision: str) -> None:
    answer = assistant.ask(question)

    assert answer.decision == decision, [c.reason for c in answer.candidates]
    if decision == "likely-controlled":
        assert answer.entries[0] == "2B350"


@pytest.fixture(scope="module")
def ccl() -> dict[str, ItemCriteria]:
    entries = read_ecfr(CCL_XML.read_bytes(), str(CCL_XML))
    return {c.code: c for e in entries for c in criteria_of(e, "us-ccl", "US CCL", "v1")}


@pytest.mark.parametrize(
    ("question", "verdict"),
    [
        ("carbon fibre composite tube, 4 in. OD", ("not stated", "")),  # an outside diameter is no inside one
        ("carbon fibre composite tube, outer diameter 102 mm", ("not stated", "")),
        ("carbon fibre composite tube, 4 in. ID", ("met", "4 in.")),
        ("carbon fibre composite tube, bore 100 mm", ("met", "100 mm")),
    ],
)
def test_an_outside_diameter_never_answers_an_inside_one(
    ccl: dict[str, ItemCriteria], question: str, verdict: tuple[str, str]
) -> None:
    checks = [(c.verdict, c.asked.text if c.asked else "") for c in evaluate(ccl["1A202"], read_facts(question)).checks]
    assert checks[:1] == [verdict]


def test_a_stated_upper_bound_meets_a_less_than_leaf(ccl: dict[str, ItemCriteria]) -> None:
    ev = evaluate(
        ccl["6A202"], read_facts("photomultiplier tube, anode pulse rise time < 1 ns, photocathode area 25 cm2")
    )
    assert ev.status == "applies"
    assert {c.parameter: c.verdict for c in ev.checks}["anode pulse rise time"] == "met"


@pytest.mark.unit
def test_a_reference_names_no_material_of_the_goods() -> None:
    facts = read_facts("valve P/N 316L-2000, body Hastelloy C-276")
    assert [m.name for m in facts.materials] == ["Hastelloy C-276"]
    assert [m.name for m in facts.wetted] == ["Hastelloy C-276"]
