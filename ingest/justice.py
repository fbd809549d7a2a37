"""Read Justice Canada regulation XML (laws-lois.justice.gc.ca) into control-list entries.

The Nuclear Non-proliferation Import and Export Control Regulations (SOR/2000-210, French DORS/2000-210)
carry the Nuclear Suppliers Group lists in their schedule as nested `<Provision>` elements: a numbered
provision (`B.1.1.3`) is an entry, lettered and numbered provisions inside it (`(a)`, `(1)`, `(i)`; `a)` in
French) are its sub-items (`B.2.1.2(a)(1)`), and a provision whose text is `NOTE`/`NOTES`/`NOTA :` holds a
note for the item it sits in. An item ending "except:" (`sauf :`) lists exceptions, not sub-items: they
are kept as one note of that item, so the criteria read them as exclusions.

Both language versions share the numbering code for code; the document's language (`xml:lang`) and its
instrument number (`SOR/2000-210` = `DORS/2000-210`) tell the pipeline that they are versions of one text.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from xml.etree.ElementTree import Element

from assistant.core.codes import NSG_ENTRY
from assistant.core.errors import IngestError
from assistant.text.language import document_language
from ingest.dates import text_date
from ingest.ecfr import parse_safely
from ingest.entries import Entry, Item

log = logging.getLogger(__name__)

_SNIFF_BYTES = 4096
_ROOT = re.compile(rb"<(Regulation|Statute)\b[^>]*xmlns:lims=\"http://justice\.gc\.ca/lims\"")
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_LIMS_AMENDED = "{http://justice.gc.ca/lims}lastAmendedDate"
_NSG_LABEL = re.compile(rf"({NSG_ENTRY})\.?")
_HEADING = re.compile(rf"({NSG_ENTRY})\.?\s+(.+)")
_SUB_LABEL = re.compile(r"\(?([a-z]{1,4}|\d{1,2})\)")
_NOTE_WORD = re.compile(r"(NOTES?|NOTA)\s*:?", re.I)
_EXCEPT_END = re.compile(r"\b(?:except|sauf)\s*:\s*$", re.I)
_TITLE_END = re.compile(r",?\s*(?:as follows|comme suit|including|notamment|y compris)?\s*:\s*$", re.I)
_TITLE_WORDS = 14


@dataclass(frozen=True)
class JusticeDocument:
    """What the reader found: the schedule's entries, the text's language and the regulation it is a version of."""

    entries: list[Entry]
    language: str
    work: str
    title: str
    issued: str = ""
    """The date the text is consolidated to (its version), "" when it states none."""


def looks_like_justice(data: bytes) -> bool:
    """True for XML whose root is a Justice Canada `<Regulation>` or `<Statute>` in the `lims` namespace."""
    return bool(_ROOT.search(data[:_SNIFF_BYTES]))


def read_justice(data: bytes, path: str) -> JusticeDocument:
    """The schedule's numbered items as entries, in document order; IngestError for unsafe or empty XML."""
    root = parse_safely(data, path)
    entries: list[Entry] = []
    for schedule in root.iter("Schedule"):
        _walk(schedule, None, entries)
    if not entries:
        raise IngestError(path, "no numbered schedule items found (expected provisions labelled like A.1.1 or B.2.1.1)")
    language = _language(root, entries)
    number = " ".join("".join(root.findtext(".//InstrumentNumber") or "").split())
    log.info(
        "%s: %d entries, %d items, language %s, %s",
        path,
        len(entries),
        sum(len(e.walk()) - 1 for e in entries),
        language or "unknown",
        number,
    )
    return JusticeDocument(entries, language, _work(number), _text(root.find(".//LongTitle")), _issued(root))


def _issued(root: Element) -> str:
    """The consolidation date (`<ConsolidationDate><Date><YYYY>...`), else the regulation's last amendment date."""
    when = root.find(".//ConsolidationDate/Date")
    if when is not None:
        parts = [(when.findtext(tag) or "").strip() for tag in ("YYYY", "MM", "DD")]
        if all(part.isdigit() for part in parts):
            return text_date("-".join(f"{int(part):02d}" for part in parts))
    return text_date(root.get(_LIMS_AMENDED) or "")


def _language(root: Element, entries: list[Entry]) -> str:
    """The document's own mark (`xml:lang="fr"`), else what its words say."""
    marked = (root.get(_XML_LANG) or "").split("-")[0].lower()
    return marked or document_language(" ".join(e.full_text() for e in entries[:40]))


def _work(number: str) -> str:
    """The regulation both language versions name: `SOR/2000-210` and `DORS/2000-210` -> `SOR/2000-210`."""
    match = re.fullmatch(r"(SOR|DORS|C\.R\.C\.|CRC)\s*[/,]?\s*(.+)", number, re.I)
    if not match:
        return number
    kind = {"DORS": "SOR", "CRC": "C.R.C."}.get(match[1].upper(), match[1].upper())
    return f"{kind}/{match[2]}"


def _text(el: Element | None) -> str:
    """An element's words on one line: subscripts joined as printed (UF6, m3), a superscript after a number
    or a bracket as a power (`10^6`), the way the CCL reader writes them."""
    if el is None:
        return ""
    parts: list[str] = []
    _render(el, parts)
    return " ".join("".join(parts).split())


def _render(el: Element, parts: list[str]) -> None:
    parts.append(el.text or "")
    for child in el:
        if child.tag == "Sup":
            before = "".join(parts).rstrip()[-1:]
            parts.append(("^" if before.isdigit() or before == ")" else "") + "".join(child.itertext()).strip())
        elif child.tag == "LineBreak":
            parts.append(" ")
        else:
            _render(child, parts)
        parts.append(child.tail or "")


def _own_text(el: Element) -> str:
    return _text(el.find("Text"))


def _label(el: Element) -> str:
    return _text(el.find("Label"))


def _is_note(el: Element) -> bool:
    return not _label(el) and bool(_NOTE_WORD.fullmatch(_own_text(el)))


def _provisions(el: Element) -> list[Element]:
    return [child for child in el if child.tag == "Provision"]


def _walk(el: Element, owner: Item | None, entries: list[Entry]) -> None:
    """Provisions under `el`: numbered ones open entries, lettered ones items of `owner`, notes hang on `owner`.

    A numbered heading (`A.3. Parts for Controlled Nuclear Equipment ...`) is an entry too: the notes
    after it are its own.
    """
    for child in el:
        if child.tag == "Heading":
            heading = _HEADING.fullmatch(_text(child.find("TitleText")))
            owner = _heading_entry(heading) if heading else None
            if owner is not None:
                entries.append(owner)
            continue
        if child.tag != "Provision":
            continue
        label = _label(child)
        nsg = _NSG_LABEL.fullmatch(label)
        sub = _SUB_LABEL.fullmatch(label)
        if nsg:
            entry = _entry(child, nsg.group(1))
            entries.append(entry)
            _body(child, entry, entries)
        elif _is_note(child):
            note = _note_text(child)
            if owner is not None and note:
                owner.notes.append(note)
        elif sub and owner is not None:
            item = Item(code=f"{owner.code}({sub.group(1)})", text=f"{label} {_own_text(child)}".strip())
            owner.children.append(item)
            _body(child, item, entries)
        else:
            text = _own_text(child)
            if owner is not None and text:
                owner.text += ("\n" if owner.text else "") + text
            _walk(child, owner, entries)


def _body(el: Element, item: Item, entries: list[Entry]) -> None:
    """What is inside an item: its sub-items, notes and continuation text; an "except:" list becomes a note."""
    if _EXCEPT_END.search(item.text):
        _exceptions(el, item, entries)
    else:
        _walk(el, item, entries)


def _exceptions(el: Element, item: Item, entries: list[Entry]) -> None:
    """The lettered provisions after "except:" are one note of the item (the list's own words, labels kept)."""
    listed: list[str] = []
    rest: list[Element] = []
    for child in _provisions(el):
        if _SUB_LABEL.fullmatch(_label(child)):
            listed.append(_flat(child))
        else:
            rest.append(child)
    lead = _EXCEPT_END.search(item.text)
    word = lead.group(0).strip() if lead else "except:"
    if listed:
        item.notes.append("\n".join([word, *listed]))
    holder = Element("Provision")
    holder.extend(rest)
    _walk(holder, item, entries)


def _flat(el: Element) -> str:
    """A provision and everything inside it as one text, labels kept, a line for each labelled provision."""
    text = " ".join(p for p in (_label(el), _own_text(el)) if p)
    for child in _provisions(el):
        text += ("\n" if _label(child) else " ") + _flat(child)
    return text.strip()


def _note_text(el: Element) -> str:
    """A NOTE provision's content as one note: "NOTE: Paragraph A.1.1. does not include" and a line for each
    lettered clause, so that the criteria read one exclusion per clause."""
    body = "\n".join(_flat(child) for child in _provisions(el))
    word = _own_text(el).rstrip(" :")
    return f"{word}: {body}" if body else ""


def _heading_entry(heading: re.Match[str]) -> Entry:
    code, title = heading.group(1), heading.group(2)
    return Entry(code=code, text=f"{code} {title}", title=title, category=code[0])


def _entry(el: Element, code: str) -> Entry:
    """An entry from a numbered provision: its heading in italics is the title, else the text's opening words."""
    text = _own_text(el)
    italic = el.find("Text/Emphasis")
    heading = _text(italic) if italic is not None and _text(italic) == text else ""
    title = _TITLE_END.sub("", heading or _opening(text))
    return Entry(code=code, text=f"{code} {text}".strip(), title=title, category=code[0])


def _opening(text: str) -> str:
    """The first clause of an item's text, as its title: up to a colon, semicolon or ~14 words."""
    clause = re.split(r"[:;]|\.\s(?=[A-Z])", text, maxsplit=1)[0]
    words = clause.split()
    return " ".join(words[:_TITLE_WORDS]) + (" ..." if len(words) > _TITLE_WORDS else "")
