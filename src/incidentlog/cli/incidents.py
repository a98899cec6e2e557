"""The incident commands: add, list, show, edit, resolve, reopen, check, delete, follow-ups,
undo (`check` itself is in `checkbacks.py`).

What they read and ask is in `incident_input.py`; how an incident is shown (its columns,
the card of `show`, the line `add` prints) in `incident_views.py`.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from incidentlog.cli import checkbacks, common, incident_input, sample
from incidentlog.cli.common import FormatOption, FromOption, LimitOption, PeriodOption, ToOption
from incidentlog.cli.incident_views import (
    checks_text,
    currency,
    follow_up_columns,
    incident_columns,
    incident_csv_keys,
    remedy_text,
    report_recorded,
    show_card,
    status_line,
)
from incidentlog.cli.params import WhenType
from incidentlog.core.errors import InvalidInput
from incidentlog.views.console import echo, is_interactive

app = typer.Typer()

NewStore = Annotated[
    bool, typer.Option("--new-store", help="Confirm a new store whose name looks like a known one.")
]
NewAgent = Annotated[
    bool, typer.Option("--new-agent", help="Confirm a new agent whose name looks like a known one.")
]
NewReason = Annotated[
    bool,
    typer.Option("--new-reason", help="Confirm a new reason whose name looks like a known one."),
]


def _resolve_lookalike(exc: Exception, values: dict[str, Any], flags: dict[str, bool]) -> bool:
    """At a terminal, let the user pick the known name or confirm the new one."""
    from incidentlog.core.errors import NearDuplicate

    if not isinstance(exc, NearDuplicate) or not is_interactive():
        return False
    if typer.confirm(
        f'{exc.kind.capitalize()} "{exc.name}" is new. Did you mean "{exc.matches[0]}"?',
        default=True,
    ):
        values[exc.kind] = exc.matches[0]
        return True
    if typer.confirm(f'Record "{exc.name}" as a new {exc.kind}?', default=False):
        flags[f"new_{exc.kind}"] = True
        return True
    raise typer.Abort()


@app.command()
def add(
    customer: Annotated[str | None, typer.Argument(help="Customer name.")] = None,
    reason: Annotated[
        str | None, typer.Option("--reason", "-r", help="Reason for dissatisfaction, e.g. billing.")
    ] = None,
    resolved: Annotated[
        bool | None,
        typer.Option("--resolved/--unresolved", help="Resolved on the spot, or not (stays open)."),
    ] = None,
    store: Annotated[
        str | None, typer.Option("--store", "-s", help="Store (default: `config set store`).")
    ] = None,
    agent: Annotated[
        str | None,
        typer.Option("--agent", "-a", help="Agent who handled it (default: `config set agent`)."),
    ] = None,
    description: Annotated[
        str | None, typer.Option("--description", "-d", help="What happened.")
    ] = None,
    resolution: Annotated[
        str | None, typer.Option("--resolution", help="What was done, or the next steps.")
    ] = None,
    at: Annotated[
        str | None,
        typer.Option(
            "--at",
            click_type=WhenType("moment"),
            help="When: '2026-05-14 15:30', 'yesterday 15:30', '2 hours ago' (default: now).",
        ),
    ] = None,
    contact: Annotated[
        str | None, typer.Option("--contact", help="Customer e-mail or phone.")
    ] = None,
    channel: Annotated[
        str | None, typer.Option("--channel", help="phone, in-person, email, chat or social.")
    ] = None,
    follow_up: Annotated[
        str | None,
        typer.Option(
            "--follow-up", help="Follow-up date for an open incident.", click_type=WhenType("day")
        ),
    ] = None,
    severity: incident_input.SeverityOption = None,
    remedy: incident_input.RemedyOption = None,
    cost: incident_input.CostOption = None,
    new_store: NewStore = False,
    new_agent: NewAgent = False,
    new_reason: NewReason = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only the new id.")] = False,
) -> None:
    """Record an incident right after it happened; prints its id.

    Example: incidentlog add "Ann Lee" --reason billing --resolved --store North --agent Jane
    """
    from functools import partial

    from incidentlog.cli.context import now
    from incidentlog.core import config
    from incidentlog.core.errors import NearDuplicate
    from incidentlog.records.recording import IncidentInput, add_incident
    from incidentlog.storage.connection import retrying

    defaults = config.load()
    values: dict[str, Any] = {
        "customer": customer,
        "reason": reason,
        "resolved": resolved,
        "store": store or defaults.get("store"),
        "agent": agent or defaults.get("agent"),
        "description": description,
        "resolution": resolution,
        **incident_input.remedy_fields(severity, remedy, cost),
    }
    when = incident_input.when(at) or now().replace(microsecond=0)
    values["follow_up"] = incident_input.follow_up(follow_up, when)
    missing = [
        k for k in ("customer", "reason", "resolved", "store", "agent") if values[k] in (None, "")
    ]
    flags = {"new_store": new_store, "new_agent": new_agent, "new_reason": new_reason}

    def build() -> IncidentInput:
        return IncidentInput(
            customer=values["customer"],
            reason=values["reason"],
            resolved=bool(values["resolved"]),
            store=values["store"],
            agent=values["agent"],
            at=when,
            description=values["description"] or "",
            resolution=values["resolution"] or "",
            contact=contact,
            channel=channel,
            follow_up=values["follow_up"],
            severity=values["severity"],
            remedy=values["remedy"],
            cost_cents=values["cost"],
        )

    # With every value given, a server that is away does not lose the record (the outbox).
    keep = None if missing else (lambda: ("incident", build(), flags))
    with common.connect(create=True, keep=keep) as conn:
        if missing:
            if not is_interactive():
                names = ", ".join(
                    "CUSTOMER"
                    if k == "customer"
                    else ("--resolved/--unresolved" if k == "resolved" else f"--{k}")
                    for k in missing
                )
                raise InvalidInput(f"Missing {names} (no terminal to ask on).")
            incident_input.prompt_missing(conn, values)
        sample.settle(conn)  # a real record must not silently join the demo's sample
        while True:
            data = build()
            try:
                recorded = retrying(conn, partial(add_incident, conn, data, **flags))
                break
            except NearDuplicate as exc:
                if not _resolve_lookalike(exc, values, flags):
                    raise
    report_recorded(recorded, quiet=quiet)


@app.command("list")
def list_(
    period: PeriodOption = None,
    from_: FromOption = None,
    to: ToOption = None,
    store: common.StoreFilter = None,
    agent: common.AgentFilter = None,
    customer: common.CustomerFilter = None,
    reason: common.ReasonFilter = None,
    open_only: common.OpenFilter = False,
    limit: LimitOption = None,
    fmt: FormatOption = "table",
) -> None:
    """List incidents, newest first (default period: this month).

    Example: incidentlog list --period last-month --store North --open
    """
    from incidentlog.records.listing import list_incidents
    from incidentlog.views.render import check_format, render

    fmt = check_format(fmt)
    chosen, selection = common.incident_filter(
        period, from_, to, store, agent, customer, reason, open_only, limit=limit
    )
    with common.connect() as conn:
        rows = list_incidents(conn, selection)
    title = f"Incidents · {chosen.label}" if chosen else "Incidents"
    table = [dict(row) for row in rows]
    if fmt == "csv":  # a cell holds text, never a structure
        table = [{**row, "checks": checks_text(row["checks"])} for row in rows]
    render(
        table,
        incident_columns(currency()),
        fmt,
        title=title,
        empty="No incidents match.",
        csv_keys=incident_csv_keys("later_resolution", "severity", "remedy", "cost", "checks"),
    )


@app.command()
def show(
    incident_id: Annotated[int, typer.Argument(metavar="ID", help="Incident id.")],
    fmt: FormatOption = "table",
) -> None:
    """Show one incident in full.

    Example: incidentlog show 42
    """
    from incidentlog.records.recording import show_incident
    from incidentlog.views.render import check_format, render

    fmt = check_format(fmt)
    with common.connect() as conn:
        incident = show_incident(conn, incident_id)
    if fmt == "table":
        show_card(incident, currency())
    else:
        columns = incident_columns(currency())
        shown = dict(incident)
        render([shown], columns, fmt, document=shown if fmt == "json" else None)


@app.command()
def edit(
    incident_id: Annotated[int, typer.Argument(metavar="ID", help="Incident id.")],
    customer: Annotated[str | None, typer.Option("--customer", help="New customer name.")] = None,
    contact: Annotated[str | None, typer.Option("--contact", help="New contact.")] = None,
    reason: Annotated[str | None, typer.Option("--reason", "-r", help="New reason.")] = None,
    resolved: Annotated[
        bool | None, typer.Option("--resolved/--unresolved", help="Resolved on the spot or not.")
    ] = None,
    store: Annotated[str | None, typer.Option("--store", "-s", help="New store.")] = None,
    agent: Annotated[str | None, typer.Option("--agent", "-a", help="New agent.")] = None,
    description: Annotated[
        str | None, typer.Option("--description", "-d", help="New description.")
    ] = None,
    resolution: Annotated[
        str | None, typer.Option("--resolution", help="New resolution text.")
    ] = None,
    at: Annotated[
        str | None, typer.Option("--at", help="New time.", click_type=WhenType("moment"))
    ] = None,
    channel: Annotated[str | None, typer.Option("--channel", help="New channel.")] = None,
    follow_up: Annotated[
        str | None,
        typer.Option("--follow-up", help="New follow-up date.", click_type=WhenType("day")),
    ] = None,
    severity: incident_input.SeverityOption = None,
    remedy: incident_input.RemedyOption = None,
    cost: Annotated[
        str | None,
        typer.Option("--cost", metavar="AMOUNT", help="What the remedy cost, e.g. 12.50."),
    ] = None,
    new_store: NewStore = False,
    new_agent: NewAgent = False,
    new_reason: NewReason = False,
) -> None:
    """Correct fields of an incident (only the ones given change; an empty --contact,
    --channel, --severity, --remedy or --cost clears it).

    Example: incidentlog edit 42 --reason "late delivery" --agent Jane
    """
    from incidentlog.records.fields import normalise_remedy, normalise_severity
    from incidentlog.records.recording import edit_incident

    # Checked here to name the option; given empty (""), they are cleared.
    if severity is not None:
        severity = normalise_severity(severity, "--severity") or ""
    if remedy is not None:
        remedy = normalise_remedy(remedy, "--remedy") or ""
    changes: dict[str, Any] = {
        k: v
        for k, v in {
            "customer": customer,
            "contact": contact,
            "reason": reason,
            "resolved": resolved,
            "store": store,
            "agent": agent,
            "description": description,
            "resolution": resolution,
            "at": incident_input.when(at),
            "channel": channel,
            "follow_up": incident_input.follow_up(follow_up, incident_input.when(at)),
            "severity": severity,
            "remedy": remedy,
        }.items()
        if v is not None
    }
    if cost is not None:  # empty clears it
        changes["cost_cents"] = incident_input.cost(cost) if cost.strip() else None
    with common.connect() as conn:
        recorded = edit_incident(
            conn,
            incident_id,
            changes,
            new_store=new_store,
            new_agent=new_agent,
            new_reason=new_reason,
        )
    report_recorded(recorded, verb="Updated")


@app.command()
def resolve(
    incident_id: Annotated[int, typer.Argument(metavar="ID", help="Incident id.")],
    resolution: Annotated[str, typer.Option("--resolution", help="How it was resolved.")],
    at: Annotated[
        str | None,
        typer.Option(
            "--at", help="When it was resolved (default: now).", click_type=WhenType("moment")
        ),
    ] = None,
    remedy: incident_input.RemedyOption = None,
    cost: incident_input.CostOption = None,
) -> None:
    """Record the later resolution of an open incident (and the remedy it took).

    Example: incidentlog resolve 42 --resolution "refund sent" --remedy refund --cost 24.90
    """
    from incidentlog.cli.context import now
    from incidentlog.records.fields import normalise_remedy
    from incidentlog.records.recording import resolve_incident

    when = incident_input.when(at) or now().replace(microsecond=0)
    chosen = normalise_remedy(remedy, "--remedy")
    cents = incident_input.cost(cost)
    with common.connect() as conn:
        incident = resolve_incident(
            conn, incident_id, resolution, when, remedy=chosen, cost_cents=cents
        )
    given = remedy_text(incident) if chosen or cents is not None else ""
    echo(
        f"Resolved incident #{incident['id']} ({incident['customer']}) on "
        f"{when:%Y-%m-%d %H:%M}{f' — {given}' if given else ''}."
    )


@app.command()
def reopen(
    incident_id: Annotated[int, typer.Argument(metavar="ID", help="Incident id.")],
    note: Annotated[
        str | None, typer.Option("--note", help="Why it is open again (kept in its history).")
    ] = None,
) -> None:
    """Put an incident resolved later back to open; its resolution stays in its history.

    An incident resolved on the spot cannot be reopened (record the customer's return as a
    new incident, or correct a wrong record with `edit ID --unresolved`).

    Example: incidentlog reopen 42 --note "refund never arrived"
    """
    from incidentlog.cli.context import now
    from incidentlog.records.recording import reopen_incident

    with common.connect() as conn:
        incident = reopen_incident(conn, incident_id, now(), note or "")
    echo(f"Reopened incident #{incident['id']} ({incident['customer']}) — {status_line(incident)}.")


app.command()(checkbacks.check)


@app.command()
def delete(
    incident_id: Annotated[int, typer.Argument(metavar="ID", help="Incident id.")],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Delete an incident (`incidentlog undo` brings it back).

    Example: incidentlog delete 42 --yes
    """
    from incidentlog.records.recording import delete_incident, get_incident, incident_version

    with common.connect() as conn:
        incident = get_incident(conn, incident_id)
        seen = incident_version(conn, incident_id)
        if not yes:
            if not is_interactive():
                raise InvalidInput("Pass --yes to delete without a terminal to confirm on.")
            if not typer.confirm(
                f"Delete incident #{incident_id} ({incident['customer']}, {incident['reason']}, {str(incident['at'])[:10]})?"
            ):
                raise typer.Abort()
        delete_incident(conn, incident_id, read_version=seen)
    echo(f"Deleted incident #{incident_id}. (`incidentlog undo` brings it back.)")


@app.command("follow-ups")
def follow_ups(
    period: PeriodOption = None,
    from_: FromOption = None,
    to: ToOption = None,
    store: Annotated[str | None, typer.Option("--store", "-s", help="Only this store.")] = None,
    agent: Annotated[str | None, typer.Option("--agent", "-a", help="Only this agent.")] = None,
    limit: LimitOption = None,
    fmt: FormatOption = "table",
) -> None:
    """Open incidents and check-backs due, overdue first (default: all time).

    A resolved incident whose follow-up day has come and nobody checked back with the
    customer yet is listed as "to check" (`incidentlog check ID --satisfied` records it).

    Example: incidentlog follow-ups --store North
    """
    from incidentlog.cli.context import today
    from incidentlog.records.listing import follow_ups as open_incidents
    from incidentlog.views.render import check_format, render

    fmt = check_format(fmt)
    _, selection = common.incident_filter(
        period, from_, to, store, agent, None, None, True, limit=limit, default=None
    )
    with common.connect() as conn:
        rows = open_incidents(conn, selection, today=today())
    render(
        [dict(row) for row in rows],
        follow_up_columns(),
        fmt,
        title="Follow-ups",
        empty="No open incidents and no check-backs due. Well done.",
        csv_keys=incident_csv_keys(
            "days_open", "overdue_days", "checked", "last_check", "last_check_at"
        ),
    )


@app.command()
def undo() -> None:
    """Reverse the most recent change (add, edit, resolve, reopen, check, delete, import...).

    Example: incidentlog undo
    """
    from incidentlog.records.journal import undo as undo_last

    with common.connect() as conn:
        entry = undo_last(conn)
    echo(f"Undid: {entry['summary']}.")
