"""Shared fixtures: real source documents, temp data directories, small real-content lists."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
# No test home prepares the official lists on first start unless the test names a folder (tests/test_firstrun.py).
os.environ["STCE_LISTS_DIR"] = ""

from assistant.core.settings import Settings  # noqa: E402  (the offline switches must come first)
from ingest.pipeline import Ingester  # noqa: E402
from ingest.starter import ensure_starter_corpus  # noqa: E402

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
    keep = [xml[s : bounds[s]] for s in starts if xml[s + 9 : s + 14] in codes]
    head = xml[: xml.index("<HD1>")]
    return head + "".join(keep) + "</DIV9>\n"


def excerpt_home(home: Path, codes: tuple[str, ...]) -> Settings:
    """A data directory holding a real eCFR excerpt of `codes` as "US CCL" and the starter corpus: what the
    module-scoped answering tests share."""
    xml = home.parent / "ccl.xml"
    xml.write_text(ccl_excerpt(codes), encoding="utf-8")
    settings = Settings(home=home)
    Ingester(settings).ingest([xml], name="us-ccl", list_label="US CCL", version_label="2026-06")
    ensure_starter_corpus(settings)
    return settings


@pytest.fixture
def small_ccl(tmp_path: Path) -> Path:
    path = tmp_path / "ccl-excerpt.xml"
    path.write_text(ccl_excerpt(), encoding="utf-8")
    return path
