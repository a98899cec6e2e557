"""Customer names are personal data: files for their owner only, passwords never shown."""

from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from incidentlog.storage.database import mask_url
from tests import pg
from tests.helpers import Cli

# A working password with characters URL parsers trip over ('@' would need %40 to work).
SECRET = "s3cr/et:word"


@pytest.fixture
def open_umask() -> Iterator[None]:
    """The most permissive umask a user could have: the files must protect themselves."""
    old = os.umask(0)
    try:
        yield
    finally:
        os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_database_file_and_its_wal_are_owner_only(
    cli: Cli, isolated: Path, open_umask: None
) -> None:
    cli.add("Ann Lee")
    # A reader holding the file open keeps the -wal and -shm files in place to be checked.
    reader = sqlite3.connect(isolated)
    try:
        reader.execute("SELECT COUNT(*) FROM incident").fetchone()
        cli.add("Bob Stone")
        assert mode(isolated) == 0o600
        for suffix in ("-wal", "-shm"):
            companion = isolated.with_name(isolated.name + suffix)
            assert companion.exists()
            assert mode(companion) == 0o600, suffix
    finally:
        reader.close()


def test_database_in_a_new_directory_is_owner_only(
    cli: Cli, tmp_path: Path, open_umask: None
) -> None:
    path = tmp_path / "new" / "dir" / "shop.db"
    cli("--db", str(path), "add", "Ann", "--reason", "x", "--resolved", "--store", "N",
        "--agent", "J")  # fmt: skip
    assert mode(path) == 0o600
    assert mode(path.parent) == mode(path.parent.parent) == 0o700


def test_config_file_is_owner_only(cli: Cli, tmp_path: Path, open_umask: None) -> None:
    cli("config", "set", "store", "North")
    assert mode(tmp_path / "config.toml") == 0o600
    cli("config", "set", "agent", "Jane")  # rewritten, still owner-only
    assert mode(tmp_path / "config.toml") == 0o600


def test_copy_kept_before_a_schema_upgrade_is_owner_only(
    cli: Cli, tmp_path: Path, open_umask: None
) -> None:
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
        command.upgrade(cfg, schema.REVISIONS[0])
    engine.dispose()
    old.chmod(0o600)
    cli("--db", str(old), "db", "upgrade")
    kept = tmp_path / f"old.db.before-{schema.HEAD}.bak"
    assert kept.exists()
    assert mode(kept) == 0o600


def test_backup_is_owner_only(cli: Cli, tmp_path: Path, open_umask: None) -> None:
    cli.add("Ann Lee")
    cli("db", "backup", str(tmp_path / "copy.db"))
    assert mode(tmp_path / "copy.db") == 0o600


@pytest.mark.parametrize(
    ("url", "secret"),
    [
        ("postgresql+psycopg://till:hunter2@db.example/shop", "hunter2"),
        ("postgresql://till:hunter2@db.example:5433/shop", "hunter2"),
        (f"postgresql+psycopg://till:{SECRET}@db.example/shop", SECRET),
        ("postgresql+psycopg://till:pa@ss@db.example/shop", "pa@ss"),
        ("postgresql+psycopg://till:p%40ss%2Fword@db.example/shop", "p%40ss%2Fword"),
        ("postgresql+psycopg://till@db.example/shop?password=hunter2", "hunter2"),
        ("postgresql+psycopg://till@db.example/shop?sslmode=require&password=hunter2", "hunter2"),
    ],
)
def test_mask_url_hides_every_form_of_password(url: str, secret: str) -> None:
    masked = mask_url(url)
    assert secret not in masked
    for part in secret.replace("%", "/").replace("@", "/").split("/"):
        if len(part) > 1:
            assert part not in masked, masked
    assert "***" in masked
    assert "db.example" in masked and "till" in masked


def test_mask_url_leaves_urls_without_password_alone() -> None:
    assert mask_url("postgresql+psycopg://till@db.example/shop") == (
        "postgresql+psycopg://till@db.example/shop"
    )
    assert mask_url("sqlite:////home/ann/shop.db") == "sqlite:////home/ann/shop.db"


@pytest.mark.postgres
def test_db_info_never_prints_the_password(
    cli: Cli, postgres_server: pg.PostgresServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = postgres_server.create_database()
    try:
        # trust authentication accepts any password, so the URL works as given
        with_password = url.replace(f"{pg.SUPERUSER}@", f"{pg.SUPERUSER}:{SECRET}@")
        monkeypatch.setenv("INCIDENTLOG_DB", with_password)
        cli.add("Ann Lee")
        for args in (("db", "info"), ("db", "info", "--format", "json")):
            out = cli(*args).stdout
            assert "postgresql" in out
            assert "s3cr" not in out and "et:word" not in out, out
            assert "***" in out
    finally:
        postgres_server.drop_database(url)


def test_connection_errors_never_print_the_password(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    port = pg.free_port()  # nothing listens there
    monkeypatch.setenv(
        "INCIDENTLOG_DB", f"postgresql+psycopg://till:{SECRET}@127.0.0.1:{port}/shop"
    )
    result = cli.fails("db", "info", code=1)
    assert "Cannot connect" in result.stderr
    assert "s3cr" not in result.stderr + result.stdout
    assert "et:word" not in result.stderr + result.stdout
