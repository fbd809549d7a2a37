"""Read one file into control-list entries or curriculum text, choosing the reader by content.

The file's bytes decide the reader (a PDF header, eCFR XML), never its name alone, so a renamed or
hostile file is refused with a reason instead of being half-parsed.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from assistant.errors import IngestError
from assistant.types import Kind
from ingest.ecfr import looks_like_ecfr, read_ecfr
from ingest.entries import Entry
from ingest.listtext import split_list_pages
from ingest.pdf import read_pdf_pages

log = logging.getLogger(__name__)

TEXT_SUFFIXES = {".md", ".markdown", ".txt", ".text"}
ACCEPTED = "PDF, eCFR XML, Markdown (.md) or plain text (.txt)"


@dataclass
class Loaded:
    """What a reader found in one file: entries for a control list, else pages or Markdown text."""

    kind: Kind
    format: str
    data: bytes
    entries: list[Entry] = field(default_factory=list)
    pages: list[tuple[int | None, str]] = field(default_factory=list)
    default_list: str = ""


def read_file(path: Path, max_bytes: int) -> bytes:
    """The bytes of `path`, refusing what is not a regular, non-empty file within the size limit."""
    if not path.is_file():
        raise IngestError(path, "not a regular file")
    size = path.stat().st_size
    if size == 0:
        raise IngestError(path, "empty file (0 bytes)")
    if size > max_bytes:
        raise IngestError(path, f"file too large: {size / 1e6:.1f} MB, the limit is {max_bytes / 1e6:.0f} MB")
    return path.read_bytes()


def read_bytes(data: bytes, path: Path, password: str | None = None) -> Loaded:
    """Parse a file's bytes with the reader its content calls for; raise IngestError naming the file."""
    head = data[:1024].lstrip()
    if head.startswith(b"%PDF") or path.suffix.lower() == ".pdf":
        return _read_pdf(data, path, password)
    if head.startswith(b"<"):
        if looks_like_ecfr(data):
            return Loaded("control-list", "ecfr", data, entries=read_ecfr(data, str(path)), default_list="US CCL")
        raise IngestError(path, "XML that is not an eCFR Commerce Control List; accepted: " + ACCEPTED)
    if path.suffix.lower() in TEXT_SUFFIXES:
        return Loaded("curriculum", "markdown", data, pages=[(None, _decode(data, path))])
    raise IngestError(path, f"unsupported file type {path.suffix or '(no extension)'!r}; accepted: {ACCEPTED}")


def _read_pdf(data: bytes, path: Path, password: str | None) -> Loaded:
    pages = read_pdf_pages(data, str(path), password)
    entries = split_list_pages(pages)
    if entries:
        military = all(e.code.upper().startswith("ML") for e in entries)
        return Loaded("control-list", "pdf", data, entries=entries,
                      default_list="Military list" if military else "Dual-use list")
    unindented = [(number, "\n".join(line.strip() for line in text.splitlines())) for number, text in pages]
    return Loaded("curriculum", "pdf", data, pages=unindented)


def _decode(data: bytes, path: Path) -> str:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise IngestError(path, f"not valid UTF-8 text (bad byte at offset {err.start})") from None
    if "\x00" in text:
        raise IngestError(path, "binary content in a text file (NUL bytes)")
    if not text.strip():
        raise IngestError(path, "no text in the file")
    return text
