"""`stce lists fetch` against a local server playing the publishers: the real download, check and ingest code,
and every way a download goes wrong changing nothing."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.core.settings import Settings
from assistant.storage.registry import Registry
from ingest.fetch import RECORD_SUFFIX, fetch
from tests.conftest import ccl_excerpt
from tests.listserver import ISSUE_DATE, list_server


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with list_server(tmp_path_factory.mktemp("publisher")) as base:
        yield base


def _settings(home: Path, base: str, **more: object) -> Settings:
    return Settings(
        home=home,
        url_us_ccl=f"{base}/ecfr/{{date}}/ccl.xml",
        url_ecfr_titles=f"{base}/titles.json",
        fetch_timeout_s=2.0,
        **more,
    )


def test_the_ccl_is_fetched_checked_kept_with_its_record_and_ingested_as_of_its_issue_date(
    tmp_path: Path, server: str
) -> None:
    settings = _settings(tmp_path / "home", server)
    seen: list[int] = []

    (result,) = fetch(settings, ["us-ccl"], on_bytes=lambda name, done, total: seen.append(done))

    assert (result.status, result.version, result.error) == ("added", ISSUE_DATE, ""), result
    body = ccl_excerpt().encode()
    assert result.sha256 == hashlib.sha256(body).hexdigest() and result.size == len(body) == seen[-1]
    kept = settings.fetched_dir / "ccl_supp1.xml"
    record = json.loads(kept.with_name(kept.name + RECORD_SUFFIX).read_text())
    assert kept.read_bytes() == body and record["url"] == f"{server}/ecfr/{ISSUE_DATE}/ccl.xml"
    assert record["sha256"] == result.sha256 and record["fetched_at"]
    (source,) = Registry(settings.registry_path).sources()
    assert (source.name, source.list_label, source.version_label) == ("us-ccl", "US CCL", ISSUE_DATE)
    assert not any((settings.fetched_dir / ".partial").iterdir())


@pytest.mark.parametrize(
    ("mirror", "reason"),
    [
        ("missing", "HTTP 404"),
        ("html", "content type text/html"),
        ("cut", "cut off"),
        ("stall", "timed out"),
    ],
)
def test_a_failed_download_changes_nothing(tmp_path: Path, server: str, mirror: str, reason: str) -> None:
    settings = _settings(tmp_path / "home", server, lists_mirror=f"{server}/{mirror}/")
    registry = Registry(settings.registry_path)
    before = registry.live()

    (result,) = fetch(settings, ["ca-nsg-en"])

    assert result.status == "failed" and reason in result.error, result
    assert result.url == f"{server}/{mirror}/ca-nuclear/SOR-2000-210.xml"
    assert registry.live() == before and registry.sources() == []
    assert not (settings.fetched_dir / "SOR-2000-210.xml").exists()
    assert not any((settings.fetched_dir / ".partial").iterdir())


def test_a_failed_refetch_keeps_the_list_and_the_file_fetched_before(tmp_path: Path, server: str) -> None:
    settings = _settings(tmp_path / "home", server)
    fetch(settings, ["us-ccl"])
    registry = Registry(settings.registry_path)
    before, kept = registry.live(), (settings.fetched_dir / "ccl_supp1.xml").read_bytes()

    (again,) = fetch(settings.model_copy(update={"lists_mirror": f"{server}/cut/"}), ["us-ccl"])

    assert again.status == "failed" and "cut off" in again.error
    assert registry.live() == before and registry.source("us-ccl").version_label == ISSUE_DATE
    assert (settings.fetched_dir / "ccl_supp1.xml").read_bytes() == kept


def test_a_file_the_reader_refuses_is_not_kept(tmp_path: Path, server: str) -> None:
    # The BIS table is a real PDF from a publisher, but no control list: served in List I's place it is refused.
    settings = _settings(
        tmp_path / "home", server, url_no_list_i=f"{server}/files/us-bis/ccats-publishers-table-2018.pdf"
    )

    (result,) = fetch(settings, ["no-list-i"])

    assert result.status == "failed" and "reader refused" in result.error, result
    assert Registry(settings.registry_path).sources() == []
    assert not (settings.fetched_dir / "list-i-military-goods.pdf").exists()


@pytest.mark.unit
def test_a_list_without_an_address_says_where_to_find_one(tmp_path: Path) -> None:
    (result,) = fetch(Settings(home=tmp_path / "home"), ["no-list-ii"])

    assert result.status == "failed" and "STCE_URL_NO_LIST_II" in result.error and "regjeringen.no" in result.error


def test_fetching_all_skips_the_lists_without_an_address_and_says_where_to_find_one(
    tmp_path: Path, server: str
) -> None:
    # the Norwegian PDFs have no default address (it changes with each edition); the others fail fast here (404)
    missing = f"{server}/missing"
    settings = _settings(
        tmp_path / "home", server, url_ca_nsg_en=f"{missing}/en.xml", url_ca_nsg_fr=f"{missing}/fr.xml"
    )
    settings = settings.model_copy(update={"url_us_ccl": f"{missing}/ccl.xml"})

    results = {r.name: r for r in fetch(settings)}

    assert {n: r.status for n, r in results.items()} == {
        "us-ccl": "failed",
        "no-list-ii": "skipped",
        "ca-nsg-en": "failed",
        "ca-nsg-fr": "failed",
        "no-list-i": "skipped",
    }
    assert "STCE_URL_NO_LIST_II" in results["no-list-ii"].error and "regjeringen.no" in results["no-list-ii"].error
    assert "HTTP 404" in results["us-ccl"].error and Registry(settings.registry_path).sources() == []


def test_stce_lists_fetch_reports_each_list_and_fails_when_one_fails(tmp_path: Path, server: str) -> None:
    from typer.testing import CliRunner

    from ui.cli import app

    env = {
        "STCE_HOME": str(tmp_path / "home"),
        "STCE_URL_US_CCL": f"{server}/ecfr/{{date}}/ccl.xml",
        "STCE_URL_ECFR_TITLES": f"{server}/titles.json",
        "STCE_URL_CA_NSG_EN": f"{server}/html/ca-nuclear/SOR-2000-210.xml",
    }

    result = CliRunner().invoke(app, ["lists", "fetch", "us-ccl", "ca-nsg-en"], env=env)

    assert result.exit_code == 1, result.output
    assert "us-ccl" in result.output and ISSUE_DATE in result.output and "added" in result.output
    assert "failed: ca-nsg-en" in result.output and "content type text/html" in result.output
    assert Registry(Settings(home=tmp_path / "home").registry_path).source("us-ccl").version_label == ISSUE_DATE
