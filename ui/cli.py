"""The `stce` command line: each command parses, calls the library and prints."""

from __future__ import annotations

import json
import logging
import sys
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal, Optional

import typer
from rich.console import Console
from rich.live import Live
from rich.markdown import Markdown
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from assistant.errors import StceError
from assistant.settings import Settings

if TYPE_CHECKING:
    from assistant.ask import Assistant

app = typer.Typer(help="STCE Assistant: find the control-list entries that may apply to goods.", no_args_is_help=True)
sources_app = typer.Typer(help="List ingested sources, show what changed between versions, remove one.",
                          invoke_without_command=True)
app.add_typer(sources_app, name="sources")
out = Console()
err = Console(stderr=True)


@app.callback()
def main(ctx: typer.Context, verbose: Annotated[bool, typer.Option("--verbose", "-v")] = False) -> None:
    """Build the one Settings object from STCE_* variables."""
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, stream=sys.stderr,
                        format="%(levelname)s %(name)s: %(message)s")
    ctx.obj = Settings()


def _fail(error: StceError) -> None:
    err.print(f"[red]error:[/red] {error}")
    raise typer.Exit(2)


@app.command()
def ingest(
    ctx: typer.Context,
    paths: Annotated[list[Path], typer.Argument(help="Files or folders: PDF, eCFR XML, Markdown, text.")],
    name: Annotated[Optional[str], typer.Option(help="Source name (one file only); default: the file name.")] = None,
    version: Annotated[str, typer.Option(help="Version label, e.g. '2026-06'.")] = "",
    list_label: Annotated[Optional[str], typer.Option("--list", help="List label, e.g. 'US CCL'.")] = None,
    password: Annotated[Optional[str], typer.Option(help="Password of an encrypted PDF.")] = None,
) -> None:
    """Ingest documents; a failing file is reported and the others go on."""
    from ingest.pipeline import Ingester

    with Progress(TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(), console=err) as bar:
        tasks: dict[str, int] = {}

        def progress(path: str, fraction: float) -> None:
            if path not in tasks:
                tasks[path] = bar.add_task(Path(path).name, total=1.0)
            bar.update(tasks[path], completed=fraction)

        try:
            results = Ingester(ctx.obj).ingest(paths, name, version, list_label, password, progress)
        except StceError as error:
            _fail(error)
    table = Table("file", "source", "status", "passages", "entries", "embedded", "seconds")
    for r in results:
        table.add_row(Path(r.path).name, r.source, r.status, str(r.passages), str(r.entries), str(r.embedded),
                      f"{r.seconds:.1f}")
    out.print(table)
    failed = [r for r in results if r.status == "failed"]
    for r in failed:
        out.print(f"[red]failed:[/red] {r.path}: {r.error}", soft_wrap=True)
    out.print(f"{len(results)} files, {len(failed)} failed, {sum(r.passages for r in results)} passages, "
              f"{sum(r.seconds for r in results):.1f} s")
    if failed:
        raise typer.Exit(1)


@sources_app.callback()
def sources(ctx: typer.Context, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """List the ingested sources."""
    if ctx.invoked_subcommand:
        return
    from assistant.registry import Registry

    rows = Registry(ctx.obj.registry_path).sources()
    if as_json:
        print(json.dumps([{**asdict(s), "version": s.version} for s in rows], indent=2))
        return
    table = Table("name", "list", "kind", "version", "passages", "entries", "ingested at")
    for s in rows:
        table.add_row(s.name, s.list_label, s.kind, s.version, str(s.passages), str(s.entries), s.ingested_at)
    out.print(table)


@sources_app.command("remove")
def sources_remove(ctx: typer.Context, name: str) -> None:
    """Remove a source and all its passages."""
    from ingest.pipeline import Ingester

    try:
        removed = Ingester(ctx.obj).remove(name)
    except StceError as error:
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
    from assistant.registry import Registry

    reports = Registry(ctx.obj.registry_path).changes(name, limit)
    if as_json:
        print(json.dumps([asdict(r) for r in reports], indent=2, ensure_ascii=False))
        return
    if not reports:
        err.print(f"no change history for {name!r}: it starts with a source's second version (see `stce sources`)")
        raise typer.Exit(1)
    for r in reports:
        out.print(f"{r.at} {r.source}: {r.from_version or 'new'} -> {r.to_version}", style="bold", markup=False,
                  highlight=False)
        for label, entries in (("added", r.added), ("removed", r.removed), ("changed", r.changed)):
            out.print(f"  {label} ({len(entries)}): {', '.join(entries)}", soft_wrap=True, highlight=False, markup=False)
        if diff:
            for entry, text in r.diffs.items():
                out.print(f"diff of {entry}:", style="dim", markup=False, highlight=False)
                out.print(text, soft_wrap=True, highlight=False, markup=False)


def _assistant(settings: Settings) -> Assistant:
    """The assistant over an up-to-date starter corpus (imported here: `stce --help` stays fast)."""
    from assistant.ask import Assistant
    from ingest.starter import ensure_starter_corpus

    ensure_starter_corpus(settings)
    return Assistant(settings)


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
    from assistant.render import answer_json, citation_label, markdown
    from rich.text import Text

    assistant = _assistant(ctx.obj)
    questions = (line.rstrip("\n") for line in sys.stdin) if question == "-" else [question]
    for q in questions:
        try:
            answer = assistant.ask(q, k=k, lists=list_label)
        except StceError as error:
            if as_json:
                print(json.dumps({"question": q, "error": str(error)}), flush=True)
                continue
            _fail(error)
        if as_json:
            print(json.dumps(answer_json(answer), ensure_ascii=False), flush=True)
        else:
            out.print(Markdown(markdown(answer, full=True) if full and answer.mode != "llm" else answer.markdown))
            for c in answer.citations + answer.guidance:
                out.print(Text(citation_label(c), style="dim"))


@app.command()
def chat(ctx: typer.Context) -> None:
    """A terminal conversation; follow-ups reuse the previous question's goods, and a bare reply to the last
    answer's prompts ("glass-lined steel", "0.1%") gives the fact it asked for."""
    from assistant.suggest import as_follow_up, fact_asks
    from assistant.types import FactAsk

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
        except StceError as error:
            err.print(f"[red]{error}[/red]")
            continue
        shown = ""
        with Live(console=out, refresh_per_second=8) as live:
            for chunk in stream:
                shown += chunk
                live.update(Markdown(shown))
        out.print(f"[dim]({stream.answer.mode}, {stream.answer.took_ms:.0f} ms)[/dim]")
        history.append(stream.answer.query)
        asks = fact_asks(stream.answer)


_FLAG_STYLES = {"likely-controlled": "bold red", "check-parameters": "yellow", "no-match": "dim"}


@app.command()
def screen(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="Invoice or manifest: PDF, CSV, or text with one item per line.")],
    fmt: Annotated[Literal["table", "csv", "json", "md"], typer.Option("--format", help="Output format.")] = "table",
    column: Annotated[Optional[str], typer.Option(help="CSV column describing the goods; default: guessed.")] = None,
    password: Annotated[Optional[str], typer.Option(help="Password of an encrypted PDF.")] = None,
) -> None:
    """Screen every line of an invoice or manifest; the lines that may be controlled come first."""
    from assistant.screen import screen as screen_items
    from assistant.screen import FLAGS, to_csv, to_markdown
    from ingest.lineitems import read_line_items
    from rich.text import Text

    try:
        items = read_line_items(file, column, int(ctx.obj.max_file_mb * 1e6), password)
    except StceError as error:
        _fail(error)
    assistant = _assistant(ctx.obj)
    with Progress(TextColumn("screening"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                  TimeElapsedColumn(), console=err, transient=True) as bar:
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
            table.add_row(str(row["line"]), Text(row["description"]), Text(row["declared"]),
                          Text(r.flag, style=_FLAG_STYLES[r.flag]), row["best"], row["candidates"],
                          Text(row["reason"]), Text(row["disagreement"], style="bold red"))
        out.print(table)
    counts = {flag: sum(r.flag == flag for r in results) for flag in FLAGS}
    err.print(f"{len(results)} lines: " + ", ".join(f"{n} {flag}" for flag, n in counts.items())
              + f"; disagreements with the declared classification: {sum(bool(r.disagreement) for r in results)}")


@app.command()
def entry(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help="Entry or sub-item code, e.g. 2B350 or 2B350.a.1.")],
    list_label: Annotated[Optional[str], typer.Option("--list", help="Only this list, e.g. 'US CCL'.")] = None,
    criteria: Annotated[bool, typer.Option("--criteria", help="Also print the criteria trees.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print passages and trees as JSON.")] = False,
) -> None:
    """Print an entry's official text from the live index and, with --criteria, its criteria trees."""
    from assistant.codes import find_codes
    from assistant.evaluate import describe
    from assistant.index import LiveIndex
    from assistant.snapshot import criteria_to_json

    normalised = (find_codes(code) or [code.strip()])[0]
    passages, trees = LiveIndex(ctx.obj).view().snapshot.entry(normalised, list_label)
    if not passages and not trees:
        err.print(f"[red]error:[/red] no entry {normalised} in the index" + (f" for list {list_label!r}" if list_label else ""))
        raise typer.Exit(1)
    if as_json:
        print(json.dumps({"entry": normalised, "passages": [asdict(p) for p in passages],
                          "criteria": [criteria_to_json(c) for c in trees]}, indent=2, ensure_ascii=False))
        return
    for p in passages:
        out.print(f"[bold]{p.entry}[/bold] [dim]{p.list_label}, {p.source} {p.version}[/dim]")
        out.print(p.text, markup=False, highlight=False)
    if criteria:
        for c in trees:
            out.print(f"\n[bold]{c.code}[/bold] [dim]{c.list_label}[/dim]: {c.subject} ({', '.join(c.subject_terms)})",
                      highlight=False)
            out.print("\n".join(describe(c.tree, 1) + [line for x in c.exclusions for line in describe(x, 1)]),
                      markup=False, highlight=False)


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def ui(ctx: typer.Context) -> None:
    """Start the web UI; extra options go to Streamlit (e.g. --server.port 8600).

    Offline defaults: no usage statistics sent, no deploy menu; options given here override them.
    """
    import os

    script = Path(__file__).resolve().parent / "app.py"
    command = [sys.executable, "-m", "streamlit", "run", str(script), "--server.headless", "true",
               "--browser.gatherUsageStats", "false", "--client.toolbarMode", "minimal", *ctx.args]
    os.execv(sys.executable, command)

