"""A minimal PDF writer: pages of text placed at (x, y), in Helvetica, with a correct xref.

The benchmarks and the tests both build their invoices and hostile PDFs with it, so it lives here, not
under `tests/` (tests may import from `bench`; benchmarks never import tests).

Invoices and manifests are tables: each cell is drawn on its own, as office software does, so the text
layer pypdf reads back is the flattened table a real invoice gives.
"""

from __future__ import annotations

from collections.abc import Sequence

Cell = tuple[float, float, str]
PAGE_WIDTH, PAGE_HEIGHT = 595, 842


def pdf_bytes(pages: Sequence[Sequence[Cell]], font_size: float = 9) -> bytes:
    """A PDF whose page n shows the cells of `pages[n]`; text is encoded as Windows-1252 (WinAnsi)."""
    kids = " ".join(f"{4 + 2 * i} 0 R" for i in range(len(pages)))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {len(pages)} >>".encode(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    for i, cells in enumerate(pages):
        content = "".join(f"BT /F1 {font_size} Tf {x} {y} Td ({_escape(text)}) Tj ET\n" for x, y, text in cells)
        data = content.encode("cp1252")
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PAGE_WIDTH} {PAGE_HEIGHT}] "
            f"/Resources << /Font << /F1 3 0 R >> >> /Contents {5 + 2 * i} 0 R >>".encode()
        )
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(data), data))
    return assemble(objects)


def assemble(objects: Sequence[bytes]) -> bytes:
    """A PDF of the given objects (numbered from 1, the first the catalog) with a correct xref table."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def table_page(
    lines: Sequence[str | Sequence[str]], columns: Sequence[float], top: float = 800, leading: float = 13
) -> list[Cell]:
    """Cells for one page: a string is a line at the left margin, a sequence is a table row, one cell per column.

    An empty cell is skipped, so a row `["", "wrapped text"]` continues the description column.
    """
    cells: list[Cell] = []
    for n, line in enumerate(lines):
        y = top - n * leading
        if isinstance(line, str):
            cells.append((columns[0], y, line))
            continue
        cells += [(x, y, text) for x, text in zip(columns, line) if text]
    return cells


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
