"""Terminal output: colour rules, messages, errors. Rich is imported only when a table needs it."""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterable
from typing import IO, TYPE_CHECKING, Any

import typer

from incidentlog.core.invocation import runnable

if TYPE_CHECKING:
    from rich.console import Console
    from rich.segment import Segment

# What a terminal would obey rather than show: C0 and C1 controls (ESC starts title, clear-screen
# and hyperlink sequences) except newline and tab, DEL, the Unicode
# bidirectional overrides and isolates that reorder what follows, the line and paragraph
# separators, and lone surrogates (bytes that were not UTF-8).
_UNSAFE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069"
    "\ud800-\udfff]"
    # A CR ending a line (CRLF, as in an e-mail message) is harmless; one inside a line
    # would send the cursor back to overwrite what was shown.
    "|\r(?!\n)"
)


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    if 0xDC80 <= code <= 0xDCFF:  # an undecodable byte, as Python's surrogateescape keeps it
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def inert(text: str) -> str:
    """Text as it may reach a terminal: every control character shown as an escape (`\\x1b`).

    Names and descriptions are typed by people and imported from files; on the way to the
    screen they must not be able to retitle the window, clear it, plant a link or reorder
    the line.
    """
    return _UNSAFE.sub(_visible, text)


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
    message = inert(message)
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
    from rich.segment import Segment

    class InertConsole(Console):
        """The last stop before the terminal: whatever a renderable holds is shown inert.

        Tables make their cells inert before measuring them (so columns line up); this
        catches text any other renderable (charts, titles, notes) carries.
        """

        def _render_buffer(self, buffer: Iterable[Segment]) -> str:
            return super()._render_buffer(
                segment if segment.control else Segment(inert(segment.text), segment.style)
                for segment in buffer
            )

    colour = colour_wanted(sys.stdout)
    if not sys.stdout.isatty() and "width" not in kwargs:
        # Piped tables (cron mail, files) should not wrap at a guessed 80 columns.
        kwargs["width"] = int(os.environ.get("COLUMNS") or 160)
    return InertConsole(
        file=sys.stdout,
        no_color=not colour,
        force_terminal=colour or None,
        highlight=False,
        soft_wrap=not sys.stdout.isatty(),
        **kwargs,
    )
