"""Technical parameters in free text: quantities with units, thresholds, and their comparison.

Officers describe goods with numbers ("reactor 3 000 L", "pump 0,5 m3/h"); control entries state
thresholds ("greater than 0.1 m3 (100 liters)", "600 Hz or more"). Parsing is plain regular
expressions so it stays fast and needs no unit registry; pint is used only to compare, where unit
conversion matters (600 L/h == 0.6 m3/h, 1 000 °C == 1 273 K).

Conventions:
- A range ("600 to 2 000 Hz", "600-2000 Hz", "5~20 m3/h", "between 10 and 20 mm") gives two quantities, low then
  high; a unitless low end takes the unit of the high end. As thresholds, a range is `>=` low and
  `<=` high (both ends included).
- "1,500" is one thousand five hundred unless the quantities in the same text use decimal commas
  ("0,6 m3/h"), and "0,500" is always a decimal. Dots are always decimal points.
- A quantity right after "(" following a quantity of the same kind ("0.1 m3 (100 liters)") is an
  equivalent: `parse_quantities` returns it, `parse_thresholds` folds it into the first one's phrase.
- `parse_capabilities` reads what goods can do: one quantity a phrase, a range giving its upper end.
- A grade or model name is no quantity ("316L", "AISI 304 L", "maraging 300 bar", "Inconel 625").
- A bare "g" is a gram unless an acceleration word precedes it in the same clause or "rms", "peak" or
  "-force" follows it ("shock 1000 g"): then it is standard gravity. Both sides read it the same way.
- Exponents flattened by PDF text are repaired: "14,65 x 106 m" is 14.65e6 m, "1 x 10-6" is 1e-6.
- Units in English, French, Spanish and a few in Cyrillic and Arabic script ("litres", "mètres cubes
  par heure", "litros", "мм", "МПа", "кг", "كغ").
- Electrical and other units: capacitance (µF, μF or "uF", nF, pF), inductance (nH, µH, mH), energy
  (J, kJ, MJ, mJ, eV to GeV), total impulse ("1,1 MNs", "40 N·s", "N-s", "kN s"; a specific impulse
  "kNs/kg" is not read), activity (Bq to TBq, µCi to kCi) and frame rate ("fps", "frames/s"). A micro
  prefix may be typed "u" ("2 us", "0.1 uF"). No bare "F" or "H": a Fahrenheit without its degree sign,
  a hydrogen or an hour is no farad nor henry.
- A number word after the digits multiplies them: "10 million frames per second" is 1e7 fps ("thousand",
  "million", "billion"). "1280 x 800" (a resolution) is two numbers, never a product or an exponent.
- `check_quantities` compares quantities of the same pint dimensionality (so VA with W, L with m3, but
  never flow with volume); percent and rpm compare only with themselves, and an activity never with a
  frequency (both are per second to pint). A value outside a stated range fails both of its bounds.
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass

from assistant.core.types import Op, Quantity, Verdict
from assistant.core.units import unit_registry


@dataclass(frozen=True)
class Threshold:
    """A bound an entry sets on a parameter; `text` is the phrase with its comparator words.

    `band` holds both ends when the bound is one end of a stated range ("20-60 MPa"), so that a value
    outside the band fails both rows, never "met" on the end it happens to be on the right side of.
    """

    op: Op
    value: Quantity
    text: str
    band: tuple[Quantity, Quantity] | None = None


@dataclass(frozen=True)
class _Unit:
    pattern: str
    canonical: str
    display: str
    kind: str


def _units(kind: str, *rows: tuple[str, str, str]) -> list[_Unit]:
    return [_Unit(pattern, canonical, display, kind) for pattern, canonical, display in rows]


def _words(stem: str) -> str:
    """Case-insensitive spelled-out unit name: metre, meter, mètre, singular or plural."""
    return f"(?i:{stem}(?:er|re)s?)"


# Order matters where a shorter pattern is a prefix of a longer one separated by a space ("m" / "m 3").
_VOLUME = _units(
    "volume",
    (
        r"m\s?[3³]|(?i:cubic\s+)" + _words("m[eè]t") + "|" + _words("m[eè]t") + r"(?i:\s+cubes?)|м\s?[3³]",
        "meter**3",
        "m³",
    ),
    (r"cm\s?[3³]|cc", "centimeter**3", "cm³"),
    (r"mm\s?[3³]", "millimeter**3", "mm³"),
    (r"ml|mL|" + _words("millilit"), "milliliter", "mL"),
    (r"[lL]|" + _words("lit") + r"|(?i:litros?)|л|لتر", "liter", "L"),
    (r"ft\s?[3³]|cu\.?\s?ft|(?i:cubic\s+f(?:ee|oo)t)", "foot**3", "ft³"),
    (r"in\s?[3³]|cu\.?\s?in\.?|(?i:cubic\s+inch(?:es)?)", "inch**3", "in³"),
    # A gallon is the US gallon unless the imperial one is named ("50 imp gal").
    (r"(?i:imp(?:erial)?\.?\s?gal(?:lons?|s)?)", "imperial_gallon", "imp gal"),
    (r"(?:US\s?|U\.S\.\s?)?gal(?:lons?|s)?|(?i:(?:US\s+)?gallons?)", "gallon", "gal"),
    (r"qts?|(?i:quarts?)", "quart", "qt"),
    (r"fl\.?\s?oz|(?i:fluid\s+ounces?)", "fluid_ounce", "fl oz"),
)
_MASS = _units(
    "mass",
    (r"kg|(?i:kilogram(?:me)?s?|kilogramos?)|кг|كغم?", "kilogram", "kg"),
    (r"mg|(?i:milligram(?:me)?s?)", "milligram", "mg"),
    (r"g|(?i:gram(?:me)?s?|gramos?)", "gram", "g"),
    (r"t|(?i:tonnes?|toneladas?)", "metric_ton", "t"),
    (r"lbs?|(?i:pounds?)", "pound", "lb"),
    (r"oz|(?i:ounces?)", "ounce", "oz"),
)
_AREA = _units(
    "area",
    (
        r"m\s?[2²]|(?i:square\s+)" + _words("m[eè]t") + "|" + _words("m[eè]t") + r"(?i:\s+carr[ée]s?)|м\s?[2²]",
        "meter**2",
        "m²",
    ),
    (r"cm\s?[2²]", "centimeter**2", "cm²"),
    (r"mm\s?[2²]", "millimeter**2", "mm²"),
    (r"ft\s?[2²]|sq\.?\s?ft|(?i:square\s+f(?:ee|oo)t)", "foot**2", "ft²"),
    (r"in\s?[2²]|sq\.?\s?in\.?|(?i:square\s+inch(?:es)?)", "inch**2", "in²"),
)
_LENGTH = _units(
    "length",
    (r"nm", "nanometer", "nm"),
    # "um" is how a keyboard without µ writes micrometres ("particle size 45 um").
    (r"[µμu]m|(?i:microns?)|" + _words("microm[eè]t"), "micrometer", "µm"),
    (r"mm|" + _words("millim[eè]t") + "|мм", "millimeter", "mm"),
    (r"cm|" + _words("centim[eè]t") + "|см", "centimeter", "cm"),
    (r"km|" + _words("kilom[eè]t") + "|км", "kilometer", "km"),
    (r"m|" + _words("m[eè]t") + "|м", "meter", "m"),
    # A bare "in" is a preposition ("5 kg in 24 hours") unless a dimension or a list mark follows it ("4 in OD").
    (
        r"in\.|[\"″]|(?i:inch(?:es)?)|in(?=\s?(?:OD|ID|O\.D|I\.D|dia\b|x\s?\d|×|[,;)]|$|(?i:thick|long|wide|high)))",
        "inch",
        "in",
    ),
    (r"ft|(?i:feet|foot)", "foot", "ft"),
    (r"nmi|(?i:nautical\s+miles?)", "nautical_mile", "nmi"),
    (r"mi|(?i:miles?)", "mile", "mi"),
)
# As the denominator of a rate; alone only the spelled-out or sub-second forms are read as durations,
# since a bare "s", "h" or "d" after a number is too often something else.
_TIME = _units(
    "time",
    (r"h|hr|(?i:hours?|heures?|horas?)", "hour", "h"),
    (r"min|(?i:minutes?|minutos?)", "minute", "min"),
    (r"s|sec|(?i:seconds?|secondes?|segundos?)", "second", "s"),
    (r"d|(?i:days?|jours?)", "day", "d"),
    (r"ms", "millisecond", "ms"),
    (r"[µμu]s", "microsecond", "µs"),
    (r"ns", "nanosecond", "ns"),
)
_DURATION = _units(
    "time",
    (r"ps|(?i:picose[cg]ond[eo]?s?)", "picosecond", "ps"),
    (r"ns|(?i:nanose[cg]ond[eo]?s?)", "nanosecond", "ns"),
    (r"[µμu]s|(?i:microse[cg]ond[eo]?s?)", "microsecond", "µs"),
    (r"ms|(?i:millise[cg]ond[eo]?s?)", "millisecond", "ms"),
    (r"(?i:seconds?|secondes?|segundos?)", "second", "s"),
    # After a number, "min" and "hr" are minutes and hours ("flight time 45 min"); a bare "h" stays unread.
    (r"(?i:minutes?|minutos?)|mins?", "minute", "min"),
    (r"(?i:hours?|heures?|horas?)|hrs?", "hour", "h"),
)
_OTHER = [
    *_units(
        "rotation",
        (r"rpm|RPM|r/min|rev/min|(?i:revolutions?\s+per\s+minute|tours?/min)", "revolutions_per_minute", "rpm"),
    ),
    *_units(
        "frame rate",
        (
            r"fps|(?i:frames?\s+(?:per|a)\s+second|frames?\s?/\s?s(?:ec)?|images?\s+par\s+seconde|im/s)",
            "frames_per_second",
            "fps",
        ),
    ),
    # Angle random walk: "0.002 deg/sqrt h", "°/√h", "deg/rt-hr", "degree per square root hour".
    *_units(
        "angle random walk",
        (
            r"(?:°|deg|(?i:degrees?))\s?(?:/\s?(?:√|(?i:sqrt|rt|root)[\s-]?)\(?\s?h(?:r|our)?\)?"
            r"|(?i:per\s+(?:square\s+)?root\s+hour))",
            "degree/hour**0.5",
            "°/√h",
        ),
    ),
    *_units(
        "angular rate",
        (
            r"(?:°|deg|(?i:degrees?|degr[ée]s))\s?(?:/\s?h(?:r|our)?\b|(?i:per\s+hour|par\s+heure))",
            "degree/hour",
            "°/h",
        ),
        (
            r"(?:°|deg|(?i:degrees?|degr[ée]s))\s?(?:/\s?s(?:ec)?\b|(?i:per\s+second|par\s+seconde))",
            "degree/second",
            "°/s",
        ),
    ),
    *_units("acceleration", (r"m\s?/\s?s\s?[2²]|m\s?s[-−]2", "meter/second**2", "m/s²")),
    # Flows and speeds written as one word: cubic feet (actual or standard) and US gallons per minute.
    *_units(
        "volume/time",
        (r"[AS]?CFM|(?i:cubic\s+feet\s+per\s+minute)", "foot**3/minute", "ft³/min"),
        (r"gpm|GPM|(?i:gallons?\s+per\s+minute)", "gallon/minute", "gal/min"),
        (r"gph|GPH|(?i:gallons?\s+per\s+hour)", "gallon/hour", "gal/h"),
    ),
    *_units(
        "length/time",
        (r"mph|MPH|(?i:miles?\s+per\s+hour)", "mile/hour", "mph"),
        (r"kts?|(?i:knots?)", "knot", "kn"),
    ),
    *_units(
        "density",
        (
            r"g\s?/\s?cm\s?[3³]|g\s?/\s?cc|(?i:grams?\s+per\s+cubic\s+cent[ie]met(?:er|re)s?)",
            "gram/centimeter**3",
            "g/cm³",
        ),
        (r"kg\s?/\s?m\s?[3³]", "kilogram/meter**3", "kg/m³"),
    ),
    *_units(
        "frequency",
        (r"GHz", "gigahertz", "GHz"),
        (r"MHz", "megahertz", "MHz"),
        (r"[kK]Hz", "kilohertz", "kHz"),
        (r"Hz|Гц", "hertz", "Hz"),
    ),
    *_units(
        "power",
        (r"MVA", "megavolt_ampere", "MVA"),
        (r"kVA", "kilovolt_ampere", "kVA"),
        (r"VA", "volt_ampere", "VA"),
        (r"MW", "megawatt", "MW"),
        (r"kW|кВт", "kilowatt", "kW"),
        (r"mW", "milliwatt", "mW"),
        (r"W|Вт", "watt", "W"),
        (r"BTUH|(?i:btu\s?/\s?h(?:r|our)?\b|btu\s+per\s+hour)", "Btu/hour", "BTU/h"),
        (r"b?hp|HP|(?i:horsepower)", "horsepower", "hp"),
    ),
    *_units("voltage", (r"kV", "kilovolt", "kV"), (r"V", "volt", "V")),
    # No bare "F" (a Fahrenheit typed without its degree sign) nor bare "H" (hydrogen, hours).
    *_units(
        "capacitance",
        (r"[µμu]F|(?i:microfarads?)", "microfarad", "µF"),
        (r"nF|(?i:nanofarads?)", "nanofarad", "nF"),
        (r"pF|(?i:picofarads?)", "picofarad", "pF"),
        (r"(?i:farads?)", "farad", "F"),
    ),
    *_units(
        "inductance",
        (r"nH|(?i:nanohenr(?:y|ies|ys))", "nanohenry", "nH"),
        (r"[µμu]H|(?i:microhenr(?:y|ies|ys))", "microhenry", "µH"),
        (r"mH|(?i:millihenr(?:y|ies|ys))", "millihenry", "mH"),
        (r"(?i:henr(?:y|ies|ys))", "henry", "H"),
    ),
    *_units(
        "energy",
        (r"MJ|(?i:megajoules?)", "megajoule", "MJ"),
        (r"kJ|(?i:kilojoules?)", "kilojoule", "kJ"),
        (r"mJ|(?i:millijoules?)", "millijoule", "mJ"),
        (r"J|(?i:joules?)", "joule", "J"),
        (r"GeV", "gigaelectron_volt", "GeV"),
        (r"MeV", "megaelectron_volt", "MeV"),
        (r"keV", "kiloelectron_volt", "keV"),
        (r"eV", "electron_volt", "eV"),
    ),
    # Total impulse: "1,1 MNs", "40 N·s", "40 N-s", "5 kN s"; a specific impulse ("2,4 kNs/kg") is not read.
    *_units(
        "impulse",
        (r"MN\s?[·⋅*-]?\s?s", "meganewton*second", "MN·s"),
        (r"kN\s?[·⋅*-]?\s?s", "kilonewton*second", "kN·s"),
        (r"N\s?[·⋅*-]?\s?s|(?i:newton[\s-]seconds?)", "newton*second", "N·s"),
        (
            r"lbf\s?[·⋅*.-]?\s?s(?:ec)?|lb\s?[·⋅*-]\s?s(?:ec)?|(?i:pound[\s-]force[\s-]seconds?)",
            "force_pound*second",
            "lbf·s",
        ),
    ),
    # Force (thrust): no bare "N", which is nitrogen or north as often as a newton.
    *_units(
        "force",
        (r"MN", "meganewton", "MN"),
        (r"kN|(?i:kilonewtons?)", "kilonewton", "kN"),
        (r"(?i:newtons?)", "newton", "N"),
        (r"lbf|(?i:pounds?[\s-]force)", "force_pound", "lbf"),
        (r"kgf", "kilogram_force", "kgf"),
    ),
    *_units(
        "activity",
        (r"TBq", "terabecquerel", "TBq"),
        (r"GBq", "gigabecquerel", "GBq"),
        (r"MBq", "megabecquerel", "MBq"),
        (r"kBq", "kilobecquerel", "kBq"),
        (r"Bq|(?i:becquerels?)", "becquerel", "Bq"),
        (r"kCi", "kilocurie", "kCi"),
        (r"mCi", "millicurie", "mCi"),
        (r"[µμu]Ci", "microcurie", "µCi"),
        (r"Ci|(?i:curies?)", "curie", "Ci"),
    ),
    *_units(
        "pressure",
        (r"GPa|ГПа", "gigapascal", "GPa"),
        (r"MPa|МПа", "megapascal", "MPa"),
        (r"kPa|кПа", "kilopascal", "kPa"),
        (r"hPa", "hectopascal", "hPa"),
        (r"mPa", "millipascal", "mPa"),
        (r"Pa|Па", "pascal", "Pa"),
        (r"mbar|(?i:millibars?)", "millibar", "mbar"),
        (r"bar|(?i:bars)|бар", "bar", "bar"),
        # Gauge and absolute pressure are read alike ("psig", "psia"): a rating differs by one atmosphere at most.
        (r"psi[ga]?|psi\s?\([ga]\)", "psi", "psi"),
        (r"ksi", "ksi", "ksi"),
        (r"in\.?\s?Hg|(?i:inch(?:es)?\s+(?:of\s+)?(?:Hg|mercury))", "inch_Hg", "inHg"),
        (r"mm\s?Hg|(?i:millimet(?:er|re)s?\s+(?:of\s+)?(?:Hg|mercury))", "millimeter_Hg", "mmHg"),
        (r"(?:[µμu]m|(?i:microns?))\s?(?:Hg|(?i:of\s+mercury))", "micron_Hg", "µmHg"),
        (r"mTorr|(?i:millitorr)", "millitorr", "mTorr"),
        (r"atm", "atmosphere", "atm"),
        (r"(?i:torr)", "torr", "Torr"),
    ),
    *_units(
        "temperature",
        (r"K|(?i:kelvins?)", "kelvin", "K"),
        (
            r"[°º˚o]\s?C|deg\.?\s?C|(?i:degrees?\s+c(?:elsius)?|degr[ée]s\s+c(?:elsius)?)|C",
            "degree_Celsius",
            "°C",
        ),
        (r"[°º˚]\s?F|deg\.?\s?F|(?i:degrees?\s+f(?:ahrenheit)?)", "degree_Fahrenheit", "°F"),
    ),
    *_units("angle", (r"°|(?i:degrees?|degr[ée]s)", "degree", "°")),
    *_units(
        "percent",
        (r"%|(?i:per\s?cent|pour\s?cent)", "percent", "%"),
        (r"ppm|(?i:parts?\s+per\s+million)", "ppm", "ppm"),
    ),
]
UNIT_WORDS = frozenset(
    """
    liter liters litre litres meter meters metre metres cubic square hour hours minute minutes second seconds day
    days gallon gallons quart quarts ounce ounces gram grams kilogram kilograms kg tonne tonnes ton tons pound
    pounds lb lbs lbf inch inches foot feet mi mile miles mm cm hertz watt watts volt volts ampere pascal bar mbar psi
    psig psia ksi torr mtorr kelvin degree degrees celsius fahrenheit percent cent per parts part rpm kva mva khz
    mhz ghz mpa kpa gpa cfm acfm scfm gpm mph btu hp horsepower
    """.split()
)
"""Unit words as words, for the readers that must not take them for a property or a counted noun ("hours",
"psi"); the one list of them, beside the unit patterns above."""
_RATE_TOPS = _VOLUME + _MASS + _LENGTH
_PLAIN = _OTHER + _VOLUME + _AREA + _MASS + _LENGTH + _DURATION
_GRAVITY = _Unit("g", "standard_gravity", "g", "acceleration")
_DISPLAY = {u.canonical: u.display for u in _PLAIN + _TIME + [_GRAVITY]}
_KIND = {u.canonical: u.kind for u in _PLAIN + _TIME + [_GRAVITY]}
_KIND_NAMES = {"volume/time": "flow rate", "mass/time": "mass flow", "length/time": "speed", "percent": "proportion"}


def _alternatives(units: list[_Unit]) -> str:
    return "|".join(f"(?:{u.pattern})" for u in units)


_PER = r"(?:\s?/\s?|\s+(?i:per|par|por)\s+)"
_RATE = re.compile(f"(?P<top>{_alternatives(_RATE_TOPS)}){_PER}(?P<per>{_alternatives(_TIME)})")
# A unit ends at a word boundary (in any script) and is not the start of a ratio we do not read ("K/sec").
_UNIT = (
    f"(?:(?:{_alternatives(_RATE_TOPS)}){_PER}(?:{_alternatives(_TIME)})|{_alternatives(_PLAIN)})"
    r"(?![^\W_]|\s?/\s?[^\W\d_])"
)

# "× 10^-6", "x 10 6" and "x 106" (flattened superscripts), "x 10−6"; never "2 x 100". The glued form
# "x 106" is an exponent only after a mantissa with decimals or a 1 ("14,65 x 106", "1 x 106"), as in
# scientific notation; "3 x 105 mm" stays three pieces of 105 mm.
_EXPONENT = r"\s?[×x*]\s?10(?:\^\s?|\s{1,2}|(?=[-−]))([-−]?\d{1,2})"
_GLUED_EXPONENT = r"\s?[×x]\s?10([1-9])(?!\d)"
# "10 million frames per second": a number word after the digits multiplies them.
_MULTIPLIERS = {"thousand": 1e3, "million": 1e6, "billion": 1e9}
_MULTIPLIED = re.compile(rf"\s({'|'.join(_MULTIPLIERS)})$", re.IGNORECASE)
# A number: a power of ten ("10^30"), E notation ("1.5e6"), a fraction, space- or comma-grouped
# thousands, decimal point or comma, optional exponent.
_NUMBER = (
    rf"[-−+]?(?:(?:\d{{1,2}}[.,]\d+|1){_GLUED_EXPONENT}|10\^\s?[-−]?\d{{1,2}}|\d+(?:\.\d+)?[eE][-+−]?\d{{1,2}}"
    r"|(?:\d+/0*[1-9]\d*"
    r"|\d{1,3}(?:[ \u00a0\u2009\u202f]\d{3})+(?!\d)(?:[.,]\d+)?"
    r"|\d+(?:,\d{3})+(?:\.\d+)?"
    r"|\d+(?:[.,]\d+)?)"
    rf"(?:{_EXPONENT})?)(?![.,]?\d)(?:\s(?i:{'|'.join(_MULTIPLIERS)})(?![^\W_]))?"
)
# Not inside a code, a CAS number or an HS code: "2B350", "111-48-8", "8419.89"; "+/-0.01 %" is a tolerance.
_NOT_IN_A_CODE = r"(?:(?<=\+/[-−])|(?<![\w.,/\-−+^]))"
_QUANTITY = re.compile(
    rf"(?P<between>\bbetween\s+)?{_NOT_IN_A_CODE}(?P<n1>{_NUMBER})(?:\s{{0,2}}(?P<u1>{_UNIT}))?"
    rf"(?:\s*(?:to|through|à|–|—|-|~|…|(?(between)and|(?!)))\s*(?P<n2>{_NUMBER})\s{{0,2}}(?P<u2>{_UNIT}))?",
)
_SCIENTIFIC = re.compile(f"(?:{_EXPONENT}|{_GLUED_EXPONENT})$")
_SPACES = re.compile(r"[ \u00a0\u2009\u202f]")


def _comparators(rows: list[tuple[str, Op]], anchor: str) -> tuple[re.Pattern[str], list[Op]]:
    alternatives = "|".join(f"(?P<c{i}>{pattern})" for i, (pattern, _) in enumerate(rows))
    return re.compile(f"(?:{alternatives}){anchor}", re.IGNORECASE), [op for _, op in rows]


_MORE = r"(?:more|greater|higher|larger)"
_LESS = r"(?:less|lower|smaller|fewer)"
# Longer phrases must come first only where two start at the same word; a search takes the leftmost.
_PREFIX, _PREFIX_OPS = _comparators(
    [
        (rf"\bequal\s+to\s+or\s+{_MORE}\s+than|\b{_MORE}\s+than\s+or\s+equal\s+to", ">="),
        (rf"\bequal\s+to\s+or\s+{_LESS}\s+than|\b{_LESS}\s+than\s+or\s+equal\s+to", "<="),
        (rf"\bnot\s+{_LESS}\s+than|\bno\s+less\s+than|\bat\s+least", ">="),
        (rf"\bnot\s+{_MORE}\s+than|\bno\s+more\s+than|\bnot\s+exceeding|\bat\s+most", "<="),
        (r"\bup\s+to(?:\s+and\s+including)?", "<="),
        (rf"\b{_MORE}\s+than|\bbetter\s*\(\s*{_MORE}\s*\)\s*than|\bexceeding|\bin\s+excess\s+of|\bover|\babove", ">"),
        # "better than 0,2%" (stability, accuracy, control) bounds an error from above, as lists use it.
        (rf"\b{_LESS}\s+than|\bbetter\s*(?:\(\s*{_LESS}\s*\)\s*)?than|\bbelow", "<"),
        # "A full scale of less 13 kPa" (2B230, as published): the comparator without its "than".
        (rf"\bof\s+{_MORE}", ">"),
        (rf"\bof\s+{_LESS}", "<"),
        (r"≥|>=|=>", ">="),
        (r"≤|<=|=<", "<="),
        (r">", ">"),
        (r"<", "<"),
    ],
    anchor=r"\s*(?:±|\+/-|\+-)?\s*\Z",  # "better than ±1%": a tolerance bounds its size
)
_SUFFIX, _SUFFIX_OPS = _comparators(
    [(rf"{_MORE}|above|over", ">="), (rf"{_LESS}|below", "<=")],
    anchor="",
)
_SUFFIX_LEAD = re.compile(r"\s*(?:of\s+[^\W\d_]{2,12}\s+)?(?:by\s+(?:weight|volume|mass)\s+)?or\s+", re.IGNORECASE)
_RANGE_PREFIX = re.compile(r"\b(?:from|in\s+the\s+range\s+(?:of\s+)?|range\s+of|within)\s*\Z", re.IGNORECASE)
_BETWEEN = re.compile(r"\bbetween\s+\Z", re.IGNORECASE)
_AND = re.compile(r"\s*and\s*", re.IGNORECASE)
_OPEN = re.compile(r"\s*\(\s*")
_CLOSE = re.compile(r"\s*\)")
_WINDOW = 48
# Grade and model names are no quantities: "316L" is not 316 litres, nor "AISI 304 L"; in "maraging 300
# bar" the bar is the form of a maraging 300 bar. The named group that matched is the grade's number.
_GRADE = re.compile(
    r"(?<![\w.,])(?P<stainless>(?:30[1-9]|31[0-9]|32[01]|347|904)(?=\s?L(?![^\W_])))"
    r"|(?i:\b(?:maraging(?:\s+steel)?|nickel)\s+(?P<named>(?:200|201|250|300|350)\b))"
    r"|(?i:\b(?:inconel|incoloy|monel|hastelloy|alloy|grade|type|aisi|uns|ss|tp)\s*-?\s*)"
    r"(?P<designation>[A-Z]{0,2}-?\d{1,5}\b)",
)
_GRAVITY_BEFORE = re.compile(r"(?i:accelerat|shock|vibrat|g-force|g-load|impact|centrifug|overload|choc|aceleraci)")
_GRAVITY_AFTER = re.compile(r"\s?(?:-?\s?force|rms|peak|pk|\(g\))\b", re.IGNORECASE)


@dataclass(frozen=True)
class _Phrase:
    """One quantity, or the two ends of a range, with where they sit in the text."""

    quantities: tuple[Quantity, ...]
    kind: str
    start: int
    end: int
    tail: int = 0
    """Where the period of a rate read with it ends ("50 kg ice per 24 h"); 0 when there is none."""


@functools.lru_cache(maxsize=256)
def _resolve(surface: str) -> tuple[str, str]:
    """The pint unit name and the kind of a unit as written ("m3/hour" -> "meter**3/hour", "volume/time")."""
    rate = _RATE.fullmatch(surface)
    if rate:
        (top, top_kind), (per, _) = _resolve(rate["top"]), _resolve(rate["per"])
        return f"{top}/{per}", f"{top_kind}/time"
    for unit in _PLAIN + _TIME:
        if re.fullmatch(unit.pattern, surface):
            return unit.canonical, unit.kind
    raise ValueError(f"unknown unit {surface!r}")


def unit_pattern(*kinds: str) -> str:
    """A pattern of the units of `kinds` ("mass", "volume"), for readers that find units in their own phrases
    (a pack's "200 kg"), so that unit words have this one home.

    >>> bool(re.fullmatch(unit_pattern("mass", "volume"), "US gal")), bool(re.fullmatch(unit_pattern("mass"), "L"))
    (True, False)
    """
    return _alternatives([u for u in _PLAIN if u.kind in kinds])


_UNIT_AHEAD = re.compile(rf"\s{{0,2}}{_UNIT}")


def starts_with_unit(text: str) -> bool:
    """Whether `text` opens with a unit ("500 L" after "batch" is a size, not a batch number).

    >>> starts_with_unit(" L reactor"), starts_with_unit(", glass-lined")
    (True, False)
    """
    return bool(_UNIT_AHEAD.match(text))


def _uses_decimal_commas(raw: str) -> bool:
    return bool(re.search(r"(?<!\d)0,\d|\d,(?:\d{1,2}|\d{4,})(?!\d)", raw))


def read_number(raw: str, decimal_commas: bool = False) -> float:
    """The value of a number as written; the one reader of numbers (see the module docstring for commas).

    >>> read_number("3 000"), read_number("1,500"), read_number("2,5"), read_number("0,500"), read_number("1.5 million")
    (3000.0, 1500.0, 2.5, 0.5, 1500000.0)
    """
    word = _MULTIPLIED.search(raw)
    if word:
        return _MULTIPLIERS[word[1].lower()] * read_number(raw[: word.start()], decimal_commas)
    exponent = 0
    scientific = _SCIENTIFIC.search(raw)
    if scientific:
        exponent = int((scientific[1] or scientific[2]).replace("−", "-"))
        raw = raw[: scientific.start()]
    sign = -1.0 if raw[0] in "-−" else 1.0
    raw = raw.lstrip("-−+").replace("−", "-")
    if raw.startswith("10^"):
        return sign * 10.0 ** int(raw[3:].strip())
    if "e" in raw.lower():
        return sign * float(raw)
    if "/" in raw:
        numerator, denominator = raw.split("/")
        return sign * int(numerator) / int(denominator)
    spaced = bool(_SPACES.search(raw))
    digits = _SPACES.sub("", raw)
    if "," in digits:
        head, _, tail = digits.partition(",")
        grouped = "." in digits or "," in tail or (len(tail) == 3 and head != "0" and not decimal_commas and not spaced)
        digits = digits.replace(",", "") if grouped else digits.replace(",", ".")
    return sign * float(f"{digits}e{exponent}")


def _phrases(text: str) -> list[_Phrase]:
    grades = [g.span(g.lastgroup or 0) for g in _GRADE.finditer(text)]
    matches = [
        m
        for m in _QUANTITY.finditer(text)
        if (m["u1"] or m["u2"]) and not _misread(text, m) and not _is_grade(m, grades)
    ]
    decimal_commas = any(_uses_decimal_commas(m[n]) for m in matches for n in ("n1", "n2") if m[n])
    phrases: list[_Phrase] = []
    taken = 0
    for m in matches:
        if m.start() < taken:
            continue  # the "24 h" of "50 kg ice per 24 h" is the rate's period, not a quantity of its own
        phrase = _phrase(text, m, decimal_commas)
        period = _PERIOD.match(text, phrase.end) if phrase.kind in ("mass", "volume") else None
        if period:
            phrase, taken = _per_period(text, phrase, period, decimal_commas), period.end()
        phrases.append(phrase)
    return phrases


# "50 kg ice per 24 h", "10 kg of ice or greater in 24 hours", "1 500 kg/24 h": a rate over a stated period.
_PERIOD = re.compile(
    r"(?P<gap>\s*(?:(?:of\s+)?[^\W\d_]{2,12}\s+)?(?:or\s+(?:more|greater|less|above|below)\s+)?)"
    r"(?:per|in|every|/)\s*(?P<n>\d+(?:[.,]\d+)?)?\s*(?P<u>(?i:hours?|hrs?|h|days?|d|minutes?|min))(?![^\W_])",
)


def _per_period(text: str, phrase: _Phrase, period: re.Match[str], decimal_commas: bool) -> _Phrase:
    """The phrase as a rate over the period that follows it; its end stays where the quantity ends, so that
    a comparator after it ("or greater in 24 hours") is still read."""
    n = read_number(period["n"], decimal_commas) if period["n"] else 1.0
    per, _ = _resolve(period["u"].lower() if period["u"].lower() != "h" else "h")
    text_end = period.end()
    last = len(phrase.quantities) - 1
    rates = tuple(
        Quantity(
            q.value / n, f"{q.unit}/{per}", text[text.find(q.text, phrase.start) : text_end] if i == last else q.text
        )
        for i, q in enumerate(phrase.quantities)
    )
    return _Phrase(rates, f"{phrase.kind}/time", phrase.start, phrase.end, text_end)


def _misread(text: str, match: re.Match[str]) -> bool:
    """A quote is an inch sign only right after the digits (`2"`, not `model "2"`); a bare C is Celsius
    only after a space (`1 000 C`), since `1C` is an ECCN category."""
    for u in ("u1", "u2"):
        glued = match[u] is not None and not text[match.start(u) - 1].isspace()
        if (match[u] in ('"', "″") and not glued) or (match[u] == "C" and glued):
            return True
    return False


def _is_grade(match: re.Match[str], grades: list[tuple[int, int]]) -> bool:
    """A number that names a grade or model is no quantity, whatever unit letter follows it."""
    return match["u1"] != "%" and any(start <= match.start("n1") < end for start, end in grades)


def _is_gravity(text: str, start: int, end: int) -> bool:
    """A bare "g" is an acceleration (standard gravity) after an acceleration word in the same clause
    ("shock 1000 g", "vibration 10 g rms") or when "-force", "rms", "peak" or "pk" follows it;
    otherwise it is a gram ("canned tomatoes 400 g")."""
    clause = re.split(r"[.;:\n]", text[max(0, start - _WINDOW) : start])[-1]
    return bool(_GRAVITY_BEFORE.search(clause) or _GRAVITY_AFTER.match(text, end))


def _phrase(text: str, match: re.Match[str], decimal_commas: bool) -> _Phrase:
    def unit_of(u: str, surface: str) -> tuple[str, str]:
        canonical, kind = _resolve(surface)
        if surface == "g" and _is_gravity(text, match.start(), match.end(u) if match[u] else match.end()):
            return _GRAVITY.canonical, _GRAVITY.kind
        return canonical, kind

    def quantity(n: str, u: str, surface: str) -> Quantity:
        end = match.end(u) if match[u] else match.end(n)
        canonical, _ = unit_of(u, surface)
        value = read_number(match[n], decimal_commas)
        if canonical == "ppm":
            # A content in parts per million is a proportion: "50 ppm" answers "less than 0.2 %".
            return Quantity(value / 10_000, "percent", text[match.start(n) : end])
        return Quantity(value, canonical, text[match.start(n) : end])

    if not match["n2"]:
        _, kind = unit_of("u1", match["u1"])
        return _Phrase((quantity("n1", "u1", match["u1"]),), kind, match.start("n1"), match.end())
    _, kind = unit_of("u2", match["u2"])
    low = quantity("n1", "u1", match["u1"] or match["u2"])
    high = quantity("n2", "u2", match["u2"])
    return _Phrase((low, high), kind, match.start(), match.end())


def parse_quantities(text: str) -> list[Quantity]:
    """Every quantity with a unit in `text`, in order; a range gives its low and high ends."""
    return [q for phrase in _phrases(text) for q in phrase.quantities]


def parse_capabilities(text: str) -> list[Quantity]:
    """What goods can do, as an officer states it: one quantity per phrase, a range giving its upper end
    ("0-400 Hz" -> 400 Hz) and a parenthesised restatement folded into the first ("2 m3 (2 000 L)")."""
    return [group.phrase.quantities[-1] for group in _groups(text, _phrases(text))]


@dataclass(frozen=True)
class _Group:
    """A phrase and its parenthesised restatements: `0.1 m3 (100 liters)` ends after the `)`."""

    phrase: _Phrase
    end: int


def _restatement_end(text: str, group: _Group, follower: _Phrase) -> int | None:
    """Where `follower` ends (with its closing parenthesis) if it restates `group` in parentheses."""
    opening = _OPEN.match(text, group.end)
    if not opening or not _restates(follower.kind, group.phrase.kind):
        return None
    if opening.end() != follower.start and not _SAME_BOUND.fullmatch(text, opening.end(), follower.start):
        return None
    end = max(follower.end, follower.tail)
    closing = _CLOSE.match(text, end)
    return closing.end() if closing else end


# A restatement may repeat the comparator: "less than 1000 kg of ice ... (less than 1,000 liters of water ...)".
_SAME_BOUND = re.compile(rf"(?:(?:{_MORE}|{_LESS})\s+than|at\s+(?:least|most))\s*", re.IGNORECASE)


def _restates(a: str, b: str) -> bool:
    """Same kind, or a mass restated as a volume (the lists give "10 kg of ice" as "10 liters of water")."""
    return a == b or {a, b} in ({"mass", "volume"}, {"mass/time", "volume/time"})


def _groups(text: str, phrases: list[_Phrase]) -> list[_Group]:
    groups: list[_Group] = []
    for phrase in phrases:
        end = _restatement_end(text, groups[-1], phrase) if groups else None
        if end is None:
            groups.append(_Group(phrase, max(phrase.end, phrase.tail)))
        else:
            groups[-1] = _Group(groups[-1].phrase, end)
    return groups


def _prefix(text: str, start: int) -> tuple[int, Op] | None:
    found = _PREFIX.search(text, max(0, start - _WINDOW), start)
    if not found or found.lastgroup is None:
        return None
    return found.start(), _PREFIX_OPS[int(found.lastgroup[1:])]


def _suffix(text: str, end: int) -> tuple[int, Op] | None:
    lead = _SUFFIX_LEAD.match(text, end)
    found = _SUFFIX.match(text, lead.end()) if lead else None
    if not found or found.lastgroup is None or re.match(r"\w", text[found.end() : found.end() + 1]):
        return None
    return found.end(), _SUFFIX_OPS[int(found.lastgroup[1:])]


def _range(text: str, start: int, low: Quantity, high: Quantity, end: int) -> list[Threshold]:
    lead = _RANGE_PREFIX.search(text, max(0, start - _WINDOW), start)
    span = text[lead.start() if lead else start : end]
    return [Threshold(">=", low, span, (low, high)), Threshold("<=", high, span, (low, high))]


def _between(text: str, group: _Group, pair: _Group) -> int | None:
    """Where `between 50 cm3 (50 ml) and 2,000 cm3 (2 liters)` starts: a range too long for `_QUANTITY`."""
    joined = _AND.match(text, group.end)
    if (
        len(group.phrase.quantities) != 1
        or len(pair.phrase.quantities) != 1
        or group.phrase.kind != pair.phrase.kind
        or joined is None
        or joined.end() != pair.phrase.start
    ):
        return None
    lead = _BETWEEN.search(text, max(0, group.phrase.start - _WINDOW), group.phrase.start)
    return lead.start() if lead else None


def _thresholds(text: str, group: _Group) -> list[Threshold]:
    phrase, end = group.phrase, group.end
    if len(phrase.quantities) == 2:
        return _range(text, phrase.start, *phrase.quantities, end)
    before = _prefix(text, phrase.start)
    if before:
        start, op = before
        return [Threshold(op, phrase.quantities[0], text[start:end])]
    # A comparator may sit between a rate's quantity and its period: "10 kg of ice or greater in 24 hours".
    after = _suffix(text, end) or (_suffix(text, phrase.end) if phrase.tail else None)
    if after:
        stop, op = after
        return [Threshold(op, phrase.quantities[0], text[phrase.start : max(stop, end)])]
    return []


def parse_thresholds(text: str) -> list[Threshold]:
    """The bounds stated in `text`: a quantity with comparator words before or after it, or a range."""
    groups = _groups(text, _phrases(text))
    found: list[Threshold] = []
    i = 0
    while i < len(groups):
        group = groups[i]
        pair = groups[i + 1] if i + 1 < len(groups) else None
        start = _between(text, group, pair) if pair else None
        if pair is not None and start is not None:
            found += _range(text, start, group.phrase.quantities[0], pair.phrase.quantities[0], pair.end)
            i += 2
        else:
            found += _thresholds(text, group)
            i += 1
    return found


@functools.lru_cache(maxsize=256)
def _dimension(unit: str) -> str:
    """What may be compared: pint dimensionality, except that percent and rpm only match themselves and an
    activity (becquerels, per second to pint) never matches a frequency."""
    if unit in ("percent", "revolutions_per_minute"):
        return unit
    if _KIND.get(unit) == "activity":
        return "activity"
    return str(unit_registry().Unit(unit).dimensionality)


def _holds(asked: float, op: Op, bound: float) -> bool:
    """Equal within float noise counts as equal: 600 L/h is exactly 0.6 m3/h, so not "greater than" it."""
    if math.isclose(asked, bound, rel_tol=1e-9, abs_tol=1e-12):
        return op in (">=", "<=")
    return asked > bound if op in (">", ">=") else asked < bound


def _meets(value: float, threshold: Threshold) -> bool:
    """A bound of a stated range holds only when the value lies in the whole range (1.5 MPa is outside
    "20-60 MPa", so not under its upper end either); a single bound is compared as stated."""
    if threshold.band is None:
        return _holds(value, threshold.op, threshold.value.to_pint().to_base_units().magnitude)
    low, high = (end.to_pint().to_base_units().magnitude for end in threshold.band)
    return _holds(value, ">=", low) and _holds(value, "<=", high)


_Interval = tuple[float, bool, float, bool]
"""Low end, whether it is included, high end, whether it is included."""


def _interval(op: Op, value: float) -> _Interval:
    return {
        ">": (value, False, math.inf, False),
        ">=": (value, True, math.inf, False),
        "<": (-math.inf, False, value, False),
        "<=": (-math.inf, False, value, True),
    }[op]


def _inside(a: _Interval, b: _Interval) -> bool:
    """Whether every value of `a` is in `b`."""
    low = a[0] > b[0] or (math.isclose(a[0], b[0]) and (b[1] or not a[1]))
    high = a[2] < b[2] or (math.isclose(a[2], b[2]) and (b[3] or not a[3]))
    return low and high


def _contains(interval: _Interval, x: float) -> bool:
    low, low_in, high, high_in = interval
    return (x > low or (math.isclose(x, low) and low_in)) and (x < high or (math.isclose(x, high) and high_in))


def _apart(a: _Interval, b: _Interval) -> bool:
    """Whether no value is in both."""
    low, high = max(a[0], b[0]), min(a[2], b[2])
    if math.isclose(low, high):
        return not (_contains(a, low) and _contains(b, low))
    return low > high


def _bounded(asked: Quantity, threshold: Threshold) -> Verdict:
    """A stated bound against a threshold: met when every value it allows meets it, not met when none does,
    else not stated (a question back, never a guess).

    >>> t = Threshold("<", Quantity(1, "nanosecond", "1 ns"), "less than 1 ns")
    >>> [_bounded(Quantity(v, "picosecond", "", bound="<"), t) for v in (100, 1000, 5000)]
    ['met', 'met', 'not stated']
    >>> _bounded(Quantity(0.5, "nanosecond", "", bound="<="), Threshold(">", Quantity(1, "nanosecond", ""), ""))
    'not met'
    """
    assert asked.bound is not None
    value = asked.to_pint().to_base_units().magnitude
    mine = _interval(asked.bound, value)
    if threshold.band is None:
        theirs = _interval(threshold.op, threshold.value.to_pint().to_base_units().magnitude)
    else:
        low, high = (end.to_pint().to_base_units().magnitude for end in threshold.band)
        theirs = (low, True, high, True)
    if _inside(mine, theirs):
        return "met"
    return "not met" if _apart(mine, theirs) else "not stated"


def comparable(asked: Quantity, threshold: Threshold) -> bool:
    """Whether a quantity is of the kind a threshold bounds (a volume for a volume, never a flow)."""
    return _dimension(asked.unit) == _dimension(threshold.value.unit)


def check_quantities(
    asked: list[Quantity], thresholds: list[Threshold]
) -> list[tuple[Threshold, Quantity | None, Verdict]]:
    """Each threshold against the first asked quantity of the same kind, compared in base units (kelvin); a
    stated bound ("< 100 ps") decides only where all the values it allows fall on one side."""
    results: list[tuple[Threshold, Quantity | None, Verdict]] = []
    for threshold in thresholds:
        match = next((q for q in asked if comparable(q, threshold)), None)
        if match is None:
            results.append((threshold, None, "not stated"))
            continue
        if match.bound is not None:
            results.append((threshold, match, _bounded(match, threshold)))
            continue
        value = match.to_pint().to_base_units().magnitude
        results.append((threshold, match, "met" if _meets(value, threshold) else "not met"))
    return results


_RATINGS = re.compile(r"(?i)up\s+to|max")
"""Comparators that state a rating, not a bound: "up to 1500 l/s" and "max. 200 °C" are what the goods can do."""
_FLOOR = re.compile(r"(?i)(?<![^\W_])(?:min(?:imum)?\.?|mini)\s*:?\s*\Z")


def stated_bound(text: str, start: int) -> Op | None:
    """The bound a comparator right before a figure states ("< 100 ps", "min. 5 bar", "not less than 99 %"), or
    None for a plain value or a rating ("up to 1500 l/s", "max. 200 °C", which are what the goods can do).

    >>> [stated_bound(t, t.index("1")) for t in ("rise time < 100 ps", "min 10 bar", "up to 1500 l/s", "≥ 1 %")]
    ['<', '>=', None, '>=']
    """
    if _FLOOR.search(text, max(0, start - _WINDOW), start):
        return ">="
    found = _PREFIX.search(text, max(0, start - _WINDOW), start)
    if not found or found.lastgroup is None or _RATINGS.search(found[0]):
        return None
    return _PREFIX_OPS[int(found.lastgroup[1:])]


def _display_unit(unit: str) -> str:
    if unit == "dimensionless":
        return ""
    return "/".join(_DISPLAY.get(part, part) for part in unit.split("/"))


def parameter_name(q: Quantity) -> str:
    """What a quantity measures, in words ("volume", "flow rate", "frequency")."""
    top, _, per = q.unit.partition("/")
    if q.unit in _KIND:
        kind = _KIND[q.unit]
    else:
        kind = f"{_KIND.get(top, top)}/{_KIND.get(per, per)}" if per else _KIND.get(top, top)
    return _KIND_NAMES.get(kind, kind)


_OVER_PERIOD = re.compile(r"(?i)(?:per|in|/)\s*\d+\s*h")


_SYMBOLS = {"<": "< ", "<=": "≤ ", ">": "> ", ">=": "≥ "}


def bound_symbol(q: Quantity) -> str:
    """The comparator a stated bound is shown with ("< " for "rise time < 100 ps"); "" for a value."""
    return _SYMBOLS[q.bound] if q.bound else ""


def format_quantity(q: Quantity) -> str:
    """A quantity for display: "3000 L", "0.6 m³/h", "1273 K"; a rate over a stated period as written, so it
    reads like the lists' "10 kg of ice in 24 hours".

    >>> format_quantity(parse_quantities("condenser 4 kg ice per 24 h")[0]), format_quantity(parse_quantities("B 0.8 ppm")[0])
    ('4 kg ice per 24 h', '0.8 ppm')
    >>> format_quantity(Quantity(100, "picosecond", "100 ps", bound="<"))
    '< 100 ps'

    """
    if _OVER_PERIOD.search(q.text):
        return " ".join(q.text.split())
    if q.unit == "percent" and 0 < abs(q.value) < 0.01:
        return f"{bound_symbol(q)}{q.value * 1e4:.6g} ppm"  # "0.8 ppm", not "8e-05 %"
    value = f"{q.value:.0f}" if float(q.value).is_integer() and abs(q.value) < 1e15 else f"{q.value:.6g}"
    return f"{bound_symbol(q)}{value} {_display_unit(q.unit)}".strip()
