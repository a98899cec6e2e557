"""`incidentlog import|export|demo|search` and `customers list|merge`."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from incidentlog.cli import common
from incidentlog.cli.common import FormatOption, FromOption, LimitOption, PeriodOption, ToOption
from incidentlog.console import echo, note
from incidentlog.errors import InvalidInput

if TYPE_CHECKING:
    from incidentlog.demo import DemoResult
    from incidentlog.transfer.planning import ImportResult

app = typer.Typer()
customers = typer.Typer(no_args_is_help=True)

# Files smaller than this import in a blink; a progress bar would only flicker.
PROGRESS_MIN_BYTES = 1_000_000
HIGHLIGHT = ("\x02", "\x03")

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
def _progress_bar(enabled: bool) -> Iterator[Callable[[str, int, int], None] | None]:
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


def _count(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def _created(result: ImportResult) -> str:
    tables = ("store", "agent", "reason", "customer")
    if result.dry_run:
        parts = [_count(result.created[t], t) for t in tables if result.created.get(t)]
        return f"; it would add {', '.join(parts)}" if parts else ""
    parts = [_count(result.created[t], f"new {t}") for t in tables if result.created.get(t)]
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
            _progress_bar(source.size >= PROGRESS_MIN_BYTES) as bar,
        ):
            result = import_source(
                conn,
                source,
                dry_run=dry_run,
                new_store=new_store,
                new_agent=new_agent,
                progress=bar,
                allow_duplicates=allow_duplicates,
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
                f"Note: {_count(result.upgraded_customers, 'known customer')} without a contact "
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
    chosen = common.period(period, from_, to, default=None)
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
            from incidentlog.listing import IncidentFilter

            selection = IncidentFilter(
                start=chosen.start if chosen else None,
                end=chosen.end if chosen else None,
                store=store,
                agent=agent,
                customer=customer,
                reason=reason,
                open_only=open_only,
            )
            count = export_incidents(conn, out, selection, fmt=fmt, redact=redact)
    if output is not None:
        what = "incident" if kind == "incidents" else "training session"
        note(f"Exported {_count(count, what)} to {output}.")


@contextmanager
def _destination(output: Path | None, force: bool) -> Iterator[Any]:
    """Standard output, or a private file written whole or not at all."""
    if output is None:
        yield sys.stdout
        return
    from incidentlog.transfer.exporter import destination

    with destination(output, live=common.database().path, force=force) as out:
        yield out


@app.command()
def demo(
    force: Annotated[
        bool,
        typer.Option("--force", help="Add the demo data even though the database is not empty."),
    ] = False,
    remove: Annotated[
        bool,
        typer.Option("--remove", help="Take the demo data out again (undo brings it back)."),
    ] = False,
    keep: Annotated[
        bool,
        typer.Option("--keep", help="Keep the demo data and let real records join it."),
    ] = False,
) -> None:
    """Fill an empty database with a realistic sample (stores, agents, 14+ months of
    incidents, training) and show a short tour of what to try.

    Example: incidentlog demo
    """
    from incidentlog.demo import load

    if remove or keep:
        from incidentlog.cli.sample_cmd import choose

        choose(remove=remove, keep=keep, force=force)
        return
    with common.connect(create=True) as conn, _progress_bar(True) as progress:
        result = load(conn, force=force, progress=progress)
    _tour(result)


def _tour(result: DemoResult) -> None:
    first = f"{result.first:%-d %b %Y}" if result.first else "?"
    last = f"{result.last:%-d %b %Y}" if result.last else "?"
    echo(
        f"Added the demo: {result.incidents:,} incidents at {result.stores} stores by "
        f"{result.agents} agents, {first} – {last},",
        bold=True,
    )
    from incidentlog.invocation import command

    echo(
        f"and {result.sessions} training sessions (`{command('demo --remove')}` takes it "
        "out again).",
        bold=True,
    )
    echo("A short tour — try:")
    month = "" if result.today.day > 1 else " --period last-month"
    compare = " --compare last-month" if month == "" else " --compare 2-months-ago"
    roleplay = (
        str(result.roleplay_id) if result.roleplay_id is not None else "--topic De-escalation"
    )
    steps = [
        ("incidentlog list --limit 10", "the latest incidents"),
        ("incidentlog follow-ups", "open cases, overdue first"),
        (f"incidentlog report store{month}{compare}", "per store: rising or falling?"),
        ("incidentlog report agents --compare 3-months-ago", "on the spot per agent, now vs then"),
        ("incidentlog report reasons --period last-quarter --top 5", "top reasons; which go worst"),
        (
            f"incidentlog report training {roleplay} --after 6",
            f"did the {result.roleplay_day:%B %Y} role-play last?",
        ),
        (
            "incidentlog report training-time --period last-quarter",
            "role-play minutes; new vs review",
        ),
        ("incidentlog repeat-customers --min-stores 2", "problem customers across stores"),
        ('incidentlog search "refund voucher"', "how similar cases were solved"),
        ("incidentlog summary", "the weekly summary for cron"),
        ("incidentlog customers list --limit 20", "spot duplicates to merge"),
    ]
    # As the user can run it: a venv's incidentlog is not on PATH.
    steps = [(command(line.removeprefix("incidentlog ")), what) for line, what in steps]
    width = max(len(line) for line, _what in steps) + 2
    if width + max(len(what) for _line, what in steps) > 98:  # a long path: one per line
        for line, what in steps:
            echo(f"  {what}:\n    {line}")
        return
    for line, what in steps:
        echo(f"  {line:<{width}}{what}")


def _markup(text: str) -> str:
    """A snippet with its matches highlighted, user text escaped for Rich."""
    from rich.markup import escape

    out, rest = [], text
    while HIGHLIGHT[0] in rest:
        before, _, rest = rest.partition(HIGHLIGHT[0])
        match, _, rest = rest.partition(HIGHLIGHT[1])
        out.append(escape(before) + "[bold yellow]" + escape(match) + "[/]")
    out.append(escape(rest))
    return "".join(out)


@app.command()
def search(
    words: Annotated[list[str], typer.Argument(metavar="TEXT", help="Words to look for.")],
    period: PeriodOption = None,
    from_: FromOption = None,
    to: ToOption = None,
    limit: LimitOption = None,
    fmt: FormatOption = "table",
) -> None:
    """Full-text search of descriptions and resolutions, best match first (default: all
    time): every word must appear, as a word or the start of one.

    Example: incidentlog search refund voucher --period this-year
    """
    from incidentlog.cli.record import incident_columns, incident_csv_keys
    from incidentlog.render import Column, check_format, render
    from incidentlog.search import search as find
    from incidentlog.search import snippet, terms

    fmt = check_format(fmt)
    text = " ".join(words)
    chosen = common.period(period, from_, to, default=None)
    marks = HIGHLIGHT if fmt == "table" else ("**", "**")
    with common.connect() as conn:
        rows = find(
            conn,
            text,
            start=chosen.start if chosen else None,
            end=chosen.end if chosen else None,
            limit=limit,
            marks=marks,
        )
    wanted = terms(text)
    columns = [
        *incident_columns()[:2],
        *incident_columns()[3:5],
        incident_columns()[6],
        Column(
            "description",
            "What happened",
            show=lambda v, _r: _markup(snippet(v, "", wanted, HIGHLIGHT)),
            markup=True,
        ),
        Column(
            "resolution",
            "Resolution",
            show=lambda v, _r: _markup(snippet("", v, wanted, HIGHLIGHT)),
            markup=True,
        ),
    ]
    title = f'Search "{text}"' + (f" · {chosen.label}" if chosen else "")
    render(
        rows,
        columns,
        fmt,
        title=title,
        empty="No incident mentions that.",
        csv_keys=incident_csv_keys("snippet"),
    )


@customers.command("list")
def customers_list(
    period: PeriodOption = None,
    from_: FromOption = None,
    to: ToOption = None,
    limit: LimitOption = None,
    fmt: FormatOption = "table",
) -> None:
    """List customers by name with their incidents, stores and agents (default: all time),
    so duplicates stand next to each other.

    Example: incidentlog customers list --period this-year
    """
    from incidentlog.customers import list_customers
    from incidentlog.render import Column, check_format, email_break, render, short_date

    fmt = check_format(fmt)
    chosen = common.period(period, from_, to, default=None)
    with common.connect() as conn:
        rows = list_customers(
            conn,
            start=chosen.start if chosen else None,
            end=chosen.end if chosen else None,
            limit=limit,
        )
    columns = [
        Column("id", "#", "right"),
        Column("name", "Customer"),
        Column("contact", "Contact", show=lambda v, _r: v or "", narrow=email_break, under="name"),
        Column("incidents", "Incidents", "right"),
        Column("stores", "Stores", "right"),
        Column("agents", "Agents", "right"),
        Column("first", "First", show=lambda v, _r: v or "—", no_wrap=True, narrow=short_date),
        Column("last", "Last", show=lambda v, _r: v or "—", no_wrap=True, narrow=short_date),
    ]
    title = f"Customers · {chosen.label}" if chosen else "Customers"
    render(rows, columns, fmt, title=title, empty="No customers yet.")


@customers.command("merge")
def customers_merge(
    keep: Annotated[str, typer.Argument(metavar="KEEP", help="Customer to keep: id or name.")],
    duplicate: Annotated[
        str, typer.Argument(metavar="DUPLICATE", help="Customer to merge into it: id or name.")
    ],
) -> None:
    """Move DUPLICATE's incidents to KEEP and remove DUPLICATE (`undo` reverses it).

    Example: incidentlog customers merge 12 31
    """
    from incidentlog.customers import merge

    with common.connect() as conn:
        merged = merge(conn, keep, duplicate)
    kept, gone = merged["keep"], merged["duplicate"]
    echo(
        f"Merged customer #{gone['id']} ({gone['name']}) into #{kept['id']} ({kept['name']}): "
        f"{_count(merged['moved'], 'incident')} moved. `incidentlog undo` reverses it."
    )
    if merged["contact"] and merged["contact"] != kept["contact"]:
        note(f"Note: #{kept['id']} now has the contact {merged['contact']}.")
    if merged["dropped_contact"]:
        note(
            f"Note: #{gone['id']}'s contact {merged['dropped_contact']} was not kept "
            f"(#{kept['id']} keeps {kept['contact']})."
        )
