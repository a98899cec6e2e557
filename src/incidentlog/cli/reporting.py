"""What the report commands share: reading the database, documents, captions, periods."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated, Any

import typer

from incidentlog.cli import common, context
from incidentlog.cli.params import PeriodType

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from incidentlog.core.periods import Period
    from incidentlog.storage.database import Database


StoreOption = Annotated[str | None, typer.Option("--store", "-s", help="Only this store.")]
CompareOption = Annotated[
    str | None,
    typer.Option(
        "--compare",
        "-c",
        help="Compare with another period, e.g. last-month or 3-months-ago.",
        click_type=PeriodType(),
    ),
]


def compare_period(compare: str | None) -> Period | None:
    """The `--compare` period, read with the run's clock (None without `--compare`)."""
    from incidentlog.core.periods import parse_period

    return parse_period(compare, today=context.today()) if compare is not None else None


def chart_option(what: str) -> Any:
    return typer.Option("--chart", help=f"Draw {what} as a chart instead of a table.")


@contextmanager
def reading() -> Iterator[Connection]:
    """A read connection for reports, after the schema has been created or upgraded.

    The engine stays open until the command ends (not just this block), so that what the
    report asks afterwards (`document`: are the demo's records in it?) takes the same pooled
    connection instead of opening the database again.
    """
    database = common.database()
    database.connect().close()
    if not _keep_until_the_command_ends(database):
        try:
            with database.engine().connect() as conn:
                yield conn
        finally:
            database.dispose()
        return
    app = context.current()
    app.reading = database
    with database.engine().connect() as conn:
        app.reading_connection = conn
        try:
            yield conn
        finally:
            app.reading_connection = None


def _keep_until_the_command_ends(database: Database) -> bool:
    from incidentlog.cli.context import get_current_context

    ctx = get_current_context(silent=True)
    if ctx is None:  # called as a library: nothing ends the command, so close at once
        return False
    ctx.call_on_close(database.dispose)
    return True


def document(
    report: str, period: Period, compare: Period | None, rows: Iterable[Any], **extra: Any
) -> dict[str, Any]:
    from incidentlog.cli.sample import mark_report
    from incidentlog.views.render import ReportDocument

    # A report says when the demo's sample records are in it: `demo_records` in JSON, and
    # a line under the table while they are mixed with real ones.
    marked, note = mark_report(
        {
            "report": report,
            "period": period.as_json(),
            "compare": compare.as_json() if compare else None,
            "rows": rows,
            **extra,
        },
        None,
    )
    return ReportDocument(marked, note=note)


def caption(*lines: str | None) -> str | None:
    kept = [line for line in lines if line]
    return "\n".join(kept) if kept else None


def show(renderable: Any) -> None:
    from incidentlog.views.console import stdout_console

    stdout_console().print(renderable)


def period(period: str | None, from_: str | None, to: str | None, **kw: Any) -> Period:
    chosen = common.period(period, from_, to, **kw)
    assert chosen is not None
    return chosen
