"""Input that attacks: numbers out of range, bytes that are not UTF-8, database URLs that
would leak a password, and names that carry terminal commands. Each gives one clear line and
exit 2 (or is shown inert), never a traceback, and writes nothing.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.main import get_command

from incidentlog.cli.main import app
from tests.conftest import Sql
from tests.helpers import Cli, Result

BIG = [str(2**63), str(2**80), str(-(2**63) - 1), "9" * 5000]


def one_clean_line(result: Result) -> str:
    output = result.stdout + result.stderr
    assert "Traceback" not in output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: ")
    return lines[0]


# -- numbers out of range --------------------------------------------------------------------


def int_parameters() -> list[tuple[list[str], str]]:
    """Every whole-number option and argument of every command, as (command path, name)."""
    found: list[tuple[list[str], str]] = []

    def walk(command: Any, path: list[str]) -> None:
        for param in command.params:
            if "int" in type(param.type).__name__.lower():
                opts = [o for o in param.opts if o.startswith("--")]
                found.append((path, opts[0] if opts else param.name))
        for name, sub in (getattr(command, "commands", None) or {}).items():
            walk(sub, [*path, name])

    walk(get_command(app), [])
    return found


INT_PARAMETERS = int_parameters()


def test_the_walk_finds_the_int_parameters() -> None:
    named = {(" ".join(path), name) for path, name in INT_PARAMETERS}
    for expected in [
        ("show", "incident_id"),
        ("list", "--limit"),
        ("search", "--limit"),
        ("report training", "session_id"),
        ("repeat-customers", "--min-incidents"),
        ("training add", "--minutes"),
    ]:
        assert expected in named, named


@pytest.mark.parametrize(
    ("path", "name"), INT_PARAMETERS, ids=[f"{' '.join(p)} {n}" for p, n in INT_PARAMETERS]
)
@pytest.mark.parametrize("value", [str(2**63), "9" * 5000], ids=["2^63", "5000 digits"])
def test_every_int_parameter_refuses_a_number_beyond_64_bits(
    cli: Cli, path: list[str], name: str, value: str
) -> None:
    args = [*path, name, value] if name.startswith("--") else [*path, value]
    result = cli.fails(*args, code=2)
    line = one_clean_line(result)
    label = name if name.startswith("--") else "ID"
    assert label in line or "TRAINING_ID" in line, line
    assert ("too large" in line) and len(line) < 300, line


@pytest.mark.backends
@pytest.mark.parametrize("value", BIG, ids=["2^63", "2^80", "-2^63-1", "5000 digits"])
@pytest.mark.parametrize(
    "args",
    [
        ["show", "{}"],
        ["edit", "{}", "--store", "North"],
        ["resolve", "{}", "--resolution", "called back"],
        ["delete", "{}", "--yes"],
        ["list", "--limit", "{}"],
        ["search", "late", "--limit", "{}"],
        ["customers", "list", "--limit", "{}"],
        ["report", "training", "{}"],
        ["report", "reasons", "--top", "{}"],
        ["repeat-customers", "--min-incidents", "{}"],
        ["repeat-customers", "--min-agents", "{}"],
        ["training", "add", "--topic", "Calm", "--kind", "review", "--minutes", "{}",
         "--agents", "Jane"],
    ],
    ids=lambda a: " ".join(x for x in a[:2] if x != "{}"),
)  # fmt: skip
def test_numbers_out_of_range_are_bad_input(
    cli: Cli, sql: Sql, args: list[str], value: str
) -> None:
    cli.add("Ann Lee", resolved=False)
    before = sql.scalar("SELECT COUNT(*) FROM journal")
    at = args.index("{}")
    if args[at - 1].startswith("--"):
        argv = [value if a == "{}" else a for a in args]
    else:  # an argument: after `--`, so that a negative number is not read as an option
        argv = [*args[:at], *args[at + 1 :], "--", value]
    line = one_clean_line(cli.fails(*argv, code=2))
    # the option's own lower bound may speak first for a negative number
    assert any(words in line for words in ("too large", "too small", "not in the range")), line
    assert sql.scalar("SELECT COUNT(*) FROM journal") == before


def test_the_largest_id_is_simply_not_found(cli: Cli) -> None:
    line = one_clean_line(cli.fails("show", str(2**63 - 1), code=1))
    assert f"#{2**63 - 1}" in line


# -- text that is not UTF-8 ------------------------------------------------------------------

NOT_UTF8 = "caf\udce9"  # how Python hands over the Latin-1 bytes b"caf\xe9" from argv


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["add", NOT_UTF8, "-r", "billing", "--resolved", "-s", "North", "-a", "Jane"],
         "'customer'"),
        (["add", "Ann", "-r", "billing", "--resolved", "-s", NOT_UTF8, "-a", "Jane",
          "--new-store"], "'--store'"),
        (["add", "Ann", "-r", "billing", "--resolved", "-s", "North", "-a", "Jane",
          "--description", NOT_UTF8], "'--description'"),
        (["training", "add", "--topic", NOT_UTF8, "--kind", "review", "--minutes", "30",
          "--agents", "Jane"], "'--topic'"),
        (["search", NOT_UTF8], "'TEXT'"),
        (["list", "--period", NOT_UTF8], "'--period'"),
        (["--db", f"/tmp/{NOT_UTF8}.db", "add", "Ann", "-r", "billing", "--resolved",
          "-s", "North", "-a", "Jane"], "'--db'"),
        (["import", f"{NOT_UTF8}.csv"], "'FILE'"),
        (["config", "set", "store", NOT_UTF8], "'value'"),
    ],
    ids=lambda v: v if isinstance(v, str) else " ".join(v[:2]),
)  # fmt: skip
def test_text_that_is_not_utf8_is_refused_naming_the_argument(
    cli: Cli, sql: Sql, tmp_path: Path, args: list[str], named: str
) -> None:
    result = cli.fails(*args, code=2)
    line = one_clean_line(result)
    assert named in line and "not valid UTF-8" in line, line
    assert "\\xe9" in line  # the byte is shown, not dropped
    assert sql.scalar("SELECT COUNT(*) FROM incident") == 0
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("config")) == []


def test_bytes_argv_from_a_shell_are_refused_before_any_write(tmp_path: Path) -> None:
    db = tmp_path / "bytes.db"
    env = {**os.environ, "INCIDENTLOG_DB": str(db), "LC_ALL": "C.UTF-8", "PYTHONUTF8": "1"}
    argv = [sys.executable.encode(), b"-m", b"incidentlog", b"add", b"\xff\xfeAnn", b"-r",
            b"billing", b"--resolved", b"-s", b"North", b"-a", b"Jane"]  # fmt: skip
    done = subprocess.run(argv, env=env, capture_output=True, timeout=60)
    stderr = done.stderr.decode("utf-8")
    assert done.returncode == 2, stderr
    assert stderr.startswith("Error: ") and len(stderr.strip().splitlines()) == 1, stderr
    assert "'customer'" in stderr and "\\xff\\xfeAnn" in stderr
    assert not db.exists()
    config = [
        b"config", b"set", b"store", b"\xffNorth"
    ]  # fmt: skip
    env["INCIDENTLOG_CONFIG"] = str(tmp_path / "config.toml")
    done = subprocess.run([*argv[:3], *config], env=env, capture_output=True, timeout=60)
    assert done.returncode == 2 and b"Traceback" not in done.stderr
    assert not list(tmp_path.glob("config.toml*"))


# -- the config file -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    ["North\x1b]0;pwned\x07", "A\rB", "tab\there", "line\nbreak", "del\x7f", 'q"uote\\'],
    ids=["escape", "cr", "tab", "newline", "del", "quote"],
)
def test_config_values_with_control_characters_keep_the_file_readable(
    cli: Cli, tmp_path: Path, value: str
) -> None:
    shown = cli("config", "set", "agent", value).stdout
    assert "\x1b" not in shown and "\x07" not in shown and "\r" not in shown
    path = tmp_path / "config.toml"
    import tomllib

    assert tomllib.loads(path.read_text("utf-8")) == {"agent": value.strip()}
    assert not (tmp_path / "config.toml.tmp").exists()
    # every later command still works, and the value is the one set
    cli("config", "list")
    cli("list")
    got = cli("config", "get", "agent").stdout.rstrip("\n")
    assert "\x1b" not in got and "\x7f" not in got


def test_an_unreadable_config_file_is_one_line_naming_it(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "config.toml"
    path.write_text('store = "North\x1b"\n')  # a raw control character: not TOML
    monkeypatch.delenv("INCIDENTLOG_DB")
    for args in (["config", "list"], ["config", "get", "store"], ["list"]):
        line = one_clean_line(cli.fails(*args, code=2))
        assert str(path) in line and "not valid TOML" in line, line
        assert "\x1b" not in line


# -- PostgreSQL URLs -------------------------------------------------------------------------

PASSWORD = "pa55w0rd"


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        (f"postgresql://till:{PASSWORD}@ss/w@db.example/shop", "'@'"),
        (f"postgresql://till:{PASSWORD}@@db.example/shop", "'@'"),
        (f"postgresql://till:{PASSWORD}@db.example:fivefour/shop", "cannot be read"),
        (f"postgresql://till:{PASSWORD}@db.example:99999/shop", "port 99999"),
        (f"postgresql://till:{PASSWORD}@db1.example,db2.example/shop", "several hosts"),
        (f"postgresql://till:{PASSWORD}@db1:5432,db2:5433/shop", "cannot be read"),
        (f"postgresql+psycopg://till:{PASSWORD}@[::1/shop", "cannot be read"),
        (f"postgres://ti/ll:{PASSWORD}@db.example/shop", "'/'"),
    ],
    ids=["at in password", "double at", "port", "port range", "hosts", "hosts and ports",
         "ipv6", "slash in user"],
)  # fmt: skip
@pytest.mark.parametrize("source", ["--db", "INCIDENTLOG_DB", "config set db"])
def test_a_misread_postgresql_url_is_one_line_without_the_password(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, url: str, problem: str, source: str
) -> None:
    if source == "--db":
        result = cli.fails("--db", url, "list", code=2)
    elif source == "INCIDENTLOG_DB":
        monkeypatch.setenv("INCIDENTLOG_DB", url)
        result = cli.fails("list", code=2)
    else:
        result = cli.fails("config", "set", "db", url, code=2)
    line = one_clean_line(result)
    assert problem in line and f"(from {source})" in line, line
    output = result.stdout + result.stderr
    for part in (PASSWORD, "pa55", "w0rd", "ss/w"):
        assert part not in output, output
    if source == "config set db":
        cli.fails("config", "get", "db", code=1)  # nothing was written


def test_config_shows_a_database_password_masked(cli: Cli) -> None:
    url = f"postgresql://till:{PASSWORD}@db.example:5433/shop"
    out = cli("config", "set", "db", url).stdout
    out += cli("config", "list").stdout + cli("config", "get", "db").stdout
    assert PASSWORD not in out
    assert out.count("till:***@db.example:5433/shop") == 3, out


# -- names that attack the reader ------------------------------------------------------------

TITLE = "\x1b]0;pwned\x07"
CLEAR = "\x1b[2J\x1b[H"
LINK = "\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\"
BIDI = "\u202eever\u202c"
UNSAFE = ("\x1b", "\x07", "\r", "\u202e", "\u202c", "\x9b")


@pytest.fixture
def hostile(cli: Cli) -> dict[str, str]:
    names = {
        "customer": f"Ann{TITLE}Lee [bold]x[/bold]",
        "store": f"North{CLEAR}",
        "agent": f"Jane{BIDI}",
        "reason": "late\x07\x9b31mdelivery",
        "description": f"see {LINK} now\rOVERWRITTEN",
    }
    cli(
        "add", names["customer"], "-r", names["reason"], "--unresolved", "-s", names["store"],
        "-a", names["agent"], "--new-store", "--new-agent", "--description",
        names["description"], "--follow-up", "2026-05-25", "--at", "2026-05-18 10:00",
    )  # fmt: skip
    cli("add", names["customer"], "-r", names["reason"], "--resolved", "-s", names["store"],
        "-a", names["agent"], "--at", "2026-05-19 10:00")  # fmt: skip
    cli("training", "add", "--topic", f"Calm{TITLE}", "--kind", "review", "--minutes", "30",
        "--agents", names["agent"], "--on", "2026-05-12", "--store", names["store"])  # fmt: skip
    return names


def assert_inert(output: str) -> None:
    for ch in UNSAFE:
        assert ch not in output, (ch, output)


TEXT_COMMANDS = [
    ["list"],
    ["show", "1"],
    ["search", "click"],
    ["search", "see"],
    ["summary", "--week", "2026-W21"],
    ["customers", "list"],
    ["repeat-customers", "--min-incidents", "2", "--period", "2026-05"],
    ["report", "reasons", "--period", "2026-05"],
    ["report", "store", "--period", "2026-05"],
    ["report", "agents", "--period", "2026-05"],
    ["report", "training-time", "--period", "2026-05"],
    ["training", "list", "--period", "2026-05"],
    ["follow-ups"],
    ["db", "info"],
]


@pytest.mark.backends
def test_escape_sequences_in_names_are_shown_inert_everywhere(
    cli: Cli, hostile: dict[str, str]
) -> None:
    for args in TEXT_COMMANDS:
        result = cli(*args)
        assert_inert(result.stdout + result.stderr)
        assert "\\x1b" in result.stdout or "\\x07" in result.stdout or "\\u202e" in result.stdout, (
            args,
            result.stdout,
        )
    shown = cli("show", "1").stdout
    assert "Ann\\x1b]0;pwned\\x07Lee [bold]x[/bold]" in shown  # markup printed as typed
    assert "\\x1b]8;;https://evil.example" in shown and "now\\x0dOVERWRITTEN" in shown
    listed = cli("list").stdout
    assert "North\\x1b[2J\\x1b[H" in listed and "Jane\\u202eever\\u202c" in listed
    assert "late\\x07\\x9b31mdelivery" in listed


@pytest.mark.backends
def test_csv_and_json_keep_the_real_text(cli: Cli, hostile: dict[str, str]) -> None:
    rows = cli("list", "--format", "json").json()
    assert {row["customer"] for row in rows} == {hostile["customer"]}
    assert rows[-1]["description"] == hostile["description"]
    listed = cli("list", "--format", "csv").stdout
    assert hostile["store"] in listed and hostile["customer"] in listed


def test_messages_that_echo_input_are_inert(cli: Cli, hostile: dict[str, str]) -> None:
    for args in (
        ["list", "--period", f"may{TITLE}"],
        ["report", "store", "--store", f"Nowhere{CLEAR}"],
        ["add", f"Bob{TITLE}", "-r", "billing", "--resolved", "-s", "North", "-a", "Jane"],
        ["resolve", "1", "--resolution", f"called {LINK}"],
    ):
        result = cli(*args, ok=False)
        assert result.exit_code in (0, 1, 2)
        assert_inert(result.stdout + result.stderr)


def test_the_terminal_itself_gets_no_escape(hostile: dict[str, str]) -> None:
    """Through a real pseudo-terminal, with colour: only the program's own styling escapes."""
    import pty

    env = {**os.environ, "COLUMNS": "200"}
    env.pop("NO_COLOR", None)
    for args in (["list"], ["show", "1"], ["report", "reasons", "--period", "2026-05"]):
        pid, fd = pty.fork()
        if pid == 0:  # pragma: no cover - the child
            os.execvpe(sys.executable, [sys.executable, "-m", "incidentlog", *args], env)
        chunks = []
        while True:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            chunks.append(chunk)
        os.waitpid(pid, 0)
        out = b"".join(chunks).decode("utf-8", "replace")
        assert "pwned" in out or "delivery" in out, out
        assert "\x1b]" not in out and "\x07" not in out and "\x1b[2J" not in out, out
        assert "\u202e" not in out and "\x9b" not in out


# -- db info in every format -----------------------------------------------------------------


@pytest.mark.backends
def test_db_info_honours_the_format(cli: Cli) -> None:
    cli.add("Ann Lee")
    document = json.loads(cli("db", "info", "--format", "json").stdout)
    rows = list(csv.DictReader(io.StringIO(cli("db", "info", "--format", "csv").stdout)))
    assert len(rows) == 1
    assert list(rows[0]) == list(document)
    assert rows[0]["incidents"] == "1" and document["incidents"] == 1
    assert rows[0]["backend"] == document["backend"]
    table = cli("db", "info").stdout
    assert "incidents:" in table and "training sessions: 0" in table
    assert "Unknown format" in cli.fails("db", "info", "--format", "xml", code=2).stderr


def test_a_carriage_return_inside_a_line_is_shown_one_ending_a_line_is_not(cli: Cli) -> None:
    cli.add("Ann Lee", description="paid twice\r\nrefund promised\rNOTHING OWED")
    shown = cli("show", "1").stdout
    assert "refund promised\\x0dNOTHING OWED" in shown
    assert "paid twice\\x0d" not in shown


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["--db", "in\x00cidents.db", "list"], "'--db'"),
        (["--today", "2026\x0005-20", "list"], "'--today'"),
        (["import", "in\x00cidents.csv"], "'FILE'"),
        (["export", "--output", "out\x00.csv"], "'--output'"),
        (["db", "backup", "copy\x00.db"], "'FILE'"),
    ],
    ids=["db", "today", "import", "export", "backup"],
)
def test_a_nul_in_a_path_or_global_option_is_bad_input(
    cli: Cli, args: list[str], named: str
) -> None:
    """No shell can pass a NUL, but a program calling the CLI can; paths cannot hold one."""
    line = one_clean_line(cli.fails(*args, code=2))
    assert named in line and "NUL character" in line and "\\x00" in line, line


@pytest.mark.parametrize("bad", ["\x00", NOT_UTF8])
@pytest.mark.parametrize("source", ["--db", "config set db"])
def test_a_refused_url_argument_is_echoed_masked(cli: Cli, bad: str, source: str) -> None:
    url = f"postgresql://till:{PASSWORD}{bad}@db.example/shop"
    if source == "--db":
        result = cli.fails("--db", url, "list", code=2)
    else:
        result = cli.fails("config", "set", "db", url, code=2)
    line = one_clean_line(result)
    assert "till:***@db.example/shop" in line, line
    assert "pa55" not in line and "w0rd" not in line
