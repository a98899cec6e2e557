"""Hostile input: whatever a clerk types or a file holds, no traceback, a clear exit code
(0, 1 or 2), and nothing half-written. Property-based (hypothesis) on both backends.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from incidentlog.core.dates import parse_day, parse_when
from incidentlog.core.errors import InvalidInput
from incidentlog.core.periods import parse_period
from tests.conftest import TODAY, Sql
from tests.helpers import Cli, Result

pytestmark = pytest.mark.backends

# Through the CLI each example costs a few commands; the parsers alone are cheap.
FUZZ = settings(
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
FUZZ_PARSER = settings(FUZZ, max_examples=300)

HOSTILE = [
    "'; DROP TABLE incident; --",
    "Robert'); DROP TABLE customer;--",
    "' OR '1'='1",
    '"; DELETE FROM journal; --',
    "%s %d %(name)s {0} {name} :name ? $1",
    "[/]",
    "[bold red]shout[/bold red]",
    "<script>alert(1)</script>",
    "NULL",
    "\\N",
    "a\x00b",
    "line\nbreak\r\nand\ttab",
    "\u202eRTL override\u202c",
    "zero\u200bwidth",
    "e\u0301 combining",
    "😀 🏪 emoji",
    "ＡＢＣ fullwidth",
    " ",
    "",
    "-",
    "--help",
    "x" * 201,
]

text = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=30))
names_ = st.one_of(st.sampled_from(["Jane", "North", "billing", "Ann Lee"]), text)
COUNTED = ("incident", "customer", "store", "agent", "reason", "training_session", "journal")


def counts(sql: Sql) -> dict[str, int]:
    query = "SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {t}) AS {t}" for t in COUNTED)
    return {k: int(v) for k, v in sql.rows(query)[0].items()}


def collapse(value: str) -> str:
    return " ".join(value.split())


def loose(value: str) -> str:
    """The spec's matching rule for names: case-, accent- and whitespace-insensitive."""
    decomposed = unicodedata.normalize("NFKD", collapse(value))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def check_outcome(result: Result, before: dict[str, int], after: dict[str, int]) -> None:
    """The rules for any command given any input."""
    output = result.stdout + result.stderr
    assert result.exit_code in (0, 1, 2), (result.exit_code, output)
    assert "Traceback" not in output
    if result.exit_code != 0:
        assert after == before, "a refused command changed the database"
        assert result.stderr.startswith("Error: "), result.stderr
        # Bad input is caught before it reaches the database.
        assert "Database error" not in result.stderr, result.stderr


# -- add -------------------------------------------------------------------------------------


@FUZZ
@given(
    customer=names_,
    reason=names_,
    store=names_,
    agent=names_,
    resolved=st.booleans(),
    description=st.one_of(st.none(), text),
    resolution=st.one_of(st.none(), text),
    contact=st.one_of(st.none(), text),
    channel=st.one_of(st.none(), st.sampled_from(["phone", "e-mail", "In Person"]), text),
    at=st.one_of(st.none(), st.sampled_from(["yesterday 15:30", "2 hours ago"]), text),
    follow_up=st.one_of(st.none(), text),
)
def test_add_with_any_text(
    cli: Cli,
    sql: Sql,
    customer: str,
    reason: str,
    store: str,
    agent: str,
    resolved: bool,
    description: str | None,
    resolution: str | None,
    contact: str | None,
    channel: str | None,
    at: str | None,
    follow_up: str | None,
) -> None:
    args = ["add", "--reason", reason, "--store", store, "--agent", agent]
    args += ["--resolved" if resolved else "--unresolved", "--new-store", "--new-agent"]
    for flag, value in (
        ("--description", description),
        ("--resolution", resolution),
        ("--contact", contact),
        ("--channel", channel),
        ("--at", at),
        ("--follow-up", follow_up),
    ):
        if value is not None:
            args += [flag, value]
    args += ["--", customer]  # after `--` a name may start with a dash
    before = counts(sql)
    result = cli(*args, ok=False)
    after = counts(sql)
    check_outcome(result, before, after)
    if result.exit_code == 0:
        assert after["incident"] == before["incident"] + 1
        shown = cli("show", str(result.new_id), "--format", "json").json()
        # Names match earlier ones case-, accent- and space-insensitively (the earlier
        # spelling is kept); a customer with a contact is whoever has that contact.
        if not (contact or "").strip():
            assert loose(shown["customer"]) == loose(customer)
        assert loose(shown["reason"]) == loose(reason)
        assert loose(shown["store"]) == loose(store)
        assert loose(shown["agent"]) == loose(agent)
        assert shown["description"] == (description or "").strip()


LITERAL = [h for h in HOSTILE if h.strip() and "\x00" not in h and len(h) <= 200 and h[0] != "-"]


@pytest.mark.parametrize("hostile", LITERAL)
def test_hostile_strings_are_stored_and_shown_literally(cli: Cli, sql: Sql, hostile: str) -> None:
    incident = cli(
        "add",
        "--reason",
        "billing",
        "--resolved",
        "--store",
        hostile,
        "--agent",
        hostile,
        "--new-store",
        "--new-agent",
        "--description",
        hostile,
        "--",
        hostile,
    ).new_id
    expected = collapse(hostile)
    shown = cli("show", str(incident), "--format", "json").json()
    assert (shown["customer"], shown["store"], shown["agent"]) == (expected,) * 3
    assert shown["description"] == hostile.strip()
    listed = cli("list", "--format", "json").json()
    assert [row["customer"] for row in listed] == [expected]
    rows = list(csv.DictReader(io.StringIO(cli("list", "--format", "csv").stdout)))
    assert rows[0]["customer"] == expected and rows[0]["store"] == expected
    table = cli("list").stdout
    if expected.isprintable() and len(expected) < 25:
        assert expected in table
    # every table is still there and holds what it should
    assert counts(sql) == {
        "incident": 1,
        "customer": 1,
        "store": 1,
        "agent": 1,
        "reason": 1,
        "training_session": 0,
        "journal": 1,
    }


@pytest.mark.parametrize(
    ("flag", "limit"),
    [("customer", 200), ("--store", 200), ("--agent", 200), ("--reason", 200),
     ("--contact", 200), ("--description", 5000), ("--resolution", 5000)],
)  # fmt: skip
def test_over_long_fields_are_refused_with_the_limit(
    cli: Cli, sql: Sql, flag: str, limit: int
) -> None:
    values = {
        "customer": "Ann Lee",
        "--reason": "billing",
        "--store": "North",
        "--agent": "Jane",
    }

    def args(value: str) -> list[str]:
        chosen = {**values, flag: value}
        out = ["add", chosen.pop("customer"), "--resolved", "--new-store", "--new-agent"]
        for key, item in chosen.items():
            out += [key, item]
        return out

    result = cli.fails(*args("x" * (limit + 1)), code=2)
    assert f"too long ({limit + 1} characters; at most {limit})" in result.stderr
    assert counts(sql)["incident"] == 0
    cli(*args("x" * limit))  # the limit itself is fine
    assert counts(sql)["incident"] == 1


@pytest.mark.parametrize("flag", ["customer", "--store", "--reason", "--description", "--contact"])
def test_nul_characters_are_refused_alike_on_every_backend(cli: Cli, sql: Sql, flag: str) -> None:
    """PostgreSQL cannot store NUL; refusing it everywhere keeps the backends in step."""
    values = {"customer": "Ann Lee", "--reason": "billing", "--store": "North", "--agent": "Jane"}
    values[flag] = "An\x00n"
    args = ["add", values.pop("customer"), "--resolved", "--new-store", "--new-agent"]
    for key, item in values.items():
        args += [key, item]
    result = cli.fails(*args, code=2)
    assert "NUL character" in result.stderr
    assert counts(sql)["incident"] == 0


# -- import ----------------------------------------------------------------------------------

HEADER = ["customer", "reason", "resolved", "store", "agent", "at", "description"]
cell = {
    "customer": st.one_of(st.sampled_from(["Ann Lee", "Bob Stone"]), text),
    "reason": st.one_of(st.sampled_from(["billing", "Late delivery"]), text),
    "resolved": st.one_of(st.sampled_from(["yes", "no", "TRUE", "0"]), text),
    "store": st.one_of(st.just("North"), text),
    "agent": st.one_of(st.just("Jane"), text),
    "at": st.one_of(st.sampled_from(["2026-05-01 10:00", "2026-04-30", "yesterday"]), text),
    "description": text,
}
csv_row = st.tuples(*(cell[c] for c in HEADER))


@FUZZ
@given(rows=st.lists(csv_row, min_size=1, max_size=6))
def test_import_with_any_cells(
    cli: Cli, sql: Sql, tmp_path: Path, rows: list[tuple[str, ...]]
) -> None:
    path = tmp_path / "fuzz.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADER)
        writer.writerows(rows)
    before = counts(sql)
    # Hypothesis replays rows across examples on one database: duplicates must still count.
    result = cli("import", str(path), "--new-store", "--new-agent", "--allow-duplicates", ok=False)
    after = counts(sql)
    check_outcome(result, before, after)
    if result.exit_code == 0:
        assert after["incident"] == before["incident"] + len(rows)
        assert after["journal"] == before["journal"] + 1  # one change, one undo step
    else:
        assert "line" in result.stderr or "file" in result.stderr, result.stderr


@FUZZ
@given(body=st.binary(max_size=300))
def test_import_of_any_bytes(cli: Cli, sql: Sql, tmp_path: Path, body: bytes) -> None:
    path = tmp_path / "fuzz.csv"
    path.write_bytes(",".join(HEADER).encode() + b"\n" + body)
    before = counts(sql)
    result = cli("import", str(path), "--new-store", "--new-agent", ok=False)
    check_outcome(result, before, counts(sql))


def write_bytes(path: Path, *lines: bytes) -> Path:
    path.write_bytes(b"".join(line + b"\n" for line in lines))
    return path


GOOD_LINE = b"Ann Lee,billing,yes,North,Jane,2026-05-01 10:00,fine"


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ((GOOD_LINE, b"B\xf6b Stone,billing,yes,North,Jane,2026-05-01 10:00,latin-1"),
         "line 3: the file is not UTF-8"),
        ((GOOD_LINE, GOOD_LINE, b"\xff\xfe\x00garbage"), "line 4: the file is not UTF-8"),
        ((GOOD_LINE, b'"Bob Stone,billing,yes,North,Jane,2026-05-01 10:00,open quote'),
         "line 3"),
        ((GOOD_LINE, b"Bob Stone,billing,yes,North,Jane"), "line 3"),
        ((GOOD_LINE, b"Bob,billing,perhaps,North,Jane,2026-05-01 10:00,x"),
         "line 3, column resolved"),
        ((GOOD_LINE, b"Bob,billing,yes,North,Jane,someday,x"), "line 3, column at"),
        ((GOOD_LINE, b"Bob,billing,yes,North,Jane,2026-05-01," + b"x" * 5001),
         "line 3, column description: too long (5001 characters; at most 5000)"),
        ((GOOD_LINE, b"x" * 201 + b",billing,yes,North,Jane,2026-05-01,x"),
         "line 3, column customer: too long (201 characters; at most 200)"),
        ((GOOD_LINE, b"Bob,billing,yes,North,Jane,2026-05-01,nul \x00 here"),
         "line 3, column description: contains a NUL character"),
        ((GOOD_LINE, b"B\x00b,billing,yes,North,Jane,2026-05-01,x"),
         "line 3, column customer: contains a NUL character"),
    ],
)  # fmt: skip
def test_bad_csv_is_refused_with_its_line(
    cli: Cli, sql: Sql, tmp_path: Path, lines: tuple[bytes, ...], message: str
) -> None:
    path = write_bytes(tmp_path / "bad.csv", ",".join(HEADER).encode(), *lines)
    result = cli.fails("import", str(path), "--new-store", "--new-agent", code=2)
    assert message in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert counts(sql)["incident"] == 0  # the good first row was not written either


# -- periods and date phrases ----------------------------------------------------------------

day_text = st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)).map(str)
period_text = st.one_of(
    text,
    day_text,
    st.from_regex(r"\A-?\d{1,6}(-(Q\d{1,2}|W\d{1,3}|\d{1,3}))?\Z"),
    st.from_regex(r"\A(last|this|next)[- ](\d{1,7}[- ])?(days?|weeks?|months?|quarters?|years?)\Z"),
    st.from_regex(r"\A\d{1,9}[- ]months?[- ]ago\Z"),
    st.tuples(day_text, day_text).map(lambda p: f"{p[0]}..{p[1]}"),
    st.sampled_from(["today", "yesterday", "9999", "0001-01", "9999-12", "9999-W52", "0001-Q1"]),
)


@FUZZ_PARSER
@given(expr=period_text)
def test_any_period_expression_parses_or_is_a_usage_error(expr: str) -> None:
    try:
        found = parse_period(expr, today=dt.date(2026, 5, 20))
    except InvalidInput as exc:
        assert "period" in str(exc).lower() or "date" in str(exc).lower(), str(exc)
        return
    assert found.start <= found.end


@FUZZ
@given(expr=period_text, compare=st.one_of(st.none(), period_text))
def test_commands_take_any_period(cli: Cli, expr: str, compare: str | None) -> None:
    for args in (
        ["list", "--period", expr],
        ["follow-ups", "--period", expr, "--format", "json"],
        ["training", "list", "-p", expr],
        ["report", "store", "--period", expr]
        + (["--compare", compare] if compare is not None else []),
    ):
        result = cli(*args, ok=False)
        assert result.exit_code in (0, 2), (args, result.stdout, result.stderr)
        assert "Traceback" not in result.stdout + result.stderr
        if result.exit_code == 2:
            assert result.stderr.startswith("Error: ")


when_text = st.one_of(
    text,
    day_text,
    st.from_regex(r"\A\d{1,12} (seconds?|minutes?|hours?|days?|weeks?|months?|years?) ago\Z"),
    st.from_regex(r"\A(in )?\d{1,9} (days?|weeks?|months?|years?)\Z"),
    st.from_regex(r"\A(yesterday|today|tomorrow|last friday|next monday) \d{1,3}:\d{1,3}\Z"),
    st.from_regex(r"\A\d{1,2}(:\d{1,2})? ?(am|pm)\Z"),
    st.tuples(day_text, st.times()).map(lambda p: f"{p[0]} {p[1]}"),
    st.sampled_from(["9999-12-31 23:59", "0001-01-01", "1899-12-31", "now", "noon", "+3 days"]),
)
NOW = dt.datetime(2026, 5, 20, 14, 30)


@FUZZ_PARSER
@given(phrase=when_text)
def test_any_date_phrase_parses_or_is_a_usage_error(phrase: str) -> None:
    for parse in (lambda p: parse_when(p, now=NOW), lambda p: parse_day(p, today=NOW.date())):
        try:
            found = parse(phrase)
        except InvalidInput as exc:
            assert str(exc).strip()
            continue
        assert isinstance(found, dt.date)


@settings(FUZZ, max_examples=25)
@given(phrase=when_text)
def test_commands_take_any_date_phrase(cli: Cli, sql: Sql, phrase: str) -> None:
    if counts(sql)["incident"] == 0:
        cli.add("Ann Lee", resolved=False, at="2026-05-01 10:00")
    for args in (
        ["add", "Bob", "-r", "billing", "--resolved", "-s", "North", "-a", "Jane", "--at", phrase],
        ["resolve", "1", "--resolution", "called back", "--at", phrase],
        ["edit", "1", "--follow-up", phrase],
        ["training", "add", "--topic", "Calm", "--kind", "review", "--minutes", "30",
         "--agents", "Jane", "--on", phrase],
        ["list", "--from", phrase, "--to", phrase],
    ):  # fmt: skip
        before = counts(sql)
        result = cli(*args, ok=False)
        check_outcome(result, before, counts(sql))
        if args[0] == "resolve" and result.exit_code == 0:
            cli("undo")  # keep #1 open for the next example


def test_json_of_hostile_text_is_valid_json(cli: Cli) -> None:
    cli.add('Ann "Lee" \\ \u2028 </script>', description="tab\there\nnewline")
    listed = json.loads(cli("list", "--format", "json").stdout)
    assert listed[0]["customer"] == 'Ann "Lee" \\ </script>'
    assert listed[0]["description"] == "tab\there\nnewline"


# -- every command, every argument -----------------------------------------------------------

# Commands left out: `demo` fills the database with months of records (seconds per example);
# the rest run with whatever hypothesis makes of their options.
SLOW = {("demo",)}
HUGE = st.integers(min_value=-(2**80), max_value=2**80).map(str)
ODD_NUMBERS = st.sampled_from(
    ["0", "-0", "+7", " 3 ", "1e3", "0x10", "\u0663", "9" * 40, "-" + "9" * 40, "", "NaN"]
)
CONTROL = st.sampled_from(
    ["\x1b]0;pwned\x07", "\x1b[2J", "\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\", "a\rb", "\x07",
     "\u202eevil", "\x9b31m", "\x00", "\udcff", "caf\udce9", "\ud800", "\x7f", "\t", "\n"]
)  # fmt: skip
ODD_DATES = st.sampled_from(
    ["2026-02-30", "0000-01-01", "0001-01-01", "9999-12-31 23:59", "13/13/2026", "03/04/2026",
     "2026-05-20T10:00+05:00", "2026-05-20T10:00Z", "2026-05-20 10:00 PST", "yesterday 25:99",
     "1000000000 days ago", "in 99999999 years", "2026-W99", "2026-Q0", "last-0-days",
     "last-99999999999-days", "0001-01..9999-12", "2026-05..2026-01", "9999999-01", "today"]
)  # fmt: skip
hostile_text = st.one_of(text, CONTROL, CONTROL.map(lambda c: f"Ann {c} Lee"))
DATE_OPTIONS = {"--at", "--on", "--follow-up", "--from", "--to", "--today", "--week"}
PERIOD_OPTIONS = {"--period", "--compare", "-p"}


def every_command() -> list[tuple[tuple[str, ...], list[Any]]]:
    from typer.main import get_command

    from incidentlog.cli.main import app

    found: list[tuple[tuple[str, ...], list[Any]]] = []

    def walk(command: Any, path: tuple[str, ...]) -> None:
        subcommands = getattr(command, "commands", None)
        if subcommands:
            for name, sub in subcommands.items():
                walk(sub, (*path, name))
        elif path not in SLOW:
            found.append((path, [p for p in command.params if p.name != "help"]))

    walk(get_command(app), ())
    return found


COMMANDS = every_command()
VALID_DATES = st.sampled_from(["2026-05-01", "yesterday 15:30", "2 hours ago", "last friday"])
VALID_PERIODS = st.sampled_from(["2026-05", "last-month", "this-month", "2026-Q2", "2026-W20"])


def value_for(param: Any, option: str | None) -> st.SearchStrategy[str]:
    kind = type(param.type).__name__.lower()
    if "int" in kind:
        return st.one_of(st.sampled_from(["1", "2", "3", "6"]), HUGE, ODD_NUMBERS, hostile_text)
    if "choice" in kind:
        valid = st.sampled_from(list(param.type.choices))
        return st.one_of(valid, valid, hostile_text)
    if "path" in kind:
        # Files land in the test's own folder: nothing outside it is named.
        return st.one_of(st.sampled_from(["x.csv", "out.json", "copy.db"]), hostile_text).map(
            lambda v: "f-" + v.replace("/", "_").replace("\x00", "_")
        )
    if option in DATE_OPTIONS:
        return st.one_of(VALID_DATES, ODD_DATES, when_text, hostile_text)
    if option in PERIOD_OPTIONS:
        return st.one_of(VALID_PERIODS, ODD_DATES, period_text, hostile_text)
    return st.one_of(names_, names_, hostile_text, HUGE)


@st.composite
def invocations(draw: st.DrawFn) -> list[str]:
    path, params = draw(st.sampled_from(COMMANDS))
    argv: list[str] = []
    positional: list[str] = []
    for param in params:
        if param.param_type_name == "argument":
            if draw(st.integers(0, 5)):  # mostly given
                positional.append(draw(value_for(param, None)))
        elif draw(st.integers(0, 3)) == 0:  # each option now and then
            option = draw(st.sampled_from([*param.opts, *param.secondary_opts]))
            if param.is_flag:
                argv.append(option)
            else:
                argv += [option, draw(value_for(param, option))]
    # the global --today, before the command
    today = (
        ["--today", draw(st.one_of(ODD_DATES, day_text, text))]
        if draw(st.integers(0, 7)) == 0
        else []
    )
    # after `--` an argument may start with a dash
    return [*today, *path, *argv, *(["--", *positional] if positional else [])]


@settings(FUZZ, max_examples=120)
@given(argv=invocations())
def test_every_command_takes_any_arguments(
    cli: Cli, sql: Sql, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, argv: list[str]
) -> None:
    """Ints up to 2^80, surrogates, control characters, odd dates and periods, anywhere."""
    monkeypatch.chdir(tmp_path)
    # --today holds for the rest of its process, and every example shares this one
    monkeypatch.setenv("INCIDENTLOG_TODAY", TODAY)
    if counts(sql)["incident"] == 0:
        cli.add("Ann Lee", resolved=False, at="2026-05-01 10:00", follow_up="2026-05-25")
        cli.add("Bob Stone", reason="late delivery", at="2026-04-03 09:00")
        cli("training", "add", "--topic", "Calm", "--kind", "review", "--minutes", "30",
            "--agents", "Jane", "--on", "2026-04-10")  # fmt: skip
    before = counts(sql)
    result = cli(*argv, input="", ok=False)
    check_outcome(result, before, counts(sql))
    for ch in ("\x1b", "\x07", "\u202e"):
        if "--format" not in argv and "-f" not in argv:
            assert ch not in result.stdout + result.stderr, (argv, result.stdout, result.stderr)
