"""What kind of thing goods or a control item are: head nouns, singular, with a few synonyms.

Ingest reads an item's subject into terms once ("Reaction vessels or reactors" -> vessel, reactor);
evaluation reads the goods' subject the same way, so "reactor" fits "reaction vessels or reactors" and
"tank" fits "storage tanks, containers or receivers", while a coffee machine is not a vacuum pump.
"""

from __future__ import annotations

import difflib
import functools
import re

from assistant.knowledge.goods import goods_vocabulary

_VOCABULARY = goods_vocabulary()
GENERIC = _VOCABULARY["generic"]
"""Nouns too general to decide a fit on their own: "coffee machine" is not a "filament winding machine"."""

_MILITARY = _VOCABULARY["military"]
"""Words that put goods in a military context: without one, bicycle helmets are no "Military helmets"."""

_PARTS = _VOCABULARY["pieces"]
"""Generic nouns for a piece of other goods: the words that say which piece name what it is."""

_WHOLES = _VOCABULARY["wholes"]
"""Nouns for goods as a whole: a filtration skid is not one of "filtration parts or components"."""

_SYNONYMS = {**_VOCABULARY.spellings, **_VOCABULARY.synonyms}
"""Spelling variants and near-synonyms, mapped to one term (corpus/goods.yaml: spellings, synonyms)."""

_NOT_NOUNS = _VOCABULARY["not_nouns"]


_IRREGULAR = {
    "axes": "axis",
    "knives": "knife",
    "leaves": "leaf",
    "shelves": "shelf",
    "men": "man",
    "women": "woman",
    "children": "child",
    "feet": "foot",
    "teeth": "tooth",
    "mice": "mouse",
    "series": "series",
    "bellows": "bellows",
    "glasses": "glasses",
    "scissors": "scissors",
    "trousers": "trousers",
    "jeans": "jeans",
    "pliers": "pliers",
    "shorts": "shorts",
    "shoes": "shoe",
    "canoes": "canoe",
    "toes": "toe",
    "gas": "gas",
    "lens": "lens",
    "chassis": "chassis",
    "apparatus": "apparatus",
    "analyses": "analysis",
    "dies": "die",
}


def singular(word: str) -> str:
    """The singular of an English noun, lower case, by rule and a few irregulars.

    >>> [singular(w) for w in ("vessels", "assemblies", "presses", "gas", "axes", "glass", "tomatoes", "bellows")]
    ['vessel', 'assembly', 'press', 'gas', 'axis', 'glass', 'tomato', 'bellows']
    """
    word = word.lower()
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if len(word) <= 3 or word.endswith(("ss", "us", "is", "as", "ics")):
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "shes", "ches", "xes", "zes", "oes")):
        return word[:-2]
    return word[:-1] if word.endswith("s") else word


@functools.lru_cache(maxsize=65536)
def term(word: str) -> str:
    """One canonical term for a noun: singular, spelling variants and synonyms folded.

    >>> term("Converters"), term("fibres"), term("tanks"), term("Reactors")
    ('converter', 'fiber', 'tank', 'reactor')
    """
    one = singular(word.strip("\"'“”‘’()[]").lower())
    return _SYNONYMS.get(one, one)


def words(text: str) -> list[str]:
    """The terms of every word in `text` (hyphenated words kept whole, and also split)."""
    return list(_words(text))


@functools.lru_cache(maxsize=65536)
def _words(text: str) -> tuple[str, ...]:
    """`words`, remembered: item subjects and list lines are read again for every question."""
    out: list[str] = []
    for raw in re.findall(r"[A-Za-z][A-Za-z-]*", text):
        out.append(term(raw))
        if "-" in raw:
            out.extend(term(part) for part in raw.split("-") if len(part) > 2)
    return tuple(out)


@functools.lru_cache(maxsize=8192)
def noun_terms(subject: str) -> tuple[str, ...]:
    """The head nouns of a subject phrase: the last word of each part of a list ("a, b or c").

    >>> noun_terms("Storage tanks, containers or receivers")
    ('tank',)
    >>> noun_terms("Frequency changers (a.k.a. converters or inverters) and generators")
    ('changer', 'converter', 'inverter', 'generator')
    >>> noun_terms("Multiple-seal and seal-less pumps")
    ('pump',)
    """
    text = re.sub(r"\(([^()]*)\)", r", \1,", subject).replace("a.k.a.", " ")
    found: list[str] = []
    for part in re.split(r",|;|\band\b|\bor\b|/", text):
        tokens = [t for t in re.findall(r"[A-Za-z][A-Za-z-]*", part) if t.lower() not in _NOT_NOUNS]
        if tokens:
            found.append(term(tokens[-1]))
            if len(tokens) > 1:
                found.append(_SYNONYMS.get(f"{singular(tokens[-2])} {found[-1]}", "") or "")
    return tuple(dict.fromkeys(t for t in found if len(t) > 2))


FORMS = _VOCABULARY["forms"]
"""Semi-finished forms: goods of these kinds are judged as the material they are made of ("maraging steel bar")."""


PACKAGING = _VOCABULARY["packaging"]
"""What goods come in, or the form of a sample: "TDG, 200 kg drums" is about the TDG, not the drums."""


@functools.lru_cache(maxsize=65536)
def similar(a: str, b: str) -> bool:
    """Two words that differ by a typo or a spelling variant ("reacter" ~ "reactor", "fermentor" ~ "fermenter").

    >>> similar("reacter", "reactor"), similar("pump", "lamp")
    (True, False)
    """
    if a == b:
        return True
    if min(len(a), len(b)) < 5 or a[0] != b[0]:
        return False
    return difflib.SequenceMatcher(None, a, b).ratio() >= 0.84


def head_term(goods: str) -> str:
    """The term that names goods: a known compound as a whole ("frequency converter" -> "changer"), else
    the last word's term.

    >>> head_term("frequency converter"), head_term("glass-lined reactors")
    ('changer', 'reactor')
    """
    return _SYNONYMS.get(goods) or (words(goods) or [term(goods)])[-1]


def military_fits(subject: str, said: set[str]) -> bool:
    """An item worded "Military ..." takes only goods described in a military context (`said`: their terms).

    >>> military_fits("Military helmets", {"bicycle", "helmet"}), military_fits("Military helmets", {"nij", "helmet"})
    (False, True)
    """
    return "military" not in words(subject) or bool(said & _MILITARY)


def fits(goods: str, modifiers: tuple[str, ...], terms: tuple[str, ...], subject: str) -> bool:
    """Whether goods named `goods` (with `modifiers`) are the kind of thing an item names.

    A generic head noun ("machine") fits only when another word of the goods also names the item.

    >>> fits("reactor", ("glass-lined",), ("reactor",), "Reaction vessels or reactors")
    True
    >>> fits("machine", ("coffee",), ("machine",), "Filament winding machines")
    False
    >>> fits("", (), ("pump",), "Vacuum pumps")
    True
    >>> fits("part", ("agitator", "impeller"), ("agitator",), "Agitators for use in reaction vessels")
    True
    >>> fits("helmet", ("bicycle",), ("helmet",), "Military helmets")
    False
    >>> fits("skid", ("filtration",), ("component",), "Cross flow filtration parts or components")
    False
    >>> fits("system", ("nose-only", "exposure"), ("apparatus",), "Nose-only exposure apparatus")
    True
    """
    if not goods:
        return True
    head = head_term(goods)
    if head in _WHOLES and set(noun_terms(subject)) and set(noun_terms(subject)) <= _PARTS:
        return False
    said = set(words(" ".join((goods, *modifiers))))
    if not military_fits(subject, said):
        return False
    # A "system" may be what an item calls an "apparatus"; a "coffee machine" is named whole by its compound.
    whole = head in _WHOLES and " " not in goods.strip() and bool(set(terms) & _WHOLES)
    if head not in GENERIC or (head not in terms and head not in _PARTS and not whole):
        return head in terms
    # A generic noun fits by the goods' other words; "spare part: agitator impeller" is judged by the words
    # that say which part even when the item's noun is another ("Agitators"), a coffee machine never so.
    described = {w for w in words(" ".join((goods, *modifiers))) if w not in GENERIC}
    return bool(described & (set(words(subject)) - GENERIC))


_NOT_KINDS = _VOCABULARY["not_kinds"]
"""Qualifiers that say how goods are built, sized or used, not which kind of them they are: a "laboratory
pump" may be a seal-less pump."""


def _kind_words(text: str) -> set[str]:
    return {w for w in words(text) if w not in _NOT_KINDS and w not in GENERIC and w not in _NOT_NOUNS}


def another_kind(kind: tuple[str, ...], head: str, text: str, subject: str, context: str = "") -> str:
    """The kind the item names, when the goods are said to be another kind of the same noun; else "".

    Every part of the item's subject that names the goods' noun qualifies it with words the description
    (`text`) does not state, while the goods' own qualifiers (`kind`) are not the item's, nor words of its
    own text (`context`: 1A227's "viewing area of the window" takes a viewing window): a diffusion pump is
    no scroll-type pump, an induction furnace no electron beam furnace, a dining table no positioning table.
    Goods that state no qualifier of their own ("pump, 160 mm inlet") may be any kind: their figures and the
    officer decide.

    >>> another_kind(("diffusion",), "pump", "diffusion pump", "Bellows-sealed scroll-type vacuum pumps")
    'Bellows-sealed scroll-type vacuum pumps'
    >>> furnace = ("vacuum", "induction", "melting"), "furnace", "vacuum induction melting furnace, 250 kW"
    >>> another_kind(*furnace, "Vacuum or other controlled atmosphere melting and casting furnaces")
    ''
    >>> another_kind(*furnace, "Electron beam melting furnaces and plasma melting furnaces")
    'Electron beam melting furnaces and plasma melting furnaces'
    >>> another_kind(("freeze",), "dryer", "freeze dryer", "Spray drying equipment")
    'Spray drying equipment'
    >>> another_kind(("centrifugal",), "pump", "centrifugal pump", "Multiple-seal and seal-less pumps")
    ''
    >>> another_kind(("high-voltage",), "capacitor", "high-voltage pulse capacitor", "Pulse discharge capacitors",
    ...              "voltage rating greater than 1.4 kV")
    ''
    """
    own = _kind_words(" ".join(kind))
    if not own or head in GENERIC:
        return ""
    named = set(words(f"{subject} {context}"))

    def said_by_item(word: str) -> bool:
        # A hyphenated qualifier is the item's when its telling parts are: "high-voltage" for "voltage rating".
        parts = [p for p in word.split("-") if len(p) > 2 and p not in _NOT_KINDS] if "-" in word else [word]
        return bool(parts) and all(any(similar(p, x) for x in named) for p in parts)

    if all(said_by_item(w) for w in own):
        return ""
    parts = _parts(subject)
    naming = [i for i, p in enumerate(parts) if any(same_stem(head, w) for w in p)]
    if not naming:
        return ""
    # "Vacuum or ... melting and casting furnaces": a part without the noun shares the next part's. Only the
    # words before the noun qualify it ("piping incorporating a leak detection port" is a description).
    said = set(words(text)) | {head}
    for part in parts[: naming[-1] + 1]:
        qualifiers = set(part[: next((i for i, w in enumerate(part) if same_stem(head, w)), len(part))])
        if not {q for q in qualifiers if not any(similar(q, w) for w in said)}:
            return ""
    return subject.strip()


_PROCESSES = {
    "turning": re.compile(r"(?i)\blathes?\b|\bturning\b|\bturn-mill"),
    "milling": re.compile(r"(?i)\bmill(?:ing)?\b|\bmachining\s+cent(?:re|er)s?\b|\bturn-mill"),
    "grinding": re.compile(r"(?i)\bgrind(?:er|ers|ing)\b"),
}
_FOR_PROCESS = re.compile(r"(?i)\bmachine\s+tools?\s+for\s+(turning|milling|grinding)\b")


def machining(text: str) -> frozenset[str]:
    """The machining processes a description names: the lists tell machine tools apart by them.

    >>> sorted(machining("CNC lathe, 2 axes")), sorted(machining("turn-mill centre")), sorted(machining("pump"))
    (['turning'], ['milling', 'turning'], [])
    """
    return frozenset(process for process, pattern in _PROCESSES.items() if pattern.search(text))


def another_process(stated: frozenset[str], line: str) -> str:
    """The line's "Machine tools for <process>" when the goods are machine tools for other processes only: a
    lathe is no machine tool for milling; "" otherwise.

    >>> another_process(frozenset({"turning"}), "b. Machine tools for milling, having any of the following")
    'Machine tools for milling'
    >>> another_process(frozenset({"turning"}), "a. Machine tools for turning having two or more axes")
    ''
    """
    m = _FOR_PROCESS.search(line)
    return m.group(0) if m and stated and m.group(1).lower() not in stated else ""


_AC_OUTPUT = re.compile(
    r"(?i)\b(?:three|3|single|1|multi|poly|two|2)[\s-]?phase\s+(?:ac\s+)?output|\bac\s+output|alternating[\s-]current"
    r"\s+output|\buninterruptible\s+power|\bUPS\b|\boutputs?\s*:?\s*\d+(?:[.,]\d+)?\s*(?:-\s*\d+\s*)?Hz\b"
)


def other_current(text: str, subject: str) -> str:
    """The item's subject when it names direct-current goods and the description says the goods put out
    alternating current (a UPS, a "three-phase output"); else "". A mains input ("input 230 V, 50 Hz") says
    nothing about what a power supply puts out.

    >>> other_current("UPS 10 kVA, 50 Hz three-phase output", "High-power direct current power supplies")
    'High-power direct current power supplies'
    >>> other_current("power supply 30 kV, input 230 V 50 Hz", "High-voltage direct current power supplies")
    ''
    """
    return subject if "direct current" in subject.lower() and _AC_OUTPUT.search(text) else ""


def _parts(subject: str) -> list[list[str]]:
    """The alternatives of a subject, each as its kind words in order; in "plasma atomization and melting
    furnaces" the first word of a part without the final noun qualifies the parts after it ("plasma melting").
    A hyphenated word counts by its parts ("multi-walled" -> walled).

    >>> _parts("Electron beam furnaces and plasma atomization and melting furnaces")
    [['electron', 'beam', 'furnace'], ['plasma', 'atomization'], ['plasma', 'melting', 'furnace']]
    """
    out: list[list[str]] = []
    for alternative in re.split(r",|;|\bor\b|\(|\)", subject):
        pieces = [
            found
            for piece in re.split(r"\band\b", alternative)
            if (
                found := [
                    w
                    for w in words(piece)
                    if "-" not in w and w not in _NOT_KINDS and w not in GENERIC and w not in _NOT_NOUNS
                ]
            )
        ]
        shared: list[str] = []
        for found in pieces:
            out.append(shared + [w for w in found if w not in shared])
            if len(found) > 1 and found[-1] != pieces[-1][-1] and not shared:
                shared = [found[0]]
    return out


def qualified_nouns(subject: str) -> set[tuple[str, str]]:
    """(qualifier, noun stem) pairs of a subject: the kinds of goods a list tells apart by a word before
    their noun ("induction furnaces", "freeze-drying equipment").

    >>> sorted(qualified_nouns("Vacuum induction furnaces"))
    [('induction', 'furnac'), ('vacuum', 'furnac'), ('vacuum', 'induct')]
    """
    pairs: set[tuple[str, str]] = set()
    for part in _parts(subject):
        for i, qualifier in enumerate(part):
            pairs |= {(qualifier, _stem(noun)) for noun in part[i + 1 : i + 3]}
    return pairs


def listed_kinds(kind: tuple[str, ...], head: str, pairs: frozenset[tuple[str, str]]) -> tuple[str, ...]:
    """The goods' qualifiers that the lists themselves use to tell kinds of their noun apart (see
    `qualified_nouns`): "induction" for a furnace is a kind, "diffusion" for a pump is not one the lists name,
    so a diffusion pump may still be any pump they control.

    >>> listed_kinds(("vacuum", "induction"), "furnace", frozenset({("induction", "furnac")}))
    ('induction',)
    """
    return tuple(k for k in kind if any((w, _stem(head)) in pairs for w in words(k)))


def same_stem(a: str, b: str) -> bool:
    """Two words for one thing: near spellings, or one stem with another ending ("dryer" and "drying").

    >>> same_stem("dryer", "drying"), same_stem("centrifuge", "centrifugal"), same_stem("pump", "pumping")
    (True, True, True)
    """
    return similar(a, b) or _stem(a) == _stem(b)


def _stem(word: str) -> str:
    return re.sub(r"(?:ers?|ing|ion|al|or|e)$", "", word) if len(word) > 4 else word
