"""`incidentlog report ...`, `repeat-customers` and `summary`.

Each command parses its options, calls a report function of `incidentlog.reports` and
hands the rows to the one renderer. Heavy modules are imported inside the commands.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated, Any

import typer

from incidentlog.cli import common
from incidentlog.cli.common import FormatOption, FromOption, PeriodOption, ToOption

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from incidentlog.periods import Period

app = typer.Typer(no_args_is_help=True)
# Report commands that live at the top level rather than under `report`.
top = typer.Typer()

# A table is read by a person: the broadest customers, not tens of thousands of lines.
TABLE_CUSTOMERS = 50

StoreOption = Annotated[str | None, typer.Option("--store", "-s", help="Only this store.")]
CompareOption = Annotated[
    str | None,
    typer.Option(
        "--compare", "-c", help="Compare with another period, e.g. last-month or 3-months-ago."
    ),
]


def _chart_option(what: str) -> Any:
    return typer.Option("--chart", help=f"Draw {what} as a chart instead of a table.")


@contextmanager
def _reading() -> Iterator[Connection]:
    """A read connection for reports, after the schema has been created or upgraded."""
    database = common.database()
    database.connect().close()
    try:
        with database.engine().connect() as conn:
            yield conn
    finally:
        database.dispose()


def _document(
    report: str, period: Period, compare: Period | None, rows: list[Any], **extra: Any
) -> dict[str, Any]:
    return {
        "report": report,
        "period": period.as_json(),
        "compare": compare.as_json() if compare else None,
        "rows": rows,
        **extra,
    }


def _caption(*lines: str | None) -> str | None:
    kept = [line for line in lines if line]
    return "\n".join(kept) if kept else None


def _compare_period(compare: str | None) -> Period | None:
    from incidentlog.periods import parse_period

    return parse_period(compare) if compare is not None else None


def _significance_note(compare: Period | str) -> str:
    return f"▲▼ beside a rate: significantly different from {compare} (95% level)."


@app.command("agents")
def agents(
    period: PeriodOption = None,
    from_: FromOption = None,
    to: ToOption = None,
    compare: CompareOption = None,
    store: StoreOption = None,
    agent: Annotated[str | None, typer.Option("--agent", "-a", help="Only this agent.")] = None,
    chart: Annotated[bool, _chart_option("each agent's rate and its interval")] = False,
    fmt: FormatOption = "table",
) -> None:
    """Incidents and resolution on the spot per agent (default period: this month).

    Example: incidentlog report agents --agent Jane --compare 3-months-ago
    """
    from incidentlog.charts import sparkline
    from incidentlog.periods import today
    from incidentlog.render import Column, check_format, render
    from incidentlog.reports import display as d
    from incidentlog.reports.agents import agent_totals, resolution_by_agent
    from incidentlog.reports.common import partial
    from incidentlog.reports.store import sparkline_months

    fmt = check_format(fmt)
    chosen = _period(period, from_, to)
    other = _compare_period(compare)
    part = partial(chosen, other, today())
    with _reading() as conn:
        rows = resolution_by_agent(
            conn, period=chosen, compare=other, store=store, agent=agent, partial=part
        )
    totals = agent_totals(rows, with_compare=other is not None, partial=part)
    if chart and fmt == "table":
        from incidentlog.charts import agent_rates_chart

        title = f"Resolved on the spot per agent · {chosen.label}"
        caption = d.not_over_note(chosen, today())
        _print(agent_rates_chart([r for r in rows if r["incidents"]], title=title, caption=caption))
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
        caption=_caption(*notes),
        document=_document(
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
    store: StoreOption = None,
    chart: Annotated[bool, _chart_option("each store's incidents of the last 12 months")] = False,
    fmt: FormatOption = "table",
) -> None:
    """Incidents per store, resolved on the spot, and the trend (default period: this month).

    Example: incidentlog report store --compare last-month
    """
    from incidentlog.charts import sparkline
    from incidentlog.periods import today
    from incidentlog.render import Column, check_format, render
    from incidentlog.reports import display as d
    from incidentlog.reports.common import partial
    from incidentlog.reports.store import incidents_by_store, sparkline_months, store_totals

    fmt = check_format(fmt)
    chosen = _period(period, from_, to)
    if chart:
        _store_chart(chosen, store, fmt)
        return
    other = _compare_period(compare)
    part = partial(chosen, other, today())
    with _reading() as conn:
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
        caption=_caption(*notes),
        document=_document(
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
    from incidentlog.charts import month_label, store_months_chart
    from incidentlog.periods import Period, parse_period, today
    from incidentlog.render import Column, render
    from incidentlog.reports.store import CHART_MONTHS, incidents_by_month, months_ending

    months = months_ending(chosen, CHART_MONTHS)
    first, last = parse_period(months[0]), parse_period(months[-1])
    span = f"{month_label(months[0], with_year=True)}–{month_label(months[-1], with_year=True)}"
    with _reading() as conn:
        rows = incidents_by_month(conn, period=chosen, store=store)
    if fmt != "table":
        columns = [Column(k, k) for k in ("store", "month", "incidents")]
        document = _document("store-months", Period(first.start, last.end, span), None, rows)
        render(rows, columns, fmt, document=document)
        return
    if not rows:
        _print(f"No incidents in {span}.")
        return
    partial = months[-1] if last.start <= today() < last.end else None
    title = f"Incidents per store per month · {span}" + (f" · {store}" if store else "")
    _print(store_months_chart(rows, months=months, title=title, partial=partial))


def _print(renderable: Any) -> None:
    from incidentlog.console import stdout_console

    stdout_console().print(renderable)


@app.command("reasons")
def reasons(
    period: PeriodOption = None,
    from_: FromOption = None,
    to: ToOption = None,
    top_n: Annotated[
        int | None, typer.Option("--top", "-n", min=1, help="Only the N most common reasons.")
    ] = None,
    store: StoreOption = None,
    fmt: FormatOption = "table",
) -> None:
    """The most common reasons for incidents and how well each is resolved (default: this month).

    Example: incidentlog report reasons --period last-quarter --top 5
    """
    from incidentlog.render import Column, check_format, render
    from incidentlog.reports import display as d
    from incidentlog.reports.reasons import reasons_report, reasons_totals, worst_resolved

    fmt = check_format(fmt)
    chosen = _period(period, from_, to)
    with _reading() as conn:
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
        caption=_caption(worst_line),
        document=_document("reasons", chosen, None, rows, totals=totals),
        csv_keys=list(totals),
        empty=f"No incidents in {chosen.label}.",
        footer=totals if len(rows) > 1 else None,
    )


@app.command("training")
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
    chart: Annotated[bool, _chart_option("both groups' rates, window by window,")] = False,
    fmt: FormatOption = "table",
) -> None:
    """Did a training session improve its attendees' resolution on the spot, against the
    agents who did not attend, and did the effect last?

    Example: incidentlog report training 7 --after 4
    """
    from incidentlog.periods import Period, today
    from incidentlog.render import check_format, render
    from incidentlog.reports.training import training_effect

    fmt = check_format(fmt)
    with _reading() as conn:
        found = training_effect(
            conn, session_id=session_id, topic=topic, before=before, after=after, today=today()
        )
    rows = [row for item in found for row in item["rows"]]
    span = Period(_iso(min(r["start"] for r in rows)), _iso(max(r["end"] for r in rows)), "")
    sessions = [{**item["session"], "verdict": item["verdict"]} for item in found]
    extra: dict[str, Any] = {"sessions": sessions}
    if len(found) == 1:
        extra["verdict"] = found[0]["verdict"]
    document = _document("training", span, None, rows, **extra)
    if fmt == "html":
        _training_html(found)
        return
    if fmt != "table":
        render(rows, [], fmt, document=document)
        return
    for item in found:
        if chart:
            from incidentlog.charts import training_chart

            title = _training_title(item["session"])
            caption = f"Verdict: {item['verdict']['text']}"
            _print(training_chart(item["rows"], title=title, caption=caption))
        else:
            _training_table(item)


def _training_table(item: dict[str, Any]) -> None:
    from incidentlog.render import render_table

    columns, title, caption = _training_view(item)
    render_table(item["rows"], columns, title=title, caption=caption)


def _training_html(found: list[dict[str, Any]]) -> None:
    """Every session's table in one document, cell for cell as the terminal shows them."""
    import sys

    from incidentlog.views import html

    sections = []
    for item in found:
        columns, title, caption = _training_view(item)
        sections.append(html.section(item["rows"], columns, title=title, notes=[caption]))
    heading = sections[0]["title"] if len(sections) == 1 else "Training sessions and their effect"
    if len(sections) == 1:
        sections[0]["title"] = None
    sys.stdout.write(html.document(heading, sections))


def _training_view(item: dict[str, Any]) -> tuple[list[Any], str, str]:
    """The training table's columns, title and notes (one spec for the terminal and HTML)."""
    from incidentlog.render import Column
    from incidentlog.reports import display as d

    session = item["session"]

    def window_cell(_v: Any, r: dict[str, Any]) -> str:
        start, end = (d.day_month(_iso(r[k])) for k in ("start", "end"))
        return f"{r['window']:<8}{start}–{end}"

    def group_cell(group: str) -> Any:
        def show(_v: Any, r: dict[str, Any]) -> str:
            if not r["started"]:
                return "not yet"
            n = r[f"{group}_incidents"]
            if not n:
                return "no incidents"
            text = f"{d.pct(r[f'{group}_rate'])}  of {n:,}  {d.interval(r, group + '_')}"
            return text + d.mark(r[f"{group}_significant"], r[f"{group}_change"])

        return show

    columns = [
        Column("window", "Window", show=window_cell, no_wrap=True),
        Column("trained_rate", "Attendees on the spot", show=group_cell("trained"), no_wrap=True),
        Column("others_rate", "Other agents on the spot", show=group_cell("others"), no_wrap=True),
        Column(
            "effect",
            "Difference",
            "right",
            show=lambda v, r: "" if v is None else d.points(v) + d.mark(r["significant"], v),
            no_wrap=True,
        ),
    ]
    title = _training_title(session)
    caption = (
        f"Attendees: {', '.join(session['attendees'])}.\n"
        "Difference: the attendees' change since `before` minus the other agents' change; "
        "▲▼ mark a significant change (95% level).\n"
        f"Verdict: {item['verdict']['text']}"
    )
    return columns, title, caption


def _training_title(session: dict[str, Any]) -> str:
    """ "De-escalation (role-play) · #7 · 10 Mar 2026 · 90 min · 4 attendees" """
    from incidentlog.reports import display as d

    kind = {"roleplay": "role-play", "new-material": "new material"}.get(
        session["kind"], session["kind"]
    )
    topic = session["topic"]
    if kind.replace("-", "") not in topic.lower().replace("-", ""):
        topic += f" ({kind})"
    on = _iso(session["on"])
    return (
        f"{topic} · #{session['id']} · {d.day_month(on)} {on.year} · "
        f"{session['minutes']} min · {d.plural(len(session['attendees']), 'attendee')}"
    )


def _iso(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


@app.command("training-time")
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
    from incidentlog.charts import month_label
    from incidentlog.render import Column, check_format, render
    from incidentlog.reports.training_time import (
        csv_keys,
        flat,
        period_months,
        training_time_totals,
    )
    from incidentlog.reports.training_time import training_time as minutes_by_agent

    fmt = check_format(fmt)
    chosen = _period(period, from_, to)
    shown_months = period_months(chosen) if by_month else None
    with _reading() as conn:
        rows = minutes_by_agent(conn, period=chosen, store=store, months=shown_months)
    totals = training_time_totals(rows, chosen, shown_months)
    months = chosen.months_spanned()
    title = f"Training time per agent · {chosen.label}" + (f" · {store}" if store else "")
    extra: dict[str, Any] = {"totals": totals}
    if shown_months is not None:
        extra["months"] = shown_months
    document = _document("training-time", chosen, None, rows, **extra)
    if fmt == "csv":
        render([flat(r, shown_months) for r in rows], [], fmt, csv_keys=csv_keys(shown_months))
        return
    if shown_months is not None:
        years = {m[:4] for m in shown_months}

        def month_cell(month: str) -> Any:
            return lambda _v, r: f"{r['months'][month]['roleplay_minutes']:,}"

        columns = [Column("agent", "Agent")]
        for n, month in enumerate(shown_months):
            with_year = len(years) > 1 and (n == 0 or month.endswith("-01"))
            columns.append(
                Column(
                    f"month_{month}",
                    month_label(month, with_year=with_year).replace(" ", "\n"),
                    "right",
                    show=month_cell(month),
                )
            )
        columns.append(Column("roleplay_minutes", "Total", "right"))
        notes = ["Role-play minutes in each calendar month."]
        if chosen.start.day != 1 or (chosen.end + dt.timedelta(days=1)).day != 1:
            notes.append(
                f"{chosen.label[:1].upper()}{chosen.label[1:]} starts or ends within a month: "
                "that month counts only the days inside the period."
            )
        footer_by_month = {f"month_{m}": None for m in shown_months}
        render(
            rows,
            columns,
            fmt,
            title=title + " · role-play by month",
            caption=_caption(*notes),
            document=document,
            empty=f"No agents yet in {chosen.label}.",
            footer={**totals, **footer_by_month} if len(rows) > 1 else None,
        )
        return
    columns = [
        Column("agent", "Agent"),
        Column("roleplay_minutes", "Role-play min", "right"),
        Column("roleplay_minutes_per_month", "per month", "right", show=lambda v, _r: f"{v:.0f}"),
        Column("new_material_minutes", "New material min", "right"),
        Column("review_minutes", "Review min", "right"),
        Column(
            "new_to_review_ratio",
            "New : review",
            "right",
            show=lambda v, _r: "no review" if v is None else f"{v:.1f} : 1",
        ),
    ]
    caption = None
    if abs(months - 1) > 1e-9:
        caption = f"Role-play per month: minutes ÷ {months:.3g} months."
    render(
        rows,
        columns,
        fmt,
        title=title,
        caption=caption,
        document=document,
        empty=f"No agents yet in {chosen.label}.",
        footer=totals if len(rows) > 1 else None,
    )


@top.command("repeat-customers")
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
    from incidentlog.render import Column, check_format, email_break, render, short_date
    from incidentlog.reports.repeat_customers import ROW_KEYS
    from incidentlog.reports.repeat_customers import repeat_customers as find_repeat

    fmt = check_format(fmt)
    chosen = _period(period, from_, to, default="last-12-months")
    with _reading() as conn:
        rows = find_repeat(
            conn,
            period=chosen,
            min_incidents=min_incidents,
            min_agents=min_agents,
            min_stores=min_stores,
        )
    found = len(rows)
    if limit is None and fmt == "table":
        limit = TABLE_CUSTOMERS
    shown = rows[:limit] if limit is not None else rows
    caption = None
    if len(shown) < found:
        caption = (
            f"The {len(shown)} broadest of {found:,} customers; "
            "--limit N or --format csv shows more."
        )
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
        shown,
        columns,
        fmt,
        title=_repeat_title(min_incidents, min_agents, min_stores) + f" · {chosen.label}",
        caption=caption,
        document=_document("repeat-customers", chosen, None, shown),
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


@top.command("summary")
def summary(
    week: Annotated[
        str | None,
        typer.Option(
            "--week", "-w", help="The week: 2026-W19, last-week, a date in it (default: last week)."
        ),
    ] = None,
    to: Annotated[
        list[str] | None,
        typer.Option(
            "--to", help="Recipient of --format email (repeat for more); implies --format email."
        ),
    ] = None,
    sender: Annotated[
        str | None, typer.Option("--from", help="Sender of --format email (default: user@host).")
    ] = None,
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            help="Output format: table, csv, json, html, or email (a message for sendmail -t).",
            metavar="table|csv|json|html|email",
        ),
    ] = "table",
) -> None:
    """The weekly summary for managers and cron: incidents per store, top reasons, overdue
    follow-ups and returning customers (plain text when piped).

    Example: incidentlog summary --week 2026-W19
    Example: incidentlog summary --format email --to manager@example.com | sendmail -t
    """
    import sys

    from incidentlog.console import echo
    from incidentlog.periods import parse_week, today
    from incidentlog.render import Column, render, wrap_lines
    from incidentlog.reports import display as d
    from incidentlog.reports.summary import week_before, weekly_summary

    fmt = _summary_format(fmt, to, sender)
    chosen = parse_week(week if week is not None else "last-week")
    with _reading() as conn:
        found = weekly_summary(conn, week=chosen, today=today())
    if fmt == "email":
        from incidentlog.mail import message

        plain = "\n".join(
            part
            for line in d.summary_lines(found, chosen)
            for part in wrap_lines(line, MAIL_WIDTH, " " * (len(line) - len(line.lstrip()) + 2))
        )
        mail = message(
            subject=d.summary_heading(chosen),
            plain=plain + "\n",
            html=_summary_html(found, chosen),
            to=to or [],
            sender=sender,
        )
        sys.stdout.write(mail.as_string())
        return
    if fmt == "table":
        from incidentlog.render import output_width

        width = output_width()
        lines = d.summary_lines(found, chosen)
        for n, line in enumerate(lines):
            indent = " " * (len(line) - len(line.lstrip()) + 2)
            for part in wrap_lines(line, width, indent):
                echo(part, bold=n == 0)
        from incidentlog.sample import mark_report  # says when demo and real records mix

        note = mark_report({"report": "summary", "period": chosen.as_json()}, None)[1]
        if note:
            for part in wrap_lines(note, width):
                echo(part)
        return
    if fmt == "html":
        sys.stdout.write(_summary_html(found, chosen))
        return
    rows = found.pop("rows")
    columns = [Column(k, k) for k in ("store", "incidents", "resolved_on_spot", "rate")]
    render(
        rows,
        columns,
        fmt,
        document=_document("summary", chosen, week_before(chosen), rows, **found),
        # The totals line has a store row's shape: the same columns, with rows or without.
        csv_keys=list(found["totals"]),
    )


# Plain-text mail is read at its traditional width.
MAIL_WIDTH = 76


def _summary_format(fmt: str, to: list[str] | None, sender: str | None) -> str:
    from incidentlog.errors import InvalidInput
    from incidentlog.mail import check_address
    from incidentlog.render import check_format

    fmt = (fmt or "table").lower()
    if to and fmt == "table":
        fmt = "email"
    if fmt != "email":
        if to or sender:
            raise InvalidInput("--to and --from go with --format email.")
        return check_format(fmt)
    if not to:
        raise InvalidInput("--format email needs at least one --to ADDRESS.")
    for address in to:
        check_address(address, "--to")
    if sender is not None:
        check_address(sender, "--from")
    return fmt


def summary_columns() -> list[Any]:
    """The weekly summary's store table (HTML and the mail's HTML part)."""
    from incidentlog.render import Column
    from incidentlog.reports import display as d

    return [
        Column("store", "Store"),
        Column("incidents", "Incidents", "right", show=lambda v, _r: f"{v:,}"),
        Column("compare_incidents", "Week before", "right", show=lambda v, _r: f"{v:,}"),
        Column("change", "Change", "right", show=lambda v, _r: d.signed(v)),
        Column("rate", "On the spot", "right", show=lambda v, _r: d.pct(v)),
        Column("weekly", "Last 9 weeks", chart=True),
    ]


def _summary_html(found: dict[str, Any], week: Period) -> str:
    from incidentlog.reports import display as d
    from incidentlog.views import html

    table = html.section(
        found["rows"],
        summary_columns(),
        title="Stores",
        footer=found["totals"] if len(found["rows"]) > 1 else None,
        empty="No incidents this week.",
    )
    return html.document(
        d.summary_heading(week),
        [table],
        lines=[d.summary_intro(found)],
        alerts=[d.alert_text(a) for a in found["alerts"]],
        after=d.summary_after(found),
    )


def _period(period: str | None, from_: str | None, to: str | None, **kw: Any) -> Period:
    chosen = common.period(period, from_, to, **kw)
    assert chosen is not None
    return chosen
