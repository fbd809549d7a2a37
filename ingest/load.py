"""Read one file into control-list entries or curriculum text, choosing the reader by content.

Which files are accepted is decided here, once, for every door: `stce ingest`, the Sources page upload,
screening (CLI and page). `check_bytes` reads the file's bytes (a PDF header, XML, a ZIP signature, NUL
bytes) before its name, so a renamed or hostile file is refused with a reason instead of being
half-parsed. The names a file brings with it are made safe here too (`safe_file_name`, `safe_typed_name`).
"""

from __future__ import annotations

import io
import logging
import os
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal
from xml.parsers import expat

from pypdf import PdfReader, PdfWriter
from pypdf.errors import PyPdfError

from assistant.core.errors import IngestError, plain_reason
from assistant.core.types import Kind
from assistant.text.language import document_language
from ingest.dates import ecfr_date, text_date
from ingest.ecfr import looks_like_ecfr, read_ecfr
from ingest.entries import Entry
from ingest.justice import looks_like_justice, read_justice
from ingest.listtext import split_list_pages
from ingest.pdf import read_pdf_pages

log = logging.getLogger(__name__)

Format = Literal["pdf", "xml", "csv", "text"]
SUFFIXES: dict[Format, tuple[str, ...]] = {
    "pdf": (".pdf",),
    "xml": (".xml",),
    "csv": (".csv", ".tsv"),
    "text": (".md", ".markdown", ".txt", ".text"),
}
INGESTED: dict[Format, str] = {
    "pdf": "PDF",
    "xml": "eCFR or Justice Canada XML",
    "text": "Markdown (.md) or plain text (.txt)",
}
"""What `stce ingest` and the Sources page take, as the refusal names it."""
SCREENED: dict[Format, str] = {
    "pdf": "PDF",
    "csv": "CSV (with a description column)",
    "text": "text with one item per line (.txt)",
}
"""What screening takes."""
CURRICULUM_LIST = "STCE curriculum"
"""The one list label of curriculum documents: the starter modules and an editor's own modules join it."""
DEFAULT_LISTS: dict[Kind, str] = {"curriculum": CURRICULUM_LIST, "other": "Other documents"}
"""The list label of a document that is not a control list, unless the editor gives one."""
KIND_LABELS: dict[Kind, str] = {
    "control-list": "control list",
    "curriculum": "curriculum",
    "other": "other (guidance only)",
}
"""Each kind as an editor chooses it."""

DETECT_PAGES = 24
"""Pages of a long PDF read to propose its kind."""
HEAD_BYTES = 1024
"""PDF readers accept the %PDF header anywhere in the first KiB (junk may precede it); so do we."""
MAX_LINE_CHARS = 20_000
"""Longest line of a text file: a file with no line breaks (a dump, minified data) is no document, and
splitting it holds the writer lock for minutes."""
MAX_XML_DEPTH = 100
"""Deepest element nesting accepted (the eCFR needs 8): deeper XML would exhaust the reader's recursion."""
_ZIP = b"PK\x03\x04"
_FILE_UNSAFE = re.compile(r"[^\w.-]+")
_TYPED_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f/\\]+")
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


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
        raise IngestError(
            path,
            "a spreadsheet, office document or ZIP archive: save the sheet as CSV or the "
            f"document as PDF; accepted: {described(accepted)}",
        )
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


def printable(name: str) -> str:
    r"""A name as a terminal or log may show it: control characters, direction overrides and bytes that were
    not UTF-8 written as escapes, so a file named with escape codes cannot recolour or rewrite the screen.

    >>> print(printable("list\x1b[2J\u202egpj.md\udcff"))
    list\x1b[2J\u202egpj.md\udcff
    """
    return _UNPRINTABLE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), name)


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
    version_label: str = ""
    """The document's own date (eCFR issue, Justice Canada consolidation, a list PDF's date line): the version
    label when the editor gives none."""


@dataclass(frozen=True)
class Skipped:
    """An entry of a folder that is not ingested, and why; `refused` when it is a file we will not read."""

    path: Path
    reason: str
    refused: bool


def collect_files(paths: Iterable[Path]) -> tuple[list[Path], list[Skipped]]:
    """The files to ingest: those named, and the regular files inside folders named (sorted), with every
    entry of a folder that is left out and why.

    A folder's ingest stays inside it: links are never followed (a link out would make `/etc/passwd`
    searchable; a link in names a file ingested on its own), and pipes or devices are never opened. A path
    that cannot be looked at is refused and a subfolder that cannot be read is skipped, each with its reason;
    the rest goes on.
    """
    files: list[Path] = []
    skipped: list[Skipped] = []

    def unreadable(error: OSError) -> None:
        skipped.append(
            Skipped(Path(error.filename or "?"), f"a folder that cannot be read: {plain_reason(error)}", False)
        )

    for path in paths:
        try:
            folder_given = path.is_dir()
        except OSError as error:  # a path this user may not look at (a folder above it is not searchable)
            skipped.append(Skipped(path, f"cannot be read: {plain_reason(error)}", True))
            continue
        if not folder_given:
            files.append(path)
            continue
        root = path.resolve()
        for folder, dirs, names in os.walk(path, onerror=unreadable):
            dirs[:] = sorted(dirs)
            for name in sorted(names) + [d for d in dirs if Path(folder, d).is_symlink() or d.startswith(".")]:
                entry = Path(folder, name)
                try:
                    reason = _left_out(entry, root)
                except OSError as error:  # listed, but not to be looked at: a folder readable, not searchable
                    reason = f"cannot be read: {plain_reason(error)}", True
                if reason is None:
                    files.append(entry)
                else:
                    skipped.append(Skipped(entry, *reason))
            dirs[:] = [d for d in dirs if not Path(folder, d).is_symlink() and not d.startswith(".")]
    return files, skipped


def _left_out(entry: Path, root: Path) -> tuple[str, bool] | None:
    """Why a folder entry is not ingested (reason, refused), or None to ingest it."""
    if entry.is_symlink():
        try:
            target = entry.resolve(strict=True)
        except (OSError, RuntimeError):
            return "a broken or looping link", False
        if not target.is_relative_to(root):
            return f"a link to {target}, outside the folder: refused", True
        return "a link inside the folder: its target is ingested on its own", False
    if entry.name.startswith("."):
        return "hidden: its name starts with a dot", False
    if not entry.is_file():
        return "not a regular file", True
    return None


def source_names(files: list[Path]) -> dict[Path, str]:
    """A distinct source name for each file: its name, or with its folders where two files share a name.

    Two `notes.md` in one batch would otherwise replace each other; `a/notes.md` and `b/notes.md` become
    `a-notes` and `b-notes`, the same on every run of the same batch.
    """
    names = {path: safe_file_name(path.stem) for path in files}
    depth = 1
    while depth < 64:
        counts = Counter(names.values())
        clashes = [p for p in files if counts[names[p]] > 1]
        if not clashes:
            break
        depth += 1
        for path in clashes:
            parts = [*path.parent.parts[-(depth - 1) :], path.stem]
            names[path] = safe_file_name("-".join(parts))
    return names


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
        _check_depth(data, path)
        if looks_like_ecfr(data):
            entries = read_ecfr(data, str(path))
            loaded = Loaded(
                "control-list",
                "ecfr",
                entries=entries,
                default_list="US CCL",
                language=_language_of(entries),
                version_label=ecfr_date(data),
            )
        elif looks_like_justice(data):
            document = read_justice(data, str(path))
            label = "CA NSG" + (f" ({document.language})" if document.language not in ("en", "") else "")
            loaded = Loaded(
                "control-list",
                "justice",
                entries=document.entries,
                default_list=label,
                language=document.language,
                work=document.work,
                version_label=document.issued,
            )
        else:
            raise IngestError(
                path,
                "XML that is not an eCFR Commerce Control List or a Justice Canada regulation; "
                "accepted: " + described(INGESTED),
            )
    else:
        text = _decode(data, path)
        loaded = Loaded(
            "curriculum",
            "markdown",
            pages=[(None, text)],
            default_list=CURRICULUM_LIST,
            language=document_language(text),
        )
    return loaded if kind in (None, loaded.kind) else _as_kind(loaded, kind, path)


def _language_of(entries: list[Entry]) -> str:
    return document_language(" ".join(e.full_text() for e in entries[:40]))


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
        raise IngestError(
            path, f"no control-list entries found (it reads as {KIND_LABELS[loaded.kind]}); choose curriculum or other"
        )
    if loaded.entries:
        raise IngestError(path, "an XML control list is a control list; ingest it as a control list")
    return Loaded(kind, loaded.format, pages=loaded.pages, default_list=DEFAULT_LISTS[kind], language=loaded.language)


def _read_pdf(data: bytes, path: Path, password: str | None, split: bool = True) -> Loaded:
    pages = read_pdf_pages(data, str(path), password)
    entries = split_list_pages(pages) if split else []
    if entries:
        military = all(e.code.upper().startswith("ML") for e in entries)
        return Loaded(
            "control-list",
            "pdf",
            entries=entries,
            default_list="Military list" if military else "Dual-use list",
            language=_language_of(entries),
            version_label=text_date(pages[0][1]) if pages else "",
        )
    unindented = [(number, "\n".join(line.strip() for line in text.splitlines())) for number, text in pages]
    return Loaded(
        "other",
        "pdf",
        pages=unindented,
        default_list=DEFAULT_LISTS["other"],
        language=document_language(" ".join(t for _, t in pages[:10])),
    )


def _decode(data: bytes, path: Path) -> str:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise IngestError(path, f"not valid UTF-8 text (bad byte at offset {err.start})") from None
    if not text.strip():
        raise IngestError(path, "no text in the file")
    longest, number = max((len(line.rstrip("\r\n")), n) for n, line in enumerate(io.StringIO(text, newline=None), 1))
    if longest > MAX_LINE_CHARS:
        raise IngestError(
            path,
            f"line {number} is {longest:,} characters long, the limit is {MAX_LINE_CHARS:,} "
            "(a file without line breaks is no document)",
        )
    return text


class _TooDeep(Exception):
    pass


def _check_depth(data: bytes, path: Path) -> None:
    """Refuse XML nested deeper than MAX_XML_DEPTH, stopping at the first element too deep.

    Malformed or DTD-bearing XML is left for the real reader, which names the fault.
    """
    parser = expat.ParserCreate()
    depth = 0

    def start(*_: object) -> None:
        nonlocal depth
        depth += 1
        if depth > MAX_XML_DEPTH:
            raise _TooDeep

    def end(*_: object) -> None:
        nonlocal depth
        depth -= 1

    def doctype(*_: object) -> None:
        raise expat.ExpatError("DOCTYPE")

    parser.StartElementHandler, parser.EndElementHandler = start, end
    parser.StartDoctypeDeclHandler = doctype
    try:
        parser.Parse(data, True)
    except _TooDeep:
        raise IngestError(
            path, f"XML nested deeper than {MAX_XML_DEPTH} levels (line {parser.CurrentLineNumber})"
        ) from None
    except expat.ExpatError:
        return
