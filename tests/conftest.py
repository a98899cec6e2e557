"""Every test gets its own database, config file and a fixed "today".

Both backends
-------------
A test module runs on SQLite and on PostgreSQL by opting in with one line::

    pytestmark = pytest.mark.backends

(or `@pytest.mark.backends` on single tests). Each such test then runs twice, as
`test_x[sqlite]` and `test_x[postgres]`; the `backend` fixture says which, and for
PostgreSQL INCIDENTLOG_DB points at a fresh database of its own on a throwaway server that
`tests/pg.py` starts once per session (so going through `cli`, `factories` or
`Database.from_option(None)` reaches the right backend with no other change). Tests
that look at the SQLite file itself should not opt in. `sql` runs a query on whichever
backend is in use: `sql.scalar("SELECT COUNT(*) FROM incident")`.

Tests that need a PostgreSQL database of their own (upgrades, concurrency) use the
`postgres_server` fixture and are marked `@pytest.mark.postgres`.

Without a server (no PostgreSQL installed, no psycopg) the PostgreSQL tests skip with the
reason; with INCIDENTLOG_REQUIRE_POSTGRES=1 (set by .ci/run) they fail instead, and the run
fails if any of them was skipped. The summary at the end says how many of them ran.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests import pg
from tests.helpers import Cli

TODAY = "2026-05-20"  # a Wednesday
BACKENDS = ("sqlite", "postgres")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "backends: run this test on SQLite and on PostgreSQL (see tests/conftest.py)"
    )
    config.addinivalue_line(
        "markers",
        "no_database: INCIDENTLOG_DB names a file that does not exist yet (see tests/conftest.py)",
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if metafunc.definition.get_closest_marker("backends") is None:
        return
    metafunc.parametrize(
        "backend",
        [pytest.param(name, id=name, marks=_marks(name)) for name in BACKENDS],
        indirect=True,
    )


def _marks(name: str) -> list[pytest.MarkDecorator]:
    return [pytest.mark.postgres] if name == "postgres" else []


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    """ "sqlite" (the default) or "postgres" for tests marked `backends`."""
    return str(getattr(request, "param", "sqlite"))


_SERVER: dict[str, Any] = {}


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[pg.PostgresServer]:
    """One PostgreSQL server for the whole run, started on first use."""
    if "error" in _SERVER:
        _unavailable(_SERVER["error"])
    try:
        server = pg.start_server()
    except pg.PostgresUnavailable as exc:
        _SERVER["error"] = str(exc)
        _unavailable(str(exc))
    try:
        yield server
    finally:
        server.stop()


def _unavailable(reason: str) -> None:
    message = f"no PostgreSQL server could be started: {reason}"
    if pg.required():
        pytest.fail(f"{message} ({pg.REQUIRE_ENV} is set)", pytrace=False)
    pytest.skip(message)


@pytest.fixture
def postgres_url(postgres_server: pg.PostgresServer) -> Iterator[str]:
    """A fresh PostgreSQL database with the current schema, dropped afterwards."""
    url = postgres_server.create_database()
    try:
        yield url
    finally:
        postgres_server.drop_database(url)


@pytest.fixture(scope="session")
def empty_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty SQLite database at the current schema, made once and copied per test."""
    from incidentlog.storage.database import Database

    path = tmp_path_factory.mktemp("template") / "empty.db"
    db = Database("sqlite:///" + str(path))
    db.connect().close()
    db.dispose()
    return path


@pytest.fixture(autouse=True)
def isolated(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    backend: str,
    request: pytest.FixtureRequest,
) -> Path:
    """The test's database: INCIDENTLOG_DB names an empty database at the current schema.

    A database named explicitly must exist for read commands (only writers create one), so
    every test starts, like a till already set up, with an empty one. Tests of what happens
    before the first write are marked `no_database`: INCIDENTLOG_DB then names a file that
    does not exist yet.
    """
    db_path = tmp_path / "incidents.db"
    if backend == "postgres":
        monkeypatch.setenv("INCIDENTLOG_DB", request.getfixturevalue("postgres_url"))
    else:
        monkeypatch.setenv("INCIDENTLOG_DB", str(db_path))
        if request.node.get_closest_marker("no_database") is None:
            shutil.copyfile(request.getfixturevalue("empty_sqlite"), db_path)
            db_path.chmod(0o600)
    monkeypatch.setenv("INCIDENTLOG_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.setenv("INCIDENTLOG_TODAY", TODAY)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.setenv("COLUMNS", "200")
    return db_path


@pytest.fixture
def cli() -> Cli:
    return Cli()


class Sql:
    """Queries on the test's database (INCIDENTLOG_DB), whichever backend it is."""

    def __init__(self) -> None:
        self._databases: dict[str, Any] = {}  # one engine per URL, reused between queries

    def rows(self, query: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        from incidentlog.storage.database import Database, resolve_location

        url = resolve_location(None)
        db = self._databases.get(url)
        if db is None:
            db = self._databases[url] = Database(url)
        with db.connect() as conn:
            return conn.rows(query, params)

    def scalar(self, query: str, params: dict[str, Any] | None = None) -> Any:
        found = self.rows(query, params)
        return next(iter(found[0].values())) if found else None

    def close(self) -> None:
        for db in self._databases.values():
            db.dispose()


@pytest.fixture
def sql() -> Iterator[Sql]:
    queries = Sql()
    yield queries
    queries.close()


# -- PostgreSQL bookkeeping: how many PostgreSQL tests ran, and none may skip in CI ----------

_PG_OUTCOMES: dict[str, set[str]] = {"passed": set(), "failed": set(), "skipped": set()}


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if "postgres" not in report.keywords:
        return
    if report.skipped:
        _PG_OUTCOMES["skipped"].add(report.nodeid)
    elif report.failed:
        _PG_OUTCOMES["failed"].add(report.nodeid)
    elif report.when == "call":
        _PG_OUTCOMES["passed"].add(report.nodeid)


def _pg_counts() -> tuple[int, int, int]:
    failed = _PG_OUTCOMES["failed"]
    passed = _PG_OUTCOMES["passed"] - failed
    skipped = _PG_OUTCOMES["skipped"] - failed - passed
    return len(passed), len(failed), len(skipped)


@pytest.hookimpl(tryfirst=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    _passed, _failed, skipped = _pg_counts()
    if pg.required() and skipped and session.exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    passed, failed, skipped = _pg_counts()
    ran = passed + failed
    line = (
        f"PostgreSQL-backed tests: {ran} ran ({passed} passed, {failed} failed), {skipped} skipped"
    )
    terminalreporter.section("PostgreSQL", sep="-")
    terminalreporter.write_line(line)
    if pg.required() and skipped:
        terminalreporter.write_line(
            f"FAILED: {pg.REQUIRE_ENV} is set and {skipped} PostgreSQL test(s) skipped.", red=True
        )
