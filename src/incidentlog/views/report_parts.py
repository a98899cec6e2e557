"""What the report tables share: the view a command hands to the renderer, the comparison
headers and notes of `report agents` and `report store`, and their common columns.

Imported by the report commands after they have parsed their options; nothing here reads
the database or the configuration (the command passes the currency in).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from incidentlog.core.money import format_cost
from incidentlog.views import display as d
from incidentlog.views.charts import sparkline
from incidentlog.views.render import Column, render

if TYPE_CHECKING:
    from incidentlog.core.periods import Period
    from incidentlog.reports.common import Partial


def as_dicts(rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Typed report rows as the plain dicts the renderer reads cells from (same keys, same
    order)."""
    return [dict(row) for row in rows]


@dataclass(frozen=True, slots=True)
class ReportView:
    """A report's presentation: its columns, title and notes, and what a table says when
    there is nothing to show."""

    columns: list[Column]
    title: str | None = None
    notes: list[str | None] = field(default_factory=list)
    empty: str = "Nothing matches."

    @property
    def caption(self) -> str | None:
        kept = [line for line in self.notes if line]
        return "\n".join(kept) if kept else None

    def render(
        self,
        rows: Sequence[Mapping[str, Any]],
        fmt: str,
        *,
        document: dict[str, Any] | None = None,
        csv_keys: Sequence[str] | None = None,
        footer: Mapping[str, Any] | None = None,
    ) -> None:
        render(
            as_dicts(rows),
            self.columns,
            fmt,
            title=self.title,
            caption=self.caption,
            document=document,
            csv_keys=csv_keys,
            empty=self.empty,
            footer=dict(footer) if footer is not None else None,
        )


@dataclass(frozen=True, slots=True)
class Comparing:
    """A period, the one it is compared with (if any), and how: while the period is not
    over (`part`), like for like against the comparison's same first days."""

    chosen: Period
    other: Period | None
    part: Partial | None
    today: dt.date

    @property
    def like_for_like(self) -> bool:
        return self.other is not None and self.part is not None

    @property
    def same_days(self) -> Period | None:
        """The comparison's first days set against the period so far, when like for like."""
        if self.other is None or self.part is None:
            return None
        return self.part.compare_to_date

    def now_label(self) -> str:
        """The header of the period's incidents."""
        if self.like_for_like:
            return d.span(self.chosen.start, self.today, year=False)
        return d.short_label(self.chosen, self.other) if self.other else "Incidents"

    def then_label(self) -> str:
        """The header of the comparison's incidents (its same first days, when like for like)."""
        assert self.other is not None
        same = self.same_days
        if same is not None:
            return d.span(same.start, same.end, year=False)
        return d.short_label(self.other, self.chosen)

    def whole_label(self) -> str:
        """ "All Apr": the whole comparison period, beside its same first days."""
        assert self.other is not None
        return f"All {d.short_label(self.other, self.chosen)}"

    def title(self, what: str) -> str:
        title = f"{what} · {self.chosen.label}"
        return title + (f" vs {self.other.label}" if self.other is not None else "")

    def opening_notes(self) -> list[str | None]:
        """ "May is not over ...", or, like for like, which days are compared."""
        if self.like_for_like and self.part is not None and self.other is not None:
            return [d.like_for_like_note(self.chosen, self.other, self.part)]
        return [d.not_over_note(self.chosen, self.today)]

    def against(self) -> Period | str:
        """What a significance mark compares with: the same days, or the whole period."""
        same = self.same_days
        if same is not None:
            return d.span(same.start, same.end)
        assert self.other is not None
        return self.other


def sparkline_column(key: str, header: str) -> Column:
    # The first column to step aside when the table is too wide (drop rank 1).
    return Column(key, header, show=lambda v, _r: sparkline(v), no_wrap=True, drop=1, chart=True)


def has_remedies(rows: Iterable[Mapping[str, Any]]) -> bool:
    return any(row.get("remedy_cost") or row.get("refunds") for row in rows)


def remedies_column(currency: str | None) -> Column:
    """What the remedies cost, and how many were refunds: "EUR 120.00 · 2 refunds".

    Steps aside right after the sparkline when the table is too wide (drop rank 2): the
    counts and rates are what the table is for; the cost is one command away in JSON.
    """

    def cents(value: Any) -> int:
        # The row carries the cost as a JSON number (cents / 100), which reads back exactly.
        return round(float(value or 0) * 100)

    def show(value: Any, row: dict[str, Any]) -> str:
        text = format_cost(cents(value), currency)
        refunds = int(row.get("refunds") or 0)
        return f"{text} · {d.plural(refunds, 'refund')}" if refunds else text

    return Column(
        "remedy_cost",
        "Remedies",
        "right",
        show=show,
        no_wrap=True,
        drop=2,
        narrow=lambda v, _r: format_cost(cents(v), currency),
    )


def remedies_note(currency: str | None) -> str:
    shown = f" ({currency})" if currency else ""
    return f"Remedies: what the remedies cost{shown}, and how many of the incidents had a refund."
