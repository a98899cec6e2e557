"""The JSON the commands print has the keys their typed rows declare: a key added to the
output without its type (or a type without the key) is caught here."""

from __future__ import annotations

from typing import Any

from incidentlog.records.listing import FollowUpJson
from incidentlog.records.reading import IncidentJson, ShownIncident
from incidentlog.records.search import SearchHit
from incidentlog.reports.alerts import EscalatingCustomer
from incidentlog.reports.summary import (
    OverdueFollowUp,
    RepeatCustomer,
    StoreRow,
    TopReason,
    Totals,
    WeeklySummary,
)
from tests.helpers import Cli


def keys_of(row: dict[str, Any], typed: Any) -> None:
    """Every required key, no undeclared one, and (for incidents) in the declared order."""
    keys = list(row)
    # The modules postpone annotations, so NotRequired is read from the annotation's text.
    declared = typed.__annotations__
    required = {
        k
        for k, v in declared.items()
        if not getattr(v, "__forward_arg__", str(v)).startswith("NotRequired")
    }
    assert required <= set(keys) <= set(declared), (keys, typed)
    assert keys == [k for k in typed.__annotations__ if k in keys]


def test_incident_json_has_the_declared_keys(cli: Cli) -> None:
    first = cli.add("Ann Lee", at="2026-05-10 10:00", description="Refund for the kettle")
    cli.add("Bob", at="2026-05-11 10:00", resolved=False, follow_up="2026-05-14")
    cli("check", str(first), "--satisfied")
    listed = cli("list", "-f", "json").json()
    assert [list(r) for r in listed] == [list(IncidentJson.__annotations__)] * 2
    shown = cli("show", str(first), "-f", "json").json()
    assert list(shown) == list(ShownIncident.__annotations__)
    assert shown["history"][0]["kind"] == "check"
    follow_ups = cli("follow-ups", "-f", "json").json()
    assert {r["status"] for r in follow_ups} == {"open"}
    for row in follow_ups:
        keys_of(row, FollowUpJson)
    (hit,) = cli("search", "kettle", "-f", "json").json()
    keys_of(hit, SearchHit)
    assert "**kettle**" in hit["snippet"]


def test_summary_json_has_the_declared_keys(cli: Cli) -> None:
    for day in ("2026-05-11", "2026-05-12", "2026-05-13"):
        cli.add("Ann Lee", at=f"{day} 10:00", resolved=False, follow_up="2026-05-14")
    found = cli("summary", "-f", "json").json()
    extra = {"report", "period", "compare"}  # the report document around the summary
    assert set(found) - extra == set(WeeklySummary.__annotations__)
    for rows, typed in [
        (found["rows"], StoreRow),
        ([found["totals"]], Totals),
        (found["top_reasons"], TopReason),
        (found["overdue_follow_ups"], OverdueFollowUp),
        (found["repeat_customers"], RepeatCustomer),
        (found["alerts"], EscalatingCustomer),
    ]:
        assert rows, typed
        assert all(set(r) == set(typed.__annotations__) for r in rows), typed
