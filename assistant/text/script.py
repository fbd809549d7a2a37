"""Letters and words below language and glossary: the script of a letter, accent folding, and each
language's function words. Both `language` (which language) and `glossary` (terms into English) need these,
so they live here and neither of those imports the other for them."""

from __future__ import annotations

import unicodedata

FUNCTION_WORDS: dict[str, frozenset[str]] = {
    "en": frozenset(
        """a an the of and or is are was be with without for in on to from by at what which this that
        it does do can could need needs it's my our we i you controlled export licence license""".split()
    ),
    "fr": frozenset(
        """le la les l' un une des du de d' et ou est sont avec sans pour dans sur au aux ce cette ces
        qui que quel quelle quels quelles ne pas par son sa ses notre nos je nous vous il elle est-ce faut-il
        contrôlé contrôlée soumis soumise licence exporter exportation peut doit""".split()
    ),
    "es": frozenset(
        """el la los las un una unos unas de del y o es son con sin para en por al que cual cuál este
        esta estos estas su sus se está están necesita necesito controlado controlada exportar exportación
        licencia""".split()
    ),
    "ru": frozenset(
        """и или в во на с со для по из к о об от до при без под над это этот эта эти что как ли
        не нужна нужен нужно ли является я мы вы он она они его ее её их подлежит требуется требует можно ли
        какой какая какие""".split()
    ),
    "ar": frozenset(
        """في من على إلى الى عن مع و أو او هل هذا هذه ذلك تلك التي الذي ما ماذا لا كان يكون هو
        هي بها به له لها ذات ذو يخضع تخضع يحتاج تحتاج يتطلب يلزم""".split()
    ),
    "zh": frozenset(),
}
ENGLISH_STOP = frozenset("a an the of and or for to in on at by with from which that".split())
"""English words that join other words and name nothing: the stop words every English word list of ours
starts from, each adding the words of its own purpose (facts.py's, notes.py's, criteria.py's)."""


def script(char: str) -> str:
    """The script of one letter: latin, cyrillic, arabic, han, or other."""
    if char.isascii():
        return "latin"
    name = unicodedata.name(char, "")
    for prefix, found in (("LATIN", "latin"), ("CYRILLIC", "cyrillic"), ("ARABIC", "arabic"), ("CJK", "han")):
        if name.startswith(prefix):
            return found
    return "other"


def fold_latin(text: str) -> str:
    """Lower case without accents: "Émaillé" -> "emaille"."""
    decomposed = unicodedata.normalize("NFD", text.lower().replace("œ", "oe").replace("’", "'"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))
