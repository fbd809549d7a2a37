"""Chroma server mode (`STCE_CHROMA_URL`): ingest, re-ingest and ask against a real `chroma run` server.

CI starts the server and names it in `STCE_TEST_CHROMA_URL`; without it, this module starts one on a free
loopback port. Each test writes to a collection of its own, so a shared server is never polluted.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import chromadb
import pytest
import streamlit as st
from chromadb.api import ClientAPI
from chromadb.config import Settings as ChromaSettings
from streamlit.testing.v1 import AppTest

from assistant.answer.ask import Assistant
from assistant.core.settings import Settings
from assistant.storage.registry import Registry
from assistant.storage.store import PassageStore
from ingest.pipeline import Ingester
from tests.conftest import ccl_excerpt

EMBEDDING_NAME = "stce-all-minilm-l6-v2"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_for_heartbeat(url: str, server: subprocess.Popen[bytes] | None, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=2):
                return
        except OSError:
            assert server is None or server.poll() is None, "chroma run exited"
            assert time.monotonic() < deadline, f"no Chroma server answers at {url}"
            time.sleep(0.2)


@pytest.fixture(scope="session")
def chroma_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """CI's server, or one of our own: the `chroma` command installed with chromadb, on 127.0.0.1."""
    given = os.environ.get("STCE_TEST_CHROMA_URL")
    if given:
        _wait_for_heartbeat(given, None)
        yield given
        return
    port = _free_port()
    path = tmp_path_factory.mktemp("chroma-server")
    command = [
        str(Path(sys.executable).parent / "chroma"),
        "run",
        "--path",
        str(path),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
    ]
    with (path.parent / "chroma-server.log").open("wb") as log:
        server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_for_heartbeat(url, server)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


def http_client(url: str) -> ClientAPI:
    parts = urlparse(url)
    return chromadb.HttpClient(
        host=parts.hostname or "127.0.0.1", port=parts.port or 8000, settings=ChromaSettings(anonymized_telemetry=False)
    )


@pytest.fixture
def settings(chroma_url: str, tmp_path: Path) -> Iterator[Settings]:
    """A data directory whose vectors live on the server, in a collection only this test uses."""
    settings = Settings(home=tmp_path / "home", chroma_url=chroma_url, collection=f"test-{uuid.uuid4().hex[:12]}")
    yield settings
    http_client(chroma_url).delete_collection(settings.collection)


def test_ingest_reingest_and_ask_against_a_chroma_server(settings: Settings, tmp_path: Path) -> None:
    first = tmp_path / "ccl.xml"
    first.write_text(ccl_excerpt(), encoding="utf-8")
    second = tmp_path / "v2" / "ccl.xml"
    second.parent.mkdir()
    second.write_text(ccl_excerpt().replace("greater than 0.6 m", "greater than 0.7 m"), encoding="utf-8")
    with Ingester(settings) as ingester:
        [added] = ingester.ingest([first], name="ccl", version_label="v1")
    assistant = Assistant(settings)
    before = assistant.ask("seal-less pump, 2 m3/h, wetted parts Hastelloy")

    with Ingester(settings) as ingester:
        [updated] = ingester.ingest([second], name="ccl", version_label="v2")
    after = assistant.ask("seal-less pump, 2 m3/h, wetted parts Hastelloy")

    assert added.status == "added" and updated.status == "updated"
    assert 0 < updated.embedded < 5, "unchanged passages reuse their vectors from the server"
    assert before.entries[0] == after.entries[0] == "2B350"
    assert "0.6 m3" in before.candidates[0].quote and "0.7 m3" in after.candidates[0].quote
    [source] = Registry(settings.registry_path).sources()
    assert {c.passage.version_id for c in after.citations} == {source.version_id}
    stored = http_client(settings.chroma_url or "").get_collection(settings.collection).get(include=["metadatas"])
    assert {m["version_id"] for m in stored["metadatas"] or []} == {source.version_id}, "the old version is gone"
    assert len(stored["ids"]) == source.passages


def test_remove_empties_the_server_collection(settings: Settings, small_ccl: Path) -> None:
    with Ingester(settings) as ingester:
        ingester.ingest([small_ccl], name="ccl")
        assert ingester.remove("ccl")

    assert http_client(settings.chroma_url or "").get_collection(settings.collection).count() == 0
    assert Registry(settings.registry_path).sources() == []


def test_a_bare_client_opens_the_collection_with_our_embedding_function(settings: Settings) -> None:
    """chromadb rebuilds the function named in the collection's config; ours is registered, so never its default."""
    PassageStore.open(settings)
    bare = http_client(settings.chroma_url or "").get_collection(settings.collection)

    assert bare.configuration_json["embedding_function"]["name"] == EMBEDDING_NAME
    assert bare.configuration["embedding_function"].name() == EMBEDDING_NAME  # type: ignore[union-attr]
    assert bare.configuration_json["hnsw"]["space"] == "cosine"


def test_an_embedded_collection_names_our_embedding_function_too(small_ccl: Path, tmp_path: Path) -> None:
    """Opened by a bare client, the embedded collection embeds a text query with our model, as ingest did."""
    settings = Settings(home=tmp_path / "home")
    with Ingester(settings) as ingester:
        ingester.ingest([small_ccl], name="ccl")
    store = PassageStore.open(settings)
    ours = store.search(
        "seal-less pump, 2 m3/h, wetted parts Hastelloy", 3, [Registry(settings.registry_path).sources()[0].version_id]
    )
    store.client.close()
    client = chromadb.PersistentClient(str(settings.chroma_dir), settings=ChromaSettings(anonymized_telemetry=False))
    bare = client.get_collection(settings.collection)
    found = bare.query(query_texts=["seal-less pump, 2 m3/h, wetted parts Hastelloy"], n_results=3)
    client.close()

    assert bare.configuration_json["embedding_function"]["name"] == EMBEDDING_NAME
    assert found["ids"][0] == [h.passage.id for h in ours]


def _start_server(path: Path, port: int) -> subprocess.Popen[bytes]:
    command = [
        str(Path(sys.executable).parent / "chroma"),
        "run",
        "--path",
        str(path),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
    ]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    _wait_for_heartbeat(f"http://127.0.0.1:{port}", server)
    return server


def test_a_server_that_dies_mid_batch_fails_each_question_in_a_line_and_comes_back(
    small_ccl: Path, tmp_path: Path
) -> None:
    """`stce ask --json -` keeps reading: a line with the error for each question the dead server cannot
    answer, then answers again once the server is back, without a restart."""
    port, data = _free_port(), tmp_path / "chroma-data"
    server = _start_server(data, port)
    settings = Settings(home=tmp_path / "home", chroma_url=f"http://127.0.0.1:{port}")
    env = {
        **os.environ,
        "PYTHONPATH": str(Path(__file__).resolve().parents[1]),
        "STCE_HOME": str(settings.home),
        "STCE_CHROMA_URL": settings.chroma_url or "",
        "STCE_CORPUS_DIR": str(tmp_path / "no-corpus"),
    }
    child: subprocess.Popen[str] | None = None
    lines: list[dict] = []
    try:
        with Ingester(settings) as ingester:
            ingester.ingest([small_ccl], name="ccl")
        child = subprocess.Popen(
            [sys.executable, "-c", "from ui.cli import app; app(prog_name='stce')", "ask", "--json", "-"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        assert child.stdin is not None and child.stdout is not None

        def ask(question: str) -> None:
            child.stdin.write(question + "\n")
            child.stdin.flush()
            lines.append(json.loads(child.stdout.readline()))

        ask("seal-less pump, 2 m3/h, wetted parts Hastelloy")
        server.terminate()
        server.wait(timeout=30)
        ask("2B350.i")
        ask("fermenter, 100 litre capacity")
        server = _start_server(data, port)
        ask("seal-less pump, 2 m3/h, wetted parts Hastelloy")
        child.stdin.close()
        code = child.wait(timeout=120)
    finally:
        server.terminate()
        server.wait(timeout=30)
        if child is not None and child.poll() is None:
            child.kill()

    assert code == 2, "a question failed, so the batch ends non-zero"
    assert [line.get("error", "")[:40] for line in lines] == [
        "",
        f"The search store (the Chroma server at {settings.chroma_url}"[:40],
        f"The search store (the Chroma server at {settings.chroma_url}"[:40],
        "",
    ]
    assert [line["question"] for line in lines[1:3]] == ["2B350.i", "fermenter, 100 litre capacity"]
    assert "does not answer" in lines[1]["error"]
    assert lines[0]["candidates"][0]["entry"] == lines[3]["candidates"][0]["entry"] == "2B350"


def _stop(server: subprocess.Popen[bytes]) -> None:
    server.terminate()
    server.wait(timeout=30)


def test_the_chat_says_plainly_when_the_chroma_server_is_down_and_recovers_without_a_restart(
    small_ccl: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Down at start, back, down between questions, back: each question gets an answer or a plain sentence."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    server = _start_server(tmp_path / "chroma", port)
    with Ingester(Settings(home=tmp_path / "home", chroma_url=url)) as ingester:
        ingester.ingest([small_ccl], name="ccl")
    _stop(server)
    (tmp_path / "corpus").mkdir()
    for name, value in (("HOME", tmp_path / "home"), ("CHROMA_URL", url), ("CORPUS_DIR", tmp_path / "corpus")):
        monkeypatch.setenv(f"STCE_{name}", str(value))
    st.cache_resource.clear()
    app = AppTest.from_file(str(Path(__file__).resolve().parents[1] / "ui" / "app.py"), default_timeout=120).run()

    def ask() -> str:
        app.chat_input[0].set_value("glass-lined reactor, 1000 litres").run()
        assert not app.exception
        turn = app.session_state["turns"][-1]
        return turn["error"] or turn["answer"].entries[0]

    try:
        down_at_start = ask()
        server = _start_server(tmp_path / "chroma", port)
        back = ask()
        _stop(server)
        down_later = ask()
        server = _start_server(tmp_path / "chroma", port)
        back_again = ask()
    finally:
        _stop(server)
        st.cache_resource.clear()

    assert (
        down_at_start
        == down_later
        == (
            f"The search store (the Chroma server at {url}) does not answer. Nothing is lost: ask again once it is "
            "running, or tell the administrator."
        )
    )
    assert back == back_again == "2B350"
