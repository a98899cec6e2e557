"""`incidentlog config get|set|unset|list`."""

from __future__ import annotations

from typing import Annotated

import typer

from incidentlog.core import config
from incidentlog.core.errors import NotFound
from incidentlog.views.console import echo

app = typer.Typer(no_args_is_help=True)


def _shown(key: str, value: str) -> str:
    """A setting as it may be printed: a database URL's password never is."""
    if key == "db":
        from incidentlog.storage.database import mask_url

        return mask_url(value)
    return value


Key = Annotated[str, typer.Argument(help=f"One of: {', '.join(config.KEYS)}.")]


@app.command("get")
def get(key: Key) -> None:
    """Print a setting (exit 1 when unset).

    Example: incidentlog config get store
    """
    value = config.get(key)
    if value is None:
        raise NotFound(f"{key} is not set.")
    echo(_shown(key, value))


@app.command("set")
def set_(key: Key, value: Annotated[str, typer.Argument(help="The value.")]) -> None:
    """Set a default for this till.

    Example: incidentlog config set store "Harbour Street"
    """
    if key == "db":
        from incidentlog.storage.database import check_url

        check_url(value.strip(), "config set db")
    config.set_value(key, value)
    echo(f"{key} = {_shown(key, config.get(key) or '')}")


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
        shown = _shown(key, values[key]) if key in values else "(unset)"
        echo(f"{key:<6} {shown:<30} # {meaning}")
    echo(f"# {config.config_path()}")
