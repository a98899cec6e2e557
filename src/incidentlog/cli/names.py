"""`incidentlog stores|agents|reasons list|rename|merge`."""

# No `from __future__ import annotations`: typer reads the option help, built per entity
# from a closure variable, when the functions are defined.

from typing import Annotated

import typer

from incidentlog.cli import common
from incidentlog.cli.common import FormatOption
from incidentlog.views.console import echo, note

TITLES = {"store": "Stores", "agent": "Agents", "reason": "Reasons"}
EXAMPLES = {
    "store": ('"north street" "North Street"', '"North Street" "Nort Street"'),
    "agent": ("jane Jane", "Jane Jnae"),
    "reason": ('"late delivry" "late delivery"', '"late delivery" "late-delivery"'),
}


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _uses(table: str, counts: dict[str, int]) -> str:
    parts = [_count(counts.get("incident", 0), "incident")]
    if table == "store":
        parts.append(_count(counts.get("training_session", 0), "training session"))
    if table == "agent":
        parts.append(_count(counts.get("attendance", 0), "training attendance"))
    return ", ".join(parts)


def _config_note(table: str, old_key: str, new_name: str) -> None:
    """This till's default store or agent, if it still names what was renamed or merged away."""
    from incidentlog.core import config, names

    if table not in ("store", "agent"):
        return
    default = config.load().get(table)
    if default and names.key(default) == old_key and default != new_name:
        note(
            f'Note: this till\'s default {table} is still "{default}"; '
            f'`incidentlog config set {table} "{new_name}"` updates it.'
        )


def group(table: str) -> typer.Typer:
    """The command group for one kind of named entity."""
    from incidentlog.records.renaming import PLURAL

    plural = PLURAL[table]
    app = typer.Typer(no_args_is_help=True)
    rename_example, merge_example = EXAMPLES[table]

    @app.command("list")
    def list_(fmt: FormatOption = "table") -> None:
        from incidentlog.records.renaming import columns, list_named
        from incidentlog.views.render import Column, check_format, render

        fmt = check_format(fmt)
        with common.connect() as conn:
            rows = list_named(conn, table)
        shown = [
            Column(table, table.capitalize()),
            Column("incidents", "Incidents", "right"),
            *(
                [Column("training_sessions", "Training", "right")]
                if "training_sessions" in columns(table)
                else []
            ),
            Column("first", "First seen", show=lambda v, _r: v or "—", no_wrap=True),
            Column("last", "Last seen", show=lambda v, _r: v or "—", no_wrap=True),
        ]
        render(
            rows,
            shown,
            fmt,
            title=TITLES[table],
            empty=f"No {plural} yet.",
            csv_keys=columns(table),
        )

    list_.__doc__ = (
        f"List every {table} by name, with its incidents and the first and last day seen.\n\n"
        f"Example: incidentlog {plural} list --format csv"
    )

    @app.command("rename")
    def rename_(
        old: Annotated[str, typer.Argument(metavar="OLD", help=f"The {table}'s current name.")],
        new: Annotated[str, typer.Argument(metavar="NEW", help="The name to show from now on.")],
    ) -> None:
        from incidentlog.records.renaming import rename

        with common.connect() as conn:
            done = rename(conn, table, old, new)
        if not done["changed"]:
            echo(f'The {table} is already called "{done["new"]}"; nothing changed.')
            return
        echo(
            f'Renamed {table} "{done["old"]}" to "{done["new"]}" '
            f"({_uses(table, done['uses'])}). `incidentlog undo` reverses it."
        )
        if done["key"] != done["old_key"]:
            _config_note(table, done["old_key"], done["new"])

    rename_.__doc__ = (
        f"Rename a {table}; every report shows the new name (`undo` reverses it).\n\n"
        f"Example: incidentlog {plural} rename {rename_example}"
    )

    @app.command("merge")
    def merge_(
        keep: Annotated[str, typer.Argument(metavar="KEEP", help=f"The {table} to keep.")],
        duplicate: Annotated[
            str, typer.Argument(metavar="DUPLICATE", help=f"The {table} to merge into it.")
        ],
    ) -> None:
        from incidentlog.core import names
        from incidentlog.records.renaming import merge

        with common.connect() as conn:
            done = merge(conn, table, keep, duplicate)
        echo(
            f'Merged {table} "{done["duplicate"]}" into "{done["keep"]}": '
            f"{_uses(table, done['moved'])} moved. `incidentlog undo` reverses it."
        )
        _config_note(table, names.key(done["duplicate"]), done["keep"])

    merge_.__doc__ = (
        f"Move every record of DUPLICATE to KEEP and remove DUPLICATE (`undo` reverses it).\n\n"
        f"Example: incidentlog {plural} merge {merge_example}"
    )
    return app


stores = group("store")
agents = group("agent")
reasons = group("reason")
