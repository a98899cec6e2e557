"""What the incident commands read: dates as typed, and what `add` asks at a terminal."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from incidentlog.storage.connection import Conn

SeverityOption = Annotated[
    str | None, typer.Option("--severity", help="How severe: low, medium or high.")
]
RemedyOption = Annotated[
    str | None,
    typer.Option(
        "--remedy", help="What was given: refund, voucher, replacement, repair, apology or other."
    ),
]
CostOption = Annotated[
    str | None,
    typer.Option(
        "--cost", metavar="AMOUNT", help="What the remedy cost, e.g. 12.50 (needs --remedy)."
    ),
]


def when(text: str | None) -> dt.datetime | None:
    if text is None:
        return None
    from incidentlog.cli.context import now
    from incidentlog.core.dates import ensure_not_future, parse_when

    at = parse_when(text, now=now())
    ensure_not_future(at, now=now())
    return at


def follow_up(text: str | None, at: dt.datetime | None = None) -> dt.date | None:
    if text is None:
        return None
    from incidentlog.cli.context import clock
    from incidentlog.core.dates import parse_follow_up

    return parse_follow_up(
        text, today=clock().today(), now=clock().now(), since=at.date() if at else None
    )


def cost(text: str | None, source: str = "--cost") -> int | None:
    """An amount as whole cents; None when not given."""
    if text is None:
        return None
    from incidentlog.core.money import parse_cost

    return parse_cost(text, source)


def remedy_fields(
    severity: str | None, remedy: str | None, cost_text: str | None
) -> dict[str, Any]:
    """`--severity`, `--remedy` and `--cost` checked before anything is opened or written."""
    from incidentlog.records.fields import (
        check_remedy_cost,
        normalise_remedy,
        normalise_severity,
    )

    cents = cost(cost_text)
    chosen = normalise_remedy(remedy, "--remedy")
    check_remedy_cost(chosen, cents)
    return {
        "severity": normalise_severity(severity, "--severity"),
        "remedy": chosen,
        "cost": cents,
    }


def _known(conn: Conn, table: str) -> list[str]:
    return [r["name"] for r in conn.rows(f"SELECT name FROM {table} ORDER BY name LIMIT 12")]


def _ask(label: str, known: list[str] | None = None, default: str | None = None) -> str:
    choices = ""
    if known:
        shown = ", ".join(known[:6])
        choices = f" ({shown}{', ...' if len(known) > 6 else ''} or a new one)"
    while True:
        value = typer.prompt(f"{label}{choices}", default=default or "", show_default=bool(default))
        if value.strip() or default == "":
            return str(value)


def prompt_missing(conn: Conn, values: dict[str, Any]) -> None:
    """Ask for what is missing, as a clerk would be asked after a call."""
    if not values["customer"]:
        values["customer"] = _ask("Customer")
    if not values["reason"]:
        values["reason"] = _ask("Reason", _known(conn, "reason"))
    if values["resolved"] is None:
        values["resolved"] = typer.confirm("Resolved on the spot?", default=None)
    if not values["store"]:
        values["store"] = _ask("Store", _known(conn, "store"))
    if not values["agent"]:
        values["agent"] = _ask("Agent", _known(conn, "agent"))
    if values["description"] is None:
        values["description"] = _ask("What happened", default="")
    if values["resolution"] is None:
        label = "What was done" if values["resolved"] else "What was done / next step"
        values["resolution"] = _ask(label, default="")
    if not values["resolved"] and values["follow_up"] is None:
        from incidentlog.cli.context import today

        suggested = today() + dt.timedelta(days=3)
        answer = typer.prompt("Follow up on", default=suggested.strftime("%A %Y-%m-%d"))
        values["follow_up"] = follow_up(
            answer.split(" ", 1)[1] if answer.startswith(suggested.strftime("%A ")) else answer
        )
    # Most calls end without one: one question, "no" by default, keeps the clerk quick.
    if all(values.get(k) is None for k in ("severity", "remedy", "cost")) and typer.confirm(
        "Record a remedy?", default=False
    ):
        _prompt_remedy(values)


def _prompt_remedy(values: dict[str, Any]) -> None:
    from incidentlog.core.errors import InvalidInput
    from incidentlog.core.vocabulary import REMEDIES
    from incidentlog.records.fields import normalise_remedy
    from incidentlog.views.console import note

    while values["remedy"] is None:
        try:
            values["remedy"] = normalise_remedy(
                typer.prompt(f"Remedy ({', '.join(REMEDIES)})"), "the answer"
            )
        except InvalidInput as exc:
            note(str(exc))
    while True:
        answer = typer.prompt("Cost (blank for none)", default="", show_default=False)
        try:
            values["cost"] = cost(answer, "the cost") if answer.strip() else None
            return
        except InvalidInput as exc:
            note(str(exc))
