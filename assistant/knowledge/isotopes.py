"""The isotopes table (corpus/isotopes.yaml) and isotope notation: "B-10", "10B", "boron-10", "¹⁰B", and an
enrichment as invoices write it ("96 atom% B-10", "enriched to 95 % lithium-6", "Li-6 enrichment: 95 at.%").

The lists control boron, lithium, uranium and helium "enriched in" an isotope beyond its natural abundance and
state no figure; the table's natural abundance is the figure the goods' stated enrichment is compared with.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from assistant.core.errors import IngestError

ISOTOPES_PATH = Path(__file__).resolve().parents[2] / "corpus" / "isotopes.yaml"
_SUPERSCRIPT = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")
_NUMBER = r"(?P<value>\d+(?:[.,]\d+)?)"
_PERCENT = r"\s*(?:atom\s*%|at\.?\s*%|atomic\s*%|a/o|%)(?:\s*(?:atom|at\.?))?"
_BETWEEN = r"[\s:=]*(?:(?:isotopic\s+)?(?:enrichment|enriched|abundance|content|assay)\b)?[\s:=]*(?:to|of|at)?\s*"


@dataclass(frozen=True)
class Isotope:
    """One row: the isotope's name as the lists write it, its element, mass number and natural abundance."""

    isotope: str
    symbol: str
    mass: int
    natural_pct: float
    source: str

    @property
    def element(self) -> str:
        return self.isotope.rsplit("-", 1)[0]


@dataclass(frozen=True)
class Enrichment:
    """A stated abundance of an isotope: "96 atom% B-10" -> boron-10 at 96 %."""

    isotope: Isotope
    pct: float
    text: str
    span: tuple[int, int]


def _fail(path: Path, where: str, reason: str) -> IngestError:
    return IngestError(path, f"{where}: {reason}")


def _row(path: Path, index: int, row: Any) -> Isotope:
    fields = {"isotope", "symbol", "mass", "natural_pct", "source"}
    where = f"row {index}"
    if not isinstance(row, dict) or set(row) != fields:
        raise _fail(path, where, f"each row must be a mapping with exactly {', '.join(sorted(fields))}")
    isotope = row["isotope"]
    if not isinstance(isotope, str) or not re.fullmatch(r"[a-z]+-\d+", isotope):
        raise _fail(path, where, f"isotope must be written element-mass (boron-10), got {isotope!r}")
    where = f"row {index} ({isotope})"
    if not isinstance(row["symbol"], str) or not re.fullmatch(r"[A-Z][a-z]?", row["symbol"]):
        raise _fail(path, where, f"symbol must be an element symbol, got {row['symbol']!r}")
    if not isinstance(row["mass"], int) or str(row["mass"]) != isotope.rsplit("-", 1)[1]:
        raise _fail(path, where, "mass must be the isotope's mass number")
    natural = row["natural_pct"]
    if isinstance(natural, bool) or not isinstance(natural, (int, float)) or not 0 < natural < 100:
        raise _fail(path, where, f"natural_pct must be a percentage between 0 and 100, got {natural!r}")
    if not isinstance(row["source"], str) or not row["source"].strip():
        raise _fail(path, where, "source must say where the abundance comes from")
    return Isotope(isotope, row["symbol"], row["mass"], float(natural), row["source"].strip())


def load_isotopes(path: Path = ISOTOPES_PATH) -> tuple[Isotope, ...]:
    """The table, validated row by row; an error names the file and the row."""
    try:
        rows = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as err:
        raise IngestError(path, f"cannot read the isotopes table: {err}") from err
    if not isinstance(rows, list) or not rows:
        raise IngestError(path, "the isotopes table must be a non-empty list of rows")
    isotopes = tuple(_row(path, i, row) for i, row in enumerate(rows, 1))
    if len({i.isotope for i in isotopes}) != len(isotopes):
        raise IngestError(path, "an isotope is given in two rows")
    return isotopes


@functools.cache
def isotopes() -> tuple[Isotope, ...]:
    """The project's table, read once."""
    return load_isotopes()


def _notation(isotope: Isotope) -> str:
    """Every way an isotope is written: "boron-10", "boron 10", "B-10", "B 10", "10B", "10-B", "B10" not (a part
    number)."""
    element, mass, symbol = re.escape(isotope.element), isotope.mass, re.escape(isotope.symbol)
    return rf"(?:(?i:{element})[\s-]?{mass}|(?-i:{symbol})-\s?{mass}|{mass}-?(?-i:{symbol}))(?![\w])"


@functools.cache
def _patterns() -> list[tuple[Isotope, re.Pattern[str]]]:
    found = []
    for isotope in isotopes():
        name = _notation(isotope)
        before = rf"(?<![\w.,]){_NUMBER}{_PERCENT}\s*(?:(?:in|of)\s+)?(?:the\s+)?(?P<iso>{name})"
        after = rf"(?<![\w-])(?P<iso>{name}){_BETWEEN}{_NUMBER}{_PERCENT}"
        found.append(
            (isotope, re.compile(f"{before}|{after.replace('?P<iso>', '').replace('?P<value>', '?P<value2>')}"))
        )
    return found


def enrichments(text: str) -> list[Enrichment]:
    """The isotope abundances a text states.

    >>> [(e.isotope.isotope, e.pct) for e in enrichments("boron carbide enriched 96 atom% B-10, 5 kg")]
    [('boron-10', 96.0)]
    >>> [(e.isotope.isotope, e.pct) for e in enrichments("LiF enriched to 95 % lithium-6; Li-6 enrichment: 40 at.%")]
    [('lithium-6', 95.0), ('lithium-6', 40.0)]
    >>> [(e.isotope.isotope, e.pct) for e in enrichments("¹⁰B 90 %, boron 10 %")]
    [('boron-10', 90.0)]
    """
    text = text.translate(_SUPERSCRIPT)
    found: list[Enrichment] = []
    for isotope, pattern in _patterns():
        for m in pattern.finditer(text):
            value = m["value"] or m["value2"]
            found.append(Enrichment(isotope, float(value.replace(",", ".")), m[0].strip(), m.span()))
    return sorted(found, key=lambda e: e.span)


def enriched_in(subject: str) -> Isotope | None:
    """The isotope an item controls its element enriched in ("Boron enriched in the boron-10 isotope").

    >>> enriched_in("Lithium enriched in the lithium-6 isotope").isotope, enriched_in("Lithium batteries")
    ('lithium-6', None)
    """
    lower = subject.lower().translate(_SUPERSCRIPT)
    if "enriched" not in lower:
        return None
    return next((i for i in isotopes() if re.search(_notation(i), lower)), None)
