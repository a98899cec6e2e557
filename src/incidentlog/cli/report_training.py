"""`incidentlog report training` and `report training-time`.

What a training session changed, and how long new staff take to be trained. Both are
registered on the `report` group in `reports.py`.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

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
    from incidentlog.views.render import check_format, render

    fmt = check_format(fmt)
    with reporting.reading() as conn:
        found = training_effect(
            conn, session_id=session_id, topic=topic, before=before, after=after, today=today()
        )
    rows = [row for item in found for row in item["rows"]]
    span = Period(_iso(min(r["start"] for r in rows)), _iso(max(r["end"] for r in rows)), "")
    sessions = [{**item["session"], "verdict": item["verdict"]} for item in found]
    extra: dict[str, Any] = {"sessions": sessions}
    if len(found) == 1:
        extra["verdict"] = found[0]["verdict"]
    document = reporting.document("training", span, None, rows, **extra)
    if fmt == "html":
        _training_html(found)
        return
    if fmt != "table":
        render(rows, [], fmt, document=document)
        return
    for item in found:
        if chart:
            from incidentlog.views.charts import training_chart

            title = _training_title(item["session"])
            caption = f"Verdict: {item['verdict']['text']}"
            reporting.show(training_chart(item["rows"], title=title, caption=caption))
        else:
            _training_table(item)


def _training_table(item: dict[str, Any]) -> None:
    from incidentlog.views.render import render_table

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
    from incidentlog.views import display as d
    from incidentlog.views.render import Column

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
    from incidentlog.views import display as d

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
    from incidentlog.reports.training_time import (
        csv_keys,
        flat,
        period_months,
        training_time_totals,
    )
    from incidentlog.reports.training_time import training_time as minutes_by_agent
    from incidentlog.views.charts import month_label
    from incidentlog.views.render import Column, check_format, render

    fmt = check_format(fmt)
    chosen = reporting.period(period, from_, to)
    shown_months = period_months(chosen) if by_month else None
    with reporting.reading() as conn:
        rows = minutes_by_agent(conn, period=chosen, store=store, months=shown_months)
    totals = training_time_totals(rows, chosen, shown_months)
    months = chosen.months_spanned()
    title = f"Training time per agent · {chosen.label}" + (f" · {store}" if store else "")
    extra: dict[str, Any] = {"totals": totals}
    if shown_months is not None:
        extra["months"] = shown_months
    document = reporting.document("training-time", chosen, None, rows, **extra)
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
            caption=reporting.caption(*notes),
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
