"""How report values read in tables and in the weekly summary text (plain strings only)."""

from __future__ import annotations

import datetime as dt
from calendar import monthrange
from typing import TYPE_CHECKING, Any

from incidentlog.core.periods import Period
from incidentlog.views import charts
from incidentlog.views.charts import percent_range

if TYPE_CHECKING:
    from incidentlog.reports.alerts import Alert
    from incidentlog.reports.common import Partial
    from incidentlog.reports.summary import RepeatCustomer, WeeklySummary

from incidentlog.core.months import MONTH_ABBR as MONTHS
from incidentlog.core.months import MONTH_NAMES
from incidentlog.core.numbers import signed

pct = charts.percent  # "48%", or "—" without a rate


def interval(row: dict[str, Any], prefix: str = "") -> str:
    """ "(30–66%)": the 95% interval of the row's rate, empty when there is none."""
    return percent_range(charts.interval(row, prefix))


def rate_cell(row: dict[str, Any], prefix: str = "") -> str:
    """ "48%  (30–66%)": the rate and its 95% interval."""
    value = row.get(f"{prefix}rate")
    if value is None:
        return "—"
    return f"{pct(value)}  {interval(row, prefix)}"


def arrow(change: float | None) -> str:
    if not change:
        return ""
    return "▲" if change > 0 else "▼"


def change_cell(change: int | None) -> str:
    """ "−10 ▼" """
    if change is None:
        return ""
    return f"{signed(change)} {arrow(change)}".rstrip()


def mark(significant: bool, change: float | None) -> str:
    """ " ▲" / " ▼" beside a rate that differs significantly from its comparison."""
    return f" {arrow(change)}" if significant and change else ""


def points(change: float | None) -> str:
    """A change of rate in percentage points: "+28 pts"."""
    if change is None:
        return "—"
    value = round(change * 100)
    return f"{signed(value)} pts" if value else "±0 pts"


def day_month(d: dt.date) -> str:
    return f"{d.day} {MONTHS[d.month - 1]}"


def span(start: dt.date, end: dt.date, *, year: bool = True) -> str:
    """ "4–10 May 2026", "27 Apr–3 May 2026", "29 Dec 2025–4 Jan 2026" (year optional)."""
    tail = f" {end.year}" if year else ""
    if start == end:
        return day_month(start) + tail
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{day_month(end)}{tail}"
    if start.year == end.year or not year:
        return f"{day_month(start)}–{day_month(end)}{tail}"
    return f"{day_month(start)} {start.year}–{day_month(end)}{tail}"


def _is_month(p: Period) -> bool:
    last = monthrange(p.start.year, p.start.month)[1]
    return p.start.day == 1 and p.end == p.start.replace(day=last)


def _is_quarter(p: Period) -> bool:
    if p.start.day != 1 or p.start.month % 3 != 1:
        return False
    end_month = p.start.month + 2
    return p.end == dt.date(p.start.year, end_month, monthrange(p.start.year, end_month)[1])


def _is_year(p: Period) -> bool:
    return (p.start.month, p.start.day, p.end.month, p.end.day) == (1, 1, 12, 31) and (
        p.start.year == p.end.year
    )


def short_label(period: Period, other: Period | None = None) -> str:
    """A column header for a period: "May", "Q2", "2026", "W19", "1–15 May"."""
    if _is_month(period):
        text = MONTHS[period.start.month - 1]
        if other is not None and _is_month(other) and other.start.month == period.start.month:
            text += f" {period.start.year}"
        return text
    if _is_quarter(period):
        text = f"Q{(period.start.month - 1) // 3 + 1}"
        if other is not None and _is_quarter(other) and other.start.month == period.start.month:
            text += f" {period.start.year}"
        return text
    if _is_year(period):
        return str(period.start.year)
    if period.days() == 7 and period.start.weekday() == 0:
        return f"W{period.start.isocalendar()[1]}"
    return span(period.start, period.end, year=period.start.year != period.end.year)


def not_over_note(period: Period, today: dt.date) -> str | None:
    """ "May is not over: 20 of 31 days counted." while today is inside the period."""
    if not period.start <= today < period.end:
        return None
    if _is_month(period):
        name = MONTH_NAMES[period.start.month - 1]
    elif period.label:
        name = period.label[0].upper() + period.label[1:]
    else:
        name = "The period"
    return f"{name} is not over: {period.days_elapsed(today)} of {period.days()} days counted."


def _whole_name(period: Period, other: Period) -> str:
    """ "April" (a month of the same year as `other`), "April 2025", or the period's label."""
    if _is_month(period):
        name = MONTH_NAMES[period.start.month - 1]
        return name if period.start.year == other.start.year else f"{name} {period.start.year}"
    return period.label or span(period.start, period.end)


def like_for_like_note(period: Period, compare: Period, partial: Partial) -> str:
    """ "1–20 May compared with 1–20 Apr (the same 20 days); all of April beside." """
    same_year = period.start.year == compare.start.year == partial.through.year
    elapsed = span(period.start, partial.through, year=not same_year)
    to_date = partial.compare_to_date
    assert to_date is not None
    first = span(to_date.start, to_date.end, year=not same_year)
    days = plural(to_date.days(), "day")
    same = f"the same {days}" if to_date.days() == partial.days else f"its first {days}"
    if partial.days < partial.of:
        same += f", as {period.label} is not over"
    return (
        f"{elapsed} compared with {first} ({same}); all of {_whole_name(compare, period)} beside."
    )


def pace_note(period: Period, partial: Partial, incidents: int) -> str | None:
    """ "On this pace May ends near 87 incidents." while the period is not over."""
    if partial.days >= partial.of or not incidents:
        return None
    name = MONTH_NAMES[period.start.month - 1] if _is_month(period) else "the period"
    near = round(incidents * partial.of / partial.days)
    return f"On this pace {name} ends near {near:,} incidents."


def week_heading(week: Period) -> str:
    """ "week 19, 4–10 May 2026" """
    return f"week {week.start.isocalendar()[1]}, {span(week.start, week.end)}"


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


REPEAT_LISTED = 5


def summary_heading(week: Period) -> str:
    return f"incidentlog weekly summary — {week_heading(week)}"


def summary_intro(summary: WeeklySummary) -> str:
    totals = summary["totals"]
    return (
        f"Incidents: {totals['incidents']:,} (week before: {totals['compare_incidents']:,}, "
        f"{signed(totals['change'])}). Resolved on the spot: {pct(totals['rate'])}."
    )


def summary_after(summary: WeeklySummary) -> list[str]:
    """The lines under the stores: top reasons, overdue follow-ups, customers back again."""
    reasons = ", ".join(f"{r['reason']} {r['incidents']:,}" for r in summary["top_reasons"])
    return [
        f"Top reasons: {reasons or 'none'}.",
        _overdue_line(summary),
        _back_again_line(summary["repeat_customers"]),
    ]


def alert_text(alert: Alert) -> str:
    """ "Harbour Street: 19 incidents this week; about 8 expected from its last 8 weeks." """
    if alert["kind"] == "store-spike":
        return (
            f"{alert['store']}: {alert['incidents']:,} incidents this week; about "
            f"{alert['expected']:.0f} expected from its last 8 weeks."
        )
    where = (
        f"at {alert['week_stores']} stores this week"
        if alert["week_stores"] >= 2
        else f"at {plural(alert['stores'], 'store')}"
    )
    return (
        f"{alert['customer']}: {alert['incidents']:,} incidents in {alert['days']} days, {where}."
    )


def summary_lines(summary: WeeklySummary, week: Period) -> list[str]:
    """The weekly summary as plain text lines (the layout cron mails)."""
    lines = [summary_heading(week)]
    lines += [f"Alert: {alert_text(a)}" for a in summary.get("alerts", [])]
    lines.append(summary_intro(summary))
    rows = summary["rows"]
    width = max((len(r["store"]) for r in rows), default=0)
    count_width = max((len(f"{r['incidents']:,}") for r in rows), default=1)
    for r in rows:
        change = f"({signed(r['change'])})"
        lines.append(
            f"  {r['store']:<{width}}  {r['incidents']:>{count_width},}  {change:<6}  "
            f"on the spot {pct(r['rate'])}"
        )
    return lines + summary_after(summary)


def _overdue_line(summary: WeeklySummary) -> str:
    count = summary["overdue_follow_ups_count"]
    if not count:
        return "Overdue follow-ups: none."
    oldest = summary["overdue_follow_ups"][0]
    return (
        f"Overdue follow-ups: {count:,} (oldest #{oldest['id']}, "
        f"{plural(oldest['days_overdue'], 'day')}, {oldest['store']})."
    )


def _back_again_line(customers: list[RepeatCustomer]) -> str:
    if not customers:
        return "Customers back again this week: none."
    listed = [
        f"{c['customer']} ({ordinal(c['incidents'])} incident, {plural(c['stores'], 'store')})"
        for c in customers[:REPEAT_LISTED]
    ]
    more = len(customers) - REPEAT_LISTED
    tail = f", and {more:,} more" if more > 0 else ""
    return f"Customers back again this week: {', '.join(listed)}{tail}."
