"""What `incidentlog` with no command says."""

from __future__ import annotations

from incidentlog.console import echo


def welcome() -> None:
    from incidentlog.cli.common import database

    db = database()
    empty = True
    if db.exists():
        with db.connect() as conn:
            empty = not conn.scalar("SELECT COUNT(*) FROM incident")
    if empty:
        echo(
            "incidentlog records dissatisfied-customer incidents and shows how they are handled.",
            bold=True,
        )
        echo(f"The database ({db.describe()}) has no incidents yet. To start:")
        echo(
            "  incidentlog demo                          # fill it with a realistic sample and tour it"
        )
        echo('  incidentlog config set store "North"       # this till\'s store (and `agent`)')
        echo('  incidentlog add "Ann Lee" --reason billing --resolved')
        echo("  incidentlog --help                        # every command")
    else:
        echo(
            "Try: incidentlog list · incidentlog follow-ups · incidentlog report store --compare last-month"
        )
        echo("     incidentlog --help for every command.")
