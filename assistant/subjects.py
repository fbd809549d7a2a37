"""What kind of thing goods or a control item are: head nouns, singular, with a few synonyms.

Ingest reads an item's subject into terms once ("Reaction vessels or reactors" -> vessel, reactor);
evaluation reads the goods' subject the same way, so "reactor" fits "reaction vessels or reactors" and
"tank" fits "storage tanks, containers or receivers", while a coffee machine is not a vacuum pump.
"""

from __future__ import annotations

import difflib
import functools
import re

GENERIC = frozenset(
    "machine equipment system device unit apparatus component part assembly item material product "
    "good facility plant accessory instrument tool set kit".split()
)
"""Nouns too general to decide a fit on their own: "coffee machine" is not a "filament winding machine"."""

_MILITARY = frozenset("military army navy combat ballistic armour armor armored nij weapon munition defence "
                      "defense soldier tactical".split())
"""Words that put goods in a military context: without one, bicycle helmets are no "Military helmets"."""

_PARTS = frozenset("part component assembly accessory spare".split())
"""Generic nouns for a piece of other goods: the words that say which piece name what it is."""

_SYNONYMS = {
    "frequency converter": "changer", "frequency inverter": "changer", "frequency changer": "changer",
    "frequency drive": "changer", "vfd": "changer",
    "fibre": "fiber", "fibrous": "fiber", "filamentary": "filament",
    "mould": "mold", "analyser": "analyzer", "centre": "center", "metre": "meter",
    "container": "tank", "receiver": "tank", "drum": "tank", "vat": "tank",
    "reaction vessel": "reactor", "vessel": "reactor", "bioreactor": "fermenter", "fermentor": "fermenter",
    "column": "column", "tower": "column", "valf": "valve", "piping": "pipe", "pipework": "pipe",
    "machine tool": "machine tool", "lathe": "machine tool", "milling machine": "machine tool",
    "grinding machine": "machine tool", "grinder": "machine tool", "machining center": "machine tool",
    "machining centre": "machine tool", "turning center": "machine tool", "turning centre": "machine tool",
    "boring machine": "machine tool", "jig grinder": "machine tool", "cnc machine": "machine tool",
    "manometer": "transducer", "aluminium": "aluminum",
}
"""Spelling variants and near-synonyms, mapped to one term."""

_NOT_NOUNS = frozenset(
    "multiple-seal seal-less organic inorganic prefabricated specially designed other related "
    "the a an and or with without of for their therefor such all any following".split()
)


_IRREGULAR = {
    "axes": "axis", "knives": "knife", "leaves": "leaf", "shelves": "shelf", "men": "man", "women": "woman",
    "children": "child", "feet": "foot", "teeth": "tooth", "mice": "mouse", "series": "series", "bellows": "bellows",
    "glasses": "glasses", "scissors": "scissors", "trousers": "trousers", "jeans": "jeans", "pliers": "pliers",
    "shorts": "shorts", "shoes": "shoe", "canoes": "canoe", "toes": "toe", "gas": "gas", "lens": "lens",
    "chassis": "chassis", "apparatus": "apparatus", "analyses": "analysis", "dies": "die",
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


def term(word: str) -> str:
    """One canonical term for a noun: singular, spelling variants and synonyms folded.

    >>> term("Converters"), term("fibres"), term("tanks"), term("Reactors")
    ('converter', 'fiber', 'tank', 'reactor')
    """
    one = singular(word.strip("\"'“”‘’()[]").lower())
    return _SYNONYMS.get(one, one)


def words(text: str) -> list[str]:
    """The terms of every word in `text` (hyphenated words kept whole, and also split)."""
    out: list[str] = []
    for raw in re.findall(r"[A-Za-z][A-Za-z-]*", text):
        out.append(term(raw))
        if "-" in raw:
            out.extend(term(part) for part in raw.split("-") if len(part) > 2)
    return out


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


FORMS = frozenset(
    "bar rod tube pipe sheet plate powder ingot billet wire foil forging casting stock block disc disk ring "
    "cylinder fiber flake granule pellet metal alloy sponge shot strip profile section hollow blank tow yarn "
    "prepreg fabric chemical".split()
)
"""Semi-finished forms: goods of these kinds are judged as the material they are made of ("maraging steel bar")."""


PACKAGING = frozenset(
    "drum barrel bottle cylinder can bag sack container ibc tote carton box vial ampoule flask jar pail "
    "canister sample culture solution".split()
)
"""What goods come in, or the form of a sample: "TDG, 200 kg drums" is about the TDG, not the drums."""


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
    >>> fits("helmet", ("bicycle",), ("helmet",), "Military helmets"), fits("helmet", ("nij",), ("helmet",), "Military helmets")
    (False, True)
    """
    if not goods:
        return True
    said = set(words(" ".join((goods, *modifiers))))
    if "military" in words(subject) and not said & _MILITARY:
        return False
    head = head_term(goods)
    if head not in GENERIC or (head not in terms and head not in _PARTS):
        return head in terms
    # A generic noun fits by the goods' other words; "spare part: agitator impeller" is judged by the words
    # that say which part even when the item's noun is another ("Agitators"), a coffee machine never so.
    described = {w for w in words(" ".join((goods, *modifiers))) if w not in GENERIC}
    return bool(described & (set(words(subject)) - GENERIC))
