"""`incidentlog import`: CSV and JSON, all or nothing, the rules of `add`, one undo step."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from tests.conftest import Sql
from tests.helpers import Cli

pytestmark = pytest.mark.backends

HEADER = "customer,reason,resolved,store,agent,at,description,resolution,contact,channel\n"


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_text(text, encoding=encoding)
    return path


def counts(sql: Sql) -> dict[str, int]:
    tables = ("incident", "customer", "store", "agent", "reason", "training_session", "journal")
    return {t: int(sql.scalar(f"SELECT COUNT(*) FROM {t}")) for t in tables}


def everything(cli: Cli, *db: str) -> list[dict]:  # type: ignore[type-arg]
    return cli(*db, "list", "--from", "1900-01-01", "--format", "json").json()  # type: ignore[no-any-return]


def test_csv_rows_become_incidents_with_add_normalisation(cli: Cli, tmp_path: Path) -> None:
    cli.add("Ann Lee", store="North", agent="Jane", at="2026-05-01 09:00")
    path = write(
        tmp_path / "in.csv",
        HEADER + 'Bob Ray,Late  Delivery ,yes, north ,JANE,2026-05-02 10:30,"Parcel late, twice",'
        "Refunded fee,bob@example.com,In-Store\n"
        "Cleo,billing,no,South,Tom,2026-05-03T11:00:00,,,,\n",
    )
    out = cli("import", str(path), "--new-store", "--new-agent").stdout
    assert "Imported 2 incidents from" in out
    assert "1 new store" in out and "1 new agent" in out and "2 new customers" in out
    rows = {r["customer"]: r for r in everything(cli)}
    bob, cleo = rows["Bob Ray"], rows["Cleo"]
    # Known store and agent matched whatever the case and spacing; reason in canonical form.
    assert (bob["store"], bob["agent"], bob["reason"]) == ("North", "Jane", "late delivery")
    assert bob["resolved"] is True and bob["status"] == "resolved on the spot"
    assert bob["at"] == "2026-05-02T10:30" and bob["channel"] == "in-person"
    assert bob["contact"] == "bob@example.com" and bob["description"] == "Parcel late, twice"
    assert (cleo["store"], cleo["agent"], cleo["status"]) == ("South", "Tom", "open")
    assert [r["id"] for r in everything(cli)] == [3, 2, 1]


def test_one_bad_row_among_ten_thousand_writes_nothing_and_names_it(
    cli: Cli, tmp_path: Path, sql: Sql
) -> None:
    cli.add("Ann Lee")
    before = counts(sql)
    lines = [HEADER]
    for n in range(10_000):
        lines.append(
            f"Customer {n},billing,{'yes' if n % 3 else 'no'},North,Jane,"
            f"2026-04-{n % 28 + 1:02d} {n % 10 + 9}:{n % 60:02d},,,,\n"
        )
    lines[7_344] = "Customer x,billing,maybe,North,Jane,2026-04-02 10:00,,,,\n"  # file line 7345
    path = write(tmp_path / "big.csv", "".join(lines))
    result = cli.fails("import", str(path), code=2)
    assert "big.csv line 7345, column resolved:" in result.stderr
    assert '"maybe" is not one of yes, no' in result.stderr
    assert "Nothing was imported." in result.stderr
    assert counts(sql) == before
    # The same file without the bad row goes in whole, as one undo step.
    lines[7_344] = "Customer x,billing,no,North,Jane,2026-04-02 10:00,,,,\n"
    write(path, "".join(lines))
    assert "Imported 10,000 incidents" in cli("import", str(path)).stdout
    assert counts(sql)["incident"] == before["incident"] + 10_000
    assert counts(sql)["customer"] == before["customer"] + 10_000
    cli("undo")
    assert counts(sql) == before


@pytest.mark.parametrize(
    ("row", "where"),
    [
        (",billing,yes,North,Jane,2026-05-01 10:00,,,,", "line 3, column customer: the customer"),
        ("Ann,billing,yes,North,Jane,yesterday-ish,,,,", "line 3, column at: cannot understand"),
        (
            "Ann,billing,yes,North,Jane,2026-06-01 10:00,,,,",
            "line 3, column at: 2026-06-01 10:00 is in the future",
        ),
        (
            "Ann,billing,yes,North,Jane,2026-05-01 10:00,,,,fax",
            'line 3, column channel: unknown channel "fax"',
        ),
        (
            "Ann,billing,yes,,Jane,2026-05-01 10:00,,,,",
            "line 3, column store: the store cannot be empty",
        ),
        (
            "Ann,billing,yes,North,Jane,2026-05-01 10:00,,,",
            "line 3: 9 values, but the header names 10 columns",
        ),
    ],
)
def test_bad_values_name_line_and_column(cli: Cli, tmp_path: Path, row: str, where: str) -> None:
    good = "Bob,billing,yes,North,Jane,2026-05-01 10:00,,,,\n"
    path = write(tmp_path / "bad.csv", HEADER + good + row + "\n")
    stderr = cli.fails("import", str(path), "--new-store", "--new-agent", code=2).stderr
    assert where in stderr.replace("\n", " "), stderr
    assert "Traceback" not in stderr
    assert everything(cli) == []


def test_bad_files_are_usage_errors(cli: Cli, tmp_path: Path) -> None:
    missing = cli.fails("import", str(tmp_path / "nope.csv"), code=2).stderr
    assert "No such file" in missing
    no_agent = write(
        tmp_path / "a.csv", "customer,reason,resolved,store,at\nAnn,b,yes,N,2026-05-01\n"
    )
    assert "line 1: missing column agent" in cli.fails("import", str(no_agent), code=2).stderr
    unknown = write(tmp_path / "u.csv", HEADER.strip() + ",mood\n")
    assert "unknown column mood" in cli.fails("import", str(unknown), code=2).stderr
    latin = tmp_path / "latin.csv"
    latin.write_bytes(
        (HEADER + "Ann,billing,yes,N,J,2026-05-01 10:00,,,,\n").encode()
        + "Zoë,b,yes,N,J,2026-05-01 10:00,,,,\n".encode("latin-1")
    )
    assert "line 3: the file is not UTF-8" in cli.fails("import", str(latin), code=2).stderr
    quote = write(
        tmp_path / "q.csv", HEADER + 'Ann,billing,yes,N,J,2026-05-01 10:00,"open quote,,,\n'
    )
    assert "malformed CSV" in cli.fails("import", str(quote), code=2).stderr
    neither = write(tmp_path / "n.csv", "colour,size\nred,1\n")
    assert "--kind" in cli.fails("import", str(neither), code=2).stderr
    empty = write(tmp_path / "e.csv", "")
    assert "empty" in cli.fails("import", str(empty), code=2).stderr
    assert everything(cli) == []


def test_dry_run_checks_and_writes_nothing(cli: Cli, tmp_path: Path, sql: Sql) -> None:
    path = write(tmp_path / "in.csv", HEADER + "Ann,billing,yes,North,Jane,2026-05-01 10:00,,,,\n")
    out = cli("import", str(path), "--dry-run", "--new-store", "--new-agent").stdout
    assert (
        "Checked" in out
        and "1 incident, all valid" in out
        and "it would add 1 store, 1 agent, 1 reason, 1 customer." in out
    )
    assert "Nothing was written" in out
    assert counts(sql)["incident"] == 0 and counts(sql)["store"] == 0


def test_look_alike_store_or_agent_is_refused_unless_confirmed(cli: Cli, tmp_path: Path) -> None:
    cli.add("Ann", store="Harbour St", agent="Jane")
    path = write(
        tmp_path / "in.csv",
        HEADER
        + "Bob,billing,yes,Harbour St,Jane,2026-05-01 10:00,,,,\n"
        + "Cleo,billing,yes,Harbor St,Jnae,2026-05-01 11:00,,,,\n",
    )
    stderr = cli.fails("import", str(path), code=2).stderr
    assert 'line 3, column store: new store "Harbor St" looks like "Harbour St"' in stderr
    assert "--new-store" in stderr
    stderr = cli.fails("import", str(path), "--new-store", code=2).stderr
    assert 'line 3, column agent: new agent "Jnae" looks like "Jane"' in stderr
    cli("import", str(path), "--new-store", "--new-agent")
    assert {r["store"] for r in everything(cli)} == {"Harbour St", "Harbor St"}


def test_look_alikes_within_the_file_are_caught_too(cli: Cli, tmp_path: Path) -> None:
    path = write(
        tmp_path / "in.csv",
        HEADER
        + "Bob,billing,yes,Riverside,Jane,2026-05-01 10:00,,,,\n"
        + "Cleo,billing,yes,Riversdie,Jane,2026-05-01 11:00,,,,\n",
    )
    stderr = cli.fails("import", str(path), "--new-agent", code=2).stderr
    assert 'line 3, column store: new store "Riversdie" looks like "Riverside"' in stderr


def test_customers_are_matched_as_add_matches_them(cli: Cli, tmp_path: Path, sql: Sql) -> None:
    cli.add("Dana Cole", at="2026-04-01 10:00")  # known, no contact
    cli.add("Eve Fox", contact="eve@example.com", at="2026-04-01 11:00")
    path = write(
        tmp_path / "in.csv",
        HEADER
        # the known contact-less Dana gets the contact; her next row without contact joins her
        + "dana cole,billing,yes,North,Jane,2026-05-01 10:00,,,DANA@example.com,\n"
        + "Dana Cole,billing,yes,North,Jane,2026-05-01 11:00,,,,\n"
        # without contact: the one known Eve Fox
        + "Eve  Fox,billing,yes,North,Jane,2026-05-01 12:00,,,,\n"
        # a new customer known by contact, and a contact-less row joining them
        + "Finn,billing,yes,North,Jane,2026-05-01 13:00,,,+44 7700 900123,\n"
        + "FINN,billing,yes,North,Jane,2026-05-01 14:00,,,,\n"
        # two Gils with different contacts: a third without contact stays apart
        + "Gil,billing,yes,North,Jane,2026-05-01 15:00,,,gil@a.example,\n"
        + "Gil,billing,yes,North,Jane,2026-05-01 16:00,,,gil@b.example,\n"
        + "Gil,billing,yes,North,Jane,2026-05-01 17:00,,,,\n",
    )
    out = cli("import", str(path))
    assert "1 known customer without a contact took the contact" in out.stderr
    by_time = {r["at"][5:]: (r["customer"], r["contact"]) for r in everything(cli)}
    assert by_time["05-01T10:00"] == ("Dana Cole", "DANA@example.com")
    assert by_time["05-01T11:00"] == ("Dana Cole", "DANA@example.com")
    assert by_time["05-01T12:00"] == ("Eve Fox", "eve@example.com")
    assert by_time["05-01T13:00"] == by_time["05-01T14:00"] == ("Finn", "+44 7700 900123")
    assert by_time["05-01T17:00"] == ("Gil", None)
    assert sql.scalar("SELECT COUNT(*) FROM customer") == 6  # Dana, Eve, Finn, 3 Gils
    cli("undo")
    assert sql.rows("SELECT name, contact FROM customer ORDER BY id") == [
        {"name": "Dana Cole", "contact": None},
        {"name": "Eve Fox", "contact": "eve@example.com"},
    ]


def test_json_as_list_prints_it_imports(cli: Cli, tmp_path: Path) -> None:
    cli.add("Ann", contact="ann@example.com", at="2026-05-01 10:00", description="It broke")
    cli.add("Bob", resolved=False, follow_up="2026-05-25", at="2026-05-02 10:00")
    listed = everything(cli)
    path = write(tmp_path / "list.json", json.dumps(listed))
    target = str(tmp_path / "other.db")
    out = cli("--db", target, "import", str(path), "--new-store", "--new-agent").stdout
    assert "Imported 2 incidents" in out
    assert everything(cli, "--db", target) == listed
    bad = write(tmp_path / "bad.json", json.dumps([{"customer": "Ann", "reason": "x"}]))
    assert (
        "missing columns resolved, store, agent, at"
        in cli.fails("--db", target, "import", str(bad), code=2).stderr
    )
    broken = write(tmp_path / "broken.json", '[{"customer": "Ann",\n  "reason": }]')
    assert "broken.json line 2: malformed JSON" in cli.fails("import", str(broken), code=2).stderr
    record = write(
        tmp_path / "rec.json", json.dumps([listed[0], {**listed[1], "resolved": "perhaps"}])
    )
    assert (
        "rec.json record 2, column resolved"
        in cli.fails("--db", target, "import", str(record), code=2).stderr
    )


def test_semicolon_csv_from_a_spreadsheet(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "excel.csv"
    path.write_bytes(
        "\ufeffCustomer;Reason;Resolved;Store;Agent;At\r\n"
        "Zoë Brandt;billing;1;North;Jane;2026-05-01\r\n".encode()
    )
    cli("import", str(path), "--new-store", "--new-agent")
    (row,) = everything(cli)
    assert (row["customer"], row["resolved"], row["at"]) == ("Zoë Brandt", True, "2026-05-01T12:00")


def test_times_with_an_offset_become_local_time(cli: Cli, tmp_path: Path) -> None:
    os.environ["TZ"], old = "UTC", os.environ.get("TZ")
    time.tzset()
    try:
        path = write(
            tmp_path / "in.csv",
            HEADER
            + "Ann,billing,yes,N,J,2026-05-01T10:00:00+02:00,,,,\n"
            + "Bob,billing,yes,N,J,2026-05-01 11:15+01,,,,\n"
            + "Cleo,billing,yes,N,J,2026-05-01T12:30Z,,,,\n"
            + "Dan,billing,yes,N,J,2026-05-01 13:45:10.75,,,,\n",
        )
        cli("import", str(path), "--new-store", "--new-agent")
    finally:
        if old is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = old
        time.tzset()
    assert sorted(r["at"] for r in everything(cli)) == [
        "2026-05-01T08:00",
        "2026-05-01T10:15",
        "2026-05-01T12:30",
        "2026-05-01T13:45",
    ]
    assert "13:45:10" in cli("export").stdout  # the seconds are kept, the fraction dropped


def test_later_resolution_and_follow_up_survive(cli: Cli, tmp_path: Path) -> None:
    path = write(
        tmp_path / "in.csv",
        HEADER.strip()
        + ",follow_up,resolved_at\n"
        + "Ann,billing,no,N,J,2026-05-01 10:00,,called back,,,2026-05-04,2026-05-03 09:00\n"
        + "Bob,billing,no,N,J,2026-05-02 10:00,,,,,2026-05-10,\n"
        + "Cleo,billing,yes,N,J,2026-05-02 11:00,,,,,2026-05-10,\n",
    )
    cli("import", str(path), "--new-store", "--new-agent")
    rows = {r["customer"]: r for r in everything(cli)}
    assert rows["Ann"]["status"] == "resolved later"
    assert rows["Ann"]["resolved_at"] == "2026-05-03T09:00"
    assert rows["Bob"]["status"] == "open" and rows["Bob"]["follow_up"] == "2026-05-10"
    assert rows["Cleo"]["follow_up"] is None  # resolved on the spot: nothing to follow up
    contradiction = write(
        tmp_path / "c.csv",
        HEADER.strip()
        + ",resolved_at\nAnn,billing,yes,N,J,2026-05-01 10:00,,,,,2026-05-02 10:00\n",
    )
    assert "column resolved_at" in cli.fails("import", str(contradiction), code=2).stderr


def test_a_later_resolution_imports_and_is_searched(cli: Cli, tmp_path: Path) -> None:
    path = write(
        tmp_path / "in.csv",
        HEADER.strip()
        + ",resolved_at,later_resolution\n"
        + "Ann,billing,no,N,J,2026-05-01 10:00,charged twice,voucher,,,"
        + "2026-05-03 09:00,'=courier refunded the quokka\n"
        + "Bob,billing,no,N,J,2026-05-02 10:00,charged twice,voucher,,,,\n",
    )
    cli("import", str(path), "--new-store", "--new-agent")
    rows = {r["customer"]: r for r in everything(cli)}
    assert rows["Ann"]["later_resolution"] == "=courier refunded the quokka"
    assert rows["Bob"]["later_resolution"] is None
    found = cli("search", "quokka", "--format", "json").json()
    assert [r["customer"] for r in found] == ["Ann"]
    assert len(cli("search", "voucher", "--format", "json").json()) == 2
    orphan = write(
        tmp_path / "orphan.csv",
        HEADER.strip() + ",later_resolution\nCleo,billing,no,N,J,2026-05-01 10:00,,,,,refunded\n",
    )
    stderr = cli.fails("import", str(orphan), code=2).stderr
    assert "line 2, column later_resolution" in stderr


def test_show_json_imports_as_it_is(cli: Cli, tmp_path: Path) -> None:
    incident = cli.add("Ann", resolved=False, at="2026-05-01 10:00", description="It broke")
    cli("resolve", str(incident), "--resolution", "Replaced it", "--at", "2026-05-02 09:00")
    shown = cli("show", str(incident), "--format", "json").json()
    assert shown["history"] and "checks" in shown
    path = write(tmp_path / "one.json", json.dumps([shown][0]))
    target = str(tmp_path / "other.db")
    cli("--db", target, "import", str(path), "--new-store", "--new-agent")
    [copied] = everything(cli, "--db", target)
    assert copied["later_resolution"] == "Replaced it"
    assert copied["resolved_at"] == "2026-05-02T09:00"
    assert {k: v for k, v in copied.items() if k != "checks"} == {
        k: v for k, v in shown.items() if k not in ("checks", "history")
    }


def test_training_sessions_import(cli: Cli, tmp_path: Path) -> None:
    path = write(
        tmp_path / "training.csv",
        "date,topic,kind,minutes,agents,store,trainer\n"
        "2026-03-10,De-escalation,role-play,90,Jane; Bob;jane,North,Rita\n"
        "2026-04-02,Refunds,new-material,30,Bob,,\n",
    )
    out = cli("import", str(path), "--new-agent", "--new-store").stdout
    assert "Imported 2 training sessions" in out
    rows = cli("training", "list", "--period", "2026", "--format", "json").json()
    assert rows == [
        {
            "id": 1,
            "on": "2026-03-10",
            "topic": "De-escalation",
            "kind": "roleplay",
            "minutes": 90,
            "agents": ["Bob", "Jane"],
            "store": "North",
            "trainer": "Rita",
        },
        {
            "id": 2,
            "on": "2026-04-02",
            "topic": "Refunds",
            "kind": "new-material",
            "minutes": 30,
            "agents": ["Bob"],
            "store": None,
            "trainer": None,
        },
    ]
    bad = write(
        tmp_path / "bad.csv", "date,topic,kind,minutes,agents\n2026-03-10,X,lecture,30,Bob\n"
    )
    assert "line 2, column kind" in cli.fails("import", str(bad), code=2).stderr
    json_path = write(tmp_path / "t.json", json.dumps(rows))
    target = str(tmp_path / "t.db")
    cli("--db", target, "import", str(json_path), "--new-agent", "--new-store")
    assert cli("--db", target, "training", "list", "-p", "2026", "--format", "json").json() == rows


def test_undo_takes_the_whole_import_out(cli: Cli, tmp_path: Path, sql: Sql) -> None:
    cli.add("Ann")
    before = counts(sql)
    path = write(
        tmp_path / "in.csv",
        HEADER
        + "Bob,refunds,yes,South,Tom,2026-05-01 10:00,,,,\n"
        + "Ann,billing,no,North,Jane,2026-05-02 10:00,,,,\n",
    )
    cli("import", str(path), "--new-store", "--new-agent")
    # The import is journalled compactly: a range of ids, not each one.
    payload = json.loads(sql.scalar("SELECT payload FROM journal ORDER BY id DESC LIMIT 1"))
    assert ["incident", {"from": 2, "to": 3}] in payload["inserted"]
    assert "Undid: import in.csv (2 incidents)" in cli("undo").stdout
    assert counts(sql) == before


def test_import_from_standard_input(cli: Cli) -> None:
    text = HEADER + "Ann,billing,yes,North,Jane,2026-05-01 10:00,,,,\n"
    assert (
        "from standard input" in cli("import", "-", "--new-store", "--new-agent", input=text).stdout
    )
    assert len(everything(cli)) == 1


@pytest.mark.no_database
def test_a_missing_file_is_reported_before_any_database_is_made(
    cli: Cli, tmp_path: Path, isolated: Path
) -> None:
    assert "No such file" in cli.fails("import", str(tmp_path / "nope.csv"), code=2).stderr
    assert not isolated.exists()
