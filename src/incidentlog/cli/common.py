"""What every command shares: the shared options, opening the database, output options.

The global options themselves (``--db``, ``--today``) arrive as the `App` of
`cli/context.py`; the helpers here read it from the running command.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated, Any

import typer

from incidentlog.cli import context
from incidentlog.cli.params import PeriodType, WhenType

if TYPE_CHECKING:
    from incidentlog.core.periods import Period
    from incidentlog.records.listing import IncidentFilter
    from incidentlog.storage.connection import Conn
    from incidentlog.storage.database import Database

FormatOption = Annotated[
    str,
    typer.Option(
        "--format",
        "-f",
        help="Output format: table, csv, json or html (one self-contained page).",
        metavar="table|csv|json|html",
    ),
]
PeriodOption = Annotated[
    str | None,
    typer.Option(
        "--period",
        "-p",
        help="Period: 2026-03, 2026-Q2, 2026-W14, last-month, last-30-days, a..b ...",
        click_type=PeriodType(),
    ),
]
FromOption = Annotated[
    str | None,
    typer.Option("--from", help="First day (instead of --period).", click_type=WhenType("bound")),
]
ToOption = Annotated[
    str | None,
    typer.Option("--to", help="Last day (instead of --period).", click_type=WhenType("bound")),
]
# The incident filters `list`, `export` and friends share.
StoreFilter = Annotated[str | None, typer.Option("--store", "-s", help="Only this store.")]
AgentFilter = Annotated[str | None, typer.Option("--agent", "-a", help="Only this agent.")]
CustomerFilter = Annotated[
    str | None, typer.Option("--customer", "-c", help="Only this customer (name or contact).")
]
ReasonFilter = Annotated[str | None, typer.Option("--reason", "-r", help="Only this reason.")]
OpenFilter = Annotated[bool, typer.Option("--open", help="Only incidents still open.")]
LimitOption = Annotated[int | None, typer.Option("--limit", "-n", min=1, help="At most N rows.")]


def locate() -> Database:
    """The chosen database, whether or not it exists yet."""
    from incidentlog.storage.database import Database

    return Database.from_option(context.current().db)


def database(*, create: bool = False) -> Database:
    """The chosen database, for a command that reads it (or writes it: `create=True`).

    Only writers create a database. A reader of a database named explicitly that does not
    exist fails with `No database at PATH` (a mistyped path in a cron line must not print a
    summary of zeros); a reader of the default location before the first write gets the
    welcome instead. Neither creates a file or a folder.
    """
    from incidentlog.storage.database import named_explicitly

    db = locate()
    if create or db.exists():
        return db
    if named_explicitly(context.current().db):
        from incidentlog.core.errors import DomainError

        raise DomainError(f"No database at {db.describe()}.")
    from incidentlog.cli.welcome import welcome

    welcome(db)
    raise typer.Exit(0)


# What `add` and `training add` keep in the outbox when the server is away: the kind
# ("incident" or "training"), the recording layer's input dataclass, and its flags.
Keep = Callable[[], tuple[str, Any, dict[str, bool]]]


@contextmanager
def connect(*, create: bool = False, keep: Keep | None = None) -> Iterator[Conn]:
    """An open connection to the chosen database, schema up to date.

    Commands that record something pass `create=True`: they make the database on first use
    and say so on stderr. Every other command needs it to exist (see `database`).
    With `keep`, a server that cannot be reached does not lose the record: it goes to this
    till's outbox and the command ends there with exit 0 and a warning. Whatever waits in
    the outbox is sent first by the next command that reaches the server.
    """
    # Imported here, not with this module: `--help` and the command tree need neither the
    # storage layer nor sqlite3.
    from incidentlog.storage.database import Unreachable
    from incidentlog.views.console import echo

    db = database(create=create)
    new = create and not db.exists()
    try:
        conn = db.connect(create=create)
    except Unreachable as exc:
        if keep is None:
            raise
        _keep_in_outbox(db, keep, exc)
        raise typer.Exit(0) from exc
    if new:
        echo(f"Created a new database at {db.describe()}.", err=True)
    try:
        if db.dialect == "postgresql":
            _send_outbox(db, conn)
        yield conn
    finally:
        conn.close()
        # On PostgreSQL `close` hands the connection back to the engine's pool; a program
        # running commands again and again (a till's loop) must not keep one per command.
        db.dispose()


def _keep_in_outbox(db: Database, keep: Keep, exc: Exception) -> None:
    from incidentlog.records import outbox
    from incidentlog.views.console import note

    kind, data, flags = keep()
    path = outbox.keep(kind, data, flags, db.url)
    what = "incident" if kind == "incident" else "training session"
    note(
        f"Warning: {exc} The {what} is kept in this till's outbox ({path.name}) and will be "
        "recorded by the next command that reaches the server; `incidentlog db outbox` "
        "lists what waits."
    )


def _send_outbox(db: Database, conn: Conn) -> None:
    from incidentlog.records import outbox
    from incidentlog.views.console import note

    sent, problems = outbox.send(conn, db.url)
    if sent:
        note(f"Recorded {sent} record{'s' if sent != 1 else ''} kept in this till's outbox.")
    for problem in problems:
        note(f"Warning: an outbox record could not be recorded yet ({problem}); it waits.")


def count(n: int, word: str) -> str:
    """`1 incident`, `1,250 incidents`."""
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def period(
    period: str | None, from_: str | None, to: str | None, *, default: str | None = "this-month"
) -> Period | None:
    """The period of ``--period`` or ``--from``/``--to``, counted from the command's today."""
    from incidentlog.core.periods import period_from_options

    return period_from_options(period, from_, to, default=default, today=context.today())


def incident_filter(
    period_: str | None,
    from_: str | None,
    to: str | None,
    store: str | None,
    agent: str | None,
    customer: str | None,
    reason: str | None,
    open_only: bool,
    *,
    limit: int | None = None,
    default: str | None = "this-month",
) -> tuple[Period | None, IncidentFilter]:
    """The period and the incidents that the shared filter options select, in the order
    `list` and `export` declare them (see `period` for the period's default)."""
    from incidentlog.records.listing import IncidentFilter

    chosen = period(period_, from_, to, default=default)
    return chosen, IncidentFilter(
        start=chosen.start if chosen else None,
        end=chosen.end if chosen else None,
        store=store,
        agent=agent,
        customer=customer,
        reason=reason,
        open_only=open_only,
        limit=limit,
    )
