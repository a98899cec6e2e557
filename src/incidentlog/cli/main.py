"""The `incidentlog` command: global options, error handling, and the command groups."""

from __future__ import annotations

import errno
import sys
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

try:  # typer >= 0.29 vendors click
    from typer._click import core as click_core
    from typer._click import exceptions as click
    from typer._click import types as click_types
except ImportError:  # pragma: no cover
    from click import core as click_core  # type: ignore[no-redef, import-not-found, unused-ignore]
    from click import exceptions as click  # type: ignore[no-redef, import-not-found, unused-ignore]
    from click import types as click_types  # type: ignore[no-redef, import-not-found, unused-ignore]

import typer.main as typer_main

from incidentlog import __version__
from incidentlog.cli import (
    config,
    customers,
    db,
    demo,
    incidents,
    repeat_customers,
    reports,
    search,
    summary,
    training,
    transfer,
)
from incidentlog.cli.context import App
from incidentlog.cli.names import agents, reasons, stores
from incidentlog.core.clock import Clock
from incidentlog.core.errors import IncidentlogError
from incidentlog.views.console import error, inert


class IncidentlogGroup(TyperGroup):
    """Turns every failure into one plain line on stderr and the spec's exit code."""

    def main(self, *args: Any, standalone_mode: bool = True, **kwargs: Any) -> Any:
        _guard_parameters(self)
        code = 0
        try:
            kwargs["standalone_mode"] = False
            result = super().main(*args, **kwargs)
            code = result if isinstance(result, int) else 0
        except click.UsageError as exc:
            hint = ""
            if exc.ctx is not None:
                hint = f" (see '{exc.ctx.command_path} --help')"
            error(exc.format_message() + hint)
            code = 2
        except click.ClickException as exc:
            error(exc.format_message())
            code = exc.exit_code
        except typer.Abort:
            error("Aborted; nothing was changed.")
            code = 1
        except IncidentlogError as exc:
            error(str(exc))
            code = exc.exit_code
        except KeyboardInterrupt:
            error("Interrupted; nothing was changed.")
            code = 130
        except BrokenPipeError:
            code = 0
        except OSError as exc:
            if exc.errno != errno.EPIPE:
                error(str(exc))
                code = 1
        except Exception as exc:
            if not _is_database_error(exc):
                raise
            reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
            error(f"Database error: {reason}. Nothing was changed.")
            code = 1
        if not standalone_mode:
            return code
        sys.exit(code)


# Every whole number a command takes ends up in SQL, where integers are 64-bit.
SMALLEST = -(2**63)
LARGEST = 2**63 - 1


def _guard_parameters(command: click_core.Command) -> None:
    """Give every option and argument of every command the checks no value may skip.

    Done here, once, so that a command added later gets them too: a value that is not valid
    UTF-8 (the shell passed bytes the locale cannot decode) or holds a NUL, and a whole
    number beyond what the database can hold, are refused as bad input naming the option,
    before the command runs.
    """
    for param in command.params:
        if not getattr(param.type, "_incidentlog_guarded", False):
            param.type = _guarded(param.type)
    for sub in getattr(command, "commands", {}).values():
        _guard_parameters(sub)


def _guarded(original: click_types.ParamType) -> click_types.ParamType:
    base = type(original)

    def convert(
        self: click_types.ParamType,
        value: Any,
        param: click_core.Parameter | None,
        ctx: click_core.Context | None,
    ) -> Any:
        if isinstance(value, str):
            _check_text(self, value, param, ctx)
            if isinstance(self, click_types.IntParamType) and _too_many_digits(value):
                self.fail(_out_of_range(value), param, ctx)
        result = base.convert(self, value, param, ctx)
        if isinstance(result, int) and not isinstance(result, bool):
            if not SMALLEST <= result <= LARGEST:
                self.fail(_out_of_range(str(result)), param, ctx)
        return result

    guarded = type(base.__name__, (base,), {"convert": convert, "_incidentlog_guarded": True})
    copy: click_types.ParamType = object.__new__(guarded)
    copy.__dict__.update(original.__dict__)
    return copy


def _check_text(
    kind: click_types.ParamType,
    value: str,
    param: click_core.Parameter | None,
    ctx: click_core.Context | None,
) -> None:
    shown = value
    if "://" in value:  # a database URL (--db, config set db): its password is never shown
        from incidentlog.storage.database import mask_url

        shown = mask_url(value)
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        kind.fail(f'"{inert(shown)}" is not valid UTF-8 text.', param, ctx)
    if "\x00" in value:  # no real command line holds one; paths and the environment cannot
        kind.fail(f'"{inert(shown)}" contains a NUL character.', param, ctx)


def _too_many_digits(value: str) -> bool:
    # Python refuses to parse very long numbers at all; these are out of range anyway.
    digits = value.strip().lstrip("+-").lstrip("0")
    return digits.isdigit() and len(digits) > len(str(LARGEST))


def _out_of_range(value: str) -> str:
    value = value.strip()
    shown = value if len(value) <= 30 else value[:27] + "..."
    if value.startswith("-"):
        return f"{shown} is too small (the smallest number accepted is {SMALLEST})."
    return f"{shown} is too large (the largest number accepted is {LARGEST})."


def _is_database_error(exc: Exception) -> bool:
    # Checked by module so that neither driver has to be imported to recognise its errors.
    return type(exc).__module__.split(".")[0] in {"sqlite3", "sqlalchemy", "psycopg"}


def _read_signatures_once() -> None:
    """Every run builds the whole command tree, and typer reads each command's signature
    twice while doing so (for its options, then for the names its callback passes on),
    evaluating every annotation each time: ~20 ms of each `--help` and `add`. A signature
    does not change while the program runs; what typer derives from it is read, never
    changed, so the second reading (and the next run's, in one process) reuses the first."""
    original = getattr(typer_main, "get_params_from_function", None)
    if original is None or getattr(original, "_incidentlog_once", False):
        return
    read: dict[Any, Any] = {}

    def once(func: Any) -> Any:
        found = read.get(func)
        if found is None:
            found = read[func] = original(func)
        return found

    once._incidentlog_once = True  # type: ignore[attr-defined]
    setattr(typer_main, "get_params_from_function", once)  # noqa: B010 - not exported


_read_signatures_once()

app = typer.Typer(
    cls=IncidentlogGroup,
    rich_markup_mode=None,
    no_args_is_help=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    help="Record dissatisfied-customer incidents and training sessions, and see how they are handled.",
    epilog='Example: incidentlog add "Ann Lee" --reason billing --resolved --store North --agent Jane',
    add_completion=True,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"incidentlog {__version__}")
        raise typer.Exit()


@app.callback(invoke_without_command=True)
def callback(
    ctx: typer.Context,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            help="Database file or URL (default: INCIDENTLOG_DB, then the user data dir).",
            metavar="PATH_OR_URL",
        ),
    ] = None,
    today: Annotated[
        str | None,
        typer.Option("--today", help="Treat this date (YYYY-MM-DD) as today.", metavar="DATE"),
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """Record dissatisfied-customer incidents and training sessions, and see how they are handled."""
    # A bad --today is refused here, naming --today, before the command runs.
    fixed = None if today is None else Clock.pinned_to(today, "--today")
    ctx.obj = App(db=db, fixed_clock=fixed)
    if ctx.invoked_subcommand is None:
        from incidentlog.cli.common import locate
        from incidentlog.cli.welcome import welcome

        welcome(locate())


app.add_typer(incidents.app)
app.add_typer(training.app, name="training", help="Record and list training sessions.")
app.add_typer(
    reports.app,
    name="report",
    help="Reports: agents, store, reasons, training, training-time, resolution.",
)
app.add_typer(repeat_customers.app)
app.add_typer(summary.app)
app.add_typer(transfer.app)
app.add_typer(demo.app)
app.add_typer(search.app)
app.add_typer(customers.app, name="customers", help="List customers and merge duplicates.")
app.add_typer(stores, name="stores", help="List, rename and merge stores.")
app.add_typer(agents, name="agents", help="List, rename and merge agents.")
app.add_typer(reasons, name="reasons", help="List, rename and merge reasons.")
app.add_typer(config.app, name="config", help="Defaults for this till: store, agent, database.")
app.add_typer(db.app, name="db", help="Database information, backups and schema upgrades.")


def main() -> None:
    app()
