"""`Assistant.ask`: the one Python API the CLI, the chat UI and the benchmarks share."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Sequence
from dataclasses import replace

from chromadb.api import ClientAPI
from chromadb.errors import ChromaError

from assistant.answer import compose
from assistant.audit import AuditLog
from assistant.errors import QuestionError
from assistant.index import LiveIndex
from assistant.llm import AnswerStream, LLMAnswerer
from assistant.params import Quantity, parameter_name, parse_quantities
from assistant.retrieve import search
from assistant.settings import Settings
from assistant.types import Answer

log = logging.getLogger(__name__)

MAX_QUESTION_CHARS = 2000
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_FOLLOW_UP = re.compile(r"^\s*(?:and|but|what if|what about|if|or|how about|only|same)\b", re.I)
_RETRIES = 3


def clean_question(question: str) -> str:
    """Strip control characters and bound the length; refuse text with nothing to search for."""
    text = " ".join(_CONTROL_CHARS.sub(" ", question).split())[:MAX_QUESTION_CHARS]
    if not text:
        raise QuestionError("the question is empty: describe the goods, or give a control code or CAS number")
    if not re.search(r"\w", text):
        raise QuestionError("the question has no words or numbers to search for")
    return text


def stand_alone(question: str, history: Sequence[str]) -> tuple[str, list[Quantity]]:
    """Rewrite a follow-up ("and if it is only 50 litres?") into a query that carries the earlier goods.

    The new question's quantities replace earlier ones of the same kind; earlier ones of other kinds stay.
    """
    asked = parse_quantities(question)
    if not history or not (_FOLLOW_UP.match(question) or len(question.split()) <= 4):
        return question, asked
    previous = history[-1]
    kinds = {parameter_name(q) for q in asked}
    kept = [q for q in parse_quantities(previous) if parameter_name(q) not in kinds]
    return f"{previous} {question}", asked + kept


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

    def ask(self, question: str, history: Sequence[str] = (), k: int | None = None,
            lists: Sequence[str] | None = None, sources: Sequence[str] | None = None, llm: bool = True) -> Answer:
        """Candidate entries for the goods described, with cited passages and parameter checks."""
        extractive = self.extract(question, history, k, lists, sources)
        answer = self.llm.answer(extractive, history) if llm and self.llm.enabled else extractive
        self.audit.record(answer)
        return answer

    def stream(self, question: str, history: Sequence[str] = (), k: int | None = None,
               lists: Sequence[str] | None = None, sources: Sequence[str] | None = None) -> AnswerStream:
        """The answer as checked text chunks (the extractive answer in one chunk when no LLM is set)."""
        return self.llm.stream(self.extract(question, history, k, lists, sources), history, self.audit.record)

    def extract(self, question: str, history: Sequence[str] = (), k: int | None = None,
                lists: Sequence[str] | None = None, sources: Sequence[str] | None = None) -> Answer:
        """The deterministic answer: entries, verbatim quotes, checks; no language model involved."""
        started = time.perf_counter()
        text = clean_question(question)
        query, asked = stand_alone(text, history)
        if history and self.llm.enabled:
            query = self.llm.stand_alone(text, history)
        for attempt in range(_RETRIES):
            view = self.index.view()
            try:
                retrieved = search(view, query, lists, sources)
            except ChromaError:
                if attempt == _RETRIES - 1 or self.index.is_current(view):
                    raise
                log.info("the store changed under a question; asking again on the new generation")
                continue
            if self.index.is_current(view):
                break
        answer = compose(text, retrieved, asked, view, k or self.settings.top_k)
        return replace(answer, took_ms=(time.perf_counter() - started) * 1000)
