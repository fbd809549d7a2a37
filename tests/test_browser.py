"""One real browser (Debian's chromium, driven by Playwright) against `stce ui` on a free local port.

The tests run in file order (the editor's test replaces and removes the list last) and write the README's
screenshots to `docs/`: a run refreshes them.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from assistant.core.settings import Settings
from ingest.pipeline import Ingester
from tests.conftest import SMALL_CCL_CODES, ccl_excerpt

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
STARTUP_TIMEOUT_S = 60
DOCS = Path(__file__).resolve().parents[1] / "docs"
PASSWORD = "browser test password"
MANIFEST = """Glass-lined reactor 3000 L with agitator
Office chairs, 40 pieces
Centrifugal pump, PTFE-lined, 20 m3/h
Frequency changer, 3-phase, 800 Hz, 50 kVA
"""

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="no Debian chromium at /usr/bin/chromium (apt-get install chromium)"
    ),
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


@contextmanager
def stce_ui(root: Path, **settings: str) -> Iterator[str]:
    """`stce ui` on a free local port over `root`'s home and corpus, with more STCE_ `settings`; its URL."""
    env = {
        **os.environ,
        "PYTHONPATH": str(Path(__file__).resolve().parents[1]),  # this checkout's code, not an installed one
        "STCE_HOME": str(root / "home"),
        "STCE_CORPUS_DIR": str(root / "corpus"),
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        **{f"STCE_{name.upper()}": value for name, value in settings.items()},
    }
    port = free_port()
    stce = Path(sys.executable).with_name("stce")
    server = subprocess.Popen(
        [str(stce), "ui", "--server.address", "127.0.0.1", "--server.port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(root / "server.log").open("wb"),
    )
    try:
        wait_healthy(f"http://127.0.0.1:{port}", server)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=30)


def excerpt_root(root: Path) -> Path:
    """A data directory holding the US CCL excerpt (no curriculum, so the UI starts in seconds)."""
    (root / "corpus").mkdir()
    (root / "ccl.xml").write_text(ccl_excerpt(), encoding="utf-8")
    ingester = Ingester(Settings(home=root / "home"))
    ingester.ingest([root / "ccl.xml"], name="ccl", version_label="2026-06")
    ingester.store.client.close()
    return root


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`stce ui` over the excerpt, shared by the module's tests (some of them edit its sources)."""
    with stce_ui(excerpt_root(tmp_path_factory.mktemp("browser")), editor_password=PASSWORD) as running:
        yield running


@pytest.fixture
def own_url(tmp_path: Path) -> Iterator[str]:
    """`stce ui` over an excerpt of its own, for a test that needs the index as ingested."""
    with stce_ui(excerpt_root(tmp_path)) as running:
        yield running


@pytest.fixture
def page(url: str) -> Iterator[Page]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1100})
        page.goto(url)
        yield page
        browser.close()


def screenshot(page: Page, name: str) -> None:
    """A README screenshot, checked in under docs/ (the lead re-runs this test to refresh them)."""
    DOCS.mkdir(exist_ok=True)
    page.screenshot(path=DOCS / name)
    assert (DOCS / name).stat().st_size > 10_000


def answered(messages: Locator) -> bool:
    """The follow-up and its answer are shown (not the sentence of a question stored before its answer)."""
    if messages.count() < 4:
        return False
    answer = messages.nth(3).inner_text()
    return "had no answer yet" not in answer and "50" in answer


def test_an_officer_asks_about_a_reactor_and_sees_the_cited_entry(url: str, tmp_path: Path) -> None:
    """Then reloads, also after a page switch: the conversation is back. The question box has the focus at once;
    nothing the page loads comes from anywhere but the app's server."""
    from playwright.sync_api import expect, sync_playwright

    requested: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1100})
        page.on("request", lambda request: requested.append(request.url))
        page.goto(url)
        question = page.get_by_placeholder("Describe the goods")
        question.wait_for(timeout=120_000)
        expect(question).to_be_focused()

        question.fill("glass-lined reactor, 1000 litres")
        question.press("Enter")

        answer = page.get_by_test_id("stChatMessage").nth(1)
        expect(answer.get_by_text("2B350.a.1").first).to_be_visible(timeout=120_000)
        expect(answer.get_by_text("[1] 2B350.a.1").first).to_be_visible()
        page.get_by_test_id("stChatMessage").first.scroll_into_view_if_needed()  # the question and the decision line
        screenshot(page, "chat.png")
        expect(page).to_have_url(re.compile(r"[?&]c=[0-9a-f]{32}"))

        page.reload()

        back = page.get_by_test_id("stChatMessage")
        expect(back.nth(0).get_by_text("glass-lined reactor, 1000 litres")).to_be_visible(timeout=120_000)
        expect(back.nth(1).get_by_text("[1] 2B350.a.1").first).to_be_visible()
        expect(page.get_by_test_id("stSidebar").get_by_role("button", name="glass-lined reactor")).to_be_visible()
        page.screenshot(path=tmp_path / "reloaded.png")

        page.get_by_role("link", name="Screening").click()
        expect(page.get_by_role("heading", name="Screen an invoice or manifest")).to_be_visible()
        page.reload()
        page.get_by_role("link", name="Chat").click()
        expect(page.get_by_test_id("stChatMessage").nth(1).get_by_text("[1] 2B350.a.1").first).to_be_visible(
            timeout=60_000
        )

        follow_up = page.get_by_placeholder("Describe the goods")
        follow_up.fill("and if it is only 50 litres?")
        follow_up.press("Enter")
        expect(page.get_by_test_id("stChatMessage").nth(2)).to_be_visible()
        page.reload()  # mid-answer: the question is kept, and its answer once it is done
        deadline = time.monotonic() + 60
        while not answered(page.get_by_test_id("stChatMessage")):
            assert time.monotonic() < deadline, "the follow-up's answer never came back"
            page.wait_for_timeout(2_000)
            page.reload()
            page.get_by_test_id("stChatMessage").first.wait_for(timeout=60_000)
        browser.close()
    assert [u for u in requested if not u.startswith((url, "data:", "blob:"))] == []


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


def test_a_manifest_is_screened_line_by_line(page: Page, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    manifest = tmp_path / "manifest.txt"
    manifest.write_text(MANIFEST, encoding="utf-8")
    page.get_by_role("link", name="Screening").click()
    page.locator("input[type=file]").set_input_files(manifest)
    page.get_by_role("button", name="Screen").filter(has_text="Screen").last.click()

    expect(page.get_by_role("heading", name="manifest.txt: 4 lines")).to_be_visible(timeout=120_000)
    expect(page.get_by_test_id("stTable").first).to_be_visible(timeout=60_000)
    expect(page.get_by_test_id("stTable").first).to_contain_text("falls to")
    screenshot(page, "screening.png")


def test_an_editor_sees_what_a_new_version_changed_and_removal_asks_first(page: Page, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    changed = ccl_excerpt(tuple(c for c in SMALL_CCL_CODES if c != "2B999"))
    (tmp_path / "ccl.xml").write_text(changed.replace("greater than 0.6 m", "greater than 0.7 m"), encoding="utf-8")
    page.get_by_role("link", name="Sources").click()
    page.get_by_label("Editor password").fill(PASSWORD)
    page.get_by_text("Unlock", exact=True).click()
    ingest = page.get_by_role("button").filter(has_text="Ingest")
    expect(ingest).to_be_disabled(timeout=60_000)

    page.locator("input[type=file]").set_input_files(tmp_path / "ccl.xml")
    expect(page.get_by_text("Detected: control list")).to_be_visible(timeout=60_000)
    version = page.get_by_label("Version label")
    version.fill("2026-07")
    version.press("Enter")
    expect(ingest).to_be_enabled()
    ingest.click()

    expect(page.get_by_text("Entries changed")).to_be_visible(timeout=120_000)
    expect(page.get_by_text("Removed: 2B999")).to_be_visible()
    screenshot(page, "sources.png")

    page.get_by_text("Remove a source", exact=True).click()
    page.get_by_text("Remove ccl", exact=True).click()
    expect(page.get_by_text("Yes, remove ccl", exact=True)).to_be_visible(timeout=30_000)
    expect(page.get_by_text("will no longer be searched")).to_be_visible()
    expect(page.get_by_test_id("stTable").get_by_text("ccl", exact=True)).to_be_visible()  # nothing removed yet

    page.get_by_text("Yes, remove ccl", exact=True).click()

    expect(page.get_by_text("Removed ccl:")).to_be_visible(timeout=60_000)
    expect(page.get_by_text("No sources yet")).to_be_visible()


def test_the_verdict_is_in_view_after_an_answer_and_a_french_answer_is_all_french(own_url: str) -> None:
    """After each answer the window shows its verdict line (not the check tables below it); an answer in
    French has no English heading, badge, table head or disclaimer."""
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(own_url)
        question = page.get_by_placeholder("Describe the goods")
        question.wait_for(timeout=120_000)
        question.fill("reactor, 1000 litres")
        question.press("Enter")
        first = page.get_by_test_id("stChatMessage").nth(1)
        verdict = first.get_by_text("Needs facts: 2B350.a.1").first
        expect(verdict).to_be_in_viewport(timeout=120_000)
        first.get_by_role("radio", name="glass-lined steel", exact=True).click()
        follow = page.get_by_test_id("stChatMessage").nth(3).get_by_text("Likely controlled: 2B350.a.1").first
        expect(follow).to_be_in_viewport(timeout=120_000)
        page.wait_for_function(  # the page brings the verdict to the top, then leaves it there
            "() => { const t = [...document.querySelectorAll('[data-testid=stChatMessage]')].pop();"
            " const v = t && t.querySelector('[data-testid=stAlert]');"
            " return v && v.innerText.startsWith('Likely') && Math.abs(v.getBoundingClientRect().top) < 150; }",
            timeout=30_000,
        )
        box = follow.bounding_box()
        assert box is not None and 0 <= box["y"] < 1000 / 2, box

        page.get_by_test_id("stSidebar").get_by_role("button", name="New conversation").click()
        box = page.get_by_placeholder("Describe the goods")
        box.fill("réacteur émaillé de 3 000 litres")  # answered in the question's language (Auto)
        box.press("Enter")
        french = page.get_by_test_id("stChatMessage").nth(1)
        expect(french.get_by_text("Probablement contrôlé").first).to_be_in_viewport(timeout=120_000)
        expect(french.get_by_text("Ceci est une piste pour l'agent", exact=False)).to_be_visible()
        text = french.inner_text()
        browser.close()
    for english in ("Likely controlled", "applies", "Control entries", "This is a lead", "parameter", "threshold"):
        assert english not in text, english
