"""How a question is read, in one place: cleaned, completed from the conversation when it is a follow-up,
its facts, and whether enough of it was understood to search at all.

A follow-up completes the goods already described ("and if it is only 50 litres?", "frequency stability
0.1%"); a new description is a new topic and inherits nothing, whatever its length: the goods' subject
decides ("wooden office chair" after a stainless tank is a chair). The query searched is kept on the answer
(`Answer.query`) and is what every surface passes back as history.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from assistant.core.codes import find_cas, find_codes
from assistant.core.errors import QuestionError
from assistant.core.types import Facts
from assistant.knowledge.acronyms import expand
from assistant.knowledge.subjects import GENERIC
from assistant.reading.facts import read_facts
from assistant.storage.embeddings import model_path
from assistant.storage.snapshot import Snapshot
from assistant.text.glossary import Translation, translate
from assistant.text.language import NAMES, SCRIPT_LANGUAGE, detect, normalise, scripts
from assistant.text.params import parameter_name
from assistant.text.script import FUNCTION_WORDS

MAX_QUESTION_CHARS = 2000
MIN_KNOWN_SHARE = 0.5
# Latin letters in a question in another script that make it a mixed-language question (not just "PTFE").
_MIXED_LATIN_LETTERS = 8
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
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


def clean_question(question: str) -> str:
    """Strip control characters and bound the length; refuse text with nothing to search for."""
    text = " ".join(normalise(_CONTROL_CHARS.sub(" ", question)).split())[:MAX_QUESTION_CHARS]
    if not text:
        raise QuestionError("the question is empty: describe the goods, or give a control code or CAS number")
    if not re.search(r"\w", text):
        raise QuestionError("the question has no words or numbers to search for")
    return text


def _new_topic(question: str, facts: Facts, before: Facts) -> bool:
    """A question names other goods, a code or a CAS number of its own: it starts afresh."""
    if find_codes(question) or find_cas(question):
        return True
    return facts.subject not in ("", *GENERIC) and facts.subject != before.subject


def _merge(before: Facts, now: Facts, query: str) -> Facts:
    """The earlier goods with the follow-up's facts: a new quantity replaces an earlier one of its kind."""
    kinds = {parameter_name(q) for q in now.quantities}
    kept = tuple(q for q in before.quantities if parameter_name(q) not in kinds)
    return replace(
        before,
        text=query,
        quantities=now.quantities + kept,
        materials=now.materials or before.materials,
        wetted=now.wetted if now.materials else before.wetted,
        cas=now.cas or before.cas,
        chemicals=now.chemicals or before.chemicals,
        concentration_pct=now.concentration_pct if now.concentration_pct is not None else before.concentration_pct,
        counts=before.counts | now.counts,
        notes=now.notes,
    )


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
    text = clean_question(question)
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
    if _new_topic(english, facts, before):
        return Reading(text, english, facts, False, **lang)
    query = f"{previous} {english}"
    return Reading(text, query, _merge(before, facts, query), True, **lang)


def trade_names(text: str, vocabulary: frozenset[str] = frozenset()) -> list[str]:
    """Abbreviations and trade names in a question: words in capitals ("TDG", "HTPB"), or words the lists use
    that are not English ("krytron"); a misspelt word is neither.

    >>> trade_names("TDG, 200 kg drums")
    ['tdg']
    """
    english = _english_words()
    return [
        w.lower()
        for w in _WORD.findall(text)
        if w.isascii()
        and (w.isupper() and len(w) <= 6 or w.lower() in vocabulary and w.lower().removesuffix("s") not in english)
    ]


def is_english(word: str) -> bool:
    """An everyday English word (in the embedding model's vocabulary, plural or not).

    >>> is_english("pumps"), is_english("ricin")
    (True, False)
    """
    word = word.lower()
    return bool({word, word.removesuffix("s"), word.removesuffix("es")} & _english_words())


@functools.cache
def _english_words() -> frozenset[str]:
    """The whole words of the embedding model's vocabulary (about 20 000 English words): a word there can be
    read even when no control list uses it ("wooden", "chair"), unlike gibberish or an unknown script."""
    vocab = (model_path() / "vocab.txt").read_text(encoding="utf-8").split()
    return frozenset(w for w in vocab if w.isalpha() and len(w) >= 3)


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
    known = sum(w in snapshot.vocabulary or w in _english_words() for w in words)
    return known / (len(words) + len(reading.unread)) >= MIN_KNOWN_SHARE
