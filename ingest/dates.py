"""The date an official document carries about itself, as a version label ("2026-04-01").

An editor who gives no version label gets the document's own date in citations instead of "unlabelled
version": the eCFR's issue date, Justice Canada's consolidation date, a list PDF's date line. Only a
document that states no date stays unlabelled.
"""

from __future__ import annotations

import re
from datetime import date

MONTHS = {
    # English, Norwegian (the Norwegian lists' covers), French (the Canadian regulation), and English abbreviations.
    **{
        m: i
        for i, m in enumerate(
            "january february march april may june july august september october november december".split(), 1
        )
    },
    **{
        m: i
        for i, m in enumerate(
            "januar februar mars april mai juni juli august september oktober november desember".split(), 1
        )
    },
    **{
        m: i
        for i, m in enumerate(
            "janvier février mars avril mai juin juillet août septembre octobre novembre décembre".split(), 1
        )
    },
    **{m: i for i, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split(), 1)},
    "sept": 9,
}
_MONTH = "|".join(sorted(map(re.escape, MONTHS), key=len, reverse=True))
_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_DAY_MONTH_YEAR = re.compile(rf"\b(\d{{1,2}})(?:er)?\.?\s+({_MONTH})\.?\s+(\d{{4}})\b", re.I)
_MONTH_DAY_YEAR = re.compile(rf"\b({_MONTH})\.?\s+(\d{{1,2}}),?\s+(\d{{4}})\b", re.I)
_TITLE_YEAR = re.compile(r"\((\d{4})\)")
_ECFR_ON = re.compile(rb"/on/(\d{4}-\d{2}-\d{2})/")
_ECFR_AMDDATE = re.compile(rb"<AMDDATE>([^<]{4,40})</AMDDATE>")
_ECFR_HEAD_BYTES = 4096
"""The eCFR states its date (hierarchy metadata, AMDDATE) in the first element; the rest is entries."""
EARLIEST_YEAR = 1945
"""No control list is older; a smaller "year" is a number in the text, not a date."""


def _iso(year: int, month: int, day: int) -> str:
    try:
        return date(year, month, day).isoformat() if year >= EARLIEST_YEAR else ""
    except ValueError:
        return ""


def text_date(text: str) -> str:
    """The first full date written in `text` (ISO, "20. mai 2021", "Jan. 15, 1998"), else a title year "(2021)".

    >>> text_date("Liste II (2021) ... senest oppdatert ved Regulation (EU) No 2021/821 av 20. mai 2021.")
    '2021-05-20'
    >>> text_date("Current as of June 3, 2026"), text_date("Liste I (2020)"), text_date("no date here")
    ('2026-06-03', '2020', '')
    >>> text_date("consolidated to 2026-04-01"), text_date("le 1er avril 2026")
    ('2026-04-01', '2026-04-01')
    """
    found: list[tuple[int, str]] = []
    for m in _ISO.finditer(text):
        found.append((m.start(), _iso(int(m[1]), int(m[2]), int(m[3]))))
    for m in _DAY_MONTH_YEAR.finditer(text):
        found.append((m.start(), _iso(int(m[3]), MONTHS[m[2].lower()], int(m[1]))))
    for m in _MONTH_DAY_YEAR.finditer(text):
        found.append((m.start(), _iso(int(m[3]), MONTHS[m[1].lower()], int(m[2]))))
    dated = sorted((at, iso) for at, iso in found if iso)
    if dated:
        return dated[0][1]
    year = next((m[1] for m in _TITLE_YEAR.finditer(text) if int(m[1]) >= EARLIEST_YEAR), "")
    return year


def ecfr_date(data: bytes) -> str:
    """The issue date an eCFR document states: the point-in-time path of its hierarchy metadata
    ("/on/2026-06-01/title-15/...") or its AMDDATE; "" when it has none (the API's `_SUBSTITUTE_DATE_`).

    >>> ecfr_date(b'<DIV9 hierarchy_metadata="{&quot;path&quot;:&quot;/on/2026-06-01/title-15/part-774">')
    '2026-06-01'
    >>> ecfr_date(b'<DIV9 hierarchy_metadata="/on/_SUBSTITUTE_DATE_/title-15">'), ecfr_date(b"<AMDDATE>Jun. 1, 2026</AMDDATE>")
    ('', '2026-06-01')
    """
    head = data[:_ECFR_HEAD_BYTES]
    if on := _ECFR_ON.search(head):
        return on[1].decode()
    if amended := _ECFR_AMDDATE.search(head):
        return text_date(amended[1].decode("utf-8", "replace"))
    return ""
