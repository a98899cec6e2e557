"""How the user can run this program again, for every hint that names a command.

`incidentlog` only when the shell finds this same program by that name; otherwise the path
it was started from (a venv's `bin/incidentlog` the shell does not know, say), so a hint can
be copied and run as it is.
"""

from __future__ import annotations

import functools
import os
import shlex
import shutil
import sys
from pathlib import Path

NAME = "incidentlog"


def _same(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or os.path.samefile(a, b)
    except OSError:
        return False


@functools.cache
def command_name() -> str:
    """`incidentlog` when it is on PATH as this program, else the way to start this one."""
    argv0 = sys.argv[0] if sys.argv else ""
    started = Path(argv0) if argv0 else None
    if started is not None and started.name == "__main__.py":
        # `python -m incidentlog`: only the same interpreter is sure to find the package.
        return f"{shlex.quote(sys.executable)} -m {NAME}"
    if started is None or not started.name.startswith(NAME) or not started.exists():
        # Not started as the incidentlog script (imported, or run in-process by a test).
        return NAME
    found = shutil.which(NAME)
    if found is not None and _same(Path(found), started):
        return NAME
    return shlex.quote(str(started.resolve()))


def command(arguments: str) -> str:
    """A hint's command line: `command("demo --remove")` → `incidentlog demo --remove`."""
    return f"{command_name()} {arguments}" if arguments else command_name()


def runnable(message: str) -> str:
    """A message whose quoted commands (`incidentlog undo`) name the command as it can be run."""
    if "`" + NAME not in message:
        return message
    name = command_name()
    return message if name == NAME else message.replace(f"`{NAME} ", f"`{name} ")


__all__ = ["NAME", "command", "command_name", "runnable"]
