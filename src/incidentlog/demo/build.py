"""`incidentlog demo`: a realistic, deterministic sample to see every report at work.

Four stores and ten agents over fourteen months or more up to yesterday: reasons with a
skewed mix and seasonal swings (December is busy, deliveries run late), one store rising and
one falling, a handful of problem customers who turn up at several stores, open incidents
with follow-ups (some overdue), and training. The story to find: in March four agents whose
on-the-spot rate was about 50% took a de-escalation role-play; their rate jumps to about 80%
for two months, then fades back over the summer, while the other agents stay flat. After
each incident (demo/aftercare.py): its severity, the remedy and its cost, and the check-backs
with the customer — Harbour Mall gives several times more away than the others without
pleasing its customers more, Station Road seldom calls back, high severity takes longer.

The rows are generated as CSV-ready dicts (`generate_incidents`, `generate_training`) and
loaded through the bulk import path; `generate_incidents(n_rows=...)` makes any number of
rows for benchmarks.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from incidentlog.core import names
from incidentlog.core.errors import Conflict
from incidentlog.core.periods import add_months, months_back
from incidentlog.demo.aftercare import Aftercare
from incidentlog.demo.data import (
    BASE_RATE,
    DESCRIPTIONS,
    FIRST_NAMES,
    ITEMS,
    LAST_NAMES,
    LATER,
    MONTH_VOLUME,
    NEW_MATERIAL_TOPICS,
    NEXT_STEP,
    ON_THE_SPOT,
    PROBLEM_CUSTOMERS,
    REASONS,
    SEASONAL_REASONS,
    STORES,
    TRAINERS,
    WEEKDAY_VOLUME,
)
from incidentlog.storage.connection import Conn

DEMO_COLUMN = "demo"  # transfer.columns.DEMO_COLUMN, without importing the importer here

SEED = 2026
DAILY_INCIDENTS = 9.0  # on an average weekday of an average month
OPENING = dt.time(9, 0)
OPEN_MINUTES = 10 * 60

TRAINED = ("Jane", "Tom", "Sofia", "Marek")
ROLEPLAY_TOPIC = "De-escalation role-play"
ROLEPLAY_DAY = (3, 10)  # 10 March
BOOST = 0.30  # added to the trainees' rate for two months, then fading


@dataclass(frozen=True)
class Story:
    """The dates the demo is built around."""

    today: dt.date
    start: dt.date
    end: dt.date  # the last day with incidents (yesterday)
    roleplay: dt.date


def story(today: dt.date) -> Story:
    """The most recent March role-play with four months or more of data after it, and data
    from at least fourteen months back and three months before that role-play."""
    year = today.year
    roleplay = dt.date(year, *ROLEPLAY_DAY)
    if add_months(roleplay, 4) > today - dt.timedelta(days=1):
        roleplay = roleplay.replace(year=year - 1)
    start = min(months_back(today, 14), months_back(roleplay, 3))
    return Story(today=today, start=start, end=today - dt.timedelta(days=1), roleplay=roleplay)


def boost(day: dt.date, roleplay: dt.date) -> float:
    """The trainees' extra on-the-spot rate: full for two months, then halving monthly."""
    days = (day - roleplay).days
    if days < 0:
        return 0.0
    if days < 61:
        return BOOST
    return float(BOOST * 0.5 ** ((days - 61) / 30))


def _volume(day: dt.date) -> float:
    return MONTH_VOLUME[day.month - 1] * WEEKDAY_VOLUME[day.weekday()]


def _days(s: Story) -> list[dt.date]:
    return [s.start + dt.timedelta(days=n) for n in range((s.end - s.start).days + 1)]


def _per_day(days: list[dt.date], total: int) -> list[int]:
    """`total` incidents spread over the days in proportion to their volume, exactly."""
    weights = [_volume(d) for d in days]
    whole = sum(weights)
    counts, running, placed = [], 0.0, 0
    for w in weights:
        running += w
        upto = round(running / whole * total)
        counts.append(upto - placed)
        placed = upto
    return counts


def _weighted(rng: random.Random, options: list[tuple[Any, float]]) -> Any:
    pick = rng.random() * sum(w for _o, w in options)
    for option, w in options:
        pick -= w
        if pick < 0:
            return option
    return options[-1][0]


class _Customers:
    """New customers, regulars who come back, and the scheduled problem customers."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.number = 0
        self.recent: deque[tuple[str, str]] = deque(maxlen=400)

    def new(self) -> tuple[str, str]:
        rng = self.rng
        self.number += 1
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        roll = rng.random()
        if roll < 0.6:
            handle = names.key(f"{first}.{last}").replace("'", "").replace(" ", "")
            contact = f"{handle}{self.number}@example.com"
        elif roll < 0.85:
            contact = f"+44 7700 {rng.randrange(900000, 999999)}"
        else:
            contact = ""
        customer = (f"{first} {last}", contact)
        self.recent.append(customer)
        return customer

    def pick(self) -> tuple[str, str]:
        if self.recent and self.rng.random() < 0.07:
            return self.rng.choice(self.recent)
        return self.new()


def _rate(s: Story, at: dt.datetime, agent: str, ease: float, problem: bool) -> float:
    """The chance this incident is resolved on the spot."""
    rate = BASE_RATE[agent] + ease + (boost(at.date(), s.roleplay) if agent in TRAINED else 0.0)
    if problem:
        rate -= 0.25
    if at.month == 12:
        rate -= 0.05  # the Christmas rush leaves less time per customer
    return min(0.95, max(0.05, rate))


class _Outcomes:
    """Resolved on the spot or not, by error diffusion with some jitter: each agent's
    outcomes look random but their rate over any month stays close to the model, so the
    demo's story reads the same whatever day it is built on (plain coin flips leave a
    few percentage points of noise per agent and month)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.error: dict[str, float] = {}

    def draw(self, agent: str, rate: float) -> bool:
        wanted = rate + self.error.get(agent, 0.0)
        resolved = wanted + self.rng.uniform(-0.35, 0.35) >= 0.5
        self.error[agent] = wanted - resolved
        return resolved


def _fill(rng: random.Random, template: str, order: int) -> str:
    return template.format(
        order=f"#{order}",
        day=(dt.date(2000, 1, 3) + dt.timedelta(days=rng.randrange(7))).strftime("%A"),
        n=rng.randrange(2, 12),
        amount=f"£{rng.randrange(5, 120)}.{rng.choice(('00', '50', '99'))}",
        item=rng.choice(ITEMS),
    )


def _schedule_problems(rng: random.Random, days: list[dt.date]) -> dict[dt.date, list[int]]:
    scheduled: dict[dt.date, list[int]] = {}
    for index, (_name, _contact, count) in enumerate(PROBLEM_CUSTOMERS):
        for day in rng.sample(days, min(count, len(days))):
            scheduled.setdefault(day, []).append(index)
    return scheduled


def _store_weights(s: Story, day: dt.date) -> list[tuple[int, float]]:
    span = max(1, (s.end - s.start).days)
    t = (day - s.start).days / span
    return [(n, first + (last - first) * t) for n, (_s, first, last, _a) in enumerate(STORES)]


def _reason_weights(day: dt.date) -> list[tuple[int, float]]:
    season = SEASONAL_REASONS.get(day.month, {})
    return [(n, share * season.get(name, 1.0)) for n, (name, share, _m) in enumerate(REASONS)]


def generate_incidents(
    n_rows: int | None = None,
    *,
    seed: int = SEED,
    today: dt.date | None = None,
    checks: bool = False,
) -> Iterator[dict[str, Any]]:
    """The demo's incidents, oldest first, as CSV-ready dicts (the `export` columns).

    Deterministic for a seed and a today; `n_rows` spreads exactly that many incidents over
    the same months (default: about nine a day). With `checks`, each also has its
    check-backs (`checks`, a list of {at, outcome, note} as a JSON export holds them)."""
    from incidentlog.core.clock import Clock

    s = story(today or Clock.from_environment().today())
    rng = random.Random(seed)
    # Its own stream: the incidents come out the same whatever aftercare draws.
    aftercare = Aftercare(seed + 2, s.end)
    days = _days(s)
    natural = round(sum(_volume(d) for d in days) * DAILY_INCIDENTS)
    counts = _per_day(days, natural if n_rows is None else n_rows)
    problems = _schedule_problems(rng, days)
    customers = _Customers(rng)
    outcomes = _Outcomes(rng)
    order = 48_000
    for day, count in zip(days, counts, strict=True):
        if not count:
            continue
        stores = _store_weights(s, day)
        reasons = _reason_weights(day)
        minutes = sorted(rng.randrange(OPEN_MINUTES) for _ in range(count))
        scheduled = problems.get(day, [])
        for n, minute in enumerate(minutes):
            order += rng.randrange(1, 40)
            at = dt.datetime.combine(day, OPENING) + dt.timedelta(
                minutes=minute, seconds=rng.randrange(60)
            )
            store_index = _weighted(rng, stores)
            store, _first, _last, staff = STORES[store_index]
            problem = n < len(scheduled)
            if problem:
                name, contact, _count = PROBLEM_CUSTOMERS[scheduled[n]]
                agent = rng.choice(staff)[0]
            else:
                name, contact = customers.pick()
                agent = _weighted(rng, list(staff))
            reason, _share, ease = REASONS[_weighted(rng, reasons)]
            on_spot = outcomes.draw(agent, _rate(s, at, agent, ease, problem))
            row = _incident(rng, s, at, store, agent, reason, on_spot, name, contact, order)
            yield aftercare.complete(row, at, on_spot, problem, checks=checks)


def _incident(
    rng: random.Random,
    s: Story,
    at: dt.datetime,
    store: str,
    agent: str,
    reason: str,
    resolved: bool,
    customer: str,
    contact: str,
    order: int,
) -> dict[str, str]:
    description = _fill(rng, rng.choice(DESCRIPTIONS[reason]), order)
    channel = (
        rng.choice(("email", "chat", "phone", "phone", "social"))
        if store == "Online Desk"
        else ("in-person" if rng.random() < 0.75 else "phone")
    )
    follow_up = resolved_at = ""
    if resolved:
        resolution = _fill(rng, rng.choice(ON_THE_SPOT[reason]), order)
    else:
        resolution = _fill(rng, rng.choice(NEXT_STEP), order)
        follow_up = (at.date() + dt.timedelta(days=rng.randrange(2, 6))).isoformat()
        age = (s.end - at.date()).days
        later = at + dt.timedelta(hours=rng.randrange(2, 24 * 9))
        latest = dt.datetime.combine(s.end, dt.time(18, 0))
        # Old cases are nearly all settled; a few were forgotten (overdue follow-ups).
        settled = 0.99 if age > 30 else 0.9 if age > 14 else 0.5
        if rng.random() < settled and later <= latest:
            resolved_at = later.isoformat(" ")
            resolution = f"{resolution} {_fill(rng, rng.choice(LATER), order)}"
    return {
        "customer": customer,
        "reason": reason,
        "resolved": "yes" if resolved else "no",
        "store": store,
        "agent": agent,
        "at": at.isoformat(" "),
        "description": description,
        "resolution": resolution,
        "contact": contact,
        "channel": channel,
        "follow_up": follow_up,
        "resolved_at": resolved_at,
    }


def generate_training(*, seed: int = SEED, today: dt.date | None = None) -> list[dict[str, str]]:
    """The demo's training sessions as CSV-ready dicts (the training `export` columns)."""
    from incidentlog.core.clock import Clock

    s = story(today or Clock.from_environment().today())
    rng = random.Random(seed + 1)
    agents = sorted(BASE_RATE)
    sessions: list[dict[str, str]] = []

    def add(
        day: dt.date,
        topic: str,
        kind: str,
        minutes: int,
        who: list[str],
        store: str = "",
        trainer: str = "",
    ) -> None:
        if s.start <= day <= s.end:
            sessions.append(
                {
                    "date": day.isoformat(),
                    "topic": topic,
                    "kind": kind,
                    "minutes": str(minutes),
                    "agents": ";".join(who),
                    "store": store,
                    "trainer": trainer,
                }
            )

    add(s.roleplay, ROLEPLAY_TOPIC, "roleplay", 120, list(TRAINED), trainer=TRAINERS[0])
    month = s.start.replace(day=1)
    n = 0
    while month <= s.end:
        tuesday = month + dt.timedelta(days=(1 - month.weekday()) % 7)
        topic = NEW_MATERIAL_TOPICS[n % len(NEW_MATERIAL_TOPICS)]
        add(tuesday, topic, "new-material", 45, sorted(rng.sample(agents, 5)), trainer=TRAINERS[1])
        if month.month in (1, 4, 7, 10):
            for store, _f, _l, staff in STORES:
                who = sorted({a for a, _w in staff})
                add(month.replace(day=15), "Complaint handling refresher", "review", 30, who, store)
        third_thursday = month + dt.timedelta(days=(3 - month.weekday()) % 7 + 14)
        add(
            third_thursday,
            "Difficult conversations practice",
            "roleplay",
            30,
            sorted(rng.sample(agents, 3)),
            trainer=TRAINERS[0],
        )
        if month.month == 11:
            others = [a for a in agents if a not in TRAINED]
            add(month.replace(day=18), "Phone complaints role-play", "roleplay", 60, others[:4])
        month = add_months(month, 1)
        n += 1
    recent = s.today - dt.timedelta(days=10)
    add(recent, "Refund conversations role-play", "roleplay", 45, sorted(rng.sample(agents, 3)))
    sessions.sort(key=lambda row: row["date"])
    return sessions


@dataclass
class DemoResult:
    incidents: int
    sessions: int
    stores: int
    agents: int
    first: dt.date | None
    last: dt.date | None
    roleplay_id: int | None
    roleplay_day: dt.date
    today: dt.date


def load(
    conn: Conn,
    *,
    force: bool = False,
    seed: int = SEED,
    today: dt.date | None = None,
    progress: Any = None,
) -> DemoResult:
    """Fill the database with the demo data, through the bulk import, as one `undo` step.

    An existing database is refused unless `force`; then the demo is added alongside
    (nothing is ever replaced)."""
    from incidentlog.core.clock import Clock
    from incidentlog.core.invocation import command
    from incidentlog.transfer.importer import Importer
    from incidentlog.transfer.sources import rows_source

    today = today or Clock.from_environment().today()
    if not force:
        held = int(conn.scalar("SELECT COUNT(*) FROM incident") or 0)
        sessions = int(conn.scalar("SELECT COUNT(*) FROM training_session") or 0)
        if held or sessions:
            raise Conflict(
                f"The database already holds {held:,} incidents and {sessions:,} training "
                "sessions; the demo fills an empty one. Pass --force to add the demo data "
                f"alongside (`{command('undo')}` takes it out again), or use another --db."
            )
    sources = [
        rows_source(
            "demo incidents",
            "incidents",
            lambda: _marked(generate_incidents(seed=seed, today=today, checks=True)),
            total=expected_volume(today),
        ),
        rows_source(
            "demo training",
            "training",
            lambda: _marked(generate_training(seed=seed, today=today)),
        ),
    ]
    importer = Importer(
        conn, sources, new_store=True, new_agent=True, progress=progress, now=Clock(today).now()
    )
    result = importer.run(command="demo", label="demo data")
    s = story(today)
    found = conn.scalar(
        "SELECT MAX(id) FROM training_session WHERE topic = :topic AND day = :day",
        {"topic": ROLEPLAY_TOPIC, "day": s.roleplay},
    )
    return DemoResult(
        incidents=result.incidents,
        sessions=result.sessions,
        stores=len(STORES),
        agents=len(BASE_RATE),
        first=result.first,
        last=result.last,
        roleplay_id=None if found is None else int(found),
        roleplay_day=s.roleplay,
        today=today,
    )


def _marked(rows: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """The rows with the demo mark, so they are known as sample data from then on."""
    for row in rows:
        yield {**row, DEMO_COLUMN: "yes"}


def expected_volume(today: dt.date) -> int:
    """How many incidents the demo holds for this today (for messages and tests)."""
    return round(sum(_volume(d) for d in _days(story(today))) * DAILY_INCIDENTS)


__all__ = [
    "SEED",
    "DemoResult",
    "boost",
    "expected_volume",
    "generate_incidents",
    "generate_training",
    "load",
    "story",
]
