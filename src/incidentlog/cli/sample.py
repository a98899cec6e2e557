"""The demo's sample beside real records, as the command line meets it: the question asked
on a terminal before a real record joins the sample, and the line under a report that
mixes both (the rules themselves are in records/sample.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from incidentlog.records.sample import Held
    from incidentlog.storage.connection import Conn


def ask(found: Held) -> str:
    """The user's choice: "remove", "keep", or "stop"."""
    import typer

    from incidentlog.views.console import echo

    echo(
        f"This database holds the demo's sample data ({found.describe()}); "
        "real records would mix with it in every report.",
        err=True,
    )
    choice = typer.prompt(
        "Remove the sample first (r), keep it and add to it (k), or stop (s)?",
        default="s",
        err=True,
    )
    answer = {"r": "remove", "k": "keep"}.get(choice.strip().lower()[:1], "stop")
    if answer == "remove":
        echo(f"Removed the demo data ({found.describe()}).", err=True)
    return answer


def asker() -> Any:
    """`ask` on a terminal; without one nothing is asked and the write is refused."""
    from incidentlog.views.console import is_interactive

    return ask if is_interactive() else None


def settle(conn: Conn) -> None:
    """Before a real record is written: ask on a terminal, or refuse, while the database
    holds the demo's sample and nobody chose to keep it."""
    from incidentlog.records.sample import guard_real_write

    guard_real_write(conn, asker())


def mark_report(document: dict[str, Any], caption: str | None) -> tuple[dict[str, Any], str | None]:
    """A report's JSON with `demo_records` (the demo incidents in its period) when the
    database holds demo data, and its table caption with a line saying so when demo and
    real records are mixed. Anything else (a `show` document) passes unchanged."""
    if "report" not in document:
        return document, caption
    from incidentlog.cli.context import current
    from incidentlog.records.sample import counts, footer
    from incidentlog.storage.connection import SAConn, as_date

    period = document.get("period") or {}
    start, end = as_date(period.get("start")), as_date(period.get("end"))
    app = current()
    if app.reading_connection is not None:  # asked while the report reads
        found = counts(SAConn(app.reading_connection), start, end)
    elif app.reading is not None:
        # The report's own engine, still open: its pooled connection, no second open.
        with app.reading.engine().connect() as conn:
            found = counts(SAConn(conn), start, end)
    else:
        from incidentlog.cli.common import database

        db = database()
        try:
            with db.connect() as opened:
                found = counts(opened, start, end)
        finally:
            db.dispose()
    if found is None:
        return document, caption
    count, mixed = found
    marked = {**document, "demo_records": count}
    if mixed:
        caption = f"{caption}\n{footer(count)}" if caption else footer(count)
    return marked, caption
