"""Spreadsheet formulas: `export` defuses a cell a spreadsheet would run, `import` takes
that off again."""

from __future__ import annotations

import re

# What a spreadsheet runs as a formula; `export` puts a ' before it, `import` takes it off.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def undefused(value: str) -> str:
    """A CSV cell as written before `export` defused it: one leading ' less before a formula
    start (only there, so "'tis" stays as it is)."""
    if value.startswith("'") and value.lstrip("'")[:1] in FORMULA_START and value.lstrip("'"):
        return value[1:]
    return value


FORMULA = re.compile(r"'*[=+\-@\t\r]")


def defused(text: str) -> str:
    """Text a spreadsheet would run as a formula (=, +, -, @, tab or CR first) with a
    leading ' that shows it as text; `import` takes the ' off again. A ' already in front
    of such a start gets one more, so that the round trip is exact."""
    return "'" + text if FORMULA.match(text) else text
