"""Click parameter types for the options that take a period or a date.

A value that cannot be read is refused while Click parses the command line, as a usage
error that names the option (exit 2): ``Invalid value for '--period' / '-p': Cannot
understand period "someday". Use 2026-03, ...``. Relative values are read with the
command's clock (`cli/context.py`), the one the command then uses.

The types check and hand the text on unchanged: some values are read again against other
options (an incident's ``--at`` decides which follow-up days are past; ``--period`` and
``--from`` exclude each other), and the command does that with the same clock.
"""

from __future__ import annotations

from typing import Any, Literal

try:  # typer >= 0.28 vendors click
    from typer._click import core as click_core
    from typer._click import types as click_types
except ImportError:  # pragma: no cover
    from click import core as click_core  # type: ignore[no-redef, import-not-found, unused-ignore]
    from click import types as click_types  # type: ignore[no-redef, import-not-found, unused-ignore]

from incidentlog.cli import context
from incidentlog.core.errors import InvalidInput

__all__ = ["PeriodType", "WhenType"]


class _Checked(click_types.ParamType):
    # As Typer names plain text: the help pages keep their <str>, the option's help names
    # the forms it takes.
    name = "str"

    def check(self, value: str, option: str) -> None:
        raise NotImplementedError

    def convert(
        self, value: Any, param: click_core.Parameter | None, ctx: click_core.Context | None
    ) -> Any:
        if not isinstance(value, str):
            return value
        option = param.opts[0] if param is not None and param.opts else "the value"
        try:
            self.check(value, option)
        except InvalidInput as exc:
            self.fail(str(exc), param, ctx)
        return value


class PeriodType(_Checked):
    """``--period``, ``--compare`` (a period expression) or ``--week`` (one ISO week)."""

    def __init__(self, kind: Literal["period", "week"] = "period") -> None:
        self.kind = kind

    def check(self, value: str, option: str) -> None:
        from incidentlog.core.periods import parse_period, parse_week

        parse = parse_week if self.kind == "week" else parse_period
        parse(value, today=context.today())


class WhenType(_Checked):
    """A date or time as people type it.

    ``moment`` (``--at``): a date-time, not in the future. ``day`` (``--on``,
    ``--follow-up``): a day. ``bound`` (``--from``, ``--to``): a day or a period expression.
    """

    def __init__(self, kind: Literal["moment", "day", "bound"] = "moment") -> None:
        self.kind = kind

    def check(self, value: str, option: str) -> None:
        clock = context.clock()
        if self.kind == "moment":
            from incidentlog.core.dates import ensure_not_future, parse_when

            ensure_not_future(parse_when(value, now=clock.now()), now=clock.now())
        elif self.kind == "day":
            from incidentlog.core.dates import parse_day

            parse_day(value, today=clock.today(), now=clock.now())
        else:
            from incidentlog.core.periods import parse_bound

            parse_bound(option, value, today=clock.today())
