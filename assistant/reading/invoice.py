"""The figures of an invoice line that are not figures of the goods: references, prices, lots, dates, packs.

Invoices, manifests and catalogues write "P/N GL-3000-AG", "USD 48,500", "Lot 2231-B", "HS 8419.89",
"qty 12 pcs" and "90 x 200 kg drums" beside what the goods can do. `trade_spans` finds them so that the
reader of quantities (facts.py) never takes a model number for a size, a price for a capacity or a drum's
content for the goods' capability. A concentration or purity of what is packed stays a fact ("drums of
200 kg, purity 99 %"): only the pack's own figures are taken out.
"""

from __future__ import annotations

import re

from assistant.knowledge.subjects import PACKAGING
from assistant.text.params import starts_with_unit, unit_pattern

_CONTAINERS = sorted(PACKAGING - {"sample", "culture", "solution", "container", "box"}, key=len, reverse=True)
"""Nouns of packs: what an invoice packs goods in. "Container" and "box" name goods too often (a glove box, a
shipping container's own size) to strip a figure beside them."""
_CONTAINER = rf"(?:{'|'.join(_CONTAINERS)}|jerry\s?cans?)(?:e?s)?"
_AMOUNT = rf"\d[\d.,]*\s?-?\s?(?:{unit_pattern('mass', 'volume')})(?![^\W_])"
_COUNT = r"\d{1,6}\s?(?:[x×*]|pcs\.?\s*[x×]?|drums?\s*[x×])\s?"

_REFERENCE = re.compile(
    r"(?i)(?<![^\W_])(?:p\s?/\s?n|part\s*(?:no|number|#)|mpn|mfr\.?\s*(?:no|#)|model(?:\s*(?:no|number|#))?|"
    r"cat(?:alog(?:ue)?)?\.?\s*(?:no|#)|ref(?:erence)?\.?(?:\s*no)?|art(?:icle)?\.?\s*(?:no|#)|item\s*(?:no|#)|sku|"
    r"s\s?/\s?n|serial\s*(?:no|number|#)?|order\s*(?:no|code|#)|lot|batch)\.?\s*[:#]?\s*"
    r"(?=[\w/.-]*\d)(?P<token>[A-Z0-9][\w/.-]*(?<![.-]))"
)
"""A reference and its token, which must hold a digit: "P/N GL-3000-AG", "Model TX-250", "Lot 2231-B"; a figure
with a unit after it ("batch 500 L") is the goods' size, not a reference."""
_TYPE_CODE = re.compile(r"(?<![^\W_])(?i:type)\.?\s*[:#]?\s*(?P<token>[A-Z]{2,}-?\d[\w/.-]*(?<![.-]))")
"""A catalogue's "Type" with a code of two or more capitals and digits ("Type LL-2319", "Type GK5615"): a model
number. A type of digits or one letter ("Type 316L", "Type 304", "Type K", "Type C-276") names a grade or a
class of the goods, so it stays for the readers of materials and kinds."""
_CURRENCY = r"(?:USD|EUR|GBP|CHF|JPY|CNY|RMB|NOK|SEK|DKK|CAD|AUD|INR|RUB|US\$|\$|€|£|¥)"
_MONEY = r"\d{1,3}(?:[.,\s]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?"
_PRICE = re.compile(
    rf"{_CURRENCY}\s?(?:{_MONEY})|(?<![\w.,])(?:{_MONEY})\s?{_CURRENCY}(?![^\W_])|(?<![\w.,])(?:{_MONEY}),-"
)
"""A price, currency before or after, whatever the grouping ("USD 48,500", "EUR 1.200,00", "1 200 €")."""
_TARIFF = re.compile(r"(?i)(?<![^\W_])(?:hs|hts|hsn|cn|tariff)(?:\s*code)?\.?\s*[:#]?\s*\d{4}(?:[.\s]?\d{2}){0,3}")
_DATE = re.compile(
    r"(?<![\d.,/-])(?:\d{4}-\d{2}-\d{2}|\d{1,2}[./]\d{1,2}[./](?:\d{4}|\d{2})(?![\d.,]))"
    r"|(?i:(?<![^\W_])\d{1,2}\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{4})"
)
_PIECES = re.compile(
    r"(?i)(?<![^\W_])(?:qty|quantity|qté|menge)\.?\s*[:=]?\s*\d[\d.,]*(?:\s*(?:pcs|pieces|units|ea|sets|nos|pc))?\.?"
    r"|(?<![\w.,])\d[\d.,]*\s*(?:pcs|pieces|units|ea|sets|nos)(?![^\W_])"
)
_PACKED = re.compile(
    rf"(?i)(?<![\w.,])(?:{_COUNT})?{_AMOUNT}(?:\s+[^\W\d_]{{2,12}})?\s*{_CONTAINER}(?![^\W_])"
    rf"|(?<![\w.,])\d{{1,6}}\s?{_CONTAINER}(?:\s*(?:[x×*]|of|à|@|de)\s*{_AMOUNT}(?:\s+each)?)?(?![^\W_])"
    rf"|(?<![^\W_]){_CONTAINER}\s*(?:of|à|de|@|[x×*])\s*{_AMOUNT}(?:\s+each)?"
)
"""A pack: "90 x 200 kg drums", "25-L carboys", "250 ml retail bottles", "80 drums x 225 kg", "drums of 200 kg",
"2 cryovials". Without a pack's noun, "2 x 1500 L tanks" are two tanks of 1 500 L each: goods, not packs."""


_FIGURE = re.compile(rf"{_COUNT}|{_AMOUNT}|\d+")


def trade_spans(text: str) -> list[tuple[int, int]]:
    """Where `text` gives references, prices, tariff codes, dates, piece counts and packs, in order.

    >>> t = "P/N GL-3000-AG reactor, USD 48,500, 90 x 200 kg drums, purity 99 %"
    >>> [t[a:b] for a, b in trade_spans(t)]
    ['P/N GL-3000-AG', 'USD 48,500', '90 x 200 kg']
    >>> t = "Model TX-250, EUR 1.200,00, Lot 2231-B, HS 8419.89, qty 12 pcs, 2 cryovials, 4 x 25 L carboys"
    >>> [t[a:b] for a, b in trade_spans(t)]
    ['Model TX-250', 'EUR 1.200,00', 'Lot 2231-B', 'HS 8419.89', 'qty 12 pcs', '2', '4 x 25 L']
    >>> trade_spans("glass-lined reactor 3 000 L, 2 x 1500 L tanks, batch 500 L")
    []
    >>> t = "focal plane array Type LL-2319, wavelength 15 um; Type 316L stainless, Type K thermocouple"
    >>> [t[a:b] for a, b in trade_spans(t)]
    ['Type LL-2319']
    """
    spans = [
        m.span()
        for pattern in (_REFERENCE, _TYPE_CODE, _PRICE, _TARIFF, _DATE, _PIECES)
        for m in pattern.finditer(text)
        if pattern not in (_REFERENCE, _TYPE_CODE) or not starts_with_unit(text[m.end() :])
    ]
    # A pack keeps its noun, which says what the goods come in; only its figures go.
    spans += [
        (m.start() + f.start(), m.start() + f.end()) for m in _PACKED.finditer(text) for f in _FIGURE.finditer(m[0])
    ]
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged
