"""`incidentlog summary`: the week at a glance, on screen or by mail."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from incidentlog.cli import reporting
from incidentlog.cli.params import PeriodType

if TYPE_CHECKING:
    from incidentlog.core.periods import Period
    from incidentlog.reports.summary import Totals, WeeklySummary

app = typer.Typer()


@app.command("summary")
def summary(
    week: Annotated[
        str | None,
        typer.Option(
            "--week",
            "-w",
            help="The week: 2026-W19, last-week, a date in it (default: last week).",
            click_type=PeriodType("week"),
        ),
    ] = None,
    to: Annotated[
        list[str] | None,
        typer.Option(
            "--to", help="Recipient of --format email (repeat for more); implies --format email."
        ),
    ] = None,
    sender: Annotated[
        str | None, typer.Option("--from", help="Sender of --format email (default: user@host).")
    ] = None,
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            help="Output format: table, csv, json, html, or email (a message for sendmail -t).",
            metavar="table|csv|json|html|email",
        ),
    ] = "table",
) -> None:
    """The weekly summary for managers and cron: incidents per store, top reasons, overdue
    follow-ups and returning customers (plain text when piped).

    Example: incidentlog summary --week 2026-W19
    Example: incidentlog summary --format email --to manager@example.com | sendmail -t
    """
    import sys

    from incidentlog.cli.context import today
    from incidentlog.core.periods import parse_week
    from incidentlog.reports.summary import AFTERCARE_KEYS, week_before, weekly_summary
    from incidentlog.views import display as d
    from incidentlog.views.console import echo
    from incidentlog.views.render import Column, render, wrap_lines

    fmt = _summary_format(fmt, to, sender)
    chosen = parse_week(week if week is not None else "last-week", today=today())
    with reporting.reading() as conn:
        found = weekly_summary(conn, week=chosen, today=today())
    if fmt == "email":
        from incidentlog.views.mail import message

        plain = "\n".join(
            part
            for line in summary_lines(found, chosen)
            for part in wrap_lines(line, MAIL_WIDTH, " " * (len(line) - len(line.lstrip()) + 2))
        )
        mail = message(
            subject=d.summary_heading(chosen),
            plain=plain + "\n",
            html=_summary_html(found, chosen),
            to=to or [],
            sender=sender,
        )
        sys.stdout.write(mail.as_string())
        return
    if fmt == "table":
        from incidentlog.views.render import output_width

        width = output_width()
        lines = summary_lines(found, chosen)
        for n, line in enumerate(lines):
            indent = " " * (len(line) - len(line.lstrip()) + 2)
            for part in wrap_lines(line, width, indent):
                echo(part, bold=n == 0)
        from incidentlog.cli.sample import mark_report  # says when demo and real records mix

        note = mark_report({"report": "summary", "period": chosen.as_json()}, None)[1]
        if note:
            for part in wrap_lines(note, width):
                echo(part)
        return
    if fmt == "html":
        sys.stdout.write(_summary_html(found, chosen))
        return
    from incidentlog.views.report_parts import as_dicts

    rows = as_dicts(found["rows"])
    rest = {k: v for k, v in found.items() if k != "rows"}
    columns = [Column(k, k) for k in ("store", "incidents", "resolved_on_spot", "rate")]
    render(
        rows,
        columns,
        fmt,
        document=reporting.document("summary", chosen, week_before(chosen), rows, **rest),
        # The totals line has a store row's shape: the same columns, with rows or without.
        csv_keys=[k for k in found["totals"] if k not in AFTERCARE_KEYS],
    )


# Plain-text mail is read at its traditional width.
MAIL_WIDTH = 76


def _summary_format(fmt: str, to: list[str] | None, sender: str | None) -> str:
    from incidentlog.core.errors import InvalidInput
    from incidentlog.views.mail import check_address
    from incidentlog.views.render import check_format

    fmt = (fmt or "table").lower()
    if to and fmt == "table":
        fmt = "email"
    if fmt != "email":
        if to or sender:
            raise InvalidInput("--to and --from go with --format email.")
        return check_format(fmt)
    if not to:
        raise InvalidInput("--format email needs at least one --to ADDRESS.")
    for address in to:
        check_address(address, "--to")
    if sender is not None:
        check_address(sender, "--from")
    return fmt


def aftercare_line(totals: Totals) -> str:
    """ "After the incident: 67% satisfied (of 3 who answered a check-back); remedies
    cost EUR 35.50." """
    from incidentlog.core import config
    from incidentlog.core.money import format_cost
    from incidentlog.views import display as d

    answered = totals["satisfied"] + totals["not_satisfied"]
    satisfied = (
        f"{d.pct(totals['satisfaction_rate'])} satisfied (of {answered:,} who answered a "
        "check-back)"
        if answered
        else "no answer at a check-back"
    )
    cents = round(totals["remedy_cost"] * 100)
    cost = (
        f"remedies cost {format_cost(cents, config.get('currency'))}" if cents else "no remedy cost"
    )
    return f"After the incident: {satisfied}; {cost}."


def summary_lines(found: WeeklySummary, week: Period) -> list[str]:
    """The plain summary's lines, the after-the-incident line under the week's incidents."""
    from incidentlog.views import display as d

    lines = d.summary_lines(found, week)
    intro = lines.index(d.summary_intro(found))
    return [*lines[: intro + 1], aftercare_line(found["totals"]), *lines[intro + 1 :]]


def summary_columns() -> list[Any]:
    """The weekly summary's store table (HTML and the mail's HTML part)."""
    from incidentlog.core.numbers import signed
    from incidentlog.views import display as d
    from incidentlog.views.render import Column

    return [
        Column("store", "Store"),
        Column("incidents", "Incidents", "right", show=lambda v, _r: f"{v:,}"),
        Column("compare_incidents", "Week before", "right", show=lambda v, _r: f"{v:,}"),
        Column("change", "Change", "right", show=lambda v, _r: signed(v)),
        Column("rate", "On the spot", "right", show=lambda v, _r: d.pct(v)),
        Column("weekly", "Last 9 weeks", chart=True),
    ]


def _summary_html(found: WeeklySummary, week: Period) -> str:
    from incidentlog.views import display as d
    from incidentlog.views import html
    from incidentlog.views.report_parts import as_dicts

    table = html.section(
        as_dicts(found["rows"]),
        summary_columns(),
        title="Stores",
        footer=dict(found["totals"]) if len(found["rows"]) > 1 else None,
        empty="No incidents this week.",
    )
    return html.document(
        d.summary_heading(week),
        [table],
        lines=[d.summary_intro(found), aftercare_line(found["totals"])],
        alerts=[d.alert_text(a) for a in found["alerts"]],
        after=d.summary_after(found),
    )
