"""Which language a text is in, for a source whose document does not say: English or French by stopwords.

A document's own mark (`xml:lang`) is preferred by the readers; this is the fallback for PDFs and text.
"""

from __future__ import annotations

import re

_STOPWORDS = {
    "en": frozenset("the of and or to in for with by is are that which than as be any other not from".split()),
    "fr": frozenset("le la les des du de et ou à au aux pour avec par est sont que qui dont une un sur dans".split()),
}
_WORD = re.compile(r"[^\W\d_]+")
_MIN_WORDS = 20


def detect_language(text: str) -> str:
    """"en" or "fr" when the text's stopwords say so clearly, "" when it is too short or mixed."""
    words = [w.lower() for w in _WORD.findall(text[:50000])]
    if len(words) < _MIN_WORDS:
        return ""
    counts = {lang: sum(w in stop for w in words) for lang, stop in _STOPWORDS.items()}
    best = max(counts, key=counts.__getitem__)
    others = max(n for lang, n in counts.items() if lang != best)
    return best if counts[best] >= max(5, 2 * others) else ""
