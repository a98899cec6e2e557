"""The columns, titles and notes of `report training` and `report training-time`, and the
flat CSV shape of training-time's rows."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from incidentlog.reports.training_time import KIND_KEYS
from incidentlog.views import display as d
from incidentlog.views.render import Column
from incidentlog.views.report_parts import ReportView, as_dicts

if TYPE_CHECKING:
    from rich.console import RenderableType

    from incidentlog.core.periods import Period
    from incidentlog.reports.training import SessionInfo, TrainingEffect
    from incidentlog.reports.training_time import TrainingTimeRow

# The kinds of training, as the columns of each month's minutes (CSV, JSON `months`).
KIND_COLUMNS = tuple(KIND_KEYS.values())


def _iso(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def training_title(session: SessionInfo) -> str:
    """ "De-escalation (role-play) · #7 · 10 Mar 2026 · 90 min · 4 attendees" """
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


def training_view(item: TrainingEffect) -> ReportView:
    """One session's table: its windows, both groups' rates and the difference (one spec
    for the terminal and HTML)."""
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
    caption = (
        f"Attendees: {', '.join(session['attendees'])}.\n"
        "Difference: the attendees' change since `before` minus the other agents' change; "
        "▲▼ mark a significant change (95% level).\n"
        f"Verdict: {item['verdict']['text']}"
    )
    return ReportView(columns, training_title(session), [caption])


def training_table(item: TrainingEffect) -> None:
    from incidentlog.views.render import render_table

    view = training_view(item)
    render_table(as_dicts(item["rows"]), view.columns, title=view.title, caption=view.caption)


def training_chart(item: TrainingEffect) -> RenderableType:
    from incidentlog.views.charts import training_chart as chart

    caption = f"Verdict: {item['verdict']['text']}"
    return chart(item["rows"], title=training_title(item["session"]), caption=caption)


def training_html(found: Sequence[TrainingEffect]) -> None:
    """Every session's table in one document, cell for cell as the terminal shows them."""
    from incidentlog.views import html

    sections = []
    for item in found:
        view = training_view(item)
        sections.append(
            html.section(
                as_dicts(item["rows"]),
                view.columns,
                title=view.title,
                notes=[note for note in view.notes if note],
            )
        )
    heading = sections[0]["title"] if len(sections) == 1 else "Training sessions and their effect"
    if len(sections) == 1:
        sections[0]["title"] = None
    sys.stdout.write(html.document(heading, sections))


def training_time_view(period: Period, store: str | None) -> ReportView:
    """Minutes per agent: role-play (and per month), new material against review."""
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
    months = period.months_spanned()
    notes: list[str | None] = []
    if abs(months - 1) > 1e-9:
        notes.append(f"Role-play per month: minutes ÷ {months:.3g} months.")
    return ReportView(
        columns,
        _training_time_title(period, store),
        notes,
        empty=f"No agents yet in {period.label}.",
    )


def training_time_by_month_view(
    period: Period, store: str | None, shown_months: list[str]
) -> ReportView:
    """Role-play minutes month by month, one column a month, and their total."""
    from incidentlog.views.charts import month_label

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
    notes: list[str | None] = ["Role-play minutes in each calendar month."]
    if period.start.day != 1 or (period.end + dt.timedelta(days=1)).day != 1:
        notes.append(
            f"{period.label[:1].upper()}{period.label[1:]} starts or ends within a month: "
            "that month counts only the days inside the period."
        )
    return ReportView(
        columns,
        _training_time_title(period, store) + " · role-play by month",
        notes,
        empty=f"No agents yet in {period.label}.",
    )


def by_month_footer(totals: TrainingTimeRow, shown_months: list[str]) -> dict[str, object]:
    """The totals line of the by-month table: the month cells stay empty there."""
    return {**totals, **{f"month_{m}": None for m in shown_months}}


def _training_time_title(period: Period, store: str | None) -> str:
    return f"Training time per agent · {period.label}" + (f" · {store}" if store else "")


def flat(row: TrainingTimeRow, months: list[str] | None) -> dict[str, object]:
    """The row for CSV: no object in a cell; each month's minutes in their own columns
    (`roleplay_minutes_2026-03`, ...)."""
    out: dict[str, object] = {
        k: v for k, v in row.items() if k not in ("roleplay_by_month", "months")
    }
    by_month = row.get("months", {})
    for month in months or []:
        for key, minutes in by_month[month].items():
            out[f"{key}_{month}"] = minutes
    return out


CSV_KEYS = (
    "agent",
    *KIND_COLUMNS,
    "roleplay_minutes_per_month",
    "new_to_review_ratio",
    "sessions",
)


def csv_keys(months: list[str] | None) -> list[str]:
    """The CSV columns, the same with rows or without."""
    keys = list(CSV_KEYS)
    for month in months or []:
        keys += [f"{key}_{month}" for key in KIND_COLUMNS]
    return keys
