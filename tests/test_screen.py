"""Screening documents: invoices and manifests generated as PDFs, a CSV and a text file, over a real index.

The index holds the real eCFR cut to a few ECCNs (1C350 2A226 2B350 2B352 2B999 3A225); the documents are
generated here, so every line's expected flag is known.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest
from typer.testing import CliRunner

from assistant.answer.ask import Assistant
from assistant.answer.screen import Screened, flag_answer, screen, to_csv, to_markdown
from assistant.core.errors import IngestError
from assistant.core.settings import Settings
from assistant.core.types import Answer, Candidate, Check, Decision, Leaf, Status
from bench.pdfwriter import pdf_bytes, table_page
from ingest.lineitems import LineItem, line_items_from_bytes, parse_fields, read_line_items
from ingest.pipeline import Ingester
from tests.conftest import ROOT, ccl_excerpt
from ui.cli import app
from ui.screening import screen_document

runner = CliRunner()
COLUMNS = (40, 62, 290, 318, 345, 400, 500)
HEADER = ("Pos", "Description", "Qty", "Unit", "HS code", "Export control", "Amount EUR")
LETTERHEAD = [
    "NordChem Process Equipment AS",
    "Industrivegen 12, 4033 Stavanger, Norway",
    "Tel. +47 51 00 00 00   VAT no. NO 999 999 999 MVA",
    "COMMERCIAL INVOICE",
    "Invoice no. INV-2026-0417      Date: 12.03.2026",
    "Consignee: Gulf Process Trading LLC, P.O. Box 1234, Dubai",
]


def invoice_pdf() -> bytes:
    """Two pages; item 1 wraps onto a second line; totals, bank details and page numbers around the table."""
    first = [
        *LETTERHEAD,
        "",
        HEADER,
        ("1", "Glass-lined reactor, 3 000 L, with agitator", "1", "pc", "8419.89.10", "EAR99", "184,500.00"),
        ("", "and heating/cooling jacket"),
        ("2", "Office chairs, swivel, black", "40", "pcs", "9401.30", "not controlled", "4,800.00"),
        ("3", "Frequency changer, output 600 Hz, 50 kVA", "2", "pcs", "8504.40", "EU control: not listed", "12,600.00"),
        ("4", "Ethernet patch cable, Cat 6, 5 m", "200", "pcs", "8544.42", "EAR99", "1,400.00"),
        "Carried forward EUR 203,300.00",
        "Page 1 of 2",
    ]
    second = [
        LETTERHEAD[0],
        "Invoice no. INV-2026-0417 (continued)",
        "",
        HEADER,
        ("5", "Thiodiglycol (CAS 111-48-8), purity 99 %", "800", "kg", "2930.90", "ECCN 1C350", "9,600.00"),
        ("6", "Centrifugal pump, PTFE-lined, 10 m3/h", "1", "pc", "8413.70", "ECCN 3A225", "7,400.00"),
        "Subtotal 220,300.00",
        "VAT 0 % 0.00",
        "Total EUR 220,300.00",
        "Bank: DNB, IBAN NO93 8601 1117 947, BIC DNBANOKK",
        "Page 2 of 2",
    ]
    return pdf_bytes([table_page(first, COLUMNS), table_page(second, COLUMNS)])


def manifest_pdf() -> bytes:
    """A cargo manifest without position numbers; the second line's description wraps; two pages."""
    columns = (40, 300, 360, 430)
    header = ("Description of goods", "Packages", "HS code", "Gross weight")
    first = [
        "CARGO MANIFEST",
        "Vessel: MV Nordlys   Voyage no. 26-11",
        "",
        header,
        ("Office chairs, swivel, black", "40 cartons", "9401.30", "520 kg"),
        ("Frequency changer, output 600 Hz,", "2 crates", "8504.40", "310 kg"),
        ("50 kVA, for motor test bench",),
        "Page 1 of 2",
    ]
    second = [
        "CARGO MANIFEST (continued)",
        header,
        ("Ethernet patch cable, Cat 6, 5 m", "4 boxes", "8544.42", "60 kg"),
        ("Glass-lined reactor, 3 000 L", "1 crate", "8419.89", "2 400 kg"),
        "Page 2 of 2",
    ]
    return pdf_bytes([table_page(first, columns), table_page(second, columns)])


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real CCL excerpt ingested; an empty corpus folder, so no curriculum is ingested on first use."""
    root = tmp_path_factory.mktemp("screen")
    (root / "ccl.xml").write_text(ccl_excerpt(), encoding="utf-8")
    (root / "corpus").mkdir()
    settings = Settings(home=root / "home", corpus_dir=root / "corpus")
    ingester = Ingester(settings)
    ingester.ingest([root / "ccl.xml"], name="ccl", list_label="US CCL")
    ingester.store.client.close()
    return root / "home"


@pytest.fixture(scope="module")
def assistant(home: Path) -> Assistant:
    return Assistant(Settings(home=home, corpus_dir=home.parent / "corpus"))


@pytest.fixture(scope="module")
def invoice_results(assistant: Assistant) -> list[Screened]:
    return screen(assistant.ask, line_items_from_bytes(invoice_pdf(), "invoice.pdf"))


def by_line(results: list[Screened]) -> dict[int, Screened]:
    return {r.item.line: r for r in results}


# --- reading documents into line items -----------------------------------------------------------------


@pytest.mark.unit
def test_an_invoice_pdf_becomes_one_item_per_position_across_pages() -> None:
    items = line_items_from_bytes(invoice_pdf(), "invoice.pdf")

    assert [i.line for i in items] == [1, 2, 3, 4, 5, 6]
    reactor, chairs, changer, cable, tdg, pump = items
    assert reactor.description == "Glass-lined reactor, 3 000 L, with agitator and heating/cooling jacket"
    assert (reactor.quantity, reactor.unit, reactor.hs_code, reactor.declared) == (1, "pc", "8419.89.10", "EAR99")
    assert (chairs.description, chairs.quantity, chairs.declared) == (
        "Office chairs, swivel, black",
        40,
        "not controlled",
    )
    assert changer.declared == "EU control: not listed" and changer.declared_not_controlled
    assert cable.hs_code == "8544.42" and cable.declared_not_controlled
    assert (tdg.description, tdg.quantity, tdg.unit) == ("Thiodiglycol (CAS 111-48-8), purity 99 %", 800, "kg")
    assert tdg.declared_code == "1C350" and not tdg.declared_not_controlled
    assert pump.page == 2 and pump.description == "Centrifugal pump, PTFE-lined, 10 m3/h"


@pytest.mark.unit
def test_letterhead_totals_bank_details_and_page_numbers_are_not_items() -> None:
    text = " ".join(i.raw for i in line_items_from_bytes(invoice_pdf(), "invoice.pdf"))

    for furniture in ("NordChem", "Stavanger", "INV-2026", "Consignee", "Carried", "Total", "IBAN", "Page"):
        assert furniture not in text


@pytest.mark.unit
def test_a_manifest_without_position_numbers_joins_the_wrapped_line() -> None:
    items = line_items_from_bytes(manifest_pdf(), "manifest.pdf")

    assert [i.description for i in items] == [
        "Office chairs, swivel, black",
        "Frequency changer, output 600 Hz, 50 kVA, for motor test bench",
        "Ethernet patch cable, Cat 6, 5 m",
        "Glass-lined reactor, 3 000 L",
    ]
    assert [i.line for i in items] == [1, 2, 3, 4]
    assert (items[1].quantity, items[1].unit, items[1].hs_code) == (2, "crates", "8504.40")
    assert items[3].page == 2 and items[3].hs_code == "8419.89"


@pytest.mark.unit
def test_a_proforma_with_quantity_before_description_and_its_own_numbering() -> None:
    columns = (40, 80, 110, 330, 420)
    rows = [
        "ACME Trading GmbH",
        "Hauptstrasse 5, 10115 Berlin",
        "PROFORMA INVOICE",
        ("Item", "Qty", "Description", "Unit price", "Total"),
        ("10", "2", "Vacuum pump, dry scroll, 35 m3/h", "4,200.00", "8,400.00"),
        ("20", "1", "Mass spectrometer, quadrupole,", "88,000.00", "88,000.00"),
        ("", "", "with electron impact ion source"),
        ("30", "500", "Nitrile gloves, size L", "0.12", "60.00"),
        "Total EUR 96,460.00",
        "Signature: ____________",
    ]

    items = line_items_from_bytes(pdf_bytes([table_page(rows, columns)]), "proforma.pdf")

    assert [(i.line, i.quantity, i.description) for i in items] == [
        (10, 2, "Vacuum pump, dry scroll, 35 m3/h"),
        (20, 1, "Mass spectrometer, quadrupole, with electron impact ion source"),
        (30, 500, "Nitrile gloves, size L"),
    ]


@pytest.mark.unit
def test_a_text_file_has_one_item_per_line(tmp_path: Path) -> None:
    path = tmp_path / "goods.txt"
    path.write_text(
        "# goods seen at the terminal\nglass-lined reactor 3000 L\n\n2 x Ethernet cable\n"
        "thiodiglycol, 200 kg, ECCN: EAR99\n",
        encoding="utf-8",
    )

    items = read_line_items(path)

    assert [(i.line, i.description) for i in items] == [
        (1, "glass-lined reactor 3000 L"),
        (2, "Ethernet cable"),
        (3, "thiodiglycol"),
    ]
    assert (items[1].quantity, items[2].quantity, items[2].unit) == (2, 200, "kg")
    assert items[2].declared == "ECCN: EAR99"


@pytest.mark.unit
def test_a_csv_column_is_guessed_from_the_header_or_named(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text(
        "Item no;Goods description;Supplier note;Qty;HS code;ECCN\n"
        "10;Frequency changer 600 Hz 50 kVA;urgent, Müller;2;8504.40;EAR99\n"
        "20;Office chairs;;40;9401.30;\n",
        encoding="cp1252",
    )

    guessed = read_line_items(path)
    named = read_line_items(path, column="supplier note")

    assert [(i.line, i.description, i.quantity, i.hs_code, i.declared) for i in guessed] == [
        (10, "Frequency changer 600 Hz 50 kVA", 2, "8504.40", "EAR99"),
        (20, "Office chairs", 40, "9401.30", ""),
    ]
    assert [i.description for i in named] == ["urgent, Müller"]
    with pytest.raises(IngestError, match="no column 'price'.*Goods description"):
        read_line_items(path, column="price")


@pytest.mark.unit
@pytest.mark.parametrize(
    ("line", "description", "hs_code", "declared"),
    [
        ("Heat exchanger 0.15 m2, Hastelloy, 1 unit, EUR 12,500.00", "Heat exchanger 0.15 m2, Hastelloy", "", ""),
        ("Valve DN50 HS code 8481.80 Dual-use: no", "Valve DN50", "8481.80", "Dual-use: no"),
        ("Vacuum pump 2B999.b 12 pcs", "Vacuum pump", "", "2B999.b"),
        ("Reactor 250 L HTS 8419898500 ECCN no. 2B350.a", "Reactor 250 L", "8419898500", "ECCN no. 2B350.a"),
        ("Pump 8413.70.00 USD 1250.00", "Pump", "8413.70.00", ""),
    ],
)
def test_fields_are_taken_out_of_a_line_and_parameters_stay(
    line: str, description: str, hs_code: str, declared: str
) -> None:
    found = parse_fields(line)

    assert (found.rest, found.hs_code, found.declared) == (description, hs_code, declared)


@pytest.mark.unit
@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("invoice.pdf", b"%PDF-1.4\n1 0 obj <<", "truncated PDF"),
        ("empty.txt", b"", "empty file"),
        ("sheet.xlsx", b"PK\x03\x04" + b"\x00" * 40, "save the sheet as CSV"),
        ("blob.bin", b"\x00\x01\x02garbage", "binary content"),
        (
            "empty-invoice.pdf",
            pdf_bytes([table_page([*LETTERHEAD, HEADER, "Total EUR 0.00"], COLUMNS)]),
            "no line items found",
        ),
        ("goods.csv", b"Qty;Price\n1;2\n", "cannot tell which column"),
    ],
)
def test_a_bad_file_is_refused_by_name(tmp_path: Path, name: str, content: bytes, reason: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)

    with pytest.raises(IngestError, match=reason) as caught:
        read_line_items(path)
    assert name in str(caught.value)


# --- screening -----------------------------------------------------------------------------------------


def test_controlled_goods_are_flagged_and_sorted_first(invoice_results: list[Screened]) -> None:
    flags = [r.flag for r in invoice_results]
    lines = by_line(invoice_results)

    assert flags == sorted(flags, key=["likely-controlled", "check-parameters", "no-match"].index)
    assert (lines[1].flag, lines[1].best.entry if lines[1].best else None) == ("likely-controlled", "2B350")
    # 600 Hz and 50 kVA meet 3A225's bounds; its frequency control is not stated: the officer must check it.
    assert (lines[3].flag, lines[3].best.entry if lines[3].best else None) == ("check-parameters", "3A225")
    assert (lines[5].flag, lines[5].best.entry if lines[5].best else None) == ("likely-controlled", "1C350")
    assert lines[2].flag == lines[4].flag == "no-match"


def test_a_line_declared_not_controlled_but_flagged_is_a_disagreement(invoice_results: list[Screened]) -> None:
    lines = by_line(invoice_results)

    assert "EAR99" in lines[1].disagreement and "2B350" in lines[1].disagreement
    assert "not listed" in lines[3].disagreement
    assert lines[5].disagreement == ""  # declared 1C350, found 1C350
    assert lines[2].disagreement == lines[4].disagreement == ""  # declared not controlled, nothing found
    assert "declared 3A225" in lines[6].disagreement and "2B350" in lines[6].disagreement


def test_a_threshold_missed_narrowly_asks_for_a_check_and_clearly_is_no_match(assistant: Assistant) -> None:
    items = [LineItem(1, "Glass-lined reactor 90 L"), LineItem(2, "Frequency changer 50 Hz, 10 kVA")]

    narrow, clear = screen(assistant.ask, items)

    assert (narrow.flag, narrow.best.entry if narrow.best else None) == ("check-parameters", "2B350")
    assert "close to" in narrow.reason
    assert clear.flag == "no-match" and "frequency" in clear.reason


def candidate(
    entry: str, status: Status, reason: str = "", missing: tuple[Leaf, ...] = (), checks: tuple[Check, ...] = ()
) -> Candidate:
    return Candidate(
        entry=entry,
        item=f"{entry}.a",
        title="",
        list_label="US CCL",
        version="v",
        quote="",
        notes=[],
        citations=[],
        checks=list(checks),
        status=status,
        reason=reason,
        missing=list(missing),
    )


def answer_of(decision: Decision, *candidates: Candidate) -> Answer:
    return Answer("q", "", list(candidates), [], [], 0.0, decision=decision)


@pytest.mark.unit
def test_a_lines_flag_is_its_answers_decision() -> None:
    volume = Leaf("threshold", "greater than 0.1 m3 (100 liters)", property="volume")

    assert flag_answer("x", answer_of("likely-controlled", candidate("1C350", "applies", "CAS listed")))[:2] == (
        "likely-controlled",
        candidate("1C350", "applies", "CAS listed"),
    )
    flag, best, reason = flag_answer(
        "glass-lined reactor", answer_of("needs-facts", candidate("2B350", "undetermined", missing=(volume,)))
    )
    assert (flag, best.entry if best else None) == ("check-parameters", "2B350")
    assert "What is the volume?" in reason
    assert flag_answer("Office chairs", answer_of("no-match"))[:2] == ("no-match", None)
    # no control list searched: the line is not screened, never cleared
    flag, best, reason = flag_answer("glass-lined reactor", answer_of("no-list"))
    assert (flag, best) == ("no-list", None) and reason.startswith("No control list is loaded")


def test_each_distinct_description_is_asked_once_and_progress_is_reported(assistant: Assistant) -> None:
    items = [LineItem(n, "Glass-lined reactor 3000 L") for n in (1, 2)] + [LineItem(3, "office chairs")]
    seen: list[tuple[int, int]] = []

    results = screen(assistant.ask, items, progress=lambda done, total: seen.append((done, total)))

    assert seen == [(1, 3), (2, 3), (3, 3)]
    assert results[0].answer is results[1].answer and results[0].answer is not None


def test_exports_have_one_row_per_line(invoice_results: list[Screened]) -> None:
    rows = list(csv.DictReader(io.StringIO(to_csv(invoice_results))))
    table = to_markdown(invoice_results).splitlines()

    assert [int(r["line"]) for r in rows] == [r.item.line for r in invoice_results]
    assert rows[0]["flag"] == "likely-controlled" and rows[0]["candidates"]
    assert len(table) == 2 + len(invoice_results) and table[0].startswith("| line | description")


# --- the command ---------------------------------------------------------------------------------------


def invoke(home: Path, *args: str) -> object:
    env = {"STCE_HOME": str(home), "STCE_CORPUS_DIR": str(home.parent / "corpus")}
    return runner.invoke(app, ["screen", *args], env=env)


def test_stce_screen_json_lists_every_line_with_its_flag(home: Path, tmp_path: Path) -> None:
    path = tmp_path / "manifest.pdf"
    path.write_bytes(manifest_pdf())

    result = invoke(home, str(path), "--format", "json")

    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert len(rows) == 4
    assert {"line", "description", "flag", "entries", "checks", "declared", "disagreement"} <= set(rows[0])
    assert rows[0]["flag"] == "likely-controlled" and rows[0]["entries"]
    assert rows[-1]["flag"] == "no-match" and rows[-1]["entries"] == []


def test_stce_screen_csv_and_table(home: Path, tmp_path: Path) -> None:
    path = tmp_path / "goods.txt"
    path.write_text(
        "Frequency changer 600 Hz three-phase 50 kVA, frequency stability 0.1 %, ECCN: EAR99\noffice chairs\n",
        encoding="utf-8",
    )

    as_csv = invoke(home, str(path), "--format", "csv")
    as_table = invoke(home, str(path))

    rows = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert [(r["line"], r["flag"], r["best"]) for r in rows] == [
        ("1", "likely-controlled", "3A225"),
        ("2", "no-match", ""),
    ]
    assert "ECCN: EAR99" in rows[0]["disagreement"]
    assert as_table.exit_code == 0 and "likely-controlled" in as_table.stdout and "3A225" in as_table.stdout


def test_stce_screen_refuses_a_bad_file_with_exit_code_2(home: Path, tmp_path: Path) -> None:
    path = tmp_path / "broken-invoice.pdf"
    path.write_bytes(b"%PDF-1.7\n1 0 obj <<")

    result = invoke(home, str(path), "--format", "json")

    assert result.exit_code == 2
    assert result.stdout == ""
    assert "broken-invoice.pdf" in result.stderr


# --- the Screening page --------------------------------------------------------------------------------


@pytest.fixture
def streamlit_home(home: Path) -> Iterator[Path]:
    """The app's settings read from the test index; Streamlit's per-process caches emptied around the test."""
    with pytest.MonkeyPatch.context() as env:
        env.setenv("STCE_HOME", str(home))
        env.setenv("STCE_CORPUS_DIR", str(home.parent / "corpus"))
        st.cache_resource.clear()
        yield home
    st.cache_resource.clear()


def test_an_uploaded_document_is_screened_with_the_apps_assistant(streamlit_home: Path) -> None:
    seen: list[int] = []

    results = screen_document(manifest_pdf(), "manifest.pdf", progress=lambda done, total: seen.append(done))

    assert seen == [1, 2, 3, 4]
    assert {r.item.description: r.flag for r in results}["Glass-lined reactor, 3 000 L"] == "likely-controlled"
    with pytest.raises(IngestError, match="goods.csv: no column 'goods'"):
        screen_document(b"Item;Qty\nvalve;2\n", "goods.csv", column="goods")


def test_the_page_shows_the_flags_opens_a_line_and_exports(
    streamlit_home: Path, invoice_results: list[Screened]
) -> None:
    at = AppTest.from_file(str(ROOT / "ui" / "screening.py"), default_timeout=60)
    at.session_state["screening"] = {"name": "invoice.pdf", "results": invoice_results}
    at.run()

    assert not at.exception
    table = at.table[0]  # a static table: long reasons wrap instead of being cut (issue 25)
    assert list(table.value["flag"]) == [r.flag for r in invoice_results]
    assert list(table.value["decision"]) == [r.answer.decision if r.answer else "" for r in invoice_results]
    # reactor, thiodiglycol, pump; the changer (stability not stated); no line without a list; chairs, cable
    assert [m.value for m in at.metric][:4] == ["3", "1", "0", "2"]
    assert {b.label for b in at.get("download_button")} == {"Export table as CSV", "Export as JSON (audit)"}
    at.selectbox(key="screen-line").select_index(0).run()
    assert "2B350" in " ".join(m.value for m in at.markdown)
