"""`report resolution`: after the incident — days to resolve, follow-ups kept, check-backs,
satisfaction and remedy cost (today is Wednesday 20 May 2026).

The figures of the hand-built April below are worked out by hand in the comments; the test
checks the report against those numbers, never against the report's own code.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.factories import database
from tests.helpers import Cli

pytestmark = pytest.mark.backends

APRIL = ("2026-04-01", "2026-04-30")


def add(
    cli: Cli, customer: str, store: str, at: str, follow_up: str | None = None, **options: Any
) -> int:
    """An incident through the real `add` (unresolved unless `resolved=True`).

    `add` refuses a follow-up date in the past, so an April one is set as it was then."""
    options.setdefault("resolved", False)
    incident_id = cli.add(customer, store=store, at=at, new_store=True, **options)
    if follow_up is not None:
        with database().connect() as conn, conn.transaction():
            conn.run(
                "UPDATE incident SET follow_up = :day WHERE id = :id",
                {"id": incident_id, "day": dt.date.fromisoformat(follow_up)},
            )
    return incident_id


def check(incident_id: int, at: str, outcome: str) -> None:
    """A check-back, written as `incidentlog check` writes it."""
    when = dt.datetime.fromisoformat(at)
    with database().connect() as conn, conn.transaction():
        conn.run(
            "INSERT INTO incident_event (incident_id, kind, at, outcome, note, actor, created_at) "
            "VALUES (:id, 'check', :at, :outcome, '', 'tester@till', :at)",
            {"id": incident_id, "at": when, "outcome": outcome},
        )


def remedy(incident_id: int, remedy: str, cents: int, severity: str = "medium") -> None:
    with database().connect() as conn, conn.transaction():
        conn.run(
            "UPDATE incident SET remedy = :remedy, cost_cents = :cents, severity = :severity "
            "WHERE id = :id",
            {"id": incident_id, "remedy": remedy, "cents": cents, "severity": severity},
        )


@pytest.fixture
def april(cli: Cli) -> dict[str, int]:
    """Eleven April incidents at North and South, and one in March that must not count."""
    ids: dict[str, int] = {}
    # North
    # n1: 1 Apr 09:00, resolved 2 Apr 09:00 = 1.0 day; follow-up 3 Apr: resolved in time.
    ids["n1"] = add(cli, "Nia One", "North", "2026-04-01 09:00", follow_up="2026-04-03")
    cli("resolve", str(ids["n1"]), "--resolution", "replaced", "--at", "2026-04-02 09:00")
    # n2: 3 Apr 10:00, resolved 6 Apr 22:00 = 3.5 days; follow-up 5 Apr: resolved late, but
    # checked back on 5 Apr (not satisfied) — in time; checked again on 8 Apr: satisfied.
    ids["n2"] = add(cli, "Nat Two", "North", "2026-04-03 10:00", follow_up="2026-04-05")
    cli("resolve", str(ids["n2"]), "--resolution", "refund", "--at", "2026-04-06 22:00")
    check(ids["n2"], "2026-04-05 11:00", "not-satisfied")
    check(ids["n2"], "2026-04-08 15:00", "satisfied")
    # n3: 6 Apr 08:00, resolved 8 Apr 08:00 = 2.0 days; follow-up 7 Apr: late, and its one
    # check-back (9 Apr, no answer) is late too.
    ids["n3"] = add(cli, "Ned Three", "North", "2026-04-06 08:00", follow_up="2026-04-07")
    cli("resolve", str(ids["n3"]), "--resolution", "repaired", "--at", "2026-04-08 08:00")
    check(ids["n3"], "2026-04-09 10:00", "no-answer")
    # n4: 10 Apr, resolved 20 Apr (10 days) and reopened today: open again, so neither in
    # the days to resolve nor in time for its follow-up of 15 Apr.
    ids["n4"] = add(cli, "Nell Four", "North", "2026-04-10 12:00", follow_up="2026-04-15")
    cli("resolve", str(ids["n4"]), "--resolution", "voucher", "--at", "2026-04-20 12:00")
    cli("reopen", str(ids["n4"]), "--note", "voucher never arrived")
    # n5: on the spot on 12 Apr, follow-up 14 Apr: resolved in time (on the spot). The
    # check-back says not satisfied. Voucher 20.00.
    ids["n5"] = add(
        cli, "Noa Five", "North", "2026-04-12 10:00", resolved=True, follow_up="2026-04-14"
    )
    check(ids["n5"], "2026-04-14 09:00", "not-satisfied")
    remedy(ids["n5"], "voucher", 2000)
    # n6: on the spot on 20 Apr, no follow-up; satisfied on 21 Apr, then no answer on 25
    # Apr: counted once, by the latest (no answer). Refund 15.50.
    ids["n6"] = add(cli, "Nora Six", "North", "2026-04-20 10:00", resolved=True)
    check(ids["n6"], "2026-04-21 10:00", "satisfied")
    check(ids["n6"], "2026-04-25 10:00", "no-answer")
    remedy(ids["n6"], "refund", 1550)
    # n7: still open; follow-up 30 Apr, nobody called.
    ids["n7"] = add(cli, "Nils Seven", "North", "2026-04-28 10:00", follow_up="2026-04-30")
    # South
    # s1: 2 Apr 10:00, resolved 3 Apr 16:00 = 1.25 days; satisfied. Apology, 0.10.
    ids["s1"] = add(cli, "Sam One", "South", "2026-04-02 10:00")
    cli("resolve", str(ids["s1"]), "--resolution", "sorted", "--at", "2026-04-03 16:00")
    check(ids["s1"], "2026-04-04 10:00", "satisfied")
    remedy(ids["s1"], "apology", 10, "low")
    # s2: 5 Apr 10:00, resolved 5 Apr 22:00 = 0.5 days; satisfied.
    ids["s2"] = add(cli, "Sue Two", "South", "2026-04-05 10:00")
    cli("resolve", str(ids["s2"]), "--resolution", "sorted", "--at", "2026-04-05 22:00")
    check(ids["s2"], "2026-04-06 10:00", "satisfied")
    # s3: 7 Apr 10:00, resolved 13 Apr 10:00 = 6.0 days; not satisfied, said on 2 May (a
    # later event counts with its April incident).
    ids["s3"] = add(cli, "Sid Three", "South", "2026-04-07 10:00")
    cli("resolve", str(ids["s3"]), "--resolution", "sorted", "--at", "2026-04-13 10:00")
    check(ids["s3"], "2026-05-02 10:00", "not-satisfied")
    # s4: 8 Apr 10:00, resolved 16 Apr 10:00 = 8.0 days; replacement 99.99, high.
    ids["s4"] = add(cli, "Sol Four", "South", "2026-04-08 10:00")
    cli("resolve", str(ids["s4"]), "--resolution", "sorted", "--at", "2026-04-16 10:00")
    remedy(ids["s4"], "replacement", 9999, "high")
    # March, outside the period: 60 days to resolve, a refund and a check-back that must
    # change nothing in April.
    ids["march"] = add(cli, "Old March", "North", "2026-03-01 10:00")
    cli("resolve", str(ids["march"]), "--resolution", "late", "--at", "2026-04-30 10:00")
    check(ids["march"], "2026-04-30 12:00", "satisfied")
    remedy(ids["march"], "refund", 50000)
    return ids


def test_hand_worked_april(cli: Cli, april: dict[str, int]) -> None:
    doc = cli("report", "resolution", "--period", "2026-04", "--format", "json").json()
    assert doc["report"] == "resolution"
    assert doc["period"] == {"start": APRIL[0], "end": APRIL[1]}
    assert doc["compare"] is None and doc["partial"] is None
    north, south = doc["rows"]
    assert north["store"] == "North" and south["store"] == "South"
    # North: 7 incidents; on the spot n5, n6; resolved later n1, n2, n3; open n4, n7.
    assert (north["incidents"], north["resolved_on_spot"]) == (7, 2)
    assert (north["resolved_later"], north["open"], north["reopened"]) == (3, 2, 1)
    # Days [1.0, 2.0, 3.5]: median the middle one, 2.0; p90 at rank 0.9 × (3 − 1) = 1.8,
    # 2.0 + 0.8 × (3.5 − 2.0) = 3.2.
    assert north["median_days_to_resolve"] == pytest.approx(2.0)
    assert north["p90_days_to_resolve"] == pytest.approx(3.2)
    # Follow-ups: n1, n2, n3, n4, n5, n7 = 6; in time: n1 (resolved), n2 (checked back),
    # n5 (on the spot) = 3.
    assert (north["follow_ups_due"], north["follow_ups_on_time"]) == (6, 3)
    # Checked back: n2, n3, n5, n6 = 4; latest: n2 satisfied, n3 no answer, n5 not
    # satisfied, n6 no answer → 1 satisfied, 1 not, 2 no answer; rate 1 ÷ (1 + 1) = 0.5.
    assert north["checked"] == 4
    assert (north["satisfied"], north["not_satisfied"], north["no_answer"]) == (1, 1, 2)
    assert north["satisfaction_rate"] == pytest.approx(0.5)
    assert 0 < north["satisfaction_rate_low"] < 0.5 < north["satisfaction_rate_high"] < 1
    # Remedies 20.00 + 15.50 = 35.50 over 7 incidents.
    assert north["remedy_cost"] == 35.5
    assert north["cost_per_incident"] == pytest.approx(35.5 / 7)

    # South: 4 incidents, all resolved later: days [0.5, 1.25, 6.0, 8.0]. Median at rank
    # 1.5: 1.25 + 0.5 × (6.0 − 1.25) = 3.625; p90 at rank 2.7: 6.0 + 0.7 × 2.0 = 7.4.
    assert (south["incidents"], south["resolved_on_spot"], south["resolved_later"]) == (4, 0, 4)
    assert (south["open"], south["reopened"]) == (0, 0)
    assert south["median_days_to_resolve"] == pytest.approx(3.625)
    assert south["p90_days_to_resolve"] == pytest.approx(7.4)
    assert (south["follow_ups_due"], south["follow_ups_on_time"]) == (0, 0)
    # s1, s2 satisfied, s3 not (on 2 May): 2 ÷ 3.
    assert (south["checked"], south["satisfied"], south["not_satisfied"]) == (3, 2, 1)
    assert south["no_answer"] == 0
    assert south["satisfaction_rate"] == pytest.approx(2 / 3)
    # 0.10 + 99.99 = 100.09, exact to the cent.
    assert south["remedy_cost"] == 100.09
    assert south["cost_per_incident"] == pytest.approx(100.09 / 4)

    totals = doc["totals"]
    assert totals["store"] == "All stores"
    assert (totals["incidents"], totals["resolved_later"], totals["open"]) == (11, 7, 2)
    # All seven days [0.5, 1.0, 1.25, 2.0, 3.5, 6.0, 8.0]: median the 4th, 2.0 (not the
    # mean of the stores' medians); p90 at rank 5.4: 6.0 + 0.4 × 2.0 = 6.8. March's 60 days
    # are not among them.
    assert totals["median_days_to_resolve"] == pytest.approx(2.0)
    assert totals["p90_days_to_resolve"] == pytest.approx(6.8)
    assert (totals["follow_ups_due"], totals["follow_ups_on_time"]) == (6, 3)
    # 3 satisfied, 2 not: 0.6.
    assert (totals["checked"], totals["satisfied"], totals["not_satisfied"]) == (7, 3, 2)
    assert totals["satisfaction_rate"] == pytest.approx(0.6)
    # 35.50 + 100.09 = 135.59 (March's 500.00 is not in it).
    assert totals["remedy_cost"] == 135.59
    assert totals["cost_per_incident"] == pytest.approx(135.59 / 11)


def test_by_agent_and_reason_and_store_filter(cli: Cli, april: dict[str, int]) -> None:
    cli.add(
        "Ava Bob",
        agent="Bob",
        new_agent=True,
        reason="late delivery",
        new_reason=True,
        resolved=False,
        at="2026-04-15 10:00",
    )
    by_agent = cli("report", "resolution", "-p", "2026-04", "--by", "agent", "--format", "json")
    rows = {r["agent"]: r for r in by_agent.json()["rows"]}
    assert set(rows) == {"Bob", "Jane"}
    assert rows["Bob"]["incidents"] == 1 and rows["Bob"]["open"] == 1
    assert rows["Jane"]["incidents"] == 11 and rows["Jane"]["satisfaction_rate"] == 0.6
    assert by_agent.json()["totals"]["agent"] == "All agents"
    by_reason = cli(
        "report", "resolution", "-p", "2026-04", "--by", "reason", "--format", "json"
    ).json()
    assert [(r["reason"], r["incidents"]) for r in by_reason["rows"]] == [
        ("billing", 11),
        ("late delivery", 1),
    ]
    south = cli(
        "report",
        "resolution",
        "-p",
        "2026-04",
        "--by",
        "agent",
        "--store",
        "south",
        "--format",
        "json",
    ).json()
    assert [(r["agent"], r["incidents"], r["remedy_cost"]) for r in south["rows"]] == [
        ("Jane", 4, 100.09)
    ]


def test_table_html_and_chart(cli: Cli, april: dict[str, int]) -> None:
    out = cli("report", "resolution", "-p", "2026-04").stdout
    assert "After the incident per store · April 2026" in out
    north = next(line for line in out.splitlines() if line.strip().startswith("North"))
    assert "2.0" in north and "3.2" in north and "3 of 6" in north and "35.50" in north
    assert "50%" in north
    cli("config", "set", "currency", "EUR")
    html = cli("report", "resolution", "-p", "2026-04", "--format", "html").stdout
    assert html.startswith("<!DOCTYPE html>") and "<script" not in html
    assert "Remedy<br>cost, EUR" in html and "100.09" in html and "3.6" in html
    chart = cli("report", "resolution", "-p", "2026-04", "--chart").stdout
    assert "North" in chart and "South" in chart
    assert "50%" in chart and "of 2 answered" in chart
    assert "median 3.6 · 90% within 7.4" in chart


def test_compare_like_for_like(cli: Cli) -> None:
    # 1–20 May (today 20 May) against 1–20 April; 21–30 April is shown only as the whole.
    a = add(cli, "Ann May", "North", "2026-05-04 10:00")
    cli("resolve", str(a), "--resolution", "ok", "--at", "2026-05-05 10:00")  # 1 day
    check(a, "2026-05-06 10:00", "satisfied")
    remedy(a, "voucher", 1000)
    b = add(cli, "Bea April", "North", "2026-04-06 10:00")
    cli("resolve", str(b), "--resolution", "ok", "--at", "2026-04-09 10:00")  # 3 days
    check(b, "2026-04-10 10:00", "not-satisfied")
    c = add(cli, "Cal Late April", "North", "2026-04-25 10:00")
    check(c, "2026-04-26 10:00", "satisfied")
    remedy(c, "refund", 4000)
    doc = cli("report", "resolution", "--compare", "last-month", "--format", "json").json()
    assert doc["partial"] == {"through": "2026-05-20", "days": 20, "of": 31}
    assert doc["compare"] == {"start": "2026-04-01", "end": "2026-04-30"}
    (north,) = doc["rows"]
    # The whole of April: b and c; its first 20 days: b alone.
    assert (north["compare_incidents"], north["compare_to_date_incidents"]) == (2, 1)
    assert north["compare_satisfaction_rate"] == 0.5  # b not, c satisfied
    assert north["compare_to_date_satisfaction_rate"] == 0.0
    assert north["compare_remedy_cost"] == 40.0 and north["compare_to_date_remedy_cost"] == 0.0
    assert north["compare_median_days_to_resolve"] == pytest.approx(3.0)
    # Changes like for like: 1 − 1 incidents; satisfaction 1.0 − 0.0; 1 − 3 days; 10 − 0.
    assert (north["change"], north["trend"]) == (0, "flat")
    assert north["satisfaction_rate_change"] == 1.0
    assert north["satisfaction_rate_significant"] is False  # one answer each: no evidence
    assert north["median_days_change"] == pytest.approx(-2.0)
    assert north["remedy_cost_change"] == 10.0
    out = cli("report", "resolution", "--compare", "last-month").stdout
    assert "1–20 May compared with 1–20 Apr" in out
    assert "vs 3.0" in out and "vs 0%" in out


def test_a_significant_change_is_marked(cli: Cli) -> None:
    # March 2026: 12 of 12 answered satisfied; April: 0 of 12. Both months are over.
    for n in range(12):
        m = add(cli, f"Mar {n}", "North", f"2026-03-{n + 1:02d} 10:00")
        check(m, f"2026-03-{n + 1:02d} 18:00", "satisfied")
        a = add(cli, f"Apr {n}", "North", f"2026-04-{n + 1:02d} 10:00")
        check(a, f"2026-04-{n + 1:02d} 18:00", "not-satisfied")
    doc = cli(
        "report", "resolution", "-p", "2026-04", "--compare", "2026-03", "--format", "json"
    ).json()
    assert doc["partial"] is None
    (north,) = doc["rows"]
    assert north["compare_to_date_incidents"] is None
    assert (north["satisfaction_rate"], north["compare_satisfaction_rate"]) == (0.0, 1.0)
    assert north["satisfaction_rate_significant"] is True
    out = cli("report", "resolution", "-p", "2026-04", "--compare", "2026-03").stdout
    north_line = next(line for line in out.splitlines() if line.strip().startswith("North"))
    assert "0%" in north_line and "▼" in north_line


def test_same_columns_with_no_rows(cli: Cli, april: dict[str, int]) -> None:
    full = cli("report", "resolution", "-p", "2026-04", "--format", "csv").stdout.splitlines()
    empty = cli("report", "resolution", "-p", "2025-01", "--format", "csv").stdout.splitlines()
    assert empty == [full[0]]
    header = full[0].split(",")
    for key in (
        "store", "incidents", "resolved_on_spot", "resolved_later", "open",
        "median_days_to_resolve", "p90_days_to_resolve", "reopened", "follow_ups_due",
        "follow_ups_on_time", "checked", "satisfied", "not_satisfied", "no_answer",
        "satisfaction_rate", "remedy_cost", "cost_per_incident",
    ):  # fmt: skip
        assert key in header
    doc = cli("report", "resolution", "-p", "2025-01", "--format", "json").json()
    assert doc["rows"] == [] and doc["totals"]["incidents"] == 0
    assert doc["totals"]["satisfaction_rate"] is None
    assert doc["totals"]["median_days_to_resolve"] is None
    assert doc["totals"]["cost_per_incident"] is None
    assert "No incidents in January 2025." in cli("report", "resolution", "-p", "2025-01").stdout


def test_bad_input(cli: Cli, april: dict[str, int]) -> None:
    bad = cli.fails("report", "resolution", "--by", "customer", code=2)
    assert bad.stderr.strip().count("\n") == 0 and "--by" in bad.stderr
    assert bad.stdout == ""
    unknown = cli.fails("report", "resolution", "--store", "Nowhere", code=1)
    assert "Nowhere" in unknown.stderr
    cli.fails("report", "resolution", "--compare", "someday", code=2)


@pytest.mark.parametrize("compare", [None, "2026-03", "last-month"])
def test_fits_80_and_120_columns(
    cli: Cli, april: dict[str, int], monkeypatch: pytest.MonkeyPatch, compare: str | None
) -> None:
    from tests.views_helpers import LONG_STORE, check_holds

    add(cli, "Long Name", LONG_STORE, "2026-04-21 10:00", follow_up="2026-04-22")
    add(cli, "Long Name", LONG_STORE, "2026-05-11 10:00")
    period = "this-month" if compare == "last-month" else "2026-04"
    args = ["report", "resolution", "-p", period, *(["--compare", compare] if compare else [])]
    doc = cli(*args, "--format", "json").json()
    rows = [*doc["rows"], doc["totals"]]
    counts: tuple[str, ...] = ("incidents",)
    if compare:
        counts += ("change",)
    for width in (80, 120):
        monkeypatch.setenv("COLUMNS", str(width))
        out = cli(*args).stdout
        check_holds(out, rows, width, counts=counts, rates=("satisfaction_rate",), names=("store",))
        if compare is None:
            assert "3 of 6" in out and "135.59" in out and "3.6" in out


def test_names_are_shown_inert(cli: Cli) -> None:
    add(cli, "Ann Lee", "Evil\x1b[31mStore", "2026-05-04 10:00")
    for args in ((), ("--chart",), ("--format", "html")):
        out = cli("report", "resolution", *args).stdout
        assert "\x1b" not in out and "Evil\\x1b[31mStore" in out


def test_latest_check_back_wins_whatever_order_it_was_recorded_in(cli: Cli) -> None:
    # a: recorded satisfied at 12:00, then a back-dated not-satisfied at 11:00: the 12:00 one
    # is the latest. b: two at the same minute: the one recorded last counts (not satisfied).
    a = add(cli, "Ann Lee", "North", "2026-05-04 10:00")
    check(a, "2026-05-05 12:00", "satisfied")
    check(a, "2026-05-05 11:00", "not-satisfied")
    b = add(cli, "Ben Fox", "North", "2026-05-04 11:00")
    check(b, "2026-05-05 12:00", "satisfied")
    check(b, "2026-05-05 12:00", "not-satisfied")
    (north,) = cli("report", "resolution", "--format", "json").json()["rows"]
    assert (north["checked"], north["satisfied"], north["not_satisfied"]) == (2, 1, 1)
    assert north["satisfaction_rate"] == 0.5


def test_a_check_back_in_time_keeps_the_follow_up_of_an_incident_still_open(cli: Cli) -> None:
    # Open (never resolved) with a follow-up on 6 May: called back on 5 May, in time; another
    # open one called back on 8 May, late; a third resolved late but called back in time.
    a = add(cli, "Ann Lee", "North", "2026-05-04 10:00", follow_up="2026-05-06")
    check(a, "2026-05-05 12:00", "no-answer")
    b = add(cli, "Ben Fox", "North", "2026-05-04 11:00", follow_up="2026-05-06")
    check(b, "2026-05-08 12:00", "satisfied")
    c = add(cli, "Cat Roe", "North", "2026-05-04 12:00", follow_up="2026-05-06")
    cli("resolve", str(c), "--resolution", "sorted", "--at", "2026-05-09 12:00")
    check(c, "2026-05-06 09:00", "satisfied")
    (north,) = cli("report", "resolution", "--format", "json").json()["rows"]
    assert (north["follow_ups_due"], north["follow_ups_on_time"]) == (3, 2)
    assert (north["checked"], north["satisfied"], north["no_answer"]) == (3, 2, 1)
