"""`incidentlog search`: full-text search of descriptions and resolutions, kept in sync."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import Sql
from tests.helpers import Cli


def found(cli: Cli, *args: str) -> list[int]:
    return [r["id"] for r in cli("search", *args, "--format", "json").json()]


@pytest.fixture
def cases(cli: Cli) -> dict[str, int]:
    return {
        "kettle": cli.add(
            "Ann",
            at="2026-04-02 10:00",
            description="Wanted a refund for the broken kettle",
            resolution="Issued a voucher of 10 pounds",
        ),
        "fee": cli.add(
            "Bob",
            at="2026-05-03 10:00",
            description="Delivery came a day late",
            resolution="Refunded the delivery fee",
        ),
        "lamp": cli.add(
            "Cleo", at="2026-05-04 10:00", description="Lamp flickers", resolution="Swapped it"
        ),
    }


@pytest.mark.backends
def test_every_word_must_match_as_a_word_or_its_start(cli: Cli, cases: dict[str, int]) -> None:
    assert sorted(found(cli, "refund")) == sorted([cases["kettle"], cases["fee"]])
    assert found(cli, "refund", "voucher") == [cases["kettle"]]  # across both texts
    assert found(cli, "REFUNDED") == [cases["fee"]]
    assert found(cli, "lamp-flickers!") == [cases["lamp"]]  # punctuation is no syntax
    assert found(cli, "toaster") == []


@pytest.mark.backends
def test_json_objects_carry_a_highlighted_snippet(cli: Cli, cases: dict[str, int]) -> None:
    (row,) = cli("search", "kettle", "--format", "json").json()
    assert row["id"] == cases["kettle"] and row["customer"] == "Ann"
    assert row["description"] == "Wanted a refund for the broken kettle"
    assert row["snippet"] == "Wanted a refund for the broken **kettle**"
    (row,) = cli("search", "fee", "--format", "json").json()
    assert row["snippet"] == "Refunded the delivery **fee**"  # from the resolution
    table = cli("search", "refund").stdout
    assert 'Search "refund"' in table and "broken kettle" in table and "delivery fee" in table
    assert "[" not in table  # the highlighting is markup for the terminal, not text


@pytest.mark.backends
def test_matches_are_highlighted_on_a_colour_terminal(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    cli.add("Ann", description="Kettle [broken] again", resolution="Gave a [b]voucher[/b]")
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setenv("FORCE_COLOR", "1")
    table = cli("search", "kettle").stdout
    assert "\x1b[" in table and "[broken]" in table and "[b]voucher[/b]" in table


@pytest.mark.backends
def test_period_limit_and_ranking(cli: Cli, cases: dict[str, int]) -> None:
    assert found(cli, "refund", "--period", "2026-05") == [cases["fee"]]
    many = cli.add("Dee", at="2026-05-05 10:00", description="refund refund refund, now!")
    assert found(cli, "refund")[0] == many
    assert len(found(cli, "refund", "--limit", "2")) == 2
    assert "No incident mentions that" in cli("search", "nothing-like-it").stdout


@pytest.mark.backends
def test_bad_queries_are_usage_errors(cli: Cli) -> None:
    assert "Give a word" in cli.fails("search", "?!", code=2).stderr
    assert "Give a word" in cli.fails("search", "___", code=2).stderr
    assert "Cannot understand period" in cli.fails("search", "x", "-p", "soon", code=2).stderr


@pytest.mark.backends
def test_index_follows_edits_deletes_undo_and_imports(
    cli: Cli, cases: dict[str, int], tmp_path: Path, backend: str, sql: Sql
) -> None:
    cli("edit", str(cases["lamp"]), "--description", "Desk light flickers")
    assert found(cli, "lamp") == [] and found(cli, "desk") == [cases["lamp"]]
    cli("delete", str(cases["kettle"]), "--yes")
    assert found(cli, "kettle") == []
    cli("undo")
    assert found(cli, "kettle") == [cases["kettle"]]
    rows = "".join(
        f"Cust {n},billing,yes,North,Jane,2026-04-{n % 28 + 1:02d} 10:00,Toaster number {n},,,\n"
        for n in range(300)
    )
    path = tmp_path / "in.csv"
    path.write_text(
        "customer,reason,resolved,store,agent,at,description,resolution,contact,channel\n" + rows
    )
    cli("import", str(path))
    assert len(found(cli, "toaster")) == 300
    assert found(cli, "toaster", "number", "123") == [found(cli, "kettle")[0] + 3 + 123]
    if backend == "sqlite":
        sql.scalar("INSERT INTO incident_fts (incident_fts) VALUES ('integrity-check')")
        assert (
            sql.scalar("SELECT COUNT(*) FROM sqlite_master WHERE name = 'incident_fts_insert'") == 1
        )  # the trigger the bulk import set aside is back
    cli("undo")
    assert found(cli, "toaster") == []
    cli.add("Eve", description="Another toaster")
    assert len(found(cli, "toaster")) == 1


def test_accents_do_not_matter_on_sqlite(cli: Cli) -> None:
    # (PostgreSQL's 'simple' text search configuration keeps accents.)
    incident = cli.add("Zoë", description="Spilt coffee in the café")
    assert found(cli, "cafe") == [incident]
    assert found(cli, "CAFÉ") == [incident]
    street = cli.add("Jörg", description="Lives on the Hauptstraße")
    assert found(cli, "hauptstraße") == [street]


def test_an_older_database_gets_its_incidents_indexed_on_upgrade(cli: Cli, tmp_path: Path) -> None:
    import sqlite3

    from alembic import command
    from alembic.config import Config
    from sqlalchemy import create_engine

    from incidentlog.storage import schema

    old = tmp_path / "old.db"
    engine = create_engine(f"sqlite:///{old}")
    with engine.begin() as conn:
        cfg = Config()
        cfg.set_main_option("script_location", str(schema.MIGRATIONS))
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0002")
    engine.dispose()
    raw = sqlite3.connect(old)
    raw.executescript(
        """
        INSERT INTO store (id, name, key) VALUES (1, 'North', 'north');
        INSERT INTO agent (id, name, key) VALUES (1, 'Jane', 'jane');
        INSERT INTO reason (id, name, key) VALUES (1, 'billing', 'billing');
        INSERT INTO customer (id, name, name_key, key) VALUES (1, 'Ann', 'ann', 'name:ann');
        INSERT INTO incident (id, customer_id, reason_id, store_id, agent_id, resolved_on_spot,
            description, resolution, at, day, month, created_at, updated_at)
        VALUES (7, 1, 1, 1, 1, 1, 'kettle leaks', 'replaced', '2026-04-01 10:00:00.000000',
            '2026-04-01', '2026-04', '2026-04-01 10:00:00.000000', '2026-04-01 10:00:00.000000');
        """
    )
    raw.commit()
    raw.close()
    rows = cli("--db", str(old), "search", "kettle", "--format", "json").json()
    assert [r["id"] for r in rows] == [7]
