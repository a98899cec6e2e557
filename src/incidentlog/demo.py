"""`incidentlog demo`: a realistic, deterministic sample to see every report at work.

Four stores and ten agents over fourteen months or more up to yesterday: reasons with a
skewed mix and seasonal swings (December is busy, deliveries run late), one store rising and
one falling, a handful of problem customers who turn up at several stores, open incidents
with follow-ups (some overdue), and training. The story to find: in March four agents whose
on-the-spot rate was about 50% took a de-escalation role-play; their rate jumps to about 80%
for two months, then fades back over the summer, while the other agents stay flat.

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

from incidentlog import names
from incidentlog.errors import Conflict
from incidentlog.periods import add_months, months_back
from incidentlog.storage.connection import Conn

DEMO_COLUMN = "demo"  # importing.DEMO_COLUMN, without importing the importer here

SEED = 2026
DAILY_INCIDENTS = 9.0  # on an average weekday of an average month
OPENING = dt.time(9, 0)
OPEN_MINUTES = 10 * 60

# Store, share of incidents at the start and at the end of the data (Harbour Mall grows,
# Station Road shrinks), and the agents working there with their share of its incidents.
STORES: tuple[tuple[str, float, float, tuple[tuple[str, float], ...]], ...] = (
    ("North Street", 0.33, 0.31, (("Jane", 0.40), ("Bob", 0.35), ("Priya", 0.25))),
    ("Harbour Mall", 0.22, 0.33, (("Tom", 0.40), ("Lucía", 0.35), ("Ahmed", 0.25))),
    ("Station Road", 0.28, 0.18, (("Sofia", 0.55), ("Chen", 0.30), ("Bob", 0.15))),
    ("Online Desk", 0.17, 0.18, (("Marek", 0.55), ("Grace", 0.45))),
)
# Each agent's usual on-the-spot rate. The four March trainees start lower.
BASE_RATE = {
    "Jane": 0.50,
    "Tom": 0.49,
    "Sofia": 0.51,
    "Marek": 0.50,
    "Bob": 0.62,
    "Priya": 0.58,
    "Lucía": 0.64,
    "Ahmed": 0.57,
    "Chen": 0.60,
    "Grace": 0.61,
}
TRAINED = ("Jane", "Tom", "Sofia", "Marek")
ROLEPLAY_TOPIC = "De-escalation role-play"
ROLEPLAY_DAY = (3, 10)  # 10 March
BOOST = 0.30  # added to the trainees' rate for two months, then fading

# Reason, share of incidents, and how much easier (+) or harder (−) it is to settle at once.
REASONS: tuple[tuple[str, float, float], ...] = (
    ("late delivery", 0.24, -0.08),
    ("billing error", 0.17, 0.05),
    ("damaged item", 0.13, 0.02),
    ("out of stock", 0.10, -0.05),
    ("wrong item", 0.09, 0.06),
    ("refund delay", 0.08, -0.10),
    ("rude staff", 0.06, 0.08),
    ("long queue", 0.05, 0.10),
    ("warranty claim", 0.04, -0.12),
    ("website error", 0.04, -0.04),
)
# Busy Christmas trade and January returns; a quieter late winter.
MONTH_VOLUME = (1.20, 0.85, 0.90, 0.95, 1.00, 1.05, 1.10, 1.05, 0.95, 1.00, 1.20, 1.45)
WEEKDAY_VOLUME = (1.0, 0.95, 0.95, 1.0, 1.1, 1.35, 0.6)
SEASONAL_REASONS = {
    12: {"late delivery": 1.8, "long queue": 1.6, "out of stock": 1.3},
    1: {"damaged item": 1.5, "refund delay": 1.5, "wrong item": 1.3},
    11: {"late delivery": 1.3, "out of stock": 1.2},
}

FIRST_NAMES = (
    "Ann Olivia Liam Noah Emma Ava Mia Lucas Ethan Chloe Ella Leo Oscar Isla Amelia Jack Harry "
    "George Freya Ivy Ruby Alfie Archie Evie Poppy Maya Zoe Nina Omar Yusuf Aisha Fatima Hana "
    "Kenji Mei Wei Raj Anil Sunita Deepa Kofi Ama Chidi Ngozi Pedro Inés José María Carmen Luis "
    "Sven Ingrid Lars Astrid Pierre Amélie Élodie François Matteo Giulia Sofía Mateo Tomasz Zofia "
    "Katarzyna Dmitri Olga Ayşe Emre Seán Niamh Siobhán Rhys Cerys Dylan Hamish Morag Björn"
).split()
LAST_NAMES = (
    "Lee Smith Jones Brown Taylor Wilson Davies Evans Thomas Johnson Roberts Walker Wright "
    "Robinson Thompson White Hughes Edwards Green Hall Wood Harris Martin Jackson Clarke Clark "
    "Turner Hill Scott Cooper Morris Ward Moore King Watson Baker Harrison Morgan Patel Young "
    "Allen Mitchell James Anderson Phillips Lewis Bell Nguyen Kowalski Novak García Fernández "
    "López Müller Schmidt Rossi Russo Dubois Lefèvre Andersson Johansson Nielsen O'Brien Murphy "
    "Kelly Byrne Okafor Mensah Haddad Yılmaz Kaur Singh Khan Ahmed Chen Wang Tanaka Sato Kim"
).split()
# The problem customers: (name, contact, incidents); they try every store and agent.
PROBLEM_CUSTOMERS = (
    ("Gordon Pike", "gordon.pike@example.net", 8),
    ("Marlene Oduya", "+44 7700 900141", 7),
    ("Victor Hale", "", 6),
    ("Brigitte Laurent", "b.laurent@example.org", 6),
    ("Dev Anand Rao", "+44 7700 900872", 5),
    ("Petra Szabó", "", 4),
)

DESCRIPTIONS = {
    "late delivery": (
        "Order {order} promised for {day} has not arrived; customer took a day off to wait in.",
        "Parcel {order} stuck at the courier depot for {n} days, tracking not updated.",
        "Second missed delivery slot for order {order}; customer angry about wasted time.",
    ),
    "billing error": (
        "Charged twice for order {order} ({amount}).",
        "Loyalty discount not applied at the till; overcharged {amount}.",
        "Invoice shows items that were never delivered (order {order}).",
    ),
    "damaged item": (
        "The {item} arrived with a cracked casing; box was crushed.",
        "Customer says the {item} stopped working after {n} days.",
        "Scratches on the {item} found at unpacking in the store.",
    ),
    "out of stock": (
        "Advertised {item} out of stock again; third visit this month.",
        "Website said the {item} was in stock at this store, shelf empty.",
    ),
    "wrong item": (
        "Received a {item} instead of the one ordered (order {order}).",
        "Wrong size {item} packed; customer needs it for the weekend.",
    ),
    "refund delay": (
        "Refund of {amount} for order {order} promised {n} days ago still not received.",
        "Returned the {item} a fortnight ago, no refund yet; customer threatens a chargeback.",
    ),
    "rude staff": (
        "Customer felt dismissed by a colleague at the counter and asked for the manager.",
        "Complaint about a curt phone call the day before.",
    ),
    "long queue": (
        "Waited {n} minutes at the till with only one checkout open.",
        "Queue for collections out of the door; customer left and came back angry.",
    ),
    "warranty claim": (
        "Warranty repair of the {item} refused because the receipt was lost.",
        "The {item} is back from repair with the same fault.",
    ),
    "website error": (
        "Checkout failed {n} times; card was charged once but no order confirmation.",
        "Discount code rejected online although valid until the end of the month.",
    ),
}
ON_THE_SPOT = {
    "late delivery": (
        "Apologised, re-booked delivery for the next morning and refunded the delivery fee.",
        "Arranged collection from the depot today and gave a voucher of {amount}.",
    ),
    "billing error": (
        "Refunded the duplicate charge of {amount} on the spot.",
        "Applied the discount and refunded the difference ({amount}) at the till.",
    ),
    "damaged item": (
        "Swapped the {item} for a new one from stock.",
        "Replacement {item} handed over and the damaged one taken back.",
    ),
    "out of stock": (
        "Reserved the {item} from another store and offered free delivery.",
        "Offered a comparable {item} at the same price; customer accepted.",
    ),
    "wrong item": (
        "Exchanged for the right {item} immediately and apologised.",
        "Courier booked to swap the {item} tomorrow; customer happy with a voucher of {amount}.",
    ),
    "refund delay": ("Pushed the refund through manually ({amount}) and showed the confirmation.",),
    "rude staff": (
        "Listened, apologised on behalf of the team and offered a voucher of {amount}.",
        "Manager apologised in person; customer accepted the apology.",
    ),
    "long queue": (
        "Apologised, opened a second till and gave a coffee voucher.",
        "Served the customer at the service desk right away.",
    ),
    "warranty claim": ("Found the purchase in the loyalty history and booked the repair.",),
    "website error": (
        "Placed the order by phone with the discount and cancelled the failed payment.",
        "Confirmed the order manually and sent the confirmation again.",
    ),
}
NEXT_STEP = (
    "Escalated to head office; will call the customer back.",
    "Asked the courier for proof of delivery; follow up when it arrives.",
    "Raised a ticket with finance for the refund of {amount}.",
    "Sent the {item} to the supplier for assessment; customer to be called.",
    "Waiting for the manager's decision on a goodwill gesture.",
)
LATER = (
    "Called back: refund of {amount} sent and confirmed by e-mail.",
    "Replacement {item} delivered; customer satisfied.",
    "Head office agreed a goodwill voucher of {amount}; customer accepted.",
    "Supplier confirmed the fault; repair done free of charge.",
    "Courier found the parcel; delivered with an apology letter.",
)
ITEMS = (
    "kettle",
    "vacuum cleaner",
    "phone case",
    "coffee machine",
    "headphones",
    "desk lamp",
    "toaster",
    "blender",
    "router",
    "winter jacket",
    "running shoes",
    "tablet",
)
TRAINERS = ("Maria Keller", "Head office")
NEW_MATERIAL_TOPICS = (
    "New product range",
    "Returns policy update",
    "Loyalty programme changes",
    "Payment terminal update",
    "New delivery partner",
)


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
    n_rows: int | None = None, *, seed: int = SEED, today: dt.date | None = None
) -> Iterator[dict[str, str]]:
    """The demo's incidents, oldest first, as CSV-ready dicts (the `export` columns).

    Deterministic for a seed and a today; `n_rows` spreads exactly that many incidents over
    the same months (default: about nine a day)."""
    from incidentlog.periods import today as current_day

    s = story(today or current_day())
    rng = random.Random(seed)
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
            yield _incident(rng, s, at, store, agent, reason, on_spot, name, contact, order)


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
    from incidentlog.periods import today as current_day

    s = story(today or current_day())
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
    from incidentlog.importing import Importer, rows_source
    from incidentlog.invocation import command
    from incidentlog.periods import today as current_day

    today = today or current_day()
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
            lambda: _marked(generate_incidents(seed=seed, today=today)),
            total=expected_volume(today),
        ),
        rows_source(
            "demo training",
            "training",
            lambda: _marked(generate_training(seed=seed, today=today)),
        ),
    ]
    importer = Importer(conn, sources, new_store=True, new_agent=True, progress=progress)
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


def _marked(rows: Iterable[dict[str, str]]) -> Iterator[dict[str, str]]:
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
