"""What a list's own Notes say about goods described in words: the decision layer's reading of them.

`assistant.evaluate` settles exclusions with a bound ("all linear dimensions 75 mm or less"); those that
exclude goods by what they are or what they are for ("does not control suits designed to be worn with
self-contained breathing apparatus", "except for medical isolators ... for transportation of infected
patients", "reverse osmosis and hemodialysis equipment") are weighed here against the description's words.
A Note that limits an item to one class ("controls class III biosafety cabinets") rules out goods of
another class.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

from assistant.codes import find_codes
from assistant.question import is_english
from assistant.subjects import GENERIC, similar, words

_TRIGGER = re.compile(r"\b(?:(?:does|do) not (?:control|apply to|include)|(?:is|are) not controlled|except(?: for)?|"
                      r"excluding)\b\s*:?", re.I)
_NOTE_START = re.compile(r"^\s*(?:Technical\s+Notes?|Notes?|N\.\s?B\.|License Requirement Notes?|Nota)\b", re.I)
_ITEM_LABEL = re.compile(r"^\s*(?:[a-z]\.\d+(?:\.[a-z0-9]+)*\.|[a-z]\.\s|\d+\.\s)", re.I)
_ALTERNATIVES = re.compile(r";|:|\(\s*[a-z0-9]{1,3}\s*\)|(?:^|\s)[a-z0-9]{1,2}\.\s|\bor\b|\band\b", re.I)
_SENTENCE_END = re.compile(r"(?<=[a-z]{3})\.(?:\s+(?=[A-Z0-9])|\s*$)")
_QUALIFIER = re.compile(r"\b(?:which|that|if|when|where|whose|provided|unless)\b", re.I)
_PURPOSE = re.compile(r"\bfor\s+([^,;.()]+)", re.I)
"""What the description says the goods are for ("dust mask for mining", "machine for hospital use")."""
_BOILERPLATE = frozenset(
    "the a an of for to with by in on at be is are as such that which these those this its their them it "
    "specially designed modified specified specifies manufacturer including include includes following "
    "not does do control controlled apply applies note notes technical entry eccn item paragraph "
    "use used using being have has having other than when where if any all".split()
)
_CLASS = re.compile(r"\bclass\s+(iv|v|i{1,3}|[1-9])\b", re.I)
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5}


@functools.lru_cache(maxsize=8192)
def paragraphs(text: str) -> tuple[str, ...]:
    """The Notes in a passage, each joined into one paragraph (a Note runs until the next item or Note)."""
    found: list[list[str]] = []
    current: list[str] | None = None
    for line in text.splitlines():
        if _NOTE_START.match(line):
            current = [line.strip()]
            found.append(current)
        elif current is not None and line.strip() and not _ITEM_LABEL.match(line):
            current.append(line.strip())
        else:
            current = None
    return tuple(" ".join(lines) for lines in found)


def excluded(texts: Iterable[str], goods: str, purpose: bool = True) -> str:
    """The first exclusion among `texts` (Notes, decontrol notes) that describes goods described as `goods`:
    the excluded phrase it names, or "".

    Each phrase after "does not control" / "except for" is split into its alternatives ("reverse osmosis and
    hemodialysis equipment" -> "reverse osmosis", "hemodialysis equipment"); one describes the goods when
    every one of its own words stands in the description and it says more than one everyday word, or it is
    (with `purpose`, for goods already taken to be of the item's kind) the purpose the description states
    ("mining" for "dust mask for mining"). A phrase the Note qualifies
    ("... which are certified for use on civil aircraft") describes them only when the description also says
    most of the qualifier; one that points to another entry ("the detonators ... described in 1A007") moves
    the goods there, it does not free them.

    >>> excluded(["2B352.d.1 does not control reverse osmosis and hemodialysis equipment."],
    ...          "reverse osmosis water purification unit")
    'reverse osmosis'
    >>> excluded(["does not control suits designed to be worn with self-contained breathing apparatus"],
    ...          "protective suit worn with self-contained breathing apparatus, for firefighters")
    'suits designed to be worn with self-contained breathing apparatus'
    >>> excluded(["does not control suits designed to be worn with self-contained breathing apparatus"],
    ...          "protective suit with tethered air supply")
    ''
    """
    return next((phrase for text in texts if (phrase := _excluded_by(text, goods, purpose))), "")


@functools.lru_cache(maxsize=8192)
def _excluded_by(text: str, goods: str, purpose: bool) -> str:
    said, purposes = _goods_words(goods)
    purposes = purposes if purpose else frozenset()
    for match in _TRIGGER.finditer(text):
        sentence = _SENTENCE_END.split(text[match.end():], maxsplit=1)[0]
        if find_codes(sentence):
            continue
        head, qualifier = (_QUALIFIER.split(sentence, maxsplit=1) + [""])[:2]
        if qualifier and not _mostly_said(qualifier, said):
            continue
        for phrase in _ALTERNATIVES.split(head):
            phrase = phrase.strip(" ,.;:'\"“”‘’")
            if _describes(phrase, said, purposes):
                return phrase
    return ""


def purposes(goods: str) -> frozenset[str]:
    """The words of the purposes a description states ("mining" in "dust mask for mining")."""
    return _goods_words(goods)[1]


@functools.lru_cache(maxsize=1024)
def _goods_words(goods: str) -> tuple[frozenset[str], frozenset[str]]:
    """The description's words, and those of the purposes it states."""
    return frozenset(words(goods)), frozenset(w for clause in _PURPOSE.findall(goods) for w in words(clause))


@functools.lru_cache(maxsize=8192)
def _content(phrase: str) -> tuple[str, ...]:
    return tuple(w for w in dict.fromkeys(words(phrase)) if len(w) > 2 and w not in _BOILERPLATE and w not in GENERIC)


def _describes(phrase: str, said: frozenset[str], purposes: frozenset[str]) -> bool:
    if not phrase or re.search(r"\d", phrase):
        return False
    own = _content(phrase)
    if not own or not all(any(_same_word(w, s) for s in said) for w in own):
        return False
    if len(own) >= 2:
        return True
    return (len(own[0]) >= 6 and not is_english(own[0])) or any(_same_word(own[0], p) for p in purposes)


def _mostly_said(qualifier: str, said: frozenset[str]) -> bool:
    own = _content(qualifier)
    return bool(own) and 3 * sum(any(_same_word(w, s) for s in said) for w in own) >= 2 * len(own)


def _same_word(a: str, b: str) -> bool:
    """The same word or the same stem ("transportation" ~ "transport", "haemodialysis" ~ "hemodialysis")."""
    if similar(a, b):
        return True
    short, long_ = sorted((a, b), key=len)
    return len(short) >= 5 and long_.startswith(short[:-1] if short.endswith(("e", "y")) else short)


def classes(text: str) -> set[int]:
    """The classes a text names ("class III", "Class 2"), as numbers.

    >>> sorted(classes("controls class III biosafety cabinets; not Class 2"))
    [2, 3]
    """
    found = set()
    for value in _CLASS.findall(text):
        value = value.lower()
        found.add(_ROMAN[value] if value in _ROMAN else int(value))
    return found


def other_class(texts: Iterable[str], goods: str) -> str:
    """The Note that limits an item to classes the goods are not of ("2B352.g.2 controls class III biosafety
    cabinets" for a class II cabinet), or "".

    >>> other_class(["Note 1: 2B352.f.2. includes Class III biosafety cabinets"], "class II safety cabinet")
    'Note 1: 2B352.f.2. includes Class III biosafety cabinets'
    >>> other_class(["Note 1: 2B352.f.2. includes Class III biosafety cabinets"], "class III cabinet")
    ''
    """
    stated = classes(goods)
    if not stated:
        return ""
    for text in texts:
        if re.search(r"\b(?:controls?|includes?)\b", text, re.I) and (named := classes(text)) and not named & stated:
            return text
    return ""
