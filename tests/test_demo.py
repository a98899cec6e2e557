"""`incidentlog demo`: a realistic, deterministic sample whose story the reports find."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path
from typing import Any

import pytest

from incidentlog.core import names
from incidentlog.demo import build as demo
from tests.conftest import Sql
from tests.helpers import Cli


@pytest.fixture
def loaded(cli: Cli) -> str:
    """The demo on today = 2026-05-20 (tests' today); returns its tour."""
    return cli("demo").stdout


def test_fills_an_empty_database_and_prints_a_tour(loaded: str, sql: Sql) -> None:
    assert "Added the demo:" in loaded and "incidentlog demo --remove" in loaded
    for command in (
        "incidentlog report store",
        "incidentlog report agents --compare 3-months-ago",
        "incidentlog report reasons",
        "incidentlog report training",
        "incidentlog report training-time",
        "incidentlog repeat-customers",
        "incidentlog search",
        "incidentlog follow-ups",
    ):
        assert command in loaded
    assert max(len(line) for line in loaded.splitlines()) <= 100
    incidents = sql.scalar("SELECT COUNT(*) FROM incident")
    assert 3000 <= incidents <= 6000
    assert sql.scalar("SELECT COUNT(*) FROM store") == 4
    assert sql.scalar("SELECT COUNT(*) FROM agent") == 10
    first, last = sql.rows("SELECT MIN(day) AS first, MAX(day) AS last FROM incident")[0].values()
    assert str(first)[:10] <= "2025-01-10"  # covers the before-window of March 2025
    assert str(last)[:10] == "2026-05-19"  # up to yesterday, nothing in the future
    # open incidents with follow-ups, some overdue; some resolved later
    assert sql.scalar(
        "SELECT COUNT(*) FROM incident WHERE resolved_at IS NULL AND NOT resolved_on_spot "
        "AND follow_up < '2026-05-20'"
    )
    assert sql.scalar("SELECT COUNT(*) FROM incident WHERE resolved_at IS NOT NULL") > 500
    kinds = {r["kind"] for r in sql.rows("SELECT DISTINCT kind FROM training_session")}
    assert kinds == {"roleplay", "new-material", "review"}


def test_refuses_a_database_with_data_unless_forced(cli: Cli, sql: Sql) -> None:
    cli.add("Ann", store="North Street", agent="Jane")
    result = cli.fails("demo", code=1)
    assert "already holds 1 incidents" in result.stderr and "--force" in result.stderr
    assert sql.scalar("SELECT COUNT(*) FROM incident") == 1
    cli("demo", "--force")
    assert sql.scalar("SELECT COUNT(*) FROM incident") > 3000
    assert sql.scalar("SELECT COUNT(*) FROM store") == 4  # North Street is shared
    assert "Undid: demo data" in cli("undo").stdout
    assert sql.scalar("SELECT COUNT(*) FROM incident") == 1
    assert sql.scalar("SELECT COUNT(*) FROM training_session") == 0


def test_is_deterministic(cli: Cli, tmp_path: Path) -> None:
    one, two = str(tmp_path / "one.db"), str(tmp_path / "two.db")
    cli("--db", one, "demo")
    cli("--db", two, "demo")
    assert cli("--db", one, "export").stdout == cli("--db", two, "export").stdout
    assert (
        cli("--db", one, "export", "--kind", "training").stdout
        == cli("--db", two, "export", "--kind", "training").stdout
    )


def report(cli: Cli, *args: str) -> dict[str, Any]:
    return cli("report", *args, "--format", "json").json()  # type: ignore[no-any-return]


@pytest.mark.backends
def test_every_report_has_plausible_rows(loaded: str, cli: Cli) -> None:
    stores = report(cli, "store", "--compare", "last-month")["rows"]
    assert len(stores) == 4 and all(
        r["incidents"] > 0 and r["compare_incidents"] > 0 for r in stores
    )
    assert all(0.3 < r["rate"] < 0.8 for r in stores)
    agents = report(cli, "agents", "--compare", "3-months-ago")["rows"]
    assert len(agents) == 10 and all(r["incidents"] and r["compare_incidents"] for r in agents)
    reasons = report(cli, "reasons", "--period", "last-year")["rows"]
    assert len(reasons) == 10
    shares = [r["incidents"] for r in reasons]
    assert shares == sorted(shares, reverse=True) and shares[0] > 4 * shares[-1]  # skewed
    time = report(cli, "training-time", "--period", "last-12-months")["rows"]
    assert any(r["roleplay_minutes"] for r in time) and any(r["review_minutes"] for r in time)
    repeat = cli("repeat-customers", "--min-stores", "2", "--format", "json").json()["rows"]
    names_seen = {r["customer"] for r in repeat}
    assert {"Gordon Pike", "Victor Hale", "Brigitte Laurent"} <= names_seen
    assert cli("summary", "--format", "json").json()["rows"]


def test_seasons_december_is_busy(loaded: str, sql: Sql) -> None:
    per_month = {
        r["month"]: int(r["n"])
        for r in sql.rows("SELECT month, COUNT(*) AS n FROM incident GROUP BY month")
    }
    assert per_month["2025-12"] > 1.3 * per_month["2025-09"]


@pytest.mark.backends
def test_training_report_finds_the_march_role_play_and_its_fading(loaded: str, cli: Cli) -> None:
    session = next(
        s
        for s in cli("training", "list", "-p", "2025-03", "--format", "json").json()
        if s["topic"] == demo.ROLEPLAY_TOPIC
    )
    assert session["on"] == "2025-03-10" and sorted(session["agents"]) == sorted(demo.TRAINED)
    assert f"incidentlog report training {session['id']} --after 6" in loaded
    document = report(cli, "training", str(session["id"]), "--after", "6")
    (found,) = document["sessions"]
    rows = {r["window"]: r for r in document["rows"]}
    assert rows["before"]["trained_rate"] < 0.56  # about 50% before
    assert rows["after-1"]["trained_rate"] > 0.72 and rows["after-2"]["trained_rate"] > 0.72
    assert rows["after-6"]["trained_rate"] < 0.6  # back towards the start by late summer
    assert all(0.5 < r["others_rate"] < 0.68 for r in rows.values())  # the others stay flat
    verdict = found["verdict"]
    assert verdict["verdict"] == "improved"
    assert verdict["lasted_until"] in ("after-2", "after-3", "after-4")  # and then it fades


@pytest.mark.parametrize("today", ["2026-09-15", "2027-01-02"])
def test_the_story_holds_on_other_days(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, today: str
) -> None:
    monkeypatch.setenv("INCIDENTLOG_TODAY", today)
    tour = cli("demo").stdout
    march = demo.story(dt.date.fromisoformat(today)).roleplay
    assert f"did the March {march.year} role-play last?" in tour
    (found,) = report(cli, "training", "--topic", "de-escalation", "--after", "6")["sessions"]
    assert found["verdict"]["verdict"] == "improved"
    assert found["verdict"]["lasted_until"] != "after-6"


def test_the_march_story_dates() -> None:
    assert demo.story(dt.date(2026, 5, 20)).roleplay == dt.date(2025, 3, 10)
    assert demo.story(dt.date(2026, 7, 10)).roleplay == dt.date(2025, 3, 10)
    assert demo.story(dt.date(2026, 7, 11)).roleplay == dt.date(2026, 3, 10)
    s = demo.story(dt.date(2026, 9, 15))
    assert s.start <= dt.date(2025, 7, 1) and s.end == dt.date(2026, 9, 14)
    assert demo.boost(dt.date(2026, 3, 9), dt.date(2026, 3, 10)) == 0
    assert demo.boost(dt.date(2026, 5, 1), dt.date(2026, 3, 10)) == demo.BOOST
    assert demo.boost(dt.date(2026, 9, 1), dt.date(2026, 3, 10)) < demo.BOOST / 8


def test_generator_makes_any_number_of_rows() -> None:
    today = dt.date(2026, 5, 20)
    rows = list(demo.generate_incidents(n_rows=1234, today=today))
    assert len(rows) == 1234
    assert list(rows[0]) == [
        "customer",
        "reason",
        "resolved",
        "store",
        "agent",
        "at",
        "description",
        "resolution",
        "contact",
        "channel",
        "follow_up",
        "severity",
        "remedy",
        "cost",
        "resolved_at",
    ]
    assert all(isinstance(v, str) for r in rows for v in r.values())
    assert rows == list(demo.generate_incidents(n_rows=1234, today=today))
    assert max(r["at"] for r in rows) < "2026-05-20"
    assert list(itertools.islice(demo.generate_incidents(n_rows=0, today=today), 1)) == []
    natural = sum(1 for _ in demo.generate_incidents(today=today))
    assert natural == demo.expected_volume(today)


def test_demo_agent_and_store_names_are_not_look_alikes() -> None:
    agents = sorted(demo.BASE_RATE)
    for name in agents:
        others = {names.key(a): a for a in agents if a != name}
        assert names.lookalikes(names.key(name), others) == [], name
    stores = [s[0] for s in demo.STORES]
    for name in stores:
        others = {names.key(s): s for s in stores if s != name}
        assert names.lookalikes(names.key(name), others) == [], name


# The demo's incidents before it recorded severity, remedy, cost and check-backs (the fields
# the guides and the other tests quote), for today = 2026-05-20: drawing the new fields must
# not move a single one of them.
FIELDS_BEFORE_AFTERCARE = (
    "customer reason resolved store agent at description resolution contact channel "
    "follow_up resolved_at"
).split()
DIGEST_BEFORE_AFTERCARE = "190a77118aebc0e149ffad4efb111776d67a79cb70b30abd3e98175d95b029d5"


def test_aftercare_leaves_every_earlier_field_as_it_was() -> None:
    import hashlib
    import json

    digest = hashlib.sha256()
    rows = list(demo.generate_incidents(today=dt.date(2026, 5, 20), checks=True))
    for row in rows:
        fields = [row[k] for k in FIELDS_BEFORE_AFTERCARE]
        digest.update(json.dumps(fields, ensure_ascii=False).encode())
    assert digest.hexdigest() == DIGEST_BEFORE_AFTERCARE
    # With or without the check-backs, the same rows and the same aftercare.
    plain = list(demo.generate_incidents(today=dt.date(2026, 5, 20)))
    assert plain == [{k: v for k, v in r.items() if k != "checks"} for r in rows]
    assert sum(len(r["checks"]) for r in rows) > 1000


def _by_store(sql: Sql, query: str) -> dict[str, dict[str, Any]]:
    return {str(r["store"]): r for r in sql.rows(query)}


@pytest.mark.backends
def test_the_after_the_incident_story_is_there_for_a_manager_to_find(loaded: str, sql: Sql) -> None:
    # Harbour Mall gives far more away: its remedy cost per incident is at least twice any
    # other store's, and vouchers are most of it ...
    spend = _by_store(
        sql,
        "SELECT s.name AS store, COUNT(*) AS incidents, SUM(COALESCE(i.cost_cents, 0)) AS cost, "
        "SUM(CASE WHEN i.remedy = 'voucher' THEN 1 ELSE 0 END) AS vouchers "
        "FROM incident i JOIN store s ON s.id = i.store_id GROUP BY s.name",
    )
    per_incident = {k: int(r["cost"]) / int(r["incidents"]) for k, r in spend.items()}
    voucher_share = {k: int(r["vouchers"]) / int(r["incidents"]) for k, r in spend.items()}
    generous = per_incident.pop("Harbour Mall")
    assert len(per_incident) == 3 and all(generous >= 2 * other for other in per_incident.values())
    assert all(
        voucher_share["Harbour Mall"] >= 2 * v
        for k, v in voucher_share.items()
        if k != "Harbour Mall"
    )
    # ... yet its customers, asked afterwards, are no more satisfied (each incident counted
    # by its latest check-back).
    latest = sql.rows(
        "SELECT s.name AS store, e.outcome, COUNT(*) AS n FROM incident_event e "
        "JOIN incident i ON i.id = e.incident_id JOIN store s ON s.id = i.store_id "
        "WHERE e.kind = 'check' AND e.at = (SELECT MAX(l.at) FROM incident_event l "
        "WHERE l.incident_id = e.incident_id AND l.kind = 'check') "
        "GROUP BY s.name, e.outcome"
    )
    outcomes: dict[str, dict[str, int]] = {}
    for row in latest:
        outcomes.setdefault(str(row["store"]), {})[str(row["outcome"])] = int(row["n"])

    def satisfaction(stores: list[str]) -> float:
        yes = sum(outcomes[s].get("satisfied", 0) for s in stores)
        no = sum(outcomes[s].get("not-satisfied", 0) for s in stores)
        return yes / (yes + no)

    others = [s for s in outcomes if s != "Harbour Mall"]
    assert satisfaction(["Harbour Mall"]) < satisfaction(others)
    # High-severity incidents take longer to resolve than low ones.
    days: dict[str, list[float]] = {"low": [], "high": []}
    for row in sql.rows(
        "SELECT severity, at, resolved_at FROM incident WHERE resolved_at IS NOT NULL "
        "AND severity IN ('low', 'high')"
    ):
        at, resolved = (dt.datetime.fromisoformat(str(row[k])[:19]) for k in ("at", "resolved_at"))
        days[str(row["severity"])].append((resolved - at).total_seconds() / 86400)
    median = {k: sorted(v)[len(v) // 2] for k, v in days.items()}
    assert len(days["high"]) > 100 and median["high"] > 2 * median["low"]
    # Station Road rarely calls back: most of its follow-ups are never checked back, while
    # the other stores check most of theirs.
    checked = _by_store(
        sql,
        "SELECT s.name AS store, COUNT(*) AS due, SUM(CASE WHEN EXISTS (SELECT 1 FROM "
        "incident_event e WHERE e.incident_id = i.id AND e.kind = 'check') THEN 1 ELSE 0 END) "
        "AS checked FROM incident i JOIN store s ON s.id = i.store_id "
        "WHERE i.follow_up IS NOT NULL GROUP BY s.name",
    )
    rate = {k: int(r["checked"]) / int(r["due"]) for k, r in checked.items()}
    assert rate.pop("Station Road") < 0.4 and all(r > 0.7 for r in rate.values())


@pytest.mark.backends
def test_every_check_back_is_after_its_incident_and_not_in_the_future(
    loaded: str, sql: Sql
) -> None:
    counts = sql.rows(
        "SELECT COUNT(*) AS n, "
        "SUM(CASE WHEN e.at < i.at THEN 1 ELSE 0 END) AS before_incident, "
        "SUM(CASE WHEN e.at < i.resolved_at THEN 1 ELSE 0 END) AS before_resolved, "
        "SUM(CASE WHEN e.at >= '2026-05-20' THEN 1 ELSE 0 END) AS future, "
        "SUM(CASE WHEN NOT i.demo THEN 1 ELSE 0 END) AS unmarked "
        "FROM incident_event e JOIN incident i ON i.id = e.incident_id WHERE e.kind = 'check'"
    )[0]
    assert int(counts["n"]) > 1000
    assert [
        int(counts[k]) for k in ("before_incident", "before_resolved", "future", "unmarked")
    ] == [0, 0, 0, 0]
    kinds = {
        (r["outcome"], bool(r["noted"]))
        for r in sql.rows(
            "SELECT DISTINCT outcome, CASE WHEN note = '' THEN 0 ELSE 1 END AS noted "
            "FROM incident_event WHERE kind = 'check'"
        )
    }
    assert {o for o, _n in kinds} == {"satisfied", "not-satisfied", "no-answer"}
    assert any(noted for _o, noted in kinds)
    # Severity on every incident; a remedy and a cost on settled ones only.
    assert sql.scalar("SELECT COUNT(*) FROM incident WHERE severity IS NULL") == 0
    assert (
        sql.scalar(
            "SELECT COUNT(*) FROM incident WHERE NOT resolved_on_spot AND resolved_at IS NULL "
            "AND (remedy IS NOT NULL OR cost_cents IS NOT NULL)"
        )
        == 0
    )
    assert sql.scalar("SELECT COUNT(*) FROM incident WHERE remedy = 'refund'") > 500
