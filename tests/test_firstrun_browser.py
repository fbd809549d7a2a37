"""A browser on a fresh install: the first page shows the lists' preparation, then answers over them.

`stce ui` starts on an empty home with `STCE_LISTS_DIR` set to a small folder holding a real eCFR excerpt with
its fetch record: whole lists take minutes, this seconds (minutes on a loaded machine).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.test_browser import CHROMIUM, CHROMIUM_ARGS, free_port, wait_healthy
from tests.test_firstrun import ANTHRAX, lists_folder

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="no Debian chromium at /usr/bin/chromium"),
]


def test_a_fresh_install_shows_the_preparation_then_answers(tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    (tmp_path / "corpus").mkdir()
    env = {
        **os.environ,
        "STCE_HOME": str(tmp_path / "home"),
        "STCE_CORPUS_DIR": str(tmp_path / "corpus"),
        "STCE_LISTS_DIR": str(lists_folder(tmp_path / "lists", justice=False)),
    }
    port = free_port()
    command = [sys.executable, "-c", "from ui.cli import app; app()", "ui", "--server.address", "127.0.0.1"]
    with (tmp_path / "server.log").open("wb") as log:
        server = subprocess.Popen([*command, "--server.port", str(port)], cwd=ROOT, env=env, stdout=log, stderr=log)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, server)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1100})
            page.goto(url)

            status = page.get_by_test_id("stExpander").filter(has_text="Preparing the control lists")
            expect(status.first).to_be_visible(timeout=120_000)
            # the list, its phase and n/N once the child has begun ("starting" before)
            expect(status.get_by_text(re.compile(r"\(file [01]/1\)")).first).to_be_visible(timeout=120_000)
            page.screenshot(path=tmp_path / "preparing.png")

            expect(status).to_have_count(0, timeout=600_000)  # prepared: the status goes
            question = page.get_by_placeholder("Describe the goods")
            question.fill(ANTHRAX)
            question.press("Enter")

            answer = page.get_by_test_id("stChatMessage").nth(1)
            expect(answer.get_by_text("Likely controlled: 1C351").first).to_be_visible(timeout=120_000)
            expect(answer.get_by_text("2026-06-01").first).to_be_visible()
            page.screenshot(path=tmp_path / "answered.png")
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
