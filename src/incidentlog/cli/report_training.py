"""`incidentlog report training` and `report training-time`.

What a training session changed, and how long new staff take to be trained. Both are
registered on the `report` group in `reports.py`.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer

from incidentlog.cli import reporting
from incidentlog.cli.common import FormatOption, FromOption, PeriodOption, ToOption


def training(
    session_id: Annotated[
        int | None, typer.Argument(metavar="[TRAINING_ID]", help="Training session id.")
    ] = None,
    topic: Annotated[
        str | None,
        typer.Option("--topic", "-t", help="Every session whose topic contains this."),
    ] = None,
    before: Annotated[
        int, typer.Option("--before", min=1, help="Months before the session to compare with.")
    ] = 2,
    after: Annotated[
        int, typer.Option("--after", min=1, help="Months after the session, one window each.")
    ] = 3,
    chart: Annotated[bool, reporting.chart_option("both groups' rates, window by window,")] = False,
    fmt: FormatOption = "table",
) -> None:
    """Did a training session improve its attendees' resolution on the spot, against the
    agents who did not attend, and did the effect last?

    Example: incidentlog report training 7 --after 4
    """
    from incidentlog.cli.context import today
    from incidentlog.core.periods import Period
    from incidentlog.reports.training import training_effect
    from incidentlog.views import training_columns as view
    from incidentlog.views.render import check_format
    from incidentlog.views.report_parts import ReportView

    fmt = check_format(fmt)
    with reporting.reading() as conn:
        found = training_effect(
            conn, session_id=session_id, topic=topic, before=before, after=after, today=today()
        )
    rows = [row for item in found for row in item["rows"]]
    start, end = min(r["start"] for r in rows), max(r["end"] for r in rows)
    span = Period(dt.date.fromisoformat(start), dt.date.fromisoformat(end), "")
    sessions = [{**item["session"], "verdict": item["verdict"]} for item in found]
    extra: dict[str, object] = {"sessions": sessions}
    if len(found) == 1:
        extra["verdict"] = found[0]["verdict"]
    document = reporting.document("training", span, None, rows, **extra)
    if fmt == "html":
        view.training_html(found)
        return
    if fmt != "table":
        ReportView([]).render(rows, fmt, document=document)
        return
    for item in found:
        if chart:
            reporting.show(view.training_chart(item))
        else:
            view.training_table(item)


def training_time(
    period: PeriodOption = None,
    from_: FromOption = None,
    to: ToOption = None,
    store: Annotated[
        str | None, typer.Option("--store", "-s", help="Only sessions given at this store.")
    ] = None,
    by_month: Annotated[
        bool,
        typer.Option(
            "--by-month",
            help="Role-play minutes month by month (CSV and JSON: every kind, each month).",
        ),
    ] = False,
    fmt: FormatOption = "table",
) -> None:
    """Training minutes per agent: role-play per month, and new material against review.
    Agents without training are listed with zeros.

    Example: incidentlog report training-time --period 2026-Q1 --by-month
    """
    from incidentlog.reports.training_time import period_months, training_time_totals
    from incidentlog.reports.training_time import training_time as minutes_by_agent
    from incidentlog.views import training_columns as view
    from incidentlog.views.render import check_format
    from incidentlog.views.report_parts import ReportView

    fmt = check_format(fmt)
    chosen = reporting.period(period, from_, to)
    shown_months = period_months(chosen) if by_month else None
    with reporting.reading() as conn:
        rows = minutes_by_agent(conn, period=chosen, store=store, months=shown_months)
    totals = training_time_totals(rows, chosen, shown_months)
    extra: dict[str, object] = {"totals": totals}
    if shown_months is not None:
        extra["months"] = shown_months
    document = reporting.document("training-time", chosen, None, rows, **extra)
    if fmt == "csv":
        flat = [view.flat(r, shown_months) for r in rows]
        ReportView([]).render(flat, fmt, csv_keys=view.csv_keys(shown_months))
        return
    if shown_months is not None:
        months_view = view.training_time_by_month_view(chosen, store, shown_months)
        footer = view.by_month_footer(totals, shown_months)
        months_view.render(rows, fmt, document=document, footer=footer if len(rows) > 1 else None)
        return
    plain = view.training_time_view(chosen, store)
    plain.render(rows, fmt, document=document, footer=totals if len(rows) > 1 else None)
