"""`incidentlog import` and `incidentlog export`: incidents and training in and out of files."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from incidentlog.cli import common, context, sample
from incidentlog.cli.common import FromOption, PeriodOption, ToOption
from incidentlog.core.errors import InvalidInput
from incidentlog.views.console import echo, note

if TYPE_CHECKING:
    from incidentlog.transfer.planning import ImportResult

app = typer.Typer()

# Files smaller than this import in a blink; a progress bar would only flicker.
PROGRESS_MIN_BYTES = 1_000_000

KindOption = Annotated[
    str | None,
    typer.Option(
        "--kind",
        "-k",
        help="incidents or training (default: told by the file's columns).",
        metavar="incidents|training",
    ),
]
NewStore = Annotated[
    bool, typer.Option("--new-store", help="Accept new stores whose names look like known ones.")
]
NewAgent = Annotated[
    bool, typer.Option("--new-agent", help="Accept new agents whose names look like known ones.")
]


@contextmanager
def progress_bar(enabled: bool) -> Iterator[Callable[[str, int, int], None] | None]:
    """A Rich progress bar on stderr (a terminal only), fed by the importer's callback."""
    if not enabled or not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        Progress,
        TaskProgressColumn,
        TextColumn,
        TimeRemainingColumn,
    )

    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        tasks: dict[str, Any] = {}

        def update(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done, total=total)

        yield update


def _created(result: ImportResult) -> str:
    tables = ("store", "agent", "reason", "customer")
    if result.dry_run:
        parts = [common.count(result.created[t], t) for t in tables if result.created.get(t)]
        return f"; it would add {', '.join(parts)}" if parts else ""
    parts = [common.count(result.created[t], f"new {t}") for t in tables if result.created.get(t)]
    return f" ({', '.join(parts)})" if parts else ""


@contextmanager
def _readable(file: Path) -> Iterator[Path]:
    """The file itself, or standard input spooled to a private temporary file for `-`
    (an import reads its input twice)."""
    if str(file) != "-":
        yield file
        return
    import shutil
    import tempfile

    with tempfile.TemporaryDirectory(prefix="incidentlog-") as folder:
        spooled = Path(folder) / "stdin"
        with spooled.open("wb") as out:
            shutil.copyfileobj(sys.stdin.buffer, out)
        yield spooled


@app.command("import")
def import_(
    file: Annotated[
        Path, typer.Argument(metavar="FILE", help="CSV or JSON file (as `export` writes), or -.")
    ],
    kind: KindOption = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Check every row and report; write nothing.")
    ] = False,
    new_store: NewStore = False,
    new_agent: NewAgent = False,
    allow_duplicates: Annotated[
        bool,
        typer.Option(
            "--allow-duplicates",
            help="Import records even when the same one is already recorded (or repeated).",
        ),
    ] = False,
) -> None:
    """Import incidents or training sessions from CSV or JSON, all or nothing.

    Columns are matched by name in any order; incidents need customer, reason, resolved,
    store, agent and at. A bad row writes nothing and the error names its line and column.
    Records already recorded (the same time, customer, store, agent and reason; for
    training the same day, topic, kind and attendees) are skipped and counted, so a file
    imported twice is not doubled.

    Example: incidentlog import incidents.csv --dry-run
    """
    from incidentlog.transfer.importer import counted, import_source
    from incidentlog.transfer.sources import open_file

    with _readable(file) as path:
        source = open_file(path, kind)  # a missing file or bad header: before any database
        with (
            common.connect(create=not dry_run) as conn,
            progress_bar(source.size >= PROGRESS_MIN_BYTES) as bar,
        ):
            result = import_source(
                conn,
                source,
                dry_run=dry_run,
                new_store=new_store,
                new_agent=new_agent,
                progress=bar,
                allow_duplicates=allow_duplicates,
                now=context.now(),
                ask=sample.asker(),
            )
    name = "standard input" if str(file) == "-" else str(file)
    what = counted(result)
    skipped = ""
    if result.skipped:
        would = "would be " if dry_run else ""
        skipped = f"{result.skipped:,} {would}skipped as already recorded"
    if dry_run:
        echo(f"Checked {name}: {what}, all valid{_created(result)}.")
        if skipped:
            echo(f"{skipped[0].upper()}{skipped[1:]} (--allow-duplicates imports them).")
        echo("Nothing was written (--dry-run).")
    elif not (result.incidents or result.sessions):
        if skipped:
            echo(f"Nothing new in {name}: {skipped} (--allow-duplicates imports them).")
        else:
            echo(f"{name} holds no rows; nothing was imported.")
    else:
        echo(f"Imported {what} from {name}{_created(result)}.")
        if skipped:
            echo(f"{skipped[0].upper()}{skipped[1:]} (--allow-duplicates imports them).")
        if result.upgraded_customers:
            note(
                f"Note: {common.count(result.upgraded_customers, 'known customer')} without a contact "
                "took the contact given in the file."
            )
        echo("`incidentlog undo` takes the whole import out again.")
    for warning in result.warnings:
        note(f"Note: {warning}")


@app.command()
def export(
    kind: Annotated[
        str,
        typer.Option("--kind", "-k", help="incidents or training.", metavar="incidents|training"),
    ] = "incidents",
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="csv (default) or json.", metavar="csv|json")
    ] = "csv",
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write to this file (default: standard output)."),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite the --output file.")] = False,
    redact: Annotated[
        bool,
        typer.Option(
            "--redact",
            help="Replace customer names with stable pseudonyms (Customer 42) and drop contacts.",
        ),
    ] = False,
    period: PeriodOption = None,
    from_: FromOption = None,
    to: ToOption = None,
    store: common.StoreFilter = None,
    agent: common.AgentFilter = None,
    customer: common.CustomerFilter = None,
    reason: common.ReasonFilter = None,
    open_only: common.OpenFilter = False,
) -> None:
    """Export incidents or training sessions as CSV or JSON that `import` reads back
    (default: all time, every incident).

    --redact keeps the data shareable: the same customer always gets the same pseudonym,
    and their name and contact are also replaced where the free text repeats them.

    Example: incidentlog export --period 2026 --redact --output incidents-2026.csv
    """
    from incidentlog.transfer.exporter import check_export_format, export_incidents, export_training

    fmt = check_export_format(fmt)
    if kind not in ("incidents", "training"):
        raise InvalidInput(f'Unknown kind "{kind}". Use incidents or training.')
    chosen, selection = common.incident_filter(
        period, from_, to, store, agent, customer, reason, open_only, default=None
    )
    if kind == "training" and (store or agent or customer or reason or open_only or redact):
        raise InvalidInput(
            "--store, --agent, --customer, --reason, --open and --redact apply to incidents; "
            "training exports take --period."
        )
    with common.connect() as conn, _destination(output, force) as out:
        if kind == "training":
            count = export_training(
                conn,
                out,
                start=chosen.start if chosen else None,
                end=chosen.end if chosen else None,
                fmt=fmt,
            )
        else:
            count = export_incidents(conn, out, selection, fmt=fmt, redact=redact)
    if output is not None:
        what = "incident" if kind == "incidents" else "training session"
        note(f"Exported {common.count(count, what)} to {output}.")


@contextmanager
def _destination(output: Path | None, force: bool) -> Iterator[Any]:
    """Standard output, or a private file written whole or not at all."""
    if output is None:
        yield sys.stdout
        return
    from incidentlog.transfer.exporter import destination

    with destination(output, live=common.database().path, force=force) as out:
        yield out
