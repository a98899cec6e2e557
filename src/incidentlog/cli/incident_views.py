"""How incidents are shown: the columns of a list of them, and one incident in full."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from incidentlog.views.console import echo, note

if TYPE_CHECKING:
    from incidentlog.records.reading import CheckJson, EventJson, IncidentJson, ShownIncident
    from incidentlog.records.recording import Recorded


def incident_csv_keys(*extra: str) -> list[str]:
    """The CSV columns of a list of incidents, the same whether it has rows or not: the keys
    of an incident as `show --format json` gives it, then `extra`."""
    from collections import defaultdict

    from incidentlog.records.reading import incident_json

    blank: defaultdict[str, object] = defaultdict(lambda: None, id=0, resolved_on_spot=False)
    keys = list(incident_json(blank))
    return keys + [k for k in extra if k not in keys]


def currency() -> str | None:
    """The currency amounts are shown in (`config set currency EUR`), if any."""
    from incidentlog.core import config

    return config.load().get("currency")


def cents(amount: Any) -> int | None:
    """A JSON amount (12.5) back to whole cents, through its decimal text, not float arithmetic."""
    from decimal import Decimal

    return None if amount is None else int(Decimal(str(amount)) * 100)


def cost_text(amount: Any, unit: str | None) -> str:
    from incidentlog.core.money import format_cost

    return format_cost(cents(amount), unit)


def remedy_text(incident: IncidentJson, unit: str | None = None) -> str:
    """`refund, EUR 24.90`: the remedy and what it cost."""
    shown = cost_text(incident.get("cost"), unit or currency())
    return ", ".join(str(v) for v in (incident.get("remedy"), shown) if v)


def incident_columns(unit: str | None = None) -> list[Any]:
    """The columns of a list of incidents; `unit` is the currency costs are shown in."""
    from incidentlog.views.render import Column, short_date

    return [
        Column("id", "#", "right"),
        Column(
            "at",
            "When",
            show=lambda v, _r: v.replace("T", " ") if v else "",
            no_wrap=True,
            narrow=short_date,
        ),
        Column("customer", "Customer"),
        Column("reason", "Reason"),
        Column("store", "Store"),
        Column("agent", "Agent"),
        Column("status", "Status"),
        # On a narrow screen the remedy goes before the names that say whose incident it is.
        Column("severity", "Severity", show=lambda v, _r: v or "", drop=1),
        Column("remedy", "Remedy", show=lambda v, _r: v or "", drop=2),
        Column(
            "cost", "Cost", "right", show=lambda v, _r: cost_text(v, unit), no_wrap=True, drop=3
        ),
    ]


def follow_up_columns() -> list[Any]:
    """`follow-ups`: who it is, when the follow-up is due, and whether anyone checked back."""
    from dataclasses import replace

    from incidentlog.views.render import Column, short_date

    *who, status = incident_columns()[:7]
    return [
        *who,
        # Last resort on a narrow screen: "to check" goes under the date it was due.
        replace(status, under="follow_up"),
        Column("follow_up", "Follow up", show=lambda v, _r: v or "—", narrow=short_date),
        Column(
            "overdue_days",
            "Overdue",
            "right",
            show=lambda v, _r: f"{v} day{'s' if v != 1 else ''}" if v else "",
            style="red",
        ),
        # Whether anyone checked back matters less than who to call: it goes first when narrow.
        Column("last_check", "Checked", show=_checked, narrow=_checked_short, drop=1),
    ]


def _checked(value: Any, row: dict[str, Any]) -> str:
    if not row.get("checked"):
        return "no"
    return f"{value}, {str(row['last_check_at']).replace('T', ' ')[:10]}"


def _checked_short(value: Any, row: dict[str, Any]) -> str:
    return str(value) if row.get("checked") else "no"


def checks_text(checks: list[CheckJson]) -> str:
    """Check-backs as one line: `2026-05-22 10:00 satisfied: happy now; ...`."""
    return "; ".join(
        f"{str(c['at']).replace('T', ' ')} {c['outcome']}" + (f": {c['note']}" if c["note"] else "")
        for c in checks
    )


def show_card(incident: ShownIncident, unit: str | None = None) -> None:
    shown: dict[str, object] = {**incident, "cost": cost_text(incident.get("cost"), unit)}
    labels = [
        ("customer", "Customer"),
        ("contact", "Contact"),
        ("reason", "Reason"),
        ("status", "Status"),
        ("at", "When"),
        ("store", "Store"),
        ("agent", "Agent"),
        ("channel", "Channel"),
        ("description", "What happened"),
        ("resolution", "Resolution"),
        ("follow_up", "Follow up"),
        ("resolved_at", "Resolved at"),
        ("later_resolution", "Resolved with"),
        ("severity", "Severity"),
        ("remedy", "Remedy"),
        ("cost", "Cost"),
    ]
    echo(f"Incident #{incident['id']}", bold=True)
    for key, label in labels:
        value = shown.get(key)
        if value not in (None, ""):
            echo(
                f"  {label + ':':<15}{str(value).replace('T', ' ') if key in ('at', 'resolved_at') else value}"
            )
    if incident["history"]:
        echo("  History:")
    for event in incident["history"]:
        echo(f"    {event_line(event)}")


EVENT_VERBS = {"resolve": "resolved", "reopen": "reopened", "check": "checked back"}


def event_line(event: EventJson) -> str:
    when = str(event["at"]).replace("T", " ")
    outcome = f" ({event['outcome']})" if event["outcome"] else ""
    note = f": {event['note']}" if event["note"] else ""
    return (
        f"{when}  {EVENT_VERBS.get(event['kind'], event['kind'])}{outcome}{note} — {event['actor']}"
    )


def status_line(incident: IncidentJson) -> str:
    status = str(incident["status"])
    follow_up = incident["follow_up"]
    if status == "open" and follow_up:
        due = dt.date.fromisoformat(follow_up)
        status = f"open, follow up {due:%a %-d %b}"
    return status


def report_recorded(recorded: Recorded, verb: str = "Recorded", quiet: bool = False) -> None:
    incident = recorded.incident
    if quiet:
        echo(str(incident["id"]))
    else:
        echo(
            f"{verb} incident #{incident['id']} for {incident['customer']} at {incident['store']} "
            f"(agent {incident['agent']}) — {status_line(incident)}."
        )
    for warning in recorded.warnings:
        note(f"Note: {warning}")
    earlier = recorded.earlier
    if earlier:
        n = earlier["incidents"]
        note(
            f"Note: {incident['customer']} has {n} earlier incident{'s' if n != 1 else ''} "
            f"({earlier['stores']} store{'s' if earlier['stores'] != 1 else ''}, "
            f"{earlier['agents']} agent{'s' if earlier['agents'] != 1 else ''}) — "
            "see `incidentlog repeat-customers`."
        )
