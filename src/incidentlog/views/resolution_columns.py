"""How `report resolution` reads: its columns, title and notes, and its chart.

With a comparison every figure keeps its column and shows what it is set against on a
second line ("vs 3.0"), so the table stays as narrow as the report without one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from incidentlog.core.periods import Period
from incidentlog.views import display as d
from incidentlog.views.render import Column

if TYPE_CHECKING:
    from rich.console import RenderableType

    from incidentlog.reports.common import Partial

Show = Callable[[Any, dict[str, Any]], str]


@dataclass(frozen=True)
class View:
    """What one run of the report compares, and how its amounts are labelled."""

    by: str
    period: Period
    today: dt.date
    compare: Period | None = None
    partial: Partial | None = None
    currency: str | None = None

    @property
    def like_for_like(self) -> bool:
        return self.compare is not None and self.partial is not None

    @property
    def against(self) -> str:
        """The key prefix of what the changes are measured against."""
        return "compare_to_date_" if self.like_for_like else "compare_"

    def against_label(self) -> str:
        assert self.compare is not None
        to_date = self.partial.compare_to_date if self.partial else None
        if to_date is not None:
            return d.span(to_date.start, to_date.end, year=False)
        return d.short_label(self.compare, self.period)


def days(value: float | None) -> str:
    """Days to resolve, to a tenth of a day: "2.5"."""
    return "—" if value is None else f"{value:,.1f}"


def money(value: float | None) -> str:
    return "—" if value is None else f"{value:,.2f}"


def on_time_cell(_value: Any, row: dict[str, Any]) -> str:
    due = row["follow_ups_due"]
    return f"{row['follow_ups_on_time']:,} of {due:,}" if due else "—"


def satisfied_cell(_value: Any, row: dict[str, Any]) -> str:
    """ "67%  (30–90%)", with ▲▼ when it differs significantly from the comparison."""
    shown = d.rate_cell(row, "satisfaction_")
    return shown + d.mark(
        bool(row.get("satisfaction_rate_significant")), row.get("satisfaction_rate_change")
    )


def columns(view: View) -> list[Column]:
    """The table's columns; `drop` ranks say which go first when the screen is narrow."""

    def versus(show: Callable[[Any], str], key: str) -> Show:
        if view.compare is None:
            return lambda v, _r: show(v)
        return lambda v, r: f"{show(v)}\nvs {show(r.get(view.against + key))}"

    count = lambda v: f"{v:,}"  # noqa: E731
    cost_header = "Remedy\ncost" + (f", {view.currency}" if view.currency else "")
    out = [
        Column(view.by, view.by.capitalize(), no_wrap=True),
        Column("incidents", "Incidents", "right", show=versus(count, "incidents"), no_wrap=True),
    ]
    if view.compare is not None:
        out.append(
            Column("change", "Change", "right", show=lambda v, _r: d.change_cell(v), no_wrap=True)
        )
    out += [
        Column("open", "Open", "right", drop=5 if view.compare else 0),
        Column(
            "median_days_to_resolve",
            "Median\ndays",
            "right",
            show=versus(days, "median_days_to_resolve"),
            no_wrap=True,
        ),
        Column(
            "p90_days_to_resolve",
            "90%\nwithin",
            "right",
            show=versus(days, "p90_days_to_resolve"),
            no_wrap=True,
            drop=3,
        ),
        Column("follow_ups_on_time", "Follow-ups\non time", "right", show=on_time_cell),
        Column("checked", "Checked\nback", "right", drop=1),
        Column(
            "satisfaction_rate",
            "Satisfied",
            show=(
                satisfied_cell
                if view.compare is None
                else lambda v, r: (
                    f"{satisfied_cell(v, r)}\nvs {d.pct(r.get(view.against + 'satisfaction_rate'))}"
                )
            ),
            no_wrap=True,
        ),
        Column("reopened", "Reopened", "right", drop=2),
        Column(
            "remedy_cost", cost_header, "right", show=versus(money, "remedy_cost"), no_wrap=True
        ),
        Column("cost_per_incident", "Per\nincident", "right", show=lambda v, _r: money(v), drop=4),
    ]
    if view.like_for_like and view.compare is not None:
        out.append(
            Column(
                "compare_incidents",
                f"All {d.short_label(view.compare, view.period)}",
                "right",
                show=lambda v, r: f"{v:,} · {d.pct(r['compare_satisfaction_rate'])}",
                drop=1,
            )
        )
    return out


def title(view: View, store: str | None) -> str:
    text = f"After the incident per {view.by} · {view.period.label}"
    if view.compare is not None:
        text += f" vs {view.compare.label}"
    return text + (f" · {store}" if store else "")


def notes(view: View) -> list[str | None]:
    shown: list[str | None] = [d.not_over_note(view.period, view.today)]
    if view.like_for_like and view.compare is not None and view.partial is not None:
        shown = [d.like_for_like_note(view.period, view.compare, view.partial)]
    shown.append(
        "Median days: from the incident to its later resolution, of those resolved later "
        "(not those reopened and still open); 90% within: nine in ten took no longer."
    )
    shown.append(
        "Follow-ups on time: resolved or checked back by the follow-up date. Satisfied: of "
        "the customers who answered at the last check-back."
    )
    if view.compare is not None:
        against = view.against_label()
        shown.append(
            f"vs: the same figure for {against}; ▲▼ beside Satisfied: significantly "
            f"different from {against} (95% level)."
        )
    return shown


# --------------------------------------------------------------------------- the chart


def resolution_chart(
    rows: Sequence[Mapping[str, Any]],
    *,
    by: str,
    title: str | None = None,
    caption: str | None = None,
) -> RenderableType:
    """One block per store (agent, reason): the satisfaction rate on a 0–100% track with
    its 95% interval, and the days to resolve as a bar to the median, shaded on to the 90th
    percentile, on one scale for every block."""
    from rich.console import Group
    from rich.text import Text

    from incidentlog.views.charts import RATE_WIDTH, bar, percent, percent_range, rate_bar
    from incidentlog.views.console import inert

    parts: list[Any] = [Text(title, style="bold")] if title else []
    if not rows:
        return Group(*parts, Text("No incidents in this period."))
    longest = max((r.get("p90_days_to_resolve") or 0.0 for r in rows), default=0.0)
    for index, row in enumerate(rows):
        # A name is user text: shown inert, its escapes visible.
        parts.append(Text(("\n" if index else "") + inert(str(row[by])), style="bold"))
        rate = row.get("satisfaction_rate")
        low, high = row.get("satisfaction_rate_low"), row.get("satisfaction_rate_high")
        bounds = (float(low), float(high)) if low is not None and high is not None else None
        answered = (row.get("satisfied") or 0) + (row.get("not_satisfied") or 0)
        line = Text("  satisfied  ")
        line.append_text(rate_bar(rate, bounds, RATE_WIDTH))
        line.append(f" {percent(rate):>4} ")
        if answered:
            line.append(f"{percent_range(bounds)} of {answered:,} answered", style="dim")
        else:
            line.append("no answer at a check-back", style="dim")
        parts.append(line)
        median, p90 = row.get("median_days_to_resolve"), row.get("p90_days_to_resolve")
        line = Text("  days       ")
        if median is None or p90 is None:
            line.append("none resolved later", style="dim")
        else:
            to_median = bar(median / longest, RATE_WIDTH) if longest else ""
            to_p90 = bar(p90 / longest, RATE_WIDTH) if longest else ""
            line.append(to_median, style="cyan")
            line.append("░" * max(0, len(to_p90) - len(to_median)), style="cyan dim")
            line.append(" " * max(0, RATE_WIDTH - max(len(to_p90), len(to_median))))
            line.append(f" median {days(median)} · 90% within {days(p90)}")
        parts.append(line)
    parts.append(
        Text(
            "█▓ satisfied, ▓░ its 95% interval; days: █ median, ░ on to the 90th percentile",
            style="dim",
        )
    )
    if caption:
        parts.append(Text(caption, style="dim"))
    return Group(*parts)
