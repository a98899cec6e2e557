"""`incidentlog search`: incidents whose words match, with the matches marked."""

from __future__ import annotations

from typing import Annotated

import typer

from incidentlog.cli import common
from incidentlog.cli.common import FormatOption, FromOption, LimitOption, PeriodOption, ToOption

app = typer.Typer()


HIGHLIGHT = ("\x02", "\x03")


def _markup(text: str) -> str:
    """A snippet with its matches highlighted, user text escaped for Rich."""
    from rich.markup import escape

    out, rest = [], text
    while HIGHLIGHT[0] in rest:
        before, _, rest = rest.partition(HIGHLIGHT[0])
        match, _, rest = rest.partition(HIGHLIGHT[1])
        out.append(escape(before) + "[bold yellow]" + escape(match) + "[/]")
    out.append(escape(rest))
    return "".join(out)


@app.command()
def search(
    words: Annotated[list[str], typer.Argument(metavar="TEXT", help="Words to look for.")],
    period: PeriodOption = None,
    from_: FromOption = None,
    to: ToOption = None,
    limit: LimitOption = None,
    fmt: FormatOption = "table",
) -> None:
    """Full-text search of descriptions and resolutions, best match first (default: all
    time): every word must appear, as a word or the start of one.

    Example: incidentlog search refund voucher --period this-year
    """
    from incidentlog.cli.incident_views import incident_columns, incident_csv_keys
    from incidentlog.records.search import search as find
    from incidentlog.records.search import snippet, terms
    from incidentlog.views.render import Column, check_format, render

    fmt = check_format(fmt)
    text = " ".join(words)
    chosen = common.period(period, from_, to, default=None)
    marks = HIGHLIGHT if fmt == "table" else ("**", "**")
    with common.connect() as conn:
        rows = find(
            conn,
            text,
            start=chosen.start if chosen else None,
            end=chosen.end if chosen else None,
            limit=limit,
            marks=marks,
        )
    wanted = terms(text)
    columns = [
        *incident_columns()[:2],
        *incident_columns()[3:5],
        incident_columns()[6],
        Column(
            "description",
            "What happened",
            show=lambda v, _r: _markup(snippet(v, "", wanted, HIGHLIGHT)),
            markup=True,
        ),
        Column(
            "resolution",
            "Resolution",
            show=lambda v, _r: _markup(snippet("", v, wanted, HIGHLIGHT)),
            markup=True,
        ),
    ]
    title = f'Search "{text}"' + (f" · {chosen.label}" if chosen else "")
    render(
        [dict(row) for row in rows],
        columns,
        fmt,
        title=title,
        empty="No incident mentions that.",
        csv_keys=incident_csv_keys("snippet"),
    )
