"""`incidentlog export`: CSV and JSON that `import` reads back exactly; --redact; filters."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from incidentlog.core.money import MAX_CENTS
from incidentlog.core.vocabulary import REMEDIES, SEVERITIES
from incidentlog.records.recording import IncidentInput, add_incident, resolve_incident
from incidentlog.storage.database import Database
from tests.helpers import Cli

pytestmark = pytest.mark.backends

SPEC_COLUMNS = "customer,reason,resolved,store,agent,at,description,resolution,contact,channel"


def everything(cli: Cli, *db: str) -> list[dict[str, Any]]:
    return cli(*db, "list", "--from", "1900-01-01", "--format", "json").json()  # type: ignore[no-any-return]


def read_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_csv_has_the_spec_columns_in_recording_order(cli: Cli) -> None:
    cli.add("Ann Lee", at="2026-05-02 10:00:30", description="Charged twice", contact="a@x.org")
    first = cli.add(
        "Bob", resolved=False, at="2026-05-01 09:00", follow_up="2026-05-04", channel="phone"
    )
    cli("resolve", str(first), "--resolution", "Refund sent", "--at", "2026-05-03 12:00")
    out = cli("export").stdout
    assert out.splitlines()[0] == (
        SPEC_COLUMNS + ",id,follow_up,severity,remedy,cost,resolved_at,later_resolution"
    )
    rows = read_csv(out)
    assert [r["customer"] for r in rows] == ["Ann Lee", "Bob"]  # by id, not by time
    assert rows[0] == {
        "customer": "Ann Lee",
        "reason": "billing",
        "resolved": "yes",
        "store": "North",
        "agent": "Jane",
        "at": "2026-05-02 10:00:30",
        "description": "Charged twice",
        "resolution": "",
        "contact": "a@x.org",
        "channel": "",
        "id": "1",
        "follow_up": "",
        "severity": "",
        "remedy": "",
        "cost": "",
        "resolved_at": "",
        "later_resolution": "",
    }
    assert (rows[1]["resolved"], rows[1]["follow_up"], rows[1]["resolved_at"]) == (
        "no",
        "2026-05-04",
        "2026-05-03 12:00:00",
    )


def test_json_is_the_list_objects_with_seconds_kept(cli: Cli) -> None:
    cli.add("Ann", at="2026-05-02 10:00:30")
    cli.add("Bob", at="2026-05-01 09:00")
    exported = cli("export", "--format", "json").json()
    listed = sorted(everything(cli), key=lambda r: r["id"])
    assert [r["id"] for r in exported] == [1, 2]
    assert exported[0]["at"] == "2026-05-02T10:00:30" and listed[0]["at"] == "2026-05-02T10:00"
    for mine, theirs in zip(exported, listed, strict=True):
        assert {"severity", "remedy", "cost", "checks"} <= set(mine)
        shared = [k for k in mine if k in theirs and k != "at"]
        assert len(shared) >= 14
        assert {k: mine[k] for k in shared} == {k: theirs[k] for k in shared}


def test_filters_period_and_output_file(cli: Cli, tmp_path: Path) -> None:
    cli.add("Ann", store="North", at="2026-04-10 10:00")
    cli.add("Bob", store="South", at="2026-05-10 10:00", new_store=True)
    cli.add("Cleo", store="North", at="2026-05-11 10:00", resolved=False)
    assert [r["customer"] for r in read_csv(cli("export", "--store", "North").stdout)] == [
        "Ann",
        "Cleo",
    ]
    assert [r["customer"] for r in read_csv(cli("export", "-p", "2026-05").stdout)] == [
        "Bob",
        "Cleo",
    ]
    assert [r["customer"] for r in read_csv(cli("export", "--open").stdout)] == ["Cleo"]
    target = tmp_path / "out.csv"
    result = cli("export", "--output", str(target))
    assert result.stdout == "" and "Exported 3 incidents to" in result.stderr
    assert len(read_csv(target.read_text())) == 3
    assert target.stat().st_mode & 0o777 == 0o600  # customer data: the owner's only
    assert "exists" in cli.fails("export", "--output", str(target), code=1).stderr
    cli("export", "--output", str(target), "--force", "--store", "South")
    assert len(read_csv(target.read_text())) == 1
    assert "No store named" in cli.fails("export", "--store", "Nowhere", code=1).stderr
    assert "csv or json" in cli.fails("export", "--format", "table", code=2).stderr


def test_redact_gives_stable_pseudonyms_and_drops_contacts(cli: Cli) -> None:
    cli.add(
        "Ann Lee", contact="ann@example.com", description="Ann Lee says ann@example.com bounced"
    )
    cli.add("Bob", resolution="Called Bob back; Bobby was happy")
    later = cli.add("ann lee", contact="ann@example.com", at="2026-05-03 10:00", resolved=False)
    cli(
        "resolve", str(later), "--resolution", "Rang Ann Lee on 0161 496 0000", "--at", "2026-05-04"
    )
    rows = read_csv(cli("export", "--redact").stdout)
    assert rows[2]["later_resolution"] == "Rang Customer 1 on [phone]"
    assert [r["customer"] for r in rows] == ["Customer 1", "Customer 2", "Customer 1"]
    assert {r["contact"] for r in rows} == {""}
    assert rows[0]["description"] == "Customer 1 says [email] bounced"
    assert rows[1]["resolution"] == "Called Customer 2 back; Bobby was happy"
    again = read_csv(cli("export", "--redact").stdout)
    assert again == rows
    text = cli("export", "--redact", "--format", "json").stdout
    assert "Ann" not in text and "ann@" not in text


def test_training_export_round_trips(cli: Cli, tmp_path: Path) -> None:
    cli(
        "training",
        "add",
        "--topic",
        "De-escalation",
        "--kind",
        "roleplay",
        "--minutes",
        "90",
        "--agents",
        "Jane,Bob",
        "--on",
        "2026-03-10",
        "--store",
        "North",
        "--trainer",
        "Rita",
    )
    cli(
        "training",
        "add",
        "--topic",
        "Refunds",
        "--kind",
        "review",
        "--minutes",
        "20",
        "--agents",
        "Jane",
        "--on",
        "2026-04-02",
    )
    out = cli("export", "--kind", "training").stdout
    assert out.splitlines() == [
        "date,topic,kind,minutes,agents,store,trainer",
        "2026-03-10,De-escalation,roleplay,90,Bob;Jane,North,Rita",
        "2026-04-02,Refunds,review,20,Jane,,",
    ]
    listed = cli("training", "list", "-p", "2026", "--format", "json").json()
    assert cli("export", "--kind", "training", "--format", "json").json() == listed
    path = tmp_path / "t.csv"
    path.write_text(out)
    target = str(tmp_path / "copy.db")
    cli("--db", target, "import", str(path), "--new-agent", "--new-store")
    assert (
        cli("--db", target, "training", "list", "-p", "2026", "--format", "json").json() == listed
    )
    assert (
        "apply to incidents" in cli.fails("export", "--kind", "training", "--redact", code=2).stderr
    )


# -- the round trip ---------------------------------------------------------------------

NAMES = ["Ann Lee", "ann lee", "Zoë Brandt", "ZOE BRANDT", "Bob", "José  Álvarez", "Al"]
CONTACTS = [None, None, "ann@example.com", "ANN@example.com", "+44 7700 900123", "bob@x.org", "12"]
TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\x00")
    | st.sampled_from(["\n", "\r", ",", '"', ";", " "]),
    max_size=30,
)


@st.composite
def incidents(draw: st.DrawFn) -> dict[str, Any]:
    at = draw(
        st.datetimes(min_value=dt.datetime(2025, 1, 1), max_value=dt.datetime(2026, 5, 19, 23))
    ).replace(microsecond=0)
    # Whole minutes and one shared moment make ties that only the ids can order.
    at = draw(st.sampled_from([at, at.replace(second=0), dt.datetime(2026, 5, 1, 10)]))
    resolved = draw(st.booleans())
    later = None
    if not resolved and draw(st.booleans()):
        later = at + dt.timedelta(seconds=draw(st.integers(0, 3 * 86400)))
    return {
        "data": IncidentInput(
            customer=draw(st.sampled_from(NAMES)),
            contact=draw(st.sampled_from(CONTACTS)),
            reason=draw(st.sampled_from(["billing", "Late delivery", "late  delivery "])),
            resolved=resolved,
            store=draw(st.sampled_from(["North", "north", "Harbour St", "Harbor St"])),
            agent=draw(st.sampled_from(["Jane", "Jnae", "Bob"])),
            at=at,
            description=draw(TEXT),
            resolution=draw(TEXT),
            channel=draw(st.sampled_from([None, "phone", "In person", "e-mail"])),
            follow_up=draw(st.none() | st.dates(dt.date(2025, 1, 1), dt.date(2026, 12, 31))),
        ),
        "later": later,
        "later_text": draw(TEXT.filter(lambda t: t.strip() != "")),
        "severity": draw(st.sampled_from([None, *SEVERITIES])),
        "remedy": draw(st.sampled_from([None, *REMEDIES])),
        # Up to the largest amount accepted, and the cents a float cannot hold exactly.
        "cost_cents": draw(st.none() | st.integers(0, MAX_CENTS) | st.sampled_from([1, 10, 29])),
    }


def build(url: str, items: list[dict[str, Any]]) -> None:
    db = Database.from_option(url)
    try:
        with db.connect() as conn:
            for item in items:
                new = add_incident(conn, item["data"], new_store=True, new_agent=True)
                conn.run(
                    "UPDATE incident SET severity = :s, remedy = :r, cost_cents = :c "
                    "WHERE id = :id",
                    {
                        "s": item["severity"],
                        "r": item["remedy"],
                        "c": item["cost_cents"],
                        "id": new.incident["id"],
                    },
                )
                if item["later"] is not None:
                    resolve_incident(conn, new.incident["id"], item["later_text"], item["later"])
    finally:
        db.dispose()


def remedies(url: str) -> list[tuple[Any, ...]]:
    db = Database.from_option(url)
    try:
        with db.connect() as conn:
            return [
                (
                    r["severity"],
                    r["remedy"],
                    None if r["cost_cents"] is None else int(r["cost_cents"]),
                )
                for r in conn.rows("SELECT severity, remedy, cost_cents FROM incident ORDER BY id")
            ]
    finally:
        db.dispose()


TABLES = ("attendance", "training_session", "incident", "customer", "store", "agent", "reason")


@pytest.fixture
def postgres_pair(postgres_server: Any) -> Iterator[tuple[str, str]]:
    urls = (postgres_server.create_database(), postgres_server.create_database())
    yield urls
    for url in urls:
        postgres_server.drop_database(url)


@pytest.fixture(scope="module")
def empty_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty database at the current schema, copied for each example (migrating a new
    file each time would dominate the test's run time)."""
    path = tmp_path_factory.mktemp("template") / "empty.db"
    db = Database.from_option(str(path))
    db.connect().close()
    return path


@contextmanager
def fresh_databases(backend: str, request: pytest.FixtureRequest) -> Iterator[tuple[str, str]]:
    """A source and a target database, empty, on the backend under test."""
    if backend == "postgres":
        urls = request.getfixturevalue("postgres_pair")
        for url in urls:  # emptied for each example, ids starting at 1 again
            db = Database.from_option(url)
            with db.connect() as conn:
                conn.run(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE")
            db.dispose()
        yield urls
        return
    empty = request.getfixturevalue("empty_sqlite")
    with tempfile.TemporaryDirectory() as folder:
        copies = (Path(folder) / "source.db", Path(folder) / "target.db")
        for copy in copies:
            shutil.copyfile(empty, copy)
        yield str(copies[0]), str(copies[1])


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(items=st.lists(incidents(), max_size=8), fmt=st.sampled_from(["csv", "json"]))
def test_export_then_import_into_an_empty_database_round_trips_exactly(
    cli: Cli, backend: str, request: pytest.FixtureRequest, items: list[dict[str, Any]], fmt: str
) -> None:
    with fresh_databases(backend, request) as (source, target), tempfile.TemporaryDirectory() as d:
        build(source, items)
        path = Path(d) / f"export.{fmt}"
        cli("--db", source, "export", "--format", fmt, "--output", str(path))
        cli("--db", target, "import", str(path), "--new-store", "--new-agent")
        assert everything(cli, "--db", target) == everything(cli, "--db", source)
        assert (
            remedies(target)
            == remedies(source)
            == [(i["severity"], i["remedy"], i["cost_cents"]) for i in items]
        )
        again = cli("--db", target, "export", "--format", fmt).stdout  # the runner reads \r\n as \n
        assert again == path.read_bytes().decode().replace("\r\n", "\n")


def test_demo_export_import_gives_identical_list(cli: Cli, tmp_path: Path) -> None:
    cli("demo")
    original = everything(cli)
    for fmt in ("csv", "json"):
        path = tmp_path / f"all.{fmt}"
        cli("export", "--format", fmt, "--output", str(path))
        target = str(tmp_path / f"copy-{fmt}.db")
        cli("--db", target, "import", str(path), "--new-store", "--new-agent")
        copied = everything(cli, "--db", target)
        if fmt == "json":
            assert copied == original
        else:  # a CSV cell holds no list of check-backs: everything else comes back
            assert [{**r, "checks": []} for r in original] == copied
        again = cli("--db", target, "export", "--format", fmt).stdout
        if fmt == "json":
            assert again == path.read_text()
        else:
            assert again == path.read_text().replace("\r\n", "\n")
    exported = json.loads((tmp_path / "all.json").read_text())
    assert exported[0]["id"] == 1
    assert sum(len(r["checks"]) for r in exported) > 1000
    assert {r["severity"] for r in exported} == {"low", "medium", "high"}


def test_list_and_export_read_the_filter_options_alike(cli: Cli) -> None:
    cli.add("Ann", store="North", at="2026-04-10 10:00", reason="billing")
    cli.add(
        "Bob", store="South", at="2026-05-10 10:00", new_store=True, agent="Kim", new_agent=True
    )
    cli.add("Cleo", store="North", at="2026-05-11 10:00", resolved=False, contact="cleo@x.org")
    cli.add("Dan", store="North", at="2026-05-12 10:00", reason="delivery", new_reason=True)
    cases = [
        ["--from", "2026-05-01", "--to", "2026-05-11"],
        ["--period", "2026-05", "--store", "North"],
        ["--period", "2026", "--agent", "Kim"],
        ["--period", "2026", "--customer", "cleo@x.org"],
        ["--period", "2026", "--reason", "billing"],
        ["--period", "2026", "--open"],
    ]
    for options in cases:
        listed = sorted(r["customer"] for r in cli("list", *options, "-f", "json").json())
        exported = sorted(r["customer"] for r in cli("export", *options, "-f", "json").json())
        assert listed == exported, options
    assert sorted(
        r["customer"]
        for r in cli("list", "--period", "2026-05", "--store", "North", "-f", "json").json()
    ) == ["Cleo", "Dan"]
    assert "No reason named" in cli.fails("list", "--reason", "Nothing", code=1).stderr
    assert "No reason named" in cli.fails("export", "--reason", "Nothing", code=1).stderr
