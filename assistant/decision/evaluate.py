"""Three-valued evaluation of an item's criteria tree against the goods' facts.

Each leaf is met (True), not met (False) or not stated (None); `all` and `any` combine them with Kleene
logic, so one unmet threshold rules an item out while a missing fact leaves it undetermined with the
question to ask. A fact answers a leaf only when it is about the same thing: same dimension, no other
property or part named ("filter area" does not answer a heat exchanger's area), and under the leaf's
condition ("at 473 K"). Exclusions that hold defeat the item; one whose facts are not stated does not.
"""

from __future__ import annotations

import difflib
import functools
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from assistant.core.codes import CAS_RE
from assistant.core.types import (
    Check,
    Evaluation,
    Facts,
    ItemCriteria,
    Leaf,
    Material,
    Node,
    Op,
    Quantity,
    Verdict,
    leaves,
)
from assistant.knowledge.chemistry import fold, identity_text, resolve
from assistant.knowledge.goods import goods_vocabulary
from assistant.knowledge.isotopes import enriched_in
from assistant.knowledge.materials import ELEMENT_NAMES, ELEMENTS, FAMILIES, NUCLEAR_NAMES, element_symbol
from assistant.knowledge.properties import list_words
from assistant.knowledge.subjects import (
    FORMS,
    GENERIC,
    fits,
    head_term,
    military_fits,
    noun_terms,
    same_stem,
    similar,
    term,
    words,
)
from assistant.reading.facts import counted, goods_spelling, is_goods_noun, phrase_heads
from assistant.text.messages import Phrase
from assistant.text.params import (
    UNIT_WORDS,
    Threshold,
    bound_symbol,
    check_quantities,
    comparable,
    format_quantity,
    parse_quantities,
)

log = logging.getLogger(__name__)

Value = bool | None

_NEUTRAL = frozenset(
    "capacity rated nominal max maximum min minimum approx about total output input internal working operating "
    "inside outside geometric manufacturer specified continuous peak typical up "
    "than better worse less more greater lower higher least most over under above below around approximately "
    "the and with of its it is are was only just if what which has have having each per rated stated "
    "plus moins que est avec phase three-phase single-phase three single multiphase polyphase one two "
    "operation operate capable for to at in on by from pour jusqu equivalent".split()
)
_PROPERTY_WORDS = frozenset(
    "volume area surface diameter length width height thickness depth pressure temperature frequency power "
    "voltage current speed flow flow-rate rate modulus strength tensile stability control mass weight density "
    "size dimension bore stroke transfer heat specific ultimate fluorine concentration purity resolution "
    "repeatability capacitance inductance energy impulse".split()
)
_PROPERTY_SYNONYMS = {
    "stability": "control",
    "accuracy": "control",
    "precision": "control",
    "regulation": "control",
    "flowrate": "flow",
    "flow-rate": "flow",
    "throughput": "flow",
    "weight": "mass",
    "dia": "diameter",
    "bore": "diameter",
    "inlet": "input",
    "wall": "thickness",
    "fout": "frequency",
    "fmax": "frequency",
    "vacuum": "pressure",
    "velocity": "speed",
    "stored": "storage",
}
_ROOM = (288.0, 300.0)
"""A condition at room temperature ("at 293 K (20 °C)") is how values are stated anyway."""
_NON_METALS = frozenset(
    "fluoropolymer polymer plastic glass enamel ceramic graphite carbide oxide rubber elastomer "
    "alumina zirconia carbon fiber composite".split()
)
_FLUOROPOLYMERS = frozenset("ptfe pfa fep etfe ectfe pvdf pctfe fkm ffkm teflon fluoropolymer fluoroelastomer".split())
_GLASS = frozenset("glass glass-lined enamel enamelled enameled vitrified borosilicate".split())
_LIMIT = re.compile(r"^(?P<el>[A-Z][a-z]?)(?P<op>>=|>)(?P<pct>\d+(?:\.\d+)?)$")


@dataclass(frozen=True)
class _Result:
    value: Value
    deciding: Leaf | None = None
    missing: tuple[Leaf, ...] = ()
    support: tuple[Leaf, ...] = ()
    """The leaves that make a true result true, so the reason can quote every one of them."""
    neutral: bool = False
    """An exclusion that does not hold: it neither makes the item apply nor stops it."""


@dataclass
class _Run:
    """What one evaluation collects on the way: the checks made and the range pairs seen."""

    facts: Facts
    checks: dict[tuple[str, str, str], Check] = field(default_factory=dict)
    asked: dict[int, Quantity] = field(default_factory=dict)
    pairs: dict[int, Leaf] = field(default_factory=dict)
    code: str = ""
    judge_subject: bool = True
    item_subject: str = ""


def evaluate(item: ItemCriteria, facts: Facts, judge_subject: bool = True) -> Evaluation:
    """The item against the facts: applies, does not apply (with the deciding leaf) or undetermined.

    `judge_subject=False` takes the goods to be what the item names (the question named its code, a CAS
    number or a trade name) and judges its criteria alone.
    """
    run = _Run(facts, code=item.code, judge_subject=judge_subject, item_subject=item.subject)
    fitting = subject_fits(item, facts) if judge_subject else True
    tree = item.tree if item.tree is not None else implied_tree(item.subject)
    result = _node(tree, run) if tree is not None else _Result(None)
    if not fitting:
        reason = Phrase(
            "reason_not_goods", goods=facts.subject, what=item.subject or Phrase("reason_what_controls", code=item.code)
        )
        return Evaluation(item.code, "does not apply", False, reason=reason, checks=tuple(run.checks.values()))
    unknown: list[Leaf] = []
    holding = None
    for leaf in item.exclusions:
        holds = _exclusion_holds(leaf, run)
        holding = holding or (leaf if holds else None)
        if holds is None and leaf.bound is not None:
            unknown.append(leaf)
    checks = tuple(run.checks.values())
    if holding is not None:
        return Evaluation(
            item.code, "does not apply", True, holding, Phrase("reason_excluded", text=holding.text), checks=checks
        )
    if tree is None or result.neutral:
        return Evaluation(
            item.code, "undetermined", True, reason=Phrase("reason_no_criteria", code=item.code), checks=checks
        )
    if result.value is False and result.deciding is None:
        # Every branch names another kind of goods ("repair assemblies" beside "reactors"): not these goods.
        return Evaluation(
            item.code,
            "does not apply",
            False,
            reason=Phrase("reason_not_goods", goods=facts.subject, what=item.subject),
            checks=checks,
        )
    if result.value is True:
        reasons = [_reason(leaf, True, run) for leaf in result.support if id(leaf) not in _uppers(run)]
        reason = "; ".join(dict.fromkeys(r for r in reasons if r)) or _reason(result.deciding, True, run)
        return Evaluation(item.code, "applies", True, result.deciding, reason, tuple(unknown), checks)
    if result.value is False:
        return Evaluation(
            item.code, "does not apply", True, result.deciding, _reason(result.deciding, False, run), checks=checks
        )
    missing = tuple(dict.fromkeys(result.missing))
    return Evaluation(
        item.code, "undetermined", True, result.deciding, _reason(result.deciding, None, run), missing, checks
    )


def implied_tree(subject: str) -> Leaf | None:
    """The figure an item's own words imply but do not print: "Boron enriched in the boron-10 isotope [to
    greater than its natural isotopic abundance]" is boron-10 abundance above the natural one (from
    corpus/isotopes.yaml); None for any other item.

    >>> implied_tree("Boron enriched in the boron-10 isotope").bound.value
    20.4
    """
    isotope = enriched_in(subject)
    if isotope is None:
        return None
    natural = isotope.natural_pct
    return Leaf(
        kind="threshold",
        text=f"greater than its natural isotopic abundance ({natural:g} % {isotope.isotope})",
        property=f"{isotope.isotope} abundance",
        subject=subject,
        op=">",
        bound=Quantity(natural, "percent", f"{natural:g} %"),
    )


def subject_fits(item: ItemCriteria, facts: Facts) -> bool:
    """Whether the goods are the kind of thing the item names; goods without a subject always fit, and so do
    named chemicals where the item lists chemicals (their identity decides)."""
    if (facts.cas or facts.chemicals) and any(leaf.kind == "chemical" for leaf in leaves(item.tree)):
        return True
    if facts.chemicals and names_chemical(item.subject, facts.chemicals):
        return True
    # The terms stored at ingest (an entry's include its sub-items' nouns) and those of the item's own words
    # read now, so a better synonym table helps without a re-ingest.
    if _other_material(item.subject, facts.materials) or not military_fits(item.subject, set(words(facts.text))):
        return False
    terms = tuple(dict.fromkeys((*item.subject_terms, *noun_terms(item.subject))))
    head = head_term(facts.subject)
    if fits(facts.subject, facts.modifiers, terms, f"{item.subject} {' '.join(terms)}") or (
        head not in GENERIC
        and (
            any(similar(head, w) for w in (_naming_words(item.subject) | set(terms)) - GENERIC)
            or any(same_stem(head, w) for w in _nouns(item.subject) | set(terms))
        )
    ):
        return True
    if head in FORMS and _names_material(item.subject):
        # A bar or a tube is judged as its material: "aluminum alloys" names it by any word; "carbon-carbon
        # thrust chambers" are goods made of it, not it.
        named = (set(words(item.subject)) | set(terms)) - GENERIC
        made_of = set(words(" ".join([*(f"{m.name} {m.family}" for m in facts.materials), *facts.modifiers])))
        return bool((made_of - GENERIC - FORMS) & named)
    return False


_MATERIAL_NOUNS = goods_vocabulary()["material_nouns"]
_ELEMENT_NAMES = ELEMENT_NAMES | NUCLEAR_NAMES


def _names_material(subject: str) -> bool:
    """An item whose nouns are materials or semi-finished forms ("Titanium alloys", "Maraging steels",
    "Fibrous or filamentary materials"), not goods made of one ("Carbon-carbon thrust chambers").

    >>> _names_material("Maraging steels"), _names_material("Carbon-carbon thrust chambers")
    (True, False)
    >>> _names_material("Natural uranium or depleted uranium or thorium")
    True
    """
    nouns = _nouns(subject) | set(noun_terms(subject))
    return bool(nouns & (FORMS | _MATERIAL_NOUNS | _MATERIAL_QUALIFIERS | _ELEMENT_NAMES)) or not nouns


def names_chemical(subject: str, chemicals: tuple[str, ...]) -> bool:
    """An item whose subject begins with a stated chemical's first word: "Calcium" for "calcium metal",
    "Lithium enriched in the lithium-6 isotope" for "lithium fluoride enriched to 95 % lithium-6".

    >>> names_chemical("Lithium enriched in the lithium-6 isotope", ("lithium fluoride",))
    True
    >>> names_chemical("Chemical manufacturing facilities", ("lithium fluoride",))
    False
    """
    first = (words(subject) or [""])[0]
    return any(first and first == (words(c) or [""])[0] for c in chemicals)


@functools.lru_cache(maxsize=8192)
def _nouns(subject: str) -> frozenset[str]:
    """The last word of each part of a subject that is not a generic noun: what each part names ("drying" in
    "freeze-drying equipment"), which a near form of the goods' noun ("dryer") may match, unlike a qualifier
    ("freeze" is no freezer).

    >>> sorted(_nouns("Steam, gas or vapor sterilizable freeze-drying equipment"))
    ['drying', 'gas', 'steam']
    """
    out: set[str] = set()
    for part in re.split(r",|;|\bor\b|\band\b", subject):
        found = [w for w in words(part) if w not in GENERIC]
        if found:
            out.add(found[-1])
    return frozenset(out)


@functools.lru_cache(maxsize=8192)
def _naming_words(subject: str) -> frozenset[str]:
    """The words of a subject that say what the goods are: each part's noun and the words before it, and every
    word of a part whose noun is generic ("fibrous or filamentary materials"); a form or a material before
    another noun only says what that is made of ("fiber" in "fiber prepregs": a carbon fibre is no prepreg),
    while a "photomultiplier" is what "photomultiplier tubes" are.

    >>> sorted(_naming_words("Resin impregnated fiber prepregs and metal coated fiber preforms"))
    ['coated', 'impregnated', 'preform', 'prepreg', 'resin']
    >>> sorted(_naming_words("Photomultiplier tubes"))
    ['photomultiplier', 'tube']
    >>> sorted(_naming_words("Carbon or aramid fibrous or filamentary materials"))
    ['carbon', 'fiber', 'filament', 'material']
    >>> sorted(_naming_words("Rocket motor cases"))
    ['case']
    >>> sorted(_naming_words("Freeze-drying equipment"))
    ['drying', 'equipment', 'freeze-drying']
    """
    out: set[str] = set()
    for part in re.split(r",|;|\bor\b|\band\b", subject):
        found = words(part)
        if found and found[-1] in _PART_NOUNS:
            out.add(found[-1])  # a rocket motor is no "rocket motor case"
        elif found:
            # The first parts of a hyphenated word qualify its last: "freeze-drying" names drying, not freezing.
            hyphenated = [w for w in re.findall(r"[A-Za-z][A-Za-z-]*", part) if "-" in w]
            qualifiers = {term(p) for w in hyphenated for p in w.split("-")[:-1]}
            out |= (
                set(found) - qualifiers
                if found[-1] in GENERIC
                else {found[-1], *(w for w in found[:-1] if w not in FORMS and w not in _MATERIAL_QUALIFIERS)}
            )
    return frozenset(out)


_PART_NOUNS = goods_vocabulary()["part_nouns"]
"""Nouns for a piece of other goods: the goods before them are what the piece belongs to, not what it is."""


_MATERIAL_QUALIFIERS = frozenset(
    w for family in FAMILIES for w in words(family) if w not in {"steel", "alloy", "fiber", "carbide", "alloys", "cast"}
)
"""The words of material families that qualify an item's subject ("Glass fibrous ... materials", "Titanium
alloys", "Nickel powder")."""


def _other_material(subject: str, materials: tuple[Material, ...]) -> bool:
    """Whether the item's subject names materials and the goods are made of none of them: carbon fibre is no
    "Glass fibrous or filamentary materials", an aluminium tube no "Titanium alloys" tube."""
    named = set(words(subject)) & _MATERIAL_QUALIFIERS
    if not named or not materials:
        return False
    return not any(named & set(words(f"{m.name} {m.family}")) for m in materials)


def stated_chemicals(facts: Facts) -> str:
    """The chemicals the question names, each with how it was identified ("PCl3 read as phosphorus trichloride
    (formula), CAS 7719-12-2"), and the CAS numbers it wrote."""
    named = {i.cas for i in facts.identities}
    written = [cas for cas in facts.cas if cas not in named]
    return ", ".join([*written, *(identity_text(i) for i in facts.identities)] or facts.chemicals)


def nearest_listed(name: str, items: Iterable[ItemCriteria]) -> str | None:
    """The listed chemical name closest to `name` when `name` is known by its CAS number with certainty and
    that number is on no list, else None: a name the library cannot resolve is a question, never "not listed".

    ("triethyl phosphate" is CAS 78-40-0, not listed; the nearest listed name is "triethyl phosphite".)
    """
    identity = resolve(name)
    listed = [leaf for item in items for leaf in leaves(item.tree) if leaf.kind == "chemical"]
    if not identity.certain or any(identity.cas in leaf.cas for leaf in listed):
        return None
    names = {fold(n): n for leaf in listed for n in leaf.names}
    close = difflib.get_close_matches(fold(name), list(names), n=1, cutoff=0.75)
    return names[close[0]] if close else None


def material_fits(spec: str, material: Material) -> Value:
    """Whether a material fits one material spec of a list ("alloy Ni>25 Cr>20", "glass", "tantalum").

    None when the facts cannot tell (an alloy without its composition, a fluoropolymer without fluorine %).
    """
    tokens = spec.split()
    limits = [m for t in tokens if (m := _LIMIT.match(t))]
    family = " ".join(t for t in tokens if not _LIMIT.match(t))
    known = set(words(f"{material.family} {material.name}"))
    if family == "alloy":
        if known & _NON_METALS:
            return False
        return _composition_fits(limits, material.composition) if material.composition else None
    if family == "fluoropolymer":
        if not known & _FLUOROPOLYMERS:
            return False
        fluorine = material.properties.get("fluorine_pct", material.composition.get("F"))
        return (
            _composition_fits(limits, {"F": fluorine})
            if limits and fluorine is not None
            else (None if limits else True)
        )
    if family == "glass":
        return bool(known & _GLASS)
    if family == "nickel":
        return material.family.lower().strip() == "nickel" or material.composition.get("Ni", 0.0) >= 99.0
    wanted = set(words(family))
    if not wanted <= known:
        return False
    return not ({"carbide", "oxide"} & known) or bool({"carbide", "oxide"} & wanted)


def _composition_fits(limits: list[re.Match[str]], composition: dict[str, float]) -> bool:
    for limit in limits:
        have, bound = composition.get(limit["el"], 0.0), float(limit["pct"])
        if not (have >= bound if limit["op"] == ">=" else have > bound):
            return False
    return True


# --- the tree ---------------------------------------------------------------------------------------


def _node(tree: Node | Leaf, run: _Run) -> _Result:
    if isinstance(tree, Leaf):
        return _leaf(tree, run)
    facts = run.facts
    # A branch whose nouns include the goods' own ("machine") is theirs: the item's words were judged already.
    if (
        run.judge_subject
        and tree.subject_terms
        and head_term(facts.subject) not in tree.subject_terms
        and not fits(facts.subject, facts.modifiers, tree.subject_terms, " ".join(tree.subject_terms))
    ):
        return _Result(False)
    _note_pairs(tree, run)
    children = _own_material(_closest(tree.children, facts), facts) if tree.op == "any" else tree.children
    # Every alternative is still checked, so the answer can say what else the entry states.
    results = [result for child in tree.children if (result := _node(child, run)) and child in children]
    if results and all(r.neutral for r in results):
        return _Result(True, neutral=True)
    results = [r for r in results if not r.neutral]
    if tree.op == "all":
        return _all(results)
    return _any(results)


def _closest(children: tuple[Node | Leaf, ...], facts: Facts) -> tuple[Node | Leaf, ...]:
    """Alternatives for different kinds of goods ("pumps ... greater than 0.6 m3/hour, or vacuum pumps ...
    greater than 5 m3/hour"): the goods are judged by the bounds of the kind that names them most closely."""
    said = set(words(" ".join((facts.subject, *facts.modifiers))))
    scored = {
        id(c): len(said & set(words(c.subject)))
        for c in children
        if isinstance(c, Leaf) and c.kind == "threshold" and _names_goods(c.subject)
    }
    if not said or len(scored) < 2 or len({c.subject for c in children if id(c) in scored}) < 2:
        return children
    best = max(scored.values())
    return tuple(c for c in children if scored.get(id(c), best) == best)


_MATERIAL_CLASSES = frozenset({"organic", "inorganic"})


def _own_material(children: tuple[Node | Leaf, ...], facts: Facts) -> tuple[Node | Leaf, ...]:
    """Alternatives for materials by name and by class ("Carbon fibrous ..." beside "Inorganic fibrous ..."):
    goods whose material one of them names are judged by that one, never by a class's lower bounds."""
    made = set(words(" ".join(f"{m.name} {m.family}" for m in facts.materials)))
    if not made:
        return children
    named = {
        id(c): set(words(" ".join(leaf.subject for leaf in leaves(c) if leaf.kind == "threshold"))) for c in children
    }
    if not any(named[id(c)] & _MATERIAL_QUALIFIERS & made for c in children):
        return children
    return tuple(
        c for c in children if named[id(c)] & _MATERIAL_QUALIFIERS & made or not named[id(c)] & _MATERIAL_CLASSES
    )


def _unknown(results: list[_Result]) -> _Result | None:
    """Undetermined, with every missing leaf, when some result is; None when all are known."""
    unknown = [r for r in results if r.value is None]
    if not unknown:
        return None
    return _Result(None, unknown[0].deciding, tuple(leaf for r in unknown for leaf in r.missing))


def _all(results: list[_Result]) -> _Result:
    false = [r for r in results if r.value is False]
    if false:
        return next((r for r in false if r.deciding is not None), false[0])
    if (unknown := _unknown(results)) is not None:
        return unknown
    if not results:
        return _Result(None)
    first = next((r for r in results if r.deciding is not None and r.deciding.kind != "exclusion"), results[0])
    return _Result(True, first.deciding, support=tuple(leaf for r in results for leaf in r.support))


def _any(results: list[_Result]) -> _Result:
    true = [r for r in results if r.value is True]
    if true:
        return true[0]
    if (unknown := _unknown(results)) is not None:
        return unknown
    return next((r for r in results if r.deciding is not None), results[0] if results else _Result(False))


def _uppers(run: _Run) -> set[int]:
    """The upper leaf of each range pair: a range is quoted once, from its lower leaf."""
    return {id(high) for low_id, high in run.pairs.items() if high.op in ("<", "<=") and low_id != id(high)}


def _note_pairs(node: Node, run: _Run) -> None:
    """Two bounds on one property under `all` form a range: the reason quotes both."""
    leaves = [c for c in node.children if isinstance(c, Leaf) and c.kind == "threshold"]
    for low, high in zip(leaves, leaves[1:]):
        if low.property == high.property and {low.op, high.op} in ({">", "<"}, {">=", "<="}, {">", "<="}, {">=", "<"}):
            run.pairs[id(low)], run.pairs[id(high)] = high, low


def _leaf(leaf: Leaf, run: _Run) -> _Result:
    if leaf.kind == "threshold" and run.judge_subject and _other_material(leaf.subject, run.facts.materials):
        # A branch for goods of another material ("Glass fibrous ... materials" beside "Carbon ...") is no
        # branch for these goods, whatever their figures.
        return _Result(False)
    if leaf.kind in ("threshold", "count"):
        value = _threshold(leaf, run)
    elif leaf.kind == "material":
        value = _material(leaf, run.facts.materials, run.facts.wetted)
        _note_check(
            run, leaf, "material", ", ".join(m.name for m in _deciding_materials(leaf, run.facts, value)), value
        )
    elif leaf.kind == "chemical":
        value = _chemical(leaf, run.facts)
        if value is not None:
            _note_check(run, leaf, "chemical", stated_chemicals(run.facts), value)
    elif leaf.kind == "feature":
        value, said = feature_stated(leaf, run.facts.text)
        if value is None and not leaf.contrary:
            # A quality in the item's own words that descriptions rarely deny ("space-qualified") is shown
            # when stated, and otherwise left to the reader of the quoted text: it never stands alone.
            return _Result(True, neutral=True)
        _note_check(run, leaf, leaf.property, said, value)
    else:
        holds = _exclusion_holds(leaf, run)
        return _Result(False, leaf) if holds else _Result(True, neutral=True)
    return _Result(value, leaf, (leaf,) if value is None else (), (leaf,) if value is True else ())


def feature_stated(leaf: Leaf, text: str) -> tuple[Value, str]:
    """Whether a description states a feature leaf's quality (True), denies it (False) or is silent (None),
    with the words that decided. Denials are read first: "single-phase" must not count as a phase stated.

    >>> leaf = Leaf("feature", "Multiphase", property="multiphase output", names=("three-phase", "3~"),
    ...             contrary=("single-phase",))
    >>> feature_stated(leaf, "inverter 3~ 45 kVA"), feature_stated(leaf, "inverter, single-phase output")
    ((True, '3~'), (False, 'single-phase'))
    >>> feature_stated(leaf, "inverter 45 kVA")
    (None, '')
    """
    lowered = text.lower()
    for words_, value in ((leaf.contrary, False), (leaf.names if leaf.contrary else (), True)):
        for name in words_:
            if re.search(rf"(?<![\w-]){re.escape(name.lower())}(?![\w-])", lowered):
                return value, name
    if not leaf.contrary and leaf.names and all(_said(name, lowered) for name in leaf.names):
        return True, " ".join(leaf.names)
    return None, ""


def _said(word: str, lowered: str) -> bool:
    """A word of a generic feature in the description, in any inflection ("sterilized" for "sterilizable")."""
    stem = word.lower()[: max(4, len(word) - 3)]
    return re.search(rf"(?<![\w-]){re.escape(stem)}", lowered) is not None


def _note_check(run: _Run, leaf: Leaf, parameter: str, stated: str, value: Value) -> None:
    """A material or chemical condition as a check row beside the thresholds, with what the question named."""
    verdict: Verdict = "not stated" if value is None else "met" if value else "not met"
    threshold = ", ".join(leaf.materials) if leaf.kind == "material" else leaf.text
    run.checks.setdefault(
        (parameter, threshold, leaf.subject),
        Check(
            entry=run.code,
            parameter=parameter,
            threshold=threshold,
            verdict=verdict,
            subject=leaf.subject,
            stated=stated if value is not None else "",
        ),
    )


def _threshold(leaf: Leaf, run: _Run) -> Value:
    asked = _asked(leaf, run.facts, run.item_subject)
    if asked is not None and leaf.condition and not _condition_stated(leaf.condition, asked, run.facts):
        asked = None
    verdict: Verdict = "not stated" if asked is None else _compare(asked, leaf)
    if asked is not None:
        run.asked[id(leaf)] = asked
    run.checks.setdefault(
        (leaf.property, leaf.text, leaf.subject),
        Check(
            entry=run.code,
            parameter=leaf_parameter(leaf),
            threshold=leaf.text,
            verdict=verdict,
            asked=asked,
            bound=leaf.bound,
            op=leaf.op,
            subject=leaf.subject,
        ),
    )
    return None if verdict == "not stated" else verdict == "met"


_ANIMALS = frozenset({"rodents", "animals", "mice", "rats", "primates"})


def leaf_parameter(leaf: Leaf) -> str:
    """The leaf's property as a check shows it; an element's limit says whose content it bounds ("alloys ...
    more than 50%" of beryllium is the "beryllium content")."""
    if leaf.kind == "count":
        # What is counted, in the plural: "axes", "channels"; animals counted are what an exposure chamber
        # holds, its "capacity for exposure of 12 or more rodents".
        counted = "axes" if leaf.property == "axis" else leaf.property.removesuffix("s") + "s"
        return f"capacity ({counted})" if counted in _ANIMALS else counted
    element = _content_element(leaf)
    if element and not {"content", "purity"} & set(words(leaf.property)):
        return f"{ELEMENTS[element]} content"
    return leaf.property


def _compare(asked: Quantity, leaf: Leaf) -> Verdict:
    assert leaf.bound is not None and leaf.op is not None
    if leaf.kind == "count":
        value, bound = asked.value, leaf.bound.value
        holds = {">": value > bound, ">=": value >= bound, "<": value < bound, "<=": value <= bound}[leaf.op]
        return "met" if holds else "not met"
    threshold = Threshold(leaf.op, leaf.bound, leaf.text)
    return check_quantities([asked], [threshold])[0][2]


def _asked(leaf: Leaf, facts: Facts, item_subject: str | None = None) -> Quantity | None:
    """The fact that answers a leaf: the first quantity about it by name, else one about nothing else.

    Where the leaf is about other goods than the item judged (`item_subject`; None: not judged), a bare
    figure answers it only if the goods are what the leaf names."""
    if leaf.kind == "count":
        if item_subject is not None and _other_goods(leaf, item_subject, facts):
            return None
        names = (leaf.property, leaf.property + "s", "axes" if leaf.property == "axis" else "")
        if "rotary" in words(leaf.text):
            # Rotary axes are counted apart: "axes X, Z and C" has one.
            names = ("rotary axes",)
        for name in names:
            if name in facts.counts:
                return Quantity(float(facts.counts[name]), "dimensionless", f"{facts.counts[name]} {name}")
        if "rotary" not in words(leaf.text) and (n := counted(leaf.property, facts.text)) is not None:
            # Whatever the list counts ("three or more electrodes", "6 resonators"), the description counts the
            # same way ("3 electrode", "three electrodes").
            return Quantity(float(n), "dimensionless", f"{n} {leaf.property}")
        return _animal_capacity(leaf, facts)
    if leaf.property == "concentration":
        pct = facts.concentration_pct
        return None if pct is None else Quantity(pct, "percent", f"{pct:g} %")
    assert leaf.bound is not None
    threshold = [Threshold(leaf.op or ">", leaf.bound, leaf.text)]
    same_kind = [q for q in facts.quantities if comparable(q, threshold[0]) and _stage_fits(q, leaf, facts)]
    scored = [(score, q) for q in same_kind if (score := _about(q, leaf, facts))]
    if item_subject is not None and _other_goods(leaf, item_subject, facts):
        scored = [(score, q) for score, q in scored if score == 2]
    if not scored:
        return _nominal(leaf, facts) or _composition(leaf, facts)
    best = max(score for score, _ in scored)
    named = [q for score, q in scored if score == best]
    if best == 2 and len(named) > 1 and len({q.property for q in named}) == 1 and named[0].property:
        # One property stated in several states ("0.85 GPa solution annealed, 1.40 GPa aged"): the goods are
        # capable of the value that comes closest to the bound's side.
        magnitude = [q.to_pint().to_base_units().magnitude for q in named]
        pick = max if leaf.op in (">", ">=") else min
        return named[magnitude.index(pick(magnitude))]
    if "dimension" in words(leaf.property) and len(named) > 1:
        # Several linear dimensions ("4 mm thick, 2 m long"): the largest decides whether all are within a
        # bound, and whether any exceeds one.
        magnitude = [q.to_pint().to_base_units().magnitude for q in named]
        return named[magnitude.index(max(magnitude))]
    if best == 2 and len(named) > 1:
        # Several figures named by words of the leaf's property ("cutting radius 0.15 mm, cutting radius
        # out-of-roundness 0.001 mm"): the one whose own words say most of the property, and least besides.
        return max(named, key=lambda q: label_fit(_label_terms(q, facts), leaf.property))
    return named[0]


def label_fit(label: set[str], prop: str) -> tuple[int, int]:
    """How closely a figure's own words name a property: the property's words it says, then (negated) the
    words it says besides; compared as a pair, more said first.

    >>> prop = "cutting radius out-of-roundness length"
    >>> label_fit({"cutting", "radius", "length"}, prop) < label_fit({"cutting", "radius", "out-of-roundness", "length"}, prop)
    True
    >>> label_fit({"frequency"}, "frequency") > label_fit({"frequency", "range"}, "frequency")
    True
    """
    wanted = {_PROPERTY_SYNONYMS.get(w, w) for w in words(list_words(prop))} - _NEUTRAL
    return len(label & wanted), -len(label - wanted)


def _label_terms(q: Quantity, facts: Facts) -> set[str]:
    """The words a figure is named by in the description: those before it in its clause (not the goods'
    own), its label, and those after it; property synonyms folded, units and neutral words left out."""
    label = _NUMBER_START.split(q.text, maxsplit=1)[0]
    said = f"{_own_words(_words_before(q, facts.text), facts.subject)} {label} {_words_after(q, facts.text)}"
    return {_PROPERTY_SYNONYMS.get(w, w) for w in words(list_words(said)) if w not in UNIT_WORDS} - _NEUTRAL


_ANIMAL_CLASSES = {
    "rodent": re.compile(r"(?i)\b(?:rodents?|mice|mouse|rats?|hamsters?)\b"),
    "animal": re.compile(r"(?i)\b(?:primates?|monkeys?|rabbits?|ferrets?|dogs?|pigs?)\b"),
}


def _animal_capacity(leaf: Leaf, facts: Facts) -> Quantity | None:
    """An exposure apparatus's capacity for one class of animals: its ports, when the goods are for that class
    ("24 ports ... for rodent studies"); none, when the capacity stated is for the other class ("for 8 rats"
    has no capacity for 2 animals other than rodents)."""
    mine = leaf.property.removesuffix("s")
    if mine not in _ANIMAL_CLASSES:
        return None
    if "ports" in facts.counts and _ANIMAL_CLASSES[mine].search(facts.text):
        return Quantity(float(facts.counts["ports"]), "dimensionless", f"{facts.counts['ports']} ports")
    other = "animals" if mine == "rodent" else "rodents"
    return Quantity(0.0, "dimensionless", f"0 {leaf.property}s") if other in facts.counts else None


_STAGES = (
    ("annealed", re.compile(r"(?i)\bsolution[\s-]+(?:heat[\s-]+)?(?:annealed|treated)\b|\bmis\s+en\s+solution\b")),
    (
        "hardened",
        re.compile(
            r"(?i)\b(?:precipitation[\s-]+hardened|age[\s-]*hardened|aged|age?ing|hardened|"
            r"heat[\s-]+treated|vieilli|durci)\b"
        ),
    ),
    ("annealed", re.compile(r"(?i)\b(?:annealed|recuit)\b")),
)
"""The heat-treatment stages a material's figure is stated in, the solution stage first ("solution heat
treated" is no heat treatment to full strength): "aged" is the precipitation hardened stage."""


def _stage(text: str) -> str:
    """The heat-treatment stage a text names, or "".

    >>> [_stage(t) for t in ("solution heat treated", "after ageing", "in the precipitation hardened stage",
    ...                      "annealed", "measured at 20 °C")]
    ['annealed', 'hardened', 'hardened', 'annealed', '']
    """
    return next((name for name, pattern in _STAGES if pattern.search(text)), "")


def _stage_fits(q: Quantity, leaf: Leaf, facts: Facts) -> bool:
    """A figure stated for one stage ("0.85 GPa solution annealed", "aged UTS 1.8 GPa") answers only a leaf
    about that stage or about none: an annealed strength is no measure of the precipitation hardened one.

    >>> leaf = Leaf("threshold", "1.5 GPa", property="ultimate tensile strength",
    ...             condition="in the precipitation hardened stage")
    >>> text = "maraging steel sheet, tensile strength 0.85 GPa solution annealed, 1.40 GPa aged"
    >>> [_stage_fits(Quantity(v, "gigapascal", t), leaf, Facts(text=text)) for v, t in ((0.85, "0.85 GPa"),
    ...                                                                             (1.4, "1.40 GPa"))]
    [False, True]
    """
    wanted = _stage(leaf.condition)
    if not wanted:
        return True
    stated = _stage(_words_after(q, facts.text)) or _stage(_words_before(q, facts.text))
    return not stated or stated == wanted


_NOMINAL = {
    "tensile strength": ("tensile_strength_mpa", "megapascal", "MPa"),
    "strength": ("tensile_strength_mpa", "megapascal", "MPa"),
    "modulus": ("modulus_gpa", "gigapascal", "GPa"),
    "density": ("density_g_cm3", "gram/centimeter**3", "g/cm³"),
}


def _nominal(leaf: Leaf, facts: Facts) -> Quantity | None:
    """A property the question does not state but its named material has in the materials table (the nominal
    published value of "maraging 350" for a tensile strength), labelled as such in the check; a family's
    generic row gives none."""
    wanted = next(
        (v for k, v in _NOMINAL.items() if k in leaf.property.lower() and "specific" not in leaf.property.lower()), None
    )
    if (
        wanted is None
        or leaf.condition
        and not _condition_stated(leaf.condition, Quantity(20, "degree_Celsius", ""), facts)
    ):
        return None
    key, unit, shown = wanted
    for m in facts.materials:
        # A generic row ("glass (type not stated)") is no figure for a lead glass: only a named grade is.
        if key in m.properties and "not stated" not in m.name:
            value = m.properties[key]
            return Quantity(value, unit, f"{value:g} {shown} (nominal for {m.name})", property=leaf.property)
    return None


def _content_element(leaf: Leaf) -> str:
    """The element whose content a percentage leaf bounds ("nickel alloy ... more than 60%", "alloys" of
    "Beryllium metal, alloys", "nickel purity content"), or "" when the leaf bounds something else."""
    if leaf.bound is None or leaf.bound.unit != "percent":
        return ""
    said = [w for w in re.findall(r"[^\W\d_]+", leaf.property)]
    rest = {w.lower() for w in said if not element_symbol(w)} - _CONTENT_WORDS - _NEUTRAL
    if rest:
        return ""
    for text in (leaf.property, leaf.subject):
        symbols = list(dict.fromkeys(s for w in re.findall(r"[^\W\d_]+", text) if (s := element_symbol(w))))
        if len(symbols) == 1:
            return symbols[0]
        if symbols:
            return ""
    return ""


_CONTENT_WORDS = frozenset("content purity alloy alloys metal metals weight by".split())
MAJORITY_PCT = 50.0
"""Half the mass: a limit of at least this much of one element makes it the material's base, and a material
whose own base is at least this much of it cannot also be mostly another element. Not tuned: it is what
"mostly" means."""


def _composition(leaf: Leaf, facts: Facts) -> Quantity | None:
    """An element's content from the named material's nominal composition in the materials table (12 % Ni
    for 316L against "nickel alloy with more than 60 % nickel"); generic rows ("grade not stated") and
    compositions that do not add up to the whole are no answer."""
    element = _content_element(leaf)
    if not element or leaf.op is None or leaf.bound is None:
        return None
    if (
        leaf.op in (">", ">=")
        and leaf.bound.value >= MAJORITY_PCT
        and facts.materials
        and all(
            m.composition and element not in m.composition and max(m.composition.values()) >= MAJORITY_PCT
            for m in facts.materials
        )
    ):
        # Half of an element the material's own base outweighs is out of reach whatever the grade: a carbon
        # fibre is no fibre of 50 % silicon.
        m = facts.materials[0]
        base = max(m.composition, key=m.composition.__getitem__)
        rest = 100.0 - m.composition[base]
        return Quantity(
            rest,
            "percent",
            f"at most {rest:g} % {element} ({m.name} is mostly {ELEMENTS.get(base, base)})",
            property=f"{ELEMENTS[element]} content",
        )
    # An element a nominal composition leaves out lies between 0 and the unaccounted rest: it answers only a
    # limit that rest cannot cross (a 0.35 % rest is no answer to "less than 0.2 % hafnium").
    known = [
        m
        for m in facts.materials
        if m.composition
        and "not stated" not in m.name
        and (
            element in m.composition or (rest := 100.0 - sum(m.composition.values())) <= 1.0 and rest < leaf.bound.value
        )
    ]
    if not known or len(known) != len(facts.materials):
        return None
    found = [
        Quantity(
            m.composition.get(element, 0.0),
            "percent",
            f"{m.composition.get(element, 0.0):g} % {element} (nominal for {m.name})",
            property=f"{ELEMENTS[element]} content",
        )
        for m in known
    ]
    threshold = [Threshold(leaf.op, leaf.bound, leaf.text)]
    return next((q for q in found if check_quantities([q], threshold)[0][2] == "met"), found[0])


def _labelled(q: Quantity, leaf: Leaf) -> int:
    """A quantity the question labels ("modulus 230 GPa", "2 % Be") or that was derived ("specific modulus")
    answers only a leaf about the same property: a modulus is no specific modulus, a beryllium content no
    purity of nickel."""
    if q.property.endswith(" content"):
        element = element_symbol(q.property.split()[0])
        wanted = _content_element(leaf)
        if wanted:
            return 2 if wanted == element else 0
        # A purity that names no element is the content of the goods' main element ("99.95 % Ta" crucible).
        return 2 if "purity" in words(leaf.property) and not _content_rest(leaf) and q.value >= 50 else 0
    mine, theirs = _property_terms(q.property), _property_terms(leaf.property)
    return 2 if mine and theirs and mine & theirs and (mine ^ theirs) <= _QUALIFIERS else 0


_QUALIFIERS = frozenset({"ultimate", "tensile"})
"""Words that do not change a property: "ultimate tensile strength" is the "tensile strength" or "strength"."""


def _content_rest(leaf: Leaf) -> set[str]:
    return {w for w in words(leaf.property) if not element_symbol(w)} - _CONTENT_WORDS - _NEUTRAL


def _property_terms(text: str) -> set[str]:
    return {_PROPERTY_SYNONYMS.get(w, w) for w in words(text)} - _NEUTRAL


def _own_words(before: str, subject: str) -> str:
    """The words before a quantity that name it, not the goods: "shell and tube heat exchanger 10 m2" names
    the heat exchanger, so nothing but the goods is before its area."""
    tokens = re.findall(r"[^\W\d_][\w'-]*", before)
    heads = {term(w) for w in subject.split()[-1:]}
    cut = max((i for i, w in enumerate(tokens) if term(goods_spelling(w)) in heads), default=-1)
    return " ".join(tokens[cut + 1 :])


@functools.lru_cache(maxsize=4096)
def _property_spelling(word: str) -> str:
    """A near misspelling of a property word, repaired ("stabilty" -> "stability"); other words as they are.

    >>> _property_spelling("stabilty"), _property_spelling("frequncy"), _property_spelling("swing")
    ('stability', 'frequency', 'swing')
    """
    if word in _PROPERTY_WORDS or word in _PROPERTY_SYNONYMS or len(word) < 6:
        return word
    return next((known for known in sorted(_PROPERTY_WORDS | set(_PROPERTY_SYNONYMS)) if similar(word, known)), word)


def _about(q: Quantity, leaf: Leaf, facts: Facts) -> int:
    """2 when the quantity's own words name the leaf's property, 1 when they name nothing, 0 when they name
    another property or another part of the goods ("filter area" for a heat exchanger's area)."""
    if q.property:
        return _labelled(q, leaf)
    flow = _dimension(q) == "[length] ** 3 / [time]"

    def terms(text: str) -> set[str]:
        # A pump's "pumping speed" in m3/h is its flow rate, as the lists' "flow-rate" is; an invoice's "flight
        # time" is the lists' endurance (corpus/property_words.yaml).
        found = {
            _PROPERTY_SYNONYMS.get(w, w)
            for w in map(_property_spelling, words(list_words(text)))
            if w not in UNIT_WORDS
        }
        return {"flow" if flow and w == "speed" else w for w in found}

    # Words in the quantity's own text before its number name it ("filter area 5 m2"); those after it are its
    # value ("50 kg ice per 24 h").
    label = _NUMBER_START.split(q.text, maxsplit=1)[0]
    said = f"{_own_words(_words_before(q, facts.text), facts.subject)} {label}"
    if _other_side(f"{said} {_words_after(q, facts.text)}", leaf.property):
        return 0
    context = {w for w in terms(said) if len(w) > 2} - _NEUTRAL
    properties = (context | terms(_words_after(q, facts.text))) & _PROPERTY_WORDS
    others = {w for w in context - _PROPERTY_WORDS - GENERIC if "-" not in w}  # hyphenated: judged by parts
    # Words that only describe the goods ("chamber inside diameter" of a press) are excused beside a property
    # word; alone, the words just before a quantity name what it is ("swing 400 mm" is no travel length).
    named_goods = [
        facts.subject,
        *(f"{m.name} {m.family}" for m in facts.materials),
        *(facts.modifiers if properties else ()),
    ]
    goods = set(words(" ".join(named_goods)))
    about = set(words(f"{leaf.subject} {leaf.property} {leaf.text}"))
    if others - goods - about:
        return 0
    if others and not properties and others - goods <= set(words(leaf.text)) - _NEUTRAL:
        return 2  # the quantity's own words are the threshold's: "ice capacity 4 kg per 24 h" for "10 kg of ice"
    element = _content_element(leaf)
    if element and not properties and any(element_symbol(w) == element for w in context):
        return 2  # "boron equivalent 0.8 ppm" is a boron content
    wanted = terms(leaf.property) & _PROPERTY_WORDS
    part = set(words(leaf.property)) - _NEUTRAL
    if not wanted and part and part <= context:
        # The leaf names a part, not a property ("induction coils 600 mm or less in diameter"): a quantity
        # said of that part ("induction coil 300 mm diameter") answers it with its plain property. A share has
        # no plain property: named by the leaf's own words ("peak transmission 95 %", "metallic content
        # 0.05 ppm") it is that share.
        if not properties and _dimension(q) == "dimensionless":
            return 2
        return 2 if _plain_property(q, leaf, facts, properties) else 0
    if "dimension" in wanted and properties == {"diameter"} and head_term(facts.subject) in _ROUND:
        return 2  # a ball's diameter is all its linear dimensions
    if properties:
        if properties & wanted and not properties - wanted:
            return 2
        # One linear dimension ("2 m long", "inside diameter 300 mm") is no thickness or wall, but is one of
        # "all linear dimensions".
        return 1 if "dimension" in wanted and properties <= _LINEAR | {"diameter"} else 0
    return 1 if _plain_property(q, leaf, facts) else 0


_LINEAR = frozenset({"length", "width", "height", "thickness", "depth"})
_SIDES = (frozenset({"inside", "inner", "internal", "interior", "bore"}), frozenset({"outside", "outer", "external"}))
"""The two sides of a wall: an outside diameter never answers an inside one, nor the other way round."""


def _other_side(said: str, prop: str) -> bool:
    """Whether a figure's words name one side of a wall and the leaf's property the other ("4 in OD" against an
    inside diameter).

    >>> _other_side("4 in OD", "inside diameter"), _other_side("bore", "inner diameter"), _other_side("", "inside diameter")
    (True, False, False)
    """
    mine, theirs = set(words(list_words(said))), set(words(prop))
    inner, outer = _SIDES
    return bool((mine & inner and theirs & outer) or (mine & outer and theirs & inner))


def _other_goods(leaf: Leaf, item_subject: str, facts: Facts) -> bool:
    """Whether a leaf is about other goods than the item judged ("Cross flow filtration equipment" within
    "Equipment"; not "Machine tools" within "Machine tools and any combination thereof") that are not these."""
    return (
        bool(leaf.subject) and not set(words(leaf.subject)) <= set(words(item_subject)) and not _leaf_fits(leaf, facts)
    )


def _leaf_fits(leaf: Leaf, facts: Facts) -> bool:
    """Whether the goods are what a leaf's own subject names, when it names goods: a heat exchanger's bare
    "10 m2" is no "total filtration area" of "Cross flow filtration equipment"."""
    if not facts.subject or not _names_goods(leaf.subject):
        return True
    return fits(facts.subject, facts.modifiers, noun_terms(leaf.subject), leaf.subject)


def _names_goods(subject: str) -> bool:
    """Whether a leaf's subject names goods ("vacuum pumps"), not a property or a stray phrase ("specific
    tensile strength", "All types")."""
    return bool(subject) and any(is_goods_noun(t) for t in noun_terms(subject))


_NUMBER_START = re.compile(r"[-+−]?\d")
_ROUND = frozenset({"ball", "sphere", "bead", "shot"})


def _dimension(q: Quantity) -> str:
    try:
        return str(q.to_pint().dimensionality)
    except Exception:  # noqa: BLE001 - pint raises several types for units it cannot read
        return ""


_PLAIN = {
    "[length]": "length diameter size dimension width height thickness depth bore stroke travel wall span",
    "[length] ** 3": "volume capacity",
    "[length] ** 2": "area surface",
    "[length] ** 3 / [time]": "flow rate capacity speed throughput",
    "1 / [time]": "frequency rate",
    "[mass] * [length] ** 2 / [time] ** 3": "power output rating",
    "[mass] / [length] / [time] ** 2": "pressure strength tensile",
    "[temperature]": "temperature",
    "[mass]": "mass weight",
    "[mass] / [time]": "flow rate capacity",
    "[time]": "time duration",
    "[mass] * [length] ** 2 / [time] ** 3 / [current]": "voltage",
    "[current] ** 2 * [time] ** 4 / [mass] / [length] ** 2": "capacitance",
    "[mass] * [length] ** 2 / [time] ** 2 / [current] ** 2": "inductance",
    "[mass] * [length] / [time]": "impulse",
    "[current]": "current",
    "[length] / [time]": "velocity speed",
    "[mass] * [length] ** 2 / [time] ** 2": "energy",
}
"""What a bare quantity ("3 000 L", "800 Hz") can only be about: the plain property of its kind. A bare
"120 mm" answers a diameter or a length, never a wavelength; a bare "25 m2" never a filtration area."""


_FORM_LENGTH = {
    "sheet": "thickness",
    "plate": "thickness",
    "foil": "thickness",
    "strip": "thickness",
    "film": "thickness",
    "membrane": "thickness",
    "ball": "diameter",
    "sphere": "diameter",
    "rod": "diameter",
    "wire": "diameter",
    "block": "dimension",
    "ingot": "dimension",
    "billet": "dimension",
    "slab": "dimension",
    "brick": "dimension",
}
"""The one length a bare figure gives for some forms: "sheet 3 mm" is its thickness, "wire 2 mm" its diameter;
a solid piece's figures are its dimensions, never a particle size (a 60 mm tungsten block is no powder)."""


def _plain_property(q: Quantity, leaf: Leaf, facts: Facts, said: set[str] | None = None) -> bool:
    """Whether a quantity with no words of its own (or only `said`) can be about the leaf's property."""
    dimension = _dimension(q)
    plain = set(_PLAIN.get(dimension, "").split())
    form = _FORM_LENGTH.get(term(head_term(facts.subject))) if dimension == "[length]" else None
    if form and said is None:
        plain = {form}
    if said is not None:
        return bool(plain) and said <= plain
    said = set(words(leaf.property)) - _NEUTRAL
    return bool(plain) and (not said or bool(said & plain))


def _words_after(q: Quantity, text: str) -> str:
    """The words that name a quantity after it in its clause ("diameter" in "bar, 120 mm diameter")."""
    at = text.find(q.text)
    if at < 0:
        return ""
    rest = text[at + len(q.text) : at + len(q.text) + 32]
    end = re.search(r"[,;:()\n]|\d", rest)
    # Words that lead into the next number name that number, not this one.
    if end and end.group().isdigit():
        return ""
    # A new phrase ("with jacket", "and heat transfer area", "for pressure service") names other parts.
    after = _NEW_PHRASE.split(rest[: end.start() if end else None], maxsplit=1)[0].strip()
    # A dimension said as an adjective after its figure ("2 m long", "5 mm thick") is that dimension.
    return " ".join(_DIMENSION_ADJECTIVES.get(w.lower(), w) for w in after.split())


_NEW_PHRASE = re.compile(r"(?i)(?<![^\W_])(?:with|and|for|including|plus|avec|et|pour)(?![^\W_])")
_DIMENSION_ADJECTIVES = {
    "long": "length",
    "wide": "width",
    "thick": "thickness",
    "high": "height",
    "tall": "height",
    "deep": "depth",
    "longueur": "length",
    "large": "width",
    "épais": "thickness",
}


def _words_before(q: Quantity, text: str) -> str:
    """The words that introduce a quantity in its clause ("frequency control better than" for "0.1%").

    >>> _words_before(Quantity(0.1, "percent", "0.1%"), "converter 800 Hz, frequency control better than 0.1%")
    'frequency control better than'
    """
    at = text.find(q.text)
    if at <= 0:
        return ""
    clause = re.split(r"[,;:()\n]|\d", text[max(0, at - 48) : at])[-1]
    return clause.strip()


def _condition_stated(condition: str, asked: Quantity, facts: Facts) -> bool:
    """Whether the goods' value is stated under the leaf's condition; room temperature is the default."""
    wanted = [_kelvin(q) for q in parse_quantities(condition)]
    wanted = [k for k in wanted if k is not None]
    if not wanted or all(_ROOM[0] <= k <= _ROOM[1] for k in wanted):
        return True
    stated = [_kelvin(q) for q in parse_quantities(f"{asked.text} {facts.text}")]
    return any(k is not None and abs(k - w) <= 2.0 for k in stated for w in wanted)


def _kelvin(q: Quantity) -> float | None:
    try:
        return float(q.to_pint().to("kelvin").magnitude)
    except Exception:  # noqa: BLE001 - pint raises several types for units that are not temperatures
        return None


def _material(leaf: Leaf, materials: tuple[Material, ...], wetted: tuple[Material, ...] = ()) -> Value:
    """Whether the surfaces in contact are of a listed material. Of materials said to be wetted, each must be
    (a PTFE lining does not make a 316 ball listed); of others named, one listed material is taken as the
    wetted one."""
    if not materials:
        return None
    if wetted:
        values = [_any_value(material_fits(spec, m) for spec in leaf.materials) for m in wetted]
        return False if False in values else None if None in values else True
    values = [_any_value(material_fits(spec, m) for spec in leaf.materials) for m in materials]
    if True in values:
        return True
    return False if all(v is False for v in values) else None


def _deciding_materials(leaf: Leaf, facts: Facts, value: Value) -> tuple[Material, ...]:
    """The materials a material check names: the wetted ones, and of those only the unlisted when it fails."""
    if not facts.wetted:
        return facts.materials
    if value is False:
        return tuple(m for m in facts.wetted if _any_value(material_fits(s, m) for s in leaf.materials) is False)
    return facts.wetted


def _any_value(values: Iterable[Value]) -> Value:
    seen = list(values)
    return True if True in seen else (None if None in seen else False)


_STEELS = frozenset({"steel", "iron"})


def goods_metals(facts: Facts) -> set[str]:
    """The metals the goods are made of, as element symbols: named ("nickel powder"), the base of a named
    material (7075-T6 -> Al, maraging steel -> Fe), or a content of half or more ("95 % W").

    >>> sorted(goods_metals(Facts(text="nickel powder 99.5 % Ni", subject="powder", modifiers=("nickel",))))
    ['Ni']
    """
    found = {element_symbol(w) for w in (*facts.kind, *facts.modifiers, *words(facts.subject))} - {""}
    for m in facts.materials:
        named = {element_symbol(w) for w in re.findall(r"[A-Za-z]+", f"{m.family} {m.name}")} - {""}
        if set(words(m.family)) & _STEELS:
            named.add("Fe")
        base = max(m.composition, key=m.composition.get) if m.composition else ""
        base = base if base in ELEMENTS else ""  # glass is mostly oxygen: no metal
        found |= named or ({base} if base else set())
    for q in facts.quantities:
        symbol = element_symbol(q.property.removesuffix(" content")) if q.property.endswith(" content") else ""
        if symbol and q.unit == "percent" and q.value >= 50:
            found.add(symbol)
    return found


def _chemical(leaf: Leaf, facts: Facts) -> Value:
    """Whether the goods are the listed chemical: by CAS number first (written, or resolved from a name,
    formula or acronym by the chemical library), then by the listed name itself. Not the listed chemical only
    when every named chemical is known by its CAS number; an unresolved name or an ambiguous acronym is a
    question ("Which chemical exactly? Its CAS number?"), never a reason to clear."""
    known = set(facts.known_cas)
    if known & set(leaf.cas):
        return True
    listed_metals = {element_symbol(w) for n in leaf.names for w in re.findall(r"[A-Za-z]+", n)} - {"", "C", "B"}
    metals = goods_metals(facts)
    if listed_metals and metals and not listed_metals & metals and not facts.cas:
        # "Spherical aluminum powder" is not listed for nickel powder, whatever its particle size.
        return False
    listed = {fold(n) for n in leaf.names}
    if any(fold(n) in listed for n in facts.chemicals):
        return True
    asked = f" {fold(facts.text)} "
    if any(len(name) >= 6 and f" {name} " in asked for name in listed):
        return True
    if any(set(leaf.cas) & {c.rsplit("(", 1)[-1].rstrip(")") for c in i.choices} for i in facts.identities):
        return None  # an acronym one of whose meanings is this chemical
    if facts.unresolved:
        return None
    return False if facts.cas or facts.chemicals else None


_WEAPONS = re.compile(
    r"(?i)\b(?:warfare|weapons?|munitions?|military|chemical agents?|biological agents?|"
    r"nerve agents?|CW|BW|radioactive materials?)\b"
)


def _exclusion_holds(leaf: Leaf, run: _Run) -> Value:
    """An exclusion with a plain bound ("all linear dimensions 75 mm or less") holds when a fact meets it;
    others (purpose, "other than 2B104") are for the reader or the decision layer to weigh."""
    if leaf.bound is None or leaf.op is None:
        # Goods said to defend against, or to serve, weapons and warfare agents are never freed by a Note that
        # names their civil use ("... for agriculture").
        if _WEAPONS.search(run.facts.text):
            return None
        return True if _names_the_goods(leaf, run.facts) else None
    asked = _asked(leaf, run.facts, run.item_subject)
    if asked is None:
        return None
    holds = _compare(asked, leaf) == "met"
    if holds and further_condition(leaf.text):
        # The Note frees goods that meet this bound and another it joins with "and" ("less than 1 m and focal
        # length to aperture ratio equal to or greater than 4.5:1"), which the leaf does not hold: one half
        # met frees nothing.
        return None
    _note_exclusion(run, leaf, asked, holds)
    return holds


_COMPARISON = re.compile(
    r"(?i)\b(?:(?:equal\s+to\s+or\s+)?(?:greater|less|more|lower|higher)\s+than|exceeding|at\s+(?:least|most)|"
    r"between|up\s+to)\s+[-+]?\d|\d[\d.,]*\s*[^\W\d_]{0,6}\s+or\s+(?:more|less|greater|lower)\b"
)
"""A comparison with its figure ("more than 10%", "equal to or greater than 4.5:1", "50 ns or less"); "one or
more of the chemicals" is none."""


def further_condition(text: str) -> bool:
    """Whether a Note's condition joins two figures with "and", each with its comparison (a range's two ends,
    "between 300 nm and 800 nm", are one condition).

    >>> further_condition("Note: ... having any of the following: Largest optical-aperture dimension less than 1 m "
    ...                   "and focal length to aperture ratio equal to or greater than 4.5:1;")
    True
    >>> further_condition("does not control ... having a wavelength between 300 nm and 800 nm")
    False
    >>> further_condition("does not control mixtures in which the chemical is 30 % or less")
    False
    >>> further_condition('1C350 does not control "chemical mixtures" containing one or more of the chemicals in '
    ...                   'entries 1C350.1, .3 and .5 in which no chemical constitutes more than 10% by weight')
    False
    """
    clause = re.split(r"(?i)\bfollowing\b\s*:?", text)[-1]
    parts = re.split(r"(?i)\band\b", clause)
    return sum(bool(_COMPARISON.search(p)) for p in parts) > 1


_NOT_CONTROLLED = re.compile(r"(?i)\bdoes\s+not\s+(?:control|apply\s+to)\b|\bnot\s+controlled\b")
_FILLER = frozenset(
    "manufacture specially designed as for use used the of in a an such following that which "
    "both is are be any other cas".split()
)


def _names_the_goods(leaf: Leaf, facts: Facts) -> bool:
    """An exclusion without a bound holds when it names the goods as what it does not control: "does not
    control manufactures specially designed as weights or gamma-ray collimators" for a "gamma-ray collimator".
    Every word of the excluded phrase must be in the description and its last noun must name something there
    (a "water purification unit" is no "water purification")."""
    found = _NOT_CONTROLLED.search(leaf.text)
    if leaf.refers or not found or not facts.subject:
        return False
    noted = set(CAS_RE.findall(leaf.text))
    if noted and facts.cas:
        # A Note that lists chemicals by CAS number names goods of known CAS by that number only: "ammonium
        # picrate (CAS 131-74-8)" does not name ammonium perchlorate (7790-98-9) for sharing "ammonium".
        return bool(noted & set(facts.cas))
    heads = {term(h) for h in phrase_heads(facts.text)} - GENERIC
    said = set(words(facts.text))
    # A word in brackets qualifies the phrase it stands in ("Meteorological (weather) radar"): dropped, never
    # a cut that would leave "radar" alone to name every radar.
    rest, at = re.sub(r"\([^()]*\)", " ", leaf.text[found.end() :]), 0
    for phrase in re.split(r"[,;:.()]|\bor\b|\band\b", rest):
        at = rest.find(phrase, at) + len(phrase)
        content = [
            w for w in (term(t) for t in re.findall(r"[A-Za-z][A-Za-z-]*", phrase)) if w not in _FILLER and len(w) > 2
        ]
        if (
            content
            and content[-1] in heads
            and set(words(" ".join(content))) <= said
            and not _EXCLUSION_TERMS.search(rest[at:])
        ):
            return True
    return False


_EXCLUSION_TERMS = re.compile(r"(?i)\b(?:for|having|with|when|if|unless|containing|which|that|whose)\b")
"""Words that put a purpose or conditions on the goods a Note frees ("... for the repair of civil aircraft
structures, having all of the following"): naming the goods is then not enough for the Note to hold."""


_OTHER_SIDE: dict[str, Op] = {"<": ">=", "<=": ">", ">": "<=", ">=": "<"}


def _note_exclusion(run: _Run, leaf: Leaf, asked: Quantity, holds: bool) -> None:
    """A bounded exclusion as a check row on what it leaves controlled: "does not control mixtures in which
    the chemical is 10 % or less" is checked as "more than 10 %", so "not met" means the goods are excluded."""
    assert leaf.bound is not None and leaf.op is not None
    op = _OTHER_SIDE[leaf.op]
    note = leaf.text.split(":")[0] if ":" in leaf.text[:24] else Phrase("the note")
    bound = leaf.bound.text or format_quantity(leaf.bound)
    threshold = Phrase("threshold_else_excluded", op=Phrase(f"op_{op}"), bound=bound, note=note)
    verdict: Verdict = "not met" if holds else "met"
    run.checks.setdefault(
        (leaf.property, threshold, leaf.subject),
        Check(
            entry=run.code,
            parameter=leaf.property,
            threshold=threshold,
            verdict=verdict,
            asked=asked,
            bound=leaf.bound,
            op=op,
            subject=leaf.subject,
        ),
    )


# --- the reason -------------------------------------------------------------------------------------


def _reason(leaf: Leaf | None, value: Value, run: _Run) -> str:
    """One plain sentence quoting the deciding leaf."""
    if leaf is None:
        return Phrase("reason_no_branch") if value is False else ""
    if leaf.kind == "exclusion":
        return Phrase("reason_excluded", text=leaf.text)
    if leaf.kind == "feature":
        said = feature_stated(leaf, run.facts.text)[1]
        if value is None:
            return Phrase("reason_not_stated", property=leaf.property, text=leaf.text)
        return Phrase(
            "reason_meets" if value else "reason_does_not_meet", said=said, property=leaf.property, text=leaf.text
        )
    if leaf.kind == "material":
        names = ", ".join(m.name for m in _deciding_materials(leaf, run.facts, value))
        if value is None:
            return Phrase("reason_material_not_stated", text=leaf.text)
        if value:
            listed = [s for s in leaf.materials if any(material_fits(s, m) for m in run.facts.materials)]
            return Phrase("reason_material_listed", names=names, listed=", ".join(listed or leaf.materials))
        return Phrase("reason_material_not_listed", names=names, listed=", ".join(leaf.materials))
    if leaf.kind == "chemical":
        facts = run.facts
        stated = (
            stated_chemicals(facts)
            or " ".join([*(ELEMENTS[m] for m in sorted(goods_metals(facts))), facts.subject]).strip()
        )
        if value is None:
            return Phrase("reason_chemical_not_stated", text=leaf.text)
        return Phrase(
            "reason_chemical_listed" if value else "reason_chemical_not_listed", stated=stated, name=leaf.names[0]
        )
    asked = run.asked.get(id(leaf))
    if value is None and asked is not None and asked.bound is not None:
        # A stated bound that reaches both sides ("Hf < 0.5 %" against "less than 0.2 %") settles nothing.
        return f"not settled: {bound_symbol(asked)}{asked.text} does not say whether {leaf_parameter(leaf)} {leaf.text}"
    if value is None or asked is None:
        condition = f" {leaf.condition}" if leaf.condition else ""
        return Phrase("reason_not_stated", property=leaf_parameter(leaf), text=f"{leaf.text}{condition}")
    shown = bound_symbol(asked) + (asked.text or format_quantity(asked))
    pair = run.pairs.get(id(leaf))
    if pair is not None:
        low, high = (leaf, pair) if leaf.op in (">", ">=") else (pair, leaf)
        return Phrase("reason_inside" if value else "reason_outside", shown=shown, low=low.text, high=high.text)
    return Phrase(
        "reason_threshold_meets" if value else "reason_threshold_not_met",
        shown=shown,
        property=leaf_parameter(leaf),
        text=leaf.text,
    )


def describe(tree: Node | Leaf | None, depth: int = 0) -> list[str]:
    """The tree as indented lines for people: `all` / `any` and one line a leaf."""
    pad = "  " * depth
    if tree is None:
        return [f"{pad}(no checkable criteria)"]
    if isinstance(tree, Node):
        about = f" [{', '.join(tree.subject_terms)}]" if tree.subject_terms else ""
        return [f"{pad}{tree.op}{about}"] + [line for c in tree.children for line in describe(c, depth + 1)]
    if tree.kind in ("threshold", "count"):
        extra = f" {tree.condition}" if tree.condition else ""
        return [
            f"{pad}{tree.kind}: {tree.property} {tree.op} {tree.bound.value:g} {tree.bound.unit}{extra}"
            f"  ({tree.text}){' about ' + tree.subject if tree.subject else ''}"
        ]
    if tree.kind == "material":
        return [f"{pad}material: {' | '.join(tree.materials)}"]
    if tree.kind == "chemical":
        return [f"{pad}chemical: {' / '.join(tree.names)} (CAS {', '.join(tree.cas)})"]
    if tree.kind == "feature":
        denied = f"; denied by: {', '.join(tree.contrary)}" if tree.contrary else ""
        return [f"{pad}feature: {tree.property} ({tree.text}){denied}"]
    bound = f" [{tree.property} {tree.op} {tree.bound.value:g} {tree.bound.unit}]" if tree.bound else ""
    refers = f" -> {', '.join(tree.refers)}" if tree.refers else ""
    return [f"{pad}exclusion: {tree.text}{refers}{bound}"]
