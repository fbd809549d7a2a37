"""Facts from an officer's question: what the goods are, what they are made of and what they can do.

Read once a question and used by every candidate's evaluation, so each entry is judged on the same
reading. Deterministic and word-list based (English and French, some Spanish): the goods' subject is the
head noun of the first noun phrase that names goods ("glass-lined reactor 3 000 L" -> "reactor"), or the
first goods noun in French word order ("réacteur émaillé" -> "reactor"). Problems with the input become
`notes`, never exceptions.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import replace

from assistant.core.codes import CAS_RE, code_spans, find_cas
from assistant.core.types import Facts, Identity, Material, Quantity
from assistant.knowledge.agents import find_agents, media_chemicals, named_after
from assistant.knowledge.chemistry import (
    ListedNames,
    is_acronym,
    is_formula,
    library_name,
    listed_first,
    match_listed,
    resolve,
)
from assistant.knowledge.goods import foreign_goods, goods_vocabulary
from assistant.knowledge.isotopes import enrichments
from assistant.knowledge.materials import ELEMENTS, Mention, element_symbol, find_materials
from assistant.knowledge.properties import list_words
from assistant.knowledge.subjects import head_term, singular
from assistant.reading.invoice import trade_spans
from assistant.storage.embeddings import is_english
from assistant.text.glossary import load_glossary
from assistant.text.params import parameter_name, parse_capabilities, read_number, stated_bound
from assistant.text.script import ENGLISH_STOP

STANDARD_GRAVITY = 9.80665  # m/s², as the control lists use it in specific modulus and strength
_SHORT = {"gram/centimeter**3": "g/cm³", "gigapascal": "GPa", "megapascal": "MPa"}
_FIBRE_FAMILIES = ("carbon fibre", "aramid fibre", "glass fibre")
_FIBRE_WORDS = re.compile(r"(?i)\b(?:fib(?:re|er)s?|filaments?|tows?|yarns?|rovings?|prepregs?|fibra)\b")

# What a number measures when the words before it say so; a label only sticks when the unit fits it.
_LABELS: tuple[tuple[str, str, str], ...] = (
    ("specific modulus", r"specific\s+modulus|module\s+sp[ée]cifique", "length"),
    ("specific tensile strength", r"specific\s+(?:tensile\s+)?strength|r[ée]sistance\s+sp[ée]cifique", "length"),
    (
        "tensile strength",
        r"(?:ultimate\s+)?tensile\s+strength|\bUTS\b|\bstrength|r[ée]sistance(?:\s+[àa]\s+la\s+traction)?",
        "pressure",
    ),
    (
        "modulus",
        r"(?:tensile\s+|young'?s\s+|elastic\s+)?modulus|module(?:\s+d'[ée]lasticit[ée]|\s+d'young)?",
        "pressure",
    ),
    ("density", r"density|densit[ée]|masse\s+volumique", "density"),
)
_LABEL = re.compile("|".join(f"(?P<l{i}>{pattern})" for i, (_, pattern, _) in enumerate(_LABELS)), re.IGNORECASE)
_CLAUSE_BREAK = re.compile(r"[,;:()\n]|\band\b|\bet\b")

# Limits beyond any goods an officer meets: a value past them is a typing error, not a capability.
_LIMITS: dict[str, tuple[float, float, str]] = {
    "[length] ** 3": (0.0, 1e7, "m³"),
    "[mass]": (0.0, 1e9, "kg"),
    "[length] ** 2": (0.0, 1e8, "m²"),
    "[length]": (0.0, 1e9, "m"),
    "1 / [time]": (0.0, 1e16, "Hz"),
    "[length] ** 3 / [time]": (0.0, 1e4, "m³/s"),
    "[mass] / [time]": (0.0, 1e5, "kg/s"),
    "[length] ** 2 * [mass] / [time] ** 3": (0.0, 1e11, "W"),
    "[mass] / [length] / [time] ** 2": (-1e5, 1e12, "Pa"),
    "[mass] / [length] ** 3": (0.0, 3e4, "kg/m³"),
    "[temperature]": (0.0, 1e5, "K"),
    "[time]": (0.0, 1e10, "s"),
    "percent": (0.0, 100.0, "%"),
    "revolutions_per_minute": (0.0, 1e7, "rpm"),
}
_UNREAD_RATIO = re.compile(r"(?<![\w.,])\d[\d.,]*\s?(?P<unit>[^\W\d_][\w°]{0,5}\s?/\s?[^\W\d_][\w]{0,5})")

_COUNT_NOUNS = {
    "axis": "axes",
    "axes": "axes",
    "axe": "axes",
    "channel": "channels",
    "channels": "channels",
    "canal": "channels",
    "canaux": "channels",
    "voie": "channels",
    "voies": "channels",
    "stage": "stages",
    "stages": "stages",
    "étage": "stages",
    "étages": "stages",
    "spindle": "spindles",
    "spindles": "spindles",
    "broche": "spindles",
    "broches": "spindles",
    "phase": "phases",
    "phases": "phases",
    "head": "heads",
    "heads": "heads",
    "roller": "rollers",
    "rollers": "rollers",
    "rouleau": "rollers",
    "rouleaux": "rollers",
    "galets": "rollers",
    "port": "ports",
    "ports": "ports",
    **dict.fromkeys("mouse mice rat rats rodent rodents hamster hamsters souris rongeurs".split(), "rodents"),
    **dict.fromkeys("animal animals primate primates monkey monkeys rabbit rabbits".split(), "animals"),
}
_WORD_NUMBERS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "deux": 2,
    "trois": 3,
    "quatre": 4,
    "cinq": 5,
    "dual": 2,
    "twin": 2,
    "single": 1,
}
_COUNT = re.compile(
    r"(?i)(?<![\w.,])(?P<n>\d{1,3}|"
    + "|".join(_WORD_NUMBERS)
    + r")\s*-?\s*(?P<noun>"
    + "|".join(sorted(_COUNT_NOUNS, key=len, reverse=True))
    + r")\b"
)
_CAS = CAS_RE  # the one CAS pattern (core/codes.py)

# Chemical names: words with a chemistry morpheme and ending, and "-ic acid" / "acide -ique".
_CHEM_WORD = re.compile(
    r"(?i)^(?:[\d,'NOS]+-)?[a-z-]*(?:meth|eth|prop|but|pent|hex|chlor|fluor|brom|iod|phosph|sulf|sulph|nitr|amin|amid|"
    r"cyan|hydr|ox|carb|benz|phen|tolu|xyl|glyc|acet|form|ammon|arsen|thi|cyclo|pyr|mercur|sod|potass|calc|lith|"
    r"magnes|bar|alum)[a-zé-]*(?:ide|ate|ite|ane|ene|yne|ol|one|yl|ium|ine|ure|ile|ogen|orus|orous|ur)$"
)
_NOT_CHEMICAL = frozenset(
    {
        "machine",
        "turbine",
        "carbine",
        "pipeline",
        "combine",
        "medicine",
        "routine",
        "control",
        "petrol",
        "phone",
        "drone",
        "hydrophone",
        "microphone",
        "carburettor",
        "barrel",
        "barrels",
        "thermostat",
        "methane-free",
        "controlled",
        "propane-fired",
        "hydroplane",
        "ozone-free",
        "formate",
        "format",
        "platform",
        "uniform",
        "transformer",
        "performance",
        "information",
        "formula",
        "barrier",
    }
)
_CHEM_LINKS = frozenset({"acid", "acide", "de", "d'", "oxide", "trioxide", "dioxide"})
_ACID = re.compile(r"(?i)\b(?:[a-z]+ic\s+acid|acide\s+[a-zé]+ique)\b")
_CONCENTRATION_WORDS = re.compile(r"(?i)\b(?:concentration|purity|pureté|assay|solution|w/w|wt|titre|pure)\b")
_ELEMENT_AFTER = re.compile(r"\s*(?:[A-Z][a-z]?\b|nickel|chromium|molybdenum|fluorine|cobalt|iron)")

_VOCABULARY = goods_vocabulary()
_GOODS = _VOCABULARY["nouns"]
"""Goods nouns (singular) an officer uses; the head of the first noun phrase that has one is the subject."""


def is_goods_noun(word: str) -> bool:
    """Whether a (singular) noun names goods an officer describes ("pump", "equipment"), not a property or
    a part of a text ("area", "type")."""
    return singular(word) in _GOODS or word in _GOODS


_COMPOUNDS = _VOCABULARY["compounds"]
_SPELLED = _GOODS | {w for compound in _COMPOUNDS for w in compound.split()}
"""Words a misspelling is repaired to when it names the goods."""
_ACCENTS = {"a": "aàâä", "c": "cç", "e": "eéèêë", "i": "iîï", "o": "oôö", "u": "uùûü"}


def _french_form(form: str) -> str:
    """A regex for a French goods form: accents optional, each word in the singular or plural, any spacing.

    >>> re.fullmatch(_french_form("échangeur de chaleur"), "echangeurs de chaleur") is not None
    True
    """
    out = []
    for word in re.split(r"\s+", form.lower()):
        letters = "".join(
            f"[{_ACCENTS[c]}]" if c in _ACCENTS else "(?:s|x)?-" if c == "-" else re.escape(c) for c in _fold(word)
        )
        out.append(letters + "(?:s|x|es)?")
    return r"\s+".join(out)


def _fold(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", word) if not unicodedata.combining(c))


def _french_nouns() -> dict[str, str]:
    """French goods forms -> English: the glossary's, where its English term is goods this vocabulary knows and
    the form is not an English goods word itself, and the vocabulary's own French rows (corpus/goods.yaml,
    foreign)."""
    known = _GOODS | _COMPOUNDS | _VOCABULARY.synonyms.keys()
    glossary = {
        form.lower(): t.en.lower()
        for t in load_glossary()
        if t.kind == "goods" and t.en.lower() in known
        for form in t.forms.get("fr", ())
        if form.lower() not in known  # "rotor", "laser": English already, and read so in English text
    }
    return foreign_goods(_VOCABULARY, glossary)


_FRENCH: tuple[tuple[str, str], ...] = tuple(
    (_french_form(form), english) for form, english in sorted(_french_nouns().items(), key=lambda f: -len(f[0]))
)
"""French goods nouns, longest first ("pompe à vide" before "pompe"), and the English goods noun each names."""
_FRENCH_PATTERN = re.compile(
    "|".join(f"(?P<f{i}>(?<![^\\W_]){pattern}(?![^\\W_]))" for i, (pattern, _) in enumerate(_FRENCH)), re.IGNORECASE
)
_FRENCH_MARKERS = re.compile(r"(?i)\b(?:de|du|des|le|la|les|un|une|avec|pour|sans|en|à|au|aux|et|par)\b")
_BREAK = re.compile(
    r"(?i)[,;:.()?!/\n|]|\b(?:with|without|for|of|in|on|at|from|to|by|made|rated|capable|having|that|which|"
    r"used|using|utili[sz]ing|employing|fitted|equipped|containing|including|and|or|via|under|over)\b"
)
_STOP = ENGLISH_STOP | frozenset(
    """
is are be do does did can could would should will may might i we you it this these those my our
your need needs want export exporting exported import controlled control licence license require required
requires what who whether any some about please tell me us if new used size type model brand kind sort
pair set piece pieces lot batch box per approx approximately about around nominal capacity volume flow rate
pressure speed frequency power approx ca stainless industrial domestic household cas number no
without made rated capable having used including via under over
modulus strength tensile density diameter drift purity stability accuracy resolution weight length width
avec pour sans les des une par dans sur est que qui pas
eccn eccns ecn hts code codes entry entries item items listed list lists category
only just also instead still same than better worse more less higher lower greater smaller larger but what how
whose it's its material materials temperature output input range stated declared
mais seulement plus moins min max minimum maximum
""".split()
)
_WORD = re.compile(r"[^\W\d_][\w'’-]*")


def _mask(text: str, spans: Iterable[tuple[int, int]], fill: str = " ") -> str:
    """`text` with each span overwritten, offsets kept: later readers see no material or quantity there."""
    chars = list(text)
    for start, end in spans:
        chars[start:end] = fill * (end - start)
    return "".join(chars)


def _label(text: str, start: int, end: int, unit_kind: str) -> str:
    """The property the words next to a quantity name, if its unit fits: "modulus 230 GPa" -> "modulus"."""
    before = _CLAUSE_BREAK.split(text[max(0, start - 40) : start])[-1]
    after = _CLAUSE_BREAK.split(text[end : end + 25])[0]
    for window in (list_words(before), list_words(after)):
        found = list(_LABEL.finditer(window))
        if found and found[-1].lastgroup:
            name, _, kind = _LABELS[int(found[-1].lastgroup[1:])]
            if kind == unit_kind:
                return name
    return ""


def _continued(text: str, start: int, previous_end: int, q: Quantity, found: list[Quantity]) -> str:
    """The label of the quantity before when this one continues its list in another state ("tensile strength
    0.85 GPa solution annealed, 1.40 GPa aged"): same kind, nothing but condition words between, and no words
    of its own before it in its clause."""
    if not found or not found[-1].property or parameter_name(found[-1]) != parameter_name(q):
        return ""
    between = text[previous_end:start]
    own = _CLAUSE_BREAK.split(between)[-1]
    if re.search(r"\d", between) or _LABEL.search(between) or own.strip() or len(between) > 40:
        return ""
    return found[-1].property


_CONTENT_AFTER = re.compile(
    r"\s*(?:(?:by\s+)?(?:weight|mass|wt\.?)\s+)?(?:of\s+)?(?P<el>[A-Z][a-z]?|[^\W\d_]{4,})(?![^\W_])"
)
_CONTENT_BEFORE = re.compile(
    r"(?<![^\W_])(?P<el>[A-Z][a-z]?|[^\W\d_]{4,})(?:\s+(?:content|purity))?\s*[:=]?"
    r"(?:\s*(?:[<≤]|(?i:below|under|less\s+than|max(?:imum)?|at\s+most|not\s+more\s+than))(?![^\W_]))?\s*$"
)


def _content(text: str, start: int, end: int) -> str:
    """An element's content when a percentage names its element: "2 % Be", "99.5 % nickel", "Ni 99.8 %"
    -> "beryllium content"; "" otherwise (a concentration, an efficiency)."""
    for found in (_CONTENT_AFTER.match(text, end), _CONTENT_BEFORE.search(text[max(0, start - 30) : start])):
        symbol = element_symbol(found["el"]) if found else ""
        if symbol:
            return f"{ELEMENTS[symbol]} content"
    return ""


_NOMINAL_SIZE = re.compile(
    r"(?<![^\W_])(?P<kind>DN|NPS)\s?-?\s?(?P<n>\d{1,2}/\d{1,2}|\d{1,4}(?:[.,]\d+)?)(?![\d/]|[.,]\d)"
)


def _nominal_size(m: re.Match[str]) -> Quantity:
    """A pipe or valve size by its standard designation: "DN 50" is a nominal size of 50 mm (EN/ISO 6708),
    "NPS 2" one of 2 inches (ASME B36.10)."""
    unit = "millimeter" if m["kind"] == "DN" else "inch"
    return Quantity(read_number(m["n"]), unit, m[0], "nominal size")


def _unit_kind(q: Quantity) -> str:
    return {"pressure": "pressure", "density": "density", "length": "length"}.get(parameter_name(q), "")


def _capabilities(text: str, masked: str) -> tuple[list[Quantity], list[tuple[int, int]], list[str]]:
    """Quantities with their labels and spans; notes for labels whose unit does not fit."""
    found: list[Quantity] = []
    spans: list[tuple[int, int]] = []
    notes: list[str] = []
    cursor = 0
    for q in parse_capabilities(masked):
        start = masked.find(q.text, cursor)
        end = start + len(q.text)
        if q.unit == "percent":
            label = _content(text, start, end)
        else:
            label = _label(masked, start, end, _unit_kind(q)) or _continued(masked, start, cursor, q, found)
        cursor = end
        before = list_words(_CLAUSE_BREAK.split(masked[max(0, start - 40) : start])[-1])
        named = _LABEL.search(before)
        if not label and named and named.lastgroup:
            expected = _LABELS[int(named.lastgroup[1:])]
            notes.append(f"“{text[start:end]}” is not a {expected[0]} (a {expected[0]} is not given in that unit)")
        ranged = _range_start(masked, start) < start
        found.append(Quantity(q.value, q.unit, q.text, label, None if ranged else stated_bound(masked, start)))
        spans.append((_range_start(masked, start), end))
    return found, spans, notes


_FULL_SCALE = r"(?:full[\s-]?scale|f\.\s?s\.?|FS|pleine\s+[ée]chelle)"
_OF_FULL_SCALE = re.compile(rf"\s*(?:of\s+(?:the\s+)?|de\s+(?:la\s+)?)?{_FULL_SCALE}(?![^\W_])", re.IGNORECASE)
_SCALE_BEFORE = re.compile(rf"(?:{_FULL_SCALE}|range|span|[ée]tendue)(?:\s+of)?\s*[:=]?\s*$", re.IGNORECASE)


def _full_scale_accuracy(text: str, quantities: list[Quantity], spans: list[tuple[int, int]]) -> list[Quantity]:
    """An accuracy in % of full scale as the absolute accuracy it is, when the one full scale is stated
    ("0.1 % of full scale", full scale 100 kPa -> 100 Pa): the lists bound accuracy in the measured unit.
    The full scale is a quantity called so ("full scale 100 kPa", "range 0-100 kPa", "100 kPa FS") or a range."""
    shares = [q for q, (_, end) in zip(quantities, spans) if q.unit == "percent" and _OF_FULL_SCALE.match(text, end)]
    scales = [
        q
        for q, (start, end) in zip(quantities, spans)
        if q.unit != "percent"
        and (
            _SCALE_BEFORE.search(text[max(0, start - 30) : start])
            or _OF_FULL_SCALE.match(text, end)
            or start < end - len(q.text)  # a range "0-100 kPa" spans its whole scale
        )
    ]
    if len(shares) != 1 or len({(q.value, q.unit) for q in scales}) != 1:
        return []
    share, scale = shares[0], scales[0]
    return [Quantity(share.value / 100 * scale.value, scale.unit, f"{share.text} of {scale.text}", "accuracy")]


def _range_start(text: str, start: int) -> int:
    """Where a range ending at `start` begins ("0-400 Hz" starts at the 0), so masking takes it all."""
    lead = re.search(r"(?:\d[\d\s.,]*\s*(?:-|–|~|…|to|à)\s*)$", text[max(0, start - 20) : start])
    return start - len(lead[0]) if lead else start


def _impossible(q: Quantity) -> str:
    """Why a value cannot be a capability of real goods ("" when it can)."""
    dimension = (
        "percent"
        if q.unit == "percent"
        else ("revolutions_per_minute" if q.unit == "revolutions_per_minute" else str(q.to_pint().dimensionality))
    )
    if dimension not in _LIMITS:
        return ""
    low, high, unit = _LIMITS[dimension]
    value = q.value if dimension in ("percent", "revolutions_per_minute") else q.to_pint().to_base_units().magnitude
    if dimension == "[temperature]" and value < 0:
        return f"“{q.text}” is below absolute zero"
    if value < low:
        return f"“{q.text}” is a negative {parameter_name(q)}"
    if value > high:
        return f"“{q.text}” is beyond any real goods (more than {high:g} {unit}); please check the number"
    return ""


def _unread_units(text: str, spans: list[tuple[int, int]]) -> list[str]:
    """Numbers with a ratio unit we do not read ("5 bbl/d"): said, so a missing check is not a silent pass."""
    notes = []
    for m in _UNREAD_RATIO.finditer(text):
        if not any(start <= m.start() < end for start, end in spans):
            notes.append(f"the unit of “{m[0].strip()}” was not understood; restate it in SI units")
    return notes


def _lining(text: str, mention: Mention) -> bool:
    """A lining or coating is what the process touches: "glass-lined", "PTFE-lined", "émaillé", "coated"."""
    # The words after the material, up to the next clause: "316 stainless steel, PTFE lined" lines with PTFE.
    around = (mention.text + re.split(r"[,;]", text[mention.end : mention.end + 12])[0]).lower()
    return (
        mention.material.family == "glass"
        and "lined" in mention.text.lower()
        or bool(re.search(r"lined|lining|coated|revêtu|émaill|emaill|enamel", around))
    )


_WETTED_PART = (
    r"(?:balls?|dis[ck]s?|plugs?|impellers?|diaphragms?|seats?|trim|rotors?|bellows|internals|blades?|"
    r"scrolls?|vanes?|tubes?|tubing|(?:shaft\s+)?sleeves?|stems?|wetted\s+(?:parts?|surfaces?|materials?|components?))"
)
_SHELL_PART = r"(?:bod(?:y|ies)|casings?|bonnets?|covers?)"
"""Parts that hold the process, wetted unless a lining is named (a PTFE-lined valve's body is not wetted)."""
_PART_LIST = rf"(?:(?:{_WETTED_PART}|{_SHELL_PART})\s*(?:[,/&+]|and)\s*)*"
_PART_TAIL = r"\s*(?:(?:all|both|each)\s+)?(?:of|in|made\s+(?:of|from)|are|were|is|:|-|=)?\s*(?:(?:all|both)\s+)?$"
_WETTED_AFTER = re.compile(rf"(?i)^[\s-]*(?:steel\s+|alloy\s+)?{_WETTED_PART}\b")
_WETTED_BEFORE = re.compile(rf"(?i)\b{_PART_LIST}{_WETTED_PART}{_PART_TAIL}")
_SHELL_BEFORE = re.compile(rf"(?i)\b{_PART_LIST}{_SHELL_PART}{_PART_TAIL}")


def _wetted(text: str, mentions: list[Mention]) -> list[Material]:
    """The materials said to touch the process: a lining, or the material of a wetted part ("316 stainless ball",
    "impeller in Hastelloy C-276"). A valve's ball, a pump's impeller, a heat exchanger's tubes are wetted
    whatever its body is lined with, so each of them must be of a listed material.

    >>> [m.name for m in _wetted("PTFE-lined ball valve DN 50 with 316 stainless ball",
    ...                          find_materials("PTFE-lined ball valve DN 50 with 316 stainless ball"))]
    ['PTFE', '316 stainless steel']

    A parts list gives each part its material ("casing / impeller / shaft sleeve all titanium", "body, bonnet,
    disc: Hastelloy C-276; seat PTFE"); a body or casing is wetted unless a lining is named.

    >>> t = "valve body, bonnet, disc: Hastelloy C-276; seat PTFE"
    >>> [m.name for m in _wetted(t, find_materials(t))]
    ['Hastelloy C-276', 'PTFE']
    >>> t = "valve, body 316 stainless steel, PTFE lined"
    >>> [m.name for m in _wetted(t, find_materials(t))]
    ['PTFE']
    """
    lined = any(_lining(text, m) for m in mentions)
    found = {
        m.material.name: m.material
        for m in mentions
        if _lining(text, m)
        or _WETTED_AFTER.search(text[m.end : m.end + 24])
        or _WETTED_BEFORE.search(text[max(0, m.start - _PARTS_WINDOW) : m.start])
        or (not lined and _SHELL_BEFORE.search(text[max(0, m.start - _PARTS_WINDOW) : m.start]))
    }
    return list(found.values())


_PARTS_WINDOW = 60
"""How far before a material a parts list may start ("casing / impeller / shaft sleeve all titanium" is 41)."""


def _materials(text: str, mentions: list[Mention]) -> tuple[list[Material], list[str]]:
    """The materials named, a generic row dropped when a grade of its family is named too, and a note
    when two materials of construction compete for the wetted surface (a lining is the wetted one; a parts
    list that gives every material its wetted part leaves no doubt)."""
    named = list({m.material.name: m.material for m in mentions}.values())
    specific = {m.family for m in named if "not stated" not in m.name}
    named = [m for m in named if "not stated" not in m.name or m.family not in specific]
    linings = {m.material.name: m.material for m in mentions if _lining(text, m) and m.material in named}
    competing = list(linings.values()) if linings else named
    wetted = _wetted(text, mentions)
    if not linings and all(m in wetted for m in named):
        competing = []
    notes = []
    if len(competing) > 1:
        listed = " and ".join(m.name for m in competing)
        notes.append(f"{len(competing)} materials named: {listed}; which is wetted (in contact with the process)?")
    return named, notes


def _counts(text: str) -> dict[str, int]:
    """Counted features: "5-axis" -> {"axes": 5}, "two channels" -> {"channels": 2}.

    >>> _counts("nose-only exposure system for 24 mice")
    {'rodents': 24}
    """
    counts: dict[str, int] = {}
    for m in _COUNT.finditer(text):
        n = m["n"].lower()
        counts.setdefault(_COUNT_NOUNS[m["noun"].lower()], int(n) if n.isdigit() else _WORD_NUMBERS[n])
    for m in _AXIS_LETTERS.finditer(text):
        letters = set(re.findall(r"[XYZABCUVW]", m["before"] or m["after"]))
        counts.setdefault("axes", len(letters))
        counts.setdefault("rotary axes", len(letters & set("ABC")))
    return counts


def counted(noun: str, text: str) -> int | None:
    """How many of `noun` (a counted feature a list names: "electrodes", "resonator") the text says, in digits
    or words, singular or plural ("3 electrode", "three electrodes", "6-resonator"); None when it says none.

    >>> counted("electrodes", "cold-cathode tube, 3 electrode, anode delay 5 us"), counted("resonator", "six resonators")
    (3, 6)
    >>> counted("electrodes", "electrode gap 3 mm") is None
    True
    """
    stem = re.escape(singular(noun.lower()))
    if len(stem) < 3:
        return None
    found = re.search(rf"(?i)(?<![\w.,])(\d{{1,3}}|{'|'.join(_WORD_NUMBERS)})\s*-?\s*{stem}(?:e?s)?\b", text)
    if found is None:
        return None
    n = found.group(1).lower()
    return int(n) if n.isdigit() else _WORD_NUMBERS[n]


_LETTERS = r"[XYZABCUVW](?:\s*(?:,|/|&|\+|(?i:and))\s*[XYZABCUVW])+"
_AXIS_LETTERS = re.compile(
    rf"(?<![\w/])(?P<before>{_LETTERS})(?![\w/])\s*-?\s*(?i:ax[ie]s)\b|(?i:\bax[ie]s)\s*:?\s*(?P<after>{_LETTERS})(?![\w/])"
)
"""Axes named by their letters: "axes X, Z and C" and "X/Y/Z axes" are three axes, of which A, B and C are
rotary (ISO 841)."""


def _with_element(text: str, names: list[str]) -> list[str]:
    """Names with the element written before them that the materials reader took ("tungsten" in "tungsten
    carbide inserts" is also a material): "carbide" alone names a class of compounds, not a chemical.

    >>> _with_element("tungsten carbide inserts", ["carbide"])
    ['tungsten carbide']
    """
    out = []
    for name in names:
        m = re.search(rf"(?i)\b([a-z]+)\s+{re.escape(name)}\b", text)
        out.append(f"{m[1]} {name}" if m and element_symbol(m[1]) and len(m[1]) > 2 else name)
    return out


def _chemistry_word(lower: str) -> bool:
    return bool(_CHEM_WORD.match(lower)) and lower not in _NOT_CHEMICAL and len(lower) > 4


_CHEM_STEM = re.compile(
    r"(?i)^[a-z-]*(?:meth|eth|prop|chlor|fluor|brom|iod|phosph|fosf|sulf|sulph|nitr|amin|amid|cyan|hydr|carb|benz|"
    r"phen|glyc|glic|acet|arsen|thi)[a-z-]*$"
)


def _misspelt_part(lower: str) -> bool:
    """A word with a chemistry stem but no chemical's ending, next to a chemical's name: a misspelt part of it
    ("trichlorde" in "phosphorus trichlorde"), which must stay in the name so that the rest ("phosphorus") is
    not read as another chemical.

    >>> _misspelt_part("trichlorde"), _misspelt_part("drums")
    (True, False)
    """
    return bool(_CHEM_STEM.match(lower)) and lower not in _NOT_CHEMICAL and len(lower) > 4 and not is_goods_noun(lower)


def _chemicals(text: str) -> list[str]:
    """Chemical names as written: runs of chemistry words ("triethyl phosphite", "sodium fluoride",
    "acide nitrique"); a word alone must look like a chemical, a link word ("acid", "de") only joins, and an
    element's name starts a run before a chemistry word ("boron carbide", "tungsten hexafluoride").

    >>> _chemicals("boron carbide enriched in B-10; tungsten rods"), _chemicals("thiodiglycol, hydraulic grade")
    (['boron carbide'], ['thiodiglycol'])
    """
    names = [m[0] for m in _ACID.finditer(text)]
    run: list[str] = []
    # A name never runs over a comma, a semicolon or a bracket ("thiodiglycol, hydraulic grade").
    found = [w for clause in re.split(r"[;:()]|,\s", text) for w in [*_WORD.findall(clause), ""]]
    for word, after in zip(found, [*found[1:], ""]):
        lower = word.lower()
        chemical = _chemistry_word(lower) or bool(element_symbol(lower) and _chemistry_word(after.lower()))
        if chemical or (run and (lower in _CHEM_LINKS or _misspelt_part(lower))):
            run.append(word)
            continue
        while run and run[-1].lower() in _CHEM_LINKS - {"oxide", "trioxide", "dioxide"}:
            run.pop()
        if run:
            name = " ".join(run)
            if not any(name.lower() in n.lower() or n.lower() in name.lower() for n in names):
                names.append(name)
        run = []
    return names


MAX_NAME_WORDS = 6
"""Words of the longest chemical name looked up whole in the library: an inverted index name ("phosphonic
acid, ethyl-, dimethyl ester") has five; longer runs of an invoice line are no one name."""
_SYSTEMATIC = re.compile(r"\d[\d,']*-[A-Za-z]|[A-Za-z]\(|\)[A-Za-z\d]|[A-Za-z]-\d|[A-Za-z]\[")
"""The shape of a systematic name's pieces: locants ("2-", "1,1,2-", "O,O-"), brackets inside a word
("2-(diethylamino)ethanol", "hydrido(selenoxo)gallium")."""
_PACKED = re.compile(
    r"(?i)\b(?:concentration|purity|assay|solution|w/w|titre|anhydrous|reagent|grade|chemicals?|drums?|IBCs?|"
    r"totes?|carboys?|cylinders?|bottles?|pails?|jerrycans?|kegs?|canisters?|CAS)\b"
)
"""Words that say the goods are a chemical in its pack or grade: there a word of no language the model knows
("evercyn", "electrocorundum") that the library knows as a name is read as that chemical's trade name."""


def _trim(name: str) -> str:
    """A run of words as a name: without punctuation at its ends or a bracket it does not close.

    >>> _trim("(2-(diethylamino)ethanol,"), _trim("ethyl phosphite, (eto)3p)")
    ('2-(diethylamino)ethanol', 'ethyl phosphite, (eto)3p')
    """
    name = name.strip(",;:. ")
    while name.startswith("(") and name.count("(") > name.count(")"):
        name = name[1:].strip()
    while name.endswith(")") and name.count(")") > name.count("("):
        name = name[:-1].strip(",;:. ")
    return name


def _names_a_chemical(word: str, packed: bool, alone: bool) -> bool:
    """A word that can be part of a chemical's name: a systematic name's piece, a chemistry word (a stem alone
    only beside other words: "carbon" alone is a material), or (where the goods are packed as a chemical) a
    word that is no English word or goods noun."""
    letters = re.sub(r"[^a-z]", "", word.lower())
    if _SYSTEMATIC.search(word) or _chemistry_word(letters) or (not alone and _misspelt_part(letters)):
        return True
    return packed and len(letters) >= 5 and not is_english(letters) and not is_goods_noun(letters)


def _library_names(text: str) -> list[tuple[int, int, str]]:
    """Whole chemical names the chemical library knows as written (start, end, name), longest first at each
    word: "2-(diisopropylamino)ethanethiol" is one chemical, never "ethanethiol"; "guanidinium nitrate" never
    "nitrate"; trade and other-language names ("evercyn", "hydrogenfluorid") where the goods are packed as
    a chemical. A run must hold a word that names a chemical (`_names_a_chemical`): the library also knows
    "heat", "control" and "set" as names. Masked text ("|") breaks a run.

    >>> [n for _, _, n in _library_names("25 kg drum 2-(diethylamino)ethanol, heat resistant")]
    ['2-(diethylamino)ethanol']
    """
    packed = bool(_PACKED.search(text))
    tokens = list(re.finditer(r"[^\s|]+", text))
    found: list[tuple[int, int, str]] = []
    i = 0
    while i < len(tokens):
        for size in range(min(MAX_NAME_WORDS, len(tokens) - i), 0, -1):
            start, end = tokens[i].start(), tokens[i + size - 1].end()
            name = _trim(text[start:end])
            said = name.split()
            if "|" in name or len(name) < 3 or not any(_names_a_chemical(w, packed, len(said) == 1) for w in said):
                continue
            if library_name(name) is not None:
                at = text.index(name, start)
                found.append((at, at + len(name), name))
                i += size
                break
        else:
            i += 1
    return found


def _whole_word(text: str, name: str) -> str:
    """A chemical name read out of a longer word widened to that word ("ethanethiol" in
    "2-(diisopropylamino)ethanethiol" is that name, not ethanethiol), so a piece is never identified as the
    goods; a name that stands alone is kept.

    >>> _whole_word("25 kg 2-(dimethylamino)ethyl nonsenside, drum", "ethyl nonsenside")
    '2-(dimethylamino)ethyl nonsenside'
    >>> _whole_word("thiodiglycol, 200 L", "thiodiglycol")
    'thiodiglycol'
    """
    at = text.lower().find(name.lower())
    if at < 0:
        return name
    start, end = at, at + len(name)
    while start > 0 and not text[start - 1].isspace() and text[start - 1] not in ",;|":
        start -= 1
    while end < len(text) and not text[end].isspace() and text[end] not in ",;|":
        end += 1
    return _trim(text[start:end]) or name


_CHEMICAL_CONTEXT = re.compile(
    r"(?i)\b(?:concentration|purity|assay|solution|w/w|wt|titre|pure|anhydrous|reagent|grade|acids?|chemicals?|"
    r"drums?|IBCs?|totes?|carboys?|cylinders?|bottles?|pails?|jerrycans?|kegs?|canisters?|CAS)\b|%"
)
"""Words that say a question is about a chemical, so capitals read as a formula or an acronym ("HF, 49 %",
"MDEA, 200 L drums"), not as a frequency band or a turbomolecular pump ("TMP 700 l/s")."""
_TOKEN = re.compile(r"(?<![\w-])[A-Za-z][A-Za-z0-9()]*(?![\w-])")


def _named_tokens(text: str, chemicals: list[str]) -> list[str]:
    """Formulas the chemical library knows ("PCl3", "SOCl2"; "HF" in a chemical context: a formula no chemical
    has is a model code) and acronyms of the acronym table ("MDEA") that stand in the question outside its
    chemical names.

    >>> _named_tokens("PCl3, 250 kg drums; MDEA; TMP pump 700 l/s", [])
    ['PCl3', 'MDEA', 'TMP']
    >>> _named_tokens("HF amplifier 30 MHz", [])
    []
    """
    context = bool(chemicals) or bool(_CHEMICAL_CONTEXT.search(text))
    inside = " ".join(chemicals)
    return list(
        dict.fromkeys(
            t
            for t in _TOKEN.findall(text)
            if t not in inside
            and ((context and is_acronym(t)) or (is_formula(t, context) and _formula_read(resolve(t, context))))
        )
    )


def _formula_read(identity: Identity) -> bool:
    """A formula the library knows: one chemical, or the isomers to choose from."""
    return identity.certain or bool(identity.choices)


def identify(chemicals: Iterable[str], cas: Iterable[str] = ()) -> tuple[Identity, ...]:
    """What each named chemical is, by the chemical library (see `assistant.knowledge.chemistry`); a name of
    several chemicals is the one whose CAS number the question also writes.

    >>> identify(["C2H8N2"], ["57-14-7"])[0].cas
    '57-14-7'
    """
    written = set(cas)
    return tuple(_settled(resolve(name), written) for name in chemicals)


def _settled(identity: Identity, cas: set[str]) -> Identity:
    """An ambiguous identity settled by a CAS number the question writes, when exactly one meaning has it."""
    meant = [c for c in identity.choices if c.rsplit("(", 1)[-1].rstrip(")") in cas]
    if len(meant) != 1:
        return identity
    name, number = meant[0].rsplit(" (", 1)
    return replace(identity, name=name, cas=number.rstrip(")"), choices=())


def _agents(text: str, goods: str) -> tuple[tuple[Identity, ...], tuple[str, ...]]:
    """The agents and toxins the question names, or, when the goods' own words (`goods`: their noun and the
    words before it) say they are a record, a T-shirt or a book, the names they carry as a title
    (`assistant.knowledge.agents.named_after`)."""
    found = [identity for identity, _ in find_agents(text)]
    if found and named_after(goods):
        return (), tuple(dict.fromkeys(i.written for i in found))
    return tuple(found), ()


def _isotope_quantities(text: str, quantities: list[Quantity]) -> list[Quantity]:
    """The quantities with each stated isotope abundance read as one ("96 atom% B-10" -> boron-10 abundance
    96 %), in place of the bare percentage the unit reader saw in it.

    >>> [(q.value, q.property) for q in _isotope_quantities("LiF, 95 % Li-6", [Quantity(95.0, "percent", "95 %")])]
    [(95.0, 'lithium-6 abundance')]
    """
    found = enrichments(text)
    if not found:
        return quantities
    kept = [q for q in quantities if not (q.unit == "percent" and any(q.text in e.text for e in found))]
    return kept + [Quantity(e.pct, "percent", e.text, f"{e.isotope.isotope} abundance") for e in found]


_PARTS = re.compile(
    r"(?i)(?<![\w.,])(?P<a>\d+(?:[.,]\d+)?)\s*parts?\s+(?:of\s+)?(?P<what>[a-z]+\s+)?(?:per|to|in)\s+"
    r"(?P<b>\d[\d\s,.]*\d|\d)\s*(?:parts?)?(?:\s+(?:of\s+)?(?P<base>[a-z]+))?"
)


def _part_ratios(text: str) -> list[Quantity]:
    """An impurity written as a ratio ("less than 1 part hafnium to 500 parts zirconium", "Hf 1 part per 1000")
    as a content in percent of the element named before it or inside it.

    >>> [(q.value, q.property) for q in _part_ratios("zirconium tube, hafnium 1 part per 1000 parts zirconium")]
    [(0.1, 'hafnium content')]
    """
    found = []
    for m in _PARTS.finditer(text):
        before = _WORD.findall(text[max(0, m.start() - 20) : m.start()])
        named = [w for w in [*(m["what"] or "").split(), *before[::-1]] if element_symbol(w)]
        if not named:
            continue
        pct = read_number(m["a"]) / read_number(m["b"].strip()) * 100
        found.append(Quantity(pct, "percent", m[0].strip(), f"{ELEMENTS[element_symbol(named[0])]} content"))
    return found


def goods_text(facts: Facts) -> str:
    """The question as the goods' names: without names used as a title, with each agent's listed name.

    >>> goods_text(Facts("RCA60 vial", agents=(Identity("RCA60", "Ricin", how="laboratory name"),)))
    'RCA60 vial Ricin'
    >>> goods_text(Facts("Anthrax vinyl record", titles=("Anthrax",)))
    'vinyl record'
    """
    text = facts.text
    for title in facts.titles:
        text = re.sub(rf"(?i)(?<![\w-]){re.escape(title)}(?![\w-])", " ", text)
    names = [a.name for a in facts.agents if a.name.lower() not in text.lower()]
    return " ".join([*text.split(), *names])


def with_listed(facts: Facts, listed: ListedNames) -> Facts:
    """The facts with every name the library could not resolve matched against the listed chemicals' names
    and their synonyms (a misspelling of one: "thiodiglicol"), and the listed meanings of an ambiguous name
    first; a name still unresolved stays so."""
    if all(i.certain for i in facts.identities):
        return facts
    identities = tuple(
        i
        if i.certain
        else listed_first(i, listed)
        if i.choices
        else match_listed(i.written, listed)
        if i.written
        else i
        for i in facts.identities
    )
    return replace(facts, identities=identities)


def _concentration(text: str, quantities: list[Quantity], has_chemical: bool) -> float | None:
    """The first percentage that reads as a concentration: next to a chemical or a purity word, and not
    an alloy's element content ("30 % Ni")."""
    cursor = 0
    for q in quantities:
        start = text.find(q.text, cursor)
        cursor = start + len(q.text)
        if q.unit != "percent" or q.property.endswith((" content", " abundance")) or _ELEMENT_AFTER.match(text, cursor):
            continue
        if has_chemical or _CONCENTRATION_WORDS.search(text[max(0, start - 30) : cursor + 20]):
            return q.value
    return None


def _fibre_quantities(text: str, quantities: list[Quantity], materials: list[Material]) -> list[Quantity]:
    """Specific modulus E/(ρ·g) and specific tensile strength σ/(ρ·g), in metres, as the control lists
    judge fibres: from stated values, else from a named fibre's table row."""
    fibre = next((m for m in materials if m.family in _FIBRE_FAMILIES), None)
    if fibre is None and not _FIBRE_WORDS.search(text):
        return []
    stated = {q.property: q for q in quantities if q.property in ("modulus", "tensile strength", "density")}

    def value(name: str, key: str, unit: str, table_unit: str) -> tuple[float, str] | None:
        """The value in `unit` and how it is known: stated in the question, else the fibre's table row."""
        if name in stated:
            return stated[name].to_pint().to(unit).magnitude, f"{name} {stated[name].text}"
        if fibre is not None and key in fibre.properties:
            number = fibre.properties[key]
            converted = Quantity(number, table_unit, "").to_pint().to(unit).magnitude
            return converted, f"{name} {number:g} {_SHORT[table_unit]} ({fibre.name} table row)"
        return None

    density = value("density", "density_g_cm3", "kilogram/meter**3", "gram/centimeter**3")
    if density is None or density[0] <= 0:
        return []
    derived = []
    for name, source, key, unit in (
        ("specific modulus", "modulus", "modulus_gpa", "gigapascal"),
        ("specific tensile strength", "tensile strength", "tensile_strength_mpa", "megapascal"),
    ):
        stress = value(source, key, "pascal", unit)
        if stress is None:
            continue
        metres = stress[0] / (density[0] * STANDARD_GRAVITY)
        how = f"{name} {metres:.4g} m = {source} / (density × g), from {stress[1]} and {density[1]}"
        derived.append(Quantity(metres, "meter", how, name))
    return derived


def _is_french(text: str) -> bool:
    return bool(_FRENCH_MARKERS.search(text) or re.search(r"[éèêàç]", text))


def _french_subject(text: str) -> str:
    """The first goods noun in French word order ("réacteur émaillé 3000 L" -> "reactor"), or ""."""
    found = _FRENCH_PATTERN.search(text)
    return _FRENCH[int(found.lastgroup[1:])][1] if found and found.lastgroup else ""


def _chunks(text: str) -> list[list[str]]:
    """Word runs between breaks (punctuation, prepositions, masked numbers), each a candidate noun phrase."""
    return [_WORD.findall(part) for part in _BREAK.split(text) if _WORD.search(part)]


def phrase_heads(text: str) -> set[str]:
    """The last word of each noun phrase, singular and lower case ("tungsten alloy gamma-ray collimator,
    hollow cylinder" -> {"collimator", "cylinder"}): the nouns that name something, not those that qualify."""
    return {singular(chunk[-1]) for chunk in _chunks(re.sub(r"\d[\d.,]*", "|", text))}


def _head(chunk: list[str]) -> str:
    """The goods noun ending the phrase, as a compound where one is known ("coffee machine")."""
    words = [goods_spelling(singular(w)) for w in chunk]
    heads = [i for i, w in enumerate(words) if w in _GOODS]
    if not heads:
        return ""
    i = heads[-1]
    for size in (3, 2):
        compound = " ".join(words[max(0, i - size + 1) : i + 1])
        if i - size + 1 >= 0 and compound in _COMPOUNDS:
            return compound
    return words[i]


_PURPOSE = re.compile(
    r"(?i)\b(?:with|without|for|of|in|on|at|from|to|by|made|rated|capable|having|that|which|used|including|via|"
    r"using|utili[sz]ing|employing|fitted|equipped|containing|under|over|pour|de|du|des|avec|sans)\b"
)
"""Words after which a description says what the goods are for, made of or have, not what they are."""


def naming_phrase(text: str) -> str:
    """The words that name the goods: every phrase up to the first that holds a goods noun, or the first phrase
    when none does; not a purpose or a destination after "for", "of", "in" ("filament winding machine for
    bicycle frames" is named by "filament winding machine").

    >>> naming_phrase("salad spinner, kitchen centrifuge, 4 L bowl")
    'salad spinner kitchen centrifuge'
    >>> naming_phrase("glass-lined reactor for car paint production")
    'glass-lined reactor'
    """
    chunks = _chunks(_PURPOSE.split(text, maxsplit=1)[0])
    at = next((i for i, chunk in enumerate(chunks) if _head(chunk)), 0)
    return " ".join(w for chunk in chunks[: at + 1] for w in chunk)


GOODS_SPELLING_RATIO = 0.88
"""Stricter than `subjects.SIMILAR_RATIO` (0.84), since a goods noun respelt here changes what the goods
are read as. Set by hand with the misspellings it was written for (no sweep is recorded): one letter
missing passes ("machne" -> "machine" 0.923, "frequncy" -> "frequency" 0.941); "marine" ~ "machine"
(0.769) does not, and a word that is itself a goods noun is never respelt, nor an English word as another noun."""


def goods_spelling(word: str) -> str:
    """A goods noun for a near misspelling of one ("machne" -> "machine"), else the word itself.

    An English word is respelt only as an inflection of the noun it begins with ("bottled" -> "bottle"),
    never as another noun ("stock" is no "sock").

    >>> goods_spelling("machne"), goods_spelling("marine"), goods_spelling("frequncy"), goods_spelling("stock")
    ('machine', 'marine', 'frequency', 'stock')
    >>> goods_spelling("bottled")
    'bottle'
    """
    word = word.lower()
    if word in _SPELLED or len(word) < 5 or not word.isalpha():
        return word
    near = difflib.get_close_matches(word, [g for g in _SPELLED if g[0] == word[0]], n=1, cutoff=GOODS_SPELLING_RATIO)
    if near and is_english(word) and not word.startswith(near[0]):
        return word
    return near[0] if near else word


def _subject(text: str, french: bool, kind: str) -> str:
    """The goods' head noun in English, singular and lower case; `kind` ("chemical", "fibre") when the
    question names a chemical or a fibre and no other goods; "" when no goods are named (a bare code)."""
    french_noun = _french_subject(text) if french else ""
    chunks = _chunks(text)
    for chunk in chunks:
        head = _head(chunk)
        if head:
            return french_noun or head
    if french_noun or kind:
        return french_noun or kind
    for chunk in chunks:
        content = [w for w in chunk if w.lower() not in _STOP and len(w) > 2]
        if content:
            return singular(content[-1])
    return ""


_IMPLIED_KIND = tuple(
    (
        re.compile(r"(?i)\b" + r"[\s-]?".join(map(re.escape, re.split(r"[\s-]", beginning)))),
        kind,
        _VOCABULARY.implied_for.get(beginning, frozenset()),
    )
    for beginning, kind in _VOCABULARY.implied_kinds.items()
)
"""Nouns that name a kind of their goods by themselves, in any word order: a lyophilizer is a freeze dryer,
and so is a "freeze dryer of laboratory" read from French; and features that name the kind of the goods nouns
their row lists: a reactor with an agitator is a chemical one (corpus/goods.yaml: implied_kinds)."""


def _kind(text: str, french: bool, subject: str = "") -> tuple[str, ...]:
    """The words before the goods' noun in their own phrase, lower case ("vacuum induction melting furnace" ->
    vacuum, induction, melting; "freeze" in "freeze dryer"), after the kind a noun or a feature implies
    ("lyophilizer": freeze; "reactor with agitator": chemical); in French only that, as its qualifiers follow
    the noun.

    >>> _kind("diffusion pump, 160 mm inlet", False), _kind("wooden dining table", False)
    (('diffusion',), ('wooden', 'dining'))
    >>> _kind("filament winding machne", False)
    ('filament', 'winding')
    >>> _kind("reactor 3000 L with agitator", False, "reactor"), _kind("mixer with agitator", False, "mixer")
    (('chemical',), ())
    """
    head = head_term(subject)
    implied = next(
        ((kind,) for pattern, kind, nouns in _IMPLIED_KIND if pattern.search(text) and (not nouns or head in nouns)), ()
    )
    if french:
        return implied
    for chunk in _chunks(text):
        head = _head(chunk)
        if head:
            at = max((i for i, w in enumerate(chunk) if goods_spelling(singular(w)) == head.split()[-1]), default=0)
            own = tuple(w.lower() for w in chunk[:at] if w.lower() not in _STOP and len(w) > 2 and not w.isdigit())
            return tuple(dict.fromkeys(implied + own))
    return implied


def _modifiers(text: str, subject: str) -> tuple[str, ...]:
    """The other content words that describe the goods, lower case and in order ("glass-lined" is a
    material, so it is in `materials`; "agitator" in "reactor with agitator" is a modifier)."""
    taken = set(subject.split())
    text = _mask(text, [m.span() for m in _FRENCH_PATTERN.finditer(text)])
    words = [w.lower() for w in _WORD.findall(text) if w.lower() not in _STOP and len(w) > 2]
    return tuple(dict.fromkeys(w for w in words if singular(w) not in taken and w not in taken))


def read_facts(text: str) -> Facts:
    """Everything the question states about the goods; problems with the input as notes, never errors.

    >>> read_facts("glass-lined reactor 3 000 L").subject
    'reactor'
    """
    # A reference, a price or a pack names no material of the goods ("P/N 316L-2000" is no 316L).
    trade = trade_spans(text)
    whole = _library_names(_mask(_mask(text, trade, "|"), [m.span() for m in _CAS.finditer(text)], "|"))
    mentions = find_materials(_mask(text, trade))
    # A material is read as one ("silicon carbide" tubes, an "aluminium" bar), except inside a longer chemical
    # name, which it is part of ("titanium diboride" is no titanium).
    whole = [(a, b, name) for a, b, name in whole if not any(m.start <= a and b <= m.end for m in mentions)]
    mentions = [m for m in mentions if not any(a <= m.start and m.end <= b for a, b, _ in whole)]
    materials, notes = _materials(text, mentions)
    masked = _mask(text, [(m.start, m.end) for m in mentions])
    cas = find_cas(text)
    masked = _mask(masked, [m.span() for m in _CAS.finditer(masked)])
    masked = _mask(masked, trade, "|")
    quantities, spans, unit_notes = _capabilities(text, masked)
    quantities = _isotope_quantities(text, quantities) + _part_ratios(text)
    sizes = list(_NOMINAL_SIZE.finditer(masked))
    quantities += [_nominal_size(m) for m in sizes]
    spans += [m.span() for m in sizes]
    counts = _counts(masked)
    masked = _mask(masked, [m.span() for m in _COUNT.finditer(masked)], "|")
    masked = _mask(masked, spans, "|")
    masked = _mask(masked, code_spans(masked), "|")
    named = [name for _, _, name in whole]
    pieces = [_whole_word(text, c) for c in _with_element(text, _chemicals(masked))]
    chemicals = named + [c for c in dict.fromkeys(pieces) if not any(c.lower() in n.lower() for n in named)]
    chemicals += _named_tokens(masked, chemicals)
    medium = media_chemicals(text, chemicals)
    chemicals = [c for c in chemicals if c not in medium]
    fibre = any(m.family in _FIBRE_FAMILIES for m in materials) or bool(_FIBRE_WORDS.search(text))
    subject = _subject(masked, _is_french(text), "chemical" if chemicals else "fibre" if fibre else "")
    chemical_words = {w.lower() for name in chemicals for w in _WORD.findall(name)}
    modifiers = tuple(w for w in _modifiers(masked, subject) if w not in chemical_words)
    agents, titles = _agents(text, " ".join([*modifiers, subject]))
    notes += unit_notes + [n for n in map(_impossible, quantities) if n] + _unread_units(text, spans)
    derived = _fibre_quantities(text, quantities, materials) + _full_scale_accuracy(text, quantities, spans)
    return Facts(
        text=text,
        subject=subject,
        modifiers=modifiers,
        kind=_kind(masked, _is_french(text), subject) if subject and not chemicals else (),
        quantities=tuple(quantities + derived),
        materials=tuple(materials),
        wetted=tuple(m for m in _wetted(text, mentions) if m in materials),
        cas=tuple(cas),
        chemicals=tuple(chemicals),
        concentration_pct=_concentration(text, quantities, bool(chemicals or cas)),
        counts=counts,
        notes=tuple(dict.fromkeys(notes)),
        identities=identify(chemicals, cas),
        agents=agents,
        titles=titles,
    )
