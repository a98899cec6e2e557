"""`incidentlog report ...`, `repeat-customers` and `summary`."""

from __future__ import annotations

import typer

app = typer.Typer(no_args_is_help=True)
# Report commands that live at the top level rather than under `report`.
top = typer.Typer()
