"""`incidentlog report agents|store|reasons|training|training-time`.

Each command parses its options, calls a report function of `incidentlog.reports` and
hands the rows to the one renderer. Heavy modules are imported inside the commands.
`training` and `training-time` live in `report_training.py`; what the report commands
share, in `reporting.py`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from incidentlog.cli import context, report_resolution, report_training, reporting
from incidentlog.cli.common import FormatOption, FromOption, PeriodOption, ToOption
from incidentlog.cli.params import PeriodType

if TYPE_CHECKING:
    from incidentlog.core.periods import Period

app = typer.Typer(no_args_is_help=True)


CompareOption = Annotated[
    str | None,
    typer.Option(
        "--compare",
        "-c",
        help="Compare with another period, e.g. last-month or 3-months-ago.",
        click_type=PeriodType(),
    ),
]


def _compare_period(compare: str | None) -> Period | None:
    from incidentlog.core.periods import parse_period

    return parse_period(compare, today=context.today()) if compare is not None else None


def _significance_note(compare: Period | str) -> str:
    return f"▲▼ beside a rate: significantly different from {compare} (95% level)."


@app.command("agents")
def agents(
    period: PeriodOption = None,
    from_: FromOption = None,
    to: ToOption = None,
    compare: CompareOption = None,
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
    from incidentlog.views import display as d
    from incidentlog.views.charts import sparkline
    from incidentlog.views.render import Column, check_format, render

    fmt = check_format(fmt)
    chosen = reporting.period(period, from_, to)
    other = _compare_period(compare)
    part = partial(chosen, other, today())
    with reporting.reading() as conn:
        rows = resolution_by_agent(
            conn, period=chosen, compare=other, store=store, agent=agent, partial=part
        )
    totals = agent_totals(rows, with_compare=other is not None, partial=part)
    if chart and fmt == "table":
        from incidentlog.views.charts import agent_rates_chart

        title = f"Resolved on the spot per agent · {chosen.label}"
        caption = d.not_over_note(chosen, today())
        reporting.show(
            agent_rates_chart([r for r in rows if r["incidents"]], title=title, caption=caption)
        )
        return
    like_for_like = other is not None and part is not None
    now_label = d.short_label(chosen, other) if other else "Incidents"
    if like_for_like:
        now_label = d.span(chosen.start, today(), year=False)
    columns = [
        Column("agent", "Agent"),
        Column("incidents", now_label, "right"),
        Column("resolved_on_spot", "On the spot", "right"),
        Column("rate", "Rate", show=lambda _v, r: d.rate_cell(r), no_wrap=True),
    ]
    if other is not None:
        # Like for like while the period is not over: the comparison's same first days
        # drive the rate change; the whole comparison period stays beside it.
        prefix = "compare_to_date_" if like_for_like else "compare_"
        then_label = d.short_label(other, chosen)
        if part is not None and part.compare_to_date is not None:
            then_label = d.span(part.compare_to_date.start, part.compare_to_date.end, year=False)
        columns.append(Column(f"{prefix}incidents", then_label, "right"))
        if not like_for_like:
            # (Left out beside the whole period, so that the table keeps to the width.)
            columns.append(Column(f"{prefix}resolved_on_spot", "On the spot", "right"))
        columns += [
            Column(f"{prefix}rate", "Rate", show=lambda _v, r: d.rate_cell(r, prefix)),
            Column(
                "rate_change",
                "Rate change",
                "right",
                show=lambda v, r: d.points(v) + d.mark(r["rate_significant"], v),
                no_wrap=True,
            ),
        ]
        if like_for_like:
            columns.append(
                Column(
                    "compare_incidents",
                    f"All {d.short_label(other, chosen)}",
                    "right",
                    show=lambda v, r: f"{v:,} · {d.pct(r['compare_rate'])}",
                )
            )
    columns.append(
        Column(
            "on_spot_last_6_months",
            "On the spot,\nlast 6 months",
            show=lambda v, _r: sparkline(v),
            no_wrap=True,
            drop=1,
            chart=True,
        )
    )
    title = f"Resolution on the spot per agent · {chosen.label}"
    if other is not None:
        title += f" vs {other.label}"
    notes: list[str | None] = [d.not_over_note(chosen, today())]
    if other is not None:
        if like_for_like and part is not None:
            notes = [d.like_for_like_note(chosen, other, part)]
            notes.append(
                f"All {d.short_label(other, chosen)}: incidents and rate on the spot "
                f"of the whole of {other.label}."
            )
        against: Period | str = other
        if like_for_like and part is not None and part.compare_to_date is not None:
            against = d.span(part.compare_to_date.start, part.compare_to_date.end)
        notes.append(
            "Rate change: the rate's change in percentage points (pts); ▲▼ beside it: "
            f"significantly different from {against} (95% level)."
        )
    render(
        rows,
        columns,
        fmt,
        title=title + (f" · {store}" if store else ""),
        caption=reporting.caption(*notes),
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
        empty=f"No incidents in {chosen.label}.",
        footer=totals if len(rows) > 1 else None,
    )


@app.command("store")
def store_report(
    period: PeriodOption = None,
    from_: FromOption = None,
    to: ToOption = None,
    compare: CompareOption = None,
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
    from incidentlog.views import display as d
    from incidentlog.views.charts import sparkline
    from incidentlog.views.render import Column, check_format, render

    fmt = check_format(fmt)
    chosen = reporting.period(period, from_, to)
    if chart:
        _store_chart(chosen, store, fmt)
        return
    other = _compare_period(compare)
    part = partial(chosen, other, today())
    with reporting.reading() as conn:
        rows = incidents_by_store(conn, period=chosen, compare=other, store=store, partial=part)
    totals = store_totals(rows, with_compare=other is not None, partial=part)
    like_for_like = other is not None and part is not None
    now_label = d.short_label(chosen, other) if other else "Incidents"
    if like_for_like:
        now_label = d.span(chosen.start, today(), year=False)
    columns = [
        Column("store", "Store"),
        Column("incidents", now_label, "right"),
    ]
    if other is not None:
        if part is not None and part.compare_to_date is not None:
            # Like for like: the same first days of the comparison drive the change; the
            # whole comparison period stays beside it.
            to_date = part.compare_to_date
            columns += [
                Column(
                    "compare_to_date_incidents",
                    d.span(to_date.start, to_date.end, year=False),
                    "right",
                ),
                Column(
                    "change", "Change", "right", show=lambda v, _r: d.change_cell(v), no_wrap=True
                ),
                Column("compare_incidents", f"All {d.short_label(other, chosen)}", "right"),
            ]
        else:
            columns += [
                Column("compare_incidents", d.short_label(other, chosen), "right"),
                Column(
                    "change", "Change", "right", show=lambda v, _r: d.change_cell(v), no_wrap=True
                ),
            ]
    columns += [
        Column(
            "rate",
            "On the spot",
            show=lambda _v, r: (
                d.rate_cell(r) + d.mark(bool(r.get("rate_significant")), r.get("rate_change"))
            ),
            no_wrap=True,
        ),
        Column("resolved_rate", "Resolved in all", show=lambda _v, r: d.rate_cell(r, "resolved_")),
        Column(
            "incidents_per_resolved",
            "Ratio",
            "right",
            show=lambda v, _r: "—" if v is None else f"{v:.2f}",
        ),
        Column(
            "last_6_months",
            "Last 6 months",
            show=lambda v, _r: sparkline(v),
            no_wrap=True,
            drop=1,
            chart=True,
        ),
    ]
    title = f"Incidents per store · {chosen.label}"
    if other is not None:
        title += f" vs {other.label}"
    footer = {k: v for k, v in totals.items() if k != "last_6_months"}
    notes: list[str | None] = [d.not_over_note(chosen, today())]
    if like_for_like and part is not None and other is not None:
        notes = [d.like_for_like_note(chosen, other, part)]
    if part is not None:
        notes.append(d.pace_note(chosen, part, totals["incidents"]))
    notes.append("Ratio: incidents per incident resolved (on the spot or later).")
    if other is not None:
        notes.append(
            "Change: incidents against "
            + ("the same days" if like_for_like else other.label)
            + ", ▲ more, ▼ fewer. "
            + _significance_note(
                d.span(part.compare_to_date.start, part.compare_to_date.end)
                if part is not None and part.compare_to_date is not None
                else other
            )
        )
    render(
        rows,
        columns,
        fmt,
        title=title,
        caption=reporting.caption(*notes),
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
        empty=f"No incidents in {chosen.label}.",
        footer=footer if len(rows) > 1 else None,
    )


def _store_chart(chosen: Period, store: str | None, fmt: str) -> None:
    """Incidents per store per month, the twelve months ending with the period's month."""
    from incidentlog.cli.context import today
    from incidentlog.core.periods import Period, parse_period
    from incidentlog.reports.store import CHART_MONTHS, incidents_by_month, months_ending
    from incidentlog.views.charts import month_label, store_months_chart
    from incidentlog.views.render import Column, render

    months = months_ending(chosen, CHART_MONTHS)
    first, last = parse_period(months[0], today=today()), parse_period(months[-1], today=today())
    span = f"{month_label(months[0], with_year=True)}–{month_label(months[-1], with_year=True)}"
    with reporting.reading() as conn:
        rows = incidents_by_month(conn, period=chosen, store=store)
    if fmt != "table":
        columns = [Column(k, k) for k in ("store", "month", "incidents")]
        document = reporting.document(
            "store-months", Period(first.start, last.end, span), None, rows
        )
        render(rows, columns, fmt, document=document)
        return
    if not rows:
        reporting.show(f"No incidents in {span}.")
        return
    partial = months[-1] if last.start <= today() < last.end else None
    title = f"Incidents per store per month · {span}" + (f" · {store}" if store else "")
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
    from incidentlog.views import display as d
    from incidentlog.views.render import Column, check_format, render

    fmt = check_format(fmt)
    chosen = reporting.period(period, from_, to)
    with reporting.reading() as conn:
        rows = reasons_report(conn, period=chosen, top=top_n, store=store)
    totals = reasons_totals(rows)
    columns = [
        Column("reason", "Reason"),
        Column("incidents", "Incidents", "right"),
        Column("share", "Share", "right", show=lambda v, _r: d.pct(v)),
        Column("rate", "On the spot", show=lambda _v, r: d.rate_cell(r), no_wrap=True),
        Column("resolved_later", "Resolved later", "right"),
        Column("open", "Open", "right"),
    ]
    worst = worst_resolved(rows)
    worst_line = None
    if worst is not None and len(rows) > 1:
        worst_line = (
            f"Resolved worst: {worst['reason']} — {d.pct(worst['rate'])} on the spot "
            f"{d.interval(worst)}."
        )
    title = f"Reasons for incidents · {chosen.label}"
    if top_n is not None:
        title += f" · top {top_n}"
    render(
        rows,
        columns,
        fmt,
        title=title + (f" · {store}" if store else ""),
        caption=reporting.caption(worst_line),
        document=reporting.document("reasons", chosen, None, rows, totals=totals),
        csv_keys=list(totals),
        empty=f"No incidents in {chosen.label}.",
        footer=totals if len(rows) > 1 else None,
    )


# Registered here, after `reasons`, so that `report --help` lists them in this order.
app.command("training")(report_training.training)
app.command("training-time")(report_training.training_time)
app.command("resolution")(report_resolution.resolution)
