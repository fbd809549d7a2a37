"""The upload limit of `stce ui` is STCE_MAX_FILE_MB, enforced by Streamlit's own server on a real HTTP upload.

Streamlit accepts an upload only into a live session (its websocket) and with the XSRF cookie's token, so a
real browser opens the Screening page and uploads a small file through the page's uploader; the test then
sends its own uploads into that session, as any client could, past the browser's own size check.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.test_browser import CHROMIUM, CHROMIUM_ARGS, stce_ui

MB = 1024 * 1024
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="no Debian chromium at /usr/bin/chromium (apt-get install chromium)"
    ),
]


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`stce ui` with STCE_MAX_FILE_MB=1 over an empty data directory (the upload needs no index)."""
    root = tmp_path_factory.mktemp("limit")
    (root / "corpus").mkdir()
    with stce_ui(root, max_file_mb="1") as running:
        yield running


def test_the_server_refuses_an_upload_over_stce_max_file_mb_and_takes_one_under(url: str, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    small = tmp_path / "manifest.txt"
    small.write_bytes(b"Glass-lined reactor 3000 L with agitator\n" * (MB // 2 // 41))
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto(f"{url}/screening")
        page.get_by_role("heading", name="Screen an invoice or manifest").wait_for(timeout=60_000)
        with page.expect_response(lambda r: "/_stcore/upload_file/" in r.url and r.request.method == "PUT") as sent:
            page.locator("input[type=file]").set_input_files(small)
        assert sent.value.status == 204, "the page's own 0.5 MB upload is taken"
        session = re.search(r"/_stcore/upload_file/([^/]+)/", sent.value.url)
        assert session is not None
        xsrf = next(c["value"] for c in page.context.cookies() if c["name"] == "_streamlit_xsrf")

        def put(file_id: str, size: int) -> tuple[int, str]:
            reply = page.request.put(
                f"{url}/_stcore/upload_file/{session[1]}/{file_id}",
                headers={"X-Xsrftoken": xsrf},
                multipart={"file": {"name": f"{file_id}.txt", "mimeType": "text/plain", "buffer": b"x" * size}},
            )
            return reply.status, reply.text()

        assert put("half", MB // 2) == (204, ""), "0.5 MB sent straight to the server is taken"
        status, body = put("double", 2 * MB)
        browser.close()
    assert status == 413 and "File too large" in body, (status, body)
