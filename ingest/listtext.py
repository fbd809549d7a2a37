"""Split the page texts of an EU dual-use or military control list into entries with nested items.

The lists number sub-items without full paths ("g." then "1." then "a."), so the full code of a line
("2B350.g.1.a") is rebuilt with a stack of open levels. Notes carry enumerations of their own which must
not become items; page furniture (running headers, page numbers, "2B350 continued" lines) is removed
first so that an item crossing a page break reads as one. Where the numbering alone is ambiguous ("c."
after "b.4.b" may continue either list), the indentation that `ingest.pdf` keeps as leading spaces
decides.
"""

from __future__ import annotations

import bisect
import functools
import logging
import os
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from assistant.core.codes import ENTRY, ML_ENTRY
from ingest.entries import Entry, Item

log = logging.getLogger(__name__)

MIN_ENTRIES = 3
"""Fewer entry headers than this means a text that merely mentions codes, not a control list."""

_CODE_REF = rf"(?:{ENTRY}|{ML_ENTRY})"
_TITLE_START = r"""[A-Z"'‘’“”(]"""
_FIRST_ITEM = r"(?:a\.\s+)?"
"""4E001 and 9E101 have no title: their first item starts on the header line ("9E101 a. ...")."""
_EU_HEADER = re.compile(rf"({ENTRY})\s+({_FIRST_ITEM}{_TITLE_START}.*)")
_ML_HEADER = re.compile(rf"ML(\d{{1,2}})\.?\s+({_FIRST_ITEM}{_TITLE_START}.*)")
_GROUP_NAMES = "|".join(
    (
        "Systems, Equipment and Components",
        "Test, Inspection and Production Equipment",
        "Materials",
        "Software",
        "Technology",
    )
)
_GROUP_HEADING = re.compile(rf"(?P<before>.*?)(?P<group>\d[A-E])(?P<part>\d)?\s+(?:{_GROUP_NAMES})")
_PART_HEADING = re.compile(r"(?:Part|CATEGORY)\s+\d+\s+[-–]\s", re.IGNORECASE)
"""A category or part heading ("CATEGORY 8 - MARINE", "Part 2 - ...") starts a new section."""
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
"""An item whose first child starts on the same line: "1. a. Voltage rating ..." (3A201.a)."""
_NOTE_START = re.compile(r"(?:Technical\s+Notes?|Notes?|N\.\s?B\.?|Nota\s+Bene)(?=[\s:.\d]|$)")
_DECONTROL_START = re.compile(
    rf"(?:{_CODE_REF}[\w.]*,?\s+(?:(?:and|or|to)\s+)?)+(?:does|do)\s+not\s+(?:control|apply)\b"
)
_LIST_INTRO = re.compile(r"(?::|\bfollowing[;,]?)$")
"""A line that introduces an enumeration; the source sometimes ends "... all of the following;"."""
_ANNOUNCES_LAST = re.compile(r"[;,]\s*(?:or|and)$")
"""An item ending "...; or" announces that the next item of its list is the last one."""
_WORD_BREAK = re.compile(r"(?:\u00ad|(?<=[A-Za-z0-9])-)$")
"""A line ending in a soft hyphen or a hyphen glued to a word ("fixed-", "CAS 94-") continues that word."""
_NAMED_REF = re.compile(rf"({_CODE_REF})((?:\.(?:[a-z]|\d{{1,3}})(?![a-z0-9]))*)")
_SEE = re.compile(r"\bsee\b", re.IGNORECASE)
_NAMED_WINDOW = 200
"""A note names its item near its start ("Note: 2B350.a. does not control", "For the purposes of ...")."""

_TOP_LINES = 4
_BOTTOM_LINES = 2
_CONTENTS_MIN_LEADERS = 3
_ALIGN = 1
"""Leading spaces two lines may differ by and still start in the same column."""

LabelKind = Literal["letter", "number"]
Rank = Callable[[int], tuple[bool, bool]]


@dataclass
class _Line:
    """A body line; `indent` is its column in leading spaces, None where the text carries none."""

    page: int
    text: str
    indent: int | None


@dataclass(frozen=True)
class _Label:
    kind: LabelKind
    value: str
    loose: bool
    indent: int | None


@dataclass
class _Level:
    """An open level of the item tree: its current label and item, and whether its list has ended."""

    kind: LabelKind
    label: str
    indent: int | None
    item: Item
    last: bool


@dataclass
class _NoteScope:
    """A note being read: its lines, its own enumeration stack, the item it follows, the note around it."""

    lines: list[str]
    levels: list[tuple[LabelKind, str, int | None]]
    anchor: Item
    technical: bool
    outer: _NoteScope | None
    open_list: bool


@dataclass
class _EntryBuilder:
    entry: Entry
    preamble: list[str]
    levels: list[_Level] = field(default_factory=list)
    items: dict[str, Item] = field(default_factory=dict)
    note: _NoteScope | None = None
    notes: list[_NoteScope] = field(default_factory=list)


def split_list_pages(pages: list[tuple[int, str]]) -> list[Entry]:
    """Entries of a control list in document order; [] when the text is not an EU or military list."""
    lines = _content_lines(pages)
    headers = _accepted_headers(lines)
    if len(headers) < MIN_ENTRIES:
        log.debug("not a control list: %d entry headers found", len(headers))
        return []
    entries = _parse(lines, headers)
    log.info("control list split into %d entries", len(entries))
    return entries


# --- page furniture ---------------------------------------------------------------------------------


def _content_lines(pages: list[tuple[int, str]]) -> list[_Line]:
    """Body lines of every page in order, without running headers, page numbers and "continued" lines."""
    headers = _running_headers(pages)
    out: list[_Line] = []
    for number, text in pages:
        raw = [(len(line) - len(line.lstrip()), " ".join(line.split())) for line in text.splitlines()]
        if _is_contents_page([line for _, line in raw]):
            continue
        for indent, line in _strip_page_edges([(i, line) for i, line in raw if line], headers):
            out.extend(_Line(number, part, part_indent) for part, part_indent in _split_line(line, indent))
    if len({line.indent for line in out if line.indent is not None}) <= 1:
        for line in out:
            line.indent = None
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


def _strip_page_edges(lines: list[tuple[int, str]], headers: set[str]) -> list[tuple[int, str]]:
    """Drop the running header and page number lines at the top and bottom of one page.

    Each is dropped once: a section's first page repeats its running header as a heading in the body
    ("2020 UPDATE OF THE EU CONTROL LIST ..."), and that heading must stay to end the entry before it.
    """
    start, stop = 0, len(lines)
    seen: set[str] = set()
    while start < min(stop, _TOP_LINES):
        kind = _edge_furniture(lines[start][1], headers)
        if kind is None or kind in seen:
            break
        seen.add(kind)
        start += 1
    while stop > max(start, len(lines) - _BOTTOM_LINES) and _PAGE_NUMBER.fullmatch(lines[stop - 1][1]):
        stop -= 1
    return lines[start:stop]


def _edge_furniture(line: str, headers: set[str]) -> str | None:
    if _header_key(line) in headers:
        return "header"
    return "number" if _PAGE_NUMBER.fullmatch(line) else None


def _split_line(line: str, indent: int) -> list[tuple[str, int | None]]:
    """One text line as body lines: furniture dropped, glued headings and double labels split apart."""
    heading = _GROUP_HEADING.fullmatch(line)
    if heading and heading.group("before") and heading.group("before")[-1] in ".;:":
        return [(heading.group("before"), indent), (line[heading.start("group") :], None)]
    double = _DOUBLE_LABEL.fullmatch(line)
    if double:
        return [(double.group(1), indent), (double.group(2), None)]
    if _CONTINUED.fullmatch(line) or _FOOTNOTE_URL.fullmatch(line):
        return []
    return [(line, indent)]


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


# --- entries and items ------------------------------------------------------------------------------


def _parse(lines: list[_Line], headers: dict[int, _Header]) -> list[Entry]:
    entries: list[Entry] = []
    builder: _EntryBuilder | None = None
    for index, line in enumerate(lines):
        header = headers.get(index)
        if header is not None:
            _finish(builder, entries)
            builder = _start_entry(header, line)
        elif _is_boundary(line.text):
            _finish(builder, entries)
            builder = None
        elif builder is not None:
            _read_line(builder, line)
    _finish(builder, entries)
    return entries


def _start_entry(header: _Header, line: _Line) -> _EntryBuilder:
    category = "ML" if header.code.startswith("ML") else header.code[0]
    entry = Entry(code=header.code, text="", page=line.page, title="", category=category)
    builder = _EntryBuilder(entry=entry, preamble=[])
    title = _Line(line.page, header.title, None)
    if _label(title) is None:
        builder.preamble.append(title.text)
    else:
        _read_line(builder, title)
    return builder


def _is_boundary(text: str) -> bool:
    """Group and section headings end the entry before them; text up to the next entry is not its text."""
    group = _GROUP_HEADING.fullmatch(text)
    if group and not group.group("before"):
        return True
    return bool(_PART_HEADING.match(text)) or _is_section_heading(text)


def _is_section_heading(text: str) -> bool:
    """An all-capitals line of several words ("DEFINITIONS OF TERMS USED IN THIS LIST", "CATEGORY 3 - ...").

    "N.B. SEE ALSO ..." lines and chemical name fragments are capitals too, so those are excluded.
    """
    if any(ch.islower() for ch in text) or text.startswith(("N.B", "(")) or "SEE ALSO" in text:
        return False
    words = re.findall(r"[A-Z][A-Z'\"-]{2,}", text)
    return len(words) >= 3 and not text.endswith((".", ";", ","))


def _read_line(builder: _EntryBuilder, line: _Line) -> None:
    """One body line: a note start, a label of the note or of the item tree, or a wrapped continuation."""
    if _NOTE_START.match(line.text) or _DECONTROL_START.match(line.text):
        _start_note(builder, line)
        return
    label = _label(line)
    note = builder.note
    if note is not None:
        if label is None or _item_depth(builder, label) is None or _note_takes(builder, note, label):
            _continue_note(builder, note, label, line.text)
            return
        builder.note = None
    depth = None if label is None else _item_depth(builder, label)
    if label is not None and depth is not None:
        _open_item(builder, depth, label, line)
    elif builder.levels:
        item = builder.levels[-1].item
        item.text = _join(item.text, line.text)
    else:
        builder.preamble.append(line.text)


def _label(line: _Line) -> _Label | None:
    match = _LABEL.match(line.text)
    loose = match is None
    if match is None:
        match = _LOOSE_LABEL.match(line.text)
    if match is None:
        return None
    value = match.group(1)
    return _Label("number" if value.isdigit() else "letter", value, loose, line.indent)


def _fit(stack: list[tuple[LabelKind, str]], label: _Label, rank: Rank | None = None) -> int | None:
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


def _successor(kind: LabelKind, value: str) -> str:
    return str(int(value) + 1) if kind == "number" else chr(ord(value) + 1)


def _aligned(first: int | None, second: int | None) -> bool:
    return first is not None and second is not None and abs(first - second) <= _ALIGN


def _item_depth(builder: _EntryBuilder, label: _Label) -> int | None:
    """Where `label` goes in the item tree; a child must sit to the right of its parent's label."""
    levels = builder.levels
    depth = _fit([(level.kind, level.label) for level in levels], label, _item_rank(levels, label))
    if depth is not None and depth == len(levels) and levels:
        parent = levels[-1].indent
        if parent is not None and label.indent is not None and label.indent <= parent + _ALIGN:
            return None
    return depth


def _item_rank(levels: list[_Level], label: _Label) -> Rank:
    """Rank the levels a label could continue, lower first: the one whose labels stand in the same column,
    then one whose list has not ended. A list ended when its current item was announced as the last
    ("...; or" before it) or its deepest item closes with a full stop (list items end with ";")."""

    def rank(depth: int) -> tuple[bool, bool]:
        level = levels[depth]
        ended = level.last or (depth == len(levels) - 1 and level.item.text.endswith("."))
        return (not _aligned(level.indent, label.indent), ended)

    return rank


def _open_item(builder: _EntryBuilder, depth: int, label: _Label, line: _Line) -> None:
    """Open an item; a level keeps the column of its first label, as the source sets a few labels
    at the margin by mistake (ML22.b)."""
    sibling = builder.levels[depth] if depth < len(builder.levels) else None
    last = bool(sibling and not sibling.item.children and _ANNOUNCES_LAST.search(sibling.item.text))
    indent = line.indent if sibling is None or sibling.indent is None else sibling.indent
    del builder.levels[depth:]
    parent = builder.levels[-1].item if builder.levels else builder.entry
    item = Item(code=f"{parent.code}.{label.value}", text=line.text, page=line.page)
    parent.children.append(item)
    builder.levels.append(_Level(label.kind, label.value, indent, item, last))
    builder.items[item.code] = item


def _join(text: str, more: str) -> str:
    """Join a wrapped line: one space, or none after a word broken by a hyphen."""
    if _WORD_BREAK.search(text):
        return text.removesuffix("\u00ad") + more
    return f"{text} {more}"


# --- notes ------------------------------------------------------------------------------------------


def _start_note(builder: _EntryBuilder, line: _Line) -> None:
    """Open a note; one that starts inside another note's enumeration (a Technical Note under "Note 1:
    ... does not control: a. ...") keeps that note resumable, so its later labels stay in it."""
    current = builder.note
    outer = None if current is None else (current if current.levels else current.outer)
    technical = line.text.lower().startswith("technical note")
    anchor = _note_anchor(builder, line.indent)
    note = _NoteScope([line.text], [], anchor, technical, outer, _invites_list(line.text))
    builder.note = note
    builder.notes.append(note)


def _note_anchor(builder: _EntryBuilder, indent: int | None) -> Item:
    """The item a note follows at the level it appears: the deepest open item whose label stands left
    of the note (a note is set in its item's text column); without indentation, the deepest item."""
    for level in reversed(builder.levels):
        if indent is None or level.indent is None or level.indent < indent - _ALIGN:
            return level.item
    return builder.entry


def _invites_list(text: str) -> bool:
    """A note line that ends in a colon (or "following;"), or a bare "Technical Notes" title, opens a list."""
    return _LIST_INTRO.search(text) is not None or _NOTE_START.fullmatch(text.rstrip(":. ")) is not None


def _note_depth(note: _NoteScope, label: _Label) -> int | None:
    """Where `label` goes in the note's own enumeration; a new list level only after a line ending in ":"."""
    depth = _fit([(kind, value) for kind, value, _ in note.levels], label)
    if depth is None or (depth == len(note.levels) and not note.open_list):
        return None
    return depth


def _note_takes(builder: _EntryBuilder, note: _NoteScope, label: _Label) -> bool:
    """Whether a label that fits the item tree continues the note's enumeration instead.

    When it fits both, the column decides; failing that, the note keeps it unless the note is a list
    of exclusions that a full stop has closed ("Note: 2B201.b. does not control: a. ...; b. ... ."
    then "c." is the entry's next item). Technical Notes are paragraphs that each end with a full
    stop, so they keep it.
    """
    depth = _note_depth(note, label)
    item_depth = _item_depth(builder, label)
    if depth is None or item_depth is None:
        return depth is not None
    in_note = depth < len(note.levels) and _aligned(note.levels[depth][2], label.indent)
    in_items = item_depth < len(builder.levels) and _aligned(builder.levels[item_depth].indent, label.indent)
    if in_note != in_items:
        return in_note
    return note.technical or not note.lines[-1].endswith(".")


def _continue_note(builder: _EntryBuilder, note: _NoteScope, label: _Label | None, text: str) -> None:
    """A line of the open note: an item of its enumeration, of an enclosing note's, or wrapped text."""
    for candidate in _note_chain(note):
        depth = None if label is None else _note_depth(candidate, label)
        if label is not None and depth is not None and (candidate is note or depth < len(candidate.levels)):
            builder.note = candidate
            _add_note_item(candidate, depth, label, text)
            return
    note.lines[-1] = _join(note.lines[-1], text)
    note.open_list = _invites_list(note.lines[-1])


def _note_chain(note: _NoteScope) -> list[_NoteScope]:
    """The note and the notes it sits in, innermost first."""
    chain = [note]
    while chain[-1].outer is not None:
        chain.append(chain[-1].outer)
    return chain


def _add_note_item(note: _NoteScope, depth: int, label: _Label, text: str) -> None:
    """A level keeps the column of its first label, as item levels do."""
    indent = label.indent if depth == len(note.levels) else note.levels[depth][2]
    del note.levels[depth:]
    note.levels.append((label.kind, label.value, indent))
    note.lines.append(text)
    note.open_list = _invites_list(text)


def _named_item(builder: _EntryBuilder, text: str, anchor: Item) -> Item:
    """The item of this entry a note names near its start ("In 2B350.i., ..."), or the closest common
    item of several it names ("in 1C010.a., 1C010.b. or 1C010.c." is about 1C010); references after
    "see" are pointers elsewhere and do not count."""
    window = text[:_NAMED_WINDOW]
    see = _SEE.search(window)
    window = window[: see.start()] if see else window
    entry = builder.entry.code
    named = [
        code.split(".")
        for match in _NAMED_REF.finditer(window)
        if (code := match.group(1).replace(".", "") + match.group(2).rstrip(".")) == entry
        or code.startswith(entry + ".")
    ]
    if not named:
        return anchor
    common = ".".join(os.path.commonprefix(named))
    return builder.entry if common == entry else builder.items.get(common, anchor)


def _finish(builder: _EntryBuilder | None, entries: list[Entry]) -> None:
    """Attach the notes (now that every item they may name exists) and complete the entry."""
    if builder is None:
        return
    for note in builder.notes:
        text = "\n".join(note.lines)
        _named_item(builder, text, note.anchor).notes.append(text)
    entry = builder.entry
    entry.title = functools.reduce(_join, builder.preamble) if builder.preamble else ""
    entry.text = f"{entry.code} {entry.title}".rstrip()
    entries.append(entry)
