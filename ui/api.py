"""The HTTP API (`stce serve`): risk systems ask, screen and read entries through the same `Assistant`.

Every answer is the `stce ask --json` contract (`render.answer_json`, the one function that writes it), so a
risk system that read the CLI's lines reads the API's bodies. Calls need an API token an editor added
(`stce token add NAME`); a gate in front of the routes checks it, applies the token's rate limit and the body
size limit, and writes every call to the audit trail with the token's name. `/health` and `/ready` need no
token and are not audited: a load balancer polls them.

One question at a time per process, as in the chat UI (the index may close its store when it reloads after
an ingest): more throughput comes from more processes, not threads.
"""

from __future__ import annotations

import asyncio
import logging
import math
import threading
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.security import HTTPBearer
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from assistant.answer.ask import Assistant
from assistant.answer.audit import AuditLog
from assistant.answer.render import answer_json, entry_json, source_json
from assistant.answer.screen import screen
from assistant.core.errors import StceError, plain_reason
from assistant.core.settings import Settings
from assistant.storage.conversations import ConversationStore, StoredTurn
from assistant.storage.tokens import Checked, TokenStore
from ingest.lineitems import LineItem, line_items_from_bytes

log = logging.getLogger(__name__)

API_MAX_LINES = 500
"""Declaration lines one screening call may carry: at about 40 ms a distinct line (bench.screen: 24 lines/s
on two cores) 500 lines take some 20 s, about the longest a risk system should hold a connection open."""
MAX_QUESTION_CHARS = 4000
"""Longest question: ten times the longest invoice description of the benchmarks; more is a document, which
belongs in a screening call."""
OPEN_PATHS = frozenset({"/health", "/ready", "/openapi.json"})
"""Paths without a token and without an audit line: the probes and the OpenAPI document."""
WARM_UP_QUESTION = "glass-lined reactor 3 000 L"
"""Asked once before /ready says ready: the first question loads what the model and index load leave lazy
(the chemicals library, the keyword index, ...), which took 16 s on this machine, loaded; later ones 0.2 s."""
CSV_TYPES = ("text/csv", "application/csv")
_SCHEMAS = "#/components/schemas/"

_bearer = HTTPBearer(auto_error=False, description="An API token from `stce token add NAME`.")


class AskRequest(BaseModel):
    """One question, or a follow-up in a conversation the API returned earlier."""

    model_config = ConfigDict(extra="forbid")

    question: str = Field(min_length=1, max_length=MAX_QUESTION_CHARS, examples=["glass-lined reactor 3 000 L"])
    conversation: str | None = Field(
        default=None,
        max_length=64,
        description="The `conversation` of an earlier answer: the question is read as a follow-up of it.",
    )
    k: int | None = Field(default=None, ge=1, le=20, description="How many candidate entries.")
    lists: list[str] | None = Field(default=None, description="Search only these lists (labels, e.g. 'US CCL').")
    language: Literal["en", "fr"] | None = Field(default=None, description="The answer's language.")


class Refusal(BaseModel):
    """Why a call was refused or failed: one plain sentence (422 adds FastAPI's `detail` list)."""

    error: str
    detail: list[dict[str, Any]] | None = None


REFUSALS: dict[int | str, dict[str, Any]] = {
    status: {"model": Refusal, "description": what}
    for status, what in (
        (401, "No API token, or one that is not valid"),
        (403, "The API token was revoked"),
        (404, "No such entry or conversation"),
        (413, "The body is larger than STCE_API_MAX_BODY_KB, or too many lines"),
        (422, "A malformed body: which field, and what is wrong"),
        (429, "Past the token's rate (STCE_API_RATE_PER_MINUTE); see Retry-After"),
        (503, "Starting, or the index or Chroma server failed this call"),
    )
}


class ScreenLine(BaseModel):
    """One declaration line; only the description is asked, never the declared codes."""

    model_config = ConfigDict(extra="forbid")

    description: str = Field(min_length=1, max_length=MAX_QUESTION_CHARS)
    hs_code: str = Field(default="", max_length=32)
    quantity: float | None = None
    unit: str = Field(default="", max_length=32)
    value: float | str | None = Field(default=None, description="Declared value, returned with the line.")
    declared: str = Field(default="", max_length=200, description="The control code or status the line declares.")
    line: int | None = Field(default=None, ge=0, description="The line's number; default: its position from 1.")


class ScreenRequest(BaseModel):
    """Declaration lines as JSON (CSV goes as a `text/csv` body with a description column)."""

    model_config = ConfigDict(extra="forbid")

    lines: list[ScreenLine] = Field(min_length=1)


@dataclass
class _Bucket:
    tokens: float
    at: float


class RateLimit:
    """A token bucket per API token: `per_minute` requests a minute on average, as many in a burst."""

    def __init__(self, per_minute: int) -> None:
        self.capacity = float(per_minute)
        self.refill = per_minute / 60.0
        self._buckets: dict[str, _Bucket] = {}
        self._lock = threading.Lock()

    def take(self, name: str, now: float | None = None) -> float:
        """0 when `name` may make a request now (it is counted), else the seconds until it may.

        >>> limit = RateLimit(per_minute=2)
        >>> limit.take("a", now=0.0), limit.take("a", now=0.0), limit.take("a", now=0.0), limit.take("b", now=0.0)
        (0.0, 0.0, 30.0, 0.0)
        >>> limit.take("a", now=30.0)
        0.0
        """
        now = time.monotonic() if now is None else now
        with self._lock:
            bucket = self._buckets.setdefault(name, _Bucket(self.capacity, now))
            bucket.tokens = min(self.capacity, bucket.tokens + (now - bucket.at) * self.refill)
            bucket.at = now
            if bucket.tokens >= 1:
                bucket.tokens -= 1
                return 0.0
            return (1 - bucket.tokens) / self.refill


def _refusal(status: int, error: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": error}, status_code=status, headers=headers)


def token_refusal(checked: Checked) -> JSONResponse | None:
    """401 or 403 for a token that opens nothing; the body names no token, no user and no data."""
    challenge = {"WWW-Authenticate": "Bearer"}
    if checked.access == "missing":
        return _refusal(401, "an API token is needed: send 'Authorization: Bearer <token>'", challenge)
    if checked.access == "unknown":
        return _refusal(401, "the API token is not valid", challenge)
    if checked.access == "revoked":
        return _refusal(403, "the API token was revoked: ask an editor for a new one")
    return None


class Gate:
    """In front of every route but `OPEN_PATHS`: token (401/403), rate limit (429), body size (413), then one
    audit line for the call with the token's name and the status it got."""

    def __init__(self, app: ASGIApp, tokens: TokenStore, limit: RateLimit, settings: Settings, audit: AuditLog) -> None:
        self.app, self.tokens, self.limit, self.audit = app, tokens, limit, audit
        self.max_bytes = settings.api_max_body_kb * 1024

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in OPEN_PATHS:
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500
        state = scope.setdefault("state", {})

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        checked = await run_in_threadpool(self.tokens.check, _bearer_of(scope))
        state["token"] = checked.name
        try:
            refusal = token_refusal(checked)
            if refusal is None and (wait := self.limit.take(checked.name)):
                refusal = _refusal(
                    429,
                    f"too many requests: this token may make {self.limit.capacity:.0f} a minute; "
                    f"try again in {math.ceil(wait)} s",
                    {"Retry-After": str(math.ceil(wait))},
                )
            body = b"" if refusal else await self._body(scope, receive)
            if body is None:
                refusal = _refusal(
                    413, f"the request body is larger than {self.max_bytes // 1024} KB (STCE_API_MAX_BODY_KB)"
                )
            if refusal is not None:
                await refusal(scope, receive, sending)
            else:
                await self.app(scope, _replay(body or b"", receive), sending)
        finally:
            call = f"{scope['method']} {scope['path']}"
            took = round((time.perf_counter() - started) * 1000, 1)
            await run_in_threadpool(
                self.audit.record_call, checked.name, call, status, took_ms=took, **state.get("audit", {})
            )

    async def _body(self, scope: Scope, receive: Receive) -> bytes | None:
        """The whole body, or None as soon as it is larger than allowed (a declared length is believed first)."""
        declared = dict(scope["headers"]).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.max_bytes:
            return None
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return b"".join(chunks)
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                return None
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)


def _bearer_of(scope: Scope) -> str | None:
    """The token after `Bearer` in the Authorization header, if any."""
    header = dict(scope["headers"]).get(b"authorization", b"").decode("latin-1")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def _replay(body: bytes, receive: Receive) -> Callable[[], Awaitable[Message]]:
    """A `receive` that gives the body already read, then waits for the client as the original does."""
    given = False

    async def replayed() -> Message:
        nonlocal given
        if not given:
            given = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replayed


def _plain_errors(errors: list[Any]) -> str:
    """FastAPI's validation errors as one sentence: where, and what is wrong."""
    parts = []
    for e in errors:
        where = ".".join(str(x) for x in e.get("loc", ()) if x != "body") or "body"
        parts.append(f"{where}: {e.get('msg', 'invalid')}")
    return "malformed request: " + "; ".join(parts)


def create_app(settings: Settings, assistant: Assistant | None = None) -> FastAPI:
    """The API over `settings.home`; `assistant` is made (and warmed up in the background) when not given."""
    tokens = TokenStore(settings.home)
    conversations = ConversationStore(settings.home / "conversations.sqlite")
    one_at_a_time = threading.Lock()
    ready = threading.Event()
    state: dict[str, Any] = {"assistant": assistant, "failed": ""}

    def warm_up() -> None:
        try:
            if state["assistant"] is None:
                from ingest.starter import ensure_starter_corpus

                ensure_starter_corpus(settings)
                state["assistant"] = Assistant(settings)
            state["assistant"].warm_up()
            state["assistant"].extract(WARM_UP_QUESTION)  # not audited: no one asked it
            ready.set()
        except Exception as error:  # noqa: BLE001  (a store that is down: /ready says why and tries again)
            state["failed"] = plain_reason(error)
            log.error("could not start: %s", state["failed"])

    def start_warm_up() -> None:
        state["failed"] = ""
        threading.Thread(target=warm_up, name="stce-warm-up", daemon=True).start()

    async def lifespan(_: FastAPI):  # type: ignore[no-untyped-def]  (FastAPI's lifespan protocol)
        start_warm_up()
        yield

    app = FastAPI(
        title="STCE Assistant API",
        version="1",
        description="Strategic goods screening for risk-management systems. Every answer is the `stce ask "
        "--json` contract (README). Send `Authorization: Bearer <token>` (`stce token add NAME`). Each answer "
        "is a lead for the officer, never a legal classification.",
        lifespan=lifespan,
        # The interactive pages load their scripts from a CDN, and a post may be offline: the document only.
        docs_url=None,
        redoc_url=None,
    )
    app.add_middleware(
        Gate, tokens=tokens, limit=RateLimit(settings.api_rate_per_minute), settings=settings, audit=AuditLog(settings)
    )
    authorised = [Depends(_bearer)]

    def the_assistant() -> Assistant:
        found = state["assistant"]
        if found is None:
            why = state["failed"] or "the assistant is starting"
            raise HTTPException(503, f"{why}: try again shortly (GET /ready)")
        return found

    @app.exception_handler(HTTPException)
    async def http_error(_: Request, error: HTTPException) -> JSONResponse:
        return JSONResponse({"error": error.detail}, status_code=error.status_code, headers=error.headers)

    @app.exception_handler(RequestValidationError)
    async def malformed(_: Request, error: RequestValidationError) -> JSONResponse:
        errors = jsonable_encoder(error.errors())
        return JSONResponse({"error": _plain_errors(errors), "detail": errors}, status_code=422)

    @app.get("/health", summary="The process answers (liveness)")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/ready", summary="Model and index loaded, a control list searched (readiness)")
    def is_ready() -> JSONResponse:
        if not ready.is_set():
            failed = state["failed"]
            if failed:  # the start failed (a Chroma server down): each probe tries again, no restart needed
                start_warm_up()
            body = {"ready": False, "reason": failed or "loading the model and the index"}
            return JSONResponse(body, status_code=503)
        lists = sorted({s.list_label for s in state["assistant"].sources() if s.kind == "control-list"})
        return JSONResponse({"ready": True, "lists": lists}, status_code=200)

    @app.post("/ask", dependencies=authorised, responses=REFUSALS, summary="Answer one question or a follow-up")
    def ask(body: AskRequest, request: Request) -> JSONResponse:
        """The `stce ask --json` object, with `conversation`: send it back with a follow-up (a complete
        phrase such as an `asks[].follow_up` with the answer filled in)."""
        token = request.state.token
        owner = f"api-token:{token}"
        conversation = body.conversation or uuid.uuid4().hex
        request.state.audit = {"conversation": conversation}
        history: list[str] = []
        if body.conversation:
            turns = conversations.turns(owner, body.conversation)
            if not turns:
                raise HTTPException(404, f"no conversation {body.conversation!r} of this token")
            history = [t.answer.query for t in turns if t.answer is not None]
        with one_at_a_time:
            try:
                answer = the_assistant().ask(
                    body.question,
                    history=history,
                    k=body.k,
                    lists=body.lists,
                    llm=False,
                    conversation=conversation,
                    language=body.language,
                    token=token,
                )
            except Exception as error:  # noqa: BLE001  (a store that went away fails this call, not the server)
                log.warning("POST /ask failed: %s", plain_reason(error))
                return JSONResponse({"question": body.question, "error": plain_reason(error)}, status_code=503)
        conversations.save(owner, conversation, StoredTurn(uuid.uuid4().hex, body.question, answer))
        return JSONResponse({**answer_json(answer), "conversation": conversation})

    @app.post(
        "/screen",
        dependencies=authorised,
        responses={**REFUSALS, 415: {"model": Refusal, "description": "A body neither JSON nor CSV"}},
        summary="Screen declaration lines (JSON or CSV): one decision per line",
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {"schema": {"$ref": f"{_SCHEMAS}ScreenRequest"}},
                    "text/csv": {
                        "schema": {
                            "type": "string",
                            "description": "A header row naming a description column (and optionally HS code, "
                            "quantity, unit, declared classification), then one line of goods a row.",
                        }
                    },
                },
            }
        },
    )
    async def screen_lines(request: Request) -> JSONResponse:
        """Each line's flag, decision, entries and checks (`stce screen --format json`), most urgent first."""
        items, values = await _line_items(request)
        if len(items) > API_MAX_LINES:
            raise HTTPException(413, f"{len(items)} lines: one call may screen {API_MAX_LINES} at most")
        token = request.state.token
        request.state.audit = {"lines": len(items)}

        def run() -> list[dict[str, Any]]:
            assistant = the_assistant()
            with one_at_a_time:
                try:
                    results = screen(lambda q: assistant.ask(q, llm=False, token=token), items)
                except Exception as error:  # noqa: BLE001  (as for /ask: this call fails, the server goes on)
                    log.warning("POST /screen failed: %s", plain_reason(error))
                    raise HTTPException(503, plain_reason(error)) from None
            return [{**r.to_json(), "value": values.get(r.item.line)} for r in results]

        return JSONResponse({"lines": await run_in_threadpool(run)})

    @app.get(
        "/entries/{code}",
        dependencies=authorised,
        responses=REFUSALS,
        summary="An entry's official text, criteria and links",
    )
    def entry(
        code: str, request: Request, list_label: Annotated[str | None, Query(alias="list")] = None
    ) -> JSONResponse:
        with one_at_a_time:  # reading the live index may reload it after an ingest, as a question does
            found = the_assistant().entry(code, list_label)
        request.state.audit = {"entry": found.code}
        if not found.passages and not found.criteria:
            raise HTTPException(
                404, f"no entry {found.code} in the index" + (f" for list {list_label!r}" if list_label else "")
            )
        return JSONResponse(entry_json(found.code, found.passages, found.criteria_json(), found.links))

    @app.get("/sources", dependencies=authorised, responses=REFUSALS, summary="The ingested sources and their versions")
    def sources() -> JSONResponse:
        assistant = the_assistant()
        warnings = assistant.source_warnings()
        return JSONResponse([source_json(s, warnings.get(s.name, [])) for s in assistant.sources()])

    documented = app.openapi

    def openapi() -> dict[str, Any]:
        """FastAPI's document, with the screening body's models (read from the raw request, so FastAPI does
        not list them itself)."""
        document = documented()
        screen_request = ScreenRequest.model_json_schema(ref_template=_SCHEMAS + "{model}")
        document["components"]["schemas"].update(screen_request.pop("$defs"), ScreenRequest=screen_request)
        return document

    app.openapi = openapi  # type: ignore[method-assign]  (FastAPI's documented way to extend the document)
    return app


async def _line_items(request: Request) -> tuple[list[LineItem], dict[int, Any]]:
    """The lines of a screening call, JSON or CSV, and each JSON line's declared value by line number."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    data = await request.body()
    if kind in CSV_TYPES:
        try:
            items = await asyncio.to_thread(line_items_from_bytes, data, "request.csv")
        except StceError as error:
            raise HTTPException(422, f"malformed CSV: {plain_reason(error)}") from None
        return items, {}
    if kind != "application/json":
        raise HTTPException(415, f"send application/json or text/csv, not {kind or 'no content type'}")
    try:
        parsed = ScreenRequest.model_validate_json(data)
    except ValidationError as error:
        raise RequestValidationError(error.errors(include_url=False)) from None
    items = [
        LineItem(
            line=line.line if line.line is not None else n,
            description=line.description,
            quantity=line.quantity,
            unit=line.unit,
            hs_code=line.hs_code,
            declared=line.declared,
        )
        for n, line in enumerate(parsed.lines, 1)
    ]
    return items, {item.line: line.value for item, line in zip(items, parsed.lines)}


if __name__ == "__main__":
    # `python -m ui.api > docs/openapi.json`: the copy of the OpenAPI document that tests/test_api.py compares.
    import json
    import sys
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as scratch:
        document = create_app(Settings(home=Path(scratch))).openapi()
    sys.stdout.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
