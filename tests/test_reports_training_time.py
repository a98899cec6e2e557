"""`report training-time`: role-play minutes per month, new material against review."""

from __future__ import annotations

import pytest

from tests.factories import add_training
from tests.helpers import Cli

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
    assert [(r["agent"], r["roleplay_minutes"]) for r in doc["rows"]] == [("Bob", 60), ("Jane", 60)]
    assert doc["rows"][0]["roleplay_minutes_per_month"] == pytest.approx(60 / (15 / 31))


def test_store_filter(cli: Cli, data: None) -> None:
    doc = cli("report", "training-time", "-p", "2026-Q1", "-s", "south", "--format", "json").json()
    rows = [{k: r[k] for k in KEYS} for r in doc["rows"]]
    assert rows == expected("2026-01-01", "2026-03-31", 3, store="South")


def test_table(cli: Cli, data: None) -> None:
    out = cli("report", "training-time", "-p", "2026-Q1").stdout
    assert "Training time per agent · Q1 2026" in out
    jane = next(line for line in out.splitlines() if line.strip().startswith("Jane"))
    assert jane.split()[1:] == ["90", "30", "90", "45", "2.0", ":", "1"]
    priya = next(line for line in out.splitlines() if line.strip().startswith("Priya"))
    assert "no review" in priya
    assert "minutes ÷ 3 months" in out
    assert "No training sessions in May 2026." in cli("report", "training-time").stdout
