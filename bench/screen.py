"""Screening speed: a generated 100-line, multi-page invoice PDF screened end to end over both real lists.

    python -m bench.screen [--home DIR] [--lines N]

End to end is reading the PDF, splitting it into line items and answering every line; loading the model
and the index happens once per process and is reported apart. Target: 100 lines under 20 s.
Nearly all the time is the query embedding, one short text at a time, on the one torch thread that
`assistant.storage.embeddings` sets when the model loads.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections import Counter
from pathlib import Path

from assistant.answer.ask import Assistant
from assistant.answer.screen import FLAGS, screen
from assistant.core.settings import Settings
from bench.common import ingest_lists
from bench.pdfwriter import pdf_bytes, table_page
from ingest.lineitems import read_line_items

TARGET_S = 20.0
ROWS_PER_PAGE = 40
COLUMNS = (40, 62, 300, 328, 355, 410, 500)
HEADER = ("Pos", "Description", "Qty", "Unit", "HS code", "Export control", "Amount EUR")
# Goods as invoices word them, with a size that varies per line so that no two lines are alike.
GOODS = [
    ("Glass-lined reactor, {n}00 L, with agitator", "8419.89", "EAR99"),
    ("Office chairs, swivel, model {n}", "9401.30", "not controlled"),
    ("Frequency changer, output {n}00 Hz, 50 kVA", "8504.40", "EU control: not listed"),
    ("Ethernet patch cable, Cat 6, {n} m", "8544.42", "EAR99"),
    ("Thiodiglycol (CAS 111-48-8), {n}0 % solution", "2930.90", "ECCN 1C350"),
    ("Centrifugal pump, PTFE-lined, {n} m3/h", "8413.70", "ECCN 2B350"),
    ("Shell-and-tube heat exchanger, Hastelloy, {n} m2", "8419.50", ""),
    ("Laptop computer, 14 inch, {n} GB RAM", "8471.30", "EAR99"),
    ("Ball valve DN{n}0, PTFE-lined", "8481.80", ""),
    ("Printer paper A4, {n} reams", "4802.56", "not controlled"),
    ("Fermenter, stainless steel, {n}0 L, sterilisable in place", "8419.89", ""),
    ("Vacuum pump, rotary vane, {n}0 m3/h", "8414.10", "EAR99"),
    ("Stainless steel bolts M{n}", "7318.15", "not controlled"),
    ("Spray dryer, water evaporation {n} kg/h", "8419.39", ""),
    ("Triethanolamine, drums of {n}00 kg", "2922.15", "ECCN: EAR99"),
    ("Carbon fibre prepreg, tensile strength {n} GPa", "6815.13", ""),
    ("Forklift truck, {n} t capacity", "8427.20", "not controlled"),
    ("Oscilloscope, bandwidth {n} GHz", "9030.20", "EAR99"),
    ("Nitrile gloves, size {n}, box of 100", "4015.19", "not controlled"),
    ("Isostatic press, chamber {n}00 mm", "8462.69", ""),
]


def invoice(lines: int) -> bytes:
    """An invoice of `lines` positions over as many pages as needed, header row repeated on each page."""
    rows = []
    for pos in range(1, lines + 1):
        text, hs, declared = GOODS[(pos - 1) % len(GOODS)]
        size = 2 + pos // len(GOODS)
        rows.append((str(pos), text.format(n=size), str(pos % 7 + 1), "pcs", hs, declared, f"{pos * 137:,}.00"))
    pages = []
    for start in range(0, len(rows), ROWS_PER_PAGE):
        page = [
            "NordChem Process Equipment AS",
            "Invoice no. INV-2026-0999",
            "",
            HEADER,
            *rows[start : start + ROWS_PER_PAGE],
        ]
        pages.append(table_page(page + [f"Page {len(pages) + 1}"], COLUMNS, leading=11))
    return pdf_bytes(pages, font_size=8)


def run(settings: Settings, lines: int) -> None:
    started = time.perf_counter()
    assistant = Assistant(settings)
    assistant.ask("warm-up: glass-lined reactor")
    loaded = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "invoice.pdf"
        path.write_bytes(invoice(lines))
        started = time.perf_counter()
        items = read_line_items(path)
        read = time.perf_counter() - started
        results = screen(assistant.ask, items)
        total = time.perf_counter() - started
    flags = Counter(r.flag for r in results)
    print(f"model and index loaded once: {loaded:.1f} s (not counted)")
    print(f"line items read: {len(items)} of {lines} in {read:.2f} s")
    print(
        "flags: "
        + ", ".join(f"{flags[f]} {f}" for f in FLAGS)
        + f"; {sum(bool(r.disagreement) for r in results)} disagreements"
    )
    print(
        f"screened end to end: {total:.1f} s, {len(items) / total:.1f} items/s "
        f"(target: {lines} lines under {TARGET_S * lines / 100:.0f} s)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, help="data directory to reuse (both lists are ingested if missing)")
    parser.add_argument("--lines", type=int, default=100)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(home=args.home or Path(tmp))
        ingest_lists(settings)
        run(settings, args.lines)


if __name__ == "__main__":
    main()
