"""`incidentlog report agents|store|reasons|training|training-time`.

Each command parses its options, calls a report function of `incidentlog.reports` and
hands the rows to the report's view (`views/report_columns.py`: columns, titles, notes),
which renders them. Heavy modules are imported inside the commands.
`training` and `training-time` live in `report_training.py`; what the report commands
share, in `reporting.py`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from incidentlog.cli import report_resolution, report_training, reporting
from incidentlog.cli.common import FormatOption, FromOption, PeriodOption, ToOption

if TYPE_CHECKING:
    from incidentlog.core.periods import Period

app = typer.Typer(no_args_is_help=True)


def _currency() -> str | None:
    """How remedy costs are shown (`config set currency EUR`); amounts are stored without."""
    from incidentlog.core import config

    return config.get("currency")


@app.command("agents")
def agents(
    period: PeriodOption = None,
    from_: FromOption = None,
    to: ToOption = None,
    compare: reporting.CompareOption = None,
    store: reporting.StoreOption = None,
    agent: Annotated[str | None, typer.Option("--agent", "-a", help="Only this agent.")] = None,
    chart: Annotated[bool, reporting.chart_option("each agent's rate and its interval")] = False,
    fmt: FormatOption = "table",
) -> None:
    """Incidents and resolution on the spot per agent (default period: this month).

    Example: incidentlog report agents --agent Jane --compare 3-months-ago
    """
    from incidentlog.cli.context import today
    from incidentlog.reports.agents import agent_totals, resolution_by_agent
    from incidentlog.reports.common import partial
    from incidentlog.reports.store import sparkline_months
    from incidentlog.views.render import check_format
    from incidentlog.views.report_columns import agents_chart, agents_view
    from incidentlog.views.report_parts import Comparing

    fmt = check_format(fmt)
    chosen = reporting.period(period, from_, to)
    other = reporting.compare_period(compare)
    part = partial(chosen, other, today())
    with reporting.reading() as conn:
        rows = resolution_by_agent(
            conn, period=chosen, compare=other, store=store, agent=agent, partial=part
        )
    totals = agent_totals(rows, with_compare=other is not None, partial=part)
    comparing = Comparing(chosen, other, part, today())
    if chart and fmt == "table":
        reporting.show(agents_chart(rows, comparing))
        return
    view = agents_view(comparing, rows, totals, store=store, currency=_currency())
    view.render(
        rows,
        fmt,
        document=reporting.document(
            "agents",
            chosen,
            other,
            rows,
            partial=part.as_json() if part else None,
            totals=totals,
            last_6_months=sparkline_months(chosen),
        ),
        csv_keys=[*totals, "on_spot_last_6_months"],
        footer=totals if len(rows) > 1 else None,
    )


@app.command("store")
def store_report(
    period: PeriodOption = None,
    from_: FromOption = None,
    to: ToOption = None,
    compare: reporting.CompareOption = None,
    store: reporting.StoreOption = None,
    chart: Annotated[
        bool, reporting.chart_option("each store's incidents of the last 12 months")
    ] = False,
    fmt: FormatOption = "table",
) -> None:
    """Incidents per store, resolved on the spot, and the trend (default period: this month).

    Example: incidentlog report store --compare last-month
    """
    from incidentlog.cli.context import today
    from incidentlog.reports.common import partial
    from incidentlog.reports.store import incidents_by_store, sparkline_months, store_totals
    from incidentlog.views.render import check_format
    from incidentlog.views.report_columns import store_footer, store_view
    from incidentlog.views.report_parts import Comparing

    fmt = check_format(fmt)
    chosen = reporting.period(period, from_, to)
    if chart:
        _store_chart(chosen, store, fmt)
        return
    other = reporting.compare_period(compare)
    part = partial(chosen, other, today())
    with reporting.reading() as conn:
        rows = incidents_by_store(conn, period=chosen, compare=other, store=store, partial=part)
    totals = store_totals(rows, with_compare=other is not None, partial=part)
    view = store_view(Comparing(chosen, other, part, today()), rows, totals, currency=_currency())
    view.render(
        rows,
        fmt,
        document=reporting.document(
            "store",
            chosen,
            other,
            rows,
            partial=part.as_json() if part else None,
            totals=totals,
            last_6_months=sparkline_months(chosen),
        ),
        csv_keys=list(totals),
        footer=store_footer(totals) if len(rows) > 1 else None,
    )


def _store_chart(chosen: Period, store: str | None, fmt: str) -> None:
    """Incidents per store per month, the twelve months ending with the period's month."""
    from incidentlog.cli.context import today
    from incidentlog.core.periods import Period, parse_period
    from incidentlog.reports.store import CHART_MONTHS, incidents_by_month, months_ending
    from incidentlog.views.charts import month_label, store_months_chart
    from incidentlog.views.report_columns import store_months_columns, store_months_title
    from incidentlog.views.report_parts import ReportView

    months = months_ending(chosen, CHART_MONTHS)
    first, last = parse_period(months[0], today=today()), parse_period(months[-1], today=today())
    span = f"{month_label(months[0], with_year=True)}–{month_label(months[-1], with_year=True)}"
    with reporting.reading() as conn:
        rows = incidents_by_month(conn, period=chosen, store=store)
    if fmt != "table":
        document = reporting.document(
            "store-months", Period(first.start, last.end, span), None, rows
        )
        ReportView(store_months_columns()).render(rows, fmt, document=document)
        return
    if not rows:
        reporting.show(f"No incidents in {span}.")
        return
    partial = months[-1] if last.start <= today() < last.end else None
    title = store_months_title(span, store)
    reporting.show(store_months_chart(rows, months=months, title=title, partial=partial))


@app.command("reasons")
def reasons(
    period: PeriodOption = None,
    from_: FromOption = None,
    to: ToOption = None,
    top_n: Annotated[
        int | None, typer.Option("--top", "-n", min=1, help="Only the N most common reasons.")
    ] = None,
    store: reporting.StoreOption = None,
    fmt: FormatOption = "table",
) -> None:
    """The most common reasons for incidents and how well each is resolved (default: this month).

    Example: incidentlog report reasons --period last-quarter --top 5
    """
    from incidentlog.reports.reasons import reasons_report, reasons_totals, worst_resolved
    from incidentlog.views.render import check_format
    from incidentlog.views.report_columns import reasons_view

    fmt = check_format(fmt)
    chosen = reporting.period(period, from_, to)
    with reporting.reading() as conn:
        rows = reasons_report(conn, period=chosen, top=top_n, store=store)
    totals = reasons_totals(rows)
    view = reasons_view(rows, worst_resolved(rows), period=chosen, top=top_n, store=store)
    view.render(
        rows,
        fmt,
        document=reporting.document("reasons", chosen, None, rows, totals=totals),
        csv_keys=list(totals),
        footer=totals if len(rows) > 1 else None,
    )


# Registered here, after `reasons`, so that `report --help` lists them in this order.
app.command("training")(report_training.training)
app.command("training-time")(report_training.training_time)
app.command("resolution")(report_resolution.resolution)
