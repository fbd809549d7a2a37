"""How a question is read, in one place: cleaned, completed from the conversation when it is a follow-up,
its facts, and whether enough of it was understood to search at all.

A follow-up completes the goods already described ("and if it is only 50 litres?", "frequency stability
0.1%"); a new description is a new topic and inherits nothing, whatever its length: the goods' subject
decides ("wooden office chair" after a stainless tank is a chair). The query searched is kept on the answer
(`Answer.query`) and is what every surface passes back as history.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from assistant.core.codes import find_cas, find_codes
from assistant.core.errors import QuestionError
from assistant.core.types import Facts, Quantity
from assistant.knowledge.acronyms import acronyms_table, expand
from assistant.knowledge.chemistry import MAX_CHOICES
from assistant.knowledge.materials import ELEMENTS, find_materials
from assistant.knowledge.subjects import GENERIC
from assistant.reading.facts import goods_text, is_goods_noun, read_facts, with_listed
from assistant.storage.embeddings import english_words, is_english
from assistant.storage.snapshot import Snapshot
from assistant.text.glossary import Translation, translate
from assistant.text.language import NAMES, SCRIPT_LANGUAGE, detect, normalise, scripts
from assistant.text.params import parameter_name, parse_quantities
from assistant.text.script import FUNCTION_WORDS

MAX_QUESTION_CHARS = 2000
MIN_KNOWN_SHARE = 0.5
# A follow-up adds a fact or two ("and if it is only 50 litres?", "frequency converter with multiphase output");
# a longer text (a pasted invoice, a whole description) is a description of its own. 40 words is about twice
# the longest follow-up the chat's own prompts and next questions send.
MAX_FOLLOW_UP_WORDS = 40
# Latin letters in a question in another script that make it a mixed-language question (not just "PTFE").
_MIXED_LATIN_LETTERS = 8
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_SURROGATES = re.compile("[\ud800-\udfff]")
_WORD = re.compile(r"[^\W\d_]{3,}")


@dataclass(frozen=True)
class Reading:
    """A question as the assistant reads it: the text searched, the goods' facts, and whether it continues
    the conversation."""

    question: str
    query: str
    facts: Facts
    follow_up: bool
    language: str = "en"
    terms: tuple[Translation, ...] = ()
    unread: tuple[str, ...] = ()
    earlier: str = ""
    """For a follow-up, the description it completes."""


def clean_question(question: str) -> str:
    r"""Strip control characters and bound the length; refuse text with nothing to search for.

    Bytes that were not UTF-8 (which Python carries as lone surrogates from a command line or a pipe) become
    the replacement character: the rest of the question is still read.

    >>> clean_question("pump \udcff\udcfe Hastelloy")
    'pump �� Hastelloy'
    """
    question = _SURROGATES.sub("\ufffd", question)
    text = " ".join(normalise(_CONTROL_CHARS.sub(" ", question)).split())[:MAX_QUESTION_CHARS]
    if not text:
        raise QuestionError("the question is empty: describe the goods, or give a control code or CAS number")
    if not re.search(r"\w", text):
        raise QuestionError("the question has no words or numbers to search for")
    return text


CAPITALS_SHARE = 0.8
"""A question whose letters are this much capitals is written in capitals (manifests and invoices often are):
set by hand; ordinary text with acronyms ("HTPB binder resin, 200 kg drum") stays well below."""
_TOKEN = re.compile(r"[^\W_][\w/.-]*")


def uncapitalised(text: str) -> str:
    """An invoice line written in capitals, read as ordinary text: its words and units in lower case ("50 M3/H"
    is 50 m3/h); acronyms the tables know, and names that are no English word ("HTPB"), stay as written.
    Text that is not in capitals is left alone.

    >>> uncapitalised("SEAL-LESS PUMP 50 M3/H FOR HTPB SERVICE, P/N SP-50")
    'seal-less pump 50 m3/h for HTPB service, P/N sp-50'
    >>> uncapitalised("HTPB binder resin, 200 kg drum")
    'HTPB binder resin, 200 kg drum'
    """
    letters = [c for c in text if c.isalpha()]
    if not letters or sum(c.isupper() for c in letters) < CAPITALS_SHARE * len(letters):
        return text
    table = acronyms_table()

    def lower(m: re.Match[str]) -> str:
        word = m[0]
        keep = table.known(word) or (word.isalpha() and not is_english(word) and not is_goods_noun(word.lower()))
        return word if keep or "/" in word and not any(c.isdigit() for c in word) else word.lower()

    return _TOKEN.sub(lower, text)


def _new_topic(question: str, facts: Facts, before: Facts) -> bool:
    """A question names other goods, a code or a CAS number of its own: it starts afresh."""
    if find_codes(question) or find_cas(question):
        return True
    framing = all(w in _FRAMING for w in facts.subject.lower().split())  # "c'est" in "et si c'est 50 L ?"
    return facts.subject not in ("", *GENERIC) and not framing and facts.subject != before.subject


# Words that only frame a follow-up ("and if it is only 50 litres?", "what about 316L?", "et si c'était 50 L ?"):
# once its facts are placed in the description, a reply made of these and punctuation adds nothing more.
_FRAMING = frozenset(
    """and if it is was were be the what about only just then instead its it's say suppose how
    et si c'est c'était était seulement alors que qu'en est-il il elle""".split()
)
_FRAMING_START = re.compile(
    r"^(?:\W*(?:" + "|".join(map(re.escape, sorted(_FRAMING, key=len, reverse=True))) + r")\b)+\W*", re.I
)


def complete(previous: str, follow: str) -> str:
    """The whole description after a follow-up, as if the officer had typed it in one go: a figure of a
    property already stated replaces the earlier one in place, a named material replaces the earlier
    materials, and whatever else the follow-up says (a feature, a property with its figure, "wetted parts
    316L") is added; the words that only frame a follow-up are dropped.

    >>> complete("glass-lined reactor 3000 L with agitator", "and if it is only 50 litres?")
    'glass-lined reactor 50 litres with agitator'
    >>> complete("frequency converter 800 Hz, 50 kVA", "frequency control 0.1%")
    'frequency converter 800 Hz, 50 kVA, frequency control 0.1%'
    >>> complete("glass-lined reactor 3000 L", "and if the wetted parts were 316L stainless steel?")
    'reactor 3000 L, wetted parts were 316L stainless steel'
    >>> complete("frequency converter 800 Hz, 50 kVA, frequency stability", "and if it is 0.01 %?")
    'frequency converter 800 Hz, 50 kVA, frequency stability 0.01 %'
    """
    before, now = read_facts(previous), read_facts(follow)
    text, rest = previous, follow
    for q in now.quantities:
        if q.text not in rest:
            continue
        slot = _slot(text, q)
        old = next((o for o in before.quantities if _same_property(o, q) and o.text in text), None)
        if slot is not None:
            text = f"{text[:slot]} {q.text}{text[slot:]}"
        elif old is not None:
            text = text.replace(old.text, q.text, 1)
        else:
            continue
        rest = rest.replace(q.text, " ", 1)
    if before.subject:
        # "converter with multiphase output" answers an ask about the converter already described.
        rest = re.sub(rf"^\W*{re.escape(before.subject)}\b", "", rest, flags=re.I)
    if now.materials:
        for mention in reversed(find_materials(text)):
            text = text[: mention.start] + text[mention.end :]
    text = _tidy(text)
    rest = _FRAMING_START.sub("", rest).strip(" ?!.,;")
    words = re.findall(r"[^\W\d_][\w'-]*", rest)
    if not rest or not re.search(r"\d", rest) and all(w.lower() in _FRAMING for w in words):
        return text
    return f"{text}, {rest}"


# The last word of a clause that names a property awaiting its figure ("inside diameter", "tensile strength",
# "condenser capacity", "full scale"): the words the lists' thresholds are measured by, as in the decision's
# own property words, and "capacity", "scale", "long" that descriptions put before or after a figure.
_AWAITS_FIGURE = frozenset(
    """volume area surface diameter length width height thickness depth pressure temperature frequency power
    voltage current speed rate modulus strength stability control mass weight density size bore stroke
    concentration purity resolution repeatability capacitance inductance energy impulse capacity scale
    accuracy range wall""".split()
)
_CLAUSE = re.compile(r"[^,;()]+")
# Words written after their figure ("1 m long", "0.05 mm thick", "2 m between centres", "150 mm diameter"):
# with no figure before them, a bare figure goes right before them.
_AFTER_FIGURE = frozenset("long thick wide high deep tall between diameter".split())
# Words that qualify a property named after them ("inside diameter 300 mm"): the figure follows the property.
_LENGTH = parameter_name(Quantity(1.0, "meter", "1 m"))
_QUALIFIERS = frozenset("inside outside inner outer internal external mean nominal max maximum min".split())


def _slot(text: str, q: Quantity) -> int | None:
    """Where a bare figure goes in an earlier description: where a property or an element is named without
    its figure ("carbon fibre tow, tensile strength, modulus 230 GPa" takes "4.9 GPa" after "tensile
    strength"; "zirconium foil thick" takes "0.05 mm" before "thick"; "crucible Ta" takes "99.95 %" before
    "Ta"); None when no place awaits one.

    >>> _slot("maraging steel tube, inside diameter, wall 5 mm", Quantity(300, "millimeter", "300 mm"))
    36
    >>> _slot("zirconium foil thick", Quantity(0.05, "millimeter", "0.05 mm"))
    14
    """
    if q.property:
        return None
    for word in re.finditer(r"[^\W\d_]+", text):
        before = text[: word.start()].rstrip()
        previous = re.findall(r"[^\W\d_]+|\d", before)[-1:]
        bare = not previous or not previous[0].isdigit() and previous[0].lower() not in _QUALIFIERS
        length = parameter_name(q) == _LENGTH
        fits = word[0].lower() in _AFTER_FIGURE and length or q.unit == "percent" and word[0] in ELEMENTS
        figured = any(before.endswith(f.text) for f in parse_quantities(before)) or before.endswith("%")
        if fits and bare and not figured:
            return word.start() - 1 if word.start() else 0
    for clause in _CLAUSE.finditer(text):
        words = re.findall(r"[^\W\d_]+", clause[0].lower())
        if words and not re.search(r"\d", clause[0]) and words[-1] in _AWAITS_FIGURE:
            return clause.end() - (len(clause[0]) - len(clause[0].rstrip()))
    return None


def _same_property(a: Quantity, b: Quantity) -> bool:
    """Two figures of one property: the same kind of unit, and the same named property where both name one."""
    return parameter_name(a) == parameter_name(b) and (not a.property or not b.property or a.property == b.property)


def _tidy(text: str) -> str:
    """Spaces and commas left behind where words were taken out.

    >>> _tidy(" reactor ,  3000 L,, with agitator ")
    'reactor, 3000 L, with agitator'
    """
    text = re.sub(r"\s+", " ", text)
    text = re.sub(r"\s+([,;])", r"\1", text)
    text = re.sub(r"([,;])(?:\s*[,;])+", r"\1", text)
    return text.strip(" ,;")


def _language_notes(text: str, language: str, unread: tuple[str, ...]) -> list[str]:
    """What the officer should know about how a question in another language was read: a script the
    glossary does not cover, languages mixed, words not read (named, so nothing is silently lost)."""
    notes = []
    letters = scripts(text)
    if letters["other"]:
        notes.append(
            "part of the question is in a script the glossary does not cover; ask in English or "
            "French words, or give a control code or a CAS number"
        )
    foreign = [s for s in ("cyrillic", "arabic", "han") if letters[s]]
    if len(foreign) > 1 or foreign and letters["latin"] >= _MIXED_LATIN_LETTERS:
        names = [NAMES[language]] + [
            "English" if s == "latin" else NAMES[SCRIPT_LANGUAGE[s]]
            for s in ("latin", *foreign)
            if letters[s] and SCRIPT_LANGUAGE.get(s) != language
        ]
        notes.append(f"the question mixes {' and '.join(dict.fromkeys(names))}; the terms of each were read")
    if unread:
        notes.append(
            f"not in the glossary, so not read: {', '.join(unread)}; give the English or French name, a "
            f"control code or a CAS number for them"
        )
    return notes


def read_question(question: str, history: Sequence[str] = ()) -> Reading:
    """The question cleaned, its language's glossary terms put in English, read into facts, and completed
    from the last query when it is a follow-up."""
    text = uncapitalised(clean_question(question))
    detected = detect(text)
    languages = dict.fromkeys([detected.language, *(SCRIPT_LANGUAGE.get(s, "") for s in detected.scripts)])
    translated = translate(text, languages)
    english = expand(translated.text)
    notes = _language_notes(text, detected.language, translated.unread)
    facts = read_facts(english)
    facts = replace(facts, notes=facts.notes + tuple(notes))
    lang = dict(language=detected.language, terms=translated.terms, unread=translated.unread)
    if not history:
        return Reading(text, english, facts, False, **lang)
    previous = history[-1]
    before = read_facts(previous)
    if _new_topic(english, facts, before) or len(english.split()) > MAX_FOLLOW_UP_WORDS:
        return Reading(text, english, facts, False, **lang)
    query = complete(previous, english)
    merged = read_facts(query)
    return Reading(text, query, replace(merged, notes=merged.notes + tuple(notes)), True, earlier=previous, **lang)


def identified(facts: Facts, snapshot: Snapshot) -> Facts:
    """The facts with the chemical names the library could not resolve read against the listed chemicals of
    the live index (misspellings: "thiodiglicol"); the index is only looked at when a name is unresolved."""
    if all(i.certain for i in facts.identities):
        return facts
    return with_listed(facts, snapshot.listed_chemicals)


def searched(query: str, facts: Facts) -> str:
    """The text searched: the question with the reference name and CAS number of each chemical it names, and
    every meaning of an ambiguous acronym, so that the entries listing them are found whatever the spelling
    ("PCl3" finds "Phosphorus trichloride (7719-12-2)"); an agent by the name the lists use, and never by a
    name the goods carry as a title ("Anthrax" on a record album).

    >>> from assistant.core.types import Identity
    >>> searched("PCl3, 250 kg", Facts("PCl3", identities=(Identity("PCl3", "phosphorus trichloride", "7719-12-2"),)))
    'PCl3, 250 kg phosphorus trichloride 7719-12-2'
    """
    parts = [
        part.rstrip(")")
        for i in facts.identities
        for part in (
            [i.name, i.cas] if i.certain else [c for choice in i.choices[:MAX_CHOICES] for c in choice.rsplit(" (", 1)]
        )
    ]
    if facts.titles or facts.agents:
        query = goods_text(replace(facts, text=query))
    return " ".join([query, *dict.fromkeys(p for p in parts if p and p.lower() not in query.lower())])


def trade_names(text: str, vocabulary: frozenset[str] = frozenset()) -> list[str]:
    """Abbreviations and trade names in a question: words in capitals ("TDG", "HTPB"), or words the lists use
    that are not English ("krytron"); a misspelt word is neither.

    >>> trade_names("TDG, 200 kg drums")
    ['tdg']
    """
    english = english_words()
    return [
        w.lower()
        for w in _WORD.findall(text)
        if w.isascii()
        and (w.isupper() and len(w) <= 6 or w.lower() in vocabulary and w.lower().removesuffix("s") not in english)
    ]


def understood(reading: Reading, snapshot: Snapshot) -> bool:
    """Enough of the question can be read to search it: a code, a CAS number, a material, or at least half
    its words known to the index or to English. Otherwise the answer says it could not understand the
    question, never "no entry matches", which would read as cleared."""
    facts = reading.facts
    if find_codes(reading.query) or facts.cas or facts.materials:
        return True
    function = FUNCTION_WORDS.get(reading.language, frozenset())
    words = [w.lower() for w in _WORD.findall(reading.query) if w.lower() not in function]
    if not words and not reading.unread:
        return bool(facts.quantities)
    if reading.unread and not any(t.kind != "unit" for t in reading.terms):
        return False
    known = sum(w in snapshot.vocabulary or w in english_words() for w in words)
    return known / (len(words) + len(reading.unread)) >= MIN_KNOWN_SHARE
