"""`incidentlog config get|set|unset|list`."""

from __future__ import annotations

from typing import Annotated

import typer

from incidentlog import config
from incidentlog.console import echo
from incidentlog.errors import NotFound

app = typer.Typer(no_args_is_help=True)

Key = Annotated[str, typer.Argument(help=f"One of: {', '.join(config.KEYS)}.")]


@app.command("get")
def get(key: Key) -> None:
    """Print a setting (exit 1 when unset).

    Example: incidentlog config get store
    """
    value = config.get(key)
    if value is None:
        raise NotFound(f"{key} is not set.")
    echo(value)


@app.command("set")
def set_(key: Key, value: Annotated[str, typer.Argument(help="The value.")]) -> None:
    """Set a default for this till.

    Example: incidentlog config set store "Harbour Street"
    """
    config.set_value(key, value)
    echo(f"{key} = {config.get(key)}")


@app.command("unset")
def unset(key: Key) -> None:
    """Remove a setting.

    Example: incidentlog config unset agent
    """
    if not config.unset(key):
        raise NotFound(f"{key} was not set.")
    echo(f"{key} unset.")


@app.command("list")
def list_() -> None:
    """Show every setting and where the config file lives.

    Example: incidentlog config list
    """
    values = config.load()
    for key, meaning in config.KEYS.items():
        echo(f"{key:<6} {values.get(key, '(unset)'):<30} # {meaning}")
    echo(f"# {config.config_path()}")
