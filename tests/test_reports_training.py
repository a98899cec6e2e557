"""`report training`: attendees against other agents, before and month by month after."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.factories import add_training
from tests.helpers import Cli
from tests.reports_helpers import Row, between, rate, record, wilson

pytestmark = pytest.mark.backends

ATTENDEES = ("Jane", "Bob")
OTHERS = ("Priya", "Tom")
# The session is on 10 March 2026; today is 20 May 2026.
WINDOWS = [
    ("before", "2026-01-10", "2026-03-09"),
    ("after-1", "2026-03-10", "2026-04-09"),
    ("after-2", "2026-04-10", "2026-05-09"),
    ("after-3", "2026-05-10", "2026-06-09"),
]


def cell(start: str, agents: tuple[str, str], incidents: int, on_spot: int) -> list[Row]:
    """`incidents` on consecutive days from `start`, the first `on_spot` resolved there."""
    first = dt.date.fromisoformat(start)
    return [
        Row(
            (first + dt.timedelta(days=n)).isoformat(),
            agent=agents[n % 2],
            status="spot" if n < on_spot else "open",
        )
        for n in range(incidents)
    ]


# (window start, attendees' incidents and on-the-spot, others' incidents and on-the-spot)
IMPROVED = [
    ("2026-01-10", (12, 4), (12, 6)),
    ("2026-03-10", (12, 12), (12, 6)),
    ("2026-04-10", (12, 11), (12, 6)),
    ("2026-05-10", (6, 3), (6, 3)),
]


def dataset(cells: list[tuple[str, tuple[int, int], tuple[int, int]]]) -> list[Row]:
    rows = []
    for start, trained, others in cells:
        rows += cell(start, ATTENDEES, *trained) + cell(start, OTHERS, *others)
    return rows


@pytest.fixture
def improved() -> tuple[int, list[Row]]:
    rows = dataset(IMPROVED) + [Row("2025-12-01", agent="Jane"), Row("2026-07-01", agent="Tom")]
    record(rows[:-1])  # nothing may be recorded in the future; the last is only a control
    session = add_training(
        topic="De-escalation", kind="roleplay", minutes=90, agents=list(ATTENDEES), on="2026-03-10"
    )
    return session, rows[:-1]


def test_windows_side_by_side(cli: Cli, improved: tuple[int, list[Row]]) -> None:
    session, rows = improved
    doc = cli("report", "training", str(session), "--format", "json").json()
    assert doc["report"] == "training"
    assert doc["period"] == {"start": "2026-01-10", "end": "2026-06-09"}
    assert doc["compare"] is None
    assert [(r["window"], r["start"], r["end"]) for r in doc["rows"]] == WINDOWS
    for found, (_name, start, end) in zip(doc["rows"], WINDOWS, strict=True):
        window = between(rows, start, end)
        trained = [r for r in window if r.agent in ATTENDEES]
        others = [r for r in window if r.agent not in ATTENDEES]
        t_spot, o_spot = sum(r.on_spot for r in trained), sum(r.on_spot for r in others)
        assert found["session"] == session
        assert found["trained_incidents"] == len(trained)
        assert found["trained_rate"] == rate(t_spot, len(trained))
        assert found["others_incidents"] == len(others)
        assert found["others_rate"] == rate(o_spot, len(others))
        low, high = wilson(t_spot, len(trained))
        assert (found["trained_rate_low"], found["trained_rate_high"]) == pytest.approx((low, high))
    before, after1, after2, after3 = doc["rows"]
    assert (before["trained_incidents"], before["trained_resolved_on_spot"]) == (12, 4)
    assert after1["effect"] == pytest.approx((12 / 12 - 4 / 12) - (6 / 12 - 6 / 12))
    assert after1["significant"] and after2["significant"] and not after3["significant"]
    assert after1["trained_significant"] and not after1["others_significant"]
    assert (after3["complete"], after3["started"]) == (False, True)
    assert before["effect"] is None


def test_verdict_improved_and_how_long(cli: Cli, improved: tuple[int, list[Row]]) -> None:
    session, _rows = improved
    doc = cli("report", "training", str(session), "--format", "json").json()
    verdict = doc["verdict"]
    assert verdict["verdict"] == "improved"
    assert verdict["lasted_until"] == "after-2"
    assert verdict["effect"] == pytest.approx(2 / 3)
    assert verdict["p_value"] < 0.05
    assert doc["sessions"][0]["attendees"] == ["Bob", "Jane"]
    assert doc["sessions"][0]["verdict"] == verdict
    out = cli("report", "training", str(session)).stdout
    assert "De-escalation (role-play) · #" in out and "10 Mar 2026" in out and "90 min" in out
    assert "2 attendees" in out
    before = next(line for line in out.splitlines() if line.strip().startswith("before"))
    assert "10 Jan–9 Mar" in before and "33%  of 12" in before
    after1 = next(line for line in out.splitlines() if line.strip().startswith("after-1"))
    assert "100%  of 12" in after1 and "▲" in after1 and "+67 pts" in after1
    assert "Verdict: improved — attendees +67 points while other agents moved ±0 (p < 0.01)" in out
    assert (
        "clear for two months, no longer by after-3: +17 points there (after-3 is still running)"
        in out
    )


def test_chart(cli: Cli, improved: tuple[int, list[Row]]) -> None:
    session, _rows = improved
    out = cli("report", "training", str(session), "--chart").stdout
    lines = out.splitlines()
    assert lines[0].startswith("De-escalation (role-play) · #")
    after1 = lines.index(next(line for line in lines if line.startswith("after-1")))
    assert "attendees" in lines[after1] and lines[after1].endswith("100% (76–100%) of 12")
    assert "others" in lines[after1 + 1] and lines[after1 + 1].endswith("of 12")
    assert "Verdict: improved" in out


def test_a_rise_for_everyone_is_not_credited_to_the_training(cli: Cli) -> None:
    # Attendees and the others both go from 3 of 10 to 8 of 10: the season, not the training.
    record(dataset([("2026-01-10", (10, 3), (10, 3)), ("2026-03-10", (10, 8), (10, 8))]))
    session = add_training(agents=list(ATTENDEES), on="2026-03-10")
    doc = cli("report", "training", str(session), "--after", "1", "--format", "json").json()
    after1 = doc["rows"][1]
    assert after1["trained_significant"]  # the attendees did improve...
    assert after1["effect"] == pytest.approx(0.0)  # ...but no more than everyone else
    assert doc["verdict"]["verdict"] == "no clear change"
    assert doc["verdict"]["text"].startswith(
        "no clear change — attendees +50 points, other agents +50"
    )


def test_topic_matches_several_sessions(cli: Cli) -> None:
    record(dataset([("2026-02-01", (2, 1), (2, 1))]))
    first = add_training(topic="De-escalation basics", agents=["Jane"], on="2026-02-10")
    second = add_training(topic="Advanced de-escalation", agents=["Bob"], on="2026-04-01")
    add_training(topic="Returns policy", kind="review", agents=["Jane"], on="2026-03-01")
    doc = cli(
        "report",
        "training",
        "--topic",
        "DE-ESCALATION",
        "--before",
        "1",
        "--after",
        "2",
        "--format",
        "json",
    ).json()
    assert [s["id"] for s in doc["sessions"]] == [first, second]
    assert [(r["session"], r["window"]) for r in doc["rows"]] == [
        (first, "before"),
        (first, "after-1"),
        (first, "after-2"),
        (second, "before"),
        (second, "after-1"),
        (second, "after-2"),
    ]
    assert "verdict" not in doc
    assert doc["rows"][0]["start"] == "2026-01-10"
    out = cli("report", "training", "--topic", "de-escalation").stdout
    assert "De-escalation basics" in out and "Advanced de-escalation" in out


def test_not_enough_data_and_future_windows(cli: Cli) -> None:
    session = add_training(agents=["Jane"], on="2026-05-18")
    doc = cli("report", "training", str(session), "--format", "json").json()
    assert doc["verdict"]["verdict"] == "not enough data"
    assert [r["started"] for r in doc["rows"]] == [True, True, False, False]
    assert "not yet" in cli("report", "training", str(session)).stdout


def test_bad_input(cli: Cli) -> None:
    session = add_training(agents=["Jane"], on="2026-03-10")
    assert "training list" in cli.fails("report", "training", code=2).stderr
    cli.fails("report", "training", "999", code=1)
    cli.fails("report", "training", "--topic", "juggling", code=1)
    cli.fails("report", "training", str(session), "--topic", "x", code=2)
    cli.fails("report", "training", str(session), "--before", "0", code=2)
    cli.fails("report", "training", str(session), "--after", "99", code=2)


# Few incidents a month: each month alone is within chance, the three together are not.
SMALL_MONTHS = [
    ("2026-01-10", (10, 3), (10, 5)),
    ("2026-03-10", (5, 4), (6, 3)),
    ("2026-04-10", (5, 4), (5, 2)),
    ("2026-05-10", (6, 5), (6, 3)),
]


def test_a_clear_effect_spread_over_small_months_is_pooled(cli: Cli) -> None:
    record(dataset(SMALL_MONTHS))
    session = add_training(agents=list(ATTENDEES), on="2026-03-10")
    doc = cli("report", "training", str(session), "--format", "json").json()
    after = doc["rows"][1:]
    assert not any(r["significant"] for r in after)
    assert [round(r["effect"] * 100) for r in after] == [50, 60, 53]
    verdict = doc["verdict"]
    assert verdict["verdict"] == "improved"
    assert verdict["lasted_until"] == "after-3" and verdict["lasted_months"] == 3
    pooled = verdict["pooled"]
    assert pooled["windows"] == ["after-1", "after-2", "after-3"]
    assert (pooled["trained_incidents"], pooled["others_incidents"]) == (16, 17)
    # Pooled by hand: attendees 13 of 16 after against 3 of 10 before, others 8 of 17
    # against 5 of 10.
    assert pooled["effect"] == pytest.approx((13 / 16 - 3 / 10) - (8 / 17 - 5 / 10))
    assert pooled["p_value"] < 0.05 and verdict["effect"] == pooled["effect"]
    text = verdict["text"]
    assert text.startswith(
        "improved — over after-1–after-3 taken together the attendees' change differs from "
        "the other agents' by +54 points (p = 0.044, months pooled)"
    )
    assert "after-1 alone (+50 points) is not enough to be sure" in text
    assert "still clear three months on" in text
    assert "each have too few incidents alone to be sure (5, 5 and 6 by attendees)" in text
    assert "no clear change" not in cli("report", "training", str(session)).stdout


def test_no_clear_change_says_why(cli: Cli) -> None:
    small = [("2026-01-10", (6, 2), (6, 3))] + [
        (start, (4, 3), (4, 2)) for start in ("2026-03-10", "2026-04-10", "2026-05-10")
    ]
    record(dataset(small))
    session = add_training(agents=list(ATTENDEES), on="2026-03-10")
    verdict = cli("report", "training", str(session), "--format", "json").json()["verdict"]
    assert verdict["verdict"] == "no clear change"
    assert verdict["text"] == (
        "no clear change — the attendees' change differed from the other agents' by +42 in "
        "after-1, +42 in after-2 and +42 in after-3 points; even pooled (12 incidents by "
        "attendees, 12 by other agents since the session) that is within what chance explains "
        f"(p = {verdict['pooled']['p_value']:.2f}); more incidents are needed to tell."
    )


def test_a_small_month_in_between_does_not_end_a_clear_effect(cli: Cli) -> None:
    cells = [
        ("2026-01-10", (12, 4), (12, 6)),
        ("2026-03-10", (12, 12), (12, 6)),
        ("2026-04-10", (3, 3), (3, 2)),
        ("2026-05-10", (11, 11), (11, 5)),
    ]
    record(dataset(cells))
    session = add_training(agents=list(ATTENDEES), on="2026-03-10")
    doc = cli("report", "training", str(session), "--format", "json").json()
    assert [r["significant"] for r in doc["rows"][1:]] == [True, False, True]
    verdict = doc["verdict"]
    assert verdict["verdict"] == "improved" and verdict["lasted_until"] == "after-3"
    assert (
        "still clear three months on; after-2 alone has too few incidents to be sure "
        in (verdict["text"])
    )
    assert "(3 by attendees) but points the same way" in verdict["text"]
    assert verdict["text"].endswith("(after-3 is still running).")


def test_missing_evidence_is_named(cli: Cli) -> None:
    # Only the attendees had incidents after the session, and only in its first month:
    # there is nothing to compare their change with.
    record(cell("2026-01-10", ATTENDEES, 6, 2) + cell("2026-01-10", OTHERS, 6, 3))
    record(cell("2026-03-10", ATTENDEES, 6, 6))
    session = add_training(agents=list(ATTENDEES), on="2026-03-10")
    verdict = cli("report", "training", str(session), "--format", "json").json()["verdict"]
    assert verdict["verdict"] == "not enough data"
    assert verdict["text"] == (
        "not enough data — the attendees had none in after-2 and after-3; "
        "the other agents had none in after-1, after-2 and after-3."
    )
