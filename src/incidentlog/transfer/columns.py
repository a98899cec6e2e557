"""The columns of incidents and training sessions as export writes and import reads them,
and the errors of a bad row."""

from __future__ import annotations

from collections.abc import Callable

from incidentlog.core.errors import InvalidInput

INCIDENT_COLUMNS = (
    "customer",
    "reason",
    "resolved",
    "store",
    "agent",
    "at",
    "description",
    "resolution",
    "contact",
    "channel",
    "id",
    "follow_up",
    "severity",
    "remedy",
    "cost",
    "resolved_at",
    "later_resolution",
)
INCIDENT_REQUIRED = INCIDENT_COLUMNS[:6]
TRAINING_COLUMNS = ("date", "topic", "kind", "minutes", "agents", "store", "trainer")
TRAINING_REQUIRED = TRAINING_COLUMNS[:5]
# Marks the demo's sample records (yes/no) in either kind; `export` writes it only for a
# database that holds demo records, so everyone else's files look as before.
DEMO_COLUMN = "demo"
KINDS = ("incidents", "training")
# Keys that `list`, `show`, `search`, `follow-ups` and `training list` print but that are
# derived (the check-backs and the history are the incident's events), so their output
# imports as it is.
IGNORED_COLUMNS = frozenset(
    {
        "id",
        "status",
        "snippet",
        "days_open",
        "overdue_days",
        "rank",
        "checks",
        "history",
        "checked",
        "last_check",
        "last_check_at",
    }
)
ALIASES = {"on": "date", "day": "date", "resolved_on_spot": "resolved"}
BOOLEANS = {
    "yes": True,
    "y": True,
    "true": True,
    "1": True,
    "no": False,
    "n": False,
    "false": False,
    "0": False,
}

Progress = Callable[[str, int, int], None]


class RowError(InvalidInput):
    """A bad value in one row: says where, and that nothing was imported."""

    def __init__(self, where: str, column: str | None, problem: str) -> None:
        problem = problem.strip()
        if problem[:1].isupper() and not problem[1:2].isupper():
            problem = problem[0].lower() + problem[1:]
        place = f"{where}, column {column}" if column else where
        super().__init__(f"{place}: {problem} Nothing was imported.")


class BadValue(Exception):
    """A bad value of one column; the reader adds the row's place and raises RowError."""

    def __init__(self, column: str, problem: str) -> None:
        super().__init__(problem)
        self.column = column
        self.problem = problem
