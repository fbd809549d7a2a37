"""Read one file into control-list entries or curriculum text, choosing the reader by content.

Which files are accepted is decided here, once, for every door: `stce ingest`, the Sources page upload,
screening (CLI and page). `check_bytes` reads the file's bytes (a PDF header, XML, a ZIP signature, NUL
bytes) before its name, so a renamed or hostile file is refused with a reason instead of being
half-parsed. The names a file brings with it are made safe here too (`safe_file_name`, `safe_typed_name`).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from assistant.errors import IngestError
from assistant.types import Kind
from ingest.ecfr import looks_like_ecfr, read_ecfr
from ingest.entries import Entry
from ingest.justice import looks_like_justice, read_justice
from ingest.language import detect_language
from ingest.listtext import split_list_pages
from ingest.pdf import read_pdf_pages

log = logging.getLogger(__name__)

Format = Literal["pdf", "xml", "csv", "text"]
SUFFIXES: dict[Format, tuple[str, ...]] = {
    "pdf": (".pdf",), "xml": (".xml",), "csv": (".csv", ".tsv"), "text": (".md", ".markdown", ".txt", ".text"),
}
INGESTED: dict[Format, str] = {"pdf": "PDF", "xml": "eCFR or Justice Canada XML", "text": "Markdown (.md) or plain text (.txt)"}
"""What `stce ingest` and the Sources page take, as the refusal names it."""
SCREENED: dict[Format, str] = {"pdf": "PDF", "csv": "CSV (with a description column)",
                               "text": "text with one item per line (.txt)"}
"""What screening takes."""

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
    language: str = ""
    work: str = ""


def read_file(path: Path, max_bytes: int) -> bytes:
    """The bytes of `path`, refusing what is not a regular file within the size limit (before reading it)."""
    if not path.is_file():
        raise IngestError(path, "not a regular file")
    check_size(path.stat().st_size, max_bytes, path)
    return path.read_bytes()


def read_bytes(data: bytes, path: Path, password: str | None = None) -> Loaded:
    """Parse a file's bytes with the reader its content calls for; raise IngestError naming the file."""
    fmt = check_bytes(data, path)
    if fmt == "pdf":
        return _read_pdf(data, path, password)
    if fmt == "xml":
        if looks_like_ecfr(data):
            entries = read_ecfr(data, str(path))
            return Loaded("control-list", "ecfr", entries=entries, default_list="US CCL", language=_language_of(entries))
        if looks_like_justice(data):
            document = read_justice(data, str(path))
            label = "CA NSG" + (f" ({document.language})" if document.language not in ("en", "") else "")
            return Loaded("control-list", "justice", entries=document.entries, default_list=label,
                          language=document.language, work=document.work)
        raise IngestError(path, "XML that is not an eCFR Commerce Control List or a Justice Canada regulation; "
                                "accepted: " + described(INGESTED))
    text = _decode(data, path)
    return Loaded("curriculum", "markdown", pages=[(None, text)], language=detect_language(text))


def _language_of(entries: list[Entry]) -> str:
    return detect_language(" ".join(e.full_text() for e in entries[:40]))


def _read_pdf(data: bytes, path: Path, password: str | None) -> Loaded:
    pages = read_pdf_pages(data, str(path), password)
    entries = split_list_pages(pages)
    if entries:
        military = all(e.code.upper().startswith("ML") for e in entries)
        return Loaded("control-list", "pdf", entries=entries,
                      default_list="Military list" if military else "Dual-use list", language=_language_of(entries))
    unindented = [(number, "\n".join(line.strip() for line in text.splitlines())) for number, text in pages]
    return Loaded("curriculum", "pdf", pages=unindented, language=detect_language(" ".join(t for _, t in pages[:10])))


def _decode(data: bytes, path: Path) -> str:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise IngestError(path, f"not valid UTF-8 text (bad byte at offset {err.start})") from None
    if not text.strip():
        raise IngestError(path, "no text in the file")
    return text
