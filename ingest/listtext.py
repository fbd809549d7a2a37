"""Split the page texts of an EU dual-use or military control list into entries with nested items.

The lists number sub-items without full paths ("g." then "1." then "a."), so the full code of a line
("2B350.g.1.a") is rebuilt with a stack of open levels. Notes carry enumerations of their own which must
not become items; page furniture (running headers, page numbers, "2B350 continued" lines) is removed
first so that an item crossing a page break reads as one.
"""

from __future__ import annotations

import bisect
import logging
import re
from collections import Counter
from dataclasses import dataclass, field
from collections.abc import Callable
from typing import Literal

from ingest.entries import Entry, Item

log = logging.getLogger(__name__)

MIN_ENTRIES = 3
"""Fewer entry headers than this means a text that merely mentions codes, not a control list."""

_CODE_REF = r"(?:\d[A-E]\d{3}|ML\.?\d{1,2})"
_TITLE_START = r"""[A-Z"'‘’“”(]"""
_FIRST_ITEM = r"(?:a\.\s+)?"
"""4E001 and 9E101 have no title: their first item starts on the header line ("9E101 a. ...")."""
_EU_HEADER = re.compile(rf"(\d[A-E]\d{{3}})\s+({_FIRST_ITEM}{_TITLE_START}.*)")
_ML_HEADER = re.compile(rf"ML(\d{{1,2}})\.?\s+({_FIRST_ITEM}{_TITLE_START}.*)")
_GROUP_NAMES = (
    "Systems, Equipment and Components|Test, Inspection and Production Equipment|Materials|Software|Technology"
)
_GROUP_HEADING = re.compile(rf"(?P<before>.*?)(?P<group>\d[A-E])(?P<part>\d)?\s+(?:{_GROUP_NAMES})")
_PART_HEADING = re.compile(r"Part\s+\d+\s+[-–]\s", re.IGNORECASE)
_CONTINUED = re.compile(
    rf"(?:{_CODE_REF}(?:\.[a-z0-9]+)*\.?\s*)?(?:Note\s*\d*(?:\.[a-z0-9]+)*\.?\s*)?(?:\d+\.\s*)?continued"
)
_FOOTNOTE_URL = re.compile(r"\d{1,2}\s+(?:https?://|www\.)\S+")
_DOT_LEADER = re.compile(r"\.{5,}\s*\d+$")
_PAGE_NUMBER = re.compile(r"(?:page\s+)?[-–]?\s*\d{1,4}\s*[-–]?", re.IGNORECASE)
_TRAILING_NUMBER = re.compile(r"\s+\d{1,4}$")
_LABEL = re.compile(r"([a-z]|\d{1,3})\.(?=\s+\S|$)")
_LOOSE_LABEL = re.compile(r"([a-z]|\d{1,3})\s+(?=[A-Z][a-z]{2,}|A\s)")
"""A label whose dot the source forgot ("12 Clostridium ...", "f Mobile ..."); trusted only as a successor."""
_DOUBLE_LABEL = re.compile(r"(\d{1,3}\.)\s+([a-z]\.\s+\S.*)")
"""An item whose first child starts on its own line: "1. a. Voltage rating ..." (3A201.a)."""
_NOTE_START = re.compile(r"(?:Technical\s+Notes?|Notes?|N\.\s?B\.?|Nota\s+Bene)(?=[\s:.\d]|$)")
_DECONTROL_START = re.compile(
    rf"(?:{_CODE_REF}[\w.]*,?\s+(?:(?:and|or|to)\s+)?)+(?:does|do)\s+not\s+(?:control|apply)\b"
)
_LIST_INTRO = re.compile(r"(?::|\bfollowing[;,]?)$")
"""A line that introduces an enumeration; the source sometimes ends "... all of the following;"."""
_ANNOUNCES_LAST = re.compile(r"[;,]\s*(?:or|and)$")
"""An item ending "...; or" announces that the next item of its list is the last one."""
_NAMED_REF = re.compile(rf"({_CODE_REF})((?:\.(?:[a-z]|\d{{1,3}})(?![a-z0-9]))*)")
_SEE = re.compile(r"\bsee\b", re.IGNORECASE)
_NAMED_WINDOW = 200
"""A note names its item near its start ("Note: 2B350.a. does not control", "For the purposes of ...")."""

_TOP_LINES = 4
_BOTTOM_LINES = 2
_CONTENTS_MIN_LEADERS = 3

Kind = Literal["letter", "number"]


@dataclass
class _Line:
    page: int
    text: str


@dataclass
class _Level:
    kind: Kind
    label: str
    item: Item
    last: bool


@dataclass(frozen=True)
class _Label:
    kind: Kind
    value: str
    loose: bool


@dataclass
class _Note:
    """A note being read: its lines, its own enumeration stack, the item it follows, the note around it."""

    lines: list[str]
    levels: list[tuple[Kind, str]]
    anchor: Item
    technical: bool
    outer: _Note | None
    open_list: bool


@dataclass
class _EntryBuilder:
    entry: Entry
    preamble: list[str]
    levels: list[_Level] = field(default_factory=list)
    items: dict[str, Item] = field(default_factory=dict)
    cited: set[str] = field(default_factory=set)
    note: _Note | None = None
    notes: list[_Note] = field(default_factory=list)


def split_list_pages(pages: list[tuple[int, str]]) -> list[Entry]:
    """Entries of a control list in document order; [] when the text is not an EU or military list."""
    lines = _content_lines(pages)
    headers = _accepted_headers(lines)
    if len(headers) < MIN_ENTRIES:
        log.debug("not a control list: %d entry headers found", len(headers))
        return []
    entries = _parse(lines, headers, _cited_codes(lines))
    log.info("control list split into %d entries", len(entries))
    return entries


# --- page furniture ---------------------------------------------------------------------------------


def _content_lines(pages: list[tuple[int, str]]) -> list[_Line]:
    """Body lines of every page in order, without running headers, page numbers and "continued" lines."""
    headers = _running_headers(pages)
    out: list[_Line] = []
    for number, text in pages:
        raw = [" ".join(line.split()) for line in text.splitlines()]
        if _is_contents_page(raw):
            continue
        for line in _strip_page_edges([line for line in raw if line], headers):
            parts = [piece for part in _split_glued_heading(line) for piece in _split_double_label(part)]
            out.extend(_Line(number, part) for part in parts if not _is_clutter(part))
    return out


def _running_headers(pages: list[tuple[int, str]]) -> set[str]:
    """Top lines that recur on several pages: the running header ("CATEGORY 2 - MATERIALS PROCESSING")."""
    tops = Counter(_header_key(first) for _, text in pages if (first := _first_line(text)))
    return {key for key, count in tops.items() if count >= 2}


def _first_line(text: str) -> str:
    return next((" ".join(line.split()) for line in text.splitlines() if line.strip()), "")


def _header_key(line: str) -> str:
    """List I prints the page number on the header line itself; drop it so every page's header matches."""
    return _TRAILING_NUMBER.sub("", line).strip()


def _is_contents_page(lines: list[str]) -> bool:
    return sum(1 for line in lines if _DOT_LEADER.search(line)) >= _CONTENTS_MIN_LEADERS


def _strip_page_edges(lines: list[str], headers: set[str]) -> list[str]:
    """Drop the running header and page number lines at the top and bottom of one page."""
    start, stop = 0, len(lines)
    while start < min(stop, _TOP_LINES) and _is_edge_furniture(lines[start], headers):
        start += 1
    while stop > max(start, len(lines) - _BOTTOM_LINES) and _PAGE_NUMBER.fullmatch(lines[stop - 1]):
        stop -= 1
    return lines[start:stop]


def _is_edge_furniture(line: str, headers: set[str]) -> bool:
    return _header_key(line) in headers or _PAGE_NUMBER.fullmatch(line) is not None


def _split_glued_heading(line: str) -> list[str]:
    """pypdf sometimes glues a group heading to the last line of a page: "diameter.2B Test, ..."."""
    match = _GROUP_HEADING.fullmatch(line)
    if match and match.group("before") and match.group("before")[-1] in ".;:":
        return [match.group("before"), line[match.start("group"):]]
    return [line]


def _split_double_label(line: str) -> list[str]:
    match = _DOUBLE_LABEL.fullmatch(line)
    return [match.group(1), match.group(2)] if match else [line]


def _is_clutter(line: str) -> bool:
    """Lines that are furniture wherever pypdf places them: "2B350 continued", footnote URLs."""
    return bool(_CONTINUED.fullmatch(line) or _FOOTNOTE_URL.fullmatch(line))


# --- entry headers ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Header:
    index: int
    code: str
    title: str
    key: tuple[str, int, str | int]


def _accepted_headers(lines: list[_Line]) -> dict[int, _Header]:
    """Header candidates that form the longest run of increasing codes; the rest are cross-references.

    A wrapped cross reference ("1C350 ..." inside another entry) or a line of the contents, the
    definitions or an appendix table repeats or goes back in the numbering, so it falls out of the
    longest increasing run, which the real entries form. Category 5 numbers its Part 2 afresh
    (5A002 after 5E101); the part digit of its group headings ("5A2") keeps the run increasing.
    """
    candidates = _header_candidates(lines)
    chosen = _longest_increasing(candidates)
    return {header.index: header for header in chosen}


def _header_candidates(lines: list[_Line]) -> list[_Header]:
    eu: list[_Header] = []
    military: list[_Header] = []
    part: tuple[str, int] = ("", 0)
    for index, line in enumerate(lines):
        group = _GROUP_HEADING.fullmatch(line.text)
        if group and not group.group("before"):
            part = (group.group("group")[0], int(group.group("part") or 0))
            continue
        if match := _EU_HEADER.fullmatch(line.text):
            code = match.group(1)
            section = part[1] if part[0] == code[0] else 0
            eu.append(_Header(index, code, match.group(2), (code[0], section, code)))
        elif match := _ML_HEADER.fullmatch(line.text):
            number = int(match.group(1))
            military.append(_Header(index, f"ML{number}", match.group(2), ("ML", 0, number)))
    return eu if len(eu) >= len(military) else military


def _longest_increasing(candidates: list[_Header]) -> list[_Header]:
    """Longest strictly increasing run by key; of equal keys the earlier line wins (the real entry)."""
    tails: list[tuple[str, int, str | int]] = []
    tail_at: list[int] = []
    previous: list[int | None] = []
    for position, header in enumerate(candidates):
        slot = bisect.bisect_left(tails, header.key)
        if slot < len(tails) and tails[slot] == header.key:
            previous.append(None)
            continue
        previous.append(tail_at[slot - 1] if slot else None)
        if slot == len(tails):
            tails.append(header.key)
            tail_at.append(position)
        else:
            tails[slot] = header.key
            tail_at[slot] = position
    chosen: list[_Header] = []
    cursor = tail_at[-1] if tail_at else None
    while cursor is not None:
        chosen.append(candidates[cursor])
        cursor = previous[cursor]
    return chosen[::-1]


# --- parsing ----------------------------------------------------------------------------------------


def _cited_codes(lines: list[_Line]) -> set[str]:
    """Every full code the document cites ("2B350.g.1", "ML7.c"): evidence of which items exist."""
    return {_normal_ref(match) for line in lines for match in _NAMED_REF.finditer(line.text)}


def _normal_ref(match: re.Match[str]) -> str:
    return match.group(1).replace(".", "") + match.group(2).rstrip(".")


def _parse(lines: list[_Line], headers: dict[int, _Header], cited: set[str]) -> list[Entry]:
    entries: list[Entry] = []
    builder: _EntryBuilder | None = None
    for index, line in enumerate(lines):
        header = headers.get(index)
        if header is not None:
            _finish(builder, entries)
            builder = _start_entry(header, line, cited)
            if _label(header.title) is not None:
                builder.preamble.clear()
                _read_line(builder, _Line(line.page, header.title))
        elif _is_boundary(line.text):
            _finish(builder, entries)
            builder = None
        elif builder is not None:
            _read_line(builder, line)
    _finish(builder, entries)
    return entries


def _start_entry(header: _Header, line: _Line, cited: set[str]) -> _EntryBuilder:
    category = "ML" if header.code.startswith("ML") else header.code[0]
    entry = Entry(code=header.code, text="", page=line.page, title="", category=category)
    return _EntryBuilder(entry=entry, preamble=[header.title], cited=cited)


def _is_boundary(text: str) -> bool:
    """Group and section headings end the entry before them; what follows up to the next entry is not its text."""
    group = _GROUP_HEADING.fullmatch(text)
    return bool((group and not group.group("before")) or _PART_HEADING.match(text) or _is_section_heading(text))


def _is_section_heading(text: str) -> bool:
    """An all-capitals line of several words ("DEFINITIONS OF TERMS USED IN THIS LIST", "CATEGORY 3 - ...").

    "N.B. SEE ALSO ..." lines and chemical name fragments are capitals too, so those are excluded.
    """
    if any(ch.islower() for ch in text) or text.startswith(("N.B", "(")) or "SEE ALSO" in text:
        return False
    words = re.findall(r"[A-Z][A-Z'\"-]{2,}", text)
    return len(words) >= 3 and not text.endswith((".", ";", ",", ")"))


def _read_line(builder: _EntryBuilder, line: _Line) -> None:
    """One body line: a note start, a label of the note or of the item tree, or a wrapped continuation."""
    text = line.text
    if _NOTE_START.match(text) or _DECONTROL_START.match(text):
        _start_note(builder, text)
        return
    label = _label(text)
    main = [(level.kind, level.label) for level in builder.levels]
    note = builder.note
    if note is not None:
        if label is not None and _note_takes(note, label, main):
            _add_note_item(note, label, text)
            return
        if label is None or _fit(main, label) is None:
            outer = _outer_taking(note, label)
            if outer is None:
                _append(note, text)
            else:
                builder.note = outer
                _add_note_item(outer, label, text)
            return
        builder.note = None
    if label is not None and (depth := _fit(main, label, _item_rank(builder, label))) is not None:
        _open_item(builder, depth, label, line)
    elif builder.levels:
        item = builder.levels[-1].item
        item.text = f"{item.text} {text}"
    else:
        builder.preamble.append(text)


def _label(text: str) -> _Label | None:
    match = _LABEL.match(text)
    loose = match is None
    if match is None:
        match = _LOOSE_LABEL.match(text)
    if match is None:
        return None
    value = match.group(1)
    return _Label("number" if value.isdigit() else "letter", value, loose)


def _fit(
    stack: list[tuple[Kind, str]], label: _Label, rank: Callable[[int], tuple[bool, bool]] | None = None
) -> int | None:
    """The depth at which `label` goes: a level it succeeds, or a new child level; None if nowhere.

    Levels alternate letter/number, so a child of a letter level starts at "1." and of a number level
    at "a."; the first level may be either kind (1C350 numbers its chemicals directly). When several
    levels could continue ("c." after "...b.2.b"), the best by `rank` wins, the deepest among equals.
    """
    depths = [
        depth
        for depth in range(len(stack) - 1, -1, -1)
        if stack[depth][0] == label.kind and _successor(*stack[depth]) == label.value
    ]
    if depths:
        return min(depths, key=rank) if rank else depths[0]
    opens = label.value == ("1" if label.kind == "number" else "a")
    if opens and not label.loose and (not stack or stack[-1][0] != label.kind):
        return len(stack)
    return None


def _item_rank(builder: _EntryBuilder, label: _Label) -> Callable[[int], tuple[bool, bool]]:
    """Rank the levels a label could continue (lower is better).

    A code the document cites elsewhere ("precursors specified by ML7.c.") exists; a list whose end was
    announced ("...; or" before its current item) or reached (its deepest item ends with a full stop,
    where list items end with ";") takes no more items.
    """
    levels = builder.levels

    def rank(depth: int) -> tuple[bool, bool]:
        parent = levels[depth - 1].item.code if depth else builder.entry.code
        cited = f"{parent}.{label.value}" in builder.cited
        ended = levels[depth].last or (depth == len(levels) - 1 and levels[depth].item.text.endswith("."))
        return (not cited, ended)

    return rank


def _successor(kind: Kind, value: str) -> str:
    return str(int(value) + 1) if kind == "number" else chr(ord(value) + 1)


def _open_item(builder: _EntryBuilder, depth: int, label: _Label, line: _Line) -> None:
    sibling = builder.levels[depth].item if depth < len(builder.levels) else None
    last = sibling is not None and not sibling.children and _ANNOUNCES_LAST.search(sibling.text) is not None
    del builder.levels[depth:]
    parent = builder.levels[-1].item if builder.levels else builder.entry
    item = Item(code=f"{parent.code}.{label.value}", text=line.text, page=line.page)
    parent.children.append(item)
    builder.levels.append(_Level(label.kind, label.value, item, last))
    builder.items[item.code] = item


# --- notes ------------------------------------------------------------------------------------------


def _start_note(builder: _EntryBuilder, text: str) -> None:
    """A note inside a note's enumeration (a Technical Note under "Note 1: ... does not control: a. ...")
    keeps the enclosing note resumable, so its later labels do not fall into the item tree."""
    current = builder.note
    outer = None if current is None else (current if current.levels else current.outer)
    anchor = builder.levels[-1].item if builder.levels else builder.entry
    technical = text.lower().startswith("technical note")
    note = _Note([text], [], anchor, technical, outer, _invites_list(text))
    builder.note = note
    builder.notes.append(note)


def _invites_list(text: str) -> bool:
    """A note line that ends in a colon (or "following;"), or a bare "Technical Notes" title, opens a list."""
    return _LIST_INTRO.search(text) is not None or _NOTE_START.fullmatch(text.rstrip(":. ")) is not None


def _note_takes(note: _Note, label: _Label, main: list[tuple[Kind, str]]) -> bool:
    """Whether a label continues the note's own enumeration rather than the item tree.

    A new list level opens only after a line ending in ":". When the label fits both, the note keeps it
    unless the note is a list of exclusions whose last line closed it with a full stop ("Note: 2B201.b.
    does not control: a. ...; b. ... ." then "c." is the entry's next item); Technical Notes are
    paragraphs that each end with a full stop, so they keep it.
    """
    depth = _fit(note.levels, label)
    if depth is None or (depth == len(note.levels) and not note.open_list):
        return False
    closed = not note.technical and note.lines[-1].endswith(".")
    return not (closed and _fit(main, label) is not None)


def _outer_taking(note: _Note, label: _Label | None) -> _Note | None:
    """The enclosing note whose enumeration `label` continues, if any."""
    outer = note.outer
    while label is not None and outer is not None:
        depth = _fit(outer.levels, label)
        if depth is not None and depth < len(outer.levels):
            return outer
        outer = outer.outer
    return None


def _add_note_item(note: _Note, label: _Label, text: str) -> None:
    depth = _fit(note.levels, label)
    del note.levels[depth:]
    note.levels.append((label.kind, label.value))
    note.lines.append(text)
    note.open_list = _invites_list(text)


def _append(note: _Note, text: str) -> None:
    note.lines[-1] = f"{note.lines[-1]} {text}"
    note.open_list = _invites_list(note.lines[-1])


def _named_item(builder: _EntryBuilder, text: str, anchor: Item) -> Item:
    """The item of this entry a note names near its start ("In 2B350.i., ..."); refs after "see" do not count."""
    window = text[:_NAMED_WINDOW]
    see = _SEE.search(window)
    window = window[: see.start()] if see else window
    for match in _NAMED_REF.finditer(window):
        code = _normal_ref(match)
        if code == builder.entry.code:
            return builder.entry
        if code.startswith(builder.entry.code + "."):
            return builder.items.get(code, anchor)
    return anchor


def _finish(builder: _EntryBuilder | None, entries: list[Entry]) -> None:
    """Attach the notes (now that every item they may name exists) and complete the entry."""
    if builder is None:
        return
    for note in builder.notes:
        text = "\n".join(note.lines)
        _named_item(builder, text, note.anchor).notes.append(text)
    entry = builder.entry
    entry.title = " ".join(builder.preamble)
    entry.text = f"{entry.code} {entry.title}".rstrip()
    entries.append(entry)
