"""Shared fixtures: real source documents, temp data directories, small real-content lists."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
# No test home prepares the official lists on first start unless the test names a folder (tests/test_firstrun.py).
os.environ["STCE_LISTS_DIR"] = ""

from chromadb.api.shared_system_client import SharedSystemClient  # noqa: E402

from assistant.core.settings import Settings  # noqa: E402  (the offline switches must come first)
from assistant.storage.embeddings import load_model  # noqa: E402
from ingest.ecfr import read_ecfr  # noqa: E402
from ingest.entries import Entry  # noqa: E402
from ingest.load import check_bytes  # noqa: E402
from ingest.pdf import read_pdf_pages  # noqa: E402
from ingest.pipeline import Ingester  # noqa: E402
from ingest.starter import ensure_starter_corpus  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT.parent / "shared" / "sources"
CCL_XML = SOURCES / "us-ccl" / "ccl_supp1.xml"
LIST_II = SOURCES / "no-export-control" / "list-ii-dual-use-goods.pdf"
LIST_I = SOURCES / "no-export-control" / "list-i-military-goods.pdf"
CCATS = SOURCES / "us-bis" / "ccats-publishers-table-2018.pdf"
SMALL_CCL_CODES = ("1C350", "2A226", "2B350", "2B352", "2B999", "3A225")


# The real lists read once per test session: List II takes tens of seconds to extract, and five test
# modules read it. Tuples, so that no test can change what the next one reads.
@cache
def pdf_pages(path: Path) -> tuple[tuple[int, str], ...]:
    """`read_pdf_pages` of a real PDF, as every reader calls it (after `check_bytes`)."""
    data = path.read_bytes()
    check_bytes(data, path)
    return tuple(read_pdf_pages(data, str(path)))


def pdf_plain_text(path: Path) -> tuple[str, ...]:
    """The text of every page as `pdf_pages` reads it, each line without the indent the reader adds."""
    return tuple("\n".join(line.strip() for line in text.splitlines()) for _, text in pdf_pages(path))


@cache
def ccl_entries() -> tuple[Entry, ...]:
    """The whole real US CCL, read by `read_ecfr`."""
    return tuple(read_ecfr(CCL_XML.read_bytes(), str(CCL_XML)))


# The unit tier's guard: a test marked `unit` fails if the embedding model was used or a Chroma client was
# built in its set-up, body or tear-down, or by any fixture it uses (a module fixture set up earlier for
# another test included). Nothing is replaced: the model loader's own cache counters are read, and
# chromadb's client constructor is counted on its way through (every client, persistent, in-memory or
# HTTP, is built by `SharedSystemClient.__init__`). A browser is not checked: only tests/test_browser.py
# starts one, and it is not marked.
_chroma_clients_built = 0
_build_chroma_client = SharedSystemClient.__init__


def _counted_build(client: SharedSystemClient, *args: object, **kwargs: object) -> None:
    global _chroma_clients_built
    _chroma_clients_built += 1
    _build_chroma_client(client, *args, **kwargs)


SharedSystemClient.__init__ = _counted_build  # type: ignore[method-assign]
_BEFORE = pytest.StashKey[tuple[int, int]]()
_HEAVY_FIXTURES: set[object] = set()
"""Fixture definitions whose set-up used the model or Chroma."""


def _heavy_uses() -> tuple[int, int]:
    """(calls of the cached model loader, a cache hit being a use too; Chroma clients built) so far."""
    info = load_model.cache_info()
    return info.hits + info.misses, _chroma_clients_built


@pytest.hookimpl(wrapper=True)
def pytest_fixture_setup(fixturedef: pytest.FixtureDef[object], request: pytest.FixtureRequest) -> Iterator[object]:
    before = _heavy_uses()
    result = yield
    if _heavy_uses() != before:
        _HEAVY_FIXTURES.add(fixturedef)
    return result


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Iterator[None]:
    item.stash[_BEFORE] = _heavy_uses()
    return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    result = yield
    if item.get_closest_marker("unit") is not None and _BEFORE in item.stash:
        (model_before, chroma_before), (model_after, chroma_after) = item.stash[_BEFORE], _heavy_uses()
        assert model_after == model_before, "a `unit` test used the embedding model: it is not a unit test"
        assert chroma_after == chroma_before, "a `unit` test opened a Chroma client: it is not a unit test"
        definitions = item._fixtureinfo.name2fixturedefs  # type: ignore[attr-defined]
        heavy = [name for name in item.fixturenames if _HEAVY_FIXTURES.intersection(definitions.get(name, ())[-1:])]
        assert not heavy, f"a `unit` test uses fixtures that load the model or open Chroma: {heavy}"
    return result


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
