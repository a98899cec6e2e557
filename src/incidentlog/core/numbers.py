"""How a signed whole number reads, in tables and in the verdicts the reports write."""

from __future__ import annotations

# A true minus sign: a hyphen in a column of numbers reads as a dash.
MINUS = "−"


def signed(n: int) -> str:
    return f"+{n:,}" if n > 0 else f"{MINUS}{-n:,}" if n < 0 else "0"
