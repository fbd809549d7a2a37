"""The HTTP API (`stce serve`, ui/api.py): the `stce ask --json` contract over HTTP, tokens, limits, audit.

The gate's refusals (tokens, rate limit, body size, malformed bodies) come before any question is asked, so
those tests run over an empty home without the model or Chroma (`unit`); the answers run over a real eCFR
excerpt (`excerpt_home`) and are compared with the CLI's own `--json` lines.
"""

from __future__ import annotations

import doctest
import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

import ui.api
from assistant.answer.ask import Assistant
from assistant.answer.audit import AuditLog
from assistant.core.settings import Settings
from assistant.storage.tokens import TokenStore
from tests.conftest import SMALL_CCL_CODES, excerpt_home
from ui.api import API_MAX_LINES, create_app
from ui.cli import app as cli

ROOT = Path(__file__).resolve().parents[1]
QUESTIONS = (
    "glass-lined reactor 3 000 L",
    "frequency converter 800 Hz, 50 kVA",
    "frequency converter 400 Hz, 50 kVA, three-phase, frequency stability 0.01 %",
    "wooden office chair",
)
READY_WAIT_S = 300
"""How long the real-index tests wait for /ready: the model and index load in the background (a loaded
machine has taken minutes)."""


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


# --- tokens ----------------------------------------------------------------------------------------------


@pytest.mark.unit
def test_a_token_is_shown_once_and_only_its_hash_is_kept(tmp_path: Path) -> None:
    store = TokenStore(tmp_path)
    token = store.add("risk-engine")

    assert store.check(token).access == "ok" and store.check(token).name == "risk-engine"
    secret = token.rsplit("_", 1)[1]
    stored = (tmp_path / "tokens.sqlite").read_bytes()
    assert secret.encode() not in stored and token.encode() not in stored, "the secret is never stored"
    assert store.check(token[:-1] + ("A" if token[-1] != "A" else "B")).access == "unknown"
    assert store.check("").access == "missing" and store.check("not-a-token").access == "unknown"
    assert (tmp_path / "tokens.sqlite").stat().st_mode & 0o077 == 0, "private, like the rest of the home"


@pytest.mark.unit
def test_tokens_are_revoked_listed_and_named_once(tmp_path: Path) -> None:
    store = TokenStore(tmp_path)
    first = store.add("risk-engine")
    with pytest.raises(ValueError, match="in use"):
        store.add("risk-engine")
    with pytest.raises(ValueError, match="token name"):
        store.add("two words")

    assert store.revoke("risk-engine") and not store.revoke("risk-engine")
    assert store.check(first).access == "revoked"
    second = store.add("risk-engine")
    assert store.check(second).access == "ok" and store.check(first).access == "unknown"
    assert [(t.name, t.revoked) for t in store.list()] == [("risk-engine", None)]


@pytest.mark.unit
def test_stce_token_add_prints_the_token_once_and_revoke_ends_it(tmp_path: Path) -> None:
    runner, env = CliRunner(), {"STCE_HOME": str(tmp_path / "home")}

    added = runner.invoke(cli, ["token", "add", "risk-engine"], env=env)
    assert added.exit_code == 0, added.output
    token = added.stdout.strip()
    assert TokenStore(tmp_path / "home").check(token).name == "risk-engine"
    listed = runner.invoke(cli, ["token", "list"], env=env)
    assert "risk-engine" in listed.stdout and token not in listed.stdout
    assert runner.invoke(cli, ["token", "revoke", "risk-engine"], env=env).exit_code == 0
    assert TokenStore(tmp_path / "home").check(token).access == "revoked"
    again = runner.invoke(cli, ["token", "revoke", "risk-engine"], env=env)
    assert again.exit_code == 1 and "no API token" in again.output


# --- the gate, over an empty home (no question is asked) -------------------------------------------------


@pytest.fixture
def gate_settings(tmp_path: Path) -> Settings:
    return Settings(home=tmp_path / "home", api_max_body_kb=1, api_rate_per_minute=1000)


@pytest.fixture
def client(gate_settings: Settings) -> TestClient:
    """The app without its start-up (no `with`): the model and the index are never loaded."""
    return TestClient(create_app(gate_settings))


@pytest.mark.unit
def test_missing_wrong_and_revoked_tokens_are_refused_and_nothing_leaks(
    gate_settings: Settings, client: TestClient
) -> None:
    store = TokenStore(gate_settings.home)
    token = store.add("risk-engine")
    store.revoke("risk-engine")

    missing = client.get("/sources")
    wrong = client.get("/sources", headers=bearer("stce_0123456789ab_" + "x" * 43))
    garbage = client.post("/ask", json={"question": "reactor"}, headers={"Authorization": "Basic abc"})
    revoked = client.post("/ask", json={"question": "reactor"}, headers=bearer(token))

    assert [r.status_code for r in (missing, wrong, garbage, revoked)] == [401, 401, 401, 403]
    assert missing.headers["www-authenticate"] == "Bearer"
    assert missing.json() == {"error": "an API token is needed: send 'Authorization: Bearer <token>'"}
    assert wrong.json() == {"error": "the API token is not valid"}
    assert revoked.json() == {"error": "the API token was revoked: ask an editor for a new one"}
    for response in (missing, wrong, garbage, revoked):
        assert "risk-engine" not in response.text and "stce_" not in response.text
    calls = [(e["call"], e["status"], e["token"]) for e in AuditLog(gate_settings).entries()]
    assert calls == [
        ("GET /sources", 401, ""),
        ("GET /sources", 401, ""),
        ("POST /ask", 401, ""),
        ("POST /ask", 403, "risk-engine"),
    ], "every call is audited; a revoked token's holder is named in the trail, never in the answer"


@pytest.mark.unit
def test_probes_and_the_documentation_need_no_token(client: TestClient) -> None:
    assert client.get("/health").json() == {"status": "ok"}
    not_yet = client.get("/ready")
    assert not_yet.status_code == 503 and not not_yet.json()["ready"]
    assert client.get("/openapi.json").status_code == 200


@pytest.mark.unit
def test_oversized_bodies_get_413_with_a_clear_message(gate_settings: Settings, client: TestClient) -> None:
    headers = bearer(TokenStore(gate_settings.home).add("risk-engine"))
    big = {"question": "reactor " * 200}

    declared = client.post("/ask", json=big, headers=headers)
    streamed = client.post(
        "/ask", content=(chunk for chunk in [json.dumps(big).encode()[:600], b" " * 600]), headers=headers
    )

    for response in (declared, streamed):
        assert response.status_code == 413
        assert response.json() == {"error": "the request body is larger than 1 KB (STCE_API_MAX_BODY_KB)"}
    assert [e["status"] for e in AuditLog(gate_settings).entries()] == [413, 413]
    assert {e["token"] for e in AuditLog(gate_settings).entries()} == {"risk-engine"}


@pytest.mark.unit
def test_too_many_screening_lines_get_413(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path / "home", api_rate_per_minute=1000)
    client = TestClient(create_app(settings))
    lines = "description\n" + "".join(f"stainless steel pump model {n}\n" for n in range(API_MAX_LINES + 1))

    response = client.post(
        "/screen",
        content=lines,
        headers={**bearer(TokenStore(settings.home).add("risk-engine")), "Content-Type": "text/csv"},
    )

    assert response.status_code == 413
    assert response.json() == {"error": f"{API_MAX_LINES + 1} lines: one call may screen {API_MAX_LINES} at most"}


@pytest.mark.unit
def test_malformed_bodies_get_422_naming_the_problem(gate_settings: Settings, client: TestClient) -> None:
    headers = bearer(TokenStore(gate_settings.home).add("risk-engine"))

    not_json = client.post(
        "/ask", content=b"{question: reactor", headers={**headers, "Content-Type": "application/json"}
    )
    empty = client.post("/ask", json={"question": ""}, headers=headers)
    unknown = client.post("/ask", json={"question": "reactor", "colour": "red"}, headers=headers)
    no_lines = client.post("/screen", json={"lines": []}, headers=headers)
    no_description = client.post("/screen", json={"lines": [{"hs_code": "8419"}]}, headers=headers)
    bad_csv = client.post("/screen", content="price,weight\n12,3\n", headers={**headers, "Content-Type": "text/csv"})
    xml = client.post("/screen", content="<lines/>", headers={**headers, "Content-Type": "application/xml"})

    for response in (not_json, empty, unknown, no_lines, no_description, bad_csv):
        assert response.status_code == 422, response.text
    assert not_json.json()["error"].startswith("malformed request: ") and "JSON" in not_json.json()["error"]
    assert empty.json()["error"] == "malformed request: question: String should have at least 1 character"
    assert unknown.json()["error"] == "malformed request: colour: Extra inputs are not permitted"
    assert (
        no_lines.json()["error"] == "malformed request: lines: List should have at least 1 item after validation, not 0"
    )
    assert no_description.json()["error"] == "malformed request: lines.0.description: Field required"
    assert (
        bad_csv.json()["error"].startswith("malformed CSV: ")
        and "which column describes the goods" in (bad_csv.json()["error"])
    )
    assert xml.status_code == 415 and xml.json() == {"error": "send application/json or text/csv, not application/xml"}


@pytest.mark.unit
def test_a_token_over_its_rate_gets_429_with_retry_after(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path / "home", api_rate_per_minute=2)
    client = TestClient(create_app(settings))
    store = TokenStore(settings.home)
    first, other = bearer(store.add("risk-engine")), bearer(store.add("other-post"))

    statuses = [client.get("/sources", headers=first).status_code for _ in range(3)]
    refused = client.get("/sources", headers=first)

    assert statuses[:2] != [429, 429] and statuses[2] == 429
    assert refused.status_code == 429 and 1 <= int(refused.headers["retry-after"]) <= 30
    assert refused.json()["error"].startswith("too many requests: this token may make 2 a minute")
    assert client.get("/sources", headers=other).status_code != 429, "each token has its own limit"


@pytest.mark.unit
def test_the_api_module_examples_hold() -> None:
    """tests/test_doctests.py walks assistant and ingest; the rate limit's example lives in ui."""
    result = doctest.testmod(ui.api)
    assert result.attempted and not result.failed


@pytest.mark.unit
def test_docs_openapi_json_is_what_the_app_serves(client: TestClient) -> None:
    served = client.get("/openapi.json").json()
    kept = json.loads((ROOT / "docs" / "openapi.json").read_text(encoding="utf-8"))
    assert kept == served, "docs/openapi.json is stale: python -m ui.api > docs/openapi.json"


# --- answers over a real index ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("api") / "home"
    excerpt_home(home, SMALL_CCL_CODES)
    return home


@pytest.fixture(scope="module")
def served(home: Path) -> Iterator[tuple[TestClient, dict[str, str]]]:
    settings = Settings(home=home, api_rate_per_minute=1000)
    token = TokenStore(home).add("risk-engine")
    with TestClient(create_app(settings, Assistant(settings))) as client:
        deadline = time.monotonic() + READY_WAIT_S
        while client.get("/ready").status_code != 200 and time.monotonic() < deadline:
            time.sleep(0.2)
        yield client, bearer(token)


def cli_json_lines(home: Path, questions: tuple[str, ...]) -> list[dict[str, object]]:
    result = CliRunner().invoke(
        cli, ["ask", "--json", "-"], input="\n".join(questions) + "\n", env={"STCE_HOME": str(home)}
    )
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_ask_answers_with_the_cli_json_contract(home: Path, served: tuple[TestClient, dict[str, str]]) -> None:
    client, headers = served
    from_cli = cli_json_lines(home, QUESTIONS)

    from_api = [client.post("/ask", json={"question": q}, headers=headers) for q in QUESTIONS]

    assert [r.status_code for r in from_api] == [200] * len(QUESTIONS)
    decisions = []
    for cli_line, response in zip(from_cli, from_api):
        body = response.json()
        assert set(body) == set(cli_line) | {"conversation"}, "the contract's keys, and the conversation"
        assert body["decision"] == cli_line["decision"] and body["entries"] == cli_line["entries"]
        cli_line.pop("took_ms"), body.pop("took_ms"), body.pop("conversation")
        assert body == cli_line, f"{body['question']}: the API's JSON differs from `stce ask --json`"
        decisions.append(body["decision"])
    assert decisions == ["likely-controlled", "needs-facts", "not-controlled-as-described", "no-match"]


def test_a_follow_up_in_a_conversation_completes_the_goods(served: tuple[TestClient, dict[str, str]]) -> None:
    client, headers = served
    first = client.post("/ask", json={"question": "frequency converter 800 Hz, 50 kVA"}, headers=headers).json()

    follow = client.post(
        "/ask",
        json={"question": "three-phase, frequency stability 0.01 %", "conversation": first["conversation"]},
        headers=headers,
    )
    stranger = client.post("/ask", json={"question": "and at 400 Hz?", "conversation": "0" * 32}, headers=headers)

    assert first["decision"] == "needs-facts"
    assert follow.status_code == 200 and follow.json()["conversation"] == first["conversation"]
    assert follow.json()["decision"] == "likely-controlled" and "3A225" in follow.json()["entries"]
    assert stranger.status_code == 404 and stranger.json() == {"error": f"no conversation {'0' * 32!r} of this token"}


def test_screen_gives_one_decision_per_line_from_json_and_csv(served: tuple[TestClient, dict[str, str]]) -> None:
    client, headers = served
    lines = [
        {"description": "glass-lined reactor 3 000 L", "hs_code": "8419.89", "quantity": 2, "value": "48000 USD"},
        {"description": "wooden office chair", "hs_code": "9401.61", "quantity": 40, "value": 2400},
    ]
    csv = "description;hs code;quantity\nglass-lined reactor 3 000 L;8419.89;2\nwooden office chair;9401.61;40\n"

    as_json = client.post("/screen", json={"lines": lines}, headers=headers)
    as_csv = client.post("/screen", content=csv, headers={**headers, "Content-Type": "text/csv"})

    assert as_json.status_code == 200 and as_csv.status_code == 200, as_json.text + as_csv.text
    for body in (as_json.json(), as_csv.json()):
        by_line = {r["line"]: r for r in body["lines"]}
        assert sorted(by_line) == [1, 2]
        assert by_line[1]["decision"] == "likely-controlled" and by_line[1]["flag"] == "likely-controlled"
        assert by_line[1]["entries"] and by_line[1]["hs_code"] == "8419.89"
        assert by_line[2]["decision"] == "no-match" and by_line[2]["entries"] == []
    assert {r["line"]: r["value"] for r in as_json.json()["lines"]} == {1: "48000 USD", 2: 2400}


def test_entries_and_sources(served: tuple[TestClient, dict[str, str]]) -> None:
    client, headers = served

    entry = client.get("/entries/2b350", headers=headers, params={"list": "US CCL"})
    missing = client.get("/entries/9Z999", headers=headers)
    sources = client.get("/sources", headers=headers)

    assert entry.status_code == 200 and entry.json()["entry"] == "2B350"
    assert entry.json()["passages"] and entry.json()["criteria"]
    assert missing.status_code == 404 and missing.json() == {"error": "no entry 9Z999 in the index"}
    assert "US CCL" in {s["list_label"] for s in sources.json()}
    assert client.get("/ready").json() == {"ready": True, "lists": ["US CCL"]}


def test_every_call_is_audited_with_the_token_name(home: Path, served: tuple[TestClient, dict[str, str]]) -> None:
    client, headers = served
    before = len(AuditLog(Settings(home=home)).entries())

    asked = client.post("/ask", json={"question": "seal-less pump, 2 m3/h"}, headers=headers).json()
    client.get("/entries/2B350", headers=headers)

    new = AuditLog(Settings(home=home)).entries()[before:]
    answers = [e for e in new if "call" not in e]
    calls = [(e["call"], e["status"], e["token"]) for e in new if "call" in e]
    assert [(a["question"], a["token"], a["conversation"]) for a in answers] == [
        ("seal-less pump, 2 m3/h", "risk-engine", asked["conversation"])
    ]
    assert calls == [("POST /ask", 200, "risk-engine"), ("GET /entries/2B350", 200, "risk-engine")]
    assert next(e for e in new if e.get("call") == "POST /ask")["conversation"] == asked["conversation"]
