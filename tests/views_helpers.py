"""Shared by the width and HTML tests: a demo database with long names, and the check
that a printed report holds every count, rate, date and name of its JSON rows."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import Cli

MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
LONG_STORE = "Northern Industrial Estate Superstore"
LONG_CUSTOMER = "Maximiliane Oberhuber-Wittgenstein"


def build_demo_db(path: Path) -> Path:
    """The demo sample plus three incidents with long names."""
    mp = pytest.MonkeyPatch()
    try:
        tmp = path.parent
        mp.setenv("INCIDENTLOG_DB", str(path))
        mp.setenv("INCIDENTLOG_CONFIG", str(tmp / "config.toml"))
        mp.setenv("INCIDENTLOG_TODAY", "2026-05-20")
        mp.setenv("NO_COLOR", "1")
        cli = Cli()
        cli("demo")
        # Where the demo sample must be kept explicitly before real records join it.
        cli("demo", "--keep", ok=False)
        for day in ("2026-05-04", "2026-05-12", "2026-05-14"):
            cli(
                "add",
                LONG_CUSTOMER,
                "--contact",
                "maximiliane.oberhuber-wittgenstein@example.com",
                "--reason",
                "billing error",
                "--unresolved",
                "--store",
                LONG_STORE,
                "--agent",
                "Jane",
                "--at",
                f"{day} 11:00",
                "--follow-up",
                "2026-05-15",
                "--new-store",
            )
    finally:
        mp.undo()
    return path


def tokens(text: str) -> set[str]:
    return set(text.split())


def check_holds(
    text: str,
    rows: list[dict[str, Any]],
    width: int,
    *,
    counts: tuple[str, ...] = (),
    rates: tuple[str, ...] = (),
    names: tuple[str, ...] = (),
    dates: tuple[str, ...] = (),
    cut_ok: bool = False,
) -> None:
    for line in text.splitlines():
        assert len(line) <= width, f"line wider than {width}: {line!r}"
    if not cut_ok:
        assert "…" not in text, text
    out = tokens(text)
    joined = " ".join(text.split())
    for row in rows:
        for key in counts:
            value = row[key]
            if value is None:
                continue
            forms = {f"{abs(value):,}", str(abs(value))}
            assert any(
                re.search(rf"(?<![\d,.]){re.escape(shown)}(?![\d,])", t)
                for t in out
                for shown in forms
            ), f"{key}={value} missing at {width} columns:\n{text}"
        for key in rates:
            value = row[key]
            if value is None:
                continue
            shown = f"{value * 100:.0f}%"
            assert shown in joined, f"{key}={shown} missing at {width} columns:\n{text}"
        for key in names:
            value = row[key]
            if not value or str(value).startswith("All "):
                continue
            if isinstance(value, list):
                value = " ".join(value)
            # A contact may break before its "@" in a narrow column.
            for word in str(value).replace("@", " @").split():
                assert word in out or any(word in t for t in out), (
                    f"{key}={value!r}: {word!r} missing at {width} columns:\n{text}"
                )
        for key in dates:
            value = row[key]
            if not value:
                continue
            day = dt.date.fromisoformat(str(value)[:10])
            forms = (str(value)[:10], f"{day.day} {MONTHS[day.month - 1]}")
            # A narrow date may wrap between its day and its month; both parts stay whole.
            assert any(f in joined for f in forms) or (
                str(day.day) in out and MONTHS[day.month - 1] in out
            ), f"{key}={value} missing at {width} columns:\n{text}"
