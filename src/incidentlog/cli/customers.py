"""`incidentlog customers list|merge`."""

from __future__ import annotations

from typing import Annotated

import typer

from incidentlog.cli import common
from incidentlog.cli.common import FormatOption, FromOption, LimitOption, PeriodOption, ToOption
from incidentlog.views.console import echo, note

app = typer.Typer(no_args_is_help=True)


@app.command("list")
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
    from incidentlog.records.customers import list_customers
    from incidentlog.views.render import Column, check_format, email_break, render, short_date

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


@app.command("merge")
def customers_merge(
    keep: Annotated[str, typer.Argument(metavar="KEEP", help="Customer to keep: id or name.")],
    duplicate: Annotated[
        str, typer.Argument(metavar="DUPLICATE", help="Customer to merge into it: id or name.")
    ],
) -> None:
    """Move DUPLICATE's incidents to KEEP and remove DUPLICATE (`undo` reverses it).

    Example: incidentlog customers merge 12 31
    """
    from incidentlog.records.customers import merge

    with common.connect() as conn:
        merged = merge(conn, keep, duplicate)
    kept, gone = merged["keep"], merged["duplicate"]
    echo(
        f"Merged customer #{gone['id']} ({gone['name']}) into #{kept['id']} ({kept['name']}): "
        f"{common.count(merged['moved'], 'incident')} moved. `incidentlog undo` reverses it."
    )
    if merged["contact"] and merged["contact"] != kept["contact"]:
        note(f"Note: #{kept['id']} now has the contact {merged['contact']}.")
    if merged["dropped_contact"]:
        note(
            f"Note: #{gone['id']}'s contact {merged['dropped_contact']} was not kept "
            f"(#{kept['id']} keeps {kept['contact']})."
        )
