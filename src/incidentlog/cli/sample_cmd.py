"""`incidentlog demo --remove | --keep`: what becomes of the demo's sample data."""

from __future__ import annotations

from incidentlog.cli import common
from incidentlog.console import echo
from incidentlog.errors import InvalidInput


def choose(*, remove: bool, keep: bool, force: bool) -> None:
    from incidentlog import sample
    from incidentlog.invocation import command

    if remove and keep:
        raise InvalidInput("--remove and --keep exclude each other; choose one.")
    if force:
        raise InvalidInput("--force fills the database; it does not go with --remove or --keep.")
    with common.connect() as conn:
        if remove:
            removed = sample.remove(conn)
            echo(
                f"Removed the demo data ({removed.describe()}); `{command('undo')}` brings it back."
            )
            return
        found = sample.held(conn)
        if not found:
            raise InvalidInput("This database holds no demo data; there is nothing to keep.")
        sample.keep(conn)
        echo(
            f"Keeping the demo data ({found.describe()}); real records may join it from now on, "
            f"and reports say when they mix. `{command('demo --remove')}` takes it out later."
        )
