"""Control codes and CAS numbers as officers type them, normalised to one spelling.

`2B350i`, `2b350.i`, `2 B 350 i`, `2B-350` and `ECCN 2B350.i` all mean `2B350.i`; `ML 8` means `ML8`;
the Nuclear Suppliers Group numbering keeps its own shape: `B.2.1.2.(a)(1)` and `B.2.1.2 a) 1)` mean
`B.2.1.2(a)(1)`.
"""

from __future__ import annotations

import functools
import re

ENTRY = r"\d[A-E]\d{3}"
"""An EU/US entry as lists print it (`2B350`): category digit, group letter, three digits."""
ML_ENTRY = r"ML\.?\d{1,2}"
"""A Common Military List entry as lists print it (`ML8`, `ML.8`)."""
SUB_ITEMS = r"(?:\.[a-z0-9]{1,2})*"
"""Dotted sub-item labels after an entry (`.g.1.a`)."""
NSG_ENTRY = r"[AB]\.\d{1,2}(?:\.\d{1,2}){0,4}"
"""A Nuclear Suppliers Group list item as the lists print it (`A.1.1`, `B.2.1.1`): part letter, numbers."""
CATCH_ALL = r"\d[A-E]99\d"
"""The US anti-terrorism-only entries (`2B999`), which the CCL's order of review looks at last."""

_SUB = r"(?:\.?[a-z](?![a-z])|\.\d{1,2}(?!\d))"
_EU_US = re.compile(
    rf"(?<![\w-])(?P<head>[0-9])[\s-]?(?P<group>[a-e])[\s-]?(?P<num>\d{{3}})(?![\d-])(?P<sub>(?:{_SUB})*)"
    rf"(?:\s(?P<spaced>[a-z])(?=\s*(?:$|[,;:)?!])))?",
    re.IGNORECASE,
)
_ML = re.compile(r"(?<![\w-])ML\s?(?P<num>\d{1,2})(?!\d)(?P<sub>(?:\.[a-z0-9]{1,2})*)", re.IGNORECASE)
_NSG = re.compile(
    rf"(?<![\w.-])(?P<head>{NSG_ENTRY})(?![\d])\.?(?P<sub>(?:\s?\(?(?:[a-z]{{1,4}}|\d{{1,2}})\)(?![\w]))*)"
)
_NSG_SUB = re.compile(r"\(?([a-z]{1,4}|\d{1,2})\)")
CAS_NUMBER = r"\d{2,7}-\d{2}-\d"
"""A CAS registry number as written (2 to 7 digits, 2 digits, the check digit): the one pattern every module
uses; `find_cas` also checks the digit."""
CAS_RE = re.compile(rf"(?<![\d-]){CAS_NUMBER}(?![\d-])")
"""A CAS number standing alone (not inside a longer run of digits and hyphens)."""


def find_codes(text: str) -> list[str]:
    """Control codes in `text`, normalised (`2B350.i`, `ML8.a`), in order of appearance, without repeats."""
    found: list[tuple[int, str]] = []
    for m in _EU_US.finditer(text):
        parts = [f"{m['head']}{m['group'].upper()}{m['num']}"]
        parts += [p for p in re.split(r"\.|(?<=\d)(?=[a-z])|(?<=[a-z])(?=[a-z])", m["sub"].lower()) if p]
        if m["spaced"]:
            parts.append(m["spaced"].lower())
        found.append((m.start(), ".".join(parts)))
    for m in _ML.finditer(text):
        sub = [p for p in m["sub"].lower().split(".") if p]
        found.append((m.start(), ".".join([f"ML{int(m['num'])}", *sub])))
    for m in _NSG.finditer(text):
        found.append((m.start(), m["head"] + "".join(f"({s})" for s in _NSG_SUB.findall(m["sub"]))))
    return list(dict.fromkeys(code for _, code in sorted(found)))


def code_spans(text: str) -> list[tuple[int, int]]:
    """Where control codes stand in `text`, in any spelling `find_codes` reads ("ECCN 2B-350" -> the 2B-350).

    >>> code_spans("ECCN 2B-350 and ML 8")
    [(5, 11), (16, 20)]
    """
    return sorted(m.span() for pattern in (_EU_US, _ML, _NSG) for m in pattern.finditer(text))


def find_cas(text: str) -> list[str]:
    """CAS registry numbers in `text` whose check digit is right."""
    out = []
    for m in CAS_RE.finditer(text):
        head, middle, check = m[0].split("-")
        digits = (head + middle)[::-1]
        if sum((i + 1) * int(d) for i, d in enumerate(digits)) % 10 == int(check):
            out.append(m[0])
    return list(dict.fromkeys(out))


def top_level(code: str) -> str:
    """The entry a sub-item belongs to: `2B350.g.1` -> `2B350`, `B.2.1.2(a)(1)` -> `B.2.1.2`."""
    if re.match(NSG_ENTRY, code, re.IGNORECASE):
        return code.split("(")[0]
    return code.split(".")[0]


def lineage(code: str) -> list[str]:
    """The code and the codes it sits in, from its entry down: `2B350.g.1` -> `2B350`, `2B350.g`, `2B350.g.1`;
    `B.2.1.2(a)(1)` -> `B.2.1.2`, `B.2.1.2(a)`, `B.2.1.2(a)(1)` (an NSG entry's dots are its number, not levels).
    """
    return list(_lineage(code))


@functools.lru_cache(maxsize=65536)
def _lineage(code: str) -> tuple[str, ...]:
    """`lineage`, remembered: every question walks the same items' codes."""
    entry = top_level(code)
    parts = (
        re.findall(r"\([^()]*\)", code[len(entry) :])
        if entry != code.split(".")[0]
        else ["." + p for p in code.split(".")[1:]]
    )
    return tuple(entry + "".join(parts[:depth]) for depth in range(len(parts) + 1))


def names_item(given: str, expected: str) -> bool:
    """True when the code `given` names the item `expected` at the precision asked, or more precisely.

    An entry holds many items (1C350 lists dozens of chemicals), so naming only the entry does not name
    the item; a sub-item of the expected item does. Both are read in any spelling `find_codes` reads.

    >>> names_item("1c350.2", "1C350.2"), names_item("2B350a1", "2B350.a"), names_item("ECCN 2B-350.a", "2B350.a")
    (True, True, True)
    >>> names_item("1C350", "1C350.2"), names_item("1C350.20", "1C350.2"), names_item("2B350.b", "2B350.a")
    (False, False, False)
    """
    [given_code, expected_code] = [next(iter(find_codes(c)), c.strip()).upper() for c in (given, expected)]
    return given_code == expected_code or given_code.startswith(expected_code + ".")
