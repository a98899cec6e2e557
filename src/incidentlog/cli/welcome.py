"""What `incidentlog` with no command says: how to start, or where things stand."""

from __future__ import annotations

from typing import TYPE_CHECKING

from incidentlog.core.invocation import command_name
from incidentlog.views.console import echo

if TYPE_CHECKING:
    from incidentlog.storage.database import Database


def welcome(db: Database) -> None:
    """`db` is the chosen database, whether or not it exists yet."""
    from incidentlog.core import config

    counts = {"incidents": 0, "open": 0}
    if db.exists():  # never create a database just to say it is empty
        with db.connect() as conn:
            counts = conn.rows(
                "SELECT COUNT(*) AS incidents, COALESCE(SUM(CASE WHEN NOT resolved_on_spot "
                "AND resolved_at IS NULL THEN 1 ELSE 0 END), 0) AS open FROM incident"
            )[0]
    settings = config.load()
    if not counts["incidents"]:
        _first_run(db.describe(), settings)
    else:
        _status(int(counts["incidents"]), int(counts["open"]), settings)


def _first_run(where: str, settings: dict[str, str]) -> None:
    name = command_name()  # as the user can run it: a venv's script is not on PATH
    echo(
        "incidentlog records every incident with a dissatisfied customer, "
        "then shows how they are handled.",
        bold=True,
    )
    echo(f"No incidents yet in {where}.")
    echo()
    echo("Look around with sample data first:")
    echo(f"  {name} demo")
    echo(f"  {name} report store --chart")
    echo()
    echo("Or set up this till and record after each call:")
    store = settings.get("store") or "Harbour Street"
    agent = settings.get("agent") or "Priya Nair"
    if "store" not in settings:
        echo(f'  {name} config set store "{store}"')
    if "agent" not in settings:
        echo(f'  {name} config set agent "{agent}"')
    echo(f'  {name} add "Marta Sousa" --reason "late delivery" --unresolved')
    echo()
    echo(f"Every command: {name} --help · one command: {name} add --help")


def _status(incidents: int, open_: int, settings: dict[str, str]) -> None:
    name = command_name()
    till = ", ".join(f"{key} {settings[key]}" for key in ("store", "agent") if key in settings)
    echo(
        f"{incidents:,} incident{'s' if incidents != 1 else ''}, {open_:,} open"
        + (f" · this till: {till}" if till else "")
        + "."
    )
    echo(f"Try:  {name} follow-ups · {name} report store --compare last-month")
    echo(f"      {name} report store --chart · {name} --help for every command.")
