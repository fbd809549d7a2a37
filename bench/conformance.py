"""Cases generated from the lists' criteria trees: a yardstick that no rule can be tuned to.

    python -m bench.conformance [--home DIR] [--list us-ccl|no-list-ii] [--limit N] [--chemicals N]
                                [--seed S] [--show-misses] [--out FILE]

For every ingested list, each threshold leaf of each item (the deepest item that holds it, judged within its entry) gives goods on
its controlled side ("above": x1.5 of a `>` bound, x0.5 of a `<` bound, measured from zero so negative
bounds work too) and on its free side ("below": the other way round), written in the list's unit and in
another one (US customary where officers meet it: in, US gal, psi, degF, lb, sq ft; another metric prefix
where no US unit is used: nm/um, MHz/GHz), with the item's own noun, a model number, a price and a
quantity. Other conditions on the leaf's path (an `all` node's other children: a second threshold, a wetted
material, a feature, a count) are stated so that they hold; a leaf whose path needs what cannot be stated
soundly is skipped and counted by reason. Each listed chemical gives its CAS number, the list's name, up to
two other names from the `chemicals` library and its formula, and up to two near chemicals from the same
library (isomers and homologues) that are on no list, named in no list and in no listed family (only
C, H, O and one of S or a halogen: families of the lists turn on P, N, F, As or metals).

The expected decision comes from the tree, evaluated three-valued over the stated facts (the bench's own
small evaluator, not the assistant's):
- above: the item holds, so `likely-controlled` with the item's entry ("right when above"). Answered
  `not-controlled-as-described` or `no-match` it is a false clearance, reported on its own line.
- below: the item fails on the leaf. Measured as "not likely-controlled on this entry" (the answer does not
  say that the entry applies). Where the whole answer can be derived (the item and every item of the
  lists that names the same kind of goods is ruled out by the stated facts), `not-controlled-as-described`
  is expected too, and reported apart.
- chemicals: identified = `likely-controlled` on the chemical's entry; by formula (isomers share it) the
  entry open or applying without a clearance. Near chemicals: `not-controlled-as-described`.

Leaves and chemicals are sampled per list with a seed (`--limit`, `--chemicals`; 0 = all) so a full run over
both lists stays within about 20 minutes on a 2-core machine; the skip counts cover every leaf.
"""

from __future__ import annotations

import argparse
import functools
import json
import math
import random
import re
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from assistant.core.codes import find_cas
from assistant.core.settings import Settings
from assistant.core.types import ItemCriteria, Leaf, Node, Quantity
from assistant.core.units import unit_registry

LIST_NAMES = {"us-ccl": "US CCL", "no-list-ii": "NO List II"}
ABOVE, BELOW = 1.5, 0.5
"""Margins from the bound, as multiples of its size: clear of rounding and of the reader's tolerance, yet
near enough that a reader that ignores the unit or the bound's direction is caught."""
DEFAULT_LIMIT = 100
DEFAULT_CHEMICALS = 25
"""Leaves and chemicals sampled per list by default: 100 leaves give about 370 cases and 25 chemicals about
90. Both lists (924 cases) took 6.5 minutes on this 2-core machine when quiet (0.4 s an answer, 2026-12-07);
with the machine shared (load 15) answers took 2.5 s, so a larger sample is for a quiet machine."""


MAX_FACTS = 4
"""Most facts a case states besides the leaf's own: beyond that a line no longer reads like one invoice line."""
SIG_DIGITS = 4
SUBJECT_WORDS = 4
"""Words kept before an item's noun ("multiple-seal pump"): the noun phrase, not the heading's clauses."""


class Unphraseable(Exception):
    """A leaf or a condition on its path that cannot be stated soundly; the message is the skip reason."""


@dataclass(frozen=True)
class Fact:
    """One stated fact: a quantity of `prop`, a material, a feature's word, a count or a CAS number."""

    kind: str
    prop: str = ""
    value: float = 0.0
    unit: str = ""
    text: str = ""


@dataclass
class Case:
    """One generated question and what the tree says of it; `answer` is filled by the run."""

    id: str
    list_label: str
    code: str
    kind: str
    """above / below (threshold leaves); cas / name / synonym / formula (listed chemicals); near."""
    question: str
    expect: str
    """likely-controlled, not-controlled-as-described, or needs-facts (below, other branches left open)."""
    whole: bool = False
    """The whole answer's decision is derived (for below: every item naming these goods is ruled out)."""
    unit: str = ""
    """list / other: the unit the leaf's figure is written in."""
    leaf: str = ""
    answer: dict[str, Any] = field(default_factory=dict)


# ---------------------------------------------------------------- numbers and units


def number(value: float) -> str:
    """A figure as a catalogue writes it: a few significant digits, no exponent.

    >>> number(0.15), number(1500.0), number(3.81), number(2.0e-05), number(12345678.0)
    ('0.15', '1500', '3.81', '0.00002', '12345678')
    """
    if value == 0:
        return "0"
    digits = max(SIG_DIGITS - int(math.floor(math.log10(abs(value)))) - 1, 0)
    text = f"{round(value, digits):.{digits}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def margin(bound: float, op: str, controlled: bool) -> float:
    """A value on the controlled or the free side of `op bound`, half the bound's size away from it.

    >>> margin(0.1, ">", True), margin(0.1, ">", False), margin(20, "<=", True), margin(20, "<=", False)
    (0.15000000000000002, 0.05, 10.0, 30.0)
    >>> margin(-50, ">", True), margin(-50, ">", False)
    (-25.0, -75.0)
    """
    upward = op in (">", ">=")
    step = abs(bound) * (ABOVE - 1.0)
    return bound + step if upward == controlled else bound - step


UNIT_TEXT = re.compile(r"^\s*[-+~]?\s*[\d.,\s]*\d\s*")


def list_unit_text(bound: Quantity) -> str:
    """The unit as the list writes it ("m3", "°C", "VA"), from the bound's own text.

    >>> list_unit_text(Quantity(0.1, "meter**3", "0,1 m3")), list_unit_text(Quantity(20, "percent", "20 %"))
    ('m3', '%')
    >>> list_unit_text(Quantity(2.35e5, "meter", "23.5 x 10^4 m"))
    'm'
    """
    written = UNIT_TEXT.sub("", bound.text, count=1).strip()
    if written and not re.search(r"[x×]\s*10|10\s*\^|^\d", written):
        return written
    if bound.unit in ("dimensionless", ""):
        return ""
    return f"{unit_registry().Unit(bound.unit):~P}"


def in_list_unit(value: float, bound: Quantity) -> tuple[float, str]:
    """`value` (in the bound's unit) as the list writes its unit: a bound kept in percent but written "10 ppm"
    is written in ppm, so the figure stated is the figure meant.

    >>> in_list_unit(0.0015, Quantity(0.001, "percent", "10 ppm"))
    (15.0, 'ppm')
    >>> in_list_unit(0.15, Quantity(0.1, "meter**3", "0,1 m3"))
    (0.15, 'm3')
    """
    from assistant.text.params import parse_quantities

    written = list_unit_text(bound)
    read = parse_quantities(f"1 {written}") if written else []
    if len(read) == 1 and read[0].value and (read[0].unit != bound.unit or read[0].value != 1):
        # What one written unit is as the assistant reads it ("1 ppm" is read as 0.0001 %).
        converted = in_unit(value, bound.unit, read[0].unit)
        if converted is not None:
            return round(converted / read[0].value, 12), written
    return value, written


OTHER_UNITS: list[tuple[str, str]] = [
    ("inch", "in"),
    ("foot", "ft"),
    ("mile", "mi"),
    ("micrometer", "µm"),
    ("nanometer", "nm"),
    ("millimeter", "mm"),
    ("square_foot", "sq ft"),
    ("square_inch", "sq in"),
    ("centimeter**2", "cm2"),
    ("gallon", "US gal"),
    ("cubic_inch", "cu in"),
    ("cubic_foot", "cu ft"),
    ("liter", "L"),
    ("milliliter", "mL"),
    ("psi", "psi"),
    ("torr", "torr"),
    ("bar", "bar"),
    ("kilopascal", "kPa"),
    ("degree_Fahrenheit", "°F"),
    ("degree_Celsius", "°C"),
    ("pound", "lb"),
    ("ounce", "oz"),
    ("gram", "g"),
    ("gallon/minute", "US gal/min"),
    ("cubic_foot/minute", "cfm"),
    ("liter/minute", "L/min"),
    ("pound/hour", "lb/h"),
    ("foot/second", "ft/s"),
    ("mile/hour", "mph"),
    ("pound/inch**3", "lb/cu in"),
    ("pound/foot**3", "lb/cu ft"),
    ("kilohertz", "kHz"),
    ("megahertz", "MHz"),
    ("gigahertz", "GHz"),
    ("hertz", "Hz"),
    ("kilowatt", "kW"),
    ("watt", "W"),
    ("milliwatt", "mW"),
    ("megawatt", "MW"),
    ("kilojoule", "kJ"),
    ("joule", "J"),
    ("millijoule", "mJ"),
    ("picosecond", "ps"),
    ("nanosecond", "ns"),
    ("microsecond", "µs"),
    ("millisecond", "ms"),
    ("second", "s"),
    ("minute", "min"),
    ("degree/hour", "deg/h"),
    ("degree/second", "deg/s"),
    ("foot/second**2", "ft/s2"),
    ("meter/second**2", "m/s2"),
    ("kilovolt", "kV"),
    ("volt", "V"),
    ("millivolt", "mV"),
]
"""Units a figure may be written in instead of the list's, best first: US customary before metric; the first
of the same dimension that is not the list's unit and gives a readable figure (0.01 to 100,000) is used."""
READABLE = (0.01, 100_000.0)
ANGLE = re.compile(r"degree(?!_)|radian|revolution|frames")
"""Units pint counts as dimensionless turns: deg/s and Hz share a dimension but are not one another."""


def other_unit(value: float, unit: str) -> tuple[float, str] | None:
    """`value unit` in another unit a catalogue would use, or None when there is none.

    >>> [(round(v, 2), unit) for v, unit in (other_unit(0.15, "meter**3"), other_unit(1000.0, "degree_Celsius"))]
    [(39.63, 'US gal'), (1832.0, '°F')]
    >>> other_unit(20.0, "percent") is None
    True
    """
    registry = unit_registry()
    try:
        quantity = registry.Quantity(value, unit)
    except Exception:  # pint raises several types for names it does not know
        return None
    own = quantity.units
    if quantity.dimensionless:
        return None
    turning = ANGLE.search(unit) is not None
    for name, text in OTHER_UNITS:
        target = registry.Unit(name)
        if target == own or target.dimensionality != quantity.dimensionality or turning != bool(ANGLE.search(name)):
            continue
        converted = float(quantity.to(target).magnitude)
        if READABLE[0] <= abs(converted) <= READABLE[1]:
            return converted, text
    return None


def compare(value: float, op: str, bound: float) -> bool:
    return {">": value > bound, ">=": value >= bound, "<": value < bound, "<=": value <= bound}[op]


@functools.lru_cache(maxsize=65536)
def in_unit(value: float, unit: str, target: str) -> float | None:
    """`value unit` in `target`, or None when they do not convert."""
    try:
        return float(unit_registry().Quantity(value, unit).to(target).magnitude)
    except Exception:  # pint: undefined units, dimensionality errors
        return None


# ---------------------------------------------------------------- the goods' noun


def singular(word: str) -> str:
    """A plural noun in the singular, enough for the lists' subject nouns.

    >>> [singular(w) for w in ("reactors", "assemblies", "gases", "switches", "apparatus", "glass", "lasers")]
    ['reactor', 'assembly', 'gas', 'switch', 'apparatus', 'glass', 'laser']
    """
    lower = word.lower()
    if len(word) <= 3 or lower.endswith(("ss", "us", "is")) or not lower.endswith("s"):
        return word
    if lower.endswith("ies"):
        return word[:-3] + "y"
    if lower.endswith(("sses", "ches", "shes", "xes", "ses")):
        return word[:-2]
    return word[:-1]


SEGMENTS = re.compile(
    r",|;|:|\(|\)|\b(?:or|and|for|with|having|that|which|of|in|to|by|from|using|exceeding|capable|designed|specially"
    r"|other|except|than|as|at|on|containing|made|usable)\b",
    re.IGNORECASE,
)


def noun_phrase(subject: str, terms: Iterable[str]) -> tuple[str, str] | None:
    """The goods' wording from an item's subject: (phrase, head noun), the first segment naming one of the
    item's nouns, cut after that noun.

    >>> noun_phrase("Frequency changers or converters or inverters and generators", ("changer", "inverter"))
    ('frequency changer', 'changer')
    >>> noun_phrase("Multiple-seal and seal-less pumps", ("pump",))
    ('seal-less pump', 'pump')
    >>> noun_phrase("Software", ("software",)) is None
    True
    >>> noun_phrase("Spherical aluminium powder", ("spherical", "powder"))
    ('spherical aluminium powder', 'powder')
    """
    wanted = {t.lower() for t in terms}
    for segment in SEGMENTS.split(subject):
        words = [w.strip(".\"'") for w in segment.split()]
        head = singular(words[-1]).lower() if words else ""
        if (
            head in wanted
            and head not in NOT_GOODS
            and head.isalpha()
            and not ADJECTIVE.search(head)
            and not is_unit(head)
        ):
            kept = [w if w.isupper() and len(w) > 1 else w.lower() for w in words[-1 - SUBJECT_WORDS : -1]]
            return " ".join([*kept, head]), head
    return None


ADJECTIVE = re.compile(r"^.{0,2}$|.{3}(?:ed|ly)$")
"""Heads that are no noun: too short, or a participle or adverb the parser kept as a term ("specified")."""


def is_unit(word: str) -> bool:
    """Whether pint reads the word as a unit ("mhz"): a unit is never the goods' noun."""
    try:
        unit_registry().Unit(word)
    except Exception:  # pint: undefined unit
        return False
    return True


NOT_GOODS = {
    *("software", "technology", "equipment", "item", "system", "component", "part", "material", "good"),
    *("not", "type", "any", "form", "kind"),
}
"""Nouns too general to write goods with: an invoice never reads "equipment, model X"; such items are skipped."""


# ---------------------------------------------------------------- the tree


def path_to(tree: Node | Leaf | None, target: Leaf) -> list[Node] | None:
    """The nodes from the root down to `target` (by identity), or None when it is not in the tree."""
    if tree is None:
        return None
    if tree is target:
        return []
    if isinstance(tree, Leaf):
        return None
    for child in tree.children:
        found = path_to(child, target)
        if found is not None:
            return [tree, *found]
    return None


MATERIAL_WORDS = {
    "glass": "glass-lined",
    "nickel": "nickel",
    "alloy Ni>40": "Monel 400",
    "alloy Ni>25 Cr>20": "Hastelloy C-276",
    "fluoropolymer F>35": "PTFE",
    "tantalum": "tantalum",
    "titanium": "titanium",
    "zirconium": "zirconium",
    "niobium": "niobium",
    "graphite": "graphite",
    "silicon carbide": "silicon carbide",
    "titanium carbide": "titanium carbide",
    "alumina": "alumina",
    "zirconia": "zirconia",
    "ceramic": "ceramic",
    "ferrosilicon": "ferrosilicon",
}
"""How a wetted material of each listed family is written on an invoice (corpus/materials.yaml knows these
names and grades); a family missing here makes its clause unphraseable."""


def leaf_fact(leaf: Leaf, wanted: dict[str, list[Leaf]]) -> Fact:
    """A fact that meets `leaf`; thresholds are only noted in `wanted` (merged per property later)."""
    if leaf.kind == "threshold":
        if not (leaf.property and leaf.bound and leaf.op):
            raise Unphraseable("condition without property or bound")
        if not readable_property(leaf.property.lower()):
            raise Unphraseable("a condition's property not readable as words")
        wanted[leaf.property.lower()].append(leaf)
        return Fact("threshold", prop=leaf.property.lower())
    if leaf.kind == "material":
        for name in leaf.materials:
            if name in MATERIAL_WORDS:
                return Fact("material", prop=name, text=f"wetted parts {MATERIAL_WORDS[name]}")
        raise Unphraseable("material clause without a known material")
    if leaf.kind == "feature":
        if not leaf.names:
            raise Unphraseable("feature without words")
        words = leaf.property if any(n.lower() in leaf.property.lower() for n in leaf.names) else leaf.names[0]
        return Fact("feature", prop=leaf.property, text=words)
    if leaf.kind == "count":
        if not (leaf.bound and leaf.op and leaf.property):
            raise Unphraseable("count without bound")
        n = int(leaf.bound.value) + (1 if leaf.op == ">" else 0) if leaf.op in (">", ">=") else None
        if n is None or n <= 0:
            raise Unphraseable("count with an upper bound")
        return Fact("count", prop=leaf.property, value=n, text=f"{n} {leaf.property}")
    if leaf.kind == "chemical":
        raise Unphraseable("condition on a chemical")
    raise Unphraseable(f"condition of kind {leaf.kind}")


def satisfy(node: Node | Leaf, wanted: dict[str, list[Leaf]]) -> list[Fact]:
    """Facts that make `node` hold (an `any` node: its first branch that can be stated)."""
    if isinstance(node, Leaf):
        return [] if node.kind == "exclusion" else [leaf_fact(node, wanted)]
    if node.op == "all":
        return [fact for child in node.children for fact in satisfy(child, wanted)]
    for child in node.children:
        trial: dict[str, list[Leaf]] = defaultdict(list, {k: list(v) for k, v in wanted.items()})
        try:
            facts = satisfy(child, trial)
        except Unphraseable:
            continue
        wanted.clear()
        wanted.update(trial)
        return facts
    raise Unphraseable("no branch of an 'any' can be stated")


def conditions(path: list[Node], target: Leaf) -> tuple[list[Fact], dict[str, list[Leaf]]]:
    """What must also hold for `target` to decide the item: the other children of every `all` on its path."""
    wanted: dict[str, list[Leaf]] = defaultdict(list)
    facts: list[Fact] = []
    for depth, node in enumerate(path):
        if node.op != "all":
            continue
        below = path[depth + 1] if depth + 1 < len(path) else target
        for child in node.children:
            if child is not below:
                facts += satisfy(child, wanted)
    return facts, wanted


def value_for(leaves_: list[Leaf], unit: str) -> float:
    """A value in `unit` inside every bound of one property (the geometric middle of a range)."""
    low, high = -math.inf, math.inf
    for leaf in leaves_:
        assert leaf.bound and leaf.op
        bound = in_unit(leaf.bound.value, leaf.bound.unit, unit)
        if bound is None:
            raise Unphraseable("one property in units that do not convert")
        if leaf.op in (">", ">="):
            low = max(low, bound)
        else:
            high = min(high, bound)
    if low > -math.inf and high < math.inf:
        if not low < high:
            raise Unphraseable("empty range")
        return math.sqrt(low * high) if low > 0 else (low + high) / 2
    if low > -math.inf and unit == "percent":
        return (low + 100) / 2
    if low > -math.inf:
        return margin(low, ">", True) if low else 1.0
    return margin(high, "<", True) if high else -1.0


# ---------------------------------------------------------------- the bench's own evaluator


def judge(tree: Node | Leaf | None, stated: dict[str, Any], noun: str) -> bool | None:
    """Three-valued: does the tree hold for the stated facts (None: not decided by them)?

    `stated` maps a property to a pint quantity, "material" to a material family, "feature" to the
    stated feature words, "cas" to a CAS number. Branches for another kind of goods (`subject_terms`
    without the goods' noun) do not hold; exclusions are not stated, so never hold.
    """
    if tree is None:
        return None
    if isinstance(tree, Leaf):
        return judge_leaf(tree, stated)
    if tree.subject_terms and noun not in tree.subject_terms:
        return False
    results = [judge(child, stated, noun) for child in tree.children if not is_exclusion(child)]
    if tree.op == "all":
        return False if False in results else None if None in results else True
    return True if True in results else None if None in results else False


def is_exclusion(node: Node | Leaf) -> bool:
    return isinstance(node, Leaf) and node.kind == "exclusion"


def judge_leaf(leaf: Leaf, stated: dict[str, Any]) -> bool | None:
    if leaf.kind in ("threshold", "count") and leaf.bound and leaf.op:
        quantity = stated.get(leaf.property.lower())
        if quantity is None:
            return None
        value = in_unit(quantity[0], quantity[1], leaf.bound.unit)
        return None if value is None else compare(value, leaf.op, leaf.bound.value)
    if leaf.kind == "material":
        return None if "material" not in stated else stated["material"] in leaf.materials
    if leaf.kind == "feature":
        text = stated.get("feature", "").lower()
        return True if any(n.lower() in text for n in leaf.names) else None
    if leaf.kind == "chemical":
        return True if stated.get("cas") in leaf.cas else None
    return None


# ---------------------------------------------------------------- catalogue noise


def noise(rng: random.Random) -> tuple[str, str, str]:
    """A model number, a price and a quantity, as catalogues write them."""
    model = f"{rng.choice(['Model', 'P/N', 'Type', 'Cat. no.'])} {rng.choice('ABCDEFGHKLMRSTX')}{rng.choice('KLMRSTXZ')}-{rng.randint(100, 9999)}"
    price = f"{rng.choice(['USD', 'EUR', 'NOK'])} {rng.randint(120, 98000):,}.00"
    qty = rng.choice(["qty {n}", "{n} pcs", "{n} units", "qty: {n}"]).format(n=rng.randint(1, 12))
    return model, price, qty


def line(rng: random.Random, subject: str, facts: list[str]) -> str:
    """One invoice line: the goods, their figures and the noise, in one of a few catalogue layouts."""
    model, price, qty = noise(rng)
    stated = ", ".join(facts)
    layouts = [
        f"{subject.capitalize()}, {model}, {stated}; {qty}, {price}",
        f"{qty} x {subject} {model} ({stated}) @ {price}",
        f"{model} {subject}: {stated}. {price}, {qty}",
    ]
    return rng.choice(layouts)


# ---------------------------------------------------------------- threshold cases


@dataclass
class Generated:
    """A list's cases and what was left out."""

    cases: list[Case] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)
    leaves: int = 0
    phrasable: int = 0
    chemicals: int = 0
    no_other_unit: int = 0
    near_missing: int = 0


def deepest(items: list[ItemCriteria], kinds: tuple[str, ...]) -> Iterator[tuple[ItemCriteria, Leaf]]:
    """Each leaf of these kinds once per deepest item of its list that holds it, judged in the tree of the
    shallowest one: an entry's tree repeats its sub-items' leaves, and a sub-item alone ("3A225.b: 600 Hz or
    more") leaves out what the entry asks of all of them. The item yielded has the deep item's code, subject
    and Notes and the entry's tree (with its Notes too)."""
    holders: dict[Leaf, list[ItemCriteria]] = defaultdict(list)
    for item in items:
        for leaf in _leaves(item.tree):
            if leaf.kind in kinds:
                holders[leaf].append(item)
    for leaf, found in holders.items():
        codes = {i.code for i in found}
        for item in found:
            if any(other.startswith(item.code + ".") for other in codes):
                continue
            top = min((i for i in found if on_path(i.code, item.code)), key=lambda i: i.code.count("."))
            merged = replace(
                top,
                code=item.code,
                subject=item.subject or top.subject,
                subject_terms=item.subject_terms or top.subject_terms,
                exclusions=tuple(dict.fromkeys((*top.exclusions, *item.exclusions))),
            )
            yield merged, _same(top.tree, leaf)


def _leaves(tree: Node | Leaf | None) -> list[Leaf]:
    if tree is None:
        return []
    if isinstance(tree, Leaf):
        return [tree]
    return [leaf for child in tree.children for leaf in _leaves(child)]


def _same(tree: Node | Leaf | None, leaf: Leaf) -> Leaf:
    """The item's own object equal to `leaf` (paths are found by identity)."""
    return next(mine for mine in _leaves(tree) if mine == leaf)


def goods_noun(item: ItemCriteria, path: list[Node], leaf: Leaf) -> tuple[str, str]:
    terms = next((n.subject_terms for n in reversed(path) if n.subject_terms), item.subject_terms)
    for subject in (leaf.subject, item.subject):
        found = subject and noun_phrase(subject, terms)
        if found:
            return found
    raise Unphraseable("no goods noun in the item's subject")


def threshold_cases(
    item: ItemCriteria, leaf: Leaf, items_by_noun: dict[str, list[ItemCriteria]], rng: random.Random, n: int
) -> list[Case]:
    """Above and below `leaf`, in the list's unit and in another; raises Unphraseable with the reason."""
    if item.code[1:2] in ("D", "E"):
        raise Unphraseable("software or technology item")
    if not (leaf.bound and leaf.op and leaf.property):
        raise Unphraseable("threshold without property or bound")
    if leaf.bound.value == 0:
        raise Unphraseable("bound of zero")
    if leaf.bound.unit == "percent" and not 0 < leaf.bound.value < 100:
        raise Unphraseable("percentage bound outside 0-100 (misread)")
    if in_unit(1.0, leaf.bound.unit, leaf.bound.unit) is None:
        raise Unphraseable("unit unknown to pint")
    if len(leaf.condition.split()) > 6:
        raise Unphraseable("long condition on the bound")
    prop = leaf.property.lower()
    if not readable_property(prop):
        raise Unphraseable("property name not readable as words")
    for exclusion in (*item.exclusions, *(x for x in _leaves(item.tree) if x.kind == "exclusion")):
        if exclusion.bound and (exclusion.property.lower() == prop or not exclusion.property):
            raise Unphraseable("a Note frees goods on the same property")
    path = path_to(item.tree, leaf)
    if path is None:
        raise Unphraseable("leaf not in the item's tree")
    phrase, noun = goods_noun(item, path, leaf)
    others, wanted = conditions(path, leaf)
    if len(others) > MAX_FACTS:
        raise Unphraseable("too many other conditions")
    same = wanted.pop(prop, [])
    texts, stated = written(others, wanted)
    condition = f" {leaf.condition}" if leaf.condition else ""
    cases = []
    if leaf.bound.unit == "percent" and any(
        isinstance(x, Leaf) and x.kind == "material" for n in path for x in n.children
    ):
        raise Unphraseable("a share beside a material clause (the material decides)")
    for side, controlled in (("above", True), ("below", False)):
        value = margin(leaf.bound.value, leaf.op, controlled)
        if leaf.bound.unit == "percent" and value > 100:
            value = (leaf.bound.value + 100) / 2
        if controlled and not all(judge_leaf(x, {prop: (value, leaf.bound.unit)}) for x in same):
            raise Unphraseable("range too narrow for a clear margin")
        facts = {**stated, prop: (value, leaf.bound.unit)}
        holds = judge(item.tree, facts, noun)
        if controlled and holds is not True:
            raise Unphraseable("the tree does not hold on the stated facts")
        if not controlled and holds is True:
            raise Unphraseable("another branch of the entry holds on the free side")
        whole = not controlled and holds is False and ruled_out_elsewhere(item, noun, facts, items_by_noun)
        expect = (
            "likely-controlled"
            if controlled
            else "not-controlled-as-described"
            if whole
            else "needs-facts"
            if holds is None
            else "not-likely-controlled-on-entry"
        )
        writings = [(*in_list_unit(value, leaf.bound), "list")]
        other = other_unit(value, leaf.bound.unit)
        if other:
            writings.append((*other, "other"))
        for figure, unit_text, which in writings:
            figure_text = f"{prop} {number(figure)} {unit_text}".strip() + condition
            question = line(rng, phrase, [figure_text, *texts])
            cases.append(
                Case(
                    id=f"{item.list_label}:{item.code}:{n}:{side}:{which}",
                    list_label=item.list_label,
                    code=item.code,
                    kind=side,
                    question=question,
                    expect=expect,
                    whole=controlled or whole,
                    unit=which,
                    leaf=leaf.text,
                )
            )
    return cases


PROPERTY_STOP = {"if", "any", "during", "the", "with", "at", "for", "per", "and", "or", "of", "than", "when", "in"}


def readable_property(prop: str) -> bool:
    """A property name a catalogue could print: words of letters, not opening on a linking word or a unit
    (the parser leaves some such as "hz f frequency").

    >>> readable_property("total internal volume"), readable_property("hz f frequency"), readable_property("if")
    (True, False, False)
    """
    words = prop.split()
    return (
        bool(words)
        and words[0] not in PROPERTY_STOP
        and not is_unit(words[0])
        and all(len(w) > 1 and re.fullmatch(r"[a-z][a-z-]*", w) for w in words)
    )


def written(others: list[Fact], wanted: dict[str, list[Leaf]]) -> tuple[list[str], dict[str, Any]]:
    """The other conditions as invoice phrases, and as stated facts for `judge`."""
    texts: list[str] = []
    stated: dict[str, Any] = {}
    for fact in others:
        if fact.kind == "threshold":
            continue
        if fact.kind == "material":
            stated["material"] = fact.prop
        elif fact.kind == "feature":
            stated["feature"] = stated.get("feature", "") + " " + fact.text
        elif fact.kind == "count":
            stated[fact.prop.lower()] = (fact.value, "dimensionless")
        texts.append(fact.text)
    for other_prop, bounds in wanted.items():
        unit = bounds[0].bound.unit if bounds[0].bound else ""
        value = value_for(bounds, unit)
        stated[other_prop] = (value, unit)
        figure, unit_text = in_list_unit(value, bounds[0].bound)  # type: ignore[arg-type]
        texts.append(f"{other_prop} {number(figure)} {unit_text}".strip())
    return texts, stated


def ruled_out_elsewhere(
    item: ItemCriteria, noun: str, facts: dict[str, Any], items_by_noun: dict[str, list[ItemCriteria]]
) -> bool:
    """Every entry of the lists naming this noun (the item's own, the same entry in the other list) fails on
    the stated facts, judged on the entry's whole tree; items of other entries naming the noun make the whole
    answer underivable."""
    for other in items_by_noun.get(noun, []):
        if other.code[:5] != item.code[:5]:
            return False
        if "." not in other.code and judge(other.tree, facts, noun) is not False:
            return False
    return True


# ---------------------------------------------------------------- chemical cases


def library() -> Any:
    """The `chemicals` library's database, loaded once."""
    from chemicals import identifiers

    db = identifiers.pubchem_db
    if not db.loaded_main_db:
        db.autoload_main_db()
    return db


ELEMENT = re.compile(r"([A-Z][a-z]?)(\d*)")
SAFE_ELEMENTS = {"C", "H", "O", "S", "Cl", "Br", "I"}
HALOGENS = {"Cl", "Br", "I"}


def formula_counts(formula: str) -> dict[str, int]:
    """Element counts of a formula.

    >>> formula_counts("C4H10O2S")
    {'C': 4, 'H': 10, 'O': 2, 'S': 1}
    """
    counts: dict[str, int] = {}
    for symbol, count in ELEMENT.findall(formula):
        counts[symbol] = counts.get(symbol, 0) + int(count or 1)
    return counts


def in_no_family(formula: str) -> bool:
    """Whether a formula is surely outside the lists' chemical families: only C, H, O and one of sulfur or a
    halogen (the families of the CWC schedules, the Australia Group and the propellant entries all turn on
    P, N, F, As, B or a metal, or on sulfur together with chlorine: the mustards).

    >>> in_no_family("C4H10O2S"), in_no_family("C6H15O4P"), in_no_family("C4H8Cl2S")
    (True, False, False)
    """
    elements = set(formula_counts(formula))
    return bool(elements) and elements <= SAFE_ELEMENTS and not ("S" in elements and elements & HALOGENS)


def homologues(formula: str) -> list[str]:
    """The formulas one CH2 shorter and longer.

    >>> homologues("C4H10O2S")
    ['C3H8O2S', 'C5H12O2S']
    """
    counts = formula_counts(formula)
    if counts.get("C", 0) < 2 or counts.get("H", 0) < 3:
        return []
    out = []
    for step in (-1, 1):
        new = dict(counts, C=counts["C"] + step, H=counts["H"] + 2 * step)
        out.append("".join(f"{e}{c if c > 1 else ''}" for e, c in new.items()))
    return out


def near_chemicals(meta: Any, by_formula: dict[str, list[Any]], listed: set[str], text: str) -> list[Any]:
    """Isomers and homologues of a listed chemical that are surely not listed (see `in_no_family`)."""
    if not in_no_family(meta.formula):
        return []
    found = []
    for formula in (meta.formula, *homologues(meta.formula)):
        for other in by_formula.get(formula, []):
            cas = cas_text(other.CAS)
            names = {other.common_name, *other.synonyms[:5]} - {None, ""}
            if cas in listed or other.CAS == meta.CAS or any(named(n, text) for n in names if len(n) > 5):
                continue
            found.append(other)
    return sorted(found, key=lambda m: m.CAS)


def named(name: str, text: str) -> bool:
    """Whether `name` occurs in `text` as a whole name (the substring test first: the text is the lists')."""
    return name.lower() in text and re.search(rf"(?<![\w-]){re.escape(name.lower())}(?![\w-])", text) is not None


def cas_text(number_: int) -> str:
    """A CAS number from the library's integer form.

    >>> cas_text(111488)
    '111-48-8'
    """
    digits = str(number_)
    return f"{digits[:-3]}-{digits[-3:-1]}-{digits[-1]}"


NAME_OK = re.compile(r"^[a-z0-9 ,'()+-]{4,60}$", re.IGNORECASE)
"""A name as an invoice prints it: letters, digits, locants and brackets, no editorial tags ('[inn-latin]')."""


def other_names(meta: Any, own: Iterable[str], rng: random.Random, k: int = 2) -> list[str]:
    """Up to `k` names of the library that the list does not use (the common name first)."""
    seen = {n.lower() for n in own} | {cas_text(meta.CAS)}
    pool = [meta.common_name] + [n for n in meta.synonyms if n != meta.common_name]
    ok = [
        n
        for n in pool
        if n
        and n.lower() not in seen
        and NAME_OK.match(n)
        and not find_cas(n)
        and not CODE_LIKE.search(n)
        and sum(c.isalpha() for c in n) >= 5
    ]
    ok = list(dict.fromkeys(ok))
    if not ok:
        return []
    first, rest = ok[0], ok[1:]
    return [first, *rng.sample(rest, min(k - 1, len(rest)))]


REFERRED = re.compile(r"\bsee (?:military goods controls|usml|also)|\bsubject to the itar", re.IGNORECASE)
"""A chemical the list names only to send it to another list ("SEE MILITARY GOODS CONTROLS FOR butacene"):
the item does not control it, so no expected decision follows from the tree."""
CODE_LIKE = re.compile(r"(?=\w*\d)(?=\w*[a-z])\w{3,}", re.IGNORECASE)
"""A token mixing letters and digits ("agn-pc-0dajol", "h476", "(9ci)"): a catalogue code, not a name."""

FRAGMENT = re.compile(r"-$|\([^)]*$")
"""A list name as the reader cut it ("Dibenz-", "PFIB: 1,1,3,3,3-pentafluoro-2-"): no one writes it so."""
CHARGED = re.compile(r"[+-]\d*$")
"""A formula the library holds with a charge ("C4H10O3P+" for diethyl phosphite): an ion's, which no invoice
writes for the neutral chemical, so it is no writing of the chemical."""

PACKS = ["25 kg drum", "200 L drum", "1 L bottle", "500 g bottle", "IBC 1000 L", "5 gal pail"]


def chemical_line(rng: random.Random, name: str) -> str:
    model, price, qty = noise(rng)
    lot = f"lot {rng.choice('ABCKLX')}{rng.randint(1000, 99999)}"
    return rng.choice(
        [
            f"{name}, {rng.choice(PACKS)}, {qty}, {lot}, {price}",
            f"{qty} x {rng.choice(PACKS)} {name} ({lot}) {price}",
        ]
    )


def chemical_cases(
    item: ItemCriteria,
    leaf: Leaf,
    db: Any,
    by_formula: dict[str, list[Any]],
    listed: set[str],
    text: str,
    rng: random.Random,
    gen: Generated,
) -> list[Case]:
    """The chemical by CAS, list name, library names and formula, and up to two near chemicals."""
    if item.code[1:2] in ("D", "E"):
        raise Unphraseable("software or technology item")
    if REFERRED.search(leaf.text):
        raise Unphraseable("referred to another list (military goods)")
    path = path_to(item.tree, leaf)
    if path is None:
        raise Unphraseable("leaf not in the item's tree")
    others, wanted = conditions(path, leaf)
    if any(fact.kind != "threshold" for fact in others):
        raise Unphraseable("chemical with conditions other than figures")
    texts, _ = written(others, wanted)
    cas = leaf.cas[0]
    meta = db.search_CAS(cas) or None
    writings = [("cas", f"CAS {cas}")]
    if leaf.names and not FRAGMENT.search(leaf.names[0]):
        writings.append(("name", leaf.names[0]))
    elif leaf.names:
        gen.skipped["chemical name: a piece of the list's text (cut at a hyphen or bracket)"] += 1
    if meta is not None:
        writings += [("synonym", n) for n in other_names(meta, leaf.names, rng)]
        if meta.formula and not CHARGED.search(meta.formula):
            writings.append(("formula", meta.formula))
    cases = [
        Case(
            id=f"{item.list_label}:{item.code}:{cas}:{kind}:{i}",
            list_label=item.list_label,
            code=item.code,
            kind=kind,
            question=chemical_line(rng, ", ".join([name, *texts])),
            expect="likely-controlled",
            whole=kind != "formula",
            leaf=leaf.text,
        )
        for i, (kind, name) in enumerate(writings)
    ]
    near = near_chemicals(meta, by_formula, listed, text) if meta is not None else []
    if len(near) < 2:
        gen.near_missing += 1
    for i, other in enumerate(rng.sample(near, min(2, len(near)))):
        named_as = f"{other.common_name} (CAS {cas_text(other.CAS)})"
        cases.append(
            Case(
                id=f"{item.list_label}:{item.code}:{cas}:near:{i}",
                list_label=item.list_label,
                code=item.code,
                kind="near",
                question=chemical_line(rng, ", ".join([named_as, *texts])),
                expect="not-controlled-as-described",
                whole=True,
                leaf=f"near {cas}: {other.common_name}",
            )
        )
    return cases


# ---------------------------------------------------------------- generation


def generate(
    items: list[ItemCriteria],
    passages: Iterable[str],
    list_label: str,
    seed: int = 0,
    limit: int = DEFAULT_LIMIT,
    chemicals: int = DEFAULT_CHEMICALS,
) -> Generated:
    """The cases of one list, sampled with `seed` (`limit`/`chemicals` of 0 = every leaf/chemical).

    `items` are the items of every ingested list (other lists name the same goods); `passages` their texts
    (a CAS or a name found there is listed).
    """
    rng = random.Random(f"{seed}:{list_label}")
    gen = Generated()
    mine = [i for i in items if i.list_label == list_label]
    items_by_noun: dict[str, list[ItemCriteria]] = defaultdict(list)
    for item in items:
        for term in item.subject_terms:
            items_by_noun[term].append(item)
    thresholds = sorted(deepest(mine, ("threshold",)), key=lambda p: (p[0].code, p[1].text, p[1].property))
    gen.leaves = len(thresholds)
    phrasable: list[list[Case]] = []
    for n, (item, leaf) in enumerate(thresholds):
        try:
            phrasable.append(threshold_cases(item, leaf, items_by_noun, rng, n))
        except Unphraseable as reason:
            gen.skipped[str(reason)] += 1
    gen.phrasable = len(phrasable)
    for cases in sample(rng, phrasable, limit):
        gen.cases += cases
        gen.no_other_unit += not any(c.unit == "other" for c in cases)

    text = "\n".join(passages).lower()
    listed = set(find_cas(text))
    by_cas: dict[str, tuple[ItemCriteria, Leaf]] = {}
    for item, leaf in sorted(deepest(mine, ("chemical",)), key=lambda p: p[0].code):
        if leaf.cas:
            by_cas.setdefault(leaf.cas[0], (item, leaf))
    gen.chemicals = len(by_cas)
    db = library()
    by_formula: dict[str, list[Any]] = defaultdict(list)
    for meta in db.CAS_index.values():
        by_formula[meta.formula].append(meta)
    chosen = sample(rng, sorted(by_cas), chemicals)
    for cas in chosen:
        try:
            gen.cases += chemical_cases(*by_cas[cas], db, by_formula, listed, text, rng, gen)
        except Unphraseable as reason:
            gen.skipped[f"chemical: {reason}"] += 1
    return gen


def sample(rng: random.Random, pool: list[Any], limit: int) -> list[Any]:
    """`limit` of `pool` chosen with the seed, in their original order; all when limit is 0."""
    if not limit or limit >= len(pool):
        return pool
    keep = set(rng.sample(range(len(pool)), limit))
    return [x for i, x in enumerate(pool) if i in keep]


# ---------------------------------------------------------------- scoring


def applies_on(answer: dict[str, Any], code: str) -> bool:
    """The answer says the item's entry (or one of its sub-items) applies."""
    return any(
        c.get("status") == "applies" and c.get("entry", "")[:5] == code[:5] for c in answer.get("candidates", [])
    )


def on_path(item: str, code: str) -> bool:
    """One code is the other or holds it ("3A101" holds "3A101.b"; "3A101.a" is beside it).

    >>> on_path("3A101", "3A101.b"), on_path("3A101.a", "3A101.b"), on_path("2B350.g.1", "2B350.g")
    (True, False, True)
    """
    a, b = item.lower(), code.lower()
    return a == b or a.startswith(b + ".") or b.startswith(a + ".")


def applies_to_item(answer: dict[str, Any], code: str) -> bool:
    """The answer says this item applies, or an entry or sub-item that holds it or that it holds (a sibling
    sub-item of the same entry applying is another item's decision, not this one's)."""
    return any(
        c.get("status") == "applies" and on_path(c.get("item") or c.get("entry", ""), code)
        for c in answer.get("candidates", [])
    )


def open_on(answer: dict[str, Any], code: str) -> bool:
    return any(
        c.get("status") != "does not apply" and c.get("entry", "")[:5] == code[:5] for c in answer.get("candidates", [])
    )


CLEARED = ("not-controlled-as-described", "no-match")
CATCH_ALL = re.compile(r"^\d[A-E]99\d")
"""US x99x entries: goods they take are "not controlled as described" by the strategic entries and fall to
the catch-all (anti-terrorism controls only), which is how the assistant states them (README, Deciding)."""


def falls_to_catch_all(case: Case) -> bool:
    """An above-case of a US catch-all answered as falling to that very entry: right, and no clearance."""
    falls = (case.answer.get("falls_to") or {}).get(case.list_label, "")
    return (
        bool(CATCH_ALL.match(case.code))
        and case.answer.get("decision") == "not-controlled-as-described"
        and falls[:5] == case.code[:5]
    )


def right(case: Case) -> bool:
    """Whether the answer is right for the case, by the measure of its kind (see the module docstring)."""
    answer, decision = case.answer, case.answer.get("decision")
    if case.kind in ("above", "cas", "name", "synonym"):
        return decision == "likely-controlled" and applies_on(answer, case.code) or falls_to_catch_all(case)
    if case.kind == "formula":
        return decision not in CLEARED and open_on(answer, case.code)
    if case.kind == "below":
        return not (decision == "likely-controlled" and applies_to_item(answer, case.code))
    return decision == "not-controlled-as-described"


def share(hits: int, total: int) -> str:
    return f"{hits}/{total} = {hits / total:.3f}" if total else "0/0 = n/a"


def report(label: str, gen: Generated, show_misses: bool) -> None:
    cases = gen.cases
    by_kind: dict[str, list[Case]] = defaultdict(list)
    for case in cases:
        by_kind[case.kind].append(case)
    above, below = by_kind["above"], by_kind["below"]
    whole = [c for c in below if c.whole]
    cleared = [c for c in above if c.answer.get("decision") in CLEARED and not falls_to_catch_all(c)]
    print(f"{label}: {len(cases)} cases")
    print(
        f"  threshold leaves {gen.leaves}, phrasable {gen.phrasable}, sampled "
        f"{len({c.id.rsplit(':', 2)[0] for c in above})} ({gen.no_other_unit} without another unit)"
    )
    for which in ("list", "other", None):
        part = [c for c in above if which is None or c.unit == which]
        name = f"in the {which} unit" if which else "all"
        print(f"  right when above, {name:<18} {share(sum(map(right, part)), len(part))}")
    print(f"  right when below (not likely-controlled on the entry) {share(sum(map(right, below)), len(below))}")
    ruled = sum(c.answer.get("decision") == "not-controlled-as-described" for c in whole)
    print(f"  right when below, whole answer derived (not-controlled-as-described) {share(ruled, len(whole))}")
    print(
        f"  FALSE CLEARANCES: above answered not-controlled-as-described or no-match: {share(len(cleared), len(above))}"
    )
    print(f"  chemicals: {gen.chemicals} listed (by first CAS); {len(by_kind['cas'])} sampled")
    for kind, name in (
        ("cas", "CAS"),
        ("name", "list name"),
        ("synonym", "other library names"),
        ("formula", "formula"),
    ):
        part = by_kind[kind]
        print(f"    identified by {name:<20} {share(sum(map(right, part)), len(part))}")
    chem_cleared = [
        c
        for k in ("cas", "name", "synonym")
        for c in by_kind[k]
        if c.answer.get("decision") in CLEARED and not falls_to_catch_all(c)
    ]
    print(f"    FALSE CLEARANCES of listed chemicals (CAS, names): {len(chem_cleared)}")
    near = by_kind["near"]
    alarmed = sum(c.answer.get("decision") == "likely-controlled" for c in near)
    print(
        f"    near chemicals not listed, decided not-controlled-as-described {share(sum(map(right, near)), len(near))};"
        f" likely-controlled {alarmed}; listed chemicals without two sure near ones: {gen.near_missing}"
    )
    print("  skipped leaves by reason:")
    for reason, count in gen.skipped.most_common():
        print(f"    {count:>5}  {reason}")
    if show_misses:
        misses(cases)


def misses(cases: list[Case], examples: int = 3) -> None:
    """Wrong answers grouped by kind, expected and answered decision, with a few examples of each."""
    groups: dict[tuple[str, str, str], list[Case]] = defaultdict(list)
    for case in cases:
        if case.answer and not right(case):
            groups[(case.kind, case.expect, str(case.answer.get("decision")))].append(case)
    for (kind, expect, got), found in sorted(groups.items(), key=lambda g: -len(g[1])):
        print(f"  miss {kind} want={expect} got={got}: {len(found)}")
        for case in found[:examples]:
            print(f"    {case.code} :: {case.question} :: entries={case.answer.get('entries', [])[:3]}")


# ---------------------------------------------------------------- the run


def run(settings: Settings, gens: dict[str, Generated], out: Path | None) -> None:
    """Ask the Assistant every case; with `out`, one JSON line per case and its answer."""
    from assistant.answer.ask import Assistant
    from assistant.answer.render import answer_json

    assistant = Assistant(settings)
    handle = out.open("w", encoding="utf-8") if out else None
    try:
        for gen in gens.values():
            for case in gen.cases:
                full = answer_json(assistant.ask(case.question), with_text=False)
                case.answer = {key: full[key] for key in ("decision", "entries", "read_as", "falls_to", "took_ms")}
                case.answer["candidates"] = [
                    {key: c[key] for key in ("entry", "item", "list", "status")} for c in full["candidates"]
                ]
                if handle:
                    handle.write(json.dumps({**asdict(case), "right": right(case)}, ensure_ascii=False) + "\n")
    finally:
        if handle:
            handle.close()


def ingested(settings: Settings) -> tuple[list[ItemCriteria], list[str]]:
    from assistant.storage.index import LiveIndex

    snapshot = LiveIndex(settings).view().snapshot
    passages = [p.text for p in snapshot.passages if p.kind == "control-list"]
    return snapshot.all_criteria, passages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, help="data directory to reuse (both lists are ingested if missing)")
    parser.add_argument("--list", choices=sorted(LIST_NAMES), help="one list only (default: every ingested list)")
    parser.add_argument("--limit", type=int, default=DEFAULT_LIMIT, help="threshold leaves sampled per list (0: all)")
    parser.add_argument("--chemicals", type=int, default=DEFAULT_CHEMICALS, help="chemicals sampled per list (0: all)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--show-misses", action="store_true", help="wrong answers grouped, with examples")
    parser.add_argument("--out", type=Path, help="write every case with its answer as JSON lines")
    args = parser.parse_args()
    from bench.common import bench_home

    with bench_home(args.home) as settings:
        settings = settings.model_copy(update={"audit_log": False})
        items, passages = ingested(settings)
        labels = sorted({i.list_label for i in items})
        if args.list:
            labels = [LIST_NAMES[args.list]]
        gens = {label: generate(items, passages, label, args.seed, args.limit, args.chemicals) for label in labels}
        started = time.perf_counter()
        run(settings, gens, args.out)
        took = time.perf_counter() - started
        total = sum(len(gen.cases) for gen in gens.values())
        print(f"answered {total} cases in {took / 60:.1f} min ({1000 * took / max(total, 1):.0f} ms a case)")
        print(
            f"seed {args.seed}; per list: {args.limit or 'all'} threshold leaves, {args.chemicals or 'all'} chemicals"
        )
        for label, gen in gens.items():
            report(label, gen, args.show_misses)


if __name__ == "__main__":
    main()
