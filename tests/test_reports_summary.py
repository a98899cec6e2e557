"""`summary`: the weekly summary cron mails (today is Wednesday 20 May 2026)."""

from __future__ import annotations

import pytest

from tests.helpers import Cli
from tests.reports_helpers import Row, between, rate, record

pytestmark = pytest.mark.backends

WEEK = ("2026-05-11", "2026-05-17")  # the last full week, ISO week 20
WEEK_BEFORE = ("2026-05-04", "2026-05-10")

ROWS = [
    # The week.
    Row("2026-05-11", "North", "Jane", "billing", "Ann Lee"),
    Row("2026-05-12", "North", "Jane", "billing", "Ben Fox"),
    Row("2026-05-13", "North", "Bob", "late delivery", "Cara Ng", "open", "2026-05-14"),
    Row("2026-05-14", "South", "Bob", "billing", "Dan Roe", "later"),
    Row("2026-05-15", "South", "Priya", "damaged item", "Zofia Demir"),
    # Resolved on 18 May, after the week: still open when the week was over.
    Row("2026-05-16", "South", "Priya", "late delivery", "Eve Poe", "later", "2026-05-17"),
    # The week before.
    *[Row(f"2026-05-0{d}", "North", customer=f"Walk In {d}") for d in range(4, 8)],
    Row("2026-05-08", "South", customer="Hal Ode", status="open"),
    Row("2026-05-09", "East", customer="Ida Ray"),
    Row("2026-05-10", "East", customer="Jo Kim"),
    # Earlier and later.
    Row("2026-04-20", "North", "Jane", "billing", "Gus Old", "open", "2026-04-25"),
    Row("2026-03-01", "North", "Jane", "billing", "Zofia Demir"),
    Row("2026-04-01", "East", "Tom", "billing", "Zofia Demir"),
    Row("2026-02-01", "North", "Jane", "billing", "Ann Lee"),
    Row("2026-05-19", "North", "Jane", "billing", "Kai Late", "open", "2026-05-19"),
]


@pytest.fixture
def data() -> dict[str, int]:
    ids = record(ROWS)
    return {r.customer: i for r, i in zip(ROWS, ids, strict=True)}


def expected_rows(rows: list[Row]) -> list[dict[str, object]]:
    week, before = between(rows, *WEEK), between(rows, *WEEK_BEFORE)
    found = []
    for store in sorted({r.store for r in week + before}):
        n = [r for r in week if r.store == store]
        spot = sum(r.on_spot for r in n)
        b = len([r for r in before if r.store == store])
        found.append(
            {
                "store": store,
                "incidents": len(n),
                "resolved_on_spot": spot,
                "rate": rate(spot, len(n)),
                "compare_incidents": b,
                "change": len(n) - b,
            }
        )
    return found


def test_json(cli: Cli, data: dict[str, int]) -> None:
    doc = cli("summary", "--format", "json").json()
    assert doc["report"] == "summary"
    assert doc["period"] == {"start": WEEK[0], "end": WEEK[1]}
    assert doc["compare"] == {"start": WEEK_BEFORE[0], "end": WEEK_BEFORE[1]}
    keys = ["store", "incidents", "resolved_on_spot", "rate", "compare_incidents", "change"]
    assert [{k: r[k] for k in keys} for r in doc["rows"]] == expected_rows(ROWS)
    totals = doc["totals"]
    assert (totals["incidents"], totals["resolved_on_spot"], totals["compare_incidents"]) == (
        6,
        3,
        7,
    )
    assert totals["change"] == -1 and totals["rate"] == 0.5
    assert doc["top_reasons"] == [
        {"reason": "billing", "incidents": 3},
        {"reason": "late delivery", "incidents": 2},
        {"reason": "damaged item", "incidents": 1},
    ]
    assert doc["overdue_follow_ups_count"] == 3
    assert [(o["id"], o["days_overdue"], o["store"]) for o in doc["overdue_follow_ups"]] == [
        (data["Gus Old"], 23, "North"),
        (data["Cara Ng"], 4, "North"),
        (data["Eve Poe"], 1, "South"),
    ]
    assert [(c["customer"], c["incidents"], c["stores"]) for c in doc["repeat_customers"]] == [
        ("Zofia Demir", 3, 3),
        ("Ann Lee", 2, 1),
    ]


def test_plain_text_for_cron(cli: Cli, data: dict[str, int]) -> None:
    lines = cli("summary").stdout.splitlines()
    assert lines[0] == "incidentlog weekly summary — week 20, 11–17 May 2026"
    assert lines[1] == "Incidents: 6 (week before: 7, −1). Resolved on the spot: 50%."
    assert lines[2] == "After the incident: no answer at a check-back; no remedy cost."
    assert [line.split() for line in lines[3:6]] == [
        ["East", "0", "(−2)", "on", "the", "spot", "—"],
        ["North", "3", "(−1)", "on", "the", "spot", "67%"],
        ["South", "3", "(+2)", "on", "the", "spot", "33%"],
    ]
    assert lines[6] == "Top reasons: billing 3, late delivery 2, damaged item 1."
    assert lines[7] == f"Overdue follow-ups: 3 (oldest #{data['Gus Old']}, 23 days, North)."
    assert lines[8] == (
        "Customers back again this week: Zofia Demir (3rd incident, 3 stores), "
        "Ann Lee (2nd incident, 1 store)."
    )
    assert "\x1b[" not in "\n".join(lines)


def test_another_week(cli: Cli, data: dict[str, int]) -> None:
    doc = cli("summary", "--week", "2026-W19", "--format", "json").json()
    assert doc["period"] == {"start": WEEK_BEFORE[0], "end": WEEK_BEFORE[1]}
    assert [(r["store"], r["incidents"], r["change"]) for r in doc["rows"]] == [
        ("East", 2, 2),
        ("North", 4, 4),
        ("South", 1, 1),
    ]
    # As of Monday 11 May only Gus Old's follow-up (25 April) had passed.
    assert [(o["id"], o["days_overdue"]) for o in doc["overdue_follow_ups"]] == [
        (data["Gus Old"], 16)
    ]
    assert doc["repeat_customers"] == []
    out = cli("summary", "-w", "2026-05-06").stdout
    assert out.startswith("incidentlog weekly summary — week 19, 4–10 May 2026")
    assert "Customers back again this week: none." in out


def test_csv_quiet_week_and_bad_week(cli: Cli) -> None:
    out = cli("summary").stdout
    assert "Incidents: 0 (week before: 0, 0)" in out
    assert "Overdue follow-ups: none." in out
    record([Row("2026-05-12")])
    assert cli("summary", "--format", "csv").stdout.splitlines()[1].startswith("North,1,1,1.0")
    assert "as a week" in cli.fails("summary", "--week", "2026-05", code=2).stderr


def test_csv_columns_do_not_depend_on_rows(cli: Cli) -> None:
    empty = cli("summary", "--format", "csv").stdout.splitlines()
    record([Row("2026-05-12")])
    full = cli("summary", "--format", "csv").stdout.splitlines()
    assert len(empty) == 1 and len(full) == 2 and empty[0] == full[0]
    assert full[0].startswith("store,incidents,resolved_on_spot,rate,")
    assert "compare_incidents" in full[0] and "change" in full[0]


def test_a_week_not_over_is_still_compared_with_the_whole_week_before(cli: Cli) -> None:
    # Today is Wednesday 20 May: this week is 18–24 May; the week before, 11–17 May, whole.
    record([Row("2026-05-11"), Row("2026-05-17"), Row("2026-05-18"), Row("2026-05-16")])
    doc = cli("summary", "--week", "this-week", "--format", "json").json()
    assert doc["period"] == {"start": "2026-05-18", "end": "2026-05-24"}
    assert doc["compare"] == {"start": "2026-05-11", "end": "2026-05-17"}
    assert [
        (r["store"], r["incidents"], r["compare_incidents"], r["change"]) for r in doc["rows"]
    ] == [("North", 1, 3, -2)]


def _check_back(incident_id: int, at: str, outcome: str) -> None:
    """A check-back as `incidentlog check` records it."""
    import datetime as dt

    from tests.factories import database

    with database().connect() as conn, conn.transaction():
        conn.run(
            "INSERT INTO incident_event (incident_id, kind, at, outcome, note, actor, created_at) "
            "VALUES (:id, 'check', :at, :outcome, '', 'tester@till', :at)",
            {"id": incident_id, "at": dt.datetime.fromisoformat(at), "outcome": outcome},
        )


def _cost(incident_id: int, cents: int) -> None:
    from tests.factories import database

    with database().connect() as conn, conn.transaction():
        conn.run(
            "UPDATE incident SET remedy = 'voucher', cost_cents = :cents WHERE id = :id",
            {"id": incident_id, "cents": cents},
        )


def test_satisfaction_and_remedy_cost_of_the_week(cli: Cli, data: dict[str, int]) -> None:
    # The week's incidents: Eve Poe satisfied, then not satisfied (latest counts: not);
    # Ben Fox satisfied; Cara Ng satisfied (on 19 May, after the week: still counts with
    # its incident); Dan Roe no answer (not in the rate). 2 satisfied of 3 who answered.
    _check_back(data["Eve Poe"], "2026-05-16 12:00", "satisfied")
    _check_back(data["Eve Poe"], "2026-05-17 10:00", "not-satisfied")
    _check_back(data["Ben Fox"], "2026-05-13 10:00", "satisfied")
    _check_back(data["Cara Ng"], "2026-05-19 10:00", "satisfied")
    _check_back(data["Dan Roe"], "2026-05-15 10:00", "no-answer")
    # Remedies: 12.50 + 7.25 in the week; the week before's 100.00 does not count.
    _cost(data["Ben Fox"], 1250)
    _cost(data["Dan Roe"], 725)
    _cost(data["Hal Ode"], 10000)
    # A check-back on an incident of the week before is not the week's.
    _check_back(data["Ida Ray"], "2026-05-12 10:00", "not-satisfied")
    totals = cli("summary", "--format", "json").json()["totals"]
    assert (totals["satisfied"], totals["not_satisfied"]) == (2, 1)
    assert totals["satisfaction_rate"] == pytest.approx(2 / 3)
    assert totals["remedy_cost"] == 19.75
    # The same figures as `report resolution` over the week.
    week = cli("report", "resolution", "--from", WEEK[0], "--to", WEEK[1], "--format", "json")
    assert week.json()["totals"]["satisfaction_rate"] == totals["satisfaction_rate"]
    assert week.json()["totals"]["remedy_cost"] == totals["remedy_cost"]
    line = (
        "After the incident: 67% satisfied (of 3 who answered a check-back); remedies cost 19.75."
    )
    lines = cli("summary").stdout.splitlines()
    assert lines[2] == line
    cli("config", "set", "currency", "EUR")
    html = cli("summary", "--format", "html").stdout
    assert "remedies cost EUR 19.75" in html and "67% satisfied" in html
    mail = cli("summary", "--to", "boss@example.com").stdout
    assert "remedies cost EUR 19.75" in mail.replace("=\n", "")
    # CSV keeps the store rows' columns only.
    header = cli("summary", "--format", "csv").stdout.splitlines()[0]
    assert "satisfaction_rate" not in header and "remedy_cost" not in header


def test_returning_customers_of_one_name_are_listed_in_the_order_they_were_first_seen(
    cli: Cli,
) -> None:
    # Two customers called Ann Lee (told apart by their contact), tied on incidents and
    # stores: the one recorded first comes first, on either database.
    for contact, agents in (
        ("+44 7700 900002", ("Jane", "Jane")),
        ("+44 7700 900001", ("Jane", "Omar")),
    ):
        for day, agent in zip(("2026-05-12 10:00", "2026-05-14 10:00"), agents, strict=True):
            cli.add("Ann Lee", contact=contact, at=day, agent=agent, new_agent=agent == "Omar")
    found = cli("summary", "--format", "json").json()["repeat_customers"]
    assert [(c["customer"], c["incidents"], c["agents"]) for c in found] == [
        ("Ann Lee", 2, 1),
        ("Ann Lee", 2, 2),
    ]
