"""`Assistant.ask`: the one Python API the CLI, the chat UI and the benchmarks share."""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cached_property, partial
from typing import Any

import httpx
from chromadb.api import ClientAPI
from chromadb.errors import ChromaError

from assistant.answer import render
from assistant.answer.audit import AuditLog
from assistant.answer.llm import AnswerStream, LLMAnswerer
from assistant.core.codes import find_codes
from assistant.core.errors import IndexDamaged, StoreUnavailable
from assistant.core.settings import Settings
from assistant.core.types import Answer, ChangeReport, ItemCriteria, ItemLink, Passage, SourceDocument
from assistant.decision.decide import decide
from assistant.decision.evaluate import describe
from assistant.decision.sameitem import group_by_item
from assistant.reading.question import identified, read_question, searched, understood
from assistant.search.retrieve import Scope, search
from assistant.storage import preparing
from assistant.storage.embeddings import load_model
from assistant.storage.index import LiveIndex, View
from assistant.storage.integrity import Problem, check
from assistant.storage.snapshot import criteria_to_json
from assistant.text.messages import answer_language

log = logging.getLogger(__name__)

_RETRIES = 3


@dataclass(frozen=True)
class EntryText:
    """An entry or sub-item as the live index holds it: its passages, the criteria trees of it and its
    sub-items, and the items of other lists found at ingest to control the same goods."""

    code: str
    passages: list[Passage]
    criteria: list[ItemCriteria]
    links: list[ItemLink]

    def criteria_json(self) -> list[dict[str, Any]]:
        """The trees as the snapshot stores them."""
        return [criteria_to_json(c) for c in self.criteria]

    @staticmethod
    def criteria_lines(item: ItemCriteria) -> list[str]:
        """One item's tree and exclusions as indented lines for people (`all` / `any`, one line a leaf)."""
        return describe(item.tree, 1) + [line for x in item.exclusions for line in describe(x, 1)]


def control_lists(view: View, scope: Scope) -> tuple[list[str], tuple[str, ...]]:
    """(the control lists a question searches, every control list in the index): when the first is empty the
    answer is `no-list`, whatever the curriculum or guidance documents matched."""
    loaded = sorted({s.list_label for s in view.sources if s.kind == "control-list"})
    searched = [
        s.list_label
        for s in view.sources
        if s.kind == "control-list"
        and (not scope.lists or s.list_label in scope.lists)
        and (not scope.sources or s.name in scope.sources)
    ]
    return sorted(set(searched)), tuple(loaded)


class Assistant:
    """Answers officers' questions from the live index; the model and index load once per process.

    Every answer shown is appended to the audit trail (`STCE_AUDIT_LOG`, on by default).

    With an LLM configured (`STCE_LLM_PROVIDER`), answers are rewritten in prose by `LLMAnswerer`, checked
    against the extractive answer's passages, and replaced by it when they fail.
    """

    def __init__(self, settings: Settings, client: ClientAPI | None = None) -> None:
        self.settings = settings
        self.client = client
        self.index = LiveIndex(settings, client)
        self.audit = AuditLog(settings)

    @cached_property
    def llm(self) -> LLMAnswerer:
        """The language model, made on the first question: listing sources or checking the index (`stce
        sources`, `stce index check`) never loads a local model."""
        return LLMAnswerer(self.settings)

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
        token: str = "",
    ) -> Answer:
        """Candidate entries for the goods described, with cited passages and parameter checks; the answer's
        sentences in `language` ("en", "fr"), else in the question's language where there is a table for it.

        `conversation` is the conversation's id and `token` the name of the API token that asked (`stce
        serve`), both written to the audit trail; `home_list` (default: the setting) is the officer's own
        list, first on a card that several lists share.
        """
        extractive = self.extract(question, history, k, lists, sources, llm, language, home_list)
        answer = self.llm.answer(extractive, history) if llm and self.llm.enabled else extractive
        self.audit.record(answer, conversation, token)
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
            facts = identified(reading.facts, view.snapshot)
            try:
                retrieved = search(view, searched(query, facts), scope, language=reading.language)
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
        decided = decide(retrieved, facts, view, k or self.settings.top_k)
        read = understood(reading, view.snapshot)
        falls = decided.falls_to
        if not read and (reading.unread or decided.decision == "no-match"):
            # A question we could not read is never cleared (nor said to fall to "EAR99"): it asks what the
            # goods are. When most of it, in another script, went unread, what was searched is a stray number
            # or two, and entries found on it ("300" -> sounding rockets) would be wrong answers, not leads.
            decided = replace(
                decided,
                candidates=[],
                citations=[],
                ruled_out=[],
                decision="needs-facts",
                decided_by="a_question_not_understood_is_never_cleared",
            )
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
        in_scope, loaded = control_lists(view, scope)
        decision, decided_by = decided.decision, decided.decided_by
        if not in_scope:
            # Nothing searched can control anything: "no entry fits" would read as cleared.
            decision, falls, decided_by = "no-list", {}, "no_control_list_is_searched"
        prepared = preparing.read(self.settings.home)
        answer = Answer(
            question=reading.question,
            markdown="",
            candidates=grouped.candidates,
            citations=grouped.citations,
            guidance=grouped.guidance,
            took_ms=0.0,
            decision=decision,
            query=query,
            read_as=render.read_as(facts, answer_language(reading.language, language)),
            understood=read,
            ruled_out=decided.ruled_out,
            falls_to=falls,
            facts=facts,
            language=answer_language(reading.language, language),
            question_language=reading.language,
            translated=tuple((t.written, t.english) for t in reading.terms),
            follow_up=reading.follow_up,
            decided_by=decided_by,
            control_lists=loaded,
            preparing=tuple(prepared.pending) if prepared else (),
            earlier=reading.earlier,
        )
        return replace(answer, markdown=render.markdown(answer), took_ms=(time.perf_counter() - started) * 1000)

    def sources(self) -> list[SourceDocument]:
        """The live sources, read fresh from the registry: another process's ingest shows at once."""
        return self.index.registry.sources()

    def source_warnings(self) -> dict[str, list[str]]:
        """What the editor was warned of at each source's ingest (a repeated entry code...), by source name."""
        return self.index.registry.warnings()

    def changes(self, source: str | None = None, limit: int = 20) -> list[ChangeReport]:
        """What each new version of a source (or of any) changed, newest first."""
        return self.index.registry.changes(source, limit)

    def entry(self, code: str, list_label: str | None = None) -> EntryText:
        """An entry's official text, criteria and links from the live index; `code` in any spelling an officer
        types (`2b350`, `2B 350 a 1`), `list_label` one list or None for all."""
        normalised = (find_codes(code) or [code.strip()])[0]
        snapshot = self.index.view().snapshot
        passages, trees = snapshot.entry(normalised, list_label)
        links = [link for link in snapshot.links(normalised) if list_label in (None, link.list_label)]
        return EntryText(normalised, passages, trees, links)

    def check_index(self, full: bool = False) -> list[Problem]:
        """Everything wrong with the index, only reading it: snapshot vs registry, vectors vs passages (a sample
        of the stored vectors embedded again; all when `full`), orphans, missing files."""
        return check(self.settings, self.client, full=full)

    def warm_up(self) -> None:
        """Load the embedding model and the live index now, so that the first question does not wait."""
        load_model()
        self.index.view()
