"""What a list's own Notes say about goods described in words: the decision layer's reading of them.

`assistant.decision.evaluate` settles exclusions with a bound ("all linear dimensions 75 mm or less"); those that
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

from assistant.core.codes import find_cas, find_codes
from assistant.core.types import Facts
from assistant.decision.evaluate import further_condition
from assistant.knowledge.subjects import GENERIC, head_term, similar, singular, term, words
from assistant.storage.embeddings import is_english
from assistant.text.params import Threshold, check_quantities, parse_quantities, parse_thresholds
from assistant.text.script import ENGLISH_STOP

_TRIGGER = re.compile(
    r"\b(?:(?:does|do) not (?:control|apply to|include)|(?:is|are) not controlled|except(?: for)?|"
    r"excluding)\b\s*:?",
    re.I,
)
_NOTE_START = re.compile(r"^\s*(?:Technical\s+Notes?|Notes?|N\.\s?B\.|License Requirement Notes?|Nota)\b", re.I)
_ITEM_LABEL = re.compile(r"^\s*(?:[a-z]\.\d+(?:\.[a-z0-9]+)*\.|[a-z]\.\s|\d+\.\s)", re.I)
_ALTERNATIVES = re.compile(r";|:|\(\s*[a-z0-9]{1,3}\s*\)|(?:^|\s)[a-z0-9]{1,2}\.\s|\bor\b|\band\b", re.I)
_GROUP = re.compile(r";|:|[–—]|\(\s*(?:[a-z]|\d{1,2}|[ivx]{1,4})\s*\)|(?:^|\s)[a-z0-9]{1,2}\.\s")
"""What parts a Note's list of goods ("– Secondary surveillance radar; – Civil automotive radar", "a. ...; b. ...")
into items, each naming goods and perhaps conditions on them; "or" and "and" join alternatives within one."""
_GOODS_CONDITION = re.compile(
    r"\b(?:specially\s+designed|designed|for|with|having|incorporating|containing|using|employing|used)\b", re.I
)
"""Words after which a Note's item says what the goods it frees must have or be for, not what they are."""
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


def speaks_of(text: str, code: str) -> bool:
    """Whether a Note may speak of item `code`: one that names the items it is about before its "does not
    control" ("Note: 6A205.c. does not control single mode oscillators") frees goods of those items and their
    sub-items only, never of a sibling or of the whole entry; a Note that names none speaks of its passage.

    >>> note = "Note: 6A205.c. does not control single mode oscillators."
    >>> speaks_of(note, "6A205.c"), speaks_of(note, "6A205.c.1"), speaks_of(note, "6A205.b"), speaks_of(note, "6A205")
    (True, True, False, False)
    >>> speaks_of("Note: does not control suits for firefighters", "1A004.a")
    True
    """
    trigger = _TRIGGER.search(text)
    named = find_codes(text[: trigger.start()]) if trigger else []
    mine = code.upper()
    return not named or any(mine == n.upper() or mine.startswith(f"{n.upper()}.") for n in named)


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
    >>> note = "Note: does not control superconductive electromagnets or solenoids specially designed for MRI equipment."
    >>> excluded([note], "superconductive electromagnet, discharge energy 15 kJ"), excluded([note], "MRI magnet")
    ('', '')
    >>> excluded([note], "superconductive electromagnets for MRI equipment")
    'superconductive electromagnets'
    >>> excluded(["does not control imaging sensors with a peak response in ... and incorporating focal plane arrays"],
    ...          "focal plane arrays, 15 um")
    ''
    """
    return next((phrase for text in texts if (phrase := _excluded_by(text, goods, purpose))), "")


@functools.lru_cache(maxsize=8192)
def _excluded_by(text: str, goods: str, purpose: bool) -> str:
    said, purposes = _goods_words(goods)
    purposes = purposes if purpose else frozenset()
    for match in _TRIGGER.finditer(text):
        sentence = _SENTENCE_END.split(text[match.end() :], maxsplit=1)[0]
        if find_codes(sentence):
            continue
        head, qualifier = (_QUALIFIER.split(sentence, maxsplit=1) + [""])[:2]
        if qualifier and not _mostly_said(qualifier, said):
            continue
        for group in _GROUP.split(head):
            condition = _GOODS_CONDITION.search(group)
            at = 0
            for phrase in _ALTERNATIVES.split(group):
                start = group.find(phrase, at)
                at = start + len(phrase)
                phrase = phrase.strip(" ,.;:'\"“”‘’")
                if condition and start >= condition.start():
                    # Words after "with", "having", "designed for" put conditions on the goods named before
                    # them ("monospectral imaging sensors ... incorporating ... focal plane arrays"): they
                    # name no goods the Note frees, only, at most, the purpose the description states.
                    if _describes(phrase, purposes, purposes):
                        return phrase
                    continue
                if condition and re.search(r"\bfollowing\b", phrase, re.I):
                    continue  # "X having any of the following:": its listed conditions decide (`conditional`)
                if (
                    condition
                    and at < len(group.rstrip(" ,.;:'\"“”‘’"))
                    and not _mostly_said(group[condition.start() :], said)
                ):
                    # "X or Y specially designed for Z", "'Focal plane arrays' specially designed or modified
                    # to achieve ...": the condition goes on past the phrase and holds for it too.
                    continue
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


_LEAD_IN = re.compile(r"^[^:;]*\b(?:as follows|following [a-z ]+?|the following)\s*:\s*", re.I)
"""A Note's lead-in before the goods it lists ("grinding machines as follows:", "the following grinding
machines:"): the goods are named again after it."""
_HAVING = re.compile(
    r",?\s*\b(?:having|meeting|with)\s+(?:(all|any|both|either)\s+(?:of\s+)?)?the\s+following"
    r"(?:\s+characteristics)?\s*:?\s*",
    re.I,
)
_LIMITED = re.compile(r"\b(?:(?:that|which)\s+(?:are|is)\s+)?limited(?:\s+by\s+design\s+or\s+function)?\s+to\b", re.I)
_CONDITION_SPLIT = re.compile(r";|(?:^|\s)(?:[a-z]\.)?\d{1,2}\.\s|(?:^|\s)[a-z]\.\s(?=[A-Z])")
_NEGATION = re.compile(r"\b(?:no|not|non|without|nor|neither|never|other than|except)\b", re.I)
_MAXIMUM = re.compile(r"\b(?:maximum|max\.?|up to|not exceeding|at most)\b", re.I)
_MINIMUM = re.compile(r"\b(?:minimum|min\.?|at least|not less than)\b", re.I)
_ENUMERATION = re.compile(r"\s*[a-z0-9]{1,2}(?:\s*(?:,|\band\b|\bor\b)\s*[a-z0-9]{1,2})*\s*\.?", re.I)
_COORDINATED = re.compile(r"[A-Za-z][\w-]*(?:\s*,\s*[A-Za-z][\w-]*)*\s*,?\s+(?:and|or)\s+[A-Za-z][\w-]*")
"""Modifiers given as alternatives ("external, internal, and external-internal" grinding machines)."""
_LIMIT_WORDS = frozenset(
    "limited only single manufacture manufacturing production producing following parts part protect "
    "protection against hazards hazard specific design function including include such special purpose "
    "capacity maximum minimum".split()
)
"""Words of a limiting clause that say how it limits, not to what."""
_DIMENSIONS = frozenset(
    "diameter length width height depth thickness size outside inside inner outer overall dimension".split()
)
"""Words of a figure that say which dimension, not of what: a spindle's diameter is no workpiece's."""
_CIVIL = frozenset({"civil", "civilian"})
_ARMED = frozenset(
    "military defence defense warfare army navy weapon weapons munition munitions cbrn nbc agent agents".split()
)
"""Words that take goods out of civil use: a civil industry is never named with them."""
_INCLUDES = re.compile(r"\bincludes?\b(.*?)\beven if\b", re.I | re.S)


def conditional(texts: Iterable[str], facts: Facts, of_kind: bool = True) -> str:
    """The first exclusion among `texts` that frees the goods by what it lists as conditions, every one of
    which the description states: the Note's text, or "".

    "does not control X having all of the following: 1. ...; and 2. ..." holds when the description names X
    and states each condition; "having any of the following" when it states one; "does not control X limited
    to Y" when it states Y. A condition is stated by a figure within its bound ("a maximum workpiece capacity
    of 150 mm" for a 120 mm workpiece), by the goods' own name or purpose ("limited to the manufacture of
    gears" for a gear hobbing machine), or by a listing within its own ("axes limited to x, z and c" for axes
    X, Z and C); a condition denied, merely not contradicted, or said in the negative ("no vacuum chucking")
    never holds. With `of_kind` (the goods are already taken to be of the item's kind) a class of the item's
    goods named by a generic noun ("occupational health or safety equipment") describes them; otherwise its
    noun must name them. A Note that includes goods "even if" the exclusion's uses apply ("1A004 includes
    equipment ... proven effective for defense against ... chemical warfare agents, ... even if ... used in
    civil industries") keeps goods it names controlled.

    >>> from dataclasses import replace
    >>> from assistant.core.types import Quantity
    >>> goods = Facts(text="CNC cylindrical grinding machine, maximum workpiece 120 mm diameter, axes X, Z and C",
    ...               subject="machine", kind=("cnc", "cylindrical", "grinding"),
    ...               quantities=(Quantity(120.0, "millimeter", "120 mm"),))
    >>> note = ("Note: 2B201.b. does not control grinding machines as follows: Cylindrical external, internal, "
    ...         "and external-internal grinding machines having all of the following characteristics: 1. Limited "
    ...         "to a maximum workpiece capacity of 150 mm outside diameter or length; and 2. Axes limited to x, z and c;")
    >>> bool(conditional([note], goods))
    True
    >>> bool(conditional([note], replace(goods, text=goods.text.replace("Z and C", "Z, C and B"))))
    False
    >>> bool(conditional([note], replace(goods, quantities=(Quantity(200.0, "millimeter", "200 mm"),))))
    False
    """
    texts = list(texts)
    if included(texts, facts.text):
        return ""
    listed = _listed_conditions(texts)
    return next((text for text in texts if _conditional_by(text, facts, of_kind, listed)), "")


def _listed_conditions(texts: list[str]) -> dict[str, list[str]]:
    """Every condition listed under each "... having all of the following:" lead-in among `texts`: a Note's
    list may come split, one condition a text ("... having the following characteristics: X-axis travel
    greater than 2 m; and", "... : Overall positioning accuracy ..."), and each must still hold."""
    found: dict[str, list[str]] = {}
    for text in texts:
        for having in _HAVING.finditer(text):
            found.setdefault(text[: having.end()].strip(), []).extend(_conditions(text[having.end() :]))
    return found


def included(texts: Iterable[str], goods: str) -> str:
    """The first Note among `texts` that includes goods whatever their use ("1A004 includes equipment ...
    proven effective for ... defense against ... 'biological agents' ... even if ... used in civil industries
    such as ... medical"), whose goods the description names: exclusions by use do not free those; or "".

    >>> note = ("Technical Notes: 1. 1A004 includes equipment proven effective for the detection of or defense "
    ...         "against 'radioactive materials', 'biological agents', chemical warfare agents, even if such "
    ...         "equipment is used in civil industries such as mining")
    >>> included([note], "full face mask designed for defence against biological agents, for medical use") == note
    True
    >>> included([note], "dust mask for mining")
    ''
    """
    said = frozenset(words(goods))
    for text in texts:
        for match in _INCLUDES.finditer(text):
            for phrase in re.split(
                r",|;|['\"“”‘’]\s+['\"“”‘’]|\bor\b|\band\b|\bfor\b|\bagainst\b|\bof\b", match.group(1)
            ):
                own = _content(phrase)
                if len(own) >= 2 and all(any(_same_word(w, s) for s in said) for w in own):
                    return text
    return ""


def _conditional_by(text: str, facts: Facts, of_kind: bool, listed: dict[str, list[str]]) -> bool:
    for match in _TRIGGER.finditer(text):
        rest = text[match.end() :]
        sentence = rest if _HAVING.search(rest) else _SENTENCE_END.split(rest, maxsplit=1)[0]
        lead_in = _LEAD_IN.match(sentence)
        if lead_in and not (_LIMITED.search(lead_in.group(0)) or _HAVING.search(lead_in.group(0))):
            sentence = sentence[lead_in.end() :]
        if find_codes(sentence):
            continue
        having = _HAVING.search(sentence)
        limited = _LIMITED.search(sentence)
        if having:
            lead_in = text[: text.index(sentence) + having.end()].strip() if sentence in text else ""
            conditions = list(dict.fromkeys(listed.get(lead_in) or _conditions(sentence[having.end() :])))
            head = sentence[: having.start()]
            needs_all = (having.group(1) or "all").lower() in ("all", "both")
            if any(re.search(r"\bfollowing\b", c, re.I) for c in conditions):
                continue  # a list within the list: its own all/any is not read here
        elif limited:
            head, conditions, needs_all = sentence[: limited.start()], [sentence[limited.start() :]], True
        else:
            continue
        head = re.split(r";|(?:^|\s)[a-z]\.\s", head)[-1].strip(" ,:")
        if not conditions or not _names_head(head, facts, of_kind):
            continue
        met = [_condition_met(condition, facts) for condition in conditions]
        if all(met) if needs_all else any(met):
            return True
    return False


def _conditions(text: str) -> list[str]:
    """The listed conditions of "having all of the following: 1. ...; and 2. ...", each without its label."""
    text = _SENTENCE_END.split(text, maxsplit=1)[0] if not _CONDITION_SPLIT.search(text) else text
    parts = [re.sub(r"^\s*(?:and|or)\b", "", part).strip(" ,.;:") for part in _CONDITION_SPLIT.split(text)]
    return [part for part in parts if part]


_NAME_STOP = ENGLISH_STOP


@functools.lru_cache(maxsize=1024)
def _name(text: str, subject: str) -> tuple[str, ...]:
    """The words that name the goods in the description: their noun and the words before it in its phrase
    ("cnc gear hobbing machine" in "CNC gear hobbing machine, 5 axes")."""
    if not subject:
        return ()
    tokens = re.findall(r"[A-Za-z][A-Za-z-]*|[^\sA-Za-z]", text)
    noun = head_term(subject)
    at = next((i for i, t in enumerate(tokens) if t[0].isalpha() and (term(t) == noun or similar(term(t), noun))), None)
    if at is None:
        return tuple(words(subject))
    start = at
    while start > 0 and tokens[start - 1][0].isalpha() and tokens[start - 1].lower() not in _NAME_STOP:
        start -= 1
    return tuple(t.lower() for t in tokens[start : at + 1])


def _goods_terms(facts: Facts) -> set[str]:
    """What the goods are called: their noun's term, and that of the noun with the word before it ("grinding
    machine" -> "machine tool")."""
    name = _name(facts.text, facts.subject)
    found = {head_term(facts.subject)} if facts.subject else set()
    if len(name) > 1:
        found.add(head_term(" ".join(singular(w) for w in name[-2:])))
    return found


def _names_head(head: str, facts: Facts, of_kind: bool) -> bool:
    """The goods are what the exclusion names: its noun is theirs (or, goods of the item's kind, a generic
    one), and every other word it says is in the description (modifiers given as alternatives, one of
    which the goods must be, need not be)."""
    tokens = re.findall(r"[A-Za-z][A-Za-z-]*", head)
    if not tokens:
        return False
    nouns = {head_term(singular(tokens[-1])), head_term(" ".join(singular(t) for t in tokens[-2:]))}
    goods = _goods_terms(facts)
    generic = nouns <= GENERIC | {"machine tool"}
    if not (nouns & goods or (of_kind and generic)):
        return False
    if of_kind and generic and not nouns & goods:
        return True
    alternatives = {w for m in _COORDINATED.finditer(head) for w in words(m.group(0))}
    said = frozenset(words(facts.text)) | goods
    required = [w for w in _content(head) if w not in alternatives and w not in _LIMIT_WORDS]
    return all(any(_same_word(w, s) for s in said) for w in required)


def _condition_met(condition: str, facts: Facts) -> bool:
    """Whether the description states a condition of an exclusion (see `conditional`)."""
    if _NEGATION.search(condition):
        return False
    if further_condition(condition):
        # "less than 1 m and focal length to aperture ratio equal to or greater than 4.5:1": each figure holds.
        parts = [part for part in re.split(r"(?i)\band\b", condition) if re.search(r"\d", part)]
        return all(_condition_met(part, facts) for part in parts)
    limited = _LIMITED.search(condition)
    about, limit = (condition[: limited.start()], condition[limited.end() :]) if limited else ("", condition)
    if parse_quantities(limit):
        return _figure_met(condition, limit, facts)
    if about.strip() and _ENUMERATION.fullmatch(limit):
        return _listing_met(about, limit, facts.text)
    if not limited:
        return False
    name = frozenset(words(" ".join(_name(facts.text, facts.subject)))) | purposes(facts.text)
    for phrase in _ALTERNATIVES.split(re.sub(r"\bincluding\b", ";", limit, flags=re.I)):
        own = [w for w in _content(phrase) if w not in _LIMIT_WORDS]
        if (
            own
            and all(_civil(w, facts) or any(_same_word(w, s) for s in name) for w in own)
            and not all(w in _CIVIL for w in own)
        ):
            return True
    return False


def _civil(word: str, facts: Facts) -> bool:
    """ "Civil" (industries, use) is said by a purpose in an industry that names nothing of arms or agents."""
    return word in _CIVIL and not set(words(facts.text)) & _ARMED


def _figure_met(condition: str, limit: str, facts: Facts) -> bool:
    """A figure bound ("a maximum workpiece capacity of 150 mm outside diameter or length") met by a stated
    quantity of the same kind said of the same thing (a clause of the description sharing a word with it)."""
    thresholds = parse_thresholds(limit)
    if thresholds:
        threshold = thresholds[0]
    else:
        bound = parse_quantities(limit)[0]
        op = "<=" if _MAXIMUM.search(condition) else ">=" if _MINIMUM.search(condition) else None
        if op is None:
            return False
        threshold = Threshold(op, bound, limit)
    about = {w for w in _content(condition) if w not in _LIMIT_WORDS}
    about = (about - _DIMENSIONS) or about
    clauses = [c for c in re.split(r"[,;]", facts.text) if {w for w in words(c)} & about]
    asked = [q for q in facts.quantities if any(q.text in c for c in clauses)]
    verdicts = [check_quantities([q], [threshold])[0][2] for q in asked]
    verdicts = [v for v in verdicts if v != "not stated"]  # a figure of another kind (µm beside m)
    return bool(verdicts) and all(v == "met" for v in verdicts)


def _listing_met(about: str, limit: str, text: str) -> bool:
    """ "Axes limited to x, z and c": the description lists the goods' own (axes X, Z and C), all among them."""
    allowed = {t.lower() for t in re.findall(r"[a-z0-9]{1,2}", re.sub(r"\b(?:and|or)\b", " ", limit, flags=re.I), re.I)}
    nouns = [w for w in re.findall(r"[A-Za-z]+", about) if len(w) > 2]
    if not nouns:
        return False
    noun = re.escape(nouns[-1].lower().rstrip("s"))
    run = r"((?:\b[a-z0-9]{1,2}\b\s*(?:,|\band\b|\bor\b)?\s*)+)"
    stated: set[str] = set()
    for match in re.finditer(rf"\b{noun}\w*\s*:?\s*{run}|{run}\s*{noun}\w*\b", text, re.I):
        listed = match.group(1) or match.group(2) or ""
        stated |= {
            t.lower()
            for t in re.findall(r"\b[a-z0-9]{1,2}\b", re.sub(r"\b(?:and|or)\b", " ", listed, flags=re.I), re.I)
        }
    return bool(stated) and stated <= allowed


_CAS_CONDITION = re.compile(
    r"%|\bmixtures?\b|\bcontaining\b|\bin which\b|\bwhen\b|\bif\b|\bfor exports?\b|"
    r"\bconcentrations?\b|\bother than\b",
    re.I,
)


def excluded_cas(texts: Iterable[str], cas: Iterable[str]) -> str:
    """The first Note among `texts` that names a stated CAS number as what it does not control, with no
    condition on it (no mixture, share or use): "1C450.b.5. does not control the following:
    N,N-Dimethylaminoethanol (CAS 108-01-0) and corresponding protonated salts" for CAS 108-01-0; or "".

    >>> note = ("Note: 1C450.b.5. does not control the following: N,N-Dimethylaminoethanol (CAS 108-01-0) "
    ...         "and corresponding protonated salts;")
    >>> excluded_cas([note], ["108-01-0"]) == note, excluded_cas([note], ["100-37-8"])
    (True, '')
    >>> excluded_cas(["1C350 does not control mixtures containing (CAS 108-01-0) in which it is 30 % or less"],
    ...              ["108-01-0"])
    ''
    """
    stated = set(cas)
    for text in texts:
        for match in _TRIGGER.finditer(text):
            for phrase in re.split(r";|(?:^|\s)[a-z0-9]{1,2}\.\s", text[match.end() :]):
                if stated & set(find_cas(phrase)) and not _CAS_CONDITION.search(phrase):
                    return text
    return ""
