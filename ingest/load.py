"""Read one file into control-list entries or curriculum text, choosing the reader by content.

Which files are accepted is decided here, once, for every door: `stce ingest`, the Sources page upload,
screening (CLI and page). `check_bytes` reads the file's bytes (a PDF header, XML, a ZIP signature, NUL
bytes) before its name, so a renamed or hostile file is refused with a reason instead of being
half-parsed. The names a file brings with it are made safe here too (`safe_file_name`, `safe_typed_name`).
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pypdf import PdfReader, PdfWriter
from pypdf.errors import PyPdfError

from assistant.errors import IngestError
from assistant.types import Kind
from ingest.ecfr import looks_like_ecfr, read_ecfr
from ingest.entries import Entry
from ingest.listtext import split_list_pages
from ingest.pdf import read_pdf_pages

log = logging.getLogger(__name__)

Format = Literal["pdf", "xml", "csv", "text"]
SUFFIXES: dict[Format, tuple[str, ...]] = {
    "pdf": (".pdf",), "xml": (".xml",), "csv": (".csv", ".tsv"), "text": (".md", ".markdown", ".txt", ".text"),
}
INGESTED: dict[Format, str] = {"pdf": "PDF", "xml": "eCFR XML", "text": "Markdown (.md) or plain text (.txt)"}
"""What `stce ingest` and the Sources page take, as the refusal names it."""
SCREENED: dict[Format, str] = {"pdf": "PDF", "csv": "CSV (with a description column)",
                               "text": "text with one item per line (.txt)"}
"""What screening takes."""
CURRICULUM_LIST = "STCE curriculum"
"""The one list label of curriculum documents: the starter modules and an editor's own modules join it."""
DEFAULT_LISTS: dict[Kind, str] = {"curriculum": CURRICULUM_LIST, "other": "Other documents"}
"""The list label of a document that is not a control list, unless the editor gives one."""
KIND_LABELS: dict[Kind, str] = {"control-list": "control list", "curriculum": "curriculum",
                                "other": "other (guidance only)"}
"""Each kind as an editor chooses it."""

DETECT_PAGES = 24
"""Pages of a long PDF read to propose its kind."""
HEAD_BYTES = 1024
"""PDF readers accept the %PDF header anywhere in the first KiB (junk may precede it); so do we."""
_ZIP = b"PK\x03\x04"
_FILE_UNSAFE = re.compile(r"[^\w.-]+")
_TYPED_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f/\\]+")


def described(accepted: Mapping[Format, str]) -> str:
    """The accepted formats as a refusal lists them."""
    return ", ".join(accepted.values())


def upload_types(accepted: Mapping[Format, str]) -> list[str]:
    """File-name extensions (without the dot) an upload widget offers for `accepted`."""
    return [suffix.lstrip(".") for fmt in accepted for suffix in SUFFIXES[fmt]]


def check_bytes(
    data: bytes, path: Path | str, accepted: Mapping[Format, str] = INGESTED, max_bytes: int | None = None
) -> Format:
    """The format of a file's bytes, or IngestError naming `path` and why it is refused.

    The one rule for every door (readers, upload pre-check, screening): content first, the name only
    where content cannot tell (CSV from text). A PDF must be whole, since a cut-off control list would
    answer "not listed" for goods on its missing pages.
    """
    if not data:
        raise IngestError(path, "empty file (0 bytes)")
    if max_bytes is not None:
        check_size(len(data), max_bytes, path)
    head = data[:HEAD_BYTES]
    suffix = Path(path).suffix.lower()
    if b"%PDF-" in head:
        if b"%%EOF" not in data[-HEAD_BYTES:]:
            raise IngestError(path, "truncated PDF: the %%EOF end marker is missing (an incomplete download?)")
        return _accept("pdf", path, accepted)
    if suffix in SUFFIXES["pdf"]:
        raise IngestError(path, "not a PDF (no %PDF header)")
    if head.startswith(_ZIP):
        raise IngestError(path, "a spreadsheet, office document or ZIP archive: save the sheet as CSV or the "
                                f"document as PDF; accepted: {described(accepted)}")
    if b"\x00" in data:
        raise IngestError(path, f"binary content (NUL bytes), not a document; accepted: {described(accepted)}")
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        return _accept("xml", path, accepted)
    if suffix in SUFFIXES["xml"]:
        raise IngestError(path, "not XML (it does not start with '<')")
    for fmt in ("csv", "text"):
        if suffix in SUFFIXES[fmt]:
            return _accept(fmt, path, accepted)
    raise IngestError(path, f"unsupported file type {suffix or '(no extension)'!r}; accepted: {described(accepted)}")


def _accept(fmt: Format, path: Path | str, accepted: Mapping[Format, str]) -> Format:
    if fmt not in accepted:
        raise IngestError(path, f"unsupported file type ({fmt.upper()} content); accepted: {described(accepted)}")
    return fmt


def check_size(size: int, max_bytes: int, path: Path | str) -> None:
    """Refuse a file over the size limit (checked before reading when the size is known from disk)."""
    if size > max_bytes:
        raise IngestError(path, f"file too large: {size / 1e6:.1f} MB, the limit is {max_bytes / 1e6:g} MB")


def safe_file_name(name: str, fallback: str = "unnamed") -> str:
    """A name that came with a file (an upload's name, a file stem), safe as a file name and a source name.

    Only letters, digits, '.', '-' and '_' survive: the name is written to disk (an upload) and shown in
    logs and terminals, and nobody chose it for us. Never empty, never starting with a dot.
    """
    return _FILE_UNSAFE.sub("-", name).strip("-.") or fallback


def safe_typed_name(name: str) -> str:
    """A source name an editor typed, kept as typed ("US CCL 2026") but for control characters and slashes.

    Unlike `safe_file_name` it keeps spaces and punctuation: the editor chose them. It is never used as a
    path; the empty result means "no name given".
    """
    return " ".join(_TYPED_UNSAFE.sub("-", name).split()).strip("-. ")


@dataclass
class Loaded:
    """What a reader found in one file: entries for a control list, else pages or Markdown text."""

    kind: Kind
    format: str
    entries: list[Entry] = field(default_factory=list)
    pages: list[tuple[int | None, str]] = field(default_factory=list)
    default_list: str = ""


def read_file(path: Path, max_bytes: int) -> bytes:
    """The bytes of `path`, refusing what is not a regular file within the size limit (before reading it)."""
    if not path.is_file():
        raise IngestError(path, "not a regular file")
    check_size(path.stat().st_size, max_bytes, path)
    return path.read_bytes()


def read_bytes(data: bytes, path: Path, password: str | None = None, kind: Kind | None = None) -> Loaded:
    """Parse a file's bytes with the reader its content calls for; raise IngestError naming the file.

    `kind` is the editor's choice; None takes the kind the content shows: entries make a control list,
    Markdown or text is curriculum, and a PDF without entries is "other" (guidance only), since a PDF that
    is not a list is rarely one of our training modules.
    """
    fmt = check_bytes(data, path)
    if fmt == "pdf":
        loaded = _read_pdf(data, path, password, split=kind in (None, "control-list"))
    elif fmt == "xml":
        if not looks_like_ecfr(data):
            raise IngestError(path, "XML that is not an eCFR Commerce Control List; accepted: " + described(INGESTED))
        loaded = Loaded("control-list", "ecfr", entries=read_ecfr(data, str(path)), default_list="US CCL")
    else:
        loaded = Loaded("curriculum", "markdown", pages=[(None, _decode(data, path))], default_list=CURRICULUM_LIST)
    return loaded if kind in (None, loaded.kind) else _as_kind(loaded, kind, path)


def detect(data: bytes, path: Path) -> Loaded:
    """What the content shows (kind, default list label, entries found), from a sample of a long PDF's pages.

    The Sources page proposes the kind as soon as a file is attached: reading all 250 pages of a list takes
    most of a minute, evenly spread pages a few seconds, and a list has entries on most of its pages.
    """
    if check_bytes(data, path) == "pdf":
        data = _pdf_sample(data) or data
    return read_bytes(data, path)


def _pdf_sample(data: bytes) -> bytes | None:
    """A PDF of `DETECT_PAGES` pages spread through a longer one; None when short, encrypted or unreadable."""
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted or len(reader.pages) <= DETECT_PAGES:
            return None
        writer = PdfWriter()
        step = len(reader.pages) / DETECT_PAGES
        for i in range(DETECT_PAGES):
            writer.add_page(reader.pages[int(i * step)])
        out = io.BytesIO()
        writer.write(out)
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError) as err:
        log.info("no page sample (%s): the whole file is read", err)
        return None
    return out.getvalue()


def _as_kind(loaded: Loaded, kind: Kind, path: Path) -> Loaded:
    """The document as the kind the editor chose, or IngestError when its content cannot be that kind."""
    if kind == "control-list":
        raise IngestError(path, f"no control-list entries found (it reads as {KIND_LABELS[loaded.kind]}); "
                                "choose curriculum or other")
    if loaded.entries:
        raise IngestError(path, "an eCFR XML file is a control list; ingest it as a control list")
    return Loaded(kind, loaded.format, pages=loaded.pages, default_list=DEFAULT_LISTS[kind])


def _read_pdf(data: bytes, path: Path, password: str | None, split: bool = True) -> Loaded:
    pages = read_pdf_pages(data, str(path), password)
    entries = split_list_pages(pages) if split else []
    if entries:
        military = all(e.code.upper().startswith("ML") for e in entries)
        return Loaded("control-list", "pdf", entries=entries,
                      default_list="Military list" if military else "Dual-use list")
    unindented = [(number, "\n".join(line.strip() for line in text.splitlines())) for number, text in pages]
    return Loaded("other", "pdf", pages=unindented, default_list=DEFAULT_LISTS["other"])


def _decode(data: bytes, path: Path) -> str:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise IngestError(path, f"not valid UTF-8 text (bad byte at offset {err.start})") from None
    if not text.strip():
        raise IngestError(path, "no text in the file")
    return text
