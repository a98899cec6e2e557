"""`check`: the check-back with the customer after an incident (registered in incidents.py,
beside `resolve` and `reopen`)."""

from __future__ import annotations

from typing import Annotated

import typer

from incidentlog.cli import common, incident_input
from incidentlog.cli.params import WhenType
from incidentlog.core.errors import InvalidInput
from incidentlog.views.console import echo

OUTCOME_FLAGS = {
    "--satisfied": "satisfied",
    "--not-satisfied": "not-satisfied",
    "--no-answer": "no-answer",
}


def check(
    incident_id: Annotated[int, typer.Argument(metavar="ID", help="Incident id.")],
    satisfied: Annotated[
        bool, typer.Option("--satisfied", help="The customer is satisfied now.")
    ] = False,
    not_satisfied: Annotated[
        bool, typer.Option("--not-satisfied", help="The customer is still not satisfied.")
    ] = False,
    no_answer: Annotated[
        bool, typer.Option("--no-answer", help="The customer could not be reached.")
    ] = False,
    at: Annotated[
        str | None,
        typer.Option(
            "--at", help="When you checked back (default: now).", click_type=WhenType("moment")
        ),
    ] = None,
    note: Annotated[
        str | None, typer.Option("--note", help="What the customer said (kept in its history).")
    ] = None,
) -> None:
    """Record a check-back with the customer: satisfied, not satisfied, or no answer.

    An incident may have several (a first call unanswered, a second one that reached them).

    Example: incidentlog check 42 --satisfied --note "voucher arrived, happy"
    """
    given = [
        flag
        for flag, on in zip(OUTCOME_FLAGS, (satisfied, not_satisfied, no_answer), strict=True)
        if on
    ]
    if len(given) != 1:
        said = f"not {' and '.join(given)} at once" if given else "none was given"
        raise InvalidInput(f"Give exactly one of {', '.join(OUTCOME_FLAGS)} ({said}).")
    from incidentlog.cli.context import now
    from incidentlog.records.checkbacks import check_incident

    when = incident_input.when(at) or now().replace(microsecond=0)
    with common.connect() as conn:
        done = check_incident(conn, incident_id, OUTCOME_FLAGS[given[0]], when, note or "")
    nth = f" (check-back {done.checks})" if done.checks > 1 else ""
    echo(
        f"Checked back on incident #{done.incident_id} ({done.customer}) on "
        f"{done.at:%Y-%m-%d %H:%M}: {done.outcome}{nth}."
    )
