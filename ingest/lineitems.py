"""Read an invoice, a manifest or a list of goods into line items, with what the document declares.

Officers meet goods as documents; screening needs one description per line of goods, stripped of the
fields that are not the goods (quantities, prices, tariff codes, declared classifications), with those
fields kept beside it. `ingest.load.check_bytes` decides what is accepted and as what: a PDF by its header
(`ingest.pdf` reads the text layer), a CSV by its `.csv`/`.tsv` name or a `column` to read, text by its
`.txt` name; a spreadsheet (XLSX) is refused with the advice to export it as CSV.

Rules, in the order they apply (heuristics, tuned on typical commercial invoices and manifests):

- Table header row: a line without digits naming a goods column (description, goods, item, product,
  article, designation) and at least two field columns (qty, unit, HS, price, amount, ECCN, control...).
  In a PDF, lines above a page's header row are letterhead (seller, addresses, invoice number, dates).
- End of a page's table: a totals line (total, subtotal, VAT, freight, carried forward... followed by at
  most three words and a number), a "continued on next page" line, or a signature/certification line;
  the rest of that page is footer. Page numbers ("Page 1 of 2", "- 2 -") are dropped wherever they are.
- Other non-item lines, anywhere: document numbers and dates ("Invoice no.", "Date:"), parties
  ("Consignee:", "Ship to:"), contact and bank details (Tel, e-mail, IBAN), addresses (a street name
  with a number, "P.O. Box", ", 4033 Stavanger"), lines repeating a letterhead line of an earlier page,
  lines with fewer than two letters, and in text files lines starting with "#".
- Fields, found anywhere in a line and removed from the description:
  - declared classification: a label (ECCN, export control, EU control, control code, classification,
    dual-use) followed by a code or a "not controlled" value (EAR99, NLR, not listed, not controlled,
    no, none), or such a value without a label ("EAR99", "not listed"), or a bare control code
    ("2B350.a"); kept as written, e.g. "ECCN: EAR99".
  - HS code: after a label (HS, HTS, CN, tariff, commodity code) any 4 to 10 digit code; without a
    label "8419.89.10" (three groups); "8419.89" (two groups) only in a document whose header row names
    an HS or tariff column, because otherwise it may be a price.
  - prices: numbers with two decimals that are not a quantity with a unit ("184,500.00", "EUR 12.50").
  - quantity: a count with a packing unit ("40 pcs", "2 drums", "1 set"), "2 x" before the goods,
    "Qty: 5", a bare number starting the line when the header row puts Qty before the description, or
    a mass at the end of the line ("800 kg"; after a count, that mass is the gross weight and is
    dropped); else, in a line with an HS code or a price, a bare whole number ending the description (a
    Qty column without unit). Volumes and other measures stay in the description: "reactor 3 000 L" is
    a capacity, the parameter that decides control.
- Items: a document numbers its items when at least two lines start with a position number (not the
  start of a quantity such as "600 Hz") in increasing order. Then a numbered line starts an item and
  other lines continue the description of the item above (a description wrapped over two lines). In a
  PDF table without position numbers, a line with fields starts an item and a line without fields
  continues the one above, when at least half of the lines have fields. Otherwise, and always in text
  files, each line is one item.
- Line numbers: the document's own position numbers when it numbers its items (or a CSV has a line /
  position column of distinct whole numbers), else the item's rank in the document (1, 2, 3...).
"""

from __future__ import annotations

import csv
import io
import logging
import re
import sys
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from assistant.core.codes import ENTRY, ML_ENTRY, SUB_ITEMS, find_codes
from assistant.core.errors import IngestError
from assistant.text.params import parse_quantities, read_number
from ingest.load import SCREENED, check_bytes, described, read_file
from ingest.pdf import read_pdf_pages

log = logging.getLogger(__name__)


# --- fields -------------------------------------------------------------------------------------------

_DECLARED_NOT_CONTROLLED = r"EAR\s?99|NLR|not\s+(?:listed|controlled)|non-?\s?controlled|uncontrolled|none|no(?![.\w])"
_CODE = r"\d\s?[A-E]\s?\d{3}(?:\.?[a-z0-9]{1,2}(?![\w]))*|ML\s?\d{1,2}(?:\.[a-z0-9]{1,2})*"
_LABEL = (
    r"ECCN|(?:EU\s+|export\s+|dual[- ]use\s+)?control(?:\s+(?:code|status|list|class(?:ification)?))?"
    r"|(?:export\s+)?classification|dual[- ]use(?:\s+code)?"
)
_DECLARED_LABELLED = re.compile(
    rf"\b(?:{_LABEL})(?:\s*(?:no\.|nr\.?|number|\#))?\s*[:=-]?\s*(?P<value>{_DECLARED_NOT_CONTROLLED}|{_CODE})",
    re.IGNORECASE,
)
_DECLARED_BARE = re.compile(
    r"\b(?:EAR\s?99|NLR|not\s+(?:listed|controlled)|non-?\s?controlled|uncontrolled)\b", re.IGNORECASE
)
_BARE_CODE = re.compile(rf"(?<![\w.-])(?:{ENTRY}|{ML_ENTRY}){SUB_ITEMS}(?![\w-])")
_NOT_CONTROLLED = re.compile(rf"^(?:{_DECLARED_NOT_CONTROLLED})$", re.IGNORECASE)

_HS_LABELLED = re.compile(
    r"\b(?:HS|H\.S\.|HTS|CN|tariff|commodity)(?:\s*(?:code|no\.?|nr\.?|number|heading))?\s*[:#]?\s*"
    r"(?P<code>\d{4}(?:\.\d{2}){1,3}|\d{4,10})(?![\d.,]*\d)",
    re.IGNORECASE,
)
_HS_LONG = re.compile(r"(?<![\d.,])(?P<code>\d{4}\.\d{2}\.\d{2,4})(?![\d.,]*\d)")
_HS_SHORT = re.compile(r"(?<![\d.,])(?P<code>\d{4}\.\d{2})(?![\d.,]*\d)")

_CURRENCY = r"(?:EUR|USD|NOK|SEK|DKK|GBP|CHF|JPY|CNY|AED|€|\$|£)"
_MONEY = re.compile(
    rf"(?:{_CURRENCY}\s?)?(?<![\w.,])(?:\d{{1,3}}(?:[ ,.']\d{{3}})+|\d+)[.,]\d{{2}}(?![\d.,]*\d)(?:\s?{_CURRENCY}(?!\w))?"
)
_NUMBER = r"\d{1,3}(?:[ ,]\d{3})+(?![\d.,]*\d)|\d+(?:[.,]\d+)?"
_PACKING = (
    r"pcs|pc|pieces?|units?|ea|each|sets?|nos|drums?|cartons?|ctns?|boxes|box|bags?|pallets?|rolls?|"
    r"crates?|cases?|pairs?|lots?|kits?|cylinders?|bottles?|packages?|pkgs?|reels?|coils?|canisters?|totes?"
)
_COUNT = re.compile(rf"(?<![\w.,])(?P<n>{_NUMBER})\s*(?P<unit>{_PACKING})\.?(?!\w)", re.IGNORECASE)
_TIMES = re.compile(r"^(?P<n>\d+)\s?x\s+(?=\D)", re.IGNORECASE)
_QTY_LABEL = re.compile(rf"\b(?:qty|quantity)\s*[:.]?\s*(?P<n>{_NUMBER})\b", re.IGNORECASE)
_MASS_END = re.compile(rf"(?<![\w.,])(?P<n>{_NUMBER})\s*(?P<unit>kg|kgs|t|tonnes?|mt|lbs?|g)\.?\W*$", re.IGNORECASE)
_BARE_END = re.compile(r"(?<![\w.,])(?P<n>\d{1,3}(?:[ ,]\d{3})+|\d+)\W*$")
_BARE_START = re.compile(r"^(?P<n>\d{1,3}(?:[ ,]\d{3})+|\d+)\s+(?=[^\W\d_])")

# --- line classes -------------------------------------------------------------------------------------

_POSITION = re.compile(r"^(?P<pos>\d{1,4})[.)]?\s+(?=\S)")
_GOODS_COLUMN = re.compile(r"\b(?:description|goods|items?|products?|articles?|designation)\b", re.IGNORECASE)
_DESCRIPTION_COLUMN = re.compile(r"\b(?:description|goods|designation)\b", re.IGNORECASE)
_QUANTITY_COLUMN = re.compile(r"\b(?:qty|quantity|pcs)\b", re.IGNORECASE)
_FIELD_COLUMNS = re.compile(
    r"\b(?:pos|qty|quantity|units?|uom|hs|hts|tariff|price|amount|value|eccn|control|classification|"
    r"weight|origin|packages|pkgs|total)\b",
    re.IGNORECASE,
)
_HS_COLUMN = re.compile(r"\b(?:HS|HTS|tariff|commodity\s+code|CN\s+code)\b", re.IGNORECASE)
_PAGE_NUMBER = re.compile(
    r"^\W*(?:page\s*)?\d{1,4}\s*(?:of|/)\s*\d{1,4}\W*$|^\W*page\s+\d{1,4}\W*$|^[-–\s]*\d{1,4}[-–\s]*$", re.IGNORECASE
)
_END_OF_TABLE = re.compile(
    r"^\W*(?:sub-?\s?total|grand\s+total|total|net\s+total|VAT|tax|freight|insurance|discount|amount\s+due|"
    r"balance(?:\s+due)?|carried\s+forward|brought\s+forward)\b(?=.*\d)[^A-Za-z]*(?:[A-Za-z]+\b[^A-Za-z]*){0,3}$"
    r"|\bcontinued\s+(?:on|over)\b|^\W*(?:signature|signed|authori[sz]ed\s+signatory)\b|\bwe\s+(?:hereby\s+)?certify\b",
    re.IGNORECASE,
)
_NOT_ITEM = re.compile(
    r"\b(?:invoice|order|PO|reference|ref|contract|manifest|B/?L|bill\s+of\s+lading|AWB|waybill|booking|"
    r"voyage|flight|customer|account|VAT|org\.?)\s*(?:no\.?|nr\.?|number|\#|date|id)\s*[:.]?"
    r"|\b(?:date|due\s+date|terms\s+of\s+(?:payment|delivery)|payment\s+terms|incoterms?(?:\s+\d{4})?|"
    r"delivery\s+terms|currency|consignee|consignor|shipper|exporter|importer|buyer|seller|sold\s+to|ship\s+to|"
    r"bill\s+to|deliver\s+to|notify\s+party|port\s+of\s+(?:loading|discharge)|country\s+of\s+origin|"
    r"place\s+of\s+(?:delivery|receipt)|attn|attention)\s*:"
    r"|\b(?:tel|phone|fax|mobile)\s*[.:+(]|\b(?:e-?mail|web)\s*:|\bwww\.|https?://|\bIBAN\b|\bBIC\b|\bSWIFT\b"
    r"|\b\d{1,5}\s+\w+\s+(?:street|st\.|road|rd\.|avenue|ave\.|lane|drive|boulevard|blvd\.?)(?!\w)"
    r"|\b\w+(?:vegen|veien|veg|vei|gate|gata|gasse|strasse|straße|str\.|weg|allee|platz|straat|vej|vägen|gatan)\s+\d+"
    r"|\bP\.?\s?O\.?\s+Box\b|,\s*(?:[A-Z]{1,2}-)?\d{4,5}\s+[A-Z][a-zäöüåæø]+",
    re.IGNORECASE,
)
_TWO_LETTERS = re.compile(r"[^\W\d_].*[^\W\d_]", re.DOTALL)


@dataclass(frozen=True)
class LineItem:
    """One line of goods: the description screened, and the fields the document states beside it."""

    line: int
    description: str
    quantity: float | None = None
    unit: str = ""
    hs_code: str = ""
    declared: str = ""
    page: int | None = None
    raw: str = ""

    @property
    def declared_code(self) -> str:
        """The control code the document declares, normalised ("2B350.a"); empty for none or "not controlled"."""
        codes = find_codes(self.declared)
        return codes[0] if codes and not self.declared_not_controlled else ""

    @property
    def declared_not_controlled(self) -> bool:
        """True when the document states the goods are not listed (EAR99, NLR, "not controlled", "no")."""
        match = _DECLARED_LABELLED.search(self.declared)
        value = match["value"] if match else self.declared
        return bool(self.declared) and bool(_NOT_CONTROLLED.match(value.strip()) or _DECLARED_BARE.search(value))

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Fields:
    """What `parse_fields` found in one line; `rest` is the text left for the description."""

    rest: str
    quantity: float | None = None
    unit: str = ""
    hs_code: str = ""
    declared: str = ""
    has_fields: bool = False


@dataclass(frozen=True)
class Layout:
    """What a table's header row tells about the fields in its rows."""

    hs_column: bool = False
    quantity_first: bool = False


@dataclass
class _Draft:
    """An item being assembled from one or more lines."""

    page: int | None
    position: int | None
    lines: list[str] = field(default_factory=list)


def read_line_items(
    path: Path, column: str | None = None, max_bytes: int | None = None, password: str | None = None
) -> list[LineItem]:
    """The line items of the document at `path`; raise IngestError naming the file and the problem."""
    data = read_file(path, max_bytes if max_bytes is not None else sys.maxsize)
    return line_items_from_bytes(data, str(path), column, password)


def line_items_from_bytes(
    data: bytes, name: str, column: str | None = None, password: str | None = None, max_bytes: int | None = None
) -> list[LineItem]:
    """The line items of a document given as bytes (an upload); `name` is used for its type and in errors."""
    fmt = check_bytes(data, name, SCREENED, max_bytes)
    if fmt == "pdf":
        items = _items_from_pages(read_pdf_pages(data, name, password), table=True)
    elif fmt == "csv" or column:
        items = _items_from_csv(_decode(data, name), name, column)
    else:
        items = _items_from_pages([(None, _decode(data, name))], table=False)
    if not items:
        raise IngestError(name, f"no line items found; accepted: {described(SCREENED)}")
    return items


def _decode(data: bytes, name: str) -> str:
    """UTF-8 text, or Windows-1252 as spreadsheet programs still export it."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        log.info("%s is not UTF-8; reading it as Windows-1252", name)
        return data.decode("cp1252", errors="replace")


def parse_fields(text: str, layout: Layout = Layout()) -> Fields:
    """Split one line into its fields (declared classification, HS code, prices, quantity) and the rest."""
    found = _split_fields(text, layout)
    return replace(found, rest=_tidy(found.rest))


def _split_fields(text: str, layout: Layout) -> Fields:
    """`parse_fields` without tidying the rest, so a description wrapped over lines keeps its punctuation."""
    found = Fields(rest=text)
    found.declared, found.rest = _take(_DECLARED_LABELLED, found.rest)
    if not found.declared:
        found.declared, found.rest = _take(_DECLARED_BARE, found.rest)
    if not found.declared:
        found.declared, found.rest = _take(_BARE_CODE, found.rest)
    for pattern in (_HS_LABELLED, _HS_LONG, *((_HS_SHORT,) if layout.hs_column else ())):
        match = pattern.search(found.rest)
        if match:
            found.hs_code = match["code"]
            found.rest = _cut(found.rest, match)
            break
    priced = _drop_prices(found)
    _take_quantity(found, bare=bool(found.hs_code or priced), leading=layout.quantity_first)
    found.has_fields = bool(found.declared or found.hs_code or priced or found.quantity is not None)
    return found


def _take(pattern: re.Pattern[str], text: str) -> tuple[str, str]:
    match = pattern.search(text)
    return (match.group(0).strip(), _cut(text, match)) if match else ("", text)


def _cut(text: str, match: re.Match[str]) -> str:
    return f"{text[: match.start()]} {text[match.end() :]}"


def _drop_prices(found: Fields) -> bool:
    """Remove two-decimal numbers that are not quantities with a unit ("0.15 m2" is a parameter)."""
    measures = [q.text for q in parse_quantities(found.rest)]
    priced = False
    for match in reversed(list(_MONEY.finditer(found.rest))):
        if any(match.group(0).strip() in m or m in match.group(0) for m in measures):
            continue
        found.rest = _cut(found.rest, match)
        priced = True
    return priced


def _take_quantity(found: Fields, bare: bool, leading: bool) -> None:
    """The first quantity pattern that matches; a mass ending the line after a count is the gross weight."""
    patterns = (
        _COUNT,
        _QTY_LABEL,
        _TIMES,
        *((_BARE_START,) if leading else ()),
        _MASS_END,
        *((_BARE_END,) if bare else ()),
    )
    for pattern in patterns:
        match = pattern.search(found.rest.strip())
        if pattern is _BARE_START and _starts_measure(found.rest.strip()):
            continue
        if match:
            found.quantity = read_number(match["n"])
            found.unit = (match.groupdict().get("unit") or "").lower()
            found.rest = _cut(found.rest.strip(), match)
            break
    weight = _MASS_END.search(found.rest.strip())
    if weight and found.quantity is not None:
        found.rest = _cut(found.rest.strip(), weight)


def _tidy(text: str) -> str:
    """Collapse the gaps fields leave; drop separators stranded at either end (not a wrap's hyphen)."""
    text = re.sub(r"\(\s*\)", " ", re.sub(r"\s+", " ", text))
    text = re.sub(r"\s+([,;:.)])", r"\1", text)
    text = re.sub(r"([,;:])(?:\s*[,;:])+", r"\1", text)
    return re.sub(r"^[\s,;:|/–-]+|(?:[\s,;:|/–]|\s-)+$", "", text)


def _is_header_row(line: str) -> bool:
    if re.search(r"\d", re.sub(r"\b(?:m3|m³)\b", "", line)):
        return False
    return bool(_GOODS_COLUMN.search(line)) and len(set(m.lower() for m in _FIELD_COLUMNS.findall(line))) >= 2


def _starts_measure(text: str) -> bool:
    """True when the text opens with a quantity with a unit ("600 Hz ...", "3 000 L ...")."""
    return any(text.startswith(q.text) for q in parse_quantities(text[:24]))


def _position(line: str) -> int | None:
    """A leading item number, unless the number begins a quantity ("600 Hz ...", "40 pcs ...", "2 x ...")."""
    match = _POSITION.match(line)
    if not match or _COUNT.match(line) or _TIMES.match(line) or _starts_measure(line):
        return None
    return int(match["pos"])


def _layout(header: str) -> Layout:
    """HS column or not; Qty before the goods column ("Item Qty Description ...": "Item" is the position)."""
    goods = _DESCRIPTION_COLUMN.search(header) or _GOODS_COLUMN.search(header)
    quantity = _QUANTITY_COLUMN.search(header)
    return Layout(
        hs_column=bool(_HS_COLUMN.search(header)),
        quantity_first=bool(goods and quantity and quantity.start() < goods.start()),
    )


def _content_lines(pages: Sequence[tuple[int | None, str]], table: bool) -> tuple[list[tuple[int | None, str]], Layout]:
    """The lines that may hold goods, page by page, and the layout the first header row shows."""
    kept: list[tuple[int | None, str]] = []
    letterhead: set[str] = set()
    layout: Layout | None = None
    for page, text in pages:
        lines = [line.strip() for line in text.splitlines()]
        header = next((i for i, line in enumerate(lines) if _is_header_row(line)), None)
        if header is not None:
            layout = layout or _layout(lines[header])
            if table:
                letterhead.update(line for line in lines[:header] if line)
                lines = lines[header + 1 :]
        for line in lines:
            if table and _END_OF_TABLE.search(line):
                break
            if _is_item_text(line, letterhead, table):
                kept.append((page, line))
    return kept, layout or Layout()


def _is_item_text(line: str, letterhead: set[str], table: bool) -> bool:
    if not _TWO_LETTERS.search(line) or line in letterhead or _is_header_row(line):
        return False
    if not table and (line.startswith("#") or _END_OF_TABLE.search(line)):
        return False
    return not (_PAGE_NUMBER.match(line) or _NOT_ITEM.search(line))


def _numbered(lines: Sequence[tuple[int | None, str]]) -> bool:
    positions = [p for p in (_position(line) for _, line in lines) if p is not None]
    return len(positions) >= 2 and all(a < b for a, b in zip(positions, positions[1:]))


def _drafts(lines: Sequence[tuple[int | None, str]], table: bool, layout: Layout) -> list[_Draft]:
    """Group lines into items: numbered lines start items; in a PDF table, wrapped lines join the one above."""
    numbered = _numbered(lines)
    with_fields = [_split_fields(line, layout).has_fields for _, line in lines]
    wraps = table and (numbered or sum(with_fields) * 2 >= len(lines))
    drafts: list[_Draft] = []
    last = 0
    for (page, line), has_fields in zip(lines, with_fields):
        position = _position(line) if numbered else None
        if position is not None and position > last:
            last = position
            drafts.append(_Draft(page, position, [_POSITION.sub("", line, count=1)]))
        elif wraps and not numbered and has_fields:
            drafts.append(_Draft(page, None, [line]))
        elif wraps and drafts and drafts[-1].page == page:
            drafts[-1].lines.append(line)
        elif not wraps:
            drafts.append(_Draft(page, None, [line]))
    return drafts


def _items_from_pages(pages: Sequence[tuple[int | None, str]], table: bool) -> list[LineItem]:
    lines, layout = _content_lines(pages, table)
    items = []
    for draft in _drafts(lines, table, layout):
        parts = [_split_fields(line, layout) for line in draft.lines]
        description = _tidy(_join([p.rest for p in parts]))
        if not _TWO_LETTERS.search(description):
            continue
        quantity = next((p for p in parts if p.quantity is not None), None)
        items.append(
            LineItem(
                line=draft.position or 0,
                description=description,
                quantity=quantity.quantity if quantity else None,
                unit=quantity.unit if quantity else "",
                hs_code=next((p.hs_code for p in parts if p.hs_code), ""),
                declared=next((p.declared for p in parts if p.declared), ""),
                page=draft.page,
                raw=" / ".join(draft.lines),
            )
        )
    return _numbered_lines(items)


def _join(parts: Sequence[str]) -> str:
    """Rejoin a wrapped description; a line ending in a hyphen continues the word ("Glass-" + "lined")."""
    text = ""
    for part in (p.strip() for p in parts):
        text = f"{text}{part}" if text.endswith("-") or not text else f"{text} {part}"
    return text


def _numbered_lines(items: list[LineItem]) -> list[LineItem]:
    """Keep the document's own numbers when every item has a distinct one, else number 1, 2, 3..."""
    numbers = [i.line for i in items]
    if all(numbers) and len(set(numbers)) == len(numbers):
        return items
    return [replace(item, line=n) for n, item in enumerate(items, 1)]


# --- CSV ----------------------------------------------------------------------------------------------

_CSV_GUESSES = (
    r"description|desc\.?|goods|goods description|description of goods",
    r"product|article|designation|commodity(?! code)|material",
    r"item(?!\s*(?:no|nr|number|code|#|id)\b)|item description|name",
)
_CSV_QUANTITY = re.compile(r"^(?:qty|quantity|pcs|pieces|count)\b", re.IGNORECASE)
_CSV_UNIT = re.compile(r"^(?:units?|uom|unit of measure)$", re.IGNORECASE)
_CSV_HS = re.compile(r"\b(?:hs|hts|tariff|commodity code|cn code|customs code)\b", re.IGNORECASE)
_CSV_DECLARED = re.compile(r"eccn|export control|control|classification|dual[- ]use", re.IGNORECASE)
_CSV_LINE = re.compile(r"^(?:line|pos\.?|position|item\s*(?:no\.?|nr\.?|number|#)|no\.?|#)$", re.IGNORECASE)


def _items_from_csv(text: str, name: str, column: str | None) -> list[LineItem]:
    rows = list(csv.reader(io.StringIO(text), _dialect(text)))
    if not rows:
        raise IngestError(name, "empty CSV")
    header = [h.strip() for h in rows[0]]
    goods = _goods_column(header, column, name)
    used = {goods}
    columns: dict[str, int | None] = {}
    for kind, pattern in (
        ("qty", _CSV_QUANTITY),
        ("unit", _CSV_UNIT),
        ("hs", _CSV_HS),
        ("declared", _CSV_DECLARED),
        ("line", _CSV_LINE),
    ):
        columns[kind] = _find_column(header, pattern, used)
        used.add(_or(columns[kind]))
    items = []
    for number, row in enumerate(rows[1:], 2):
        cells = dict(enumerate(c.strip() for c in row))
        found = parse_fields(cells.get(goods, ""))
        if not _TWO_LETTERS.search(found.rest):
            continue
        quantity, unit = _csv_quantity(cells, columns, found)
        line = cells.get(_or(columns["line"]), "")
        items.append(
            LineItem(
                line=int(line) if line.isdigit() else 0,
                description=found.rest,
                quantity=quantity,
                unit=unit,
                hs_code=cells.get(_or(columns["hs"]), "") or found.hs_code,
                declared=cells.get(_or(columns["declared"]), "") or found.declared,
                page=None,
                raw=f"row {number}: " + " | ".join(c.strip() for c in row),
            )
        )
    return _numbered_lines(items)


def _or(index: int | None) -> int:
    return -1 if index is None else index


def _dialect(text: str) -> type[csv.Dialect]:
    """Comma, semicolon (European spreadsheets), tab or pipe, as the first lines show."""
    try:
        return csv.Sniffer().sniff(text[:4096], delimiters=",;\t|")
    except csv.Error:
        return csv.excel


def _goods_column(header: list[str], column: str | None, name: str) -> int:
    if column:
        for i, h in enumerate(header):
            if h.lower() == column.strip().lower():
                return i
        raise IngestError(name, f"no column {column!r}; the columns are: {', '.join(header)}")
    for guess in _CSV_GUESSES:
        for i, h in enumerate(header):
            if re.match(rf"(?:{guess})s?\b", h.lower()):
                return i
    raise IngestError(
        name,
        f"cannot tell which column describes the goods; name it with --column (the columns are: {', '.join(header)})",
    )


def _find_column(header: list[str], pattern: re.Pattern[str], used: set[int]) -> int | None:
    """The first column matching `pattern` that no other field took ("Tariff classification" is the HS code)."""
    return next((i for i, h in enumerate(header) if i not in used and pattern.search(h)), None)


def _csv_quantity(cells: dict[int, str], columns: dict[str, int | None], found: Fields) -> tuple[float | None, str]:
    raw = cells.get(_or(columns["qty"]), "")
    match = re.match(rf"(?P<n>{_NUMBER})\s*(?P<unit>[^\W\d][\w.]*)?$", raw)
    if not match:
        return found.quantity, found.unit
    unit = cells.get(_or(columns["unit"]), "") or (match["unit"] or "")
    return read_number(match["n"]), unit.lower()
