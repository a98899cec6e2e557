"""Date input through the CLI: slash dates by `config set date-order`, UTC offsets converted,
unknown zones refused, follow-ups never in the past, and a pinned today that ends at midnight."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import Cli

pytestmark = pytest.mark.backends

HEADER = "customer,reason,resolved,store,agent,at,description,resolution,contact,channel\n"


@pytest.fixture
def berlin() -> Iterator[None]:
    """The till's clock in Berlin (UTC+2 in May)."""
    old = os.environ.get("TZ")
    os.environ["TZ"] = "Europe/Berlin"
    time.tzset()
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = old
        time.tzset()


def at_of(cli: Cli, incident: int) -> str:
    return str(cli("show", str(incident), "--format", "json").json()["at"])


def only(cli: Cli) -> dict[str, str]:
    rows = cli("list", "--from", "1900-01-01", "--format", "json").json()
    assert len(rows) == 1, rows
    return rows[0]  # type: ignore[no-any-return]


# --------------------------------------------------------------------------- slash dates


def test_an_ambiguous_slash_date_is_refused_naming_both_readings(cli: Cli) -> None:
    result = cli.fails("add", "Ann", "--reason", "billing", "--resolved", "--store", "North",
                       "--agent", "Jane", "--at", "03/04/2026 10:00", code=2)  # fmt: skip
    message = result.stderr.strip()
    assert "3 April 2026" in message and "4 March 2026" in message
    assert "date-order" in message
    assert len(message.splitlines()) <= 2
    assert cli("list", "--format", "json").json() == []


@pytest.mark.parametrize("option", ["--from", "--to"])
def test_an_ambiguous_period_bound_names_both_readings(cli: Cli, option: str) -> None:
    result = cli.fails("list", option, "03/04/2026", code=2)
    assert "3 April 2026" in result.stderr and "4 March 2026" in result.stderr


def test_an_unambiguous_slash_date_needs_no_setting(cli: Cli) -> None:
    incident = cli.add("Ann", at="13/04/2026 10:00")
    assert at_of(cli, incident).startswith("2026-04-13T10:00")
    same = cli.add("Bob", at="04/04/2026")  # both readings are the same day
    assert at_of(cli, same).startswith("2026-04-04")


@pytest.mark.parametrize(("order", "day"), [("dmy", "2026-04-03"), ("mdy", "2026-03-04")])
def test_date_order_decides_every_date_input(
    cli: Cli, tmp_path: Path, order: str, day: str
) -> None:
    cli("config", "set", "date-order", order)
    incident = cli.add("Ann", at="03/04/2026 10:00")
    assert at_of(cli, incident).startswith(f"{day}T10:00")
    listed = cli("list", "--from", "03/04/2026", "--to", "03/04/2026", "--format", "json").json()
    assert [row["id"] for row in listed] == [incident]
    cli("training", "add", "--topic", "Calm", "--kind", "roleplay", "--minutes", "30",
        "--agents", "Jane", "--on", "03/04/2026", "--store", "North")  # fmt: skip
    assert cli("training", "list", "--period", "2026", "--format", "json").json()[0]["on"] == day
    path = tmp_path / "in.csv"
    path.write_text(HEADER + "Bob,billing,yes,North,Jane,03/04/2026 11:00,,,,\n")
    cli("import", str(path))
    rows = cli("list", "--customer", "Bob", "--from", "1900-01-01", "--format", "json").json()
    assert rows[0]["at"].startswith(f"{day}T11:00")


def test_a_slash_date_that_does_not_exist_in_the_chosen_order_is_refused(cli: Cli) -> None:
    cli("config", "set", "date-order", "mdy")
    result = cli.fails("list", "--from", "13/04/2026", code=2)
    assert "13/04/2026" in result.stderr


def test_an_ambiguous_date_in_a_file_names_line_and_column(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_text(HEADER + "Ann,billing,yes,North,Jane,13/04/2026 10:00,,,,\n"
                    "Bob,billing,yes,North,Jane,03/04/2026 11:00,,,,\n")  # fmt: skip
    result = cli.fails("import", str(path), code=2)
    assert "line 3, column at" in result.stderr
    assert "3 April 2026" in result.stderr and "4 March 2026" in result.stderr


def test_date_order_accepts_only_dmy_or_mdy(cli: Cli) -> None:
    result = cli.fails("config", "set", "date-order", "ymd", code=2)
    assert "dmy or mdy" in result.stderr
    cli("config", "set", "date-order", "DMY")
    assert cli("config", "get", "date-order").stdout.strip() == "dmy"


# --------------------------------------------------------------------------- time zones


def test_a_utc_offset_is_converted_to_local_time(cli: Cli, berlin: None, tmp_path: Path) -> None:
    incident = cli.add("Ann", at="2026-05-14T08:30:00Z")
    assert at_of(cli, incident).startswith("2026-05-14T10:30")
    other = cli.add("Bob", at="2026-05-14 15:30 +05:00")
    assert at_of(cli, other).startswith("2026-05-14T12:30")
    path = tmp_path / "in.csv"
    path.write_text(HEADER + "Cy,billing,yes,North,Jane,2026-05-14T08:30:00+00:00,,,,\n")
    cli("import", str(path))
    rows = cli("list", "--customer", "Cy", "--from", "1900-01-01", "--format", "json").json()
    assert rows[0]["at"].startswith("2026-05-14T10:30")


@pytest.mark.parametrize("text", ["2026-05-14 10:00 PST", "2026-05-14 10:00 XYZ"])
def test_an_unknown_zone_name_is_refused(cli: Cli, tmp_path: Path, text: str) -> None:
    result = cli.fails("add", "Ann", "--reason", "billing", "--resolved", "--store", "North",
                       "--agent", "Jane", "--at", text, code=2)  # fmt: skip
    assert "time zone" in result.stderr and text.split()[-1] in result.stderr
    path = tmp_path / "in.csv"
    path.write_text(HEADER + f"Ann,billing,yes,North,Jane,{text},,,,\n")
    result = cli.fails("import", str(path), code=2)
    assert "line 2, column at" in result.stderr and "time zone" in result.stderr


# --------------------------------------------------------------------------- follow-ups


def test_a_follow_up_in_the_past_is_refused(cli: Cli) -> None:
    result = cli.fails("add", "Ann", "--reason", "billing", "--unresolved", "--store", "North",
                       "--agent", "Jane", "--follow-up", "2026-05-19", code=2)  # fmt: skip
    assert "past" in result.stderr and "2026-05-19" in result.stderr
    assert cli("list", "--format", "json").json() == []
    cli.add("Ann", resolved=False, follow_up="today")
    cli.add("Ann", resolved=False, follow_up="friday")
    assert {row["follow_up"] for row in cli("follow-ups", "--format", "json").json()} == {
        "2026-05-20",
        "2026-05-22",
    }


def test_a_record_made_afterwards_keeps_its_follow_up_from_then(cli: Cli) -> None:
    # A paper record typed in later: its follow-up may be past, but not before the incident.
    cli.add("Ann", resolved=False, at="2026-05-01 10:00", follow_up="2026-05-10")
    result = cli.fails("add", "Bob", "--reason", "billing", "--unresolved", "--store", "North",
                       "--agent", "Jane", "--at", "2026-05-05", "--follow-up", "2026-05-04",
                       code=2)  # fmt: skip
    assert "before the incident" in result.stderr
    assert [row["customer"] for row in cli("follow-ups", "--format", "json").json()] == ["Ann"]


# --------------------------------------------------------------------------- pinned today


def test_a_pinned_day_accepts_its_evening_at_any_hour(cli: Cli, tmp_path: Path) -> None:
    # INCIDENTLOG_TODAY is 2026-05-20: the whole of that day is past, whatever the clock says.
    late = cli.add("Ann", at="23:50")
    assert at_of(cli, late).startswith("2026-05-20T23:50")
    path = tmp_path / "in.csv"
    path.write_text(HEADER + "Bob,billing,yes,North,Jane,2026-05-20 23:45:00,,,,\n")
    cli("import", str(path))
    result = cli.fails("add", "Cy", "--reason", "billing", "--resolved", "--store", "North",
                       "--agent", "Jane", "--at", "2026-05-21 00:10", code=2)  # fmt: skip
    assert "future" in result.stderr
    path.write_text(HEADER + "Cy,billing,yes,North,Jane,2026-05-21 00:10:00,,,,\n")
    cli.fails("import", str(path), code=2)


def test_the_today_option_pins_the_day_too(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("INCIDENTLOG_TODAY")
    incident = int(
        cli(
            "--today",
            "2026-03-02",
            "add",
            "Ann",
            "--reason",
            "billing",
            "--resolved",
            "--store",
            "North",
            "--agent",
            "Jane",
            "--at",
            "23:59",
        ).new_id  # fmt: skip
    )
    assert at_of(cli, incident).startswith("2026-03-02T23:59")


@pytest.mark.parametrize("bad", ["2026-13-01", "yesterday", "1800-01-01"])
def test_a_bad_today_option_is_named_as_the_option(cli: Cli, bad: str) -> None:
    result = cli.fails("--today", bad, "list", code=2)
    assert "--today" in result.stderr
    assert "INCIDENTLOG_TODAY" not in result.stderr
