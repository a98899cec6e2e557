"""A throwaway PostgreSQL server for the test suite.

`PostgresServer` runs `initdb` and `pg_ctl` in a temporary directory, listening on a free
loopback port and a unix socket in that directory, with trust authentication. initdb refuses
to run as root, so under root the server belongs to the `postgres` system user (created by
Debian's `postgresql` package) and its commands run through `runuser`; otherwise they run
as the current user.

Each test gets a database of its own, copied from a template that already holds the current
schema (`CREATE DATABASE ... TEMPLATE`), which takes milliseconds instead of a migration.
"""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

SUPERUSER = "incidentlog"
TEMPLATE = "incidentlog_template"
REQUIRE_ENV = "INCIDENTLOG_REQUIRE_POSTGRES"


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL server could be started here; the message says why."""


def required() -> bool:
    return os.environ.get(REQUIRE_ENV, "") not in ("", "0")


def find_bindir() -> Path:
    """Where initdb and pg_ctl live: PG_BINDIR, PATH, then Debian's versioned directories."""
    override = os.environ.get("PG_BINDIR")
    if override:
        return Path(override)
    on_path = shutil.which("initdb")
    if on_path:
        return Path(on_path).parent
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: (
            int(Path(p).parent.parent.name) if Path(p).parent.parent.name.isdigit() else 0
        ),
    )
    if candidates:
        return Path(candidates[-1]).parent
    raise PostgresUnavailable(
        "initdb not found (install the `postgresql` package or set PG_BINDIR)"
    )


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PostgresServer:
    def __init__(self) -> None:
        self.bindir = find_bindir()
        self.run_as: str | None = None
        if os.geteuid() == 0:
            try:
                pwd.getpwnam("postgres")
            except KeyError as exc:
                raise PostgresUnavailable(
                    "running as root and there is no `postgres` user to run initdb as"
                ) from exc
            if shutil.which("runuser") is None:
                raise PostgresUnavailable("running as root and `runuser` is missing")
            self.run_as = "postgres"
        # Under root the directory must be reachable by `postgres`: /tmp is, whatever TMPDIR says.
        base = "/tmp" if self.run_as and os.path.isdir("/tmp") else None
        self.root = Path(tempfile.mkdtemp(prefix="incidentlog-pg-", dir=base))
        self.data = self.root / "data"
        self.sockets = self.root
        self.log = self.root / "server.log"
        self.port = 0
        self.started = False
        self.version = 0
        self._names = itertools.count(1)
        if self.run_as:
            entry = pwd.getpwnam(self.run_as)
            os.chown(self.root, entry.pw_uid, entry.pw_gid)

    # -- processes -------------------------------------------------------------------------

    def _cmd(self, *args: str) -> list[str]:
        prefix = ["runuser", "-u", self.run_as, "--"] if self.run_as else []
        return [*prefix, *args]

    def _run(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            self._cmd(*args), capture_output=True, text=True, timeout=timeout, check=False
        )

    def start(self) -> None:
        initdb = self._run(
            str(self.bindir / "initdb"),
            "-D",
            str(self.data),
            "-U",
            SUPERUSER,
            "--auth=trust",
            "--encoding=UTF8",
            "--no-locale",
            "--no-sync",
        )
        if initdb.returncode != 0:
            raise PostgresUnavailable(f"initdb failed: {_tail(initdb.stderr or initdb.stdout)}")
        # A fresh port per attempt: another process may take the one we picked.
        for _attempt in range(5):
            self.port = free_port()
            options = (
                f"-h 127.0.0.1 -p {self.port} -k {self.sockets} "
                # Test data is disposable: skip the disk flushes that make a server slow.
                "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
                "-c max_connections=200 -c shared_buffers=64MB"
            )
            started = self._run(
                str(self.bindir / "pg_ctl"),
                "-D",
                str(self.data),
                "-l",
                str(self.log),
                "-o",
                options,
                "-w",
                "-t",
                "60",
                "start",
                timeout=90,
            )
            if started.returncode == 0:
                self.started = True
                break
        else:
            raise PostgresUnavailable(f"pg_ctl start failed: {_tail(self._log_text())}")
        self._make_template()

    def halt(self) -> None:
        """Stop the server, ending every connection at once, keeping its data for `resume`.

        `fast`, not `immediate`: this server runs with synchronous_commit=off, and an
        immediate stop may drop the last commits (a real server keeps them)."""
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "fast", "stop")

    def resume(self) -> None:
        """Start a halted server again on the same port."""
        options = (
            f"-h 127.0.0.1 -p {self.port} -k {self.sockets} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
            "-c max_connections=200 -c shared_buffers=64MB"
        )
        started = self._run(
            str(self.bindir / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.log),
            "-o",
            options,
            "-w",
            "-t",
            "60",
            "start",
            timeout=90,
        )
        if started.returncode != 0:
            raise PostgresUnavailable(f"pg_ctl start failed: {_tail(self._log_text())}")

    def stop(self) -> None:
        if self.started:
            self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop")
            self.started = False
        shutil.rmtree(self.root, ignore_errors=True)

    def _log_text(self) -> str:
        try:
            return self.log.read_text(errors="replace")
        except OSError:
            return "(no server log)"

    # -- databases -------------------------------------------------------------------------

    def url(self, dbname: str) -> str:
        return f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{self.port}/{dbname}"

    def admin(self, sql: str) -> object:
        """Run one statement as superuser on the `postgres` database, outside a transaction;
        returns the first column of its first row, if any."""
        import psycopg

        with psycopg.connect(
            host="127.0.0.1", port=self.port, user=SUPERUSER, dbname="postgres", autocommit=True
        ) as conn:
            cursor = conn.execute(sql)  # type: ignore[arg-type]
            row = cursor.fetchone() if cursor.description else None
            return row[0] if row else None

    def _make_template(self) -> None:
        from incidentlog.storage.database import Database

        self.version = int(str(self.admin("SHOW server_version_num")))
        self.admin(f"CREATE DATABASE {TEMPLATE}")
        db = Database(self.url(TEMPLATE))
        db.connect().close()  # creates the schema at HEAD
        db.dispose()

    def create_database(self, *, empty: bool = False) -> str:
        """A new database (with the current schema unless `empty`); returns its URL."""
        name = f"t{os.getpid()}_{next(self._names)}"
        template = "template0" if empty else TEMPLATE
        # FILE_COPY (PostgreSQL 15+) copies the few files directly instead of through the WAL.
        strategy = " STRATEGY FILE_COPY" if self.version >= 150000 else ""
        self.admin(f"CREATE DATABASE {name} TEMPLATE {template}{strategy}")
        return self.url(name)

    def drop_database(self, url: str) -> None:
        name = url.rsplit("/", 1)[1]
        self.admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _tail(text: str, lines: int = 8) -> str:
    return " | ".join(text.strip().splitlines()[-lines:]) or "(no output)"


def start_server() -> PostgresServer:
    """A running server, or PostgresUnavailable saying why not."""
    try:
        import psycopg  # noqa: F401
    except ModuleNotFoundError as exc:
        raise PostgresUnavailable(
            "psycopg is not installed: pip install 'incidentlog[postgres]'"
        ) from exc
    server = PostgresServer()
    try:
        server.start()
    except BaseException:
        server.stop()
        raise
    return server
