"""What every command shares: the global options, opening the database, output options."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from incidentlog.db import Conn, Database
    from incidentlog.periods import Period


@dataclass
class State:
    db: str | None = None


STATE = State()

FormatOption = Annotated[
    str,
    typer.Option(
        "--format", "-f", help="Output format: table, csv or json.", metavar="table|csv|json"
    ),
]
PeriodOption = Annotated[
    str | None,
    typer.Option(
        "--period",
        "-p",
        help="Period: 2026-03, 2026-Q2, 2026-W14, last-month, last-30-days, a..b ...",
    ),
]
FromOption = Annotated[str | None, typer.Option("--from", help="First day (instead of --period).")]
ToOption = Annotated[str | None, typer.Option("--to", help="Last day (instead of --period).")]
# The incident filters `list`, `export` and friends share.
StoreFilter = Annotated[str | None, typer.Option("--store", "-s", help="Only this store.")]
AgentFilter = Annotated[str | None, typer.Option("--agent", "-a", help="Only this agent.")]
CustomerFilter = Annotated[
    str | None, typer.Option("--customer", "-c", help="Only this customer (name or contact).")
]
ReasonFilter = Annotated[str | None, typer.Option("--reason", "-r", help="Only this reason.")]
OpenFilter = Annotated[bool, typer.Option("--open", help="Only incidents still open.")]
LimitOption = Annotated[int | None, typer.Option("--limit", "-n", min=1, help="At most N rows.")]


def set_globals(db: str | None, today: str | None) -> None:
    STATE.db = db
    if today is not None:
        # Exported so every "today" in this process (periods, dates) agrees with --today.
        os.environ["INCIDENTLOG_TODAY"] = today
        from incidentlog.errors import InvalidInput
        from incidentlog.periods import TODAY_ENV
        from incidentlog.periods import today as fixed_today

        try:
            fixed_today()
        except InvalidInput as exc:  # the message must name the option that was typed
            raise InvalidInput(str(exc).replace(TODAY_ENV, "--today")) from None


def database() -> Database:
    from incidentlog.db import Database

    return Database.from_option(STATE.db)


@contextmanager
def connect() -> Iterator[Conn]:
    """An open connection to the chosen database, schema up to date."""
    conn = database().connect()
    try:
        yield conn
    finally:
        conn.close()


def period(
    period: str | None, from_: str | None, to: str | None, *, default: str | None = "this-month"
) -> Period | None:
    from incidentlog.periods import period_from_options

    return period_from_options(period, from_, to, default=default)
