"""`incidentlog repeat-customers`: customers who keep coming back."""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import closing
from typing import TYPE_CHECKING, Annotated, Any, cast

import typer

from incidentlog.cli import reporting
from incidentlog.cli.common import FormatOption, FromOption, PeriodOption, ToOption

if TYPE_CHECKING:
    from incidentlog.core.periods import Period
    from incidentlog.reports.repeat_customers import RepeatCustomer

app = typer.Typer()


# A table is read by a person: the broadest customers, not tens of thousands of lines.
TABLE_CUSTOMERS = 50


@app.command("repeat-customers")
def repeat_customers(
    period: PeriodOption = None,
    from_: FromOption = None,
    to: ToOption = None,
    min_incidents: Annotated[
        int, typer.Option("--min-incidents", min=1, help="N or more incidents in the period.")
    ] = 2,
    min_agents: Annotated[
        int, typer.Option("--min-agents", min=1, help="Served by N or more agents.")
    ] = 1,
    min_stores: Annotated[
        int, typer.Option("--min-stores", min=1, help="Seen at N or more stores.")
    ] = 1,
    limit: Annotated[
        int | None,
        typer.Option(
            "--limit", "-n", min=1, help=f"At most N customers (table default: {TABLE_CUSTOMERS})."
        ),
    ] = None,
    fmt: FormatOption = "table",
) -> None:
    """Customers who keep coming back, broadest first (default period: last 12 months).

    Example: incidentlog repeat-customers --min-stores 2
    """
    from incidentlog.views.render import check_format

    fmt = check_format(fmt)
    chosen = reporting.period(period, from_, to, default="last-12-months")
    if limit is None and fmt == "table":
        limit = TABLE_CUSTOMERS
    thresholds = {
        "min_incidents": min_incidents,
        "min_agents": min_agents,
        "min_stores": min_stores,
    }
    title = _repeat_title(min_incidents, min_agents, min_stores) + f" · {chosen.label}"
    with reporting.reading() as conn:
        if limit is None and fmt in ("json", "csv"):
            from incidentlog.reports.repeat_customers import each_repeat_customer

            # Every customer, written as the database hands them over: tens of thousands
            # of rows are never all held at once. Closed here, while the database is still
            # open, also when the reader went away (`| head`): a cursor let go later, by
            # the garbage collector, fails to close and prints a traceback.
            with closing(each_repeat_customer(conn, period=chosen, **thresholds)) as rows:
                _show(rows, fmt, title, chosen)
            return
        from incidentlog.reports.repeat_customers import repeat_customers as find_repeat

        found = find_repeat(conn, period=chosen, limit=limit, **thresholds)
        shown = found.rows
        caption = None
        if len(shown) < found.found:
            caption = (
                f"The {len(shown)} broadest of {found.found:,} customers; "
                "--limit N or --format csv shows more."
            )
        _show(shown, fmt, title, chosen, caption=caption)


def _show(
    rows: Iterable[RepeatCustomer],
    fmt: str,
    title: str,
    chosen: Period,
    *,
    caption: str | None = None,
) -> None:
    from incidentlog.reports.repeat_customers import ROW_KEYS
    from incidentlog.views.render import Column, email_break, render, short_date

    columns = [
        Column("customer", "Customer"),
        Column(
            "contact", "Contact", show=lambda v, _r: v or "", narrow=email_break, under="customer"
        ),
        Column("incidents", "Incidents", "right"),
        Column("stores", "Stores", "right"),
        Column("agents", "Agents", "right"),
        Column("first", "First", no_wrap=True, narrow=short_date),
        Column("last", "Last", no_wrap=True, narrow=short_date),
        Column("reasons", "Reasons"),
    ]
    render(
        # The rows are plain dicts at run time; a copy of each would cost memory on a long JSON.
        cast("Iterable[dict[str, Any]]", rows),
        columns,
        fmt,
        title=title,
        caption=caption,
        document=reporting.document("repeat-customers", chosen, None, rows),
        csv_keys=ROW_KEYS,
        empty="No customer came back in this period.",
    )


def _repeat_title(min_incidents: int, min_agents: int, min_stores: int) -> str:
    """ "Customers with 2+ incidents, 3+ stores" """
    parts = [f"{min_incidents}+ incidents"]
    if min_agents > 1:
        parts.append(f"{min_agents}+ agents")
    if min_stores > 1:
        parts.append(f"{min_stores}+ stores")
    return "Customers with " + ", ".join(parts)
