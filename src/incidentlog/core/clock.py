"""The clock every "today" and "now" of a command comes from: the real one, or a pinned day.

`--today 2026-05-20` (or ``INCIDENTLOG_TODAY``) pins the day, to re-run a missed cron job
or to get the same report twice. The command line builds one `Clock` and hands it down;
dates and periods take it (or its ``today()``) as a parameter, so nothing below the command
line looks at the environment or at the wall clock on its own.

Only the standard library: ``incidentlog add`` imports this module and must start quickly.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time

from incidentlog.core.errors import InvalidInput

__all__ = ["EARLIEST", "END_OF_DAY", "TODAY_ENV", "Clock"]

TODAY_ENV = "INCIDENTLOG_TODAY"
"""Environment variable that pins "today" (``YYYY-MM-DD``) for every relative expression."""

EARLIEST = date(1900, 1, 1)
"""The earliest day anything may be on; "all time" starts here, and so may a pinned today."""

END_OF_DAY = time(23, 59, 59)
"""What "now" is on a pinned day: its last second, so that a pinned command gives the same
answer at any hour (that day's 18:45 is never "in the future")."""


def _shown(text: str, limit: int = 60) -> str:
    """User text made safe to quote in a one-line message."""
    cleaned = "".join(c if c.isprintable() else "?" for c in text)
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 1] + "…"


@dataclass(frozen=True)
class Clock:
    """Today and now: the computer's, or those of the ``pinned`` day."""

    pinned: date | None = None

    @classmethod
    def pinned_to(cls, text: str, source: str = TODAY_ENV) -> Clock:
        """A clock pinned to ``text`` (``YYYY-MM-DD``); an empty text leaves it unpinned.

        Errors name ``source`` (``--today`` or the environment variable), whichever the
        user wrote the value in.
        """
        raw = text.strip()
        if not raw:
            return cls()
        match = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", raw, re.ASCII)
        try:
            if match is None:
                raise ValueError(raw)
            day = date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            raise InvalidInput(
                f'{source} must be a date such as 2026-05-20, not "{_shown(raw)}".'
            ) from None
        if day < EARLIEST:
            raise InvalidInput(f"{source} must not be before 1900-01-01, not {raw}.")
        return cls(day)

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> Clock:
        """The clock ``INCIDENTLOG_TODAY`` asks for (the real one when it is unset or empty)."""
        source = os.environ if environ is None else environ
        return cls.pinned_to(source.get(TODAY_ENV, ""), TODAY_ENV)

    def today(self) -> date:
        """The pinned day, or the computer's local date."""
        return self.pinned if self.pinned is not None else date.today()

    def now(self) -> datetime:
        """The naive local date-time to the second; on a pinned day, its last second."""
        if self.pinned is not None:
            return datetime.combine(self.pinned, END_OF_DAY)
        return datetime.now().replace(microsecond=0)
