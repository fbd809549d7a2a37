"""Download the official control lists from their publishers (or a mirror) and ingest them, dated.

A download goes to a partial file beside its destination; it is checked (status, content type, size, whole
length, the bytes a reader accepts) and ingested from there, and only then moved into `Settings.fetched_dir`
with a record of its address, date and SHA-256. A failed, refused or partial download changes nothing: the
index and the files kept from earlier fetches stay as they were.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

import httpx

from assistant.core.errors import FetchError, IngestError
from assistant.core.settings import NO_LISTS_PAGE, Settings
from ingest.load import check_bytes
from ingest.pipeline import FileResult, Ingester, OnProgress

log = logging.getLogger(__name__)

OnBytes = Callable[[str, int, int], None]
"""(list name, bytes received, bytes expected or 0 when the server does not say)."""
_CHUNK = 65_536
_XML_TYPES = ("application/xml", "text/xml")
_PDF_TYPES = ("application/pdf",)
_GENERIC = "application/octet-stream"
"""Mirrors and some publishers serve any file as this; the bytes are checked by the reader anyway."""
RECORD_SUFFIX = ".source.json"
NO_ADDRESS = "(no address)"
"""The address shown for a list whose setting is empty."""


@dataclass(frozen=True)
class OfficialList:
    """One official list: its source name, list label, where a mirror and a lists folder hold it, its address."""

    name: str
    list_label: str
    path: str
    """Folder/file name, as in `../shared/sources` and under a mirror's base address."""
    setting: str
    """The Settings field that holds the publisher's address."""
    types: tuple[str, ...]


OFFICIAL: tuple[OfficialList, ...] = (
    OfficialList("us-ccl", "US CCL", "us-ccl/ccl_supp1.xml", "url_us_ccl", _XML_TYPES),
    OfficialList(
        "no-list-ii", "NO List II", "no-export-control/list-ii-dual-use-goods.pdf", "url_no_list_ii", _PDF_TYPES
    ),
    OfficialList("ca-nsg-en", "CA NSG", "ca-nuclear/SOR-2000-210.xml", "url_ca_nsg_en", _XML_TYPES),
    OfficialList("ca-nsg-fr", "CA NSG (fr)", "ca-nuclear/DORS-2000-210.xml", "url_ca_nsg_fr", _XML_TYPES),
    OfficialList("no-list-i", "NO List I", "no-export-control/list-i-military-goods.pdf", "url_no_list_i", _PDF_TYPES),
)
"""In the order a first start prepares them: the broadest dual-use lists first."""


@dataclass(frozen=True)
class Fetched:
    """What one list's fetch did: its address, bytes, SHA-256, version and the ingest's result."""

    name: str
    url: str
    status: str
    error: str = ""
    sha256: str = ""
    size: int = 0
    version: str = ""
    fetched_at: str = ""
    ingest: FileResult | None = None


def chosen(names: Iterable[str]) -> list[OfficialList]:
    """The official lists named (all when none), or IngestError naming the unknown ones.

    >>> [o.name for o in chosen(["us-ccl"])], len(chosen([]))
    (['us-ccl'], 5)
    """
    wanted = list(names)
    known = {o.name: o for o in OFFICIAL}
    unknown = [n for n in wanted if n not in known]
    if unknown:
        raise IngestError(", ".join(unknown), f"no such official list; known: {', '.join(known)}")
    return [known[n] for n in wanted] if wanted else list(OFFICIAL)


def address(settings: Settings, official: OfficialList) -> str:
    """Where to download a list: the mirror's copy when a mirror is set, else the publisher's address."""
    if settings.lists_mirror:
        return settings.lists_mirror.rstrip("/") + "/" + official.path
    return str(getattr(settings, official.setting))


def fetch(
    settings: Settings,
    names: Iterable[str] = (),
    on_bytes: OnBytes | None = None,
    progress: OnProgress | None = None,
    client: httpx.Client | None = None,
) -> list[Fetched]:
    """Download, check and ingest each list named (all when none); one failing list does not stop the others.

    Asked for all, a list with no address (the Norwegian PDFs', which change with each edition) is `skipped`
    with where to find one; named, it fails so.
    """
    named = list(names)
    results = []
    with client or httpx.Client(timeout=settings.fetch_timeout_s, follow_redirects=True) as http:
        for official in chosen(named):
            if not named and not address(settings, official):
                results.append(Fetched(official.name, NO_ADDRESS, "skipped", _no_address(official)))
                continue
            try:
                results.append(_fetch_one(settings, official, http, on_bytes, progress))
            except FetchError as error:
                log.warning("%s", error)
                results.append(Fetched(official.name, error.url, "failed", error.reason))
    return results


def _no_address(official: OfficialList) -> str:
    return (
        f"no address set: put the PDF's address from {NO_LISTS_PAGE} in STCE_{official.setting.upper()}, "
        "or set STCE_LISTS_MIRROR"
    )


def _fetch_one(
    settings: Settings,
    official: OfficialList,
    http: httpx.Client,
    on_bytes: OnBytes | None,
    progress: OnProgress | None,
) -> Fetched:
    url = address(settings, official)
    if not url:
        raise FetchError(official.name, NO_ADDRESS, _no_address(official))
    issued = ""
    if "{date}" in url:
        issued = _ecfr_issue_date(settings, official, http)
        url = url.replace("{date}", issued)
    final = settings.fetched_dir / Path(official.path).name
    partial_dir = settings.fetched_dir / ".partial"
    partial_dir.mkdir(parents=True, exist_ok=True)
    partial = partial_dir / final.name
    try:
        sha256, size = _download(official, url, partial, http, int(settings.max_file_mb * 1e6), on_bytes)
        try:
            check_bytes(partial.read_bytes(), final.name)
        except IngestError as refused:
            raise FetchError(official.name, url, refused.reason) from None
        with Ingester(settings, holder="stce lists fetch") as ingester:
            (result,) = ingester.ingest(
                [partial],
                name=official.name,
                version_label=issued,
                list_label=official.list_label,
                progress=progress,
                kind="control-list",  # an official list that reads as anything else is not what was asked for
            )
        if result.status == "failed":
            raise FetchError(official.name, url, f"the reader refused it: {result.error}")
        source = ingester.registry.source(official.name)
        fetched_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
        record = Fetched(
            official.name,
            url,
            result.status,
            sha256=sha256,
            size=size,
            version=source.version_label if source else issued,
            fetched_at=fetched_at,
        )
        _keep(partial, final, record)
        return Fetched(**{**record.__dict__, "ingest": result})
    finally:
        partial.unlink(missing_ok=True)


def _ecfr_issue_date(settings: Settings, official: OfficialList, http: httpx.Client) -> str:
    """The latest issue date of title 15 from the eCFR titles list (the date the download is as of)."""
    url = settings.url_ecfr_titles
    try:
        response = http.get(url)
        response.raise_for_status()
        titles = response.json()["titles"]
        title = next(t for t in titles if int(t["number"]) == 15)
        issued = str(title.get("latest_issue_date") or title["up_to_date_as_of"])
    except httpx.HTTPError as error:
        raise FetchError(official.name, url, f"the eCFR issue date could not be read: {_why(error)}") from None
    except (ValueError, KeyError, TypeError, StopIteration) as error:
        raise FetchError(official.name, url, f"not the eCFR titles list ({type(error).__name__})") from None
    if not (len(issued) == 10 and issued[4] == issued[7] == "-"):
        raise FetchError(official.name, url, f"an issue date that is no date: {issued[:40]!r}")
    return issued


def _download(
    official: OfficialList, url: str, partial: Path, http: httpx.Client, max_bytes: int, on_bytes: OnBytes | None
) -> tuple[str, int]:
    """Stream `url` into `partial`, refusing a bad status, a wrong type, an oversize or cut body; (SHA-256, size)."""
    digest = hashlib.sha256()
    received = 0
    try:
        with http.stream("GET", url) as response:
            if response.status_code != 200:
                raise FetchError(official.name, url, f"HTTP {response.status_code} {response.reason_phrase}")
            kind = response.headers.get("content-type", "").split(";")[0].strip().lower()
            if kind not in (*official.types, _GENERIC):
                raise FetchError(
                    official.name, url, f"content type {kind or '(none)'}, expected {' or '.join(official.types)}"
                )
            expected = int(response.headers.get("content-length") or 0)
            if expected > max_bytes:
                raise FetchError(official.name, url, f"{expected / 1e6:.1f} MB, the limit is {max_bytes / 1e6:g} MB")
            with partial.open("wb") as out:
                for chunk in response.iter_raw(_CHUNK):
                    received += len(chunk)
                    if received > max_bytes:
                        raise FetchError(official.name, url, f"more than the limit of {max_bytes / 1e6:g} MB")
                    digest.update(chunk)
                    out.write(chunk)
                    if on_bytes:
                        on_bytes(official.name, received, expected)
                out.flush()
                os.fsync(out.fileno())
    except httpx.HTTPError as error:
        raise FetchError(official.name, url, _why(error)) from None
    if expected and received != expected:
        raise FetchError(official.name, url, f"cut off: {received} of {expected} bytes arrived")
    return digest.hexdigest(), received


def _why(error: httpx.HTTPError) -> str:
    """A network failure in a few words ("timed out", "connection refused", "cut off")."""
    if isinstance(error, httpx.TimeoutException):
        return f"timed out ({type(error).__name__})"
    if isinstance(error, httpx.RemoteProtocolError):
        return f"cut off: {error}"
    return f"{type(error).__name__}: {error}"


def _keep(partial: Path, final: Path, record: Fetched) -> None:
    """Move the checked file into place and write its record (address, date, SHA-256) beside it."""
    shutil.copy2(partial, final.with_name(final.name + ".tmp"))
    final.with_name(final.name + ".tmp").replace(final)
    meta = final.with_name(final.name + RECORD_SUFFIX)
    meta.with_name(meta.name + ".tmp").write_text(json.dumps(asdict(record), indent=2), encoding="utf-8")
    meta.with_name(meta.name + ".tmp").replace(meta)


def fetched_record(path: Path) -> dict[str, object] | None:
    """The record `stce lists fetch` kept beside a file (address, date, SHA-256), if any."""
    try:
        return json.loads(path.with_name(path.name + RECORD_SUFFIX).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
