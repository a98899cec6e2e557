"""`export --output` never writes over a database, and a failed write leaves nothing behind."""

from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from incidentlog.transfer import exporter
from tests.helpers import Cli


def test_export_over_the_live_database_is_refused_even_with_force(cli: Cli, isolated: Path) -> None:
    cli.add("Ann Lee")
    before = isolated.read_bytes()
    for extra in ((), ("--force",)):
        result = cli.fails("export", "-o", str(isolated), *extra, code=1)
        assert "database" in result.stderr.lower()
        assert len(result.stderr.strip().splitlines()) == 1
    assert isolated.read_bytes()[:16] == b"SQLite format 3\x00"
    assert isolated.read_bytes() == before
    assert cli("list", "--format", "json").json()[0]["customer"] == "Ann Lee"


def test_export_over_any_sqlite_file_is_refused(cli: Cli, tmp_path: Path) -> None:
    cli.add("Ann Lee")
    other = tmp_path / "other.data"  # a database whatever its name
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE t (x)")
    conn.close()
    cli.fails("export", "--output", str(other), "--force", code=1)
    assert other.read_bytes().startswith(b"SQLite format 3\x00")
    assert not list(tmp_path.glob("other.data.*"))


def test_export_over_an_ordinary_file_with_force_still_works(cli: Cli, tmp_path: Path) -> None:
    cli.add("Ann Lee")
    target = tmp_path / "out.csv"
    target.write_text("old\n")
    cli.fails("export", "-o", str(target), code=1)
    cli("export", "-o", str(target), "--force")
    assert "Ann Lee" in target.read_text()


class _FullDisk:
    """A file that fills the disk after a few bytes, as a real one would mid-export."""

    def __init__(self, real: Any) -> None:
        self.real = real
        self.written = 0

    def write(self, text: str) -> int:
        self.written += len(text)
        if self.written > 40:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return int(self.real.write(text))

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)


def test_a_full_disk_gives_one_line_and_leaves_no_file(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for n in range(5):
        cli.add(f"Customer Number {n}", description="x" * 50)
    real_open = exporter.open_private

    def full(path: Path) -> Any:
        return _FullDisk(real_open(path))

    monkeypatch.setattr(exporter, "open_private", full)
    target = tmp_path / "out" / "incidents.csv"
    target.parent.mkdir()
    result = cli.fails("export", "-o", str(target), code=1)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "full" in lines[0].lower() and str(target) in lines[0]
    assert "Errno" not in result.stderr
    assert list(target.parent.iterdir()) == []


def test_export_to_dev_full_is_one_clear_line(cli: Cli) -> None:
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full here")
    cli.add("Ann Lee")
    # Not a regular file: nothing to rename into it, so it is refused before writing.
    result = cli.fails("export", "-o", "/dev/full", "--force", code=1)
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Errno" not in result.stderr
