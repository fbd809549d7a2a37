"""One real browser (Debian's chromium, driven by Playwright) against `stce ui` on a free local port."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.settings import Settings
from ingest.pipeline import Ingester
from tests.conftest import ccl_excerpt

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
STARTUP_TIMEOUT_S = 60

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="no Debian chromium at /usr/bin/chromium (apt-get install chromium)"),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_healthy(url: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"stce ui exited with {server.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as reply:
                if reply.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"{url} not healthy after {STARTUP_TIMEOUT_S} s")


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`stce ui` over a data directory holding the US CCL excerpt (no curriculum, so it starts in seconds)."""
    root = tmp_path_factory.mktemp("browser")
    (root / "corpus").mkdir()
    (root / "ccl.xml").write_text(ccl_excerpt(), encoding="utf-8")
    ingester = Ingester(Settings(home=root / "home"))
    ingester.ingest([root / "ccl.xml"], name="ccl", version_label="2026-06")
    ingester.store.client.close()
    env = {**os.environ, "STCE_HOME": str(root / "home"), "STCE_CORPUS_DIR": str(root / "corpus"),
           "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    env.pop("STCE_EDITOR_PASSWORD", None)
    port = free_port()
    stce = Path(sys.executable).with_name("stce")
    server = subprocess.Popen([str(stce), "ui", "--server.address", "127.0.0.1", "--server.port", str(port)],
                              env=env, stdout=subprocess.DEVNULL, stderr=(root / "server.log").open("wb"))
    try:
        wait_healthy(f"http://127.0.0.1:{port}", server)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_an_officer_asks_about_a_reactor_and_sees_the_cited_entry(url: str, tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1100})
        page.goto(url)
        question = page.get_by_placeholder("Describe the goods")
        question.wait_for(timeout=120_000)

        question.fill("glass-lined reactor, 1000 litres")
        question.press("Enter")

        answer = page.get_by_test_id("stChatMessage").nth(1)
        expect(answer.get_by_text("2B350.a.1").first).to_be_visible(timeout=120_000)
        expect(answer.get_by_text("[1] 2B350.a.1").first).to_be_visible()
        page.screenshot(path=tmp_path / "chat.png")
        browser.close()
    assert (tmp_path / "chat.png").stat().st_size > 10_000


def test_a_needs_facts_answer_offers_the_fact_and_clicking_it_changes_the_decision(url: str, tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1100})
        page.goto(url)
        question = page.get_by_placeholder("Describe the goods")
        question.wait_for(timeout=120_000)

        question.fill("reactor, 1000 litres")
        question.press("Enter")

        first = page.get_by_test_id("stChatMessage").nth(1)
        expect(first.get_by_text("Needs facts: 2B350.a.1").first).to_be_visible(timeout=120_000)
        expect(first.get_by_text("Wetted material?")).to_be_visible()
        first.get_by_role("radio", name="glass-lined steel", exact=True).click()

        follow = page.get_by_test_id("stChatMessage").nth(3)
        expect(follow.get_by_text("Likely controlled: 2B350.a.1").first).to_be_visible(timeout=120_000)
        expect(follow.get_by_text("glass-lined steel is a listed material", exact=False).first).to_be_visible()
        expect(page.get_by_test_id("stChatMessage").nth(2)).to_contain_text("wetted parts glass-lined steel")
        page.screenshot(path=tmp_path / "fact.png")
        browser.close()
    assert (tmp_path / "fact.png").stat().st_size > 10_000
