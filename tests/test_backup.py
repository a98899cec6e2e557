"""`db backup` copies only a sound database, checks its copy, and never leaves a torn file
or writes over a live database; writes to a damaged file are refused."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from tests.helpers import Cli


def fill(cli: Cli, tmp_path: Path, rows: int = 3000) -> None:
    csv = tmp_path / "rows.csv"
    with csv.open("w") as fh:
        fh.write("customer,reason,resolved,store,agent,at,description\n")
        for i in range(rows):
            fh.write(
                f"Customer {i % 400},reason {i % 6},yes,Store {i % 4},Agent {i % 7},"
                f"2026-0{1 + i % 4}-{1 + i % 28:02d} 10:{i % 60:02d},a description {i} {'x' * 80}\n"
            )
    cli("import", str(csv), "--new-store", "--new-agent")


def corrupt(path: Path) -> None:
    """Scribble over pages in the middle of the file, as a failing disk or a stray write would."""
    raw = sqlite3.connect(path)
    page_size = raw.execute("PRAGMA page_size").fetchone()[0]
    pages = raw.execute("PRAGMA page_count").fetchone()[0]
    raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    raw.close()
    assert pages > 40
    with path.open("r+b") as fh:
        for page in range(pages // 3, pages // 3 + 6):
            fh.seek(page * page_size + 8)
            fh.write(os.urandom(page_size // 2))
    check = sqlite3.connect(path)
    assert check.execute("PRAGMA quick_check").fetchone()[0] != "ok"
    check.close()


def leftovers(folder: Path, keep: set[str]) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name not in keep)


def test_a_damaged_database_is_not_backed_up(cli: Cli, isolated: Path, tmp_path: Path) -> None:
    fill(cli, tmp_path)
    corrupt(isolated)
    backups = tmp_path / "backups"
    backups.mkdir()
    good = backups / "yesterday.db"
    good.write_bytes(b"a good copy from yesterday")
    result = cli.fails("db", "backup", str(good), "--force", code=1)
    assert "fails its integrity check" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert good.read_bytes() == b"a good copy from yesterday"
    assert leftovers(backups, {"yesterday.db"}) == []


def test_writes_to_a_damaged_database_are_refused(cli: Cli, isolated: Path, tmp_path: Path) -> None:
    fill(cli, tmp_path)
    corrupt(isolated)
    before = isolated.read_bytes()
    result = cli.fails(
        "add", "Zed", "--reason", "billing", "--resolved", "--store", "Store 1",
        "--agent", "Agent 1", code=1,
    )  # fmt: skip
    assert "fails its integrity check" in result.stderr and "nothing was changed" in result.stderr
    assert isolated.read_bytes() == before
    wal = Path(str(isolated) + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0


def test_the_backup_is_checked_and_keeps_no_temporary_file(cli: Cli, tmp_path: Path) -> None:
    fill(cli, tmp_path, rows=200)
    folder = tmp_path / "backups"
    folder.mkdir()
    target = folder / "copy.db"
    cli("db", "backup", str(target))
    assert leftovers(folder, {"copy.db"}) == []
    raw = sqlite3.connect(target)
    assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert raw.execute("SELECT COUNT(*) FROM incident").fetchone()[0] == 200
    raw.close()
    # an earlier backup, replaced with --force by a checked copy
    cli.add("One more")
    cli("db", "backup", str(target), "--force")
    assert sqlite3.connect(target).execute("SELECT COUNT(*) FROM incident").fetchone()[0] == 201


def test_a_killed_backups_temporary_file_is_removed_by_the_next(cli: Cli, tmp_path: Path) -> None:
    cli.add("Ann")
    folder = tmp_path / "backups"
    folder.mkdir()
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    stale = folder / f".copy.db.{gone.stdout.strip()}.backup-partial"
    stale.write_bytes(b"SQLite format 3\x00" + b"\x00" * 5000)  # what SIGKILL leaves
    cli("db", "backup", str(folder / "copy.db"))
    assert leftovers(folder, set()) == ["copy.db"]


def test_a_failed_backup_leaves_nothing(cli: Cli, tmp_path: Path) -> None:
    cli.add("Ann")
    folder = tmp_path / "full"
    folder.mkdir()
    # The target name is taken by a folder: the rename fails after the copy was written.
    (folder / "copy.db").mkdir()
    result = cli.fails("db", "backup", str(folder / "copy.db"), "--force", code=1)
    assert len(result.stderr.strip().splitlines()) == 1
    assert leftovers(folder, {"copy.db"}) == []


def test_the_backup_never_writes_over_a_live_database(
    cli: Cli, isolated: Path, tmp_path: Path
) -> None:
    cli.add("Ann")
    for target in (isolated, Path(str(isolated) + "-wal")):
        result = cli.fails("db", "backup", str(target), "--force", code=1)
        assert "cannot overwrite the database itself" in result.stderr
    other = tmp_path / "other.db"
    cli("--db", str(other), "add", "Bob", "--reason", "x", "--resolved", "--store", "N",
        "--agent", "J")  # fmt: skip
    holder = sqlite3.connect(other)  # another till has it open, mid-change
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("DELETE FROM journal")
    try:
        result = cli.fails("db", "backup", str(other), "--force", code=1)
        assert "database in use" in result.stderr
    finally:
        holder.rollback()
        holder.close()
    assert "Bob" in cli("--db", str(other), "list", "--format", "csv").stdout
