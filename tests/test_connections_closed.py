"""A command leaves no connection behind on the server when it ends.

Each command runs in its own process from a shell, where the process's end would close
anything left open; but a till's program, a scheduler or the benchmark's tills run the
commands again and again in one process, and a pooled connection left to the garbage
collector filled the server's `max_connections` with 50 tills.
"""

from __future__ import annotations

import gc
import os

import pytest

from tests.helpers import Cli

pytestmark = pytest.mark.postgres


def _others(url: str) -> int:
    import psycopg

    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as conn:
        row = conn.execute(
            "SELECT COUNT(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchone()
    assert row is not None
    return int(row[0])


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
def test_commands_run_again_and_again_keep_no_connection_open(backend: str) -> None:
    url = os.environ["INCIDENTLOG_DB"]
    cli = Cli()
    gc.disable()  # what the collector would close by chance must already be closed
    try:
        cli.add("Ann Lee", new_store=True, new_agent=True)
        for n in range(5):
            cli.add(f"Customer {n}")
            cli("list", "--format", "json")
            cli("report", "store")
            cli("summary")
        assert _others(url) == 0
    finally:
        gc.enable()
