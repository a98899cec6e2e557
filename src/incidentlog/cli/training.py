"""`incidentlog training add|list`."""

from __future__ import annotations

from typing import Annotated

import typer

from incidentlog.cli import common, sample
from incidentlog.cli.common import FormatOption, FromOption, PeriodOption, ToOption
from incidentlog.cli.params import WhenType
from incidentlog.views.console import echo, is_interactive, note

app = typer.Typer(no_args_is_help=True)


@app.command("add")
def add(
    topic: Annotated[str, typer.Option("--topic", "-t", help="What the session was about.")],
    kind: Annotated[
        str,
        typer.Option(
            "--kind",
            "-k",
            help="roleplay, new-material or review.",
            metavar="roleplay|new-material|review",
        ),
    ],
    minutes: Annotated[int, typer.Option("--minutes", "-m", help="Duration in minutes.")],
    agents: Annotated[
        str, typer.Option("--agents", help='Attendees, comma-separated: "Jane,Bob".')
    ],
    on: Annotated[
        str | None,
        typer.Option(
            "--on", help="Day of the session (default: today).", click_type=WhenType("day")
        ),
    ] = None,
    store: Annotated[
        str | None, typer.Option("--store", "-s", help="Store (default: `config set store`).")
    ] = None,
    trainer: Annotated[str | None, typer.Option("--trainer", help="Who gave it.")] = None,
    new_agent: Annotated[
        bool,
        typer.Option("--new-agent", help="Confirm new agents whose names look like known ones."),
    ] = False,
    new_store: Annotated[
        bool,
        typer.Option("--new-store", help="Confirm a new store whose name looks like a known one."),
    ] = False,
) -> None:
    """Record a training session and who attended.

    Example: incidentlog training add --topic "De-escalation" --kind roleplay --minutes 90 --agents "Jane,Bob"
    """
    from incidentlog.cli.context import now, today
    from incidentlog.core import config
    from incidentlog.core.dates import parse_day
    from incidentlog.core.errors import InvalidInput, NearDuplicate
    from incidentlog.records.training import SessionInput, add_session, split_agents
    from incidentlog.storage.connection import retrying

    day = parse_day(on, today=today(), now=now()) if on else today()
    if day > today():
        raise InvalidInput(f"The session day {day} is in the future; record sessions once given.")
    data = SessionInput(
        topic=topic,
        kind=kind,
        minutes=minutes,
        agents=split_agents(agents),
        on=day,
        store=store or config.load().get("store"),
        trainer=trainer,
    )
    keep = lambda: ("training", data, {"new_agent": new_agent, "new_store": new_store})  # noqa: E731
    with common.connect(create=True, keep=keep) as conn:
        sample.settle(conn)  # a real record must not silently join the demo's sample
        try:
            session = retrying(
                conn, lambda: add_session(conn, data, new_agent=new_agent, new_store=new_store)
            )
        except NearDuplicate as exc:
            if not is_interactive() or not typer.confirm(
                f"{exc} Record it as new anyway?", default=False
            ):
                raise
            session = retrying(
                conn, lambda: add_session(conn, data, new_agent=True, new_store=True)
            )
    echo(
        f"Recorded training session #{session['id']}: {session['topic']} ({session['kind']}, "
        f"{session['minutes']} min) on {session['on']} with {', '.join(session['agents'])}."
    )


@app.command("list")
def list_(
    period: PeriodOption = None,
    from_: FromOption = None,
    to: ToOption = None,
    topic: Annotated[
        str | None, typer.Option("--topic", "-t", help="Only sessions whose topic contains this.")
    ] = None,
    fmt: FormatOption = "table",
) -> None:
    """List training sessions (default period: this month).

    Example: incidentlog training list --period 2026-Q1
    """
    from incidentlog.records.training import list_sessions
    from incidentlog.views.render import Column, check_format, render, short_date

    fmt = check_format(fmt)
    chosen = common.period(period, from_, to)
    with common.connect() as conn:
        rows = list_sessions(
            conn,
            start=chosen.start if chosen else None,
            end=chosen.end if chosen else None,
            topic=topic,
        )
    columns = [
        Column("id", "#", "right"),
        Column("on", "On", no_wrap=True, narrow=short_date),
        Column("topic", "Topic"),
        Column("kind", "Kind", narrow=lambda v, _r: str(v).replace("-", " ")),
        Column("minutes", "Minutes", "right"),
        Column("agents", "Attendees"),
        Column("store", "Store"),
        Column("trainer", "Trainer"),
    ]
    title = f"Training sessions · {chosen.label}" if chosen else "Training sessions"
    render(rows, columns, fmt, title=title, empty="No training sessions in this period.")
    if not rows and fmt == "table" and period is None:
        note("Try --period this-year, or `incidentlog training add --help`.")
