"""The HTML view: the same rows and column spec as the terminal table, as one
self-contained document (inline CSS, inline SVG charts, no scripts, no external URL) that a
mail client or a browser shows as it is and that prints cleanly."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

if TYPE_CHECKING:
    from jinja2 import Environment

    from incidentlog.views.cells import Column

BAR_COLOUR = "#0969da"
MUTED = "#8c959f"


@lru_cache(maxsize=1)
def _environment() -> Environment:
    from jinja2 import Environment, PackageLoader, select_autoescape

    # Autoescape: customer names, descriptions and notes are user text and stay inert.
    return Environment(
        loader=PackageLoader("incidentlog.views", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _number(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def spark_svg(values: Sequence[float | None], *, width: int = 96, height: int = 22) -> Markup:
    """The terminal's sparkline as SVG bars: the same series, scaled from zero the same way
    (a missing value leaves a gap), with each value in the bar's tooltip."""
    present = [v for v in values if v is not None]
    if not values:
        return Markup("")
    top = max(present, default=0.0)
    floor = min(0.0, min(present, default=0.0))
    span = (top - floor) or 1.0
    step = width / len(values)
    parts = []
    for i, value in enumerate(values):
        if value is None:
            continue
        h = max(1.0, (value - floor) / span * (height - 2))
        parts.append(
            f'<rect x="{_number(i * step + 1)}" y="{_number(height - h)}" '
            f'width="{_number(step - 2)}" height="{_number(h)}" fill="{BAR_COLOUR}">'
            f"<title>{_number(value)}</title></rect>"
        )
    return Markup(
        f'<svg width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img">{"".join(parts)}</svg>'
    )


def _lines(text: str) -> list[str]:
    return text.split("\n")


def _shown(col: Column, row: dict[str, Any]) -> str:
    from incidentlog.views.cells import plain as _plain
    from incidentlog.views.cells import show_value

    value = row.get(col.key)
    shown = col.show(value, row) if col.show else show_value(value)
    return _plain(str(shown), col.markup)


def section(
    rows: Sequence[dict[str, Any]],
    columns: Sequence[Column],
    *,
    title: str | None = None,
    notes: Sequence[str] = (),
    footer: dict[str, Any] | None = None,
    empty: str = "Nothing matches.",
    chart: Markup | None = None,
) -> dict[str, Any]:
    """One table of the document, cell for cell what the terminal table shows."""

    def cell(col: Column, row: dict[str, Any]) -> dict[str, Any]:
        num = col.justify == "right"
        if col.chart:
            value = row.get(col.key)
            return {"svg": spark_svg(value) if value else "", "num": False}
        # A name or "62%  (51–72%)" broken over lines is hard to read and makes every row
        # taller; the terminal's no_wrap holds here too.
        return {"lines": _lines(_shown(col, row)), "num": num, "nowrap": col.no_wrap}

    foot = None
    if footer is not None:
        foot = [
            cell(col, footer) if col.key in footer and not col.chart else {"lines": [""]}
            for col in columns
        ]
    return {
        "title": title,
        "columns": [
            # The header keeps its line breaks ("Follow-ups\non time"): one-line headers
            # made wide tables wider than a 1,000 px window.
            {
                "header": [" ".join(line.split()) for line in col.header.split("\n")],
                "num": col.justify == "right",
            }
            for col in columns
        ],
        "rows": [[cell(col, row) for col in columns] for row in rows],
        "footer": foot,
        "notes": [n for note in notes for n in _lines(note) if n],
        "empty": empty,
        "chart": chart,
    }


def document(
    title: str,
    sections: Sequence[dict[str, Any]],
    *,
    lines: Sequence[str] = (),
    alerts: Sequence[str] = (),
    after: Sequence[str] = (),
) -> str:
    template = _environment().get_template("document.html")
    return template.render(title=title, sections=sections, lines=lines, alerts=alerts, after=after)
