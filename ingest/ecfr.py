"""Read the eCFR XML of the US Commerce Control List (15 CFR 774, Supplement No. 1) into entries.

The eCFR serves the CCL as one flat run of paragraphs: an ECCN heading in `<FP-2><B>`, license lines,
`Items:`, then lettered paragraphs whose labels (`a.1.a`) are the only trace of the hierarchy, with
`<NOTE>` blocks in between. This reader rebuilds the tree from the labels and hangs each note on the
item it names, so an answer can cite `2B350.g` together with its Technical Notes.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from xml.etree.ElementTree import Element, ParseError
from xml.parsers.expat import ErrorString

from defusedxml import DTDForbidden
from defusedxml.ElementTree import fromstring

from assistant.core.codes import ENTRY
from assistant.core.errors import IngestError
from ingest.entries import Entry, Item

log = logging.getLogger(__name__)

_SNIFF_BYTES = 65536
_FIRST_ELEMENT = re.compile(rb"<([A-Za-z][\w.-]*)")
_ECFR_ROOTS = re.compile(rb"ECFR|DIV[1-9]")
_ECCN_HEADING = re.compile(rf"(?P<code>{ENTRY})\s+(?P<title>.+)", re.S)
_NOT_ECCN_HEADING = re.compile(r"EAR99\b")
_SEE_ITEMS = re.compile(r"\s*\(see List of Items Controlled\)", re.I)

_SECTIONS = [
    (re.compile(r"License Requirements?:?", re.I), "license"),
    (re.compile(r"(List Based )?License Exceptions\b.*", re.I), "exceptions"),
    (re.compile(r"Special Conditions for (STA|Strategic Trade Authorization)\b.*", re.I), "exceptions"),
    (re.compile(r"(Special )?Reporting Requirements?:?", re.I), "exceptions"),
    (re.compile(r"List of Items Controlled:?", re.I), "items"),
]
_EXCEPTION_LINE = re.compile(
    r"(LVS|GBS|TSR|CIV|STA|APP|ACE|ACA|NAC/ACA|NAC|IEC|AIA|ACM|LPP|HBM|ENC|GOV|Special Reporting|Unit)\s*:"
    r"|Reporting Requirements?\b"
)
_FIELD_LABEL = re.compile(r"Reasons? for Control|Related Controls|Related Definitions?|Items", re.I)
_LICENSE_NOTE = re.compile(r"License Requirements? Notes?\b", re.I)
_ITEMS_MARKER = re.compile(r"Items\b\s*:?\s*")
_NOTE_START = re.compile(r"(Technical\s+)?Notes?\b|N\.\s?B\.", re.I)

_SEGMENT = r"(?:[a-z]|\d{1,2})"
_ITEM_LABEL = re.compile(
    rf"(?!i\.e\.|e\.g\.)(?P<label>([a-z])\2?(?:\.{_SEGMENT})*)"  # a, a.1, a.1.a (never "i.e.")
    r"(?:\.\.?(?=[\s'‘’“\"(\[]|$)|(?<=\d)\s|(?<=\.[a-z])\s)"  # "a. ", "a.1 ", "a.1.a ", "c.'Sounding"
    r"|(?P<range>[a-z])\.?\s*(?:-|–|through)\s*\.?[a-z]\.\s"  # "b.-d. [Reserved]"
)
_OWN_REF = r"\b{code}(?!\d)(?P<segs>(?:\.{seg}\b)*)"
_RELATIVE_REF = re.compile(rf"\bto\s+(?:paragraphs?\s+)?\.?(?P<segs>[a-z](?:\.{_SEGMENT})*)\.?\s*:?\s*$")
_NOTE_LEAD = 250

_SUP_TAGS = {"SU", "sup"}
_SUP_E, _SUB_E = {"51", "53"}, {"52", "54"}
_SUP, _SUB, _END = "\x01", "\x02", "\x03"
_SCRIPT = re.compile(rf"\s*(?P<kind>[{_SUP}{_SUB}])(?P<body>[^{_END}]*){_END}")


def looks_like_ecfr(data: bytes) -> bool:
    """True for XML whose first element is an eCFR division or that carries `<FP-2><B>` ECCN headings."""
    head = data[:_SNIFF_BYTES]
    if not head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        return False
    first = _FIRST_ELEMENT.search(head)
    return bool(first and _ECFR_ROOTS.fullmatch(first.group(1))) or b"<FP-2><B>" in head


def read_ecfr(data: bytes, path: str) -> list[Entry]:
    """Entries of the CCL in document order; raise IngestError for unsafe, malformed or empty XML."""
    root = parse_safely(data, path)
    entries = [_read_entry(heading, body) for heading, body in _split_entries(_blocks(root))]
    if not entries:
        raise IngestError(path, "no ECCN entries found (expected headings like <FP-2><B>2B350 ...</B>)")
    log.info("%s: %d ECCN entries, %d items", path, len(entries), sum(len(e.walk()) - 1 for e in entries))
    return entries


def parse_safely(data: bytes, path: str) -> Element:
    """Parse without ever expanding entities or fetching anything: the CCL needs neither."""
    try:
        return fromstring(data, forbid_dtd=True)
    except DTDForbidden:
        raise IngestError(path, "unsafe XML: DOCTYPE and entity declarations are not allowed") from None
    except ParseError as err:
        line, column = err.position
        raise IngestError(path, f"not well-formed XML: line {line}, column {column}: {ErrorString(err.code)}") from None


def _blocks(root: Element) -> Iterator[Element]:
    """The flat paragraph stream: children of each `<DIV9>` (or of the root for a bare fragment)."""
    divisions = list(root.iter("DIV9")) or [root]
    for division in divisions:
        yield from division


def _split_entries(blocks: Iterator[Element]) -> Iterator[tuple[re.Match[str], list[Element]]]:
    """Group paragraphs under their ECCN heading; category headings and EAR99 lines end an entry."""
    heading: re.Match[str] | None = None
    body: list[Element] = []
    for el in blocks:
        found = _eccn_heading(el)
        if found or _ends_entry(el):
            if heading is not None:
                yield heading, body
            heading, body = found, []
        elif heading is not None:
            body.append(el)
    if heading is not None:
        yield heading, body


def _eccn_heading(el: Element) -> re.Match[str] | None:
    """`<FP-2><B>2B350 Chemical manufacturing ...</B>` (one entry uses FP-1): the code and its title."""
    if el.tag not in ("FP-2", "FP-1") or not len(el) or el[0].tag != "B" or (el.text or "").strip():
        return None
    return _ECCN_HEADING.fullmatch(_inline_text(el))


def _ends_entry(el: Element) -> bool:
    """Category and group headings, the EAR99 line and the closing citation belong to no entry."""
    if el.tag in ("HD3", "CITA", "EDNOTE"):
        return True
    if el.tag == "HD1":
        return _section_of(_inline_text(el)) is None
    return el.tag == "FP-2" and bool(_NOT_ECCN_HEADING.match(_inline_text(el)))


def _section_of(text: str) -> str | None:
    """Which preamble section a heading opens; some entries use HD1 for them, most an FP-1 line."""
    return next((name for pattern, name in _SECTIONS if pattern.fullmatch(text)), None)


def _inline_text(el: Element) -> str:
    """The element's text on one line: superscripts joined (`m3`, `10^-6`), whitespace normalised."""
    parts: list[str] = []
    _render(el, parts)
    raw = re.sub(rf"{_END}\s*{_SUP}", "", "".join(parts))
    text = " ".join(_SCRIPT.sub(_join_script, raw).split())
    return re.sub(r"([(\[]) | ([)\]])", r"\1\2", text)


def _render(el: Element, parts: list[str]) -> None:
    parts.append(el.text or "")
    for child in el:
        mark = _script_mark(child)
        if mark:
            parts += [mark, "".join(child.itertext()).strip(), _END]
        elif child.tag == "br":
            parts.append(" ")
        else:
            _render(child, parts)
        parts.append(child.tail or "")


def _script_mark(el: Element) -> str:
    if el.tag in _SUP_TAGS or (el.tag == "E" and el.get("T") in _SUP_E):
        return _SUP
    return _SUB if el.tag == "E" and el.get("T") in _SUB_E else ""


def _join_script(match: re.Match[str]) -> str:
    """Attach a script to the text before it; after a number or bracket, a superscript is a power."""
    before = match.string[: match.start()].rstrip()[-1:]
    power = match.group("kind") == _SUP and (before.isdigit() or before == ")")
    return ("^" if power else "") + match.group("body")


def _lead_in(el: Element) -> str:
    """The italic or emphasised words a paragraph opens with (`Reason for Control:`), or ""."""
    if (el.text or "").strip() or not len(el) or el[0].tag not in ("I", "E"):
        return ""
    return _inline_text(el[0])


def _label_and_text(el: Element) -> tuple[str, str]:
    """A paragraph's lead-in and its whole text, with the space after the lead-in the source sometimes lacks."""
    text = _inline_text(el)
    label = _lead_in(el)
    if not label or not text.startswith(label):
        return "", text
    rest = text[len(label) :].strip()
    if _FIELD_LABEL.fullmatch(label.strip()):
        label = label.strip() + ":"
    return label, f"{label} {rest}".strip()


def _item_label(text: str) -> tuple[str, ...] | None:
    """`a.1.a. Alloys ...` -> ("a", "1", "a"); `f. through w. [Reserved]` -> ("f",); None for other text."""
    match = _ITEM_LABEL.match(text)
    return tuple((match.group("label") or match.group("range")).split(".")) if match else None


def _segment_key(segment: str) -> tuple[int, int, str]:
    return (0, int(segment), "") if segment.isdigit() else (1, len(segment), segment)


def _follows(previous: tuple[str, ...], new: tuple[str, ...]) -> bool:
    """Whether `new` can come next after `previous` in a list: a child, or a later sibling of it or of an ancestor."""
    for old, now in zip(previous, new):
        if old != now:
            return _segment_key(now) > _segment_key(old)
    return len(new) > len(previous)


def _is_next(previous: tuple[str, ...], new: tuple[str, ...]) -> bool:
    """`b` after `a`, `a.2` after `a.1`: the very next label in the same list."""
    if len(previous) != len(new) or previous[:-1] != new[:-1]:
        return False
    old, now = previous[-1], new[-1]
    if old.isdigit() and now.isdigit():
        return int(now) == int(old) + 1
    return len(old) == len(now) == 1 and ord(now) == ord(old) + 1


@dataclass
class _PendingNote:
    text: str
    heading: str
    body: str
    after: int


class _EntryReader:
    """Walks one entry's paragraphs: preamble lines first, then items, collecting notes on the way."""

    def __init__(self, code: str, title: str, has_items_marker: bool) -> None:
        self.entry = Entry(code=code, text="", title=title, category=code[0])
        self.lines = [f"{code} {title}"]
        self.items: list[tuple[tuple[str, ...], Item]] = []
        self.by_label: dict[tuple[str, ...], Item] = {}
        self.notes: list[_PendingNote] = []
        self.section = ""
        self.in_items = False
        self.in_note = False
        self.note_label: tuple[str, ...] | None = None
        self.has_items_marker = has_items_marker

    def feed(self, el: Element) -> None:
        if el.tag == "NOTE":
            self._note_block(el)
        elif el.tag == "DIV":
            self._table(el)
        elif el.tag == "HD1":
            self._set_section(_inline_text(el))
        elif el.tag in ("P", "FP", "FP-1", "FP-2"):
            self._paragraph(el)

    def _set_section(self, text: str) -> bool:
        section = _section_of(text)
        if section and not self.in_items:
            self.section, self.in_note = section, False
        return section is not None

    def _paragraph(self, el: Element) -> None:
        label, text = _label_and_text(el)
        if not text or self._set_section(text):
            return
        if label.rstrip(":") == "Items" and not self.in_items:
            self.in_items, self.in_note = True, False
            self._items_opening(_ITEMS_MARKER.sub("", text, count=1))
        elif self.in_items or self._starts_items(text):
            self.in_items = True
            self._item_paragraph(text)
        elif self.section != "exceptions" and not _EXCEPTION_LINE.match(text):
            self._preamble_line(label, text)

    def _starts_items(self, text: str) -> bool:
        """Without an `Items:` line (5A001), the first lettered paragraph of the item list opens the items."""
        return not self.has_items_marker and self.section == "items" and _item_label(text) is not None

    def _items_opening(self, text: str) -> None:
        if _item_label(text):
            self._item_paragraph(text)
        elif text:
            self.lines.append(f"Items: {text}")

    def _preamble_line(self, label: str, text: str) -> None:
        if _NOTE_START.match(text):
            self._add_note(text, text, "")
        elif self.in_note and not label.endswith(":"):
            self._extend_note(text)
        else:
            self.in_note = False
            self.lines.append(text)

    def _item_paragraph(self, text: str) -> None:
        label = _item_label(text)
        if _NOTE_START.match(text):
            self._add_note(text, text, "")
        elif label and self._opens_item(label):
            self._add_item(label, text)
        elif self.in_note:
            self._extend_note(text)
            self.note_label = label or self.note_label
        elif self.items:
            self.items[-1][1].text += "\n" + text
        else:
            self.lines.append(text)

    def _opens_item(self, segments: tuple[str, ...]) -> bool:
        """Outside a note every label opens an item; inside one, only a label that continues the items
        and not the note's own lettered list (`Note: ... any of the following: a. ... b. ...`)."""
        if not self.in_note or not self.items:
            return True
        if self.note_label and _is_next(self.note_label, segments):
            return False
        return _follows(self.items[-1][0], segments)

    def _add_item(self, segments: tuple[str, ...], text: str) -> None:
        self.in_note = False
        item = Item(code=f"{self.entry.code}.{'.'.join(segments)}", text=text)
        parent = self._parent_of(segments)
        (parent.children if parent else self.entry.children).append(item)
        if segments in self.by_label:
            log.debug("%s: repeated item label %s", self.entry.code, item.code)
        self.by_label.setdefault(segments, item)
        self.items.append((segments, item))

    def _parent_of(self, segments: tuple[str, ...]) -> Item | None:
        """The nearest existing ancestor; a gap in the labels (a missing `a.1`) falls back one level."""
        for depth in range(len(segments) - 1, 0, -1):
            if segments[:depth] in self.by_label:
                return self.by_label[segments[:depth]]
        return None

    def _note_block(self, el: Element) -> None:
        children = [c for c in el if c.tag != "HED"]
        stray = next((i for i, c in enumerate(children) if self._escapes_note(c)), len(children))
        heading = next((_inline_text(c) for c in el if c.tag == "HED"), "")
        body = "\n".join(t for c in children[:stray] if (t := _block_text(c)))
        text = _join_heading(heading, body)
        if not self.in_items and _LICENSE_NOTE.match(heading):
            self.lines.append(text)
        elif self.in_items or self.section != "exceptions":
            self._add_note(text, heading, body)
        for child in children[stray:]:
            self.feed(child)

    def _escapes_note(self, el: Element) -> bool:
        """A nested NOTE, or a plain (not italic) item paragraph left inside a NOTE by a missing `</NOTE>` (1C001.b)."""
        if el.tag == "NOTE":
            return True
        if not self.in_items or el.tag != "P" or _lead_in(el) or not self.items:
            return False
        label = _item_label(_inline_text(el))
        return label is not None and _follows(self.items[-1][0], label)

    def _table(self, el: Element) -> None:
        """The Control(s) table becomes one `Controls:` line; any other table (2E003) is kept as a note."""
        rows = _table_rows(el)
        if not self.in_items and rows and rows[0][0].startswith("Control"):
            applies = [row[0] for row in rows[1:] if row and row[0]]
            if applies:
                self.lines.append("Controls: " + "; ".join(applies))
        elif rows:
            caption = next((_inline_text(c) for c in el.iter("CAPTION")), "")
            body = _table_text(rows)
            self._add_note(_join_heading(caption, body), caption, body)

    def _add_note(self, text: str, heading: str, body: str) -> None:
        self.notes.append(_PendingNote(text, heading, body, len(self.items) - 1))
        self.in_note, self.note_label = True, None

    def _extend_note(self, text: str) -> None:
        note = self.notes[-1]
        note.text += "\n" + text
        note.body += "\n" + text

    def finish(self) -> Entry:
        self.entry.text = "\n".join(self.lines)
        for note in self.notes:
            self._owner_of(note).notes.append(note.text)
        return self.entry

    def _owner_of(self, note: _PendingNote) -> Item:
        """The item the note names; else the item just before it; notes before or after all items are the entry's."""
        named = _named_target(note.heading, note.body, self.entry.code)
        if named is not None:
            for depth in range(len(named), 0, -1):
                if named[:depth] in self.by_label:
                    return self.by_label[named[:depth]]
            if not named:
                return self.entry
        if 0 <= note.after < len(self.items) - 1:
            return self.items[note.after][1]
        return self.entry


def _named_target(heading: str, body: str, code: str) -> tuple[str, ...] | None:
    """Item labels a note names: `Technical Note 1 to 2B350.g`, `N.B. to paragraph .k`, `In 2B350.i, ...`.

    An empty tuple means the note names the entry itself; None that it names nothing of this entry.
    """
    own = re.compile(_OWN_REF.format(code=code, seg=_SEGMENT))
    lead = body.lstrip()[:_NOTE_LEAD]
    for match in (own.search(heading), _RELATIVE_REF.search(heading), own.search(lead)):
        if match:
            return tuple(s for s in match.group("segs").split(".") if s)
    return None


def _join_heading(heading: str, body: str) -> str:
    if heading and body and not heading.endswith((":", ".")):
        heading += ":"
    return " ".join(p for p in (heading, body) if p)


def _block_text(el: Element) -> str:
    return _table_text(_table_rows(el)) if el.tag == "DIV" else _inline_text(el)


def _table_text(rows: list[list[str]]) -> str:
    return "\n".join(" | ".join(cell for cell in row if cell) for row in rows)


def _table_rows(el: Element) -> list[list[str]]:
    return [[_inline_text(cell) for cell in row if cell.tag in ("TD", "TH")] for row in el.iter("TR")]


def _read_entry(heading: re.Match[str], body: list[Element]) -> Entry:
    title = _SEE_ITEMS.sub("", heading.group("title")).strip()
    has_marker = any(_lead_in(el).rstrip(": ") == "Items" for el in body)
    reader = _EntryReader(heading.group("code"), title, has_marker)
    for el in body:
        reader.feed(el)
    return reader.finish()
