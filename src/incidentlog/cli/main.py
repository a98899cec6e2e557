"""The `incidentlog` command: global options, error handling, and the command groups."""

from __future__ import annotations

import errno
import sys
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

try:  # typer >= 0.29 vendors click
    from typer._click import exceptions as click
except ImportError:  # pragma: no cover
    from click import exceptions as click  # type: ignore[no-redef]

from incidentlog import __version__
from incidentlog.cli import common, config_cmd, data_cmd, db_cmd, record, report_cmd, training_cmd
from incidentlog.cli.entities_cmd import agents, reasons, stores
from incidentlog.console import error
from incidentlog.errors import IncidentlogError


class IncidentlogGroup(TyperGroup):
    """Turns every failure into one plain line on stderr and the spec's exit code."""

    def main(self, *args: Any, standalone_mode: bool = True, **kwargs: Any) -> Any:  # type: ignore[override]
        code = 0
        try:
            result = super().main(*args, standalone_mode=False, **kwargs)
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


def _is_database_error(exc: Exception) -> bool:
    # Checked by module so that neither driver has to be imported to recognise its errors.
    return type(exc).__module__.split(".")[0] in {"sqlite3", "sqlalchemy", "psycopg"}


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
    common.set_globals(db, today)
    if today is not None:
        from incidentlog.periods import today as today_fn

        today_fn()  # validates the date now, with a clear message
    if ctx.invoked_subcommand is None:
        from incidentlog.cli.welcome import welcome

        welcome()


app.add_typer(record.app)
app.add_typer(training_cmd.app, name="training", help="Record and list training sessions.")
app.add_typer(
    report_cmd.app, name="report", help="Reports: agents, store, reasons, training, training-time."
)
app.add_typer(report_cmd.top)
app.add_typer(data_cmd.app)
app.add_typer(data_cmd.customers, name="customers", help="List customers and merge duplicates.")
app.add_typer(stores, name="stores", help="List, rename and merge stores.")
app.add_typer(agents, name="agents", help="List, rename and merge agents.")
app.add_typer(reasons, name="reasons", help="List, rename and merge reasons.")
app.add_typer(config_cmd.app, name="config", help="Defaults for this till: store, agent, database.")
app.add_typer(db_cmd.app, name="db", help="Database information, backups and schema upgrades.")


def main() -> None:
    app()
