"""`incidentlog demo`: fill an empty database with the sample data, take it out, or keep it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from incidentlog.cli import common, context
from incidentlog.cli.transfer import progress_bar
from incidentlog.core.errors import InvalidInput
from incidentlog.views.console import echo

if TYPE_CHECKING:
    from incidentlog.demo.build import DemoResult

app = typer.Typer()


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
    from incidentlog.demo.build import load

    if remove or keep:
        _choose(remove=remove, keep=keep, force=force)
        return
    with common.connect(create=True) as conn, progress_bar(True) as progress:
        result = load(conn, force=force, progress=progress, today=context.today())
    _tour(result)


def _tour(result: DemoResult) -> None:
    first = f"{result.first:%-d %b %Y}" if result.first else "?"
    last = f"{result.last:%-d %b %Y}" if result.last else "?"
    echo(
        f"Added the demo: {result.incidents:,} incidents at {result.stores} stores by "
        f"{result.agents} agents, {first} – {last},",
        bold=True,
    )
    from incidentlog.core.invocation import command

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


def _choose(*, remove: bool, keep: bool, force: bool) -> None:
    from incidentlog.core.invocation import command
    from incidentlog.records import sample

    if remove and keep:
        raise InvalidInput("--remove and --keep exclude each other; choose one.")
    if force:
        raise InvalidInput("--force fills the database; it does not go with --remove or --keep.")
    with common.connect() as conn:
        if remove:
            removed = sample.remove(conn)
            echo(
                f"Removed the demo data ({removed.describe()}); `{command('undo')}` brings it back."
            )
            return
        found = sample.held(conn)
        if not found:
            raise InvalidInput("This database holds no demo data; there is nothing to keep.")
        sample.keep(conn)
        echo(
            f"Keeping the demo data ({found.describe()}); real records may join it from now on, "
            f"and reports say when they mix. `{command('demo --remove')}` takes it out later."
        )
