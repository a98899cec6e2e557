"""The floor on PostgreSQL: hand-written SQL through psycopg answering each report's question.

benchmarks/cases.py holds the SQLite floor; its SQL does not run on PostgreSQL as it is
(`:name` parameters, SUM over booleans, julianday), so this is the same questions in
PostgreSQL's SQL, giving the same digests (cases.digest_of_document) for the same data.
Imported by the floor's own process: nothing heavy at the top.

    python benchmarks/pg_floor.py URL KEY PARAMS [--repeat N]
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any

Params = dict[str, Any]
Digest = dict[str, int]

_GROUPED = """
SELECT {key}, COUNT(*), COUNT(*) FILTER (WHERE resolved_on_spot),
       COUNT(*) FILTER (WHERE NOT resolved_on_spot AND resolved_at IS NOT NULL)
FROM incident WHERE day BETWEEN %(start)s AND %(end)s GROUP BY {key}
"""
_STORE_MONTHS = """
SELECT store_id, month, COUNT(*) FROM incident
WHERE month BETWEEN %(m0)s AND %(m5)s GROUP BY month, store_id
"""
_AGENT_MONTHS = """
SELECT month, agent_id, COUNT(*) FILTER (WHERE resolved_on_spot) FROM incident
WHERE month BETWEEN %(m0)s AND %(m5)s GROUP BY month, agent_id
"""
_REPEAT = """
WITH r AS (
  SELECT customer_id, COUNT(*) AS incidents, COUNT(DISTINCT agent_id) AS agents,
    COUNT(DISTINCT store_id) AS stores, MIN(day) AS first, MAX(day) AS last
  FROM incident WHERE day BETWEEN %(ps)s AND %(pe)s
  GROUP BY customer_id HAVING COUNT(*) >= %(min_incidents)s
)
SELECT r.customer_id, r.incidents, c.name, c.contact FROM r JOIN customer c ON c.id = r.customer_id
"""
_REPEAT_REASONS = """
SELECT i.customer_id, x.name, COUNT(*) FROM incident i JOIN reason x ON x.id = i.reason_id
WHERE i.day BETWEEN %(ps)s AND %(pe)s AND i.customer_id IN (
  SELECT customer_id FROM incident WHERE day BETWEEN %(ps)s AND %(pe)s
  GROUP BY customer_id HAVING COUNT(*) >= %(min_incidents)s)
GROUP BY i.customer_id, x.name
"""
_SUMMARY_STORES = """
SELECT s.name, g.* FROM (
  SELECT store_id,
    COUNT(*) FILTER (WHERE day >= %(ps)s) AS incidents,
    COUNT(*) FILTER (WHERE day >= %(ps)s AND resolved_on_spot) AS on_spot,
    COUNT(*) FILTER (WHERE day < %(ps)s) AS compare_incidents
  FROM incident WHERE day BETWEEN %(cs)s AND %(pe)s GROUP BY store_id
) g JOIN store s ON s.id = g.store_id
"""
_SUMMARY_REASONS = """
SELECT x.name, g.n FROM (
  SELECT reason_id, COUNT(*) AS n FROM incident WHERE day BETWEEN %(ps)s AND %(pe)s
  GROUP BY reason_id
) g JOIN reason x ON x.id = g.reason_id ORDER BY g.n DESC, x.name LIMIT 3
"""
_OVERDUE = """
NOT resolved_on_spot AND follow_up < %(as_of)s AND day <= %(pe)s
AND (resolved_at IS NULL OR resolved_at >= %(as_of)s)
"""
_SUMMARY_OVERDUE_COUNT = f"SELECT COUNT(*) FROM incident WHERE {_OVERDUE}"
_SUMMARY_OVERDUE_LIST = f"""
SELECT i.id, c.name, s.name, a.name, i.day, i.follow_up FROM (
  SELECT id, customer_id, store_id, agent_id, day, follow_up FROM incident WHERE {_OVERDUE}
  ORDER BY follow_up, id LIMIT 10
) i JOIN customer c ON c.id = i.customer_id JOIN store s ON s.id = i.store_id
JOIN agent a ON a.id = i.agent_id ORDER BY i.follow_up, i.id
"""
_SUMMARY_REPEAT = """
SELECT c.name, g.* FROM (
  SELECT customer_id, COUNT(*) AS incidents, COUNT(*) FILTER (WHERE day >= %(ps)s) AS this_week,
    COUNT(DISTINCT store_id) AS stores, COUNT(DISTINCT agent_id) AS agents
  FROM incident
  WHERE customer_id IN (SELECT customer_id FROM incident WHERE day BETWEEN %(ps)s AND %(pe)s)
    AND day <= %(pe)s
  GROUP BY customer_id HAVING COUNT(*) >= 2
) g JOIN customer c ON c.id = g.customer_id ORDER BY g.incidents DESC
"""
_TRAINING = """
SELECT {window} AS w, agent_id, COUNT(*), COUNT(*) FILTER (WHERE resolved_on_spot)
FROM incident WHERE day BETWEEN %(start)s AND %(end)s GROUP BY w, agent_id
"""
_ATTENDEES = "SELECT agent_id FROM attendance WHERE session_id = %(session)s"
_RESOLUTION = """
SELECT store_id, COUNT(*), COUNT(*) FILTER (WHERE resolved_on_spot),
       COUNT(*) FILTER (WHERE NOT resolved_on_spot AND resolved_at IS NOT NULL),
       COUNT(follow_up), COALESCE(SUM(cost_cents), 0)
FROM incident WHERE day BETWEEN %(ps)s AND %(pe)s GROUP BY store_id
"""
_RESOLUTION_DAYS = """
SELECT store_id, EXTRACT(EPOCH FROM resolved_at - at) / 86400 FROM incident
WHERE day BETWEEN %(ps)s AND %(pe)s AND NOT resolved_on_spot AND resolved_at IS NOT NULL
"""
_RESOLUTION_CHECKS = """
SELECT i.store_id, e.outcome, COUNT(*) FROM incident i
JOIN (SELECT DISTINCT ON (incident_id) incident_id, outcome FROM incident_event
      WHERE kind = 'check' ORDER BY incident_id, at DESC, id DESC) e ON e.incident_id = i.id
WHERE i.day BETWEEN %(ps)s AND %(pe)s GROUP BY i.store_id, e.outcome
"""


def _grouped(cur: Any, key: str, start: str, end: str) -> dict[int, tuple[int, int, int]]:
    cur.execute(_GROUPED.format(key=key), {"start": start, "end": end})
    return {row[0]: (row[1], row[2], row[3]) for row in cur.fetchall()}


def _names(cur: Any, table: str) -> dict[int, str]:
    cur.execute(f"SELECT id, name FROM {table}")
    return dict(cur.fetchall())


def floor_sql(key: str, cur: Any, p: Params) -> Digest:
    """Answer the report's question with hand-written SQL on a psycopg cursor."""
    if key in ("store", "agents"):
        table = "store" if key == "store" else "agent"
        now = _grouped(cur, f"{table}_id", p["ps"], p["pe"])
        before = _grouped(cur, f"{table}_id", p["cs"], p["ce"])
        names = _names(cur, table)
        months = {"m0": p["months"][0], "m5": p["months"][-1]}
        cur.execute(_STORE_MONTHS if key == "store" else _AGENT_MONTHS, months)
        cur.fetchall()
        groups = [names[g] for g in now.keys() | before.keys()]
        return {
            "rows": len(groups),
            "incidents": sum(v[0] for v in now.values()),
            "compare": sum(v[0] for v in before.values()),
        }
    if key == "reasons":
        now = _grouped(cur, "reason_id", p["ps"], p["pe"])
        names = _names(cur, "reason")
        ranked = sorted((-v[0], names[g]) for g, v in now.items())
        return {"rows": len(ranked), "incidents": sum(v[0] for v in now.values())}
    if key == "repeat":
        cur.execute(_REPEAT, p)
        customers = {row[0]: row[1] for row in cur.fetchall()}
        cur.execute(_REPEAT_REASONS, p)
        reasons: dict[int, list[tuple[int, str]]] = {}
        for customer, reason, times in cur.fetchall():
            reasons.setdefault(customer, []).append((-times, reason))
        for found in reasons.values():
            found.sort()
        return {"rows": len(customers), "incidents": sum(customers.values())}
    if key == "summary":
        cur.execute(_SUMMARY_STORES, p)
        stores = cur.fetchall()
        for sql in (_SUMMARY_REASONS, _SUMMARY_OVERDUE_LIST, _SUMMARY_REPEAT):
            cur.execute(sql, p)
            cur.fetchall()
        cur.execute(_SUMMARY_OVERDUE_COUNT, p)
        overdue = cur.fetchone()[0]
        return {
            "rows": len(stores),
            "incidents": sum(r[2] for r in stores),
            "compare": sum(r[4] for r in stores),
            "overdue": overdue,
        }
    if key == "resolution":
        cur.execute(_RESOLUTION, p)
        stores = cur.fetchall()
        cur.execute(_RESOLUTION_DAYS, p)
        days: dict[int, list[float]] = {}
        for store, took in cur.fetchall():
            days.setdefault(store, []).append(float(took))
        for found in days.values():
            found.sort()
        cur.execute(_RESOLUTION_CHECKS, p)
        cur.fetchall()
        _names(cur, "store")
        return {
            "rows": len(stores),
            "incidents": sum(r[1] for r in stores),
            "later": sum(r[3] for r in stores),
            "cost_cents": sum(int(r[5]) for r in stores),
        }
    if key == "training":
        windows = p["windows"]
        cases = " ".join(f"WHEN day < '{w[0]}' THEN {n - 1}" for n, w in enumerate(windows) if n)
        cur.execute(_ATTENDEES, {"session": p["session"]})
        attendees = {a for (a,) in cur.fetchall()}
        sql = _TRAINING.format(window=f"CASE {cases} ELSE {len(windows) - 1} END")
        cur.execute(sql, {"start": windows[0][0], "end": windows[-1][1]})
        rows = cur.fetchall()
        return {
            "trained": sum(r[2] for r in rows if r[1] in attendees),
            "others": sum(r[2] for r in rows if r[1] not in attendees),
        }
    raise KeyError(key)


def libpq_url(url: str) -> str:
    """postgresql+psycopg://… (SQLAlchemy's form) as libpq takes it."""
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def main(argv: list[str]) -> int:
    import psycopg

    repeat = 0
    if "--repeat" in argv:
        i = argv.index("--repeat")
        repeat = int(argv[i + 1])
        del argv[i : i + 2]
    url, key, params = argv[0], argv[1], json.loads(argv[2])
    with psycopg.connect(libpq_url(url), autocommit=True) as conn:
        cur = conn.cursor()
        digest = floor_sql(key, cur, params)
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            digest = floor_sql(key, cur, params)
            times.append((time.perf_counter() - start) * 1000)
    print(json.dumps({"digest": digest, "times_ms": times}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
