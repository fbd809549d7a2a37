"""Criteria trees of control-list items, read at ingest from the list's own grammar.

Every reader produces the same `Entry`/`Item` tree, so one parser serves the CCL XML and the EU-numbered
and military PDFs. An item's own words give its subject and thresholds; its children are alternatives
(`any`) unless the text or the "; and" that ends an item says all; a "made from any of the following
materials" clause folds its children into one material leaf; a listed chemical is a chemical leaf; Notes
and "other than ..." phrases give exclusions, which defeat an item and are never thresholds to meet.

Material leaves hold specs "family [El>pct ...]" ("alloy Ni>25 Cr>20", "fluoropolymer F>35", "glass"),
which `assistant.decision.evaluate` reads; a clause that names its materials by reference ("materials identified in
Technical Note 1", "'corrosion resistant materials'") takes them from the nearest Note that lists them.
Qualities stated in words become feature leaves: a characteristic without figures under a lead-in of
characteristics, or a quality of a small vocabulary that descriptions state or deny ("multiphase" against
"single-phase").
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, replace

from assistant.core.codes import CAS_NUMBER, find_cas, find_codes
from assistant.core.types import ItemCriteria, Leaf, Node, Quantity
from assistant.knowledge.subjects import noun_terms, singular, words
from assistant.text.params import UNIT_WORDS, Threshold, parameter_name, parse_quantities, parse_thresholds, read_number
from assistant.text.script import ENGLISH_STOP
from ingest.entries import Entry, Item

log = logging.getLogger(__name__)

_LABEL = re.compile(
    r"^\s*(?:(?:(?:[a-z]{1,2}|\d{1,3})\.)*(?:[a-z]{1,2}|\d{1,3})\.?|\(?(?:[a-z]{1,4}|\d{1,2})\))\s+(?=\S)"
)
"""`a.1.`, `a.1.a` (EU/US) or `(a)`, `a)`, `(iii)` (NSG, English and French)."""
_ALL = re.compile(r"\b(?:all|both|each) of the following|\ball of the characteristics", re.I)
_ANY = re.compile(r"\b(?:any|one or more|either) of the following", re.I)
_CHARACTERISTICS = re.compile(  # the CCL ends such a lead-in with a period, the EU list with a colon
    r"(?:of the following(?:\s+\w+){0,2}|characteristics[^.:]*|\bthat|\bwhich|\bbeing|\bhaving)\s*[:;.]?\s*$"
    r"|\ball of the characteristics",
    re.I,
)
_TRAITS = re.compile(
    r"\bcharacteristics?\b|\b(?:having|has|have|with|that|which)\b[^.:;]*\bof the following\s*[:.;]?\s*$", re.I
)
"""A lead-in whose sub-items are qualities of the goods (not kinds of goods): each may be a feature."""
_PURPOSE = re.compile(
    r"\b(?:against|(?:detection|identification|detecting|identifying|protection|defen[cs]e)(?:\s+(?:or|and)\s+\w+)?"
    r"\s+(?:of|from))\s+(?:any|one or more|either)\s+of\s+the\s+following\b",
    re.I,
)
"""'designed for defense against any of the following': the sub-items are what the goods serve against or
detect, qualities of the item's goods, never other kinds of goods."""
_AS_FOLLOWS = re.compile(r"\bas follows\b|\bcomme suit\b", re.I)
_ENDS_AND = re.compile(r"[;,]?\s*\band\s*$", re.I)
_MATERIAL_CLAUSE = re.compile(
    r"(?:,\s*)?(?:\b(?:where|in which|of which)\s+)?\ball (?:wetted )?surfaces\b.*?\bmade (?:from|of)\b.*", re.I | re.S
)
_MADE_OF = re.compile(r"\b(?:made (?:of|from)|(?:made of or )?protected by|lined with)\b.*", re.I | re.S)
"""A part "made of or protected by aluminium, nickel, ... or fully fluorinated hydrocarbon polymers"."""
_DEFINES_MATERIALS = re.compile(r"\bfollowing materials?\b|\bmaterials?['’\"”]?\s+means\b", re.I)
"""A (Technical) Note listing the materials an item's clause refers to ("materials identified in Technical
Note 1", "'corrosion resistant materials' means any of the following")."""
_LISTS_MATERIALS = re.compile(r"\bmade (?:from|of)\b[^.]*\bfollowing materials?\b|\bmaterials?,? as follows", re.I)
_SUBJECT_END = re.compile(
    r"[:;(\[]|,\s*(?=as follows|other than|except|not specified|that|which|with|having|where|in which|designed"
    r"|specially|for|usable|capable|being|and related)|(?<![\w-])(?:with|having|that|which|where|designed|specially|capable"
    r"|usable|utili[sz]ing|using|other than|except|not specified|therefor|as follows|for|of|operating|providing|composed|containing"
    r"|in which|made|incorporating|according|equipped|also|under|identified|able|when|if|to|by|controlled)\b",
    re.I,
)
_AKA = re.compile(r"\((?:a\.k\.a\.|also known as)\s*([^()]*)\)", re.I)
_PAREN = re.compile(r"\([^()]*\)")
_QUOTES = re.compile(r"[\"“”‘’']")
_PROPERTY_STOP = frozenset(
    "with having have has of at providing achieving and or but than whose in for by to from is are be capable "
    "operating a an the which that when where composed containing".split()
)
_CONDITION_PHRASE = re.compile(
    r"\b(?:according\s+to|in\s+accordance\s+with|(?:as\s+)?(?:measured|determined|specified)\s+(?:by|according\s+to"
    r"|in\s+accordance\s+with))\b[^,;:]*?(?=\bwith\b|\bequal\b|\bbetter\b|\bless\b|\bmore\b|\bgreater\b|$)"
    r"|\bwith\s+all\s+compensations\s+available\b",
    re.I,
)
"""A standard or procedure a value is stated under ("according to ISO 230/2 (2006) with all compensations
available"): a condition of the measurement, never the property's name."""
_MEASURES = frozenset(
    "volume area surface diameter length width height thickness depth pressure temperature frequency power voltage "
    "current speed rate modulus strength stability mass weight density size dimension bore stroke capacity purity "
    "resolution accuracy repeatability content concentration energy force torque vacuum time flow flux range "
    "efficiency resistance conductivity output input throughput load thrust impulse velocity acceleration "
    "sensitivity bandwidth wavelength span travel error drift noise fluence dose yield precision capacitance "
    "inductance activity".split()
)
"""Nouns that name a measurable property: picked words without one ("operation" above 1 123 K) are no
property's name, so the quantity's kind names it."""
_OF_FIGURE = re.compile(r"([A-Za-z][\w-]*(?:\s+[A-Za-z][\w-]*){0,4})\s+of\s+(?=\d)")
_IN_DIMENSION = re.compile(
    r"^\s*(?:or\s+(?:more|less|greater)\s+)?in\s+(?P<dim>diameter|length|width|height|thickness|depth|size|"
    r"diagonal|span)\b",
    re.I,
)
_COMPOSITION_VERBS = frozenset("composed containing consisting comprising".split())
_CONDITION = re.compile(
    r"^[\s,)]*(?:when\s+measured\s+)?at\s+(?:a\s+temperature\s+of\s+)?(?P<q>[-−]?\d[\d.,\s]*\s?(?:K|°\s?C|ºC))"
    r"(?:\s*\([^()]*\))?",
    re.I,
)
_EXCLUDES = re.compile(  # NSG notes: "Paragraph A.1.1. does not include", and an "except:" list
    r"\b(?:does|do)\s+not\s+(?:control|apply)|\bnot\s+controlled\b|\bexclude[sd]\b|\bdecontrol|\bis\s+not\s+subject\b"
    r"|\b(?:paragraph|le\s+paragraphe)\s+[\w.()]+\s+(?:does\s+not\s+include|ne\s+vise\s+pas)\b|^(?:except|sauf)\s*:",
    re.I,
)
_OTHER_THAN = re.compile(
    r"\b(?:other than|except|excluding|not specified in|not controlled by)\b.*?(?=,\s|\(|;|:|\.\s|\.$|$)", re.I | re.S
)
_EXCEPT_CLAUSE = re.compile(r"\(\s*except\b[^()]*\)|\bexcept\b[^;()]*", re.I)
"""An "except ..." phrase in an item's text: its figures bound what the exclusion frees ("except Aramid ...
having 0.25 percent or more ... of an ester based fiber surface modifier"), never what the item controls."""
_POINTER = re.compile(r"Related (?:Controls|Definitions)|Reasons? for Control", re.I)
"""Preamble lines that point elsewhere or define terms: never exclusions of this entry."""
_QUALIFIED = re.compile(r"\b(?:for|designed|specially|used|intended|when|if|unless|containing)\b", re.I)
"""A purpose or condition beside a decontrol's bound, which facts cannot show: such an exclusion keeps no bound."""
_EXCLUDED_GOODS = re.compile(
    r"^.*?\b(?:does|do)\s+not\s+(?:control|apply\s+to)\s+(?:the\s+following\s*:?\s*)?|^.*?\bnot\s+controlled\s*:?\s*",
    re.I | re.S,
)
_NOTE_CLAUSE = re.compile(r"\n(?=[a-z]\.\s|\(?[a-z]\)\s)")
_MIXTURE_NOTE = re.compile(
    r"mixtures\W*\s+containing\s+one\s+or\s+more\s+of\s+the\s+chemicals\s+specified\s+(?:in|by)\s+entr(?:y|ies)\s+"
    r"(?P<entries>[\dA-Ea-e.,\s]+?(?:\s+and\s+\.?[\da-e.]+)?)\s+in\s+which\s+no\s+individually\s+specified\s+chemical\s+"
    r"constitutes\s+more\s+than\s+(?P<pct>\d+(?:[.,]\d+)?)\s?%",
    re.I,
)
_DESTINATION = re.compile(
    r"\bfor\s+(?:exports?|shipments?|transfers?)\s+to\b|\b(?:when|if)\s+(?:exported|shipped|transferred)\s+to\b"
    r"|\b(?:destined|exported)\s+(?:for|to)\s+[\"“']?(?:States?|countr|destinations?|Country\s+Group|end[- ]users?)"
    r"|\bStates?\s+(?:not\s+)?Party\b|\bCountry\s+Groups?\b",
    re.I,
)
"""A Note that holds for some destinations only ("For exports to 'States Party to the CWC'")."""
_COUNT = re.compile(
    r"\b(?:(?P<n1>\d{1,3}|two|three|four|five|six|seven|eight|nine|ten)\s+or\s+more"
    r"|(?P<more>more|greater)\s+than\s+(?P<n2>\d{1,3}|two|three|four|five|six)"
    r"|(?P<less>fewer|less)\s+than\s+(?P<n3>\d{1,3}|two|three|four|five|six))"
    r"\s+(?:(?!or\b|and\b|than\b)[a-z-]+\s+)?(?P<noun>[a-z-]{3,}(?:s|ae|ice))\b",
    re.I,
)
"""A count of parts ("Five or more axes", "12 or more rodents", "two or more electron-beam sources")."""
_PARTS = re.compile(
    r"\b(?:(?P<less>less|fewer)|more|greater)\s+than\s+(?P<a>\d+)\s+parts?\s+(?P<x>[a-z]+)\s+(?:to|per|in)\s+"
    r"(?P<b>\d[\d,\s]*?)\s+parts?\s+(?P<y>[a-z]+)",
    re.I,
)
"""A proportion stated in parts ("less than 1 part hafnium to 500 parts zirconium"): a share in percent."""
_NOT_COUNTED = frozenset(
    "times percent cycles decibels degrees bits bytes watts volts amperes pascals kelvins hertz "
    "tonnes tons grams pounds inches feet minutes years samples rads grays msps words frames "
    "flashes calculations gigabytes megabytes lines features frequencies particles ohms".split()
)
"""Plural nouns after "N or more" that are units or measures, not parts to count."""
_NUMBERS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10}
_ELEMENTS = {
    "nickel": "Ni",
    "chromium": "Cr",
    "fluorine": "F",
    "molybdenum": "Mo",
    "iron": "Fe",
    "silicon": "Si",
    "copper": "Cu",
    "cobalt": "Co",
    "titanium": "Ti",
}
_PERCENT_OF = re.compile(
    r"(?P<more>more than|at least|over|exceeding)?\s*(?P<pct>\d+(?:[.,]\d+)?)\s*(?:%|per\s?cent)\s*(?P<or_more>or more\s+)?"
    r"(?:by weight\s+)?(?:of\s+)?(?P<el>" + "|".join(_ELEMENTS) + r")\b",
    re.I,
)
_FAMILIES = [
    (re.compile(r"fluoropolymer|fluorinated (?:hydrocarbon )?polymer|fluoroelastomer", re.I), "fluoropolymer"),
    (re.compile(r"\bglass|\benamel|vitrified", re.I), "glass"),
    (re.compile(r"silicon carbide", re.I), "silicon carbide"),
    (re.compile(r"titanium carbide", re.I), "titanium carbide"),
    (re.compile(r"graphite", re.I), "graphite"),
    (re.compile(r"alumina|alumin(?:i)?um oxide", re.I), "alumina"),
    (re.compile(r"zirconia|zirconium oxide", re.I), "zirconia"),
    (re.compile(r"ferrosilicon|high[- ]silicon (?:iron|cast iron)", re.I), "ferrosilicon"),
    (re.compile(r"^ceramic", re.I), "ceramic"),
    (re.compile(r"^stainless steel", re.I), "stainless steel"),
    (re.compile(r"^tantalum\b(?! carbide)", re.I), "tantalum"),
    (re.compile(r"^titanium\b(?! carbide)", re.I), "titanium"),
    (re.compile(r"^zirconium\b(?! oxide)", re.I), "zirconium"),
    (re.compile(r"^niobium\b", re.I), "niobium"),
    (re.compile(r"^nickel\b", re.I), "nickel"),
    (re.compile(r"^alumin(?:i)?um\b(?! oxide)", re.I), "aluminium"),
]


_ROUTE = "made from listed powder or particulate"
"""The production route a heading sets for all its sub-items ("Metal alloys, as follows, made from the powder
... controlled by 1C002.c"): each sub-item carries it, so none applies by its figures alone."""
_POLAR = (
    (
        re.compile(r"\bmulti-?phase\b|\bpolyphase\b", re.I),
        "multiphase output",
        ("multiphase", "multi-phase", "polyphase", "three-phase", "three phase", "3-phase", "3 phase", "3ph", "3~"),
        ("single-phase", "single phase", "monophase", "1-phase", "1 phase", "one-phase"),
    ),
    (
        re.compile(r"\bfully enclosed\b", re.I),
        "fully enclosed workspace",
        ("fully enclosed", "closed front", "glovebox", "glove box", "class iii"),
        ("open front", "open-front"),
    ),
    (
        re.compile(r"\binterchangeable\b", re.I),
        "interchangeable",
        ("interchangeable", "replaceable"),
        ("non-interchangeable", "not interchangeable"),
    ),
    (
        re.compile(r"\bautonomous\b", re.I),
        "autonomous flight control and navigation",
        ("autonomous", "autopilot", "waypoint"),
        ("manually piloted", "manual control only", "not autonomous"),
    ),
    (
        re.compile(r"\bnegative pressure\b", re.I),
        "negative pressure operation",
        ("negative pressure", "class iii"),
        ("positive pressure only",),
    ),
    (
        re.compile(r"\bsteri[lz]i[sz]able\b|\bsteri[lz]i[sz]ed in situ\b", re.I),
        "sterilizable",
        ("sterilizable", "sterilisable", "autoclavable", "sip", "steam sterilizable", "steam sterilisable"),
        ("non-sterilizable", "non-sterilisable", "not sterilizable", "not sterilisable"),
    ),
    # A production route the goods cannot show by their figures: unstated, it is asked, never taken as met.
    (
        re.compile(r"\bmade\s+from\s+(?:the\s+)?(?:powder|particulate)", re.I),
        _ROUTE,
        ("powder metallurgy", "powder-metallurgy", "p/m", "made from powder", "sintered", "hot isostatically pressed"),
        ("wrought", "ingot metallurgy", "cast", "casting", "conventionally melted"),
    ),
)
"""Qualities the lists require in words that a description states or denies: the pattern in the list's
text, the feature's name, words that show it, words that deny it. A general vocabulary, never one entry's."""
_TRAIT_POLAR = (
    (
        re.compile(r"\bnumerical(?:ly)? control|\bcomputer control", re.I),
        "numerical or computer control",
        (
            "cnc",
            "numerical control",
            "numerically controlled",
            "computer control",
            "computer controlled",
            "computer-controlled",
        ),
        ("non-cnc", "manually operated", "manual machine", "no numerical control"),
    ),
)
"""Qualities read as `_POLAR`'s only where a sub-item states them as a characteristic of its own ("can be
equipped with 'numerical control' units or a computer control"); in a heading they only describe the goods."""
_FEATURE_STOP = ENGLISH_STOP | frozenset(
    "as any all its their be is are being capable capability capabilities able means designed specially "
    "having have has following characteristics controlled specified identified involving out into when".split()
)


def _features(text: str, whole: bool) -> list[Leaf]:
    """Feature leaves of an item's words: each quality of the `_POLAR` vocabulary it names, or, when `whole`
    (a characteristic stated without figures), the item's own words as one feature.

    >>> [(f.property, f.contrary[0]) for f in _features("Multiphase output providing a power of 40 VA or greater;", False)]
    [('multiphase output', 'single-phase')]
    >>> _features("An autonomous flight control and navigation capability; or", True)[0].property
    'autonomous flight control and navigation'
    >>> _features("Able to operate at negative pressure;", True)[0].names
    ('negative pressure', 'class iii')
    >>> _features("According to the manufacturer's specifications, can be equipped with “numerical control” units;",
    ...           True)[0].property
    'numerical or computer control'
    >>> _features("Means to safely manipulate items in the workspace; and", True)[0].property
    'means to safely manipulate items in the workspace'
    """
    found = [
        Leaf(
            kind="feature",
            text=_feature_text(text) if whole else _phrase_at(text, m.start(), m.end()),
            property=name,
            names=shows,
            contrary=denies,
        )
        for pattern, name, shows, denies in (*_POLAR, *(_TRAIT_POLAR if whole else ()))
        if (m := pattern.search(text))
    ]
    if found or not whole:
        return found[:1] if whole else found
    shown = _feature_text(text)
    content = [w.lower() for w in re.findall(r"[A-Za-z][\w-]+", shown) if w.lower() not in _FEATURE_STOP and len(w) > 2]
    if not content or re.search(r"\d", shown) or find_codes(shown) or _PLACEHOLDER.fullmatch(shown):
        return []
    name = re.sub(r"^(?:an?|the)\s+", "", _PAREN.sub(" ", _QUOTES.sub("", shown)), flags=re.I)
    return [Leaf(kind="feature", text=shown, property=" ".join(name.lower().split()[:8]), names=tuple(content[:4]))]


_PLACEHOLDER = re.compile(r"\[?\s*reserved\s*\]?|not\s+used|deleted", re.I)
"""Lines that hold a place in the numbering and say nothing about the goods."""


def _phrase_at(text: str, start: int, end: int) -> str:
    """The quality's words with the noun after them ("Multiphase output")."""
    after = re.match(r"\s+(?![Oo]r\b|[Aa]nd\b)([A-Za-z-]+)", text[end:])
    return " ".join((text[start:end] + (after.group(0) if after else "")).split())


def _feature_text(text: str) -> str:
    return re.sub(r"[;,.]?\s*(?:\b(?:and|or)\b)?\s*[;,.]?\s*$", "", text).strip()


@dataclass
class _Built:
    """One item's criteria and descendants', with what its parent needs to combine it."""

    items: list[ItemCriteria]
    tree: Node | Leaf | None
    own_exclusions: tuple[Leaf, ...]
    terms: tuple[str, ...]
    inherited: bool


def criteria_of(entry: Entry, source: str, list_label: str, version_id: str) -> list[ItemCriteria]:
    """One ItemCriteria for the entry and for each of its sub-items, entry first, in document order."""
    meta = (source, list_label, version_id)
    preamble = _note_blocks([line for line in entry.text.split("\n")[1:] if not _POINTER.match(line)])
    exclusions = tuple(_exclusions_in(line, entry.code) for line in preamble if _EXCLUDES.search(line))
    built = _build(
        entry,
        entry.title or entry.text,
        meta,
        "",
        (),
        tuple(x for xs in exclusions for x in xs),
        False,
        (),
        ("\n".join(preamble),),
    )
    return [
        replace(c, exclusions=_strictest_mixture_bounds([x for x in c.exclusions if _covers(x, c.code)]))
        for c in built.items
    ]


def _note_blocks(lines: list[str]) -> list[str]:
    """Preamble lines with a Note's lettered clauses joined to it: the CCL puts "This entry does not control
    the following:" and its "a. ...", "b. ..." on lines of their own.

    >>> _note_blocks(["Related Definitions: N/A", "ECCN Controls: This entry does not control the following:",
    ...               "a. Filamentary nickel powders;", "b. Sheets.", "Items: see heading"])[1].splitlines()[1:]
    ['a. Filamentary nickel powders;', 'b. Sheets.']
    """
    blocks: list[str] = []
    for line in lines:
        if (
            blocks
            and blocks[-1].rstrip().endswith((":", ";"))
            and re.match(r"^\(?[a-z0-9]{1,3}[.)]\s", line)
            and _EXCLUDES.search(blocks[-1])
        ):
            blocks[-1] += "\n" + line
        else:
            blocks.append(line)
    return blocks


def _covers(note: Leaf, code: str) -> bool:
    """A Note that names its items covers those and their sub-items only.

    >>> _covers(Leaf(kind="exclusion", text="", scope=("1C350.1",)), "1C350.1"), _covers(Leaf(kind="exclusion", text="", scope=("1C350.1",)), "1C350")
    (True, False)
    """
    return not note.scope or any(
        code.upper() == s.upper() or code.upper().startswith(s.upper() + ".") for s in note.scope
    )


def _strictest_mixture_bounds(notes: list[Leaf]) -> tuple[Leaf, ...]:
    """Of Notes that free the same goods at different limits for different destinations (mixtures up to 10 %
    for States not Party to the CWC, up to 30 % for States Party), only the strictest limit decides: the
    destination is not a fact of the goods, so goods between the two stay open, never cleared. A Note
    freeing goods up to a bound is strictest at its lowest bound, one freeing goods above it at its highest;
    the other Notes keep their words without a bound."""

    def key(note: Leaf) -> tuple[tuple[str, ...], str, bool] | None:
        if note.bound is None or note.op is None or not _DESTINATION.search(note.text):
            return None
        return note.scope, note.property, note.op in ("<", "<=")

    strictest: dict[tuple[tuple[str, ...], str, bool], float] = {}
    for note in notes:
        if (k := key(note)) is not None and note.bound is not None:
            pick = min if k[2] else max
            strictest[k] = pick(strictest.get(k, note.bound.value), note.bound.value)
    return tuple(
        replace(note, property="", op=None, bound=None)
        if (k := key(note)) is not None and note.bound is not None and note.bound.value != strictest[k]
        else note
        for note in notes
    )


def strip_label(text: str) -> str:
    """An item's words without its label: "a.1. Reaction vessels" -> "Reaction vessels"."""
    return " ".join(_LABEL.sub("", text, count=1).split())


def subject_phrase(text: str) -> str:
    """What kind of thing an item names, in its own words, up to the first qualifier.

    >>> subject_phrase("Heat exchangers or condensers with a heat transfer surface area of less than 20 m2")
    'Heat exchangers or condensers'
    >>> subject_phrase("“Isostatic presses”, other than those controlled by 2B004 or 2B104, and related equipment")
    'Isostatic presses'
    """
    return _subject_words(strip_label(text))


def _subject_words(text: str) -> str:
    """`subject_phrase` of words already without their label, whose first figure is goods' own ("304 and 316
    stainless steel valves"); words that open with a quantity ("0.9 GPa in the solution annealed stage")
    state a property and name no goods.

    >>> _subject_words("304 and 316 stainless steel valves, piping, tanks and vessels.")
    '304 and 316 stainless steel valves, piping, tanks and vessels'
    >>> _subject_words("0.9 GPa in the solution annealed stage; or")
    ''
    """
    if (figure := re.match(r"\s*[-−]?\d[\d.,]*\s?\S+", text)) and parse_quantities(figure.group(0)):
        return ""
    text = _AKA.sub(r" or \1", text)
    text = re.sub(r"^\s*all\s+(?:types|kinds)\s+of\s+", "", text, flags=re.I)
    text = _PAREN.sub(" ", _QUOTES.sub("", text))
    cut = _SUBJECT_END.search(text)
    head = text[: cut.start()] if cut else text
    return " ".join(head.replace(" ,", ",").split()[:12]).strip(" ,.;")


def material_specs(text: str) -> tuple[str, ...]:
    """The material specs one line of a materials list names.

    >>> material_specs("Alloys with more than 25% nickel and 20% chromium by weight;")
    ('alloy Ni>25 Cr>20',)
    >>> material_specs("Nickel or alloys with more than 40% nickel by weight;")
    ('nickel', 'alloy Ni>40')
    >>> material_specs("Fluoropolymers (polymeric or elastomeric materials with more than 35% fluorine by weight);")
    ('fluoropolymer F>35',)
    """
    line = _QUOTES.sub("", strip_label(text))
    limits = _limits(line)
    specs = [family for pattern, family in _FAMILIES if pattern.search(line)]
    if specs and specs[0] == "fluoropolymer" and limits:
        specs[0] = f"fluoropolymer {limits}"
    if re.search(r"\balloys?\s+(?:with|containing)\b", line, re.I) and limits:
        specs.append(f"alloy {limits}")
    return tuple(dict.fromkeys(specs))


def _limits(line: str) -> str:
    """ "more than 25% nickel and 20% chromium" -> "Ni>25 Cr>20" (a bare second figure keeps the comparator)."""
    out, op = [], ">"
    for m in _PERCENT_OF.finditer(line):
        op = ">=" if m["or_more"] else (">" if m["more"] else op)
        out.append(f"{_ELEMENTS[m['el'].lower()]}{op}{m['pct'].replace(',', '.')}")
    return " ".join(out)


def chemical_leaf(text: str) -> Leaf | None:
    """A listed chemical: its name(s) and CAS number(s), or None when the line names no CAS number.

    >>> chemical_leaf("c.2. (C.A.S. #868-85-9) Dimethyl phosphite (dimethyl hydrogen phosphite);").names
    ('dimethyl phosphite', 'dimethyl hydrogen phosphite')
    """
    line = strip_label(text)
    cas = tuple(find_cas(line))
    if not cas:
        return None
    bare = re.sub(rf"\(?\s*(?:C\.?A\.?S\.?\s*(?:No\.?|#)?\s*)?{CAS_NUMBER}\s*\)?,?", " ", line)
    bare = re.sub(r"[;.]?\s*(?:\b(?:and|or)\b)?\s*$", "", bare.strip())
    bare = re.sub(r"^see\b.*?\bfor\s+", "", re.sub(r"\(\s*(β|beta|α|alpha)\s*\)", r"\1", bare, flags=re.I), flags=re.I)
    parts = re.split(r"\s*[\[(]\s*|\s*[\])]\s*|\s+or\s+", bare)
    names = tuple(dict.fromkeys(" ".join(p.split()).strip(" ,;").lower() for p in parts if len(p.strip(" ,;")) > 2))
    if not names:
        return None
    return Leaf(kind="chemical", text=line.rstrip(" ;,"), names=names, cas=cas)


def _build(
    item: Item,
    text: str,
    meta: tuple[str, str, str],
    parent_subject: str,
    parent_terms: tuple[str, ...],
    inherited_exclusions: tuple[Leaf, ...],
    inherit: bool,
    parent_leaves: tuple[Leaf, ...],
    notes_above: tuple[str, ...] = (),
    traits: bool = False,
    opening: str = "",
) -> _Built:
    own = strip_label(text)
    phrase = _subject_words(own)
    terms = noun_terms(phrase)
    inherited = inherit or not terms
    subject, terms = (parent_subject, parent_terms) if inherited else (_specific(phrase, parent_subject), terms)
    chemical = chemical_leaf(own)
    if chemical:
        terms = tuple(dict.fromkeys((*parent_terms, "chemical", *words(" ".join(chemical.names)))))
        subject, inherited = chemical.names[0], True
    notes = (*item.notes, *notes_above)
    material = _material_leaf(item, own, notes)
    body = own if chemical is None else ""
    if chemical is None and (clause := _MATERIAL_CLAUSE.search(own)):
        body = own[: clause.start()]
    elif chemical is None and material is not None:
        body = _PERCENT_OF.sub(" ", own)  # an alloy's composition is the material's, a purity stays the goods
    if opening and not phrase and body:
        body = f"{opening} {body}"
    groups = _threshold_groups(_EXCEPT_CLAUSE.sub(" ", body), subject)
    whole = (
        traits
        and not parent_leaves
        and not groups
        and material is None
        and chemical is None
        and not item.children
        and not _EXCLUDES.search(own)
        and not _OTHER_THAN.search(own)
    )
    features = _features(body, whole) if chemical is None else []
    if features:
        groups = [[*group, *features] for group in groups] or [features]
    leaves = tuple(leaf for group in groups for leaf in group)
    exclusions = tuple(_exclusions_in(own, item.code)) + tuple(
        x for note in item.notes if _EXCLUDES.search(note) for x in _exclusions_in(note, item.code)
    )
    all_exclusions = inherited_exclusions + exclusions
    if parent_leaves and material is None and (specs := material_specs(own)):
        material = Leaf(kind="material", text=own.rstrip(" ;,."), materials=specs)
    folds = material is not None and bool(item.children) and _LISTS_MATERIALS.search(own) is not None
    purpose = _PURPOSE.search(own) is not None
    characteristics = folds or purpose or bool(_CHARACTERISTICS.search(own))
    routes = (*(x for x in parent_leaves if x.property == _ROUTE), *(f for f in features if f.property == _ROUTE))
    children = [
        _build(
            child,
            child.text,
            meta,
            subject,
            terms,
            all_exclusions,
            characteristics,
            (*parent_leaves, *leaves) if folds else routes,
            notes,
            purpose or _TRAITS.search(own) is not None,
            _open_comparison(own),
        )
        for child in item.children
    ]
    own_tree = _any_of_groups(groups)
    if folds:
        parts = [p for p in (own_tree, material) if p is not None]
    else:
        alternatives = _children_node(own, item.children, children, item.text)
        parts = [p for p in (own_tree, material, chemical, alternatives) if p]
    if parent_leaves:
        parts = [*parent_leaves, *parts]
    tree = parts[0] if len(parts) == 1 else (Node("all", tuple(parts)) if parts else None)
    full_terms = terms
    if not characteristics:
        full_terms = tuple(dict.fromkeys((*terms, *(t for c in children if not c.inherited for t in c.terms))))
    node = tree if isinstance(tree, Node) or tree is None else Node("all", (tree,))
    criteria = ItemCriteria(
        code=item.code,
        source=meta[0],
        list_label=meta[1],
        version_id=meta[2],
        subject=subject,
        subject_terms=full_terms,
        tree=node,
        exclusions=all_exclusions,
    )
    return _Built([criteria, *(c for b in children for c in b.items)], tree, exclusions, full_terms, inherited)


_VAGUE = frozenset("other specific related certain such following general".split())
"""Words before a parent's noun that say nothing of what kind the goods are ("Other technology")."""


_OPEN_COMPARISON = re.compile(
    r"(?:\b(?:equal\s+to\s+or\s+)?(?:greater|more|less|lower|higher|better|worse)\s+than|\bat\s+least|\bexceeding"
    r"|\bup\s+to)\s*:?\s*$",
    re.I,
)


def _open_comparison(own: str) -> str:
    """The words of a lead-in that ends on a comparator ("Having an ultimate tensile strength, measured at 20 °C,
    equal to or greater than:"), which its sub-items' figures complete ("0.9 GPa in the solution annealed
    stage"); a measuring temperature between commas is left out, as it would split the property from its figure.

    >>> _open_comparison("Having an ultimate tensile strength, measured at 20 °C, equal to or greater than:")
    'Having an ultimate tensile strength equal to or greater than'
    >>> _open_comparison("Valves having both of the following characteristics:")
    ''
    """
    if not _OPEN_COMPARISON.search(own):
        return ""
    return " ".join(re.sub(r",\s*(?:when\s+)?measured\s+at\s+[^,]*,", " ", own).rstrip(" :").split())


def _specific(phrase: str, parent_subject: str) -> str:
    """A sub-item that names its goods by a bare head noun ("Machines" under "Flow forming machines, spin
    forming machines") keeps the parent's words for them: what kind of machine is the item's point.

    >>> _specific("Machines", "Flow forming machines, spin forming machines")
    'Flow forming machines, spin forming machines'
    >>> _specific("Valves", "Pumps, valves and compressors"), _specific("Technology", "Other technology")
    ('Valves', 'Technology')
    """
    heads = set(noun_terms(phrase))
    if not heads or set(words(phrase)) - heads:
        return phrase
    parts = [
        " ".join(part.split())
        for part in re.split(r",|;|\band\b|\bor\b", parent_subject)
        if set(noun_terms(part)) & heads
    ]
    if not any(set(words(part)) - heads - _VAGUE for part in parts):
        return phrase
    return ", ".join(parts)


def _children_node(text: str, items: list[Item], built: list[_Built], whole: str = "") -> Node | None:
    """The children as alternatives, or all of them when the text or a "; and" says so.

    Kinds of goods listed "as follows" are alternatives whatever joins them: the NSG lists end such a
    list with "; and" (plutonium; and uranium 233), which there only closes the enumeration.
    """
    branches: list[Node | Leaf] = []
    for child in built:
        parts = [p for p in (child.tree, *child.own_exclusions) if p is not None]
        if not parts and child.inherited:
            continue
        if child.inherited:
            branches.append(parts[0] if len(parts) == 1 else Node("all", tuple(parts)))
        else:
            branches.append(Node("all", tuple(parts), subject_terms=child.terms))
    if not branches:
        return None
    goods = _AS_FOLLOWS.search(f"{text} {whole}") is not None and not any(child.inherited for child in built)
    every = bool(_ALL.search(text)) or (
        not _ANY.search(text) and not goods and any(_ENDS_AND.search(strip_label(c.text)) for c in items[:-1])
    )
    if len(branches) == 1 and isinstance(branches[0], Node) and not branches[0].subject_terms:
        return branches[0]
    return Node("all" if every else "any", tuple(branches))


def _any_of_groups(groups: list[list[Leaf]]) -> Node | Leaf | None:
    nodes: list[Node | Leaf] = [g[0] if len(g) == 1 else Node("all", tuple(g)) for g in groups if g]
    if not nodes:
        return None
    return nodes[0] if len(nodes) == 1 else Node("any", tuple(nodes))


def _material_leaf(item: Item, own: str, notes: tuple[str, ...] = ()) -> Leaf | None:
    """The wetted-surfaces clause with the specs its children, its own words or the Note it refers to list;
    or a part "made of or protected by" listed materials.

    The Note is the nearest one (the item's own, then its parents') that lists materials: "made from
    materials identified in Technical Note 1 to 2B350.g", "made from 'corrosion resistant materials'".
    """
    clause = _MATERIAL_CLAUSE.search(own)
    if not clause:
        made = _MADE_OF.search(own)
        specs = (
            [
                s
                for part in re.split(r";|\bor\b|,", made.group(0))
                for s in material_specs(
                    re.sub(
                        r"^(?:made (?:of|from)|(?:made of or )?protected by|lined with)\s+",
                        "",
                        part.strip(),
                        flags=re.I,
                    )
                )
            ]
            if made
            else []
        )
        if not specs:
            return None
        return Leaf(
            kind="material", text=" ".join(made.group(0).strip(" ,;.").split()), materials=tuple(dict.fromkeys(specs))
        )
    specs = [s for child in item.children for s in material_specs(child.text)]
    specs += [s for child in item.children for grand in child.children for s in material_specs(grand.text)]
    if not specs:
        tail = clause.group(0).split("following materials", 1)[-1]
        specs = [s for part in re.split(r";|\bor\b|,", tail) for s in material_specs(part)]
    if not specs:
        specs = next(
            (
                found
                for note in notes
                if _DEFINES_MATERIALS.search(note)
                if (
                    found := [
                        s for line in note.split("\n")[1:] if not _AS_FOLLOWS.search(line) for s in material_specs(line)
                    ]
                )
            ),
            [],
        )
    if not specs:
        return None
    return Leaf(
        kind="material", text=" ".join(clause.group(0).strip(" ,").split()), materials=tuple(dict.fromkeys(specs))
    )


_DN = re.compile(r"\bDN\s?(?P<n>\d{1,4})\b")
_NOT_ALTERNATIVE = re.compile(r"\b(?:\w+\s+or\s+more|or\s+(?:more|less|greater|fewer)|with\s+or\s+without)\b", re.I)
"""'along one or more linear axis', 'with or without agitators': an 'or' that joins no other goods."""
_ASIDE = re.compile(r"\s*\((?:better|worse|less|more|lower|higher|smaller|larger)\)(?=\s+than\b)", re.I)
"""'equal to or less (better) than 0.9 µm': the aside inside a comparator, read without it."""
_UP_TO = re.compile(r"(?P<from>\bfrom\s+[-−]?\d[\d.,]*(?:\s?[A-Za-zµ°%]+)?)\s+up\s+to\s+(?=[-−]?\d)", re.I)
"""'from 300 up to 600 Hz': a band with both ends, read as 'from 300 to 600 Hz' (the 'up to' alone drops the lower)."""
_OF_MATTER = re.compile(
    r"(?P<q>\d[\d.,]*\s?(?:kg|g|t|l|liters?|litres?|m3))\s+of\s+[a-z]+\s+(?=or\s+(?:greater|more|less)\b)", re.I
)
"""'10 kg of ice or greater': the matter measured sits between the figure and its comparator."""
_PERIOD = re.compile(
    r"^[\s,)]*(?:of\s+[a-z]+\s+)?(?:or\s+(?:greater|more|less)\s+)?(?P<c>(?:in|per)\s+(?:\d+\s*)?(?:hours?|h|days?|minutes?))\b",
    re.I,
)
"""A period a capacity is stated over ("10 kg of ice or greater in 24 hours"): the leaf's condition."""
_STATE = re.compile(r"^[\s,)]*(?P<c>in\s+the\s+(?:[\w-]+\s+){1,3}(?:stage|state|condition))\b", re.I)
"""The state a value holds in ("0.9 GPa in the solution annealed stage"): the leaf's condition."""
_NPS = re.compile(r"\s+or\s+NPS\s+\d+(?:\s?/\s?\d+)?\b")
"""A nominal size "DN 10" (ISO 6708) is a diameter in millimetres, which quantities can be compared with;
the "or NPS 3/8" beside it restates it in inches, never an alternative of other goods."""


def _threshold_groups(text: str, subject: str) -> list[list[Leaf]]:
    """Threshold and count leaves of one item's words; a ", or <other goods> with" starts an alternative."""
    if not text:
        return []
    original = text
    text = _UP_TO.sub(r"\g<from> to ", _ASIDE.sub("", text))
    named = {f"{m['n']} mm": m.group(0) for m in _DN.finditer(text)}
    named |= {m["q"]: m.group(0).rstrip() for m in _OF_MATTER.finditer(text)}
    text = _OF_MATTER.sub(lambda m: f"{m['q']} ", _NPS.sub("", _DN.sub(lambda m: f"{m['n']} mm", text)))
    groups: list[list[Leaf]] = [[]]
    side_subject, cursor, previous_end, previous_property = subject, 0, 0, ""
    for threshold in parse_thresholds(text):
        start = text.find(threshold.text, cursor)
        if start < 0:
            continue
        end = start + len(threshold.text)
        gap = text[previous_end:start]
        if (
            groups[-1]
            and start >= previous_end
            and re.search(r"\bor\b", _NOT_ALTERNATIVE.sub(" ", gap))
            and len(gap.split()) >= 3
        ):
            groups.append([])
            side_subject = subject_phrase(re.split(r"\bor\b", gap, maxsplit=1)[-1]) or subject
        before = text[previous_end if start >= previous_end else 0 : start]
        kind = parameter_name(threshold.value)
        prop = _property(before, text[end:], kind, subject) or previous_property or kind
        if text[:start].count("(") > text[:start].count(")") and groups[-1] and groups[-1][-1].property == prop:
            previous_end = max(previous_end, end)
            continue  # "10 kg of ice or greater in 24 hours (10 liters of water or greater ...)" restates it
        leaf = _threshold_leaf(threshold, prop, side_subject, text[end:])
        for shown, official in named.items():
            leaf = replace(leaf, text=leaf.text.replace(shown, official))
        leaf = replace(leaf, text=_official(leaf.text, original))
        groups[-1].append(leaf)
        cursor, previous_end, previous_property = start, max(previous_end, end), prop
    for m in _PARTS.finditer(text):
        share = 100.0 * float(m["a"]) / read_number(m["b"])
        groups[0].append(
            Leaf(
                kind="threshold",
                text=" ".join(m.group(0).split()),
                property=f"{m['x'].lower()} content",
                subject=subject,
                op="<" if m["less"] else ">",
                bound=Quantity(share, "percent", " ".join(m.group(0).split())),
            )
        )
    counted: tuple[int, Leaf, int] | None = None  # the last count: its group, leaf and end
    for m in _COUNT.finditer(text):
        noun = m["noun"].lower()
        if noun in UNIT_WORDS or noun in _NOT_COUNTED or parse_quantities(f"5 {noun}"):
            continue
        n = m["n1"] or m["n2"] or m["n3"]
        value = float(_NUMBERS.get(n.lower(), n) if not n.isdigit() else n)
        op = ">=" if m["n1"] else (">" if m["more"] else "<")
        noun = words(m["noun"])[0]
        leaf = Leaf(
            kind="count",
            text=m.group(0),
            property=noun,
            subject=subject,
            op=op,
            bound=Quantity(value, "dimensionless", m.group(0)),
        )
        if counted and re.search(r"\bor\b", _NOT_ALTERNATIVE.sub(" ", text[counted[2] : m.start()])):
            # "12 or more rodents, or two or more animals": the other count stands in the first one's place
            groups.append([*(other for other in groups[counted[0]] if other is not counted[1]), leaf])
        else:
            groups[0].append(leaf)
        counted = (len(groups) - 1 if groups[-1] and groups[-1][-1] is leaf else 0, leaf, m.end())
    return [g for g in groups if g]


def _threshold_leaf(threshold: Threshold, prop: str, subject: str, after: str) -> Leaf:
    condition = _CONDITION.match(after) or _PERIOD.match(after) or _STATE.match(after)
    bound = Quantity(threshold.value.value, threshold.value.unit, threshold.value.text)
    if threshold.value.unit == "percent" and re.search(r"\bmixture|concentration|of the weight", prop + after, re.I):
        prop = "concentration"
    return Leaf(
        kind="threshold",
        text=" ".join(threshold.text.split()),
        property=prop,
        subject=subject,
        op=threshold.op,
        bound=bound,
        condition=_condition_text(condition),
    )


def _official(shown: str, original: str) -> str:
    """A leaf's phrase as the list words it, with the asides its reading left out ("less (better) than",
    "from 300 up to 600 Hz")."""
    pattern = r"(?:\s*\([a-z]+\))?\s+(?:up\s+(?=to\b))?".join(map(re.escape, shown.split()))
    found = re.search(pattern, original) if pattern else None
    return " ".join(found.group(0).split()) if found else shown


def _condition_text(condition: re.Match[str] | None) -> str:
    if condition is None:
        return ""
    text = condition.groupdict().get("c") or condition.group(0)
    return " ".join(text.lstrip(" ,)").rstrip(" ,").split())


def _property(before: str, after: str, kind: str = "", subject: str = "") -> str:
    """`_named_property` in singular words ("positioning accuracy", "induction coil diameter")."""
    return " ".join(_singular(w) for w in _named_property(before, after, kind, subject).split())


def _singular(word: str) -> str:
    """A property word in the singular ("accuracies" -> "accuracy", "sizes" -> "size", "axes" -> "axis").

    >>> [_singular(w) for w in ("accuracies", "sizes", "axes", "coils", "thickness", "mass", "flux", "rates")]
    ['accuracy', 'size', 'axis', 'coil', 'thickness', 'mass', 'flux', 'rate']
    """
    if not word.endswith("s") or word.endswith(("ss", "us", "is")):
        return word
    if word.endswith(("sses", "shes", "ches", "xes", "ies")):
        return singular(word)
    return word[:-1]


def _named_property(before: str, after: str, kind: str = "", subject: str = "") -> str:
    """The property a threshold bounds: the words just before its comparator ("heat transfer surface area").

    A composition ("alloys containing more than 50% beryllium by weight") names the element after the figure
    ("beryllium content"); "600 mm or less in diameter" names the dimension after it ("induction coils
    diameter"); a standard the value is measured under is skipped; the part a value belongs to, other than
    the item's `subject`, leads its name ("A chamber cavity with an inside diameter"); a continuation
    ("... and less than 1000 kg") takes the property an earlier "<property> of <figure>" named; picked words
    that name no measurable property ("operation" above 1 123 K) get the quantity's `kind`.

    >>> _property("Induction coils ", " in diameter; and", "length")
    'induction coil diameter'
    >>> _property("alloys containing ", " beryllium by weight", "proportion")
    'beryllium content'
    >>> _property("Capable of operation ", "", "temperature")
    'operation temperature'
    >>> _property("A chamber cavity with an inside diameter ", "", "length", "Isostatic presses")
    'chamber cavity inside diameter'
    >>> _property("equipment with a condenser capacity of 10 kg of ice or greater in 24 hours and ", "", "mass")
    'condenser capacity'
    """
    text = _QUOTES.sub("", _PAREN.sub(" ", _PAREN.sub(" ", before)))
    text = _CONDITION_PHRASE.sub(" ", text)
    text = re.split(r"[,;:]", text)[-1]
    tokens = re.findall(r"[A-Za-z][\w'’-]*", text)
    while tokens and tokens[-1].lower() in ("of", "by"):
        tokens.pop()
    if tokens and tokens[-1].lower() in _COMPOSITION_VERBS:
        follow = re.findall(
            r"[A-Za-z][\w-]*", re.sub(r"^\s*(?:or more|or less)?\s*(?:by (?:weight|volume))?\s*(?:of)?\s*", "", after)
        )
        element = [w.lower() for w in follow[:1] if w.lower() not in _PROPERTY_STOP | UNIT_WORDS]
        if element:
            return f"{element[0]} content"
    while tokens and tokens[-1].lower() in _PROPERTY_STOP:
        tokens.pop()
    picked: list[str] = []
    for token in reversed(tokens):
        if token.lower() in _PROPERTY_STOP or token.lower() in UNIT_WORDS or len(picked) == 4:
            break
        picked.insert(0, token.lower())
    if not picked and tokens and tokens[-1].lower() in UNIT_WORDS and (named := _OF_FIGURE.findall(text)):
        named_words = [w.lower() for w in named[-1].split()]
        stops = [i for i, w in enumerate(named_words) if w in _PROPERTY_STOP]
        picked = named_words[stops[-1] + 1 :] if stops else named_words
    part = (
        re.search(
            r"(?:^|\b(?:a|an|the)\s+)(?P<part>[A-Za-z-]+(?:\s+[A-Za-z-]+)?)\s+with\s+(?:an?\s+|the\s+)?"
            + r"\s+".join(map(re.escape, picked))
            + r"\W*$",
            text,
            re.I,
        )
        if picked
        else None
    )
    if (
        part
        and not set(words(part["part"])) & set(words(subject))
        and not {w.lower() for w in part["part"].split()} & _PROPERTY_STOP
    ):
        picked = [*part["part"].lower().split(), *picked]
    if dimension := _IN_DIMENSION.match(after):
        return " ".join([*picked[-3:], dimension["dim"].lower()])
    if (
        picked
        and kind
        and kind not in ("proportion", "dimensionless")
        and not any(_singular(part) in _MEASURES for w in picked for part in w.split("-"))
    ):
        picked.append(kind)
    return " ".join(picked)


def _exclusions_in(text: str, code: str) -> list[Leaf]:
    """Exclusion leaves of a note, preamble line or item text: one per lettered clause of a decontrol note,
    one per "other than ..." phrase; a clause stating one plain bound keeps it, so that facts can show it holds."""
    out: list[Leaf] = []
    own_codes = {code.upper(), code.split(".")[0].upper()}
    if _EXCLUDES.search(text):
        lead, *clauses = _NOTE_CLAUSE.split(text)
        for clause in clauses or [lead]:
            out.append(_exclusion(clause if clauses else lead, lead if clauses else "", own_codes))
    else:
        for m in _OTHER_THAN.finditer(text):
            refers = tuple(c for c in find_codes(m.group(0)) if c.upper() not in own_codes)
            if refers or re.search(r"\bexcept\b", m.group(0), re.I):
                out.append(Leaf(kind="exclusion", text=" ".join(m.group(0).split()), refers=refers))
    return out


def _mixture_note(text: str) -> Leaf | None:
    """A Note freeing "chemical mixtures" of the chemicals in the entries it lists when none of them
    constitutes more than a share of the mixture: a concentration bound that covers those items only.

    >>> n = _mixture_note('1C350 does not control "chemical mixtures" containing one or more of the chemicals '
    ...                   'specified in entries 1C350.1, .3 and .65 in which no individually specified chemical '
    ...                   'constitutes more than 10% by the weight of the mixture.')
    >>> n.scope, n.op, n.bound.value
    (('1C350.1', '1C350.3', '1C350.65'), '<=', 10.0)
    >>> _mixture_note('1C450 does not control "chemical mixtures" containing one or more of the chemicals specified '
    ...               'in entries 1C450.a.1. and .a.2. in which no individually specified chemical constitutes more '
    ...               'than 1% by the weight of the mixture.').scope
    ('1C450.a.1', '1C450.a.2')
    """
    m = _MIXTURE_NOTE.search(text)
    if m is None:
        return None
    codes = re.findall(r"(\d[A-E]\d{3})?((?:\.[a-e0-9]{1,3}(?![a-z]))+)", m.group("entries"))
    base, scope = "", []
    for entry, sub in codes:
        base = entry or base
        if base:
            scope.append(f"{base.upper()}{sub.rstrip('.')}")
    if not scope:
        return None
    pct = float(m.group("pct").replace(",", "."))
    return Leaf(
        kind="exclusion",
        text=" ".join(text.split()),
        property="concentration",
        op="<=",
        bound=Quantity(pct, "percent", f"{m.group('pct')}%"),
        scope=tuple(scope),
    )


def _exclusion(clause: str, lead: str, own_codes: set[str]) -> Leaf:
    text = " ".join(f"{lead.strip()} {strip_label(clause)}".split()) if lead else " ".join(clause.split())
    if (mixture := _mixture_note(text)) is not None:
        return mixture
    refers = tuple(c for c in find_codes(text) if c.upper() not in own_codes and c.split(".")[0] not in own_codes)
    body = strip_label(clause)
    thresholds = parse_thresholds(body)
    plain = len(thresholds) == 1 and not _QUALIFIED.search(body.split(thresholds[0].text)[0])
    if not plain:
        return Leaf(kind="exclusion", text=text, refers=refers)
    th = thresholds[0]
    before = body[: body.find(th.text)] if th.text in body else body
    after = body[body.find(th.text) + len(th.text) :] if th.text in body else ""
    goods = re.split(r"\b(?:having|with|in which|whose|of which)\b", _EXCLUDED_GOODS.sub("", before), maxsplit=1)
    return Leaf(
        kind="exclusion",
        text=text,
        refers=refers,
        property=_property(before, after) or parameter_name(th.value),
        subject=" ".join(goods[0].split()).strip(" ,;:") if len(goods) > 1 else "",
        op=th.op,
        bound=Quantity(th.value.value, th.value.unit, th.value.text),
    )
