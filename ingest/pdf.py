"""Read the text layer of a PDF page by page, refusing damaged, locked or image-only files by name.

pypdf is lenient: it repairs what it can and raises a zoo of exception types on what it cannot. This
module turns every failure into one `IngestError` with a reason an officer can act on (wrong password,
scanned document, cut-off download). Lines keep their indentation as leading spaces, because control
lists show the depth of a sub-item only by it. Text extraction costs pypdf some 35 ms of CPU a page,
so long documents are split into page ranges extracted in parallel worker processes, which die with the
process that started them (Linux only forks them).
"""

from __future__ import annotations

import ctypes
import io
import logging
import math
import multiprocessing
import os
import signal
import sys
import threading
import zlib
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.context import BaseContext

from pypdf import PageObject, PasswordType, PdfReader
from pypdf.errors import DependencyError, PyPdfError

from assistant.core.errors import IngestError

log = logging.getLogger(__name__)

_PARALLEL_MIN_PAGES = 40
"""Below this, starting worker processes costs more than it saves."""

_MAX_WORKERS = 4

_PR_SET_PDEATHSIG = 1
"""prctl option from <linux/prctl.h>: the signal this process gets when its parent dies."""

_INDENT_UNIT = 3.0
"""Points per leading space: list levels sit some 28 pt apart, a space of body text is about 3 pt wide."""

_MAX_INDENT = 80
"""Caps the spaces a far-right text position (a page number, a table column) can get."""

PageLines = list[tuple[float | None, str]]

_DAMAGE_ERRORS: tuple[type[BaseException], ...] = (
    PyPdfError,
    ValueError,
    KeyError,
    IndexError,
    TypeError,
    AttributeError,
    AssertionError,
    RecursionError,
    zlib.error,
)
"""What pypdf raises on broken files: its own errors, and plain Python errors from half-parsed objects."""


def read_pdf_pages(data: bytes, path: str, password: str | None = None) -> list[tuple[int, str]]:
    """Text of every page as (1-based page number, text); raise IngestError naming `path` and the fault.

    `data` has passed `ingest.load.check_bytes` (a PDF header, an end marker): that is where files are
    accepted. Each line is indented by its position on the page (see `_indented_texts`); strip it if unwanted.

    A damaged file whose page tree lost pages is refused rather than half-read: a control list with
    missing pages would answer "not listed" for goods that are listed.
    """
    reader = _open(data, path)
    _unlock(reader, path, password)
    try:
        count = len(reader.pages)
        declared = reader.root_object["/Pages"].get("/Count")
        if count == 0:
            raise IngestError(path, "PDF has no pages")
        if isinstance(declared, int) and declared != count:
            raise IngestError(path, f"corrupt PDF: only {count} of its {declared} pages can be read")
        texts = _extract_texts(reader, data, password)
    except _DAMAGE_ERRORS as exc:
        raise IngestError(path, f"corrupt PDF: {_describe(exc)}") from exc
    empty = sum(1 for text in texts if not text.strip())
    if empty == count:
        raise IngestError(path, "no extractable text: OCR needed (the pages are images or blank)")
    if empty:
        log.info("%s: %d of %d pages have no text layer", path, empty, count)
    return list(enumerate(texts, start=1))


def _open(data: bytes, path: str) -> PdfReader:
    try:
        return PdfReader(io.BytesIO(data))
    except _DAMAGE_ERRORS as exc:
        raise IngestError(path, f"corrupt PDF: {_describe(exc)}") from exc


def _unlock(reader: PdfReader, path: str, password: str | None) -> None:
    """Decrypt in place; pypdf reports a wrong password by return value, not by exception."""
    if not reader.is_encrypted:
        return
    try:
        if password is None:
            if _decrypt(reader, "") is PasswordType.NOT_DECRYPTED:
                raise IngestError(path, "encrypted PDF: a password is needed")
            return
        if _decrypt(reader, password) is PasswordType.NOT_DECRYPTED:
            raise IngestError(path, "encrypted PDF: the password is wrong")
    except DependencyError as exc:
        raise IngestError(path, f"encrypted PDF: cannot decrypt ({exc})") from exc
    except _DAMAGE_ERRORS as exc:
        raise IngestError(path, f"encrypted PDF that cannot be decrypted: {_describe(exc)}") from exc


def _decrypt(reader: PdfReader, password: str) -> PasswordType:
    """An empty user password opens PDFs that are only permission-restricted, as any viewer would."""
    return PasswordType(reader.decrypt(password))


def _extract_texts(reader: PdfReader, data: bytes, password: str | None) -> list[str]:
    count = len(reader.pages)
    ranges = _page_ranges(count, _usable_cpus())
    context = _fork_context()
    pages: list[PageLines] | None = None
    if len(ranges) > 1 and context is not None:
        try:
            pages = _extract_parallel(data, password, ranges, context)
        except (OSError, BrokenProcessPool) as exc:
            log.warning("parallel PDF extraction failed (%s); extracting in this process", exc)
    if pages is None:
        pages = _pages_lines(reader, 0, count)
    return _indented_texts(pages)


def _fork_context() -> BaseContext | None:
    """Fork only where it is safe: on Linux, with no other Python thread whose locks a child could inherit.

    Spawned workers would re-run an unguarded `__main__` script, a surprise a library must not cause;
    threaded hosts (Streamlit) therefore extract in-process, slower but safe.
    """
    if not sys.platform.startswith("linux") or threading.active_count() > 1:
        return None
    return multiprocessing.get_context("fork")


def _usable_cpus() -> int:
    """CPUs this process may run on (a container's limit, not the host's count)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _page_ranges(count: int, cpus: int) -> list[tuple[int, int]]:
    """Contiguous page ranges, two per worker so a slow range does not hold up the others."""
    workers = min(cpus, _MAX_WORKERS)
    if count < _PARALLEL_MIN_PAGES or workers < 2:
        return [(0, count)]
    size = math.ceil(count / (workers * 2))
    return [(start, min(start + size, count)) for start in range(0, count, size)]


def _extract_parallel(
    data: bytes, password: str | None, ranges: list[tuple[int, int]], context: BaseContext
) -> list[PageLines]:
    workers = min(len(ranges), _usable_cpus(), _MAX_WORKERS)
    with ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=die_with_parent, initargs=(os.getpid(),)
    ) as pool:
        futures = [pool.submit(_extract_range, data, password, start, stop) for start, stop in ranges]
        return [page for future in futures for page in future.result()]


def die_with_parent(parent: int) -> None:
    """Make this process die when its parent does, even by SIGKILL: a killed ingest must not leave page readers
    (some 135 MB each) running, nor a stopped UI server its first-start preparer (`ingest.firststart`). Linux
    delivers the signal when the parent's thread that started this one ends (PR_SET_PDEATHSIG), so that thread
    must outlive this process; a parent already gone before that was set is caught by its pid no longer being
    ours."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
        log.warning("process %d cannot follow its parent (prctl errno %d)", os.getpid(), ctypes.get_errno())
    if os.getppid() != parent:
        os._exit(1)


def _extract_range(data: bytes, password: str | None, start: int, stop: int) -> list[PageLines]:
    """Lines of pages [start, stop); runs in a worker process, so it reopens the document itself."""
    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted:
        reader.decrypt(password or "")
    return _pages_lines(reader, start, stop)


def _pages_lines(reader: PdfReader, start: int, stop: int) -> list[PageLines]:
    return [_page_lines(reader.pages[index]) for index in range(start, stop)]


def _page_lines(page: PageObject) -> PageLines:
    """pypdf's plain text of a page, line by line, with the x position where each line's text begins.

    pypdf hands every piece of text it outputs to the visitor, with its matrices, so the positions
    come at no extra cost; a line without visible text has no position.
    """
    starts: list[float | None] = [None]

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        for number, piece in enumerate(text.split("\n")):
            if number:
                starts.append(None)
            if starts[-1] is None and piece.strip():
                starts[-1] = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]

    lines = (page.extract_text(visitor_text=visit) or "").split("\n")
    if len(starts) != len(lines):
        starts = [None] * len(lines)
    return list(zip(starts, lines, strict=True))


def _indented_texts(pages: list[PageLines]) -> list[str]:
    """Page texts whose lines are indented by their x position relative to the document's left margin.

    Control lists show the depth of a sub-item ("2B350.g.1.a") only by indentation; keeping it as
    leading spaces (one per `_INDENT_UNIT` points) lets the list splitter see it in plain text. The
    margin is the 1st percentile of line starts, so one stray position left of it indents nothing.
    """
    starts = sorted(x for lines in pages for x, _ in lines if x is not None)
    left = starts[len(starts) // 100] if starts else 0.0
    texts = []
    for lines in pages:
        out = []
        for x, line in lines:
            depth = 0 if x is None else min(max(round((x - left) / _INDENT_UNIT), 0), _MAX_INDENT)
            out.append(" " * depth + line.strip() if line.strip() else "")
        texts.append("\n".join(out))
    return texts


def _describe(exc: BaseException) -> str:
    detail = str(exc).strip()
    name = type(exc).__name__
    return f"{name}: {detail}" if detail else name
