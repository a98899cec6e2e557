"""The one place rows become a Rich table, CSV or JSON."""

from __future__ import annotations

import csv
import sys
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from incidentlog.views.cells import (
    FORMATS,
    Column,
    ReportDocument,
    check_format,
    csv_value,
    email_break,
    short_date,
    show_value,
    to_json,
)
from incidentlog.views.cells import plain as _plain

__all__ = [
    "FORMATS",
    "Column",
    "ReportDocument",
    "check_format",
    "csv_value",
    "email_break",
    "output_width",
    "render",
    "render_table",
    "short_date",
    "show_value",
    "to_json",
    "wrap_lines",
    "write_csv",
]


def write_csv(rows: Iterable[dict[str, Any]], keys: Sequence[str], out: Any = None) -> None:
    writer = csv.writer(out or sys.stdout, lineterminator="\n")
    writer.writerow(keys)
    for row in rows:
        writer.writerow([csv_value(row.get(k)) for k in keys])


def render(
    rows: Iterable[dict[str, Any]],
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
    CSV prints `csv_keys` (default: every key of the first row). JSON and CSV write rows
    given as an iterator (in `rows` or in `document`) one by one as they come; a table
    needs them all first."""
    fmt = check_format(fmt)
    note = getattr(document, "note", None)  # e.g. demo records mixed with real ones
    if note:
        caption = f"{caption}\n{note}" if caption else note
    if fmt == "json":
        from incidentlog.views.streaming import write_json

        # Rows that arrive as an iterator (in `document` or on their own) are written as
        # they come, never gathered: a long report costs one batch of memory, not all of it.
        write_json(document if document is not None else _as_array(rows), sys.stdout)
        return
    if fmt == "csv":
        if not csv_keys:
            rows = listed = list(rows)
            csv_keys = list(listed[0].keys() if listed else [c.key for c in columns])
        write_csv(rows, csv_keys)
        return
    shown = rows if isinstance(rows, Sequence) else list(rows)
    if fmt == "html":
        write_html(shown, columns, title=title, caption=caption, empty=empty, footer=footer)
        return
    render_table(shown, columns, title=title, caption=caption, empty=empty, footer=footer)


def _as_array(rows: Iterable[dict[str, Any]]) -> Any:
    """The rows as JSON writes an array: a list as it is, anything else streamed."""
    return rows if isinstance(rows, list | tuple) else iter(rows)


def write_html(
    rows: Sequence[dict[str, Any]],
    columns: Sequence[Column],
    *,
    title: str | None = None,
    caption: str | None = None,
    empty: str = "Nothing matches.",
    footer: dict[str, Any] | None = None,
) -> None:
    """The table as one HTML document: the same columns and cells, notes below."""
    from incidentlog.views import html

    part = html.section(
        rows, columns, notes=[caption] if caption else [], footer=footer, empty=empty
    )
    sys.stdout.write(html.document(title or "incidentlog", [part]))


def output_width() -> int:
    """The width output must fit: the terminal's, else COLUMNS, else 80."""
    import os
    import shutil

    if sys.stdout.isatty():
        return shutil.get_terminal_size((80, 24)).columns
    try:
        return max(20, int(os.environ.get("COLUMNS") or 80))
    except ValueError:
        return 80


def wrap_lines(text: str, width: int, indent: str = "") -> list[str]:
    """Notes and verdicts wrapped at word boundaries (a word is never cut)."""
    import textwrap

    lines: list[str] = []
    for paragraph in text.split("\n"):
        lines += textwrap.wrap(
            paragraph,
            width=width,
            subsequent_indent=indent,
            break_long_words=False,
            break_on_hyphens=False,
        ) or [""]
    return lines


def render_table(
    rows: Sequence[dict[str, Any]],
    columns: Sequence[Column],
    *,
    title: str | None = None,
    caption: str | None = None,
    empty: str = "Nothing matches.",
    footer: dict[str, Any] | None = None,
) -> None:
    from rich.text import Text

    from incidentlog.views.console import stdout_console

    width = output_width()
    console = stdout_console(width=width)

    def say(text: str, style: str | None = None) -> None:
        for line in wrap_lines(text, width):
            console.print(Text(line, style=style or ""), soft_wrap=True)

    if title:
        say(title, "bold")
    if not rows:
        say(empty)
        return
    fitted = fit_table(rows, columns, footer, width)
    if fitted is None:
        _print_records(rows, columns, footer, width, say)
    else:
        table, kept = fitted
        console.print(table)
        caption = _caption_for(caption, columns, kept)
    if caption:
        say(caption)


def _caption_for(
    caption: str | None, columns: Sequence[Column], kept: Sequence[Column]
) -> str | None:
    """The caption without the lines that explain a column left out to fit the width
    ("Remedies: ..." under a table with no Remedies column only puzzles)."""
    if not caption:
        return caption
    shown = {c.key for c in kept}
    gone = [" ".join(c.header.split()) + ":" for c in columns if c.drop and c.key not in shown]
    lines = [line for line in caption.split("\n") if not line.startswith(tuple(gone))]
    return "\n".join(lines) or None


def _cells(
    rows: Sequence[dict[str, Any]],
    columns: Sequence[Column],
    footer: dict[str, Any] | None,
    narrow: bool,
) -> list[list[str]]:
    """Each column's shown texts: header, rows, then the footer when there is one."""
    out = []
    for col in columns:
        show = col.narrow if narrow and col.narrow else col.show
        texts = [col.header]
        for row in rows:
            value = row.get(col.key)
            texts.append(str(show(value, row) if show else show_value(value)))
        if footer is not None:
            value = footer.get(col.key)
            texts.append(
                ""
                if col.key not in footer
                else str(show(value, footer) if show else show_value(value))
            )
        out.append(texts)
    return out


def _measure(texts: list[str], no_wrap: bool, markup: bool) -> tuple[int, int]:
    """(narrowest width without cutting a word, width on one line) of a column."""
    from rich.cells import cell_len

    low = high = 1
    for i, text in enumerate(texts):
        plain = _plain(text, markup and i > 0)
        for line in plain.split("\n"):
            high = max(high, cell_len(line))
            # A header always wraps at its spaces; a no-wrap cell only when allowed to.
            words = [line] if no_wrap and i > 0 else line.split()
            low = max(low, *(cell_len(w) for w in words), 1)
    return low, high


def fit_table(
    rows: Sequence[dict[str, Any]],
    columns: Sequence[Column],
    footer: dict[str, Any] | None,
    width: int,
) -> tuple[Any, list[Column]] | None:
    """A Rich table no wider than `width` in which no number, date or name is cut, with the
    columns it shows, or None when even its narrowest form is too wide (the caller then
    prints one block per row).

    Steps, each taken only when the table is still too wide: leave out the columns that
    can go (sparklines), show the shorter forms (dates as "19 May"), let no-wrap cells
    break at their spaces (an interval goes under its rate), then move `under` columns
    into their hosts' cells."""
    dropped = sorted({c.drop for c in columns if c.drop})
    stages: list[tuple[list[Column], bool, bool]] = [(list(columns), False, False)]
    for rank in dropped:
        kept = [c for c in stages[-1][0] if not c.drop or c.drop > rank]
        stages.append((kept, False, False))
    kept = stages[-1][0]
    stages += [(kept, False, True), (kept, True, True)]
    if any(c.under for c in kept):
        stages.append((_merged(kept), True, True))
    # A column that can step aside does so before any cell has to wrap: a store's name on
    # two lines reads worse than a table without its sparkline.
    for kept in [s[0] for s in stages[: len(dropped) + 1]]:
        texts = _cells(rows, kept, footer, False)
        sizes = [_measure(t, c.no_wrap, c.markup) for t, c in zip(texts, kept, strict=True)]
        if sum(high for _, high in sizes) + 3 * len(kept) - 1 <= width:
            table = _build(
                rows, kept, footer, False, _share(sizes, width - 3 * len(kept) + 1), False
            )
            return table, kept
    for kept, wrap, narrow in stages:
        texts = _cells(rows, kept, footer, narrow)
        sizes = [
            _measure(t, c.no_wrap and not wrap, c.markup) for t, c in zip(texts, kept, strict=True)
        ]
        # One space of padding each side of a cell and one between columns, no outer edge.
        overhead = 3 * len(kept) - 1
        if sum(low for low, _ in sizes) + overhead > width:
            continue
        widths = _share(sizes, width - overhead)
        return _build(rows, kept, footer, narrow, widths, wrap), kept
    return None


def _merged(columns: list[Column]) -> list[Column]:
    """The columns with every `under` column folded into its host's cell."""
    from dataclasses import replace

    moved = {c.under: c for c in columns if c.under}
    out = []
    for col in columns:
        if col.under:
            continue
        guest = moved.get(col.key)
        if guest is None:
            out.append(col)
            continue

        def both(value: Any, row: dict[str, Any], host: Column = col, guest: Column = guest) -> str:
            first = _shown(host, row, True)
            second = _shown(guest, row, True)
            return f"{first}\n{second}" if second else first

        # "Follow up / status": two headers stacked with nothing between read as one.
        header = f"{col.header} /\n{guest.header.lower()}"
        out.append(replace(col, header=header, show=both, narrow=None))
    return out


def _shown(col: Column, row: dict[str, Any], narrow: bool) -> str:
    show = show_for(col, narrow)
    value = row.get(col.key)
    return str(show(value, row) if show else show_value(value))


def _share(sizes: list[tuple[int, int]], room: int) -> list[int]:
    """Column widths: every column its narrowest, then the room left handed out to the
    columns that would wrap, the least wanting first so that most of them fit whole."""
    widths = [low for low, _ in sizes]
    spare = room - sum(widths)
    for i in sorted(range(len(sizes)), key=lambda i: sizes[i][1] - sizes[i][0]):
        give = min(spare, sizes[i][1] - widths[i])
        widths[i] += give
        spare -= give
    return widths


def _build(
    rows: Sequence[dict[str, Any]],
    columns: Sequence[Column],
    footer: dict[str, Any] | None,
    narrow: bool,
    widths: list[int],
    wrap: bool,
) -> Any:
    from rich import box
    from rich.table import Table

    table = Table(
        box=box.SIMPLE_HEAD,
        show_edge=False,
        show_footer=footer is not None,
        header_style="bold",
    )
    for col, size in zip(columns, widths, strict=True):
        show = col.narrow if narrow and col.narrow else col.show
        foot = ""
        if footer is not None and col.key in footer:
            value = footer[col.key]
            foot = show(value, footer) if show else show_value(value)
        # A header breaks at its spaces even in a column whose cells do not.
        header = "\n".join(
            line for part in col.header.split("\n") for line in wrap_lines(part, size)
        )
        table.add_column(
            header,
            justify=col.justify,  # type: ignore[arg-type]
            style=col.style,
            no_wrap=col.no_wrap and not wrap,
            overflow="fold",
            width=size,
            footer=_as_text(foot, col.markup),
        )
    for row in rows:
        table.add_row(*[_cell(c, row, show_for(c, narrow)) for c in columns])
    return table


def show_for(col: Column, narrow: bool) -> Callable[[Any, dict[str, Any]], str] | None:
    return col.narrow if narrow and col.narrow else col.show


def _as_text(shown: Any, markup: bool) -> Any:
    from rich.text import Text

    from incidentlog.views.console import inert

    # Made inert before Rich measures the cell, so a row with an escape still lines up.
    return shown if markup or not isinstance(shown, str) else Text(inert(shown))


def _print_records(
    rows: Sequence[dict[str, Any]],
    columns: Sequence[Column],
    footer: dict[str, Any] | None,
    width: int,
    say: Callable[[str], None],
) -> None:
    """Too narrow for any table: each row as a block of "Header: value" lines."""
    shown = list(rows) + ([footer] if footer is not None else [])
    for row in shown:
        say("")
        for col in columns:
            show = col.narrow or col.show
            if row is footer and col.key not in footer:
                continue
            value = row.get(col.key)
            text = _plain(str(show(value, row) if show else show_value(value)), col.markup)
            header = " ".join(col.header.split())
            for line in wrap_lines(f"{header}: {text}", width, "    "):
                say(line)


def _cell(column: Column, row: dict[str, Any], show: Any = None) -> Any:
    value = row.get(column.key)
    show = show or column.show
    shown = show(value, row) if show else show_value(value)
    return _as_text(shown, column.markup)
