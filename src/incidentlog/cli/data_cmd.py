"""`incidentlog import|export|demo|search` and `customers list|merge`."""

from __future__ import annotations

import typer

app = typer.Typer()
customers = typer.Typer(no_args_is_help=True)
