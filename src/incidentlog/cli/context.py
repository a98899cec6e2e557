"""What one run of `incidentlog` carries from its global options to the command: the `App`.

The root callback (`cli/main.py`) builds it from ``--db`` and ``--today`` and hands it to
Typer as ``ctx.obj``; every command, option type and helper below reads it from the
running Click context. Nothing is kept in module globals or written to the environment,
so two runs in one process (tests, a shell embedding the CLI) cannot leak into each other.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property
from typing import TYPE_CHECKING

try:  # typer >= 0.28 vendors click
    from typer._click.globals import get_current_context
except ImportError:  # pragma: no cover
    from click import get_current_context  # type: ignore[no-redef, import-not-found, unused-ignore]

from incidentlog.core.clock import Clock

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from incidentlog.storage.database import Database

__all__ = ["App", "clock", "current", "get_current_context", "now", "today"]


@dataclass
class App:
    """The global options of one invocation, as the commands use them."""

    db: str | None = None
    """``--db`` as given (None: ``INCIDENTLOG_DB``, then the config and the user data dir)."""
    fixed_clock: Clock | None = None
    """The clock ``--today`` pins; None leaves the day to ``INCIDENTLOG_TODAY`` or the computer."""
    reading: Database | None = None
    """The database a report has read, its engine open until the command ends (what the
    report asks afterwards reuses its connection); None before a report opened one."""
    reading_connection: Connection | None = None
    """The report's connection while its `reading()` block runs."""

    @cached_property
    def clock(self) -> Clock:
        """Built once, on first use, so that a broken ``INCIDENTLOG_TODAY`` only stops the
        commands that need the date (``--today`` is checked before anything runs)."""
        return self.fixed_clock if self.fixed_clock is not None else Clock.from_environment()


def current() -> App:
    """The `App` of the command running now.

    Outside a command (a library call, shell completion before the root callback ran) it is
    a fresh one from the environment, never one left over from an earlier run.
    """
    ctx = get_current_context(silent=True)
    found = ctx.find_object(App) if ctx is not None else None
    return found if found is not None else App()


def clock() -> Clock:
    return current().clock


def today() -> date:
    """The running command's today: ``--today``, ``INCIDENTLOG_TODAY`` or the computer's."""
    return current().clock.today()


def now() -> datetime:
    """The running command's now, to the second (the last second of a pinned day)."""
    return current().clock.now()
