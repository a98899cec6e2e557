"""The columns, titles and notes of `report agents`, `report store` and `report reasons`.

Each function takes what the command parsed and the report computed, and returns the
`ReportView` the command renders; one spec serves the terminal and HTML alike.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from incidentlog.views import display as d
from incidentlog.views.charts import interval, percent_range
from incidentlog.views.render import Column
from incidentlog.views.report_parts import (
    Comparing,
    ReportView,
    has_remedies,
    remedies_column,
    remedies_note,
    sparkline_column,
)

if TYPE_CHECKING:
    from rich.console import RenderableType

    from incidentlog.core.periods import Period
    from incidentlog.reports.agents import AgentRow, AgentTotals
    from incidentlog.reports.reasons import ReasonRow
    from incidentlog.reports.store import StoreRow


def _rate_change_note(against: Period | str) -> str:
    return (
        "Rate change: the rate's change in percentage points (pts); ▲▼ beside it: "
        f"significantly different from {against} (95% level)."
    )


def significance_note(against: Period | str) -> str:
    """The note under a report whose rates carry ▲▼ marks."""
    return f"▲▼ beside a rate: significantly different from {against} (95% level)."


def agents_view(
    c: Comparing,
    rows: Sequence[AgentRow],
    totals: AgentTotals,
    *,
    store: str | None,
    currency: str | None,
) -> ReportView:
    columns = [
        Column("agent", "Agent", no_wrap=True),
        Column("incidents", c.now_label(), "right"),
        Column("resolved_on_spot", "On the spot", "right"),
        Column("rate", "Rate", show=lambda _v, r: d.rate_cell(r), no_wrap=True),
    ]
    if c.other is not None:
        # Like for like while the period is not over: the comparison's same first days
        # drive the rate change; the whole comparison period stays beside it.
        prefix = "compare_to_date_" if c.like_for_like else "compare_"
        columns.append(Column(f"{prefix}incidents", c.then_label(), "right"))
        if not c.like_for_like:
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
        if c.like_for_like:
            columns.append(
                Column(
                    "compare_incidents",
                    c.whole_label(),
                    "right",
                    show=lambda v, r: f"{v:,} · {d.pct(r['compare_rate'])}",
                )
            )
    shown_remedies = has_remedies([*rows, totals])
    if shown_remedies:
        columns.append(remedies_column(currency))
    columns.append(sparkline_column("on_spot_last_6_months", "On the spot,\nlast 6 months"))
    notes = c.opening_notes()
    if c.other is not None:
        if c.like_for_like:
            notes.append(
                f"{c.whole_label()}: incidents and rate on the spot of the whole of "
                f"{c.other.label}."
            )
        notes.append(_rate_change_note(c.against()))
    if shown_remedies:
        notes.append(remedies_note(currency))
    title = c.title("Resolution on the spot per agent")
    return ReportView(
        columns,
        title + (f" · {store}" if store else ""),
        notes,
        empty=f"No incidents in {c.chosen.label}.",
    )


def agents_chart(rows: Sequence[AgentRow], c: Comparing) -> RenderableType:
    from incidentlog.views.charts import agent_rates_chart

    return agent_rates_chart(
        [r for r in rows if r["incidents"]],
        title=f"Resolved on the spot per agent · {c.chosen.label}",
        caption=d.not_over_note(c.chosen, c.today),
    )


def store_view(
    c: Comparing, rows: Sequence[StoreRow], totals: StoreRow, *, currency: str | None
) -> ReportView:
    columns = [
        Column("store", "Store", no_wrap=True),
        Column("incidents", c.now_label(), "right"),
    ]
    change = Column("change", "Change", "right", show=lambda v, _r: d.change_cell(v), no_wrap=True)
    if c.other is not None:
        if c.same_days is not None:
            # Like for like: the same first days of the comparison drive the change; the
            # whole comparison period stays beside it.
            columns += [
                Column("compare_to_date_incidents", c.then_label(), "right"),
                change,
                Column("compare_incidents", c.whole_label(), "right"),
            ]
        else:
            columns += [Column("compare_incidents", c.then_label(), "right"), change]
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
    ]
    shown_remedies = has_remedies([*rows, totals])
    if shown_remedies:
        columns.append(remedies_column(currency))
    columns.append(sparkline_column("last_6_months", "Last 6 months"))
    notes = c.opening_notes()
    if c.part is not None:
        notes.append(d.pace_note(c.chosen, c.part, totals["incidents"]))
    notes.append("Ratio: incidents per incident resolved (on the spot or later).")
    if c.other is not None:
        notes.append(
            "Change: incidents against "
            + ("the same days" if c.like_for_like else c.other.label)
            + ", ▲ more, ▼ fewer. "
            + significance_note(c.against())
        )
    if shown_remedies:
        notes.append(remedies_note(currency))
    return ReportView(
        columns,
        c.title("Incidents per store"),
        notes,
        empty=f"No incidents in {c.chosen.label}.",
    )


def store_footer(totals: StoreRow) -> dict[str, object]:
    """The totals line under the table: every store's sparkline summed says nothing new."""
    return {k: v for k, v in totals.items() if k != "last_6_months"}


def store_months_columns() -> list[Column]:
    """CSV, JSON and HTML of `report store --chart`: one line per store and month."""
    return [Column(k, k) for k in ("store", "month", "incidents")]


def store_months_title(span: str, store: str | None) -> str:
    return f"Incidents per store per month · {span}" + (f" · {store}" if store else "")


def reasons_view(
    rows: Sequence[ReasonRow],
    worst: ReasonRow | None,
    *,
    period: Period,
    top: int | None,
    store: str | None,
) -> ReportView:
    columns = [
        Column("reason", "Reason"),
        Column("incidents", "Incidents", "right"),
        Column("share", "Share", "right", show=lambda v, _r: d.pct(v)),
        Column("rate", "On the spot", show=lambda _v, r: d.rate_cell(r), no_wrap=True),
        Column("resolved_later", "Resolved later", "right"),
        Column("open", "Open", "right"),
    ]
    worst_line = None
    if worst is not None and len(rows) > 1:
        worst_line = (
            f"Resolved worst: {worst['reason']} — {d.pct(worst['rate'])} on the spot "
            f"{percent_range(interval(worst))}."
        )
    title = f"Reasons for incidents · {period.label}"
    if top is not None:
        title += f" · top {top}"
    return ReportView(
        columns,
        title + (f" · {store}" if store else ""),
        [worst_line],
        empty=f"No incidents in {period.label}.",
    )
