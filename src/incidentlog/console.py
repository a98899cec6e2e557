"""Terminal output: colour rules, messages, errors. Rich is imported only when a table needs it."""

from __future__ import annotations

import os
import sys
from typing import IO, TYPE_CHECKING, Any

import typer

from incidentlog.invocation import runnable

if TYPE_CHECKING:
    from rich.console import Console


def colour_wanted(stream: IO[str]) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def is_interactive() -> bool:
    """Whether we may ask questions: a person at a terminal on stdin and stdout."""
    return sys.stdin.isatty() and sys.stdout.isatty()


def echo(
    message: str = "", *, fg: str | None = None, bold: bool = False, err: bool = False
) -> None:
    stream = sys.stderr if err else sys.stdout
    message = runnable(message)  # hints name the command as the user can run it
    if fg or bold:
        message = typer.style(message, fg=fg, bold=bold)
    typer.echo(message, err=err, color=colour_wanted(stream))


def note(message: str) -> None:
    """A remark beside the result (warnings, hints): stderr, so pipes carry only data."""
    echo(message, fg="yellow", err=True)


def error(message: str) -> None:
    echo(f"Error: {message}", fg="red", err=True)


def stdout_console(**kwargs: Any) -> Console:
    from rich.console import Console

    colour = colour_wanted(sys.stdout)
    if not sys.stdout.isatty() and "width" not in kwargs:
        # Piped tables (cron mail, files) should not wrap at a guessed 80 columns.
        kwargs["width"] = int(os.environ.get("COLUMNS") or 160)
    return Console(
        file=sys.stdout,
        no_color=not colour,
        force_terminal=colour or None,
        highlight=False,
        soft_wrap=not sys.stdout.isatty(),
        **kwargs,
    )
