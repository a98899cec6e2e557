"""What an incident is made of before it is written: its input, and the checks of each field.

Every value is checked and cleaned here before anything is written, so a bad one is refused
with one line and nothing half-done, whichever command (add, edit, resolve, the outbox)
brought it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from incidentlog.core import names
from incidentlog.core.errors import InvalidInput
from incidentlog.core.vocabulary import CHANNELS, REMEDIES, SEVERITIES
from incidentlog.records import entities

if TYPE_CHECKING:
    from incidentlog.records.reading import IncidentJson


@dataclass
class IncidentInput:
    customer: str
    reason: str
    resolved: bool
    store: str
    agent: str
    at: dt.datetime
    description: str = ""
    resolution: str = ""
    contact: str | None = None
    channel: str | None = None
    follow_up: dt.date | None = None
    severity: str | None = None
    remedy: str | None = None
    cost_cents: int | None = None  # whole cents (core/money.parse_cost), never a float


@dataclass
class Recorded:
    incident: IncidentJson
    warnings: list[str] = field(default_factory=list)
    earlier: dict[str, int] | None = None  # earlier incidents of this customer, if any


def normalise_channel(channel: str | None) -> str | None:
    if channel is None or not channel.strip():
        return None
    value = names.key(channel).replace(" ", "-").replace("_", "-")
    value = {
        "inperson": "in-person",
        "in-store": "in-person",
        "e-mail": "email",
        "mail": "email",
    }.get(value, value)
    if value not in CHANNELS:
        raise InvalidInput(f'Unknown channel "{channel}". Use one of: {", ".join(CHANNELS)}.')
    return value


def _one_of(
    value: str | None, accepted: tuple[str, ...], kind: str, source: str | None
) -> str | None:
    """`value` as one of `accepted` (any case and spacing); empty is none."""
    if value is None or not value.strip():
        return None
    cleaned = names.key(value).replace(" ", "-").replace("_", "-")
    if cleaned not in accepted:
        where = f" ({source})" if source else ""
        raise InvalidInput(
            f'Unknown {kind} "{names.clean(value)}"{where}. Use one of: {", ".join(accepted)}.'
        )
    return cleaned


def normalise_severity(severity: str | None, source: str | None = None) -> str | None:
    return _one_of(severity, SEVERITIES, "severity", source)


def normalise_remedy(remedy: str | None, source: str | None = None) -> str | None:
    return _one_of(remedy, REMEDIES, "remedy", source)


def check_remedy_cost(remedy: str | None, cost_cents: int | None) -> None:
    """A cost is what a remedy cost: one without a remedy would count in no remedy's total."""
    if cost_cents is not None and cost_cents < 0:
        raise InvalidInput("A cost cannot be negative.")
    if cost_cents is not None and remedy is None:
        raise InvalidInput(
            "A cost needs the remedy it paid for: add --remedy "
            f"({', '.join(REMEDIES)}), or leave out --cost."
        )


def check_text(label: str, text: str | None) -> str:
    text = (text or "").strip()
    if "\x00" in text:  # PostgreSQL cannot store it; refused on every backend alike
        raise InvalidInput(f"The {label} contains a NUL character (\\x00).")
    if len(text) > names.MAX_TEXT:
        raise InvalidInput(
            f"The {label} is too long ({len(text)} characters; at most {names.MAX_TEXT})."
        )
    return text


def validate(data: IncidentInput) -> IncidentInput:
    """Checks and cleans every field before anything is written."""
    remedy = normalise_remedy(data.remedy)
    check_remedy_cost(remedy, data.cost_cents)
    return IncidentInput(
        customer=entities.check_name("customer", data.customer),
        reason=entities.check_name("reason", data.reason),
        resolved=bool(data.resolved),
        store=entities.check_name("store", data.store),
        agent=entities.check_name("agent", data.agent),
        at=data.at.replace(microsecond=0, tzinfo=None),
        description=check_text("description", data.description),
        resolution=check_text("resolution", data.resolution),
        contact=entities.check_name("contact", data.contact)
        if data.contact and data.contact.strip()
        else None,
        channel=normalise_channel(data.channel),
        follow_up=data.follow_up,
        severity=normalise_severity(data.severity),
        remedy=remedy,
        cost_cents=data.cost_cents,
    )
