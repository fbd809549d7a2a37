"""Quantities, thresholds and verdicts: how an officer's spec is compared with a control entry."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.core.types import Quantity, Verdict
from assistant.text.params import (
    Threshold,
    check_quantities,
    format_quantity,
    parse_capabilities,
    parse_quantities,
    parse_thresholds,
    unit_registry,
)
from ingest.entries import Entry, Item
from tests.conftest import ccl_entries

pytestmark = pytest.mark.unit

CCL_XML = Path(__file__).resolve().parents[1].parent / "shared" / "sources" / "us-ccl" / "ccl_supp1.xml"


def values(text: str) -> list[tuple[float, str]]:
    return [(q.value, q.unit) for q in parse_quantities(text)]


def verdicts(question: str, thresholds: list[Threshold] | str) -> list[Verdict]:
    """The verdicts for the quantities of `question` against thresholds, or against a rule's text."""
    if isinstance(thresholds, str):
        thresholds = parse_thresholds(thresholds)
    return [verdict for _, _, verdict in check_quantities(parse_quantities(question), thresholds)]


# Quantities


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("dosing pump rated 0,5 m3/h", [(0.5, "meter**3/hour")]),
        ("relief valve set at 1,5 bar", [(1.5, "bar")]),
        ("sample pot of 0,100 m3", [(0.1, "meter**3")]),
        ("buffer tank of 20 000 litres", [(20000, "liter")]),
        ("buffer tank of 20,000 liters", [(20000, "liter")]),
        ("bar stock, yield 2 050 MPa", [(2050, "megapascal")]),
        ("enamelled vessel 3000L", [(3000, "liter")]),
        ("spacer 1.0 cm (3/8 in.) thick", [(1.0, "centimeter"), (0.375, "inch")]),
        ("powder finer than 50 × 10^−6 m", [(5e-05, "meter")]),
    ],
)
def test_numbers_with_decimal_commas_and_thousands_separators(text: str, expected: list[tuple[float, str]]) -> None:
    assert values(text) == expected


def test_a_text_with_decimal_commas_reads_a_three_digit_group_as_decimals_too() -> None:
    assert values("vessel 0,5 m3, agitator 1,500 kW") == [(0.5, "meter**3"), (1.5, "kilowatt")]


def test_units_are_read_with_their_kind() -> None:
    text = "skid: 600 L/h pump, 2 l/s drain, 10 L/min purge, 50 kVA drive at 800 Hz, 30% Ni, 12 kg, 1 200 rpm"
    assert [q.unit for q in parse_quantities(text)] == [
        "liter/hour",
        "liter/second",
        "liter/minute",
        "kilovolt_ampere",
        "hertz",
        "percent",
        "kilogram",
        "revolutions_per_minute",
    ]


def test_a_range_gives_both_ends_and_the_low_end_takes_the_unit_of_the_high_end() -> None:
    assert values("inverter tunable over 600 to 2 000 Hz") == [(600, "hertz"), (2000, "hertz")]
    assert values("inverter tunable over 600-2000 Hz") == [(600, "hertz"), (2000, "hertz")]
    low, high = parse_quantities("bore between 75 and 650 mm")
    assert (low.text, high.text) == ("75", "650 mm")


def test_temperature_in_kelvin_with_a_pdf_style_celsius_equivalent() -> None:
    kelvin, celsius = parse_quantities("held at 1 273 K (1 000oC) for an hour")
    assert (kelvin.value, kelvin.unit, kelvin.text) == (1273, "kelvin", "1 273 K")
    assert (celsius.value, celsius.unit) == (1000, "degree_Celsius")


def test_cas_numbers_entry_codes_and_hs_codes_are_not_quantities() -> None:
    text = "Mustard precursor CAS 111-48-8, listed in 1C350 and 2B350, tariff line 8419.89, see 3C (except 3C907)"
    assert parse_quantities(text) == []


def test_a_unit_ratio_that_is_not_a_rate_is_left_alone() -> None:
    assert parse_quantities("a heating rate above 5 K/sec, a flux of 3 W/m2") == []


def test_density_is_read_since_fibres_are_judged_by_their_specific_modulus() -> None:
    assert values("a density above 17.5 g/cm3") == [(17.5, "gram/centimeter**3")]


def test_quantities_convert_to_pint() -> None:
    (flow,) = parse_quantities("600 L/h")
    assert flow.to_pint().to("meter**3/hour").magnitude == pytest.approx(0.6)
    (temperature,) = parse_quantities("1 000 °C")
    assert temperature.to_pint().to("kelvin").magnitude == pytest.approx(1273.15)


def test_format_quantity_for_display() -> None:
    assert format_quantity(Quantity(3000.0, "liter", "3 000 L")) == "3000 L"
    assert format_quantity(Quantity(0.6, "meter**3/hour", "0,6 m3/h")) == "0.6 m³/h"
    assert format_quantity(Quantity(1000.0, "degree_Celsius", "1 000oC")) == "1000 °C"


# Thresholds


@pytest.mark.parametrize(
    ("text", "op", "value", "unit"),
    [
        ("drive frequency equal to or more than 600 Hz", ">=", 600, "hertz"),
        ("output of 40 VA or greater", ">=", 40, "volt_ampere"),
        ("rotor speed of 600 Hz or more", ">=", 600, "hertz"),
        ("bore greater than 0.1 m", ">", 0.1, "meter"),
        ("coil diameter 600 mm or less", "<=", 600, "millimeter"),
        ("alloy holding more than 25% nickel", ">", 25, "percent"),
        ("tungsten content of 97% by weight or more", ">=", 97, "percent"),
        ("throughput exceeding 5 kg/h", ">", 5, "kilogram/hour"),
        ("loads in excess of 6 t", ">", 6, "metric_ton"),
        ("pressure not exceeding 10 bar", "<=", 10, "bar"),
        ("working pressure not less than 5 MPa", ">=", 5, "megapascal"),
        ("at least 3 L per batch", ">=", 3, "liter"),
        ("capacity up to 9 kg", "<=", 9, "kilogram"),
        ("power over 80 kW", ">", 80, "kilowatt"),
        ("stable above 588 K", ">", 588, "kelvin"),
        ("particles below 60 µm", "<", 60, "micrometer"),
        ("frequency control better (less) than 0.2%", "<", 0.2, "percent"),
        ("specimen ≥ 2 050 MPa", ">=", 2050, "megapascal"),
    ],
)
def test_comparator_phrases(text: str, op: str, value: float, unit: str) -> None:
    (threshold,) = parse_thresholds(text)
    assert (threshold.op, threshold.value.value, threshold.value.unit) == (op, value, unit)


def test_a_quantity_without_comparator_words_is_no_threshold() -> None:
    assert parse_thresholds("tensile strength of 460 MPa or more measured at 293 K (20 °C)") == [
        Threshold(">=", Quantity(460.0, "megapascal", "460 MPa"), "460 MPa or more")
    ]


def test_a_parenthesised_equivalent_is_the_same_threshold() -> None:
    lower, upper = parse_thresholds("inner volume above 0,1 m3 (100 litres) yet less than 20 m3 (20 000 litres)")
    assert (lower.op, format_quantity(lower.value), lower.text) == (">", "0.1 m³", "above 0,1 m3 (100 litres)")
    assert (upper.op, format_quantity(upper.value), upper.text) == ("<", "20 m³", "less than 20 m3 (20 000 litres)")


def test_temperature_threshold_with_its_celsius_equivalent() -> None:
    (threshold,) = parse_thresholds("burner chamber hotter, i.e. greater than 1 273 K (1 000 C)")
    assert threshold.op == ">" and threshold.value.unit == "kelvin" and threshold.text.endswith("(1 000 C)")


@pytest.mark.parametrize(
    "text",
    ["tuned in the range of 600 to 2 000 Hz", "tuned from 600 to 2 000 Hz", "tuned between 600 Hz and 2 000 Hz"],
)
def test_a_range_is_two_thresholds_with_both_ends_included(text: str) -> None:
    low, high = parse_thresholds(text)
    assert (low.op, low.value.value, high.op, high.value.value) == (">=", 600, "<=", 2000)
    assert low.text == high.text and low.text.startswith(("in the range", "from", "between"))


def test_between_with_parenthesised_equivalents_is_still_one_range() -> None:
    low, high = parse_thresholds("a cavity between 50 cm3 (50 ml) and 2,000 cm3 (2 liters) in size")
    assert (low.value.value, high.value.value, low.value.unit) == (50, 2000, "centimeter**3")


# Verdicts

VESSEL_RULE = "vessels with an inner volume greater than 0,1 m3 (100 litres) and less than 20 m3"
PUMP_RULE = "pumps with a maximum flow-rate greater than 0,6 m3/hour"
CONVERTER_RULE = "converters with an output of 40 VA or greater working at 600 Hz or more"


def test_a_3000_litre_reactor_meets_both_volume_bounds() -> None:
    assert verdicts("glass-lined reactor, 3 000 L", VESSEL_RULE) == ["met", "met"]


def test_a_50_litre_reactor_is_below_the_lower_bound() -> None:
    assert verdicts("glass-lined reactor, 50 L", VESSEL_RULE) == ["not met", "met"]


def test_a_half_cubic_metre_per_hour_pump_is_below_the_flow_threshold() -> None:
    assert verdicts("seal-less pump 0.5 m3/h", PUMP_RULE) == ["not met"]


def test_litres_per_hour_and_cubic_metres_per_hour_compare_after_conversion() -> None:
    assert verdicts("pump 600 L/h", PUMP_RULE) == ["not met"]
    assert verdicts("pump 600 L/h", "flow of 0.6 m3/h or more") == ["met"]
    assert verdicts("pump 12 L/min", PUMP_RULE) == ["met"]


def test_kva_compares_with_va_and_hertz_with_hertz() -> None:
    assert verdicts("frequency converter 800 Hz, 50 kVA", CONVERTER_RULE) == ["met", "met"]
    assert verdicts("frequency converter 400 Hz, 0.03 kVA", CONVERTER_RULE) == ["not met", "not met"]


def test_celsius_is_compared_with_kelvin_on_the_absolute_scale() -> None:
    rule = "combustion temperature greater than 1 273 K (1 000 C)"
    assert verdicts("incinerator reaching 1 100 °C", rule) == ["met"]
    assert verdicts("incinerator reaching 900 °C", rule) == ["not met"]


def test_a_question_without_the_parameter_is_not_stated() -> None:
    (result,) = check_quantities(parse_quantities("glass-lined reactor, 3 000 L"), parse_thresholds(PUMP_RULE))
    threshold, asked, verdict = result
    assert (threshold.op, asked, verdict) == (">", None, "not stated")


def test_percent_is_only_compared_with_percent() -> None:
    rule = "wetted parts of alloys with more than 25% nickel"
    assert verdicts("reactor 3 000 L", rule) == ["not stated"]
    assert verdicts("Hastelloy with 57 % nickel", rule) == ["met"]


def test_the_asked_quantity_is_returned_with_its_verdict() -> None:
    (result,) = check_quantities(parse_quantities("drive 50 kVA"), parse_thresholds("40 VA or greater"))
    _, asked, verdict = result
    assert asked is not None and (asked.text, verdict) == ("50 kVA", "met")


# Real eCFR entries


@pytest.fixture(scope="module")
def ccl() -> dict[str, Entry]:
    entries = ccl_entries()
    return {entry.code: entry for entry in entries if entry.code in ("2B350", "2B352", "3A225")}


def item(ccl: dict[str, Entry], code: str) -> Item:
    return next(i for i in ccl[code[:5]].walk() if i.code == code)


def test_real_2b350_reactor_bounds(ccl: dict[str, Entry]) -> None:
    thresholds = parse_thresholds(item(ccl, "2B350.a.1").full_text())
    volume = [t for t in thresholds if t.value.unit == "meter**3"]
    assert [(t.op, t.value.value) for t in volume] == [(">", 0.1), ("<", 20)]
    assert verdicts("reactor 3 000 L", volume) == ["met", "met"]
    assert verdicts("reactor 50 L", volume) == ["not met", "met"]


def test_real_2b350_i_pump_flow(ccl: dict[str, Entry]) -> None:
    thresholds = parse_thresholds(item(ccl, "2B350.i").full_text())
    flows = [t for t in thresholds if t.value.unit == "meter**3/hour"]
    assert [(t.op, t.value.value) for t in flows] == [(">", 0.6), (">", 5)]
    assert verdicts("pump 0,5 m3/h", flows) == ["not met", "not met"]
    assert verdicts("pump 800 L/h", flows) == ["met", "not met"]
    assert verdicts("reactor 3 000 L", flows) == ["not stated"] * 2


def test_real_3a225_frequency_changer(ccl: dict[str, Entry]) -> None:
    thresholds = parse_thresholds(ccl["3A225"].full_text())
    assert [(t.op, t.value.unit) for t in thresholds] == [(">=", "volt_ampere"), (">=", "hertz"), ("<", "percent")]
    assert verdicts("frequency converter 800 Hz, 50 kVA", thresholds) == ["met", "met", "not stated"]


def test_real_2b352_fermenter_and_centrifuge(ccl: dict[str, Entry]) -> None:
    fermenter = parse_thresholds(item(ccl, "2B352.b.1").full_text())
    assert [(t.op, t.value.value, t.value.unit) for t in fermenter] == [(">=", 20, "liter")]
    assert verdicts("bioreactor 30 litres", fermenter) == ["met"]
    assert verdicts("bioreactor 10 litres", fermenter) == ["not met"]
    centrifuge = [t for t in parse_thresholds(item(ccl, "2B352.c").full_text()) if t.value.unit == "liter/hour"]
    assert [(t.op, t.value.value) for t in centrifuge] == [(">", 100)]
    assert verdicts("continuous centrifuge 2 L/min", centrifuge) == ["met"]
    assert verdicts("continuous centrifuge 1 L/min", centrifuge) == ["not met"]


# Issue 11: grade names, ranges, g as acceleration, flattened exponents, more units and languages


@pytest.mark.parametrize(
    "text",
    [
        "SS316L reactor",
        "AISI 316L",
        "type 304 L",
        "904L",
        "duplex 2205",
        "Hastelloy C-276",
        "6061-T6 plate",
        "maraging 300 bar",
        "Inconel 625",
        "316 L",
    ],
)
def test_a_grade_name_is_not_a_quantity(text: str) -> None:
    assert parse_quantities(text) == []


def test_a_glued_unit_after_an_ordinary_number_is_still_a_quantity() -> None:
    assert values("AISI 316L vessel 3000L, maraging 300 bar of 100 mm, nickel 30 %") == [
        (3000, "liter"),
        (100, "millimeter"),
        (30, "percent"),
    ]


def test_a_range_is_a_capability_by_its_upper_end() -> None:
    assert values("inverter 0-400 Hz") == [(0, "hertz"), (400, "hertz")]
    assert [(q.value, q.unit) for q in parse_capabilities("inverter 0-400 Hz, tank 2 m3 (2 000 L)")] == [
        (400, "hertz"),
        (2, "meter**3"),
    ]


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("shock 1000 g", "standard_gravity"),
        ("vibration table 50 g rms", "standard_gravity"),
        ("peak acceleration of 20 g", "standard_gravity"),
        ("rated 15 g-force", "standard_gravity"),
        ("canned tomatoes 400 g", "gram"),
        ("sample of 50 g; shock resistant case", "gram"),
    ],
)
def test_g_is_an_acceleration_only_after_acceleration_words(text: str, unit: str) -> None:
    (q,) = parse_quantities(text)
    assert q.unit == unit


def test_a_g_threshold_compares_with_a_g_question_not_with_grams() -> None:
    rule = "centrifuges capable of imparting accelerations above 100 g"
    assert verdicts("test centrifuge, acceleration 150 g", rule) == ["met"]
    assert verdicts("bag of flour 1000 g", rule) == ["not stated"]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("specific modulus exceeding 14,65 x 106 m", 14.65e6),
        ("strength 26,82 x 104 m", 26.82e4),
        ("pores of 1 x 10-6 m", 1e-6),
        ("1 x 10^-6 m", 1e-6),
        ("signal at 10^30 Hz", 1e30),
        ("2 x 100 mm", 100),
    ],
)
def test_exponents_flattened_by_pdf_text_are_repaired(text: str, value: float) -> None:
    (q,) = parse_quantities(text)
    assert q.value == pytest.approx(value)


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("camera 10 000 fps", "frames_per_second"),
        ("framing rate 1 000 frames per second", "frames_per_second"),
        ("drift 0.01 deg/h", "degree/hour"),
        ("bias 0,5 °/h", "degree/hour"),
        ("rate 300 °/s", "degree/second"),
        ("pulse 5 µs", "microsecond"),
        ("pulse 20 microseconds", "microsecond"),
        ("rise time 2 ns", "nanosecond"),
        ("settling 3 ms", "millisecond"),
        ("vacuum 5 mbar", "millibar"),
        ("tanque de 500 litros", "liter"),
        ("cuve de 3 000 litres", "liter"),
        ("débit 5 mètres cubes par heure", "meter**3/hour"),
        ("5 m³/h", "meter**3/hour"),
        ("à 40 degrés Celsius", "degree_Celsius"),
        ("25 kilogrammes", "kilogram"),
        ("3 tonnes", "metric_ton"),
        ("диаметр 10 мм", "millimeter"),
        ("давление 50 МПа", "megapascal"),
        ("объём 20 л", "liter"),
        ("масса 5 кг", "kilogram"),
        ("الوزن 5 كغ", "kilogram"),
        ("density 1.76 g/cm3", "gram/centimeter**3"),
        ("acceleration 9.8 m/s2", "meter/second**2"),
    ],
)
def test_new_units_and_languages(text: str, unit: str) -> None:
    (q,) = parse_quantities(text)
    assert q.unit == unit


def test_a_unit_in_another_script_is_not_read_inside_a_word() -> None:
    assert parse_quantities("car 5 лет") == []


def test_a_value_outside_a_threshold_range_meets_neither_end() -> None:
    assert verdicts("valve rated 1.5 MPa", "pressure 20-60 MPa") == ["not met", "not met"]
    assert verdicts("valve rated 30 MPa", "pressure 20-60 MPa") == ["met", "met"]
    assert verdicts("valve rated 80 MPa", "pressure in the range of 20 to 60 MPa") == ["not met", "not met"]


def test_the_unit_registry_is_public_and_shared() -> None:
    assert unit_registry() is unit_registry()
    assert Quantity(1.0, "frames_per_second", "1 fps").to_pint().to("hertz").magnitude == 1.0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mean particle size 45 um", [(45, "micrometer")]),
        ("frequency stability +/-0.01 %", [(0.01, "percent")]),
        ("stability ±0.05%", [(0.05, "percent")]),
        ("CAS 111-48-8, 5/-3 mm", []),
    ],
)
def test_micrometres_typed_as_um_and_tolerances(text: str, expected: list[tuple[float, str]]) -> None:
    assert [(q.value, q.unit) for q in parse_capabilities(text)] == expected


def test_a_count_is_shown_as_its_number() -> None:
    assert format_quantity(Quantity(5.0, "dimensionless", "5 axes")) == "5"


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("condenser capacity 50 kg ice per 24 h", 50 / 24, "kilogram/hour"),
        ("condenser capacity 4 kg ice in 24 h", 4 / 24, "kilogram/hour"),
        ("1 500 kg/24 h", 1500 / 24, "kilogram/hour"),
        ("10 kg per day", 10, "kilogram/day"),
    ],
)
def test_a_quantity_over_a_stated_period_is_a_rate(text: str, value: float, unit: str) -> None:
    (q,) = parse_capabilities(text)
    assert (q.value, q.unit) == (pytest.approx(value), unit)


def test_a_rate_bound_with_its_comparator_before_the_period_and_its_water_restatement() -> None:
    text = (
        "with a condenser capacity of 10 kg of ice or greater in 24 hours (10 liters of water or greater in "
        "24 hours) and less than 1000 kg of ice in 24 hours (less than 1,000 liters of water in 24 hours)."
    )
    bounds = [(t.op, round(t.value.value, 4), t.value.unit) for t in parse_thresholds(text)]
    assert bounds == [(">=", round(10 / 24, 4), "kilogram/hour"), ("<", round(1000 / 24, 4), "kilogram/hour")]
    assert verdicts("freeze dryer, condenser capacity 50 kg ice per 24 h", text) == ["met", "met"]
    assert verdicts("freeze dryer, condenser capacity 4 kg ice in 24 h", text) == ["not met", "met"]


def test_parts_per_million_is_a_proportion_in_percent() -> None:
    assert values("hafnium below 50 ppm") == [(0.005, "percent")]
    assert values("Hf 100 parts per million") == [(0.01, "percent")]
    assert verdicts("hafnium 50 ppm", "less than 0.2 %") == ["met"]
    assert verdicts("hafnium 5 000 ppm", "less than 0.2 %") == ["not met"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "pulse discharge capacitor 40 kV, 1.5 uF, series inductance 25 nH, stored energy 1 200 J",
            [(40, "kilovolt"), (1.5, "microfarad"), (25, "nanohenry"), (1200, "joule")],
        ),
        (
            "snubber capacitor 470 nF, 2 µH choke, 10 mH reactor",
            [(470, "nanofarad"), (2, "microhenry"), (10, "millihenry")],
        ),
        ("flash X-ray generator, electron energy 25 MeV, 500 kJ bank", [(25, "megaelectron_volt"), (500, "kilojoule")]),
        ("solid propellant rocket motor, total impulse 1.5 MNs", [(1.5, "meganewton*second")]),
        ("model rocket motors 40 Ns, 40 N·s, 40 N-s, 5 kN s", [(40, "newton*second")] * 3 + [(5, "kilonewton*second")]),
        ("self-luminous tritium exit signs, 20 Ci each", [(20, "curie")]),
        (
            "sealed source 3.7 GBq (100 mCi), check source 5 uCi",
            [(3.7, "gigabecquerel"), (100, "millicurie"), (5, "microcurie")],
        ),
    ],
)
def test_electrical_energy_impulse_and_activity_units(text: str, expected: list[tuple[float, str]]) -> None:
    assert values(text) == expected


def test_a_specific_impulse_is_no_total_impulse() -> None:
    assert parse_quantities("specific impulse of 2,4 kNs/kg or more") == []


def test_the_list_side_reads_the_same_units() -> None:
    text = (
        "Voltage rating greater than 1.4 kV, energy storage greater than 10 J, capacitance greater than 0.5 µF, "
        "and series inductance less than 50 nH"
    )
    assert [(t.op, t.value.value, t.value.unit) for t in parse_thresholds(text)] == [
        (">", 1.4, "kilovolt"),
        (">", 10, "joule"),
        (">", 0.5, "microfarad"),
        ("<", 50, "nanohenry"),
    ]
    (greek_mu,) = parse_thresholds("Capacitance greater than 0,25 μF")
    assert (greek_mu.value.value, greek_mu.value.unit) == (0.25, "microfarad")
    (impulse,) = parse_thresholds("Total impulse capacity exceeding 1,1 MNs")
    assert (impulse.op, impulse.value.value, impulse.value.unit) == (">", 1.1, "meganewton*second")


@pytest.mark.parametrize(
    ("question", "rule", "expected"),
    [
        ("pulse capacitor 10 kV, 0.1 uF, series inductance 40 nH", "capacitance greater than 0.5 µF", ["not met"]),
        ("pulse capacitor 10 kV, 1 500 nF", "capacitance greater than 0.5 µF", ["met"]),
        ("pulse capacitor, series inductance 40 nH", "series inductance less than 0.01 µH", ["not met"]),
        ("capacitor bank, stored energy 1 200 J", "energy storage greater than 10 J", ["met"]),
        ("total impulse 1.5 MNs", "Total impulse capacity exceeding 1,1 MNs", ["met"]),
        ("model rocket motor, total impulse 40 Ns", "exceeding 1,1 MNs", ["not met"]),
        ("motor, total impulse 900 kN s", "equal to or greater than 8.41 × 10^5 Ns", ["met"]),
        ("tritium exit sign 20 Ci", "less than 1.48 × 10^3 GBq", ["met"]),
    ],
)
def test_new_kinds_compare_across_prefixes(question: str, rule: str, expected: list[Verdict]) -> None:
    assert verdicts(question, rule) == expected


def test_an_activity_is_never_compared_with_a_frequency() -> None:
    assert verdicts("source 20 Ci", "frequency of 600 Hz or more") == ["not stated"]
    assert verdicts("inverter 800 Hz", "activity exceeding 37 GBq") == ["not stated"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "ultra-high-speed framing camera, 10 million frames per second, exposure time 5 ns",
            [(1e7, "frames_per_second"), (5, "nanosecond")],
        ),
        (
            "high-speed video camera, 20 000 frames/s at 1280 x 800, minimum exposure 2 us",
            [(20000, "frames_per_second"), (2, "microsecond")],
        ),
        ("streak camera 1.5 million fps", [(1.5e6, "frames_per_second")]),
        ("generator 2 thousand Hz", [(2000, "hertz")]),
    ],
)
def test_frame_rates_number_words_and_a_resolution_that_is_no_product(
    text: str, expected: list[tuple[float, str]]
) -> None:
    assert [(q.value, q.unit) for q in parse_capabilities(text)] == expected


def test_a_frame_rate_in_millions_exceeds_the_framing_camera_bound() -> None:
    rule = "Framing cameras with recording rates greater than 225,000 frames per second"
    assert verdicts("framing camera, 10 million frames per second", rule) == ["met"]
    assert verdicts("video camera, 20 000 frames/s at 1280 x 800", rule) == ["not met"]
