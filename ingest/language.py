"""The language a document is written in, for the editors' sources table.

Lists come in English, French (the Canadian DORS), Norwegian and other languages; an editor checking which
version is live wants to see it without opening the file. The most frequent function words decide: they
are the commonest words of any text and differ between these languages.
"""

from __future__ import annotations

import re
from collections import Counter

_FUNCTION_WORDS = {
    "English": "the of and to in for or with is are by not be than",
    "French": "le la les des du de et ou pour en est une dans par sont",
    "German": "der die das und oder mit für von ist nicht den dem",
    "Norwegian": "og av til i med for eller som er ikke den det på",
    "Spanish": "el la los las de del y o para con en es por que",
}
_WORDS = {lang: set(words.split()) for lang, words in _FUNCTION_WORDS.items()}
_WORD = re.compile(r"[^\W\d_]+")
_MIN_HITS = 20


def language_of(text: str) -> str:
    """The language whose function words are most frequent in `text`; "" when too few words to tell.

    >>> language_of("Reaction vessels or reactors, with or without agitators, having a total internal volume "
    ...             "greater than 0.1 m3 and less than 20 m3, where all surfaces that come in direct contact with "
    ...             "the chemicals being processed are made from any of the following materials. " * 2)
    'English'
    >>> language_of("Béryllium métal, alliages comprenant plus de 50 % de béryllium en poids, composés de "
    ...             "béryllium, produits manufacturés en ces matières et les déchets et débris de ces produits, "
    ...             "à l'exception des fenêtres pour les appareils à rayons X. " * 2)
    'French'
    >>> language_of("2B350 0.1 m3")
    ''
    """
    words = Counter(w.lower() for w in _WORD.findall(text))
    scores = {lang: sum(words[w] for w in vocabulary) for lang, vocabulary in _WORDS.items()}
    best = max(scores, key=scores.__getitem__)
    return best if scores[best] >= _MIN_HITS else ""
