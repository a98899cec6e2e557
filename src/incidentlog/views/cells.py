"""What a cell shows: the columns of a table and how each value reads in a table, CSV and
JSON, below both the table renderer (render.py) and the HTML page (html.py)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from incidentlog.core.errors import InvalidInput
from incidentlog.core.months import MONTH_ABBR

FORMATS = ("table", "csv", "json", "html")


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
    # When the table is too wide for the screen: columns with a `drop` rank are left out
    # first (1 before 2 ...), then `narrow` (a shorter form of the same value, e.g.
    # "19 May" for a date) is shown instead, then `no_wrap` cells may break at spaces.
    drop: int = 0
    narrow: Callable[[Any, dict[str, Any]], str] | None = None
    # Last step before giving up on a table: this column's text moves into the cell of
    # the column keyed `under` (a contact goes on a second line under the customer's name).
    under: str | None = None
    # The value is a series the table draws as a sparkline; HTML draws it as SVG bars.
    chart: bool = False


class ReportDocument(dict[str, Any]):
    """A report's JSON object, with a `note` for the line under its table (not in JSON)."""

    def __init__(self, data: dict[str, Any], *, note: str | None = None) -> None:
        super().__init__(data)
        self.note = note


def check_format(fmt: str | None) -> str:
    fmt = (fmt or "table").lower()
    if fmt not in FORMATS:
        raise InvalidInput(f'Unknown format "{fmt}". Use table, csv, json or html.')
    return fmt


def _default(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def to_json(document: Any) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2, default=_default)


def csv_value(value: Any) -> str:
    kind = type(value)
    # The usual cells first, without the checks below: a long CSV has millions of them.
    if kind is str:
        return value  # type: ignore[no-any-return]
    if kind is int:
        return int.__repr__(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return "; ".join([csv_value(v) for v in value])
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


def _today() -> dt.date:
    """The running command's today (`--today` included). Views sit below the command line,
    so they find its clock through the running Click context instead of importing it."""
    from incidentlog.core.clock import Clock

    try:  # typer >= 0.28 vendors click
        from typer._click.globals import get_current_context
    except ImportError:  # pragma: no cover
        from click import get_current_context  # type: ignore[no-redef, import-not-found, unused-ignore]

    ctx = get_current_context(silent=True)
    clock = getattr(ctx.obj, "clock", None) if ctx is not None else None
    return (clock if isinstance(clock, Clock) else Clock.from_environment()).today()


def short_date(value: Any, _row: Any = None) -> str:
    """ "19 May" (this year) or "7 Dec 2024": a date that fits a narrow column, never cut.
    Takes an ISO date or date-time text; a time stays beside it ("19 May 16:19")."""
    if not value:
        return "—"
    text = str(value).replace("T", " ")
    try:
        day = dt.date.fromisoformat(text[:10])
    except ValueError:
        return text
    shown = f"{day.day} {MONTH_ABBR[day.month - 1]}"
    if day.year != _today().year:
        shown += f" {day.year}"
    time = text[11:16]
    return f"{shown} {time}" if time else shown


def email_break(value: Any, _row: Any = None) -> str:
    """A contact that may break before its "@" in a narrow column."""
    return str(value or "").replace("@", "\n@")


def plain(text: str, markup: bool) -> str:
    if not markup:
        from incidentlog.views.console import inert

        # Measured as it will be shown: an escape takes the room of its visible form.
        return inert(text)
    from rich.text import Text

    return Text.from_markup(text).plain
