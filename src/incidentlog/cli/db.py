"""`incidentlog db info|backup|upgrade|outbox`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from incidentlog.cli import common
from incidentlog.views.console import echo

app = typer.Typer(no_args_is_help=True)


@app.command("info")
def info(fmt: common.FormatOption = "table") -> None:
    """Where the database is, its schema version and what it holds.

    Example: incidentlog db info
    """
    import sys

    from incidentlog.storage.maintenance import database_info
    from incidentlog.views.render import check_format, to_json, write_csv

    fmt = check_format(fmt)
    details = database_info(common.database())
    if fmt == "json":
        sys.stdout.write(to_json(details) + "\n")
        return
    if fmt == "csv":
        # One header row and one row of values: the same columns as the JSON keys.
        write_csv([details], list(details))
        return
    for key, value in details.items():
        label = key.replace("_", " ") + ":"
        echo(f"{label:<17} {value if value is not None else '—'}")


@app.command("backup")
def backup(
    file: Annotated[Path, typer.Argument(help="Where to write the copy.", metavar="FILE")],
    force: Annotated[bool, typer.Option("--force", help="Overwrite FILE if it exists.")] = False,
) -> None:
    """Copy the SQLite database safely, even while others write to it.

    Example: incidentlog db backup ~/incidentlog-$(date +%F).db
    """
    from incidentlog.storage.maintenance import backup_sqlite

    pages = backup_sqlite(common.database(), file, overwrite=force)
    echo(f"Backed up to {file} ({pages} pages).")


@app.command("upgrade")
def upgrade() -> None:
    """Bring the database schema up to date, keeping every record.

    Example: incidentlog db upgrade
    """
    from incidentlog.storage.maintenance import upgrade_schema

    # Writes the schema, so like the other writers it creates a database that is not there.
    db = common.database(create=True)
    new = not db.exists()
    before, after = upgrade_schema(db)
    if new:
        echo(f"Created a new database at {db.describe()}.", err=True)
    if before == after:
        echo(f"Schema is up to date (version {after}).")
    else:
        echo(f"Upgraded schema from version {before or 'none'} to {after}.")


@app.command("outbox")
def outbox(fmt: common.FormatOption = "table") -> None:
    """What this till keeps in its outbox, waiting for the database server.

    Example: incidentlog db outbox
    """
    from incidentlog.records.outbox import listing
    from incidentlog.views.render import Column, render

    columns = [
        Column("kept_at", "Kept at", no_wrap=True),
        Column("kind", "Kind"),
        Column("what", "Customer / topic"),
        Column("when", "When"),
        Column("database", "For"),
        Column("key", "Key"),
    ]
    render(
        listing(),
        columns,
        fmt,
        title="Outbox",
        csv_keys=[c.key for c in columns],
        empty="The outbox is empty: every record has reached the database.",
    )
