"""`stce lists`: the official control lists, fetched from their publishers (or a mirror) and ingested."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.table import Table
from rich.text import Text

from assistant.core.errors import StceError, plain_reason

if TYPE_CHECKING:
    from assistant.core.settings import Settings
    from assistant.core.types import Progress as Step
    from ingest.firststart import Preparation

lists_app = typer.Typer(help="The official control lists: fetch them from their publishers.", no_args_is_help=True)
out = Console()
err = Console(stderr=True)


@lists_app.command("fetch")
def lists_fetch(
    ctx: typer.Context,
    names: Annotated[
        Optional[list[str]],
        typer.Argument(help="us-ccl, no-list-ii, ca-nsg-en, ca-nsg-fr, no-list-i (default: all)."),
    ] = None,
) -> None:
    """Download each list from its publisher (STCE_URL_*, or STCE_LISTS_MIRROR), check it, keep it with its
    address, date and SHA-256, and ingest it dated by the document. A failed download changes nothing. Asked
    for all, a list without an address (the Norwegian PDFs unless STCE_URL_NO_LIST_* is set) is skipped, saying
    where to find one."""
    from ingest.fetch import OFFICIAL, fetch

    settings = ctx.obj
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TimeRemainingColumn(),
        console=err,
        auto_refresh=False,
    ) as bar:
        tasks: dict[str, int] = {}

        def on_bytes(name: str, done: int, total: int) -> None:
            if name not in tasks:
                tasks[name] = bar.add_task(f"{escape(name)}: download", total=total or None)
            bar.update(tasks[name], completed=done, refresh=True)

        by_file = {o.path.rsplit("/", 1)[-1]: o.name for o in OFFICIAL}

        def progress(step: Step) -> None:
            name = by_file.get(step.path.rsplit("/", 1)[-1], "")
            if name in tasks:
                phase = f"embed {step.done}/{step.total}" if step.phase == "embed" else step.phase
                bar.update(tasks[name], description=f"{escape(name)}: {phase}", refresh=True)

        try:
            results = fetch(settings, names or [], on_bytes, progress)
        except StceError as error:
            err.print(f"[red]error:[/red] {escape(plain_reason(error))}", soft_wrap=True)
            raise typer.Exit(2) from None
    table = Table("list", "status", "version", "MB", "sha256", "address")
    for r in results:
        table.add_row(r.name, r.status, Text(r.version), f"{r.size / 1e6:.2f}", r.sha256[:12], Text(r.url))
    out.print(table)
    for r in results:
        if r.status == "skipped":
            out.print(f"[yellow]skipped:[/yellow] {escape(r.name)}: {escape(r.error)}", soft_wrap=True, highlight=False)
    failed = [r for r in results if r.status == "failed"]
    for r in failed:
        out.print(f"[red]failed:[/red] {escape(r.name)}: {escape(r.error)}", soft_wrap=True, highlight=False)
    if failed:
        out.print(f"{len(failed)} of {len(results)} lists not fetched; the index keeps what it had")
        raise typer.Exit(1)


def prepare_in_terminal(settings: Settings) -> None:
    """First start of `stce ask` / `stce chat`: prepare the lists folder's lists with progress on stderr, or say
    how to get the lists when there is no folder (answers then say that no control list is loaded)."""
    from ingest.firststart import lists_folder, needed, prepare

    if not needed(settings):
        return
    folder = lists_folder(settings)
    if folder is None:
        err.print(
            "[yellow]No control list is loaded.[/yellow] `stce lists fetch` downloads the official lists from "
            "their publishers; or set STCE_LISTS_DIR to a folder of the official files.",
            soft_wrap=True,
        )
        return
    err.print(f"First start: preparing the control lists in {escape(str(folder))} (once; minutes for whole lists)")
    with Progress(
        TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(), console=err, auto_refresh=False
    ) as bar:
        task = bar.add_task("starting", total=1.0)

        def show(status: Preparation) -> None:
            bar.update(task, description=escape(status.line()), completed=status.share, refresh=True)

        results = prepare(settings, show)
    for r in results:
        if r.status == "failed":
            err.print(f"[yellow]not prepared:[/yellow] {escape(r.path)}: {escape(r.error)}", soft_wrap=True)
