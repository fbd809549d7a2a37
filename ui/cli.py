"""The `stce` command line: each command parses, calls the library and prints."""

from __future__ import annotations

import io
import json
import logging
import re
import sys
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal, Optional

import typer
from rich.console import Console
from rich.live import Live
from rich.markdown import Markdown
from rich.markup import escape
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from assistant.core.errors import StceError, plain_reason
from assistant.core.settings import Settings
from assistant.core.types import Kind
from ui.bundle_cli import add_bundle_commands
from ui.lists_cli import lists_app, prepare_in_terminal

if TYPE_CHECKING:
    from assistant.answer.ask import Assistant
    from assistant.core.types import Progress as Step

app = typer.Typer(help="STCE Assistant: find the control-list entries that may apply to goods.", no_args_is_help=True)
sources_app = typer.Typer(
    help="List ingested sources, show what changed between versions, remove one.", invoke_without_command=True
)
app.add_typer(sources_app, name="sources")
index_app = typer.Typer(help="Check the index for damage and repair it from the kept sources.", no_args_is_help=True)
app.add_typer(index_app, name="index")
app.add_typer(lists_app, name="lists")
token_app = typer.Typer(help="API tokens for `stce serve`: add, revoke, list.", no_args_is_help=True)
app.add_typer(token_app, name="token")
add_bundle_commands(index_app)
out = Console()
err = Console(stderr=True)
_NOT_UTF8 = re.compile("[\ud800-\udfff]")
"""How Python carries a byte that was not UTF-8 (a command-line argument, a file name): a lone surrogate."""


@app.callback()
def main(ctx: typer.Context, verbose: Annotated[bool, typer.Option("--verbose", "-v")] = False) -> None:
    """Build the one Settings object from STCE_* variables."""
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        stream=sys.stderr,
        format="%(levelname)s %(name)s: %(message)s",
    )
    ctx.obj = Settings()


def _print_json(data: object) -> None:
    """One JSON line on stdout, valid UTF-8 whatever it holds (a byte that was not UTF-8 becomes U+FFFD)."""
    text = _NOT_UTF8.sub("\ufffd", json.dumps(data, ensure_ascii=False))
    sys.stdout.flush()
    sys.stdout.buffer.write(text.encode("utf-8") + b"\n")
    sys.stdout.buffer.flush()


def _stdin_lines() -> Iterator[str]:
    """Questions from stdin, one a line, read as UTF-8 with a bad byte replaced, not an error."""
    for line in io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="replace"):
        yield line.rstrip("\n")


def _fail(error: Exception) -> None:
    """Print an error plainly (a full disk too, never a traceback) and exit 2."""
    err.print(f"[red]error:[/red] {escape(plain_reason(error))}", soft_wrap=True)
    raise typer.Exit(2)


@app.command()
def ingest(
    ctx: typer.Context,
    paths: Annotated[
        list[Path], typer.Argument(help="Files or folders: PDF, eCFR or Justice Canada XML, Markdown, text.")
    ],
    name: Annotated[Optional[str], typer.Option(help="Source name (one file only); default: the file name.")] = None,
    version: Annotated[str, typer.Option(help="Version label, e.g. '2026-06'.")] = "",
    list_label: Annotated[Optional[str], typer.Option("--list", help="List label, e.g. 'US CCL'.")] = None,
    password: Annotated[Optional[str], typer.Option(help="Password of an encrypted PDF.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Re-ingest files even when unchanged.")] = False,
    kind: Annotated[
        Optional[Kind],
        typer.Option(
            help="What the files are; default: what their content shows (entries: control-list, Markdown or text: "
            "curriculum, a PDF without entries: other, guidance only)."
        ),
    ] = None,
) -> None:
    """Ingest documents; a failing file is reported and the others go on."""
    from ingest.load import printable
    from ingest.pipeline import Ingester

    # No refresh thread: PDF pages are extracted in forked workers only while this process has one thread.
    with Progress(
        TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(), console=err, auto_refresh=False
    ) as bar:
        tasks: dict[str, int] = {}

        def progress(step: Step) -> None:
            if step.path not in tasks:
                tasks[step.path] = bar.add_task(escape(printable(Path(step.path).name)), total=1.0)
            phase = f"embed {step.done}/{step.total}" if step.phase == "embed" else step.phase
            phase += f" {100 * step.done // step.total}%" if step.total and step.phase == "split" else ""
            bar.update(
                tasks[step.path],
                completed=step.fraction,
                description=f"{escape(printable(Path(step.path).name))}: {phase}",
                refresh=True,
            )

        try:
            results = Ingester(ctx.obj).ingest(
                paths, name, version, list_label, password, progress, force=force, kind=kind
            )
        except Exception as error:  # noqa: BLE001  (a store that cannot open: a full disk, a dead server)
            _fail(error)
    table = Table("file", "source", "status", "passages", "entries", "embedded", "seconds")
    for r in results:
        table.add_row(
            Text(printable(Path(r.path).name)),
            Text(printable(r.source)),
            r.status,
            str(r.passages),
            str(r.entries),
            str(r.embedded),
            f"{r.seconds:.1f}",
        )
    out.print(table)
    for r in results:
        for note in r.notes:
            out.print(
                f"[yellow]note:[/yellow] {escape(printable(r.path))}: {escape(note)}", soft_wrap=True, highlight=False
            )
    failed = [r for r in results if r.status == "failed"]
    for r in results:
        if r.status in ("failed", "skipped"):
            style = "red" if r.status == "failed" else "yellow"
            out.print(
                f"[{style}]{r.status}:[/{style}] {escape(printable(r.path))}: {escape(printable(r.error))}",
                soft_wrap=True,
            )
        for warning in r.warnings:
            out.print(
                f"[yellow]warning:[/yellow] {escape(printable(r.source))}: {escape(printable(warning))}", soft_wrap=True
            )
    out.print(
        f"{len(results)} files, {len(failed)} failed, {sum(r.status == 'skipped' for r in results)} skipped, "
        f"{sum(r.passages for r in results)} passages, {sum(r.seconds for r in results):.1f} s"
    )
    if failed:
        raise typer.Exit(1)


@sources_app.callback()
def sources(ctx: typer.Context, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """List the ingested sources."""
    if ctx.invoked_subcommand:
        return
    from assistant.answer.ask import Assistant

    assistant = Assistant(ctx.obj)
    rows, warnings = assistant.sources(), assistant.source_warnings()
    if as_json:
        from assistant.answer.render import source_json

        print(json.dumps([source_json(s, warnings.get(s.name, [])) for s in rows], indent=2))
        return
    table = Table("name", "list", "kind", "language", "version", "passages", "entries", "ingested at")
    for s in rows:
        table.add_row(
            Text(s.name),
            Text(s.list_label),
            s.kind,
            s.language or "?",
            Text(s.version),
            str(s.passages),
            str(s.entries),
            s.ingested_at,
        )
    out.print(table)
    for name, found in warnings.items():
        for warning in found:
            out.print(f"[yellow]warning:[/yellow] {escape(name)}: {escape(warning)}", soft_wrap=True)


@sources_app.command("remove")
def sources_remove(ctx: typer.Context, name: str) -> None:
    """Remove a source and all its passages."""
    from ingest.pipeline import Ingester

    try:
        removed = Ingester(ctx.obj).remove(name)
    except Exception as error:  # noqa: BLE001  (a store that cannot open: a full disk, a dead server)
        _fail(error)
    if not removed:
        err.print(f"[red]error:[/red] no source named {name!r} (see `stce sources`)")
        raise typer.Exit(1)
    out.print(f"removed {name}")


@sources_app.command("history")
def sources_history(
    ctx: typer.Context,
    name: str,
    diff: Annotated[bool, typer.Option("--diff", help="Show the text diff of each changed entry.")] = False,
    limit: Annotated[int, typer.Option(help="How many versions back.")] = 20,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """What each new version of a source changed: entries added, removed and changed, newest first."""
    from assistant.answer.ask import Assistant

    reports = Assistant(ctx.obj).changes(name, limit)
    if as_json:
        print(json.dumps([asdict(r) for r in reports], indent=2, ensure_ascii=False))
        return
    if not reports:
        err.print(f"no change history for {name!r}: it starts with a source's second version (see `stce sources`)")
        raise typer.Exit(1)
    for r in reports:
        out.print(
            f"{r.at} {r.source}: {r.from_version or 'new'} -> {r.to_version}",
            style="bold",
            markup=False,
            highlight=False,
        )
        for label, entries in (("added", r.added), ("removed", r.removed), ("changed", r.changed)):
            out.print(
                f"  {label} ({len(entries)}): {', '.join(entries)}", soft_wrap=True, highlight=False, markup=False
            )
        if diff:
            for entry, text in r.diffs.items():
                out.print(f"diff of {entry}:", style="dim", markup=False, highlight=False)
                out.print(text, soft_wrap=True, highlight=False, markup=False)


def _assistant(settings: Settings) -> Assistant:
    """The assistant over an up-to-date starter corpus (imported here: `stce --help` stays fast)."""
    from assistant.answer.ask import Assistant
    from ingest.starter import ensure_starter_corpus

    ensure_starter_corpus(settings)
    prepare_in_terminal(settings)
    return Assistant(settings)


@index_app.command("check")
def index_check(
    ctx: typer.Context,
    full: Annotated[bool, typer.Option("--full", help="Embed every stored vector's text again, not a sample.")] = False,
) -> None:
    """Check the index, only reading it: snapshot vs registry, vectors vs passages (a sample of the stored vectors
    embedded again; all with --full), orphans, missing files. Exit 0: sound; 1: problems found; 2: could not
    check (a home that cannot be read)."""
    from assistant.answer.ask import Assistant

    try:
        problems = Assistant(ctx.obj).check_index(full=full)
    except Exception as error:  # noqa: BLE001  (whatever stops the reading: the index could not be checked)
        err.print(f"[red]could not check the index:[/red] {escape(plain_reason(error))}", soft_wrap=True)
        raise typer.Exit(2) from None
    for problem in problems:
        out.print(f"[red]problem:[/red] {problem}", soft_wrap=True, highlight=False)
    if problems:
        out.print(f"{len(problems)} problem(s); `stce index repair` rebuilds what it can from the kept sources")
        raise typer.Exit(1)
    out.print(f"index sound: {ctx.obj.home}")


@index_app.command("repair")
def index_repair(
    ctx: typer.Context,
    files: Annotated[Optional[list[Path]], typer.Argument(help="Source files whose kept copy was lost.")] = None,
) -> None:
    """Rebuild what is damaged from the kept sources; vectors are embedded again only where missing or damaged.
    It needs write access to the home: without it, it says so and changes nothing (exit 2)."""
    from ingest.repair import repair

    try:
        repaired = repair(ctx.obj, files or [])
    except Exception as error:  # noqa: BLE001  (a read-only or full home, a store that cannot open: said plainly)
        _fail(error)
    for action in repaired.actions or ["nothing to repair"]:
        out.print(f"repaired: {action}", soft_wrap=True, highlight=False)
    for problem in repaired.problems:
        out.print(f"[red]still wrong:[/red] {problem}", soft_wrap=True, highlight=False)
    if repaired.problems:
        raise typer.Exit(1)
    out.print(f"index sound: {ctx.obj.home}")


@app.command()
def ask(
    ctx: typer.Context,
    question: Annotated[str, typer.Argument(help="The goods as described, or '-' for one question per stdin line.")],
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per question.")] = False,
    k: Annotated[int, typer.Option("-k", help="How many candidate entries.")] = 5,
    list_label: Annotated[Optional[list[str]], typer.Option("--list", help="Search only this list.")] = None,
    full: Annotated[bool, typer.Option("--full", help="Whole entries: every threshold, notes, related.")] = False,
) -> None:
    """Answer one question (or one per line of stdin with '-'): the verdict line first, compact cards."""
    from assistant.answer.render import answer_json, citation_label, markdown

    assistant = _assistant(ctx.obj)
    questions = _stdin_lines() if question == "-" else [question]
    failed = 0
    for q in questions:
        try:
            answer = assistant.ask(q, k=k, lists=list_label)
        except Exception as error:  # noqa: BLE001  (a store that went away fails this question, not the rest)
            failed += 1
            if as_json:
                _print_json({"question": q, "error": plain_reason(error)})
            else:
                err.print(f"[red]error:[/red] {escape(plain_reason(error))}", soft_wrap=True)
            continue
        if as_json:
            _print_json(answer_json(answer))
        else:
            out.print(Markdown(markdown(answer, full=True) if full and answer.mode != "llm" else answer.markdown))
            for c in answer.citations + answer.guidance:
                out.print(Text(citation_label(c), style="yellow" if c.passage.flagged else "dim"))
    if failed:
        raise typer.Exit(2)


@app.command()
def chat(ctx: typer.Context) -> None:
    """A terminal conversation; follow-ups reuse the previous question's goods, and a bare reply to the last
    answer's prompts ("glass-lined steel", "0.1%") gives the fact it asked for."""
    from assistant.core.types import FactAsk
    from assistant.decision.suggest import as_follow_up, fact_asks

    assistant = _assistant(ctx.obj)
    history: list[str] = []
    asks: list[FactAsk] = []
    out.print("Describe the goods (empty line or Ctrl-D to quit).")
    while True:
        try:
            question = out.input("[bold]> [/bold]")
        except EOFError:
            break
        if not question.strip():
            break
        try:
            stream = assistant.stream(as_follow_up(question, asks), history=history)
        except Exception as error:  # noqa: BLE001  (the conversation goes on; the store may come back)
            err.print(f"[red]{escape(plain_reason(error))}[/red]")
            continue
        shown = ""
        with Live(console=out, refresh_per_second=8) as live:
            for chunk in stream:
                shown += chunk
                live.update(Markdown(shown))
        out.print(f"[dim]({stream.answer.mode}, {stream.answer.took_ms:.0f} ms)[/dim]")
        history.append(stream.answer.query)
        asks = fact_asks(stream.answer)


_FLAG_STYLES = {"likely-controlled": "bold red", "check-parameters": "yellow", "no-list": "yellow", "no-match": "dim"}


@app.command()
def screen(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="Invoice or manifest: PDF, CSV, or text with one item per line.")],
    fmt: Annotated[Literal["table", "csv", "json", "md"], typer.Option("--format", help="Output format.")] = "table",
    column: Annotated[Optional[str], typer.Option(help="CSV column describing the goods; default: guessed.")] = None,
    password: Annotated[Optional[str], typer.Option(help="Password of an encrypted PDF.")] = None,
) -> None:
    """Screen every line of an invoice or manifest; the lines that may be controlled come first."""
    from assistant.answer.screen import FLAGS, to_csv, to_markdown
    from assistant.answer.screen import screen as screen_items
    from ingest.lineitems import read_line_items

    try:
        items = read_line_items(file, column, int(ctx.obj.max_file_mb * 1e6), password)
    except StceError as error:
        _fail(error)
    assistant = _assistant(ctx.obj)
    with Progress(
        TextColumn("screening"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    ) as bar:
        task = bar.add_task("screening", total=len(items))
        results = screen_items(assistant.ask, items, lambda done, _: bar.update(task, completed=done))
    if fmt == "json":
        print(json.dumps([r.to_json() for r in results], indent=2, ensure_ascii=False))
    elif fmt == "csv":
        sys.stdout.write(to_csv(results))
    elif fmt == "md":
        sys.stdout.write(to_markdown(results))
    else:
        table = Table(title="Screening (quantities and HS codes: --format csv or json)")
        for name in ("line", "description", "declared", "flag", "best", "candidates", "why", "disagreement"):
            table.add_column(name, overflow="fold", no_wrap=name in ("line", "flag", "best"))
        for r in results:
            row = r.row()
            table.add_row(
                str(row["line"]),
                Text(row["description"]),
                Text(row["declared"]),
                Text(r.flag, style=_FLAG_STYLES[r.flag]),
                Text(row["best"]),
                Text(row["candidates"]),
                Text(row["reason"]),
                Text(row["disagreement"], style="bold red"),
            )
        out.print(table)
    counts = {flag: sum(r.flag == flag for r in results) for flag in FLAGS}
    err.print(
        f"{len(results)} lines: "
        + ", ".join(f"{n} {flag}" for flag, n in counts.items())
        + f"; disagreements with the declared classification: {sum(bool(r.disagreement) for r in results)}"
    )


@app.command()
def entry(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help="Entry or sub-item code, e.g. 2B350 or 2B350.a.1.")],
    list_label: Annotated[Optional[str], typer.Option("--list", help="Only this list, e.g. 'US CCL'.")] = None,
    criteria: Annotated[bool, typer.Option("--criteria", help="Also print the criteria trees.")] = False,
    links: Annotated[bool, typer.Option("--links", help="Also print the same items in other lists.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print passages and trees as JSON.")] = False,
) -> None:
    """Print an entry's official text from the live index and, with --criteria, its criteria trees; with
    --links, the items of other lists (and language versions) found at ingest to control the same goods."""
    from assistant.answer.ask import Assistant

    try:
        found_entry = Assistant(ctx.obj).entry(code, list_label)
    except StceError as error:
        _fail(error)
    normalised, passages, trees = found_entry.code, found_entry.passages, found_entry.criteria
    if not passages and not trees:
        err.print(
            f"[red]error:[/red] no entry {normalised} in the index"
            + (f" for list {list_label!r}" if list_label else "")
        )
        raise typer.Exit(1)
    found = found_entry.links if links else []
    if as_json:
        from assistant.answer.render import entry_json

        print(
            json.dumps(
                entry_json(normalised, passages, found_entry.criteria_json(), found), indent=2, ensure_ascii=False
            )
        )
        return
    for p in passages:
        out.print(f"[bold]{escape(p.entry)}[/bold] [dim]{escape(f'{p.list_label}, {p.source} {p.version}')}[/dim]")
        out.print(p.text, markup=False, highlight=False)
    if criteria:
        for c in trees:
            out.print(
                f"\n[bold]{escape(c.code)}[/bold] [dim]{escape(c.list_label)}[/dim]: "
                f"{escape(c.subject)} ({escape(', '.join(c.subject_terms))})",
                highlight=False,
            )
            out.print(
                "\n".join(found_entry.criteria_lines(c)),
                markup=False,
                highlight=False,
            )
    if links:
        out.print(f"\n[bold]Same item in other lists[/bold] ({len(found)})", highlight=False)
        for x in found:
            out.print(
                f"{x.code} ({x.list_label}) = {x.other_code} ({x.other_list}, {x.other_source}): {x.kind}, "
                f"confidence {x.confidence:.2f}; {x.reason}",
                markup=False,
                highlight=False,
            )


@token_app.command("add")
def token_add(ctx: typer.Context, name: Annotated[str, typer.Argument(help="Who uses it, e.g. risk-engine.")]) -> None:
    """Add an API token and print it, once: only its hash is kept."""
    from assistant.storage.tokens import TokenStore

    try:
        token = TokenStore(ctx.obj.home).add(name)
    except ValueError as error:
        _fail(error)
    err.print(f"API token {escape(name)!s} (shown once; keep it secret):", soft_wrap=True, highlight=False)
    print(token)


@token_app.command("revoke")
def token_revoke(ctx: typer.Context, name: str) -> None:
    """Revoke an API token: its next call is refused (403)."""
    from assistant.storage.tokens import TokenStore

    if not TokenStore(ctx.obj.home).revoke(name):
        err.print(f"[red]error:[/red] no API token {escape(name)!s} in use", soft_wrap=True, highlight=False)
        raise typer.Exit(1)
    out.print(f"revoked {escape(name)}", highlight=False)


@token_app.command("list")
def token_list(ctx: typer.Context) -> None:
    """The API tokens by name, with when each was added and revoked (never the tokens)."""
    from assistant.storage.tokens import TokenStore

    table = Table("name", "added", "revoked")
    for t in TokenStore(ctx.obj.home).list():
        table.add_row(Text(t.name), t.created, t.revoked or "")
    out.print(table)


@app.command()
def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option(help="Address to listen on (0.0.0.0: every interface).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8080,
) -> None:
    """Serve the HTTP API for risk systems (OpenAPI at /openapi.json); calls need a token from `stce token add`."""
    import uvicorn

    from ui.api import create_app

    uvicorn.run(create_app(ctx.obj), host=host, port=port, log_level="info")


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def ui(ctx: typer.Context) -> None:
    """Start the web UI; extra options go to Streamlit (e.g. --server.port 8600).

    Offline defaults: no usage statistics sent, no deploy menu; options given here override them. The server
    refuses uploads larger than `STCE_MAX_FILE_MB` while they stream in (Streamlit's own limit is 200 MB).
    """
    import math
    import os

    script = Path(__file__).resolve().parent / "app.py"
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(script),
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--client.toolbarMode",
        "minimal",
        "--server.maxUploadSize",
        str(max(1, math.ceil(ctx.obj.max_file_mb))),
        *ctx.args,
    ]
    os.execv(sys.executable, command)
