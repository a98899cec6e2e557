"""`incidentlog report resolution`: after the incident — time to resolve, follow-ups kept,
check-backs and satisfaction, remedies and their cost. Registered on `report` in
`reports.py`."""

from __future__ import annotations

from typing import Annotated

import typer

from incidentlog.cli import reporting
from incidentlog.cli.common import FormatOption, FromOption, PeriodOption, ToOption

ByOption = Annotated[
    str,
    typer.Option(
        "--by", "-b", help="One row per store, agent or reason.", metavar="store|agent|reason"
    ),
]


def resolution(
    period: PeriodOption = None,
    from_: FromOption = None,
    to: ToOption = None,
    compare: reporting.CompareOption = None,
    by: ByOption = "store",
    store: reporting.StoreOption = None,
    chart: Annotated[
        bool, reporting.chart_option("each row's satisfaction and days to resolve")
    ] = False,
    fmt: FormatOption = "table",
) -> None:
    """After the incident: days to resolve, follow-ups on time, check-backs and the
    customers' satisfaction, reopened incidents and what the remedies cost (default period:
    this month).

    Example: incidentlog report resolution --by agent --compare last-month
    """
    from incidentlog.cli.context import today
    from incidentlog.core import config
    from incidentlog.core.errors import InvalidInput
    from incidentlog.reports.common import partial
    from incidentlog.reports.resolution import GROUPINGS, resolution_report
    from incidentlog.views import resolution_columns as view_of
    from incidentlog.views.render import check_format, render

    fmt = check_format(fmt)
    by = by.strip().lower()
    if by not in GROUPINGS:
        raise InvalidInput(f'Unknown --by "{by}". Use store, agent or reason.')
    chosen = reporting.period(period, from_, to)
    other = reporting.compare_period(compare)
    part = partial(chosen, other, today())
    with reporting.reading() as conn:
        found = resolution_report(
            conn, period=chosen, by=by, compare=other, store=store, partial=part
        )
    rows = [row.as_json(by) for row in found.rows]
    totals = found.totals.as_json(by)
    view = view_of.View(by, chosen, today(), other, part, config.get("currency"))
    title = view_of.title(view, store)
    if chart and fmt == "table":
        reporting.show(
            view_of.resolution_chart(
                [r for r in rows if r["incidents"]],
                by=by,
                title=title,
                caption=reporting.caption(view_of.notes(view)[0]),
            )
        )
        return
    render(
        rows,
        view_of.columns(view),
        fmt,
        title=title,
        caption=reporting.caption(*view_of.notes(view)),
        document=reporting.document(
            "resolution",
            chosen,
            other,
            rows,
            partial=part.as_json() if part else None,
            totals=totals,
        ),
        csv_keys=list(totals),
        empty=f"No incidents in {chosen.label}.",
        footer=totals if len(rows) > 1 else None,
    )
