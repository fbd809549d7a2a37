"""Which language a question is written in, and its digits in one form.

Officers of WCO members ask in French, Spanish, Russian, Arabic or Chinese as often as in English. The
script decides Russian (Cyrillic), Arabic and Chinese (Han); among Latin-script questions, function words and
accents tell French and Spanish from English. Digits written in other scripts (Arabic-Indic "٣٠٠",
Persian "۳۰۰", fullwidth "３００") and the Arabic decimal and thousands signs are read as ASCII, so the one
number reader (`assistant.text.params.read_number`) sees every number.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

from assistant.text.glossary import latin_words
from assistant.text.script import FUNCTION_WORDS, fold_latin, script

LANGUAGES = ("en", "fr", "es", "ru", "ar", "zh")
NAMES = {"en": "English", "fr": "French", "es": "Spanish", "ru": "Russian", "ar": "Arabic", "zh": "Chinese"}
SCRIPT_LANGUAGE = {"cyrillic": "ru", "arabic": "ar", "han": "zh"}

# Bidirectional formatting marks that right-to-left text carries; they are invisible and split words.
_BIDI = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069\u061c\u0640]")
_ARABIC_SIGNS = str.maketrans(
    {
        "\u066b": ",",
        "\u066c": " ",
        "\u060c": ", ",
        "\u061b": "; ",
        "\u061f": "? ",
        "\u066a": "%",
        "\u3001": ", ",
        "\u3002": ". ",
    }
)

_FRENCH_LETTERS = re.compile(r"[èêàçùûœîïâ]|\b(?:[ldjn]|qu)['’]", re.IGNORECASE)
_SPANISH_LETTERS = re.compile(r"[ñ¿¡áíóú]", re.IGNORECASE)
_WORDS = re.compile(r"[^\W\d_][\w'’-]*")


@dataclass(frozen=True)
class Detected:
    """The question's language, and the scripts and languages it mixes."""

    language: str
    scripts: tuple[str, ...]

    @property
    def mixed(self) -> bool:
        """More than one script with letters in it ("насос PTFE" mixes Cyrillic and Latin)."""
        return len(self.scripts) > 1


def normalise(text: str) -> str:
    """Compatibility forms folded (fullwidth letters and digits, "℃"), every decimal digit made ASCII,
    bidirectional marks and tatweel removed, Arabic and Chinese punctuation made ASCII.

    >>> normalise("٣٠٠ مم"), normalise("３００ｍｍ"), normalise("۲٫۵ ك")
    ('300 مم', '300mm', '2,5 ك')
    """
    text = unicodedata.normalize("NFKC", _BIDI.sub("", text)).translate(_ARABIC_SIGNS)
    return "".join(
        str(unicodedata.digit(c)) if c.isdigit() and not c.isascii() and unicodedata.digit(c, None) is not None else c
        for c in text
    )


_SYMBOLS = frozenset("µμΩΩÅαβγδ")
"""Letters that are symbols in any language: units (µm, Ω, Å) and chemical prefixes (β-propiolactone)."""


def scripts(text: str) -> Counter[str]:
    """How many letters of each script the text has (unit and chemical symbols are no script).

    >>> dict(scripts("particles 20 µm")), dict(scripts("пресс"))
    ({'latin': 10}, {'cyrillic': 5})
    """
    return Counter(script(c) for c in text if c.isalpha() and c not in _SYMBOLS)


def detect(text: str) -> Detected:
    """The language of a question: by script, then among Latin-script questions by function words and
    accents; English when nothing says otherwise.

    >>> detect("réacteur émaillé de 3 000 litres").language, detect("изостатический пресс").language
    ('fr', 'ru')
    """
    counts = scripts(text)
    present = tuple(s for s, n in counts.most_common() if n)
    foreign = [s for s in present if s in SCRIPT_LANGUAGE]
    if foreign:
        return Detected(SCRIPT_LANGUAGE[foreign[0]], present)
    return Detected(_latin_language(text), present)


def _latin_language(text: str) -> str:
    """Function words and glossary words of each language, plus letters only French or Spanish use: a
    French word in an English question ("émaillé reactor") does not make it French."""
    words = [w.lower().replace("’", "'") for w in _WORDS.findall(text)]
    keys = [(w, (w if w.isascii() else fold_latin(w)).removesuffix("s")) for w in words]
    score = {
        lang: sum(w in FUNCTION_WORDS[lang] or key in latin_words(lang) for w, key in keys)
        for lang in ("en", "fr", "es")
    }
    score["fr"] += bool(_FRENCH_LETTERS.search(text))
    score["es"] += bool(_SPANISH_LETTERS.search(text))
    best = max(("fr", "es"), key=score.__getitem__)
    return best if score[best] > score["en"] else "en"


_DOCUMENT_LANGUAGES = ("en", "fr")
_MIN_DOCUMENT_WORDS = 20


def document_language(text: str) -> str:
    """The language a document is written in, for a source whose file does not say (`xml:lang` is preferred):
    "en" or "fr" when the function words say so clearly, "" when the text is too short or mixed.

    >>> document_language("The reactor vessels of the plant, with or without agitators, and the pumps for it " * 2)
    'en'
    >>> document_language("2B350 0.1 m3")
    ''
    """
    words = [w.lower().replace("’", "'") for w in _WORDS.findall(text[:50_000])]
    if len(words) < _MIN_DOCUMENT_WORDS:
        return ""
    counts = {lang: sum(w in FUNCTION_WORDS[lang] for w in words) for lang in _DOCUMENT_LANGUAGES}
    best = max(counts, key=counts.__getitem__)
    others = max(n for lang, n in counts.items() if lang != best)
    return best if counts[best] >= max(5, 2 * others) else ""
