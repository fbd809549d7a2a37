"""`Assistant.ask`: the one Python API the CLI, the chat UI and the benchmarks share."""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import replace
from functools import partial

import httpx
from chromadb.api import ClientAPI
from chromadb.errors import ChromaError

from assistant.answer import render
from assistant.answer.audit import AuditLog
from assistant.answer.llm import AnswerStream, LLMAnswerer
from assistant.core.errors import IndexDamaged, StoreUnavailable
from assistant.core.settings import Settings
from assistant.core.types import Answer, SourceDocument
from assistant.decision.decide import decide
from assistant.decision.sameitem import group_by_item
from assistant.reading.question import read_question, understood
from assistant.search.retrieve import Scope, search
from assistant.storage.embeddings import load_model
from assistant.storage.index import LiveIndex
from assistant.text.messages import answer_language

log = logging.getLogger(__name__)

_RETRIES = 3


class Assistant:
    """Answers officers' questions from the live index; the model and index load once per process.

    Every answer shown is appended to the audit trail (`STCE_AUDIT_LOG`, on by default).

    With an LLM configured (`STCE_LLM_PROVIDER`), answers are rewritten in prose by `LLMAnswerer`, checked
    against the extractive answer's passages, and replaced by it when they fail.
    """

    def __init__(self, settings: Settings, client: ClientAPI | None = None) -> None:
        self.settings = settings
        self.index = LiveIndex(settings, client)
        self.llm = LLMAnswerer(settings)
        self.audit = AuditLog(settings)

    def ask(
        self,
        question: str,
        history: Sequence[str] = (),
        k: int | None = None,
        lists: Sequence[str] | None = None,
        sources: Sequence[str] | None = None,
        llm: bool = True,
        conversation: str = "",
        language: str | None = None,
        home_list: str | None = None,
    ) -> Answer:
        """Candidate entries for the goods described, with cited passages and parameter checks; the answer's
        sentences in `language` ("en", "fr"), else in the question's language where there is a table for it.

        `conversation` is the UI conversation's id, written to the audit trail to link the two; `home_list`
        (default: the setting) is the officer's own list, first on a card that several lists share.
        """
        extractive = self.extract(question, history, k, lists, sources, llm, language, home_list)
        answer = self.llm.answer(extractive, history) if llm and self.llm.enabled else extractive
        self.audit.record(answer, conversation)
        return answer

    def stream(
        self,
        question: str,
        history: Sequence[str] = (),
        k: int | None = None,
        lists: Sequence[str] | None = None,
        sources: Sequence[str] | None = None,
        conversation: str = "",
        language: str | None = None,
        home_list: str | None = None,
    ) -> AnswerStream:
        """The answer as checked text chunks (the extractive answer in one chunk when no LLM is set)."""
        return self.llm.stream(
            self.extract(question, history, k, lists, sources, llm=True, language=language, home_list=home_list),
            history,
            partial(self.audit.record, conversation=conversation),
        )

    def extract(
        self,
        question: str,
        history: Sequence[str] = (),
        k: int | None = None,
        lists: Sequence[str] | None = None,
        sources: Sequence[str] | None = None,
        llm: bool = False,
        language: str | None = None,
        home_list: str | None = None,
    ) -> Answer:
        """The deterministic answer: the decision, entries, verbatim quotes, checks.

        `history` holds earlier answers' `query`; with `llm` and a model configured, a follow-up is rewritten
        by the model, otherwise no model is called at all.
        """
        started = time.perf_counter()
        reading = read_question(question, history)
        query = reading.query
        if reading.follow_up and llm and self.llm.model is not None:
            query = self.llm.stand_alone(reading.question, history)
        scope = Scope.of(lists, sources)
        fresh = False
        for attempt in range(_RETRIES):
            view = self.index.view(fresh)
            try:
                retrieved = search(view, query, scope, language=reading.language)
            except httpx.TransportError as error:
                raise StoreUnavailable(self.settings.chroma_url) from error
            except (ChromaError, IndexDamaged) as error:
                # Any inconsistency is first taken for a switch under way; one that outlasts the retries is damage.
                if attempt == _RETRIES - 1:
                    if isinstance(error, IndexDamaged) or self.settings.chroma_url:
                        raise
                    raise IndexDamaged(self.settings.chroma_dir, f"the vector store fails: {error}") from error
                log.info("the store changed under a question; asking again on a fresh view")
                fresh = self.index.is_current(view)
                continue
            if self.index.is_current(view):
                break
        decided = decide(retrieved, reading.facts, view, k or self.settings.top_k)
        read = understood(reading, view.snapshot)
        # A question we could not read says where nothing falls: "EAR99" would read as cleared.
        falls = decided.falls_to if read or decided.decision != "no-match" else {}
        if not read and reading.unread:
            # Most of a question in another script went unread: what was searched is a stray number or two,
            # and entries found on it ("300" -> sounding rockets) would be wrong answers, not leads.
            decided = replace(decided, candidates=[], citations=[], ruled_out=[], decision="no-match")
            falls = {}
        # Guidance found by the words of goods that nothing controls is beside the point (a wooden chair would
        # get the nuclear module's "Who this is for").
        guidance = decided.guidance if decided.decision != "no-match" else []
        grouped = group_by_item(
            decided.candidates,
            decided.citations,
            guidance,
            view.snapshot,
            home_list or self.settings.home_list,
            scope.allows,
        )
        answer = Answer(
            question=reading.question,
            markdown="",
            candidates=grouped.candidates,
            citations=grouped.citations,
            guidance=grouped.guidance,
            took_ms=0.0,
            decision=decided.decision,
            query=query,
            read_as=render.read_as(reading.facts),
            understood=read,
            ruled_out=decided.ruled_out,
            falls_to=falls,
            facts=reading.facts,
            language=answer_language(reading.language, language),
            question_language=reading.language,
            translated=tuple((t.written, t.english) for t in reading.terms),
            follow_up=reading.follow_up,
            earlier=reading.earlier,
        )
        return replace(answer, markdown=render.markdown(answer), took_ms=(time.perf_counter() - started) * 1000)

    def sources(self) -> list[SourceDocument]:
        """The live sources, read fresh from the registry: another process's ingest shows at once."""
        return self.index.registry.sources()

    def warm_up(self) -> None:
        """Load the embedding model and the live index now, so that the first question does not wait."""
        load_model()
        self.index.view()
