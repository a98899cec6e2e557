"""`report training-time`: role-play minutes per month, new material against review."""

from __future__ import annotations

import pytest

from tests.factories import add_training
from tests.helpers import Cli
from tests.reports_helpers import Row, record

pytestmark = pytest.mark.backends

# (day, kind, minutes, attendees, store)
SESSIONS = [
    ("2026-01-15", "roleplay", 60, ["Jane", "Bob"], None),
    ("2026-02-10", "roleplay", 30, ["Jane"], None),
    ("2026-02-20", "new-material", 90, ["Jane", "Priya"], None),
    ("2026-03-05", "review", 45, ["Jane", "Bob"], None),
    ("2026-03-25", "new-material", 30, ["Bob"], "South"),
    ("2026-04-02", "roleplay", 60, ["Jane"], None),  # after the quarter
    ("2025-12-31", "review", 60, ["Bob"], None),  # before it
]


@pytest.fixture
def data() -> None:
    for day, kind, minutes, agents, store in SESSIONS:
        add_training(
            topic=f"{kind} {day}", kind=kind, minutes=minutes, agents=agents, on=day, store=store
        )


def expected(start: str, end: str, months: float, store: str | None = None) -> list[dict]:
    """The spec's row keys, summed straight from SESSIONS."""
    rows: dict[str, dict] = {}
    for day, kind, minutes, agents, where in SESSIONS:
        if not start <= day <= end or (store and where != store):
            continue
        for agent in agents:
            row = rows.setdefault(agent, {"roleplay": 0, "new-material": 0, "review": 0})
            row[kind] += minutes
    return [
        {
            "agent": agent,
            "roleplay_minutes": m["roleplay"],
            "new_material_minutes": m["new-material"],
            "review_minutes": m["review"],
            "roleplay_minutes_per_month": m["roleplay"] / months,
            "new_to_review_ratio": m["new-material"] / m["review"] if m["review"] else None,
        }
        for agent, m in sorted(rows.items())
    ]


KEYS = [
    "agent",
    "roleplay_minutes",
    "new_material_minutes",
    "review_minutes",
    "roleplay_minutes_per_month",
    "new_to_review_ratio",
]


def test_a_quarter(cli: Cli, data: None) -> None:
    doc = cli("report", "training-time", "-p", "2026-Q1", "--format", "json").json()
    assert doc["report"] == "training-time"
    assert doc["period"] == {"start": "2026-01-01", "end": "2026-03-31"}
    rows = [{k: r[k] for k in KEYS} for r in doc["rows"]]
    assert rows == expected("2026-01-01", "2026-03-31", 3)
    assert "months" not in doc["rows"][0]
    # By hand: Jane 60 + 30 role-play over 3 months, 90 new against 45 review.
    bob, jane, priya = doc["rows"]
    assert (jane["roleplay_minutes_per_month"], jane["new_to_review_ratio"]) == (30.0, 2.0)
    assert bob["new_to_review_ratio"] == pytest.approx(30 / 45)
    assert priya["new_to_review_ratio"] is None
    assert jane["roleplay_by_month"] == {"2026-01": 60, "2026-02": 30}
    assert doc["totals"]["roleplay_minutes"] == 150


def test_partial_months_count_by_their_days(cli: Cli, data: None) -> None:
    doc = cli(
        "report", "training-time", "--from", "2026-01-01", "--to", "2026-01-15", "--format", "json"
    ).json()
    assert [(r["agent"], r["roleplay_minutes"]) for r in doc["rows"]] == [
        ("Bob", 60),
        ("Jane", 60),
        ("Priya", 0),
    ]
    assert doc["rows"][0]["roleplay_minutes_per_month"] == pytest.approx(60 / (15 / 31))
    # 1–15 March is 15/31 of a month: 60 minutes in it are about 124 a month, not 60.
    add_training(topic="drill", kind="roleplay", minutes=60, agents=["Jane"], on="2026-03-10")
    doc = cli(
        "report", "training-time", "--from", "2026-03-01", "--to", "2026-03-15", "--format", "json"
    ).json()
    jane = next(r for r in doc["rows"] if r["agent"] == "Jane")
    assert jane["roleplay_minutes_per_month"] == pytest.approx(60 * 31 / 15)
    out = cli("report", "training-time", "--from", "2026-03-01", "--to", "2026-03-15").stdout
    assert "minutes ÷ 0.484 months" in out
    assert next(line for line in out.splitlines() if "Jane" in line).split()[1:3] == ["60", "124"]


def test_store_filter(cli: Cli, data: None) -> None:
    doc = cli("report", "training-time", "-p", "2026-Q1", "-s", "south", "--format", "json").json()
    rows = [{k: r[k] for k in KEYS} for r in doc["rows"]]
    assert rows == expected("2026-01-01", "2026-03-31", 3, store="South")
    # An agent who works at South but had no training there is listed, with zeros.
    record([Row("2026-02-03", store="South", agent="Omar")])
    doc = cli("report", "training-time", "-p", "2026-Q1", "-s", "south", "--format", "json").json()
    assert [
        (r["agent"], r["roleplay_minutes"], r["new_material_minutes"]) for r in doc["rows"]
    ] == [
        ("Bob", 0, 30),
        ("Omar", 0, 0),
    ]


def test_table(cli: Cli, data: None) -> None:
    out = cli("report", "training-time", "-p", "2026-Q1").stdout
    assert "Training time per agent · Q1 2026" in out
    jane = next(line for line in out.splitlines() if line.strip().startswith("Jane"))
    assert jane.split()[1:] == ["90", "30", "90", "45", "2.0", ":", "1"]
    priya = next(line for line in out.splitlines() if line.strip().startswith("Priya"))
    assert "no review" in priya
    assert "minutes ÷ 3 months" in out
    # No session in May: every agent with zeros, so that nobody untrained goes unseen.
    may = cli("report", "training-time").stdout
    assert [
        line.split()[:2] for line in may.splitlines() if line.strip().startswith(("Bob", "Jane"))
    ] == [
        ["Bob", "0"],
        ["Jane", "0"],
    ]


def test_agents_without_training_are_listed_with_zeros(cli: Cli, data: None) -> None:
    record([Row("2026-02-03", agent="Omar")])
    doc = cli("report", "training-time", "-p", "2026-Q1", "--format", "json").json()
    omar = next(r for r in doc["rows"] if r["agent"] == "Omar")
    assert {k: omar[k] for k in KEYS} == {
        "agent": "Omar",
        "roleplay_minutes": 0,
        "new_material_minutes": 0,
        "review_minutes": 0,
        "roleplay_minutes_per_month": 0.0,
        "new_to_review_ratio": None,
    }
    assert [r["agent"] for r in doc["rows"]] == ["Bob", "Jane", "Omar", "Priya"]
    assert doc["totals"]["roleplay_minutes"] == 150


def test_month_by_month(cli: Cli, data: None) -> None:
    doc = cli("report", "training-time", "-p", "2026-Q1", "--by-month", "--format", "json").json()
    assert doc["months"] == ["2026-01", "2026-02", "2026-03"]
    jane = next(r for r in doc["rows"] if r["agent"] == "Jane")
    assert jane["months"] == {
        "2026-01": {"roleplay_minutes": 60, "new_material_minutes": 0, "review_minutes": 0},
        "2026-02": {"roleplay_minutes": 30, "new_material_minutes": 90, "review_minutes": 0},
        "2026-03": {"roleplay_minutes": 0, "new_material_minutes": 0, "review_minutes": 45},
    }
    assert doc["totals"]["months"]["2026-01"]["roleplay_minutes"] == 120
    out = cli("report", "training-time", "-p", "2026-Q1", "--by-month").stdout
    assert "role-play by month" in out
    header = next(line for line in out.splitlines() if "Agent" in line)
    assert header.split() == ["Agent", "Jan", "Feb", "Mar", "Total"]
    jane_line = next(line for line in out.splitlines() if line.strip().startswith("Jane"))
    assert jane_line.split() == ["Jane", "60", "30", "0", "90"]
    total = next(line for line in out.splitlines() if "All agents" in line)
    assert total.split() == ["All", "agents", "120", "30", "0", "150"]
    out = cli("report", "training-time", "--from", "2026-01-10", "--to", "2026-03-31", "--by-month")
    assert "that month counts only the days inside the period" in out.stdout
    error = cli.fails("report", "training-time", "--to", "2026-03-31", "--by-month", code=2)
    assert "at most 120 months" in error.stderr


def test_csv_has_no_structure_in_a_cell_and_fixed_columns(cli: Cli, data: None) -> None:
    lines = cli(
        "report", "training-time", "-p", "2026-Q1", "--by-month", "--format", "csv"
    ).stdout.splitlines()
    header = lines[0].split(",")
    assert header[:7] == [
        "agent",
        "roleplay_minutes",
        "new_material_minutes",
        "review_minutes",
        "roleplay_minutes_per_month",
        "new_to_review_ratio",
        "sessions",
    ]
    assert "roleplay_minutes_2026-02" in header and "review_minutes_2026-03" in header
    assert "roleplay_by_month" not in header and "months" not in header
    jane = dict(zip(header, lines[2].split(","), strict=True))
    assert jane["agent"] == "Jane"
    assert (jane["roleplay_minutes_2026-01"], jane["new_material_minutes_2026-02"]) == ("60", "90")
    assert not any(c in lines[2] for c in "{}[]")
    plain = cli("report", "training-time", "-p", "2026-Q1", "--format", "csv").stdout.splitlines()
    assert not any(c in "".join(plain) for c in "{}[]")
    assert plain[0] == (
        "agent,roleplay_minutes,new_material_minutes,review_minutes,"
        "roleplay_minutes_per_month,new_to_review_ratio,sessions"
    )


def test_csv_columns_without_any_agent(cli: Cli) -> None:
    empty = cli("report", "training-time", "-p", "2026-Q1", "--by-month", "--format", "csv").stdout
    assert empty.splitlines() == [
        "agent,roleplay_minutes,new_material_minutes,review_minutes,"
        "roleplay_minutes_per_month,new_to_review_ratio,sessions,"
        + ",".join(
            f"{kind}_minutes_{month}"
            for month in ("2026-01", "2026-02", "2026-03")
            for kind in ("roleplay", "new_material", "review")
        )
    ]
    assert "No agents yet" in cli("report", "training-time").stdout
