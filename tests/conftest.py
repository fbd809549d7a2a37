"""Shared fixtures: real source documents, temp data directories, small real-content lists."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"

from assistant.settings import Settings  # noqa: E402  (the offline switches must come first)

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT.parent / "shared" / "sources"
CCL_XML = SOURCES / "us-ccl" / "ccl_supp1.xml"
LIST_II = SOURCES / "no-export-control" / "list-ii-dual-use-goods.pdf"
LIST_I = SOURCES / "no-export-control" / "list-i-military-goods.pdf"
CCATS = SOURCES / "us-bis" / "ccats-publishers-table-2018.pdf"
SMALL_CCL_CODES = ("1C350", "2A226", "2B350", "2B352", "2B999", "3A225")


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """A fresh, empty data directory; the starter corpus is the project's own."""
    return Settings(home=tmp_path / "home")


def ccl_excerpt(codes: tuple[str, ...] = SMALL_CCL_CODES) -> str:
    """A real eCFR document cut down to a few ECCNs, so an ingest takes seconds, not minutes."""
    xml = CCL_XML.read_text(encoding="utf-8")
    starts = [m.start() for m in re.finditer(r"<FP-2><B>\d[A-E]\d{3} ", xml)]
    bounds = dict(zip(starts, starts[1:] + [xml.rindex("</DIV9>")]))
    keep = [xml[s:bounds[s]] for s in starts if xml[s + 9 : s + 14] in codes]
    head = xml[: xml.index("<HD1>")]
    return head + "".join(keep) + "</DIV9>\n"


@pytest.fixture
def small_ccl(tmp_path: Path) -> Path:
    path = tmp_path / "ccl-excerpt.xml"
    path.write_text(ccl_excerpt(), encoding="utf-8")
    return path
