"""The materials table (corpus/materials.yaml): grades and trade names -> family and composition.

Officers name materials the way datasheets and shop floors do ("SS316L", "Hastelloy C276", "émaillé",
"Teflon"); control entries speak of families and compositions ("nickel alloys with more than 40 % nickel",
"fluoropolymers", "glass"). The table bridges the two and editors extend it without touching code.

Matching: case-insensitive, whole words, longest alias first, accents optional ("emaille" = "émaillé"), and
a space or hyphen optional where the alias has one or changes between letters and digits ("C-276" matches
"C276" and "C 276"; "316L" matches "316 L").
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from assistant.core.errors import IngestError
from assistant.core.types import Material

MATERIALS_PATH = Path(__file__).resolve().parents[2] / "corpus" / "materials.yaml"

FAMILIES = frozenset(
    {
        "stainless steel",
        "carbon steel",
        "nickel alloy",
        "titanium",
        "zirconium",
        "tantalum",
        "niobium",
        "tungsten",
        "fluoropolymer",
        "glass",
        "graphite",
        "silicon carbide",
        "ceramic",
        "maraging steel",
        "aluminium alloy",
        "copper alloy",
        "carbon fibre",
        "aramid fibre",
        "glass fibre",
        "plastic",
        "cast iron",
    }
)
PROPERTIES = frozenset({"fluorine_pct", "tensile_strength_mpa", "density_g_cm3", "modulus_gpa"})
_ELEMENT = re.compile(r"[A-Z][a-z]?")
ELEMENTS: dict[str, str] = {
    "Al": "aluminium",
    "B": "boron",
    "Be": "beryllium",
    "C": "carbon",
    "Ca": "calcium",
    "Co": "cobalt",
    "Cr": "chromium",
    "Cu": "copper",
    "F": "fluorine",
    "Fe": "iron",
    "Hf": "hafnium",
    "Li": "lithium",
    "Mg": "magnesium",
    "Mn": "manganese",
    "Mo": "molybdenum",
    "Nb": "niobium",
    "Ni": "nickel",
    "Si": "silicon",
    "Sn": "tin",
    "Ta": "tantalum",
    "Ti": "titanium",
    "U": "uranium",
    "V": "vanadium",
    "W": "tungsten",
    "Zn": "zinc",
    "Zr": "zirconium",
}
"""Element symbols and their English names: "2 % Be" and "beryllium content of more than 50 %" name one
element, and a material's composition (keyed by symbol) answers a limit on it."""
ELEMENT_NAMES = frozenset({*ELEMENTS.values(), "aluminum"})
"""The elements' English names as the lists write them (the US "aluminum" too): the one table of element
names the decision reads."""
NUCLEAR_NAMES = frozenset({"thorium", "plutonium", "deuterium", "tritium"})
"""Nuclear materials the lists name as goods, with no composition limit to read (so not in ELEMENTS)."""
_ELEMENT_NAMES = {
    **{name: symbol for symbol, name in ELEMENTS.items()},
    "aluminum": "Al",
    "columbium": "Nb",
    "wolfram": "W",
    "nickle": "Ni",
    "béryllium": "Be",
    "tungstène": "W",
    "tantale": "Ta",
    "chrome": "Cr",
    "fer": "Fe",
    "cuivre": "Cu",
}


def element_symbol(word: str) -> str:
    """The symbol of an element written as a symbol ("Ni", case as written) or a name ("nickel", "Nickel"),
    else ""."""
    if word in ELEMENTS:
        return word
    return _ELEMENT_NAMES.get(word.lower(), "")


_ACCENTED = {"a": "aàâä", "c": "cç", "e": "eéèêë", "i": "iîï", "n": "nñ", "o": "oôöó", "u": "uùûü"}
_CHUNK = re.compile(r"[^\W\d_]+|\d+(?:[.,/]\d+)*|[^\w\s-]")


@dataclass(frozen=True)
class Mention:
    """A material named in a text, where it is, and how it was written."""

    material: Material
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class MaterialsTable:
    """The loaded table: its materials, and one pattern of all aliases with the material for each key."""

    materials: tuple[Material, ...]
    pattern: re.Pattern[str]
    by_key: dict[str, Material]


def _fold(text: str) -> str:
    """Lower case without accents: "Émaillé" -> "emaille"."""
    decomposed = unicodedata.normalize("NFD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def alias_key(text: str) -> str:
    """The spelling-free form two writings of one alias share: "SS 316-L" and "ss316l" -> "ss316l"."""
    return re.sub(r"[\s\-]+", "", _fold(text))


_GRADE_WORD = r"(?:(?:grade|gr\.?|type|alloy)[\s\-]*)?"
"""A grade word datasheets put before a grade number: "maraging steel grade 350" is "maraging steel 350"."""


def _alias_pattern(alias: str) -> str:
    """A regex for `alias` with optional separators between its chunks and optional accents:
    "C-276" -> `c[\\s\\-]*276`, which matches "C276", "C 276" and "C-276"; a grade word may come before
    a number that follows a name ("maraging steel grade 350")."""
    chunks = _CHUNK.findall(_fold(alias))
    out = ""
    for i, chunk in enumerate(chunks):
        if i:
            grade = chunk[0].isdigit() and chunks[i - 1][-1].isalpha() and len(chunks[i - 1]) > 2
            out += r"[\s\-]*" + (_GRADE_WORD if grade else "")
        out += "".join(f"[{_ACCENTED[c]}]" if c in _ACCENTED else re.escape(c) for c in chunk)
    return out


def _fail(path: Path, where: str, reason: str) -> IngestError:
    return IngestError(path, f"{where}: {reason}")


def _number_map(path: Path, where: str, name: str, value: Any, allowed: Any) -> dict[str, float]:
    if not isinstance(value, dict):
        raise _fail(path, where, f"{name} must be a mapping, got {type(value).__name__}")
    out: dict[str, float] = {}
    for key, number in value.items():
        if not allowed(str(key)):
            raise _fail(path, where, f"unknown {name} key {key!r}")
        if isinstance(number, bool) or not isinstance(number, (int, float)) or number < 0:
            raise _fail(path, where, f"{name} {key} must be a non-negative number, got {number!r}")
        out[str(key)] = float(number)
    return out


def _row(path: Path, index: int, row: Any) -> tuple[Material, list[str]]:
    """One validated row; errors name the file, the row number and the material."""
    where = f"row {index}"
    if not isinstance(row, dict):
        raise _fail(path, where, "each row must be a mapping with name, aliases, family, composition, source")
    name = row.get("name")
    if not isinstance(name, str) or not name.strip():
        raise _fail(path, where, "name must be a non-empty string")
    where = f"row {index} ({name})"
    aliases = row.get("aliases", [])
    if not isinstance(aliases, list) or not all(isinstance(a, str) and a.strip() for a in aliases):
        raise _fail(path, where, 'aliases must be a list of strings (quote numbers such as "1.4404")')
    family = row.get("family")
    if family not in FAMILIES:
        raise _fail(path, where, f"family {family!r} is not one of {sorted(FAMILIES)}")
    composition = _number_map(path, where, "composition", row.get("composition", {}), _ELEMENT.fullmatch)
    if sum(composition.values()) > 100.5:
        raise _fail(path, where, f"composition adds up to {sum(composition.values()):.1f} %, more than 100 %")
    properties = _number_map(path, where, "properties", row.get("properties") or {}, PROPERTIES.__contains__)
    source = row.get("source")
    if not isinstance(source, str) or not source.strip():
        raise _fail(path, where, "source must say where the values come from")
    return Material(name, family, composition, properties, source), [name, *aliases]


def load_materials(path: Path = MATERIALS_PATH) -> MaterialsTable:
    """Read and validate the table; an alias may name only one material."""
    try:
        rows = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as err:
        raise IngestError(path, f"cannot read the materials table: {err}") from err
    if not isinstance(rows, list) or not rows:
        raise IngestError(path, "the materials table must be a non-empty list of rows")
    materials: list[Material] = []
    by_key: dict[str, Material] = {}
    patterns: dict[str, str] = {}
    for index, row in enumerate(rows, start=1):
        material, aliases = _row(path, index, row)
        materials.append(material)
        for alias in aliases:
            key = alias_key(alias)
            other = by_key.setdefault(key, material)
            if other is not material:
                raise _fail(path, f"row {index} ({material.name})", f"alias {alias!r} also names {other.name}")
            patterns.setdefault(key, _alias_pattern(alias))
    ordered = sorted(patterns.items(), key=lambda item: -len(item[0]))
    pattern = re.compile(r"(?<![^\W_])(?:" + "|".join(p for _, p in ordered) + r")(?![^\W_])", re.IGNORECASE)
    return MaterialsTable(tuple(materials), pattern, by_key)


@functools.cache
def materials_table() -> MaterialsTable:
    """The table in the starter corpus, loaded once per process."""
    return load_materials()


def find_materials(text: str, table: MaterialsTable | None = None) -> list[Mention]:
    """Materials named in `text`, in order, longest alias first: "SS316L / PTFE-lined" -> 316L, PTFE."""
    table = table or materials_table()
    return [Mention(_material_of(table, m[0]), m.start(), m.end(), m[0]) for m in table.pattern.finditer(text)]


def _material_of(table: MaterialsTable, written: str) -> Material:
    """The material an alias match names; a grade word the alias lacks ("maraging steel grade 350") is dropped."""
    key = alias_key(written)
    if key in table.by_key:
        return table.by_key[key]
    return table.by_key[re.sub(r"(?<=[^\W\d_])(?:grade|gr\.?|type|alloy)(?=\d)", "", key)]
