"""The reports the benchmark times, and for each the two things it is measured against.

- the floor: hand-written SQL answering the same question (the same numbers the report
  shows) through the stdlib `sqlite3` module, as fast as we know how to write it;
- the peer: what a user would otherwise write, pandas `read_csv` + `groupby` on the CSV
  that `incidentlog export` writes.

Each answer is boiled down to a digest (row count and incident totals) so the run can
check that incidentlog, the floor and the peer all answered the same question.

This module is imported by the floor's own process, so it imports nothing heavy.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

Params = dict[str, Any]
Digest = dict[str, int]


@dataclass(frozen=True)
class Case:
    key: str
    argv: tuple[str, ...]  # after `incidentlog`

    @property
    def title(self) -> str:
        return " ".join(self.argv)


CASES = (
    Case("store", ("report", "store", "--compare", "last-month")),
    Case("agents", ("report", "agents", "--compare", "3-months-ago")),
    Case("reasons", ("report", "reasons")),
    Case("repeat", ("repeat-customers",)),
    Case("summary", ("summary",)),
    Case("training", ("report", "training")),  # + the id of a session, found in the data
    Case("resolution", ("report", "resolution")),
)
BY_KEY = {case.key: case for case in CASES}


# --------------------------------------------------------------------------- parameters


def months_ending(end: dt.date, count: int = 6) -> list[str]:
    """`count` months 'YYYY-MM', oldest first, ending with `end`'s month."""
    index = end.year * 12 + end.month - 1
    return [f"{i // 12:04d}-{i % 12 + 1:02d}" for i in range(index - count + 1, index + 1)]


def params_from(key: str, document: dict[str, Any], today: dt.date) -> Params:
    """The periods a report used, from its `--format json` document, as SQL parameters."""
    period = document.get("period") or {}
    compare = document.get("compare") or {}
    params: Params = {"ps": period.get("start"), "pe": period.get("end")}
    if compare:
        params.update(cs=compare["start"], ce=compare["end"])
    if key in ("store", "agents"):
        params["months"] = months_ending(dt.date.fromisoformat(params["pe"]))
    if key == "repeat":
        params["min_incidents"] = 2
    if key == "summary":
        week_end = dt.date.fromisoformat(params["pe"])
        params["as_of"] = min(today, week_end + dt.timedelta(days=1)).isoformat()
    if key == "training":
        rows = document.get("rows") or []
        params["windows"] = [(r["start"], r["end"]) for r in rows]
        session = (document.get("sessions") or [{}])[0]
        params.update(session=session.get("id"), session_on=session.get("on"))
        params["session_topic"] = session.get("topic")
    return params


def digest_of_document(key: str, document: dict[str, Any]) -> Digest:
    """The digest of incidentlog's own JSON answer."""
    rows = document.get("rows") or []
    if key == "training":
        return {
            "trained": sum(r["trained_incidents"] for r in rows),
            "others": sum(r["others_incidents"] for r in rows),
        }
    digest = {"rows": len(rows), "incidents": sum(r["incidents"] for r in rows)}
    if key == "resolution":
        digest["later"] = sum(r["resolved_later"] for r in rows)
        digest["cost_cents"] = round(sum(r["remedy_cost"] for r in rows) * 100)
    if key in ("store", "agents", "summary"):
        digest["compare"] = sum(r.get("compare_incidents") or 0 for r in rows)
    if key == "summary":
        digest["overdue"] = document.get("overdue_follow_ups_count", 0)
    return digest


# --------------------------------------------------------------------------- the floor: SQL

# Incidents and on-the-spot counts per group straight from the covering (group, day,
# resolved_on_spot) index; the `IN` lets SQLite seek it group by group.
_COUNTS = """
SELECT {key} AS id, COUNT(*) AS incidents, SUM(resolved_on_spot) AS on_spot FROM incident
WHERE {key} IN (SELECT id FROM {table}) AND day BETWEEN :start AND :end GROUP BY {key}
"""
# Resolved later needs resolved_at, which no index beside day carries: the period's rows.
_LATER = """
SELECT {key} AS id, COUNT(*) AS later FROM incident
WHERE day BETWEEN :start AND :end AND NOT resolved_on_spot AND resolved_at IS NOT NULL
GROUP BY {key}
"""


def _grouped(conn: Any, table: str, start: str, end: str, *, later: bool) -> dict[int, list[int]]:
    """group id -> [incidents, on the spot, resolved later] over start..end."""
    key = f"{table}_id"
    span = {"start": start, "end": end}
    found = {
        row[0]: [row[1], row[2], 0]
        for row in conn.execute(_COUNTS.format(key=key, table=table), span)
    }
    if later:
        for group, n in conn.execute(_LATER.format(key=key), span):
            found[group][2] = n
    return found


def _named(conn: Any, table: str) -> dict[int, str]:
    return dict(conn.execute(f"SELECT id, name FROM {table}").fetchall())


# The agents' sparkline: on-the-spot incidents per month, from the covering
# (agent_id, day, resolved_on_spot) index, months told apart by day ranges.
_AGENT_MONTHS = """
SELECT {bucket} AS m, agent_id, SUM(resolved_on_spot) FROM incident
WHERE agent_id IN (SELECT id FROM agent) AND day BETWEEN :start AND :end
GROUP BY m, agent_id
"""


def _agent_months(conn: Any, months: list[str], end: str) -> list[Any]:
    starts = [f"{m}-01" for m in months]
    cases = " ".join(f"WHEN day < '{d}' THEN {n - 1}" for n, d in enumerate(starts) if n)
    sql = _AGENT_MONTHS.format(bucket=f"CASE {cases} ELSE {len(starts) - 1} END")
    return conn.execute(sql, {"start": starts[0], "end": end}).fetchall()


_SPARKLINE = """
SELECT store_id, month, COUNT(*) AS n FROM incident
WHERE month BETWEEN :m0 AND :m5 GROUP BY month, store_id
"""

# Customers with 2+ incidents and, for each, the count per reason (most first in Python).
# The unary + keeps SQLite on the day index for the second pass: seeking each customer's
# incidents through (customer_id, day) and then the table is slower for ~80k customers.
_REPEAT = """
WITH r AS (
  SELECT customer_id, COUNT(*) AS incidents, COUNT(DISTINCT agent_id) AS agents,
    COUNT(DISTINCT store_id) AS stores, MIN(day) AS first, MAX(day) AS last
  FROM incident WHERE day BETWEEN :ps AND :pe
  GROUP BY customer_id HAVING COUNT(*) >= :min_incidents
)
SELECT r.*, c.name, c.contact, x.name AS reason, t.times FROM r
JOIN (
  SELECT i.customer_id, i.reason_id, COUNT(*) AS times FROM incident i
  WHERE i.day BETWEEN :ps AND :pe
    AND +i.customer_id IN (SELECT customer_id FROM r)
  GROUP BY i.customer_id, i.reason_id
) t ON t.customer_id = r.customer_id
JOIN customer c ON c.id = r.customer_id
JOIN reason x ON x.id = t.reason_id
"""

# The summary's stores, this week against the week before, and the store-spike alert's
# nine weeks, in one pass: incidents per store and day from the covering (store_id, day,
# resolved_on_spot) index, in index order (no sort); the days summed into weeks in Python.
_SUMMARY_STORE_DAYS = """
SELECT s.name, g.* FROM (
  SELECT store_id, day, COUNT(*) AS incidents, SUM(resolved_on_spot) AS on_spot
  FROM incident WHERE store_id IN (SELECT id FROM store) AND day BETWEEN :first AND :pe
  GROUP BY store_id, day
) g JOIN store s ON s.id = g.store_id
"""
_SUMMARY_REASONS = """
SELECT x.name, g.n FROM (
  SELECT reason_id, COUNT(*) AS n FROM incident WHERE day BETWEEN :ps AND :pe GROUP BY reason_id
) g JOIN reason x ON x.id = g.reason_id ORDER BY g.n DESC, x.name LIMIT 3
"""
# Open on `as_of` means not resolved yet, or resolved only from `as_of` on: two ranges of
# the (resolved_on_spot, resolved_at, follow_up) index rather than a scan of every day.
_OVERDUE = (
    "resolved_on_spot = 0 AND follow_up < :as_of AND day <= :pe AND resolved_at IS NULL",
    "resolved_on_spot = 0 AND follow_up < :as_of AND day <= :pe AND resolved_at >= :as_of",
)
_SUMMARY_OVERDUE_COUNT = " UNION ALL ".join(
    f"SELECT COUNT(*) FROM incident WHERE {branch}" for branch in _OVERDUE
)
_SUMMARY_OVERDUE_LIST = f"""
SELECT i.id, c.name, s.name, a.name, i.day, i.follow_up FROM (
  SELECT id, customer_id, store_id, agent_id, day, follow_up FROM incident WHERE {_OVERDUE[0]}
  UNION ALL
  SELECT id, customer_id, store_id, agent_id, day, follow_up FROM incident WHERE {_OVERDUE[1]}
  ORDER BY follow_up, id LIMIT 10
) i JOIN customer c ON c.id = i.customer_id JOIN store s ON s.id = i.store_id
JOIN agent a ON a.id = i.agent_id ORDER BY i.follow_up, i.id
"""
# The customers of the week with 2+ incidents up to its end, over all of them (the
# customers who had been there before) and over the 30 days ending with the week (the
# escalating-customer alert: 3+ incidents there, or two stores in the week), in one pass
# over the covering (customer_id, day, agent_id, store_id, reason_id) index.
_SUMMARY_CUSTOMERS = """
SELECT c.name, g.* FROM (
  SELECT customer_id, COUNT(*) AS incidents, SUM(day >= :ps) AS this_week,
    COUNT(DISTINCT store_id) AS stores, COUNT(DISTINCT agent_id) AS agents,
    SUM(day >= :since) AS recent,
    COUNT(DISTINCT CASE WHEN day >= :since THEN store_id END) AS recent_stores,
    COUNT(DISTINCT CASE WHEN day >= :ps THEN store_id END) AS week_stores
  FROM incident
  WHERE customer_id IN (SELECT customer_id FROM incident WHERE day BETWEEN :ps AND :pe)
    AND day <= :pe
  GROUP BY customer_id HAVING COUNT(*) >= 2
) g JOIN customer c ON c.id = g.customer_id ORDER BY c.name, g.customer_id
"""
# Aftercare in the totals: the remedies' cost, and each of the week's incidents' latest
# check-back (of two at the same time, the one recorded last), found through the event
# index from the week's incidents.
_COST = "SELECT COALESCE(SUM(cost_cents), 0) FROM incident WHERE day BETWEEN :ps AND :pe"
_LATEST_CHECKS = """
SELECT i.{key}, e.incident_id, SUM(e.kind = 'reopen') AS reopens,
  SUM(e.kind = 'check') AS checks,
  (SELECT l.outcome FROM incident_event l WHERE l.incident_id = e.incident_id
   AND l.kind = 'check' ORDER BY l.at DESC, l.id DESC LIMIT 1) AS outcome,
  CASE WHEN i.follow_up IS NULL THEN 0
    WHEN i.resolved_on_spot AND i.day <= i.follow_up THEN 0
    WHEN date(i.resolved_at) <= i.follow_up THEN 0
    WHEN date(MIN(CASE WHEN e.kind = 'check' THEN e.at END)) <= i.follow_up THEN 1
    ELSE 0 END AS kept_by_check
FROM incident i JOIN incident_event e ON e.incident_id = i.id
WHERE i.day BETWEEN :ps AND :pe GROUP BY e.incident_id
"""
_EVENTS = """
SELECT {key}, SUM(reopens > 0), SUM(checks > 0), SUM(outcome = 'satisfied'),
  SUM(outcome = 'not-satisfied'), SUM(outcome = 'no-answer'), SUM(kept_by_check)
FROM ({latest}) GROUP BY {key}
"""


def _events(conn: Any, key: str, p: Params) -> list[Any]:
    """Per group: reopened, checked, satisfied, not satisfied, no answer, kept by a check."""
    sql = _EVENTS.format(key=key, latest=_LATEST_CHECKS.format(key=key))
    return conn.execute(sql, p).fetchall()


def _poisson_upper(mean: float, level: float = 0.99) -> int:
    """The smallest k with P(X <= k) >= level for X ~ Poisson(mean), summed up from a few
    standard deviations below the mean (in logs: e^-mean underflows for busy stores)."""
    k = max(0, int(mean - 12 * math.sqrt(mean) - 10))
    log_pmf = -mean + k * math.log(mean) - math.lgamma(k + 1)
    total = math.exp(log_pmf)
    while total < level:
        k += 1
        log_pmf += math.log(mean) - math.log(k)
        total += math.exp(log_pmf)
    return k


def _summary(conn: Any, p: Params) -> Digest:
    week_start = dt.date.fromisoformat(p["ps"])
    first = week_start - dt.timedelta(weeks=8)
    weeks: dict[str, list[int]] = {}
    stores: dict[str, list[int]] = {}
    for name, _, day, incidents, on_spot in conn.execute(
        _SUMMARY_STORE_DAYS, {**p, "first": first.isoformat()}
    ):
        number = min((dt.date.fromisoformat(day) - first).days // 7, 8)
        weeks.setdefault(name, [0] * 9)[number] += incidents
        if number >= 7:
            row = stores.setdefault(name, [0, 0, 0])
            row[0 if number == 8 else 2] += incidents
            row[1] += on_spot if number == 8 else 0
    spikes = []
    for name, counts in weeks.items():
        history = counts[:8]
        opened = next((n for n, c in enumerate(history) if c), 8)
        if sum(history) and counts[8] >= 5:
            mean = sum(history) / len(history[opened:])
            if counts[8] > _poisson_upper(mean):
                spikes.append(name)
    conn.execute(_SUMMARY_REASONS, p).fetchall()
    overdue = sum(n for (n,) in conn.execute(_SUMMARY_OVERDUE_COUNT, p))
    conn.execute(_SUMMARY_OVERDUE_LIST, p).fetchall()
    since = (dt.date.fromisoformat(p["pe"]) - dt.timedelta(days=29)).isoformat()
    customers = conn.execute(_SUMMARY_CUSTOMERS, {**p, "since": since}).fetchall()
    escalating = [r for r in customers if r[6] >= 3 or r[8] >= 2]
    escalating.sort(key=lambda r: (-r[6], -r[7]))
    customers.sort(key=lambda r: (-r[2], -r[4]))
    conn.execute(_COST, p).fetchone()
    _events(conn, "store_id", p)
    return {
        "rows": len(stores),
        "incidents": sum(r[0] for r in stores.values()),
        "compare": sum(r[2] for r in stores.values()),
        "overdue": overdue,
    }


# Counted per window and agent from the covering (agent_id, day, resolved_on_spot) index,
# attendees told apart in Python.
_TRAINING = """
SELECT {window} AS w, agent_id, COUNT(*) AS incidents, SUM(resolved_on_spot) AS on_spot
FROM incident WHERE agent_id IN (SELECT id FROM agent) AND day BETWEEN :start AND :end
GROUP BY w, agent_id
"""
_ATTENDEES = "SELECT agent_id FROM attendance WHERE session_id = :session"


# After the incident, per store: counts, follow-ups kept without a check-back and cost
# from the period's rows; then the days each later resolution took (for the median and
# 90th percentile per store and of all stores, as incidentlog takes them in Python) and
# the events of the period's incidents (`_events`: reopened, latest check-backs, follow-ups
# kept by a check-back).
_RESOLUTION = """
SELECT store_id, COUNT(*), SUM(resolved_on_spot),
       SUM(CASE WHEN NOT resolved_on_spot AND resolved_at IS NOT NULL THEN 1 ELSE 0 END),
       SUM(CASE WHEN follow_up IS NOT NULL THEN 1 ELSE 0 END), COALESCE(SUM(cost_cents), 0),
       SUM(CASE WHEN follow_up IS NOT NULL AND (resolved_on_spot AND day <= follow_up
                OR date(resolved_at) <= follow_up) THEN 1 ELSE 0 END)
FROM incident WHERE day BETWEEN :ps AND :pe GROUP BY store_id
"""
_RESOLUTION_DAYS = """
SELECT store_id, at, resolved_at FROM incident
WHERE day BETWEEN :ps AND :pe AND NOT resolved_on_spot AND resolved_at IS NOT NULL
"""


def floor_sql(key: str, conn: Any, p: Params) -> Digest:
    """Answer the report's question with hand-written SQL on a `sqlite3` connection."""
    if key in ("store", "agents"):
        table = "store" if key == "store" else "agent"
        now = _grouped(conn, table, p["ps"], p["pe"], later=True)
        before = _grouped(conn, table, p["cs"], p["ce"], later=False)
        names = _named(conn, table)
        months = p["months"]
        if key == "store":
            conn.execute(_SPARKLINE, {"m0": months[0], "m5": months[-1]}).fetchall()
        else:
            _agent_months(conn, months, p["pe"])
        groups = [names[g] for g in now.keys() | before.keys()]
        return {
            "rows": len(groups),
            "incidents": sum(v[0] for v in now.values()),
            "compare": sum(v[0] for v in before.values()),
        }
    if key == "reasons":
        now = _grouped(conn, "reason", p["ps"], p["pe"], later=True)
        names = _named(conn, "reason")
        ranked = sorted((-v[0], names[g]) for g, v in now.items())
        return {"rows": len(ranked), "incidents": sum(v[0] for v in now.values())}
    if key == "repeat":
        customers: dict[int, int] = {}
        reasons: dict[int, list[tuple[int, str]]] = {}
        for row in conn.execute(_REPEAT, p):
            customers[row[0]] = row[1]
            reasons.setdefault(row[0], []).append((-row[9], row[8]))
        for found in reasons.values():
            found.sort()
        return {"rows": len(customers), "incidents": sum(customers.values())}
    if key == "summary":
        return _summary(conn, p)
    if key == "resolution":
        stores = conn.execute(_RESOLUTION, p).fetchall()
        # Exact days (julianday() differences are off in the last digits).
        parse = dt.datetime.fromisoformat
        days: dict[int, list[float]] = {}
        for store, at, resolved_at in conn.execute(_RESOLUTION_DAYS, p).fetchall():
            took = (parse(resolved_at) - parse(at)).total_seconds() / 86400
            days.setdefault(store, []).append(took)
        for found in days.values():
            found.sort()
        sorted(took for found in days.values() for took in found)
        _events(conn, "store_id", p)
        _named(conn, "store")
        return {
            "rows": len(stores),
            "incidents": sum(r[1] for r in stores),
            "later": sum(r[3] for r in stores),
            "cost_cents": sum(r[5] for r in stores),
        }
    if key == "training":
        windows = p["windows"]
        cases = " ".join(f"WHEN day < '{w[0]}' THEN {n - 1}" for n, w in enumerate(windows) if n)
        sql = _TRAINING.format(window=f"CASE {cases} ELSE {len(windows) - 1} END")
        attendees = {a for (a,) in conn.execute(_ATTENDEES, {"session": p["session"]})}
        rows = conn.execute(sql, {"start": windows[0][0], "end": windows[-1][1]}).fetchall()
        return {
            "trained": sum(r[2] for r in rows if r[1] in attendees),
            "others": sum(r[2] for r in rows if r[1] not in attendees),
        }
    raise KeyError(key)


# --------------------------------------------------------------------------- incidentlog itself


def own_query(key: str, engine: Any, p: Params, today: dt.date) -> Any:
    """Call incidentlog's report function, as the command does, without the CLI around it."""
    from incidentlog.core.periods import Period

    def period(start: str, end: str) -> Period:
        return Period(dt.date.fromisoformat(start), dt.date.fromisoformat(end), "")

    if key == "store":
        from incidentlog.reports.store import incidents_by_store

        return incidents_by_store(
            engine, period=period(p["ps"], p["pe"]), compare=period(p["cs"], p["ce"])
        )
    if key == "agents":
        from incidentlog.reports.agents import resolution_by_agent

        return resolution_by_agent(
            engine, period=period(p["ps"], p["pe"]), compare=period(p["cs"], p["ce"])
        )
    if key == "reasons":
        from incidentlog.reports.reasons import reasons_report

        return reasons_report(engine, period=period(p["ps"], p["pe"]))
    if key == "repeat":
        from incidentlog.reports.repeat_customers import repeat_customers

        return repeat_customers(engine, period=period(p["ps"], p["pe"]), min_incidents=2).rows
    if key == "summary":
        from incidentlog.reports.summary import weekly_summary

        return weekly_summary(engine, week=period(p["ps"], p["pe"]), today=today)
    if key == "resolution":
        from incidentlog.reports.resolution import resolution_report

        found = resolution_report(engine, period=period(p["ps"], p["pe"]), by="store")
        return [row.as_json("store") for row in found.rows]
    if key == "training":
        from incidentlog.reports.training import training_effect

        return training_effect(engine, session_id=p["session"], today=today)
    raise KeyError(key)


# --------------------------------------------------------------------------- the peer: pandas

# The columns each pandas script reads (a user reads only what they need).
PEER_COLUMNS = {
    "store": ["store", "resolved", "at", "resolved_at"],
    "agents": ["agent", "resolved", "at", "resolved_at"],
    "reasons": ["reason", "resolved", "at", "resolved_at"],
    "repeat": ["customer", "contact", "reason", "store", "agent", "at"],
    "summary": [
        "customer",
        "contact",
        "reason",
        "store",
        "agent",
        "resolved",
        "at",
        "follow_up",
        "resolved_at",
    ],
    "training": ["agent", "resolved", "at"],
    "resolution": ["store", "resolved", "at", "follow_up", "resolved_at", "cost"],
}


def read_incidents(pd: Any, path: str, key: str) -> Any:
    return pd.read_csv(
        path,
        usecols=PEER_COLUMNS[key],
        parse_dates=["at"],
        true_values=["yes"],
        false_values=["no"],
        keep_default_na=False,
        na_values={"resolved_at": [""], "follow_up": [""], "cost": [""]},
    )


def _between(pd: Any, at: Any, start: str, end: str) -> Any:
    last = pd.Timestamp(end) + pd.Timedelta(days=1)
    return (at >= pd.Timestamp(start)) & (at < last)


def peer_pandas(key: str, pd: Any, df: Any, p: Params, training: Any = None) -> Digest:
    """The same question answered with pandas on a DataFrame of the exported CSV."""
    at = df["at"]
    if key in ("store", "agents"):
        group = "store" if key == "store" else "agent"
        now, before = _between(pd, at, p["ps"], p["pe"]), _between(pd, at, p["cs"], p["ce"])
        frame = df.assign(
            now=now,
            before=before,
            on_spot=now & df["resolved"],
            later=now & ~df["resolved"] & df["resolved_at"].notna(),
            compare_on_spot=before & df["resolved"],
        )[now | before]
        table = frame.groupby(group)[["now", "on_spot", "later", "before", "compare_on_spot"]].sum()
        if key == "store":
            first, last = (int(m.replace("-", "")) for m in (p["months"][0], p["months"][-1]))
            month = at.dt.year * 100 + at.dt.month
            in_range = (month >= first) & (month <= last)
            df[in_range].groupby([month[in_range], "store"]).size()
        return {
            "rows": len(table),
            "incidents": int(table["now"].sum()),
            "compare": int(table["before"].sum()),
        }
    if key == "reasons":
        frame = df[_between(pd, at, p["ps"], p["pe"])]
        table = (
            frame.assign(later=~frame["resolved"] & frame["resolved_at"].notna())
            .groupby("reason")
            .agg(incidents=("at", "size"), on_spot=("resolved", "sum"))
        )
        table = table.sort_values("incidents", ascending=False)
        return {"rows": len(table), "incidents": int(table["incidents"].sum())}
    if key == "repeat":
        frame = df[_between(pd, at, p["ps"], p["pe"])]
        who = frame["contact"].where(frame["contact"] != "", frame["customer"].str.casefold())
        frame = frame.assign(who=who)
        table = frame.groupby("who").agg(
            incidents=("at", "size"),
            agents=("agent", "nunique"),
            stores=("store", "nunique"),
            first=("at", "min"),
            last=("at", "max"),
        )
        table = table[table["incidents"] >= p["min_incidents"]]
        repeat = frame[frame["who"].isin(table.index)]
        repeat.groupby(["who", "reason"]).size()
        return {"rows": len(table), "incidents": int(table["incidents"].sum())}
    if key == "summary":
        week, before = _between(pd, at, p["ps"], p["pe"]), _between(pd, at, p["cs"], p["ce"])
        frame = df.assign(week=week, before=before, on_spot=week & df["resolved"])
        stores = frame[week | before].groupby("store")[["week", "on_spot", "before"]].sum()
        frame[week].groupby("reason").size().nlargest(3)
        as_of = pd.Timestamp(p["as_of"])
        end = pd.Timestamp(p["pe"]) + pd.Timedelta(days=1)
        follow_up = pd.to_datetime(df["follow_up"])
        resolved_at = pd.to_datetime(df["resolved_at"])
        overdue = (
            ~df["resolved"]
            & (follow_up < as_of)
            & (at < end)
            & (resolved_at.isna() | (resolved_at >= as_of))
        )
        frame[overdue].sort_values("follow_up").head(10)
        who = df["contact"].where(df["contact"] != "", df["customer"].str.casefold())
        seen = who[week].unique()
        upto = frame.assign(who=who)[(at < end) & who.isin(seen)]
        grouped = upto.groupby("who").agg(
            incidents=("at", "size"), stores=("store", "nunique"), agents=("agent", "nunique")
        )
        grouped[grouped["incidents"] >= 2]
        return {
            "rows": len(stores),
            "incidents": int(stores["week"].sum()),
            "compare": int(stores["before"].sum()),
            "overdue": int(overdue.sum()),
        }
    if key == "resolution":
        frame = df[_between(pd, at, p["ps"], p["pe"])]
        resolved_at = pd.to_datetime(frame["resolved_at"])
        later = ~frame["resolved"] & resolved_at.notna()
        frame = frame.assign(
            later=later,
            took=(resolved_at - frame["at"]).dt.total_seconds() / 86400,
            due=frame["follow_up"].notna(),
            cents=(frame["cost"].fillna(0) * 100).round(),
        )
        table = frame.groupby("store").agg(
            incidents=("at", "size"), later=("later", "sum"), cents=("cents", "sum")
        )
        frame[frame["later"]].groupby("store")["took"].quantile([0.5, 0.9])
        return {
            "rows": len(table),
            "incidents": int(table["incidents"].sum()),
            "later": int(table["later"].sum()),
            "cost_cents": int(table["cents"].sum()),
        }
    if key == "training":
        session = training.iloc[p["session_row"]]
        attendees = set(str(session["agents"]).split(";"))
        windows = p["windows"]
        frame = df[_between(pd, at, windows[0][0], windows[-1][1])]
        starts = [pd.Timestamp(w[0]) for w in windows[1:]]
        window = pd.Series(0, index=frame.index)
        for start in starts:
            window += frame["at"] >= start
        trained = frame["agent"].isin(attendees)
        table = (
            frame.assign(window=window, trained=trained)
            .groupby(["window", "trained"])
            .agg(incidents=("at", "size"), on_spot=("resolved", "sum"))
        )
        by_group = table.groupby(level="trained")["incidents"].sum()
        return {"trained": int(by_group.get(True, 0)), "others": int(by_group.get(False, 0))}
    raise KeyError(key)
