"""`stce index export|import|keygen`: carry a prepared index to an offline post as one signed bundle."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.markup import escape

from assistant.core.errors import StceError, plain_reason

out = Console()
err = Console(stderr=True)


def _fail(error: Exception) -> None:
    err.print(f"[red]error:[/red] {escape(plain_reason(error))}", soft_wrap=True)
    raise typer.Exit(2)


def index_keygen(
    ctx: typer.Context,
    out_path: Annotated[Optional[Path], typer.Option("--out", help="Where to write the private key.")] = None,
) -> None:
    """Make the editor's Ed25519 signing key (mode 600); print the public key posts put in STCE_TRUSTED_KEYS."""
    from ingest.bundle import keygen

    try:
        path, public = keygen(ctx.obj, out_path)
    except StceError as error:
        _fail(error)
    out.print(f"private key: {path} (keep it secret; STCE_SIGNING_KEY points at it if moved)", highlight=False)
    out.print(f"public key:  {public}", highlight=False)
    out.print(f"posts trust it with: STCE_TRUSTED_KEYS='[\"{public}\"]'", highlight=False, markup=False)


def index_export(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="The bundle to write, e.g. stce-index-2026-06.tar.")],
    key: Annotated[Optional[Path], typer.Option(help="The private key (default: STCE_SIGNING_KEY or in home).")] = None,
) -> None:
    """Write the live index (snapshot, vectors, registry rows, kept sources, checksums) as one signed bundle."""
    from ingest.bundle import export

    try:
        manifest = export(ctx.obj, file, key)
    except Exception as error:  # noqa: BLE001  (a full disk, a store that cannot open)
        _fail(error)
    names = ", ".join(f"{s['name']} {s['version_label'] or s['content_hash'][:12]}" for s in manifest["sources"])
    out.print(f"exported {len(manifest['sources'])} sources to {file}: {names}", soft_wrap=True, highlight=False)
    out.print(f"signed by {manifest['signer']}", highlight=False)


def index_import(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="A bundle written by `stce index export`.")],
) -> None:
    """Verify a bundle (trusted key, signature, checksums) and switch the index to it atomically."""
    from ingest.bundle import import_bundle

    try:
        imported = import_bundle(ctx.obj, file)
    except Exception as error:  # noqa: BLE001  (refused bundles say why; a full disk too)
        _fail(error)
    out.print(
        f"imported {len(imported.sources)} sources (generation {imported.generation}, {imported.vectors_added} "
        f"vectors added), signed by {imported.signer[:16]}...",
        highlight=False,
    )


def add_bundle_commands(index_app: typer.Typer) -> None:
    """Register export, import and keygen on the `stce index` sub-app (kept here, out of cli.py)."""
    index_app.command("keygen")(index_keygen)
    index_app.command("export")(index_export)
    index_app.command("import")(index_import)
