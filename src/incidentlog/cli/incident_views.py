"""How incidents are shown: the columns of a list of them, and one incident in full."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from incidentlog.views.console import echo, note

if TYPE_CHECKING:
    from incidentlog.records.recording import Recorded


def incident_csv_keys(*extra: str) -> list[str]:
    """The CSV columns of a list of incidents, the same whether it has rows or not: the keys
    of an incident as `show --format json` gives it, then `extra`."""
    from collections import defaultdict

    from incidentlog.records.recording import incident_public

    blank: dict[str, Any] = defaultdict(lambda: None, id=0, resolved_on_spot=False)
    keys = list(incident_public(blank))
    return keys + [k for k in extra if k not in keys]


def incident_columns() -> list[Any]:
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
    ]


def checks_text(checks: list[dict[str, Any]]) -> str:
    """Check-backs as one line: `2026-05-22 10:00 satisfied: happy now; ...`."""
    return "; ".join(
        f"{str(c['at']).replace('T', ' ')} {c['outcome']}" + (f": {c['note']}" if c["note"] else "")
        for c in checks
    )


def show_card(incident: dict[str, Any]) -> None:
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
    ]
    echo(f"Incident #{incident['id']}", bold=True)
    for key, label in labels:
        value = incident.get(key)
        if value not in (None, ""):
            echo(
                f"  {label + ':':<15}{str(value).replace('T', ' ') if key in ('at', 'resolved_at') else value}"
            )
    if incident["history"]:
        echo("  History:")
    for event in incident["history"]:
        echo(f"    {event_line(event)}")


EVENT_VERBS = {"resolve": "resolved", "reopen": "reopened", "check": "checked back"}


def event_line(event: dict[str, Any]) -> str:
    when = str(event["at"]).replace("T", " ")
    outcome = f" ({event['outcome']})" if event["outcome"] else ""
    note = f": {event['note']}" if event["note"] else ""
    return (
        f"{when}  {EVENT_VERBS.get(event['kind'], event['kind'])}{outcome}{note} — {event['actor']}"
    )


def status_line(incident: dict[str, Any]) -> str:
    status = str(incident["status"])
    if status == "open" and incident.get("follow_up"):
        due = dt.date.fromisoformat(incident["follow_up"])
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
