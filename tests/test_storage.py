"""Schema versions and upgrades, SQLite settings, db info/backup/upgrade."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine
from sqlmodel import SQLModel

from incidentlog.storage import schema, tables
from tests.helpers import Cli


def alembic_upgrade(path: Path, revision: str) -> None:
    from alembic import command
    from alembic.config import Config

    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        cfg = Config()
        cfg.set_main_option("script_location", str(schema.MIGRATIONS))
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
    engine.dispose()


def test_revisions_list_matches_the_migration_scripts() -> None:
    cfg_dir = ScriptDirectory(str(schema.MIGRATIONS))
    ordered = [s.revision for s in reversed(list(cfg_dir.walk_revisions()))]
    assert tuple(ordered) == schema.REVISIONS
    assert cfg_dir.get_current_head() == schema.HEAD


def test_migrations_build_exactly_the_models(cli: Cli, isolated: Path) -> None:
    cli("db", "info")
    engine = create_engine(f"sqlite:///{isolated}")
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, SQLModel.metadata)
    # FTS shadow tables and the like are the migrations' own business, not the models'.
    diff = [
        d
        for d in diff
        if not (d[0] == "remove_table" and d[1].name not in SQLModel.metadata.tables)
    ]
    assert diff == []
    assert tables.Incident.__tablename__ == "incident"


def test_fresh_file_gets_head_schema_wal_and_owner_only(cli: Cli, isolated: Path) -> None:
    cli.add("Ann")
    raw = sqlite3.connect(isolated)
    assert raw.execute("SELECT version_num FROM alembic_version").fetchone()[0] == schema.HEAD
    assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert isolated.stat().st_mode & 0o777 == 0o600


def test_old_file_is_upgraded_with_its_data(cli: Cli, tmp_path: Path) -> None:
    old = tmp_path / "old.db"
    alembic_upgrade(old, "0001")
    raw = sqlite3.connect(old)
    raw.executescript(
        """
        INSERT INTO store (id, name, key) VALUES (1, 'North', 'north');
        INSERT INTO agent (id, name, key) VALUES (1, 'Jane', 'jane');
        INSERT INTO reason (id, name, key) VALUES (1, 'billing', 'billing');
        INSERT INTO customer (id, name, name_key, key) VALUES (1, 'Ann', 'ann', 'name:ann');
        INSERT INTO incident (id, customer_id, reason_id, store_id, agent_id, resolved_on_spot,
            description, resolution, at, day, month, created_at, updated_at)
        VALUES (7, 1, 1, 1, 1, 1, 'old record', '', '2026-04-01 10:00:00.000000', '2026-04-01',
            '2026-04', '2026-04-01 10:00:00.000000', '2026-04-01 10:00:00.000000');
        """
    )
    raw.commit()
    raw.close()
    result = cli("--db", str(old), "db", "upgrade")
    assert f"from version 0001 to {schema.HEAD}" in result.stdout
    assert "up to date" in cli("--db", str(old), "db", "upgrade").stdout
    rows = cli("--db", str(old), "list", "--period", "2026-04", "--format", "json").json()
    assert [(r["id"], r["description"]) for r in rows] == [(7, "old record")]
    indexes = {
        r[0]
        for r in sqlite3.connect(old).execute("SELECT name FROM sqlite_master WHERE type='index'")
    }
    assert "ix_incident_agent_day" in indexes
    # the file as it was is kept beside it
    assert (tmp_path / f"old.db.before-{schema.HEAD}.bak").exists()
    cli(
        "--db", str(old), "undo", ok=False
    )  # the journal table exists now (nothing to undo: exit 1)


def test_any_command_upgrades_an_old_file(cli: Cli, tmp_path: Path) -> None:
    old = tmp_path / "old.db"
    alembic_upgrade(old, "0001")
    cli(
        "--db",
        str(old),
        "add",
        "Ann",
        "--reason",
        "x",
        "--resolved",
        "--store",
        "N",
        "--agent",
        "J",
    )
    assert (
        sqlite3.connect(old).execute("SELECT version_num FROM alembic_version").fetchone()[0]
        == schema.HEAD
    )


def test_newer_schema_is_refused(cli: Cli, isolated: Path) -> None:
    cli.add("Ann")
    raw = sqlite3.connect(isolated)
    raw.execute("UPDATE alembic_version SET version_num = '9999'")
    raw.commit()
    result = cli.fails("list", code=1)
    assert "newer than this incidentlog" in result.stderr


def test_not_a_database_is_a_clear_error(cli: Cli, tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_text("this is not sqlite" * 100)
    result = cli.fails("--db", str(junk), "list", code=1)
    assert "Cannot open" in result.stderr


def test_db_info(cli: Cli, isolated: Path) -> None:
    cli.add("Ann", at="2026-05-02 10:00")
    cli.add("Bob", at="2026-05-03 10:00")
    info = cli("db", "info", "--format", "json").json()
    assert info["location"] == str(isolated)
    assert info["backend"] == "sqlite" and info["schema_version"] == schema.HEAD
    assert info["incidents"] == 2 and info["customers"] == 2 and info["stores"] == 1
    assert (info["first_incident"], info["last_incident"]) == ("2026-05-02", "2026-05-03")
    assert "add incident #2" in info["last_change"]
    assert "schema version:" in cli("db", "info").stdout


def test_db_backup_is_a_consistent_openable_copy(cli: Cli, tmp_path: Path) -> None:
    cli.add("Ann")
    target = tmp_path / "copy.db"
    assert "Backed up to" in cli("db", "backup", str(target)).stdout
    rows = cli("--db", str(target), "list", "--format", "json").json()
    assert [r["customer"] for r in rows] == ["Ann"]
    assert sqlite3.connect(target).execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert "exists" in cli.fails("db", "backup", str(target), code=1).stderr
    cli("db", "backup", str(target), "--force")


def test_db_url_forms(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "url.db"
    cli(
        "--db",
        f"sqlite:///{path}",
        "add",
        "Ann",
        "--reason",
        "x",
        "--resolved",
        "--store",
        "N",
        "--agent",
        "J",
    )
    assert path.exists()
    assert "Unsupported database" in cli.fails("--db", "mysql://x/y", "list", code=2).stderr


def test_config_db_key_is_used(cli: Cli, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("INCIDENTLOG_DB")
    path = tmp_path / "fromconfig.db"
    cli("config", "set", "db", str(path))
    cli.add("Ann")
    assert path.exists()
