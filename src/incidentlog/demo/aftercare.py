"""After the demo's incidents: how severe they were, what was given to make them right and at
what cost, and the check-backs with the customer.

Drawn from a random stream of its own, after each incident is made, so the incidents
themselves (and every number the guides quote about them) come out as they always did.

The story to find: Harbour Mall hands out goodwill vouchers far more freely than the other
stores — its remedy cost per incident is several times theirs — yet its customers are no
more satisfied when asked. Station Road rarely calls back, so most of its follow-ups are
never checked. High-severity incidents take longer to resolve and leave fewer customers
satisfied.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from dataclasses import dataclass
from typing import Any

from incidentlog.demo.data import CHECK_NOTES

GENEROUS_STORE = "Harbour Mall"
FORGETFUL_STORE = "Station Road"
# The remedy a resolution's words tell, the first found in this order.
REMEDY_WORDS = (
    ("refund", ("refund",)),
    ("voucher", ("voucher",)),
    ("replacement", ("swapped", "replacement", "exchanged", "swap the")),
    ("repair", ("repair",)),
    ("apology", ("apologis", "apology")),
    ("other", ("free delivery", "comparable")),
)
# Where the later resolution starts in a demo resolution ("next step. later text").
LATER_STARTS = (
    "Called back:",
    "Replacement ",
    "Head office agreed",
    "Supplier confirmed",
    "Courier found",
)
AMOUNT = re.compile(r"£(\d+)\.(\d\d)")
# What a remedy costs the shop when the text names no amount: (lowest, highest) in cents.
UNNAMED_COST = {
    "refund": (395, 695),  # the delivery fee
    "voucher": (300, 500),  # a coffee voucher
    "replacement": (500, 2500),  # the faulty one goes back to the supplier: carriage, handling
    "repair": (0, 2000),
    "apology": (0, 0),
    "other": (395, 695),
}
# Harbour Mall's goodwill voucher, given where the others settle for a replacement, a
# repair, an apology or nothing (a refund stays a refund).
GOODWILL = (5000, 12000)
GOODWILL_CHANCE = 0.85
# How often a follow-up is checked back, by store.
CHECK_CHANCE = {FORGETFUL_STORE: 0.3}
USUAL_CHECK_CHANCE = 0.85
# Outcome weights (satisfied, not satisfied, no answer).
OUTCOMES = ("satisfied", "not-satisfied", "no-answer")
USUAL_OUTCOME = (0.68, 0.17, 0.15)
HIGH_OUTCOME = (0.45, 0.40, 0.15)
GENEROUS_OUTCOME = (0.56, 0.29, 0.15)


@dataclass(frozen=True)
class Incident:
    """What aftercare needs of a demo incident, as it was made."""

    at: dt.datetime
    store: str
    on_spot: bool
    resolved_at: dt.datetime | None
    follow_up: dt.date | None
    resolution: str
    problem: bool


def _severity(rng: random.Random, incident: Incident) -> str:
    """Longer to resolve, more often high: hours to resolution raise the odds."""
    if incident.on_spot:
        high = 0.05
    elif incident.resolved_at is None:
        high = 0.40
    else:
        hours = (incident.resolved_at - incident.at).total_seconds() / 3600
        high = 0.08 + 0.55 * min(1.0, hours / (24 * 7))
    if incident.problem:
        high += 0.15
    roll = rng.random()
    return "high" if roll < high else "medium" if roll < high + 0.35 else "low"


def _told_remedy(text: str) -> str | None:
    lowered = text.lower()
    for remedy, words in REMEDY_WORDS:
        if any(word in lowered for word in words):
            return remedy
    return None


def _later_part(resolution: str) -> str:
    starts = [resolution.find(s) for s in LATER_STARTS if s in resolution]
    return resolution[min(starts) :] if starts else resolution


def _remedy(rng: random.Random, incident: Incident) -> tuple[str | None, int | None]:
    """The remedy the resolution tells of, at the amount it names (else a usual one)."""
    if not incident.on_spot and incident.resolved_at is None:
        return None, None  # still open: nothing given yet
    text = incident.resolution if incident.on_spot else _later_part(incident.resolution)
    remedy = _told_remedy(text)
    cost = None
    if remedy is not None:
        named = AMOUNT.search(text)
        if named and remedy in ("refund", "voucher"):
            cost = int(named[1]) * 100 + int(named[2])
        else:
            low, high = UNNAMED_COST[remedy]
            cost = rng.randrange(low, high + 1, 5) if high else 0
    if incident.store == GENEROUS_STORE and remedy != "refund":
        if rng.random() < GOODWILL_CHANCE:
            remedy = "voucher"
            cost = (cost or 0) + rng.randrange(GOODWILL[0], GOODWILL[1] + 1, 50)
    return remedy, cost


def _outcome(rng: random.Random, weights: tuple[float, float, float]) -> str:
    roll = rng.random()
    for outcome, weight in zip(OUTCOMES, weights, strict=True):
        roll -= weight
        if roll < 0:
            return outcome
    return OUTCOMES[-1]


def _check_backs(
    rng: random.Random, incident: Incident, severity: str, latest: dt.datetime
) -> list[dict[str, str]]:
    """Calls back on the follow-up date (mostly on time), or after a high-severity incident
    settled on the spot; a customer who did not answer is often tried once more."""
    if incident.follow_up is not None:
        chance = CHECK_CHANCE.get(incident.store, USUAL_CHECK_CHANCE)
        late = 0 if rng.random() < 0.75 else rng.randrange(1, 5)
        day = incident.follow_up + dt.timedelta(days=late)
        when = dt.datetime.combine(day, dt.time(10)) + dt.timedelta(minutes=rng.randrange(420))
    elif severity == "high":
        chance = 0.3
        when = incident.at + dt.timedelta(hours=rng.randrange(20, 72))
    else:
        return []
    if rng.random() >= chance:
        return []
    settled = incident.resolved_at or incident.at
    if when < settled:
        when = settled + dt.timedelta(hours=rng.randrange(2, 30))
    if severity == "high":
        weights = HIGH_OUTCOME
    else:
        weights = GENEROUS_OUTCOME if incident.store == GENEROUS_STORE else USUAL_OUTCOME
    checks: list[dict[str, str]] = []
    while when <= latest:
        outcome = _outcome(rng, weights)
        note = rng.choice(CHECK_NOTES[outcome])
        checks.append({"at": when.isoformat(" "), "outcome": outcome, "note": note})
        if outcome != "no-answer" or len(checks) > 1 or rng.random() < 0.4:
            break
        when += dt.timedelta(days=rng.randrange(1, 4), minutes=rng.randrange(-120, 120))
    return checks


class Aftercare:
    """Severity, remedy, cost and check-backs for each demo incident, in the order made."""

    def __init__(self, seed: int, end: dt.date) -> None:
        self.rng = random.Random(seed)
        self.latest = dt.datetime.combine(end, dt.time(18, 0))

    def draw(self, incident: Incident) -> tuple[str, str | None, int | None, list[dict[str, str]]]:
        rng = self.rng
        severity = _severity(rng, incident)
        remedy, cost = _remedy(rng, incident)
        return severity, remedy, cost, _check_backs(rng, incident, severity, self.latest)

    def complete(
        self,
        row: dict[str, str],
        at: dt.datetime,
        on_spot: bool,
        problem: bool,
        *,
        checks: bool = False,
    ) -> dict[str, Any]:
        """The demo row with its severity, remedy and cost (in the export's column order),
        and its check-backs (`checks`) when asked for."""
        resolved_at, follow_up = row["resolved_at"], row["follow_up"]
        severity, remedy, cost, check_backs = self.draw(
            Incident(
                at=at,
                store=row["store"],
                on_spot=on_spot,
                resolved_at=dt.datetime.fromisoformat(resolved_at) if resolved_at else None,
                follow_up=dt.date.fromisoformat(follow_up) if follow_up else None,
                resolution=row["resolution"],
                problem=problem,
            )
        )
        full: dict[str, Any] = {}
        for column, value in row.items():
            if column == "resolved_at":
                full["severity"] = severity
                full["remedy"] = remedy or ""
                full["cost"] = "" if cost is None else f"{cost // 100}.{cost % 100:02d}"
            full[column] = value
        if checks:
            full["checks"] = check_backs
        return full
