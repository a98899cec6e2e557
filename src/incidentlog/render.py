"""The one place rows become a Rich table, CSV or JSON."""

from __future__ import annotations

import csv
import datetime as dt
import json
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from incidentlog.errors import InvalidInput

FORMATS = ("table", "csv", "json")


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    justify: str = "left"
    # How the table shows a value; CSV and JSON always carry the raw value.
    show: Callable[[Any, dict[str, Any]], str] | None = None
    style: str | None = None
    no_wrap: bool = False
    # True when `show` returns Rich markup (with any user text in it escaped); otherwise
    # every cell is shown literally, so a customer called "[/]" cannot break the table.
    markup: bool = False


def check_format(fmt: str | None) -> str:
    fmt = (fmt or "table").lower()
    if fmt not in FORMATS:
        raise InvalidInput(f'Unknown format "{fmt}". Use table, csv or json.')
    return fmt


def _default(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def to_json(document: Any) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2, default=_default)


def csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ";".join(str(v) for v in value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value)


def show_value(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.2f}"
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


def write_csv(rows: Iterable[dict[str, Any]], keys: Sequence[str], out: Any = None) -> None:
    writer = csv.writer(out or sys.stdout, lineterminator="\n")
    writer.writerow(keys)
    for row in rows:
        writer.writerow([csv_value(row.get(k)) for k in keys])


def render(
    rows: Sequence[dict[str, Any]],
    columns: Sequence[Column],
    fmt: str,
    *,
    title: str | None = None,
    caption: str | None = None,
    document: dict[str, Any] | None = None,
    csv_keys: Sequence[str] | None = None,
    empty: str = "Nothing matches.",
    footer: dict[str, Any] | None = None,
) -> None:
    """Print rows. JSON prints `document` when given (reports), else the array of rows;
    CSV prints `csv_keys` (default: every key of the first row)."""
    fmt = check_format(fmt)
    if document is not None:  # a report says when the demo's sample records are in it
        from incidentlog.sample import mark_report

        document, caption = mark_report(document, caption)
    if fmt == "json":
        sys.stdout.write(to_json(document if document is not None else list(rows)) + "\n")
        return
    if fmt == "csv":
        keys = list(csv_keys or (rows[0].keys() if rows else [c.key for c in columns]))
        write_csv(rows, keys)
        return
    render_table(rows, columns, title=title, caption=caption, empty=empty, footer=footer)


def render_table(
    rows: Sequence[dict[str, Any]],
    columns: Sequence[Column],
    *,
    title: str | None = None,
    caption: str | None = None,
    empty: str = "Nothing matches.",
    footer: dict[str, Any] | None = None,
) -> None:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    from incidentlog.console import stdout_console

    console = stdout_console()
    if not rows:
        if title:
            console.print(Text(title, style="bold"))
        console.print(Text(empty))
        return
    table = Table(
        title=Text(title) if title else None,
        caption=Text(caption) if caption else None,
        box=box.SIMPLE_HEAD,
        title_justify="left",
        caption_justify="left",
        show_footer=footer is not None,
        header_style="bold",
    )
    for col in columns:
        foot = ""
        if footer is not None and col.key in footer:
            value = footer[col.key]
            foot = col.show(value, footer) if col.show else show_value(value)
        table.add_column(
            col.header,
            justify=col.justify,
            style=col.style,
            no_wrap=col.no_wrap,
            footer=foot,  # type: ignore[arg-type]
        )
    for row in rows:
        table.add_row(*[_cell(c, row) for c in columns])
    console.print(table)


def _cell(column: Column, row: dict[str, Any]) -> Any:
    from rich.text import Text

    value = row.get(column.key)
    shown = column.show(value, row) if column.show else show_value(value)
    return shown if column.markup or not isinstance(shown, str) else Text(shown)
