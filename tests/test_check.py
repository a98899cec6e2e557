"""`check`: check-backs with the customer — recorded, refused when bad, undone under the
same rules as every change, and shown by `show`, `list` and `follow-ups`."""

from __future__ import annotations

import pytest

from tests.conftest import Sql
from tests.helpers import Cli

pytestmark = pytest.mark.backends


def _resolved_later(cli: Cli, customer: str = "Marta Sousa", follow_up: str = "2026-05-19") -> int:
    incident_id = cli.add(
        customer, resolved=False, at="2026-05-12 10:00", follow_up=follow_up,
        resolution="voucher offered",
    )  # fmt: skip
    cli("resolve", str(incident_id), "--resolution", "refunded", "--at", "2026-05-14 10:00")
    return incident_id


def _written(sql: Sql) -> tuple[int, int, int]:
    return (
        sql.scalar("SELECT COUNT(*) FROM incident_event WHERE kind = 'check'"),
        sql.scalar("SELECT COUNT(*) FROM journal"),
        sql.scalar("SELECT COALESCE(SUM(version), 0) FROM incident"),
    )


def test_check_backs_are_recorded_several_per_incident(cli: Cli, sql: Sql) -> None:
    incident_id = _resolved_later(cli)
    version = sql.scalar("SELECT version FROM incident")
    first = cli("check", str(incident_id), "--no-answer", "--at", "2026-05-19 09:00")
    assert first.stdout == (
        f"Checked back on incident #{incident_id} (Marta Sousa) on 2026-05-19 09:00: no-answer.\n"
    )
    second = cli("check", str(incident_id), "--satisfied", "--note", "refund arrived, happy")
    assert "satisfied (check-back 2)." in second.stdout
    assert "on 2026-05-20 " in second.stdout  # now, on the pinned day
    assert sql.rows(
        "SELECT kind, outcome, note FROM incident_event WHERE kind = 'check' ORDER BY id"
    ) == [
        {"kind": "check", "outcome": "no-answer", "note": ""},
        {"kind": "check", "outcome": "satisfied", "note": "refund arrived, happy"},
    ]
    # a check-back is a change of the incident, as resolve and reopen are
    assert sql.scalar("SELECT version FROM incident") == version + 2
    shown = cli("show", str(incident_id), "--format", "json").json()
    assert [(c["outcome"], c["note"]) for c in shown["checks"]] == [
        ("no-answer", ""),
        ("satisfied", "refund arrived, happy"),
    ]
    assert shown["checks"][0]["at"] == "2026-05-19T09:00"
    assert [e["kind"] for e in shown["history"]] == ["resolve", "check", "check"]
    [listed] = cli("list", "--format", "json").json()
    assert listed["checks"] == shown["checks"]
    card = cli("show", str(incident_id)).stdout
    assert "checked back (satisfied): refund arrived, happy" in card
    # not-satisfied, on an incident still open: a check-back is not only for resolved ones
    still_open = cli.add("Bo", resolved=False, at="2026-05-18 10:00")
    cli("check", str(still_open), "--not-satisfied")
    assert cli("show", str(still_open), "--format", "json").json()["checks"][0]["outcome"] == (
        "not-satisfied"
    )


@pytest.mark.parametrize(
    ("args", "code", "says"),
    [
        ([], 2, "Give exactly one of --satisfied, --not-satisfied, --no-answer (none was given)"),
        (["--satisfied", "--not-satisfied"], 2, "not --satisfied and --not-satisfied at once"),
        (["--satisfied", "--at", "tomorrow 10:00"], 2, "is in the future"),
        (["--satisfied", "--at", "2026-05-11 09:00"], 2, "is before the incident (2026-05-12"),
        (["--satisfied", "--at", "the day after"], 2, "Cannot understand date"),
        (["--no-answer", "--note", "a\x00b"], 2, "NUL"),
    ],
    ids=["no-outcome", "two-outcomes", "future", "before-incident", "bad-date", "nul-note"],
)
def test_bad_check_backs_are_refused_and_nothing_is_written(
    cli: Cli, sql: Sql, args: list[str], code: int, says: str
) -> None:
    incident_id = _resolved_later(cli)
    before = _written(sql)
    refused = cli.fails("check", str(incident_id), *args, code=code)
    assert says in refused.stderr, refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1, refused.stderr
    assert _written(sql) == before


def test_an_unknown_incident_is_exit_1(cli: Cli, sql: Sql) -> None:
    cli.add("Ann")
    before = _written(sql)
    assert "No incident #99." in cli.fails("check", "99", "--satisfied", code=1).stderr
    assert _written(sql) == before


def test_undo_takes_a_check_back_away(cli: Cli, sql: Sql) -> None:
    incident_id = _resolved_later(cli)
    cli("check", str(incident_id), "--satisfied")
    out = cli("undo").stdout
    assert f"Undid: check-back on incident #{incident_id} (Marta Sousa, satisfied)." in out
    assert sql.scalar("SELECT COUNT(*) FROM incident_event WHERE kind = 'check'") == 0
    assert cli("show", str(incident_id), "--format", "json").json()["status"] == "resolved later"
    # and then the resolve before it, as always
    assert "resolve incident" in cli("undo").stdout


def test_undo_of_a_check_back_or_under_it_follows_the_later_change_rule(
    cli: Cli, sql: Sql, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INCIDENTLOG_TILL", "jane@till-1")
    incident_id = _resolved_later(cli)
    monkeypatch.setenv("INCIDENTLOG_TILL", "bob@till-2")
    cli("check", str(incident_id), "--no-answer")
    # Jane's resolve lies under Bob's check-back: it stays until Bob's is undone
    monkeypatch.setenv("INCIDENTLOG_TILL", "jane@till-1")
    refused = cli.fails("undo", code=1)
    assert "a later change touched the same records" in refused.stderr
    assert "check-back on incident" in refused.stderr and "bob@till-2" in refused.stderr
    # Bob's check-back lies under Jane's later edit
    cli("edit", str(incident_id), "--description", "parcel late")
    monkeypatch.setenv("INCIDENTLOG_TILL", "bob@till-2")
    refused = cli.fails("undo", code=1)
    assert "edit incident" in refused.stderr and "jane@till-1" in refused.stderr
    assert sql.scalar("SELECT COUNT(*) FROM incident_event WHERE kind = 'check'") == 1
    monkeypatch.setenv("INCIDENTLOG_TILL", "jane@till-1")
    cli("undo")  # the edit
    monkeypatch.setenv("INCIDENTLOG_TILL", "bob@till-2")
    cli("undo")  # the check-back
    monkeypatch.setenv("INCIDENTLOG_TILL", "jane@till-1")
    assert "resolve incident" in cli("undo").stdout


def test_undo_covers_reopen_under_the_same_rule(
    cli: Cli, sql: Sql, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INCIDENTLOG_TILL", "jane@till-1")
    incident_id = _resolved_later(cli)
    cli("reopen", str(incident_id), "--note", "refund never arrived")
    monkeypatch.setenv("INCIDENTLOG_TILL", "bob@till-2")
    cli("check", str(incident_id), "--not-satisfied")
    monkeypatch.setenv("INCIDENTLOG_TILL", "jane@till-1")
    assert "check-back on incident" in cli.fails("undo", code=1).stderr
    monkeypatch.setenv("INCIDENTLOG_TILL", "bob@till-2")
    cli("undo")
    monkeypatch.setenv("INCIDENTLOG_TILL", "jane@till-1")
    assert f"Undid: reopen incident #{incident_id}." in cli("undo").stdout
    assert cli("show", str(incident_id), "--format", "json").json()["status"] == "resolved later"


def test_delete_and_undo_keep_the_check_backs(cli: Cli) -> None:
    incident_id = _resolved_later(cli)
    cli("check", str(incident_id), "--satisfied", "--note", "all good")
    checks = cli("show", str(incident_id), "--format", "json").json()["checks"]
    cli("delete", str(incident_id), "--yes")
    cli("undo")
    assert cli("show", str(incident_id), "--format", "json").json()["checks"] == checks


def test_follow_ups_list_the_check_backs_due(cli: Cli) -> None:
    to_check = _resolved_later(cli, "Due Yesterday", follow_up="2026-05-19")
    due_today = _resolved_later(cli, "Due Today", follow_up="2026-05-20")
    _resolved_later(cli, "Due Later", follow_up="2026-05-25")
    checked = _resolved_later(cli, "Checked Already", follow_up="2026-05-15")
    cli("check", str(checked), "--no-answer", "--at", "2026-05-15 12:00")
    still_open = cli.add(
        "Still Open", resolved=False, at="2026-05-10 10:00", follow_up="2026-05-12"
    )
    cli("check", str(still_open), "--no-answer", "--at", "2026-05-13 10:00")
    cli.add("On The Spot")
    rows = cli("follow-ups", "--format", "json").json()
    # the open ones first, as before; then the check-backs due, the latest first
    assert [(r["customer"], r["status"]) for r in rows] == [
        ("Still Open", "open"),
        ("Due Today", "to check"),
        ("Due Yesterday", "to check"),
    ]
    by_name = {r["customer"]: r for r in rows}
    assert by_name["Still Open"]["checked"] is True
    assert by_name["Still Open"]["last_check"] == "no-answer"
    assert by_name["Still Open"]["last_check_at"] == "2026-05-13T10:00"
    assert by_name["Still Open"]["overdue_days"] == 8
    assert by_name["Due Yesterday"]["checked"] is False
    assert by_name["Due Yesterday"]["last_check"] is None
    assert by_name["Due Yesterday"]["follow_up"] == "2026-05-19"
    assert by_name["Due Yesterday"]["overdue_days"] == 1
    assert by_name["Due Today"]["overdue_days"] == 0
    table = cli("follow-ups").stdout
    assert "to check" in table and "Checked" in table and "no-answer, 2026-05-13" in table
    # checked back: no longer to check
    cli("check", str(to_check), "--satisfied")
    cli("check", str(due_today), "--satisfied")
    assert [r["customer"] for r in cli("follow-ups", "--format", "json").json()] == ["Still Open"]


def test_follow_ups_csv_has_the_same_columns_with_and_without_rows(cli: Cli) -> None:
    empty = cli("follow-ups", "--format", "csv").stdout.splitlines()
    assert len(empty) == 1
    assert "No open incidents and no check-backs due" in cli("follow-ups").stdout
    _resolved_later(cli)
    full = cli("follow-ups", "--format", "csv").stdout.splitlines()
    assert full[0] == empty[0]
    assert full[0].split(",")[-5:] == [
        "days_open", "overdue_days", "checked", "last_check", "last_check_at",
    ]  # fmt: skip
    assert ",to check," in full[1]
