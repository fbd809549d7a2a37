"""Version labels from the documents themselves: each reader takes the date the official file states."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.dates import ecfr_date, text_date
from ingest.load import read_bytes
from tests.conftest import LIST_I, SOURCES, ccl_excerpt


@pytest.mark.unit
@pytest.mark.parametrize(
    ("name", "issued"),
    [("ca-nuclear/SOR-2000-210.xml", "2026-04-01"), ("ca-nuclear/DORS-2000-210.xml", "2026-04-01")],
)
def test_justice_canada_versions_are_their_consolidation_date(name: str, issued: str) -> None:
    path = SOURCES / name
    assert read_bytes(path.read_bytes(), path).version_label == issued


@pytest.mark.unit
def test_a_list_pdf_is_dated_by_its_cover_date_line() -> None:
    assert read_bytes(LIST_I.read_bytes(), LIST_I).version_label == "2020-02-17"


@pytest.mark.unit
def test_an_ecfr_document_is_dated_by_its_point_in_time_path(tmp_path: Path) -> None:
    undated = ccl_excerpt().encode()
    dated = undated.replace(b"/on/_SUBSTITUTE_DATE_/", b"/on/2026-06-01/")
    path = tmp_path / "ccl.xml"

    assert read_bytes(dated, path).version_label == "2026-06-01"
    # The copy served without a date (the API's placeholder) stays unlabelled: no date is made up.
    assert read_bytes(undated, path).version_label == "" == ecfr_date(undated)


@pytest.mark.unit
def test_numbers_that_are_no_dates_give_no_label() -> None:
    assert text_date("Regulation (EU) No 2021/821, items 1C351 to 1C354, 31.13 kg") == ""
    assert text_date("Group (1234) and 30. mai 1800") == ""
