"""Reading PDFs: page texts of real lists, and a clear IngestError for every kind of unreadable file."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

from assistant.core.errors import IngestError
from ingest.load import check_bytes
from ingest.pdf import read_pdf_pages
from tests.conftest import pdf_pages

pytestmark = pytest.mark.unit

SOURCES = Path(__file__).resolve().parents[1].parent / "shared" / "sources"
LIST_I = SOURCES / "no-export-control" / "list-i-military-goods.pdf"
CCATS_TABLE = SOURCES / "us-bis" / "ccats-publishers-table-2018.pdf"


def _write(writer: PdfWriter) -> bytes:
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _encrypted_page(tmp_path: Path, password: str) -> Path:
    """Page 3 of List I (it starts ML1), AES-encrypted with `password`."""
    writer = PdfWriter()
    writer.add_page(PdfReader(LIST_I).pages[2])
    writer.encrypt(password, algorithm="AES-256")
    path = tmp_path / "locked.pdf"
    path.write_bytes(_write(writer))
    return path


def _read(path: Path, password: str | None = None) -> list[tuple[int, str]]:
    """As every reader does: the bytes are accepted by `check_bytes` before the PDF is read."""
    data = path.read_bytes()
    check_bytes(data, path)
    return read_pdf_pages(data, str(path), password)


@pytest.fixture(scope="module")
def list_i_pages() -> list[tuple[int, str]]:
    return list(pdf_pages(LIST_I))  # `_read`, once per session


def _refused(path: Path, password: str | None = None) -> IngestError:
    with pytest.raises(IngestError) as caught:
        _read(path, password)
    assert path.name in str(caught.value)
    return caught.value


def test_pages_are_numbered_from_one_and_keep_their_text(list_i_pages: list[tuple[int, str]]) -> None:
    pages = list_i_pages

    assert [number for number, _ in pages] == list(range(1, 49))
    assert "ML1 " in pages[2][1]
    assert "ML22 " in pages[41][1]


def test_sub_items_keep_their_indentation_as_leading_spaces(list_i_pages: list[tuple[int, str]]) -> None:
    page = list_i_pages[2][1]
    lines = page.splitlines()
    header = next(line for line in lines if line.lstrip().startswith("ML1 "))
    item = next(line for line in lines if line.lstrip().startswith("a. "))

    indent = len(item) - len(item.lstrip())
    assert indent > len(header) - len(header.lstrip())


def test_a_table_heavy_pdf_reads_without_error() -> None:
    pages = _read(CCATS_TABLE)

    assert len(pages) == 16
    assert all(text.strip() for _, text in pages)


def test_a_page_without_text_layer_needs_ocr(tmp_path: Path) -> None:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    path = tmp_path / "scanned.pdf"
    path.write_bytes(_write(writer))

    error = _refused(path)

    assert error.reason.startswith("no extractable text: OCR needed")


def test_an_encrypted_pdf_needs_a_password(tmp_path: Path) -> None:
    error = _refused(_encrypted_page(tmp_path, "s3cret"))

    assert error.reason == "encrypted PDF: a password is needed"


def test_a_wrong_password_is_reported_as_wrong(tmp_path: Path) -> None:
    error = _refused(_encrypted_page(tmp_path, "s3cret"), password="wrong")

    assert error.reason == "encrypted PDF: the password is wrong"


def test_the_right_password_opens_an_encrypted_pdf(tmp_path: Path) -> None:
    pages = _read(_encrypted_page(tmp_path, "s3cret"), password="s3cret")

    assert len(pages) == 1
    assert "ML1 " in pages[0][1]


def test_a_truncated_copy_is_refused(tmp_path: Path) -> None:
    data = LIST_I.read_bytes()
    path = tmp_path / "half.pdf"
    path.write_bytes(data[: len(data) // 2])

    error = _refused(path)

    assert error.reason.startswith("truncated PDF")


def test_a_pdf_with_a_broken_body_is_corrupt(tmp_path: Path) -> None:
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.7\n" + os.urandom(4000) + b"\n%%EOF\n")

    error = _refused(path)

    assert error.reason.startswith("corrupt PDF")


def test_random_bytes_named_pdf_are_not_a_pdf(tmp_path: Path) -> None:
    path = tmp_path / "random.pdf"
    path.write_bytes(os.urandom(4000).replace(b"%PDF-", b"xxxxx"))

    error = _refused(path)

    assert error.reason == "not a PDF (no %PDF header)"


def test_an_empty_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "empty.pdf"
    path.write_bytes(b"")

    error = _refused(path)

    assert error.reason.startswith("empty file")
