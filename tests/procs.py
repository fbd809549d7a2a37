"""Processes for the reliability tests: a writer the test can kill, readers asking in a loop, and
processes racing each other to write the audit trail.

Run from the project root as `python -m tests.procs ROLE ...`. Each role writes one line per event
(flushed at once), so the test can time a SIGKILL against the writer's progress or count answers.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import time
import traceback
from pathlib import Path
from types import FrameType

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from assistant.answer.ask import Assistant  # noqa: E402  (the offline switches must come first)
from assistant.answer.audit import AuditLog  # noqa: E402
from assistant.core.errors import StceError  # noqa: E402
from assistant.core.settings import Settings  # noqa: E402
from assistant.core.types import Answer, Candidate, Citation, Passage, Progress  # noqa: E402
from assistant.storage.embeddings import load_model  # noqa: E402
from ingest.pipeline import Ingester  # noqa: E402

QUESTIONS = (
    "seal-less pump, 2 m3/h, wetted parts Hastelloy",
    "2B350.i",
    "fermenter, 100 litre capacity",
    "CAS 111-48-8",
    "frequency converter 800 Hz, 50 kVA",
)


def _say(event: str, **data: object) -> None:
    print(json.dumps({"event": event, "t": time.time(), **data}), flush=True)


def die_on_call(qualname: str) -> None:
    """SIGKILL this process when a function of that qualified name is entered: a kill at an exact step."""

    def hook(frame: FrameType, event: str, _arg: object) -> None:
        if event == "call" and frame.f_code.co_qualname == qualname:
            os.kill(os.getpid(), signal.SIGKILL)

    sys.setprofile(hook)


def after_reading(step: Progress) -> None:
    """A "progress" event once the file is read: the kill tests time the writer's work from there."""
    if step.phase != "read":
        _say("progress", phase=step.phase, fraction=step.fraction)


def ingest(home: Path, path: Path, name: str, version: str, die_at: str | None = None) -> None:
    """Ingest one file; 'ready' comes after the model loads, so a kill delay counts from the real work."""
    load_model()
    _say("ready")
    if die_at:
        die_on_call(die_at)
    results = Ingester(Settings(home=home)).ingest([path], name=name, version_label=version, progress=after_reading)
    _say("done", results=[{"status": r.status, "error": r.error, "passages": r.passages} for r in results])


def read(home: Path, source: str, stop: Path, after: int, pause_s: float, limit_s: float) -> None:
    """Ask in a loop, an officer's pace apart; once `stop` exists, ask `after` more and end (or after `limit_s`)."""
    assistant = Assistant(Settings(home=home))
    started, asked_after = time.monotonic(), 0
    for n in range(10**6):
        stopped = stop.exists()
        question = QUESTIONS[n % len(QUESTIONS)]
        try:
            answer = assistant.ask(question)
            cited = [c.passage for c in answer.citations if c.passage.source == source]
            _say(
                "answer",
                question=question,
                stopped=stopped,
                entries=answer.entries,
                versions=sorted({p.version_id for p in cited}),
            )
        except StceError as error:
            _say("refused", question=question, stopped=stopped, error=str(error))
        except Exception:  # noqa: BLE001  (a reader must report every failure, not die on the first)
            _say("error", question=question, stopped=stopped, error=traceback.format_exc())
        asked_after += stopped
        if asked_after >= after or time.monotonic() - started > limit_s:
            return
        time.sleep(pause_s)


def sample_answer(question: str) -> Answer:
    """An answer as `Assistant.ask` gives it, citing one sub-item of one list version."""
    passage = Passage(
        id="0f3a:000041",
        text="2B350 Chemical manufacturing facilities ...\ni. Pumps ...",
        source="ccl",
        list_label="US CCL",
        version="2026-06 (0f3a9c2b71d4)",
        version_id="0f3a9c2b71d4e5f6",
        kind="control-list",
        entry="2B350.i",
        parent="2B350",
        title="Chemical manufacturing facilities",
    )
    candidate = Candidate(
        entry="2B350",
        item="2B350.i",
        title=passage.title,
        list_label=passage.list_label,
        version=passage.version,
        quote=passage.text,
        notes=[],
        citations=[1],
        checks=[],
        status="applies",
    )
    markdown = "**Control entries that may apply**, best first:\n\n1. **2B350.i** " + "pump " * 80
    return Answer(question, markdown, [candidate], [Citation(1, passage, 0.91)], [], 12.5)


def audit(home: Path, count: int, max_bytes: int) -> None:
    """Record `count` answers as fast as possible, to race other processes writing the same trail."""
    trail = AuditLog(Settings(home=home, audit_log_max_bytes=max_bytes))
    for n in range(count):
        trail.record(sample_answer(f"question {n} of process {os.getpid()}"))


def main() -> None:
    parser = argparse.ArgumentParser()
    roles = parser.add_subparsers(dest="role", required=True)
    writer = roles.add_parser("ingest")
    writer.add_argument("home", type=Path)
    writer.add_argument("path", type=Path)
    writer.add_argument("name")
    writer.add_argument("version")
    writer.add_argument("--die-at", help="qualified name of a function to die in, e.g. Registry.commit")
    reader = roles.add_parser("read")
    reader.add_argument("home", type=Path)
    reader.add_argument("source")
    reader.add_argument("stop", type=Path)
    reader.add_argument("--after", type=int, default=5)
    reader.add_argument("--pause-s", type=float, default=0.5)
    reader.add_argument("--limit-s", type=float, default=300.0)
    auditor = roles.add_parser("audit")
    auditor.add_argument("home", type=Path)
    auditor.add_argument("count", type=int)
    auditor.add_argument("max_bytes", type=int)
    args = parser.parse_args()
    if args.role == "ingest":
        ingest(args.home, args.path, args.name, args.version, args.die_at)
    elif args.role == "audit":
        audit(args.home, args.count, args.max_bytes)
    else:
        read(args.home, args.source, args.stop, args.after, args.pause_s, args.limit_s)


if __name__ == "__main__":
    main()
