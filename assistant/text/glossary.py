"""The glossary (corpus/glossary.yaml): goods, materials, chemicals and units in French, Spanish, Russian,
Arabic and Chinese, each with the English term the control lists use.

The lists here are in English (and French for the NSG list); an officer asking in Russian or Arabic would
otherwise be matched on a stray number. The question's terms are replaced by their English terms before the
search, and the answer says which were ("изостатический пресс" = isostatic press). Words of the question's
own script that the glossary does not know are kept aside (`Translated.unread`): they decide whether enough
was understood, and the answer names them, so nothing the officer wrote is silently dropped.

Matching: case-insensitive and whole-word; French and Spanish accents optional and plural -s/-es/-x
accepted, and a French chemical radical's final "e" ("thionyle"); Russian words on their stem with any case ending; Arabic words with or without the article and a
clinging preposition, alef/hamza, ta marbuta and alef maqsura spellings folded; Chinese as written. A unit is
read only right after a number, and a unit of one or two letters only in its own case ("В" is volts, "в" a
preposition).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

from assistant.core.codes import CAS_NUMBER
from assistant.core.errors import IngestError
from assistant.text.script import FUNCTION_WORDS, fold_latin, script

GLOSSARY_PATH = Path(__file__).resolve().parents[2] / "corpus" / "glossary.yaml"
KINDS = frozenset({"goods", "material", "chemical", "unit", "property", "term", "link"})
FOREIGN = ("fr", "es", "ru", "ar", "zh")
ALIASES = "aliases"
"""A row's English common names and abbreviations that the lists do not use ("anthrax" for Bacillus anthracis,
"TDG" for thiodiglycol): read as the row's term in a question of any language."""
_SCRIPT_OF = {"ru": "cyrillic", "ar": "arabic", "zh": "han"}
_CAS = re.compile(CAS_NUMBER)  # the one CAS pattern (core/codes.py)
_ARABIC_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ة": "ه", "ى": "ي", "ـ": ""})
_ARABIC_MARKS = re.compile("[\u064b-\u0652\u0670]")
_RUSSIAN_ENDINGS = sorted(
    "а я о е ё и ы у ю й ь ого его ому ему ыми ими ой ей ом ем ам ям ах ях ов ев ью ую юю ая яя ое ее ые ие "
    "ых их ым им ами ями ии ия ий ый".split(),
    key=len,
    reverse=True,
)
_RUSSIAN_ENDING = "(?:" + "|".join(_RUSSIAN_ENDINGS) + ")?"
_ARABIC_PREFIX = "(?:[وف]?(?:[بكل]?ال|لل|[بكل])?)"
_ARABIC_SUFFIX = "(?:ه|ات|ان|ين|ون|ي|ها)?"
# Han characters that carry no goods meaning in a question ("is", "of", "need", "a unit of").
_CHINESE_FUNCTION = frozenset("的是吗和与及或用于在有个台套一种否要这那请问我们需不带把为了该此其可以能吧呢")
# Languages whose describing words follow the noun: "réacteur émaillé" is read "glass-lined reactor".
_NOUN_FIRST = frozenset({"fr", "es", "ar"})


@dataclass(frozen=True)
class Term:
    """One row: the English term, its kind, a CAS number for a chemical, and its forms per language."""

    en: str
    kind: str
    cas: str
    forms: dict[str, tuple[str, ...]]


@dataclass(frozen=True)
class Translation:
    """A term found in a question: as written there, and the English term it was read as."""

    written: str
    english: str
    kind: str
    language: str


@dataclass(frozen=True)
class Translated:
    """The question with its glossary terms in English; the words of its script that were not understood."""

    text: str
    terms: tuple[Translation, ...]
    unread: tuple[str, ...]


def _fold_char(c: str) -> str:
    """One character as it is matched: Latin accents dropped, ё as е, Arabic spellings folded; case kept."""
    if _ARABIC_MARKS.match(c):
        return ""
    if c in "ёЁ":
        return "е" if c == "ё" else "Е"
    if c in "’‘":
        return "'"
    if c.isalpha() and ord(c) < 0x250:
        return "".join(x for x in unicodedata.normalize("NFD", c) if not unicodedata.combining(x)).replace("œ", "oe")
    return c.translate(_ARABIC_FOLD)


def _fold(text: str) -> tuple[str, list[int]]:
    """The folded text and, for each of its characters, where it came from in `text` (plus the end)."""
    chars: list[str] = []
    where: list[int] = []
    for i, c in enumerate(text):
        for f in _fold_char(c):
            chars.append(f)
            where.append(i)
    where.append(len(text))
    return "".join(chars), where


def _fail(path: Path, where: str, reason: str) -> IngestError:
    return IngestError(path, f"{where}: {reason}")


def _parse(path: Path, rows: object) -> tuple[Term, ...]:
    if not isinstance(rows, list):
        raise _fail(path, "the file", "expected a list of rows")
    terms = []
    for n, row in enumerate(rows, 1):
        where = f"row {n}"
        if not isinstance(row, dict) or not isinstance(row.get("en"), str) or not row["en"].strip():
            raise _fail(path, where, "every row needs an English term `en`")
        where = f"row {n} ({row['en']})"
        if row.get("kind") not in KINDS:
            raise _fail(path, where, f"kind must be one of {', '.join(sorted(KINDS))}")
        cas = str(row.get("cas") or "")
        if cas and not _CAS.fullmatch(cas):
            raise _fail(path, where, f"{cas!r} is not a CAS number")
        unknown = set(row) - {"en", "kind", "cas", ALIASES, *FOREIGN}
        if unknown:
            raise _fail(path, where, f"unknown field {sorted(unknown)[0]!r}")
        forms: dict[str, tuple[str, ...]] = {}
        for lang in (*FOREIGN, ALIASES):
            written = row.get(lang) or []
            if not isinstance(written, list) or not all(isinstance(f, str | int) for f in written):
                raise _fail(path, where, f"{lang} must be a list of words")
            forms[lang] = tuple(str(f).strip() for f in written)
            if not all(re.search(r"[^\W\d_]", f) for f in forms[lang]):
                raise _fail(path, where, f"a {lang} form has no letters (quote a name that holds a comma)")
        terms.append(Term(row["en"].strip(), row["kind"], cas, forms))
    return tuple(terms)


@functools.cache
def load_glossary(path: Path = GLOSSARY_PATH) -> tuple[Term, ...]:
    """The glossary's rows; a malformed row is an error naming the file and the row."""
    try:
        rows = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise IngestError(path, f"cannot read the glossary: {exc}") from exc
    return _parse(path, rows)


@functools.cache
def latin_words(language: str) -> frozenset[str]:
    """Folded words of the glossary's forms in French or Spanish (or, for "en", of its English terms) that
    the other two do not share, so that they tell one language from another; a final "s" is dropped, so a
    plural is the same word ("bars")."""

    def words(lang: str) -> set[str]:
        texts = [t.en for t in load_glossary()] if lang == "en" else [f for t in load_glossary() for f in t.forms[lang]]
        return {w.removesuffix("s") for text in texts for w in re.findall(r"[^\W\d_]{3,}", fold_latin(text))}

    others = ("fr",) if language == "en" else ("en", "fr", "es")
    return frozenset(words(language) - set().union(*(words(other) for other in others if other != language)))


def _word_pattern(word: str, language: str, kind: str) -> str:
    """One word of a form as a pattern; a French radical's final "e" is optional in a chemical's name, since
    trade documents often write the English ending ("chlorure de thionyl" for "chlorure de thionyle").

    >>> bool(re.fullmatch(_word_pattern("thionyle", "fr", "chemical"), "thionyl"))
    True
    """
    if language == "fr" and kind == "chemical" and word.endswith("yle"):
        return re.escape(word[:-1]) + "(?:e|es)?"
    if language in ("fr", "es") and kind != "unit" and word[-1:].isalpha():
        return re.escape(word) + "(?:s|es|x)?"
    if language == "ru" and kind != "unit" and len(word) >= 4 and word.isalpha():
        ending = next((e for e in _RUSSIAN_ENDINGS if word.lower().endswith(e) and len(word) - len(e) >= 3), "")
        stem = word[: len(word) - len(ending)]
        return re.escape(stem) + ("[а-яё]{0,3}" if len(stem) >= 5 else _RUSSIAN_ENDING)
    if language == "ar" and kind != "unit" and word.isalpha() and len(word) >= 3:
        stem = word.removeprefix("ال") if len(word) > 4 else word
        stem = stem[:-1] if stem.endswith("ه") and len(stem) > 3 else stem
        return _ARABIC_PREFIX + re.escape(stem) + _ARABIC_SUFFIX
    return re.escape(word)


def _form_pattern(form: str, language: str, kind: str) -> str:
    folded, _ = _fold(form)
    joiner = r"\s*" if language == "zh" else r"[\s\-]+"
    body = joiner.join(_word_pattern(w, language, kind) for w in folded.split())
    if kind == "unit" and len(folded) <= 2:
        body = f"(?-i:{body})"
    before = r"(?:(?<=\d)|(?<=\d\s))" if kind == "unit" else ("" if language == "zh" else r"(?<![^\W_])")
    after = "" if language == "zh" or folded.endswith("'") else r"(?![^\W_])"
    return before + body + after


@functools.cache
def _matcher(language: str) -> tuple[re.Pattern[str], list[Term]]:
    """One pattern of every form in `language`, longest first, and the term of each named group."""
    forms = sorted(((f, t) for t in load_glossary() for f in t.forms[language]), key=lambda ft: -len(ft[0]))
    pattern = "|".join(f"(?P<g{i}>{_form_pattern(f, language, t.kind)})" for i, (f, t) in enumerate(forms))
    return re.compile(pattern, re.IGNORECASE), [t for _, t in forms]


def _unread_words(text: str, language: str) -> list[str]:
    """Words of the language's own script left in `text`, without function words."""

    if language == "zh":
        runs = re.findall(r"[\u3400-\u9fff]+", text)
        return [r for r in ("".join(c for c in run if c not in _CHINESE_FUNCTION) for run in runs) if r]
    wanted = _SCRIPT_OF.get(language, "latin")
    words = re.findall(r"[^\W\d_][\w'’-]*", text)
    return [
        w
        for w in words
        if script(w[0]) == wanted
        and fold_latin(w) not in FUNCTION_WORDS[language]
        and w.lower() not in FUNCTION_WORDS[language]
        and len(w) > 1
    ]


def translate(text: str, languages: Iterable[str]) -> Translated:
    """`text` with the glossary's terms of `languages` (and its English aliases, whatever the language)
    replaced by their English terms; in a language of another script, its words the glossary does not know
    are left out of the text and listed as unread.

    >>> t = translate("изостатический пресс, камера 300 мм", ["ru"])
    >>> t.text, [x.english for x in t.terms]
    ('isostatic press, chamber 300 mm', ['isostatic press', 'chamber', 'mm'])
    >>> translate("anthrax culture", ["en"]).text
    'Bacillus anthracis culture'
    """
    terms: list[Translation] = []
    unread: list[str] = []
    for language in (*languages, ALIASES):
        if language not in (*FOREIGN, ALIASES):
            continue
        pattern, by_group = _matcher(language)
        folded, where = _fold(text)
        found = [
            (where[m.start()], where[m.end()], by_group[int(m.lastgroup[1:])])
            for m in pattern.finditer(folded)
            if m.lastgroup and m.start() != m.end()
        ]
        # A chemical is searched by its CAS number too: the exact route finds it in any list that names it.
        english = [
            f"{term.en} (CAS {term.cas})" if term.kind == "chemical" and term.cas else term.en for _, _, term in found
        ]
        if language in _NOUN_FIRST:
            for i in range(len(found) - 1):
                (_, end, noun), (start, _, adjective) = found[i], found[i + 1]
                if noun.kind == "goods" and adjective.kind in ("material", "term") and not text[end:start].strip():
                    english[i], english[i + 1] = english[i + 1], english[i]
        pieces: list[str] = []
        cursor = 0
        for (start, end, term), written in zip(found, english, strict=True):
            pieces += [text[cursor:start], f" {written} "]
            if term.kind != "link":
                terms.append(Translation(text[start:end], term.en, term.kind, language))
            cursor = end
        pieces.append(text[cursor:])
        text = "".join(pieces)
        if language in _SCRIPT_OF:
            unread += _unread_words(text, language)
            text = _drop_script(text, _SCRIPT_OF[language])
        elif language in FOREIGN:
            text = _drop_function_words(text, language)
    return Translated(
        " ".join(re.sub(r"\s+([,.;:?!)])", r"\1", text).split()), tuple(terms), tuple(dict.fromkeys(unread))
    )


def _drop_function_words(text: str, language: str) -> str:
    """A French or Spanish question without its articles and other function words the glossary left
    ("le", "les", "l'"): noise to the English search; "à" stays, it joins the ends of a range."""
    text = re.sub(r"(?i)(?<![^\W_])(?:[lj]|qu)['’](?=[^\W\d_])", "", text)
    words = FUNCTION_WORDS[language]
    return re.sub(r"(?<![^\W_])[^\W\d_][\w'’-]*", lambda m: "" if m[0].lower() in words else m[0], text)


def _drop_script(text: str, wanted: str) -> str:
    """`text` without the words of one script (they are listed as unread); a dropped word leaves a comma,
    so terms it stood between are not read as one noun phrase ("пресс с камерой" -> "press, chamber")."""
    kept = "".join("\0" if c.isalpha() and script(c) == wanted else c for c in text)
    kept = re.sub(r"[\s,]*\0[\s\0,]*", ", ", kept)
    return re.sub(r"^[\s,]+|[\s,]+$", "", kept)
