"""Recording commands: add, list, show, edit, resolve, delete, follow-ups, undo."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated, Any

import typer

from incidentlog.cli import common
from incidentlog.cli.common import FormatOption, FromOption, LimitOption, PeriodOption, ToOption
from incidentlog.console import echo, is_interactive, note
from incidentlog.errors import InvalidInput

if TYPE_CHECKING:
    from incidentlog.recording import Recorded
    from incidentlog.storage.connection import Conn

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


def _when(text: str | None) -> dt.datetime | None:
    if text is None:
        return None
    from incidentlog.dates import ensure_not_future, parse_when

    at = parse_when(text)
    ensure_not_future(at)
    return at


def _follow_up(text: str | None, at: dt.datetime | None = None) -> dt.date | None:
    if text is None:
        return None
    from incidentlog.dates import parse_follow_up

    return parse_follow_up(text, since=at.date() if at else None)


def _status_line(incident: dict[str, Any]) -> str:
    status = str(incident["status"])
    if status == "open" and incident.get("follow_up"):
        due = dt.date.fromisoformat(incident["follow_up"])
        status = f"open, follow up {due:%a %-d %b}"
    return status


def _report_recorded(recorded: Recorded, verb: str = "Recorded", quiet: bool = False) -> None:
    incident = recorded.incident
    if quiet:
        echo(str(incident["id"]))
    else:
        echo(
            f"{verb} incident #{incident['id']} for {incident['customer']} at {incident['store']} "
            f"(agent {incident['agent']}) — {_status_line(incident)}."
        )
    for warning in recorded.warnings:
        note(f"Note: {warning}")
    earlier = recorded.earlier
    if earlier:
        n = earlier["incidents"]
        note(
            f"Note: {incident['customer']} has {n} earlier incident{'s' if n != 1 else ''} "
            f"({earlier['stores']} store{'s' if earlier['stores'] != 1 else ''}, "
            f"{earlier['agents']} agent{'s' if earlier['agents'] != 1 else ''}) — "
            "see `incidentlog repeat-customers`."
        )


def _known(conn: Conn, table: str) -> list[str]:
    return [r["name"] for r in conn.rows(f"SELECT name FROM {table} ORDER BY name LIMIT 12")]


def _ask(label: str, known: list[str] | None = None, default: str | None = None) -> str:
    choices = ""
    if known:
        shown = ", ".join(known[:6])
        choices = f" ({shown}{', ...' if len(known) > 6 else ''} or a new one)"
    while True:
        value = typer.prompt(f"{label}{choices}", default=default or "", show_default=bool(default))
        if value.strip() or default == "":
            return str(value)


def _prompt_missing(conn: Conn, values: dict[str, Any]) -> None:
    """Ask for what is missing, as a clerk would be asked after a call."""
    if not values["customer"]:
        values["customer"] = _ask("Customer")
    if not values["reason"]:
        values["reason"] = _ask("Reason", _known(conn, "reason"))
    if values["resolved"] is None:
        values["resolved"] = typer.confirm("Resolved on the spot?", default=None)
    if not values["store"]:
        values["store"] = _ask("Store", _known(conn, "store"))
    if not values["agent"]:
        values["agent"] = _ask("Agent", _known(conn, "agent"))
    if values["description"] is None:
        values["description"] = _ask("What happened", default="")
    if values["resolution"] is None:
        label = "What was done" if values["resolved"] else "What was done / next step"
        values["resolution"] = _ask(label, default="")
    if not values["resolved"] and values["follow_up"] is None:
        from incidentlog.periods import today

        suggested = today() + dt.timedelta(days=3)
        answer = typer.prompt("Follow up on", default=suggested.strftime("%A %Y-%m-%d"))
        values["follow_up"] = _follow_up(
            answer.split(" ", 1)[1] if answer.startswith(suggested.strftime("%A ")) else answer
        )


def _resolve_lookalike(exc: Exception, values: dict[str, Any], flags: dict[str, bool]) -> bool:
    """At a terminal, let the user pick the known name or confirm the new one."""
    from incidentlog.errors import NearDuplicate

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
        str | None, typer.Option("--follow-up", help="Follow-up date for an open incident.")
    ] = None,
    new_store: NewStore = False,
    new_agent: NewAgent = False,
    new_reason: NewReason = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only the new id.")] = False,
) -> None:
    """Record an incident right after it happened; prints its id.

    Example: incidentlog add "Ann Lee" --reason billing --resolved --store North --agent Jane
    """
    from functools import partial

    from incidentlog import config
    from incidentlog.errors import NearDuplicate
    from incidentlog.periods import now
    from incidentlog.recording import IncidentInput, add_incident
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
    }
    when = _when(at) or now().replace(microsecond=0)
    values["follow_up"] = _follow_up(follow_up, when)
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
            _prompt_missing(conn, values)
        while True:
            data = build()
            try:
                recorded = retrying(conn, partial(add_incident, conn, data, **flags))
                break
            except NearDuplicate as exc:
                if not _resolve_lookalike(exc, values, flags):
                    raise
    _report_recorded(recorded, quiet=quiet)


def incident_csv_keys(*extra: str) -> list[str]:
    """The CSV columns of a list of incidents, the same whether it has rows or not: the keys
    of an incident as `show --format json` gives it, then `extra`."""
    from collections import defaultdict

    from incidentlog.recording import incident_public

    blank: dict[str, Any] = defaultdict(lambda: None, id=0, resolved_on_spot=False)
    keys = list(incident_public(blank))
    return keys + [k for k in extra if k not in keys]


def incident_columns() -> list[Any]:
    from incidentlog.render import Column, short_date

    return [
        Column("id", "#", "right"),
        Column(
            "at",
            "When",
            show=lambda v, _r: v.replace("T", " ") if v else "",
            no_wrap=True,
            narrow=short_date,
        ),
        Column("customer", "Customer"),
        Column("reason", "Reason"),
        Column("store", "Store"),
        Column("agent", "Agent"),
        Column("status", "Status"),
    ]


def _filter(
    period: Any,
    store: str | None,
    agent: str | None,
    customer: str | None,
    reason: str | None,
    open_only: bool,
    limit: int | None,
) -> Any:
    from incidentlog.listing import IncidentFilter

    return IncidentFilter(
        start=period.start if period else None,
        end=period.end if period else None,
        store=store,
        agent=agent,
        customer=customer,
        reason=reason,
        open_only=open_only,
        limit=limit,
    )


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
    from incidentlog.listing import list_incidents
    from incidentlog.render import check_format, render

    fmt = check_format(fmt)
    chosen = common.period(period, from_, to)
    with common.connect() as conn:
        rows = list_incidents(
            conn, _filter(chosen, store, agent, customer, reason, open_only, limit)
        )
    title = f"Incidents · {chosen.label}" if chosen else "Incidents"
    if fmt == "csv":  # a cell holds text, never a structure
        rows = [{**row, "checks": checks_text(row["checks"])} for row in rows]
    render(
        rows,
        incident_columns(),
        fmt,
        title=title,
        empty="No incidents match.",
        csv_keys=incident_csv_keys("later_resolution", "checks"),
    )


def checks_text(checks: list[dict[str, Any]]) -> str:
    """Check-backs as one line: `2026-05-22 10:00 satisfied: happy now; ...`."""
    return "; ".join(
        f"{str(c['at']).replace('T', ' ')} {c['outcome']}" + (f": {c['note']}" if c["note"] else "")
        for c in checks
    )


@app.command()
def show(
    incident_id: Annotated[int, typer.Argument(metavar="ID", help="Incident id.")],
    fmt: FormatOption = "table",
) -> None:
    """Show one incident in full.

    Example: incidentlog show 42
    """
    from incidentlog.recording import show_incident
    from incidentlog.render import check_format, render

    fmt = check_format(fmt)
    with common.connect() as conn:
        incident = show_incident(conn, incident_id)
    if fmt == "table":
        _show_card(incident)
    else:
        render([incident], incident_columns(), fmt, document=incident if fmt == "json" else None)


def _show_card(incident: dict[str, Any]) -> None:
    labels = [
        ("customer", "Customer"),
        ("contact", "Contact"),
        ("reason", "Reason"),
        ("status", "Status"),
        ("at", "When"),
        ("store", "Store"),
        ("agent", "Agent"),
        ("channel", "Channel"),
        ("description", "What happened"),
        ("resolution", "Resolution"),
        ("follow_up", "Follow up"),
        ("resolved_at", "Resolved at"),
        ("later_resolution", "Resolved with"),
    ]
    echo(f"Incident #{incident['id']}", bold=True)
    for key, label in labels:
        value = incident.get(key)
        if value not in (None, ""):
            echo(
                f"  {label + ':':<15}{str(value).replace('T', ' ') if key in ('at', 'resolved_at') else value}"
            )
    if incident["history"]:
        echo("  History:")
    for event in incident["history"]:
        echo(f"    {_event_line(event)}")


EVENT_VERBS = {"resolve": "resolved", "reopen": "reopened", "check": "checked back"}


def _event_line(event: dict[str, Any]) -> str:
    when = str(event["at"]).replace("T", " ")
    outcome = f" ({event['outcome']})" if event["outcome"] else ""
    note = f": {event['note']}" if event["note"] else ""
    return (
        f"{when}  {EVENT_VERBS.get(event['kind'], event['kind'])}{outcome}{note} — {event['actor']}"
    )


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
    at: Annotated[str | None, typer.Option("--at", help="New time.")] = None,
    channel: Annotated[str | None, typer.Option("--channel", help="New channel.")] = None,
    follow_up: Annotated[
        str | None, typer.Option("--follow-up", help="New follow-up date.")
    ] = None,
    new_store: NewStore = False,
    new_agent: NewAgent = False,
    new_reason: NewReason = False,
) -> None:
    """Correct fields of an incident (only the ones given change).

    Example: incidentlog edit 42 --reason "late delivery" --agent Jane
    """
    from incidentlog.recording import edit_incident

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
            "at": _when(at),
            "channel": channel,
            "follow_up": _follow_up(follow_up, _when(at)),
        }.items()
        if v is not None
    }
    with common.connect() as conn:
        recorded = edit_incident(
            conn,
            incident_id,
            changes,
            new_store=new_store,
            new_agent=new_agent,
            new_reason=new_reason,
        )
    _report_recorded(recorded, verb="Updated")


@app.command()
def resolve(
    incident_id: Annotated[int, typer.Argument(metavar="ID", help="Incident id.")],
    resolution: Annotated[str, typer.Option("--resolution", help="How it was resolved.")],
    at: Annotated[
        str | None, typer.Option("--at", help="When it was resolved (default: now).")
    ] = None,
) -> None:
    """Record the later resolution of an open incident.

    Example: incidentlog resolve 42 --resolution "refund sent" --at "yesterday 16:00"
    """
    from incidentlog.periods import now
    from incidentlog.recording import resolve_incident

    when = _when(at) or now().replace(microsecond=0)
    with common.connect() as conn:
        incident = resolve_incident(conn, incident_id, resolution, when)
    echo(f"Resolved incident #{incident['id']} ({incident['customer']}) on {when:%Y-%m-%d %H:%M}.")


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
    from incidentlog.periods import now
    from incidentlog.recording import reopen_incident

    with common.connect() as conn:
        incident = reopen_incident(conn, incident_id, now(), note or "")
    echo(
        f"Reopened incident #{incident['id']} ({incident['customer']}) — {_status_line(incident)}."
    )


@app.command()
def delete(
    incident_id: Annotated[int, typer.Argument(metavar="ID", help="Incident id.")],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Delete an incident (`incidentlog undo` brings it back).

    Example: incidentlog delete 42 --yes
    """
    from incidentlog.recording import delete_incident, get_incident, incident_version

    with common.connect() as conn:
        incident = get_incident(conn, incident_id)
        seen = incident_version(conn, incident_id)
        if not yes:
            if not is_interactive():
                raise InvalidInput("Pass --yes to delete without a terminal to confirm on.")
            if not typer.confirm(
                f"Delete incident #{incident_id} ({incident['customer']}, {incident['reason']}, {incident['at'][:10]})?"
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
    """Open incidents, overdue follow-ups first (default: all time).

    Example: incidentlog follow-ups --store North
    """
    from incidentlog.listing import follow_ups as open_incidents
    from incidentlog.periods import today
    from incidentlog.render import Column, check_format, render, short_date

    fmt = check_format(fmt)
    chosen = common.period(period, from_, to, default=None)
    with common.connect() as conn:
        rows = open_incidents(
            conn, _filter(chosen, store, agent, None, None, True, limit), today=today()
        )
    columns = [
        *incident_columns()[:6],
        Column("follow_up", "Follow up", show=lambda v, _r: v or "—", narrow=short_date),
        Column(
            "overdue_days",
            "Overdue",
            "right",
            show=lambda v, _r: f"{v} day{'s' if v != 1 else ''}" if v else "",
            style="red",
        ),
    ]
    render(
        rows,
        columns,
        fmt,
        title="Open incidents",
        empty="No open incidents. Well done.",
        csv_keys=incident_csv_keys("days_open", "overdue_days"),
    )


@app.command()
def undo() -> None:
    """Reverse the most recent change (add, edit, resolve, delete, import, merge...).

    Example: incidentlog undo
    """
    from incidentlog.journal import undo as undo_last

    with common.connect() as conn:
        entry = undo_last(conn)
    echo(f"Undid: {entry['summary']}.")
