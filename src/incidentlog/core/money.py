"""Amounts of money (a remedy's cost): read exactly, kept as whole cents, shown as typed.

Money never passes through a float on its way in: sums over a year of refunds must come out
to the cent on SQLite and PostgreSQL alike, so the database holds integer hundredths.
"""

from __future__ import annotations

import re
from decimal import Decimal

from incidentlog.core.errors import InvalidInput

# A trillion in the shop's currency: far above any remedy, far below 64-bit cents.
MAX_CENTS = 100_000_000_000_000
_COMMA_DECIMAL = re.compile(r"^(\d+),(\d{1,2})$", re.ASCII)
_AMOUNT = re.compile(r"^-?\d+(\.\d*)?$|^-?\.\d+$", re.ASCII)


def parse_cost(text: str, source: str = "--cost") -> int:
    """`12`, `12.5`, `12.50`, `0` (or `12,50`, a decimal comma) as cents; anything else is
    refused naming `source`."""
    raw = text.strip()
    comma = _COMMA_DECIMAL.match(raw)
    if comma:
        raw = f"{comma.group(1)}.{comma.group(2)}"
    if not _AMOUNT.match(raw):
        raise InvalidInput(f"{source} must be an amount such as 12.50, not {text.strip()!r}.")
    amount = Decimal(raw)
    if amount < 0:
        raise InvalidInput(f"{source} cannot be negative ({text.strip()}).")
    cents = amount * 100
    if cents != cents.to_integral_value():
        raise InvalidInput(f"{source} has at most two decimals ({text.strip()}).")
    if cents > MAX_CENTS:
        raise InvalidInput(f"{source} is too large ({text.strip()}).")
    return int(cents)


def cents_to_decimal(cents: int) -> Decimal:
    return (Decimal(cents) / 100).quantize(Decimal("0.01"))


def cents_to_number(cents: int | None) -> float | None:
    """The amount as a JSON number: the shortest float that reads back as exactly these cents."""
    return None if cents is None else cents / 100


def format_cost(cents: int | None, currency: str | None = None) -> str:
    """`12.50`, or `EUR 12.50` when a currency is configured; empty for no amount."""
    if cents is None:
        return ""
    amount = f"{cents_to_decimal(cents):,.2f}"
    return f"{currency} {amount}" if currency else amount
