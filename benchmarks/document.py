"""The Markdown written into docs/performance.md: the results table and the sweep."""

from __future__ import annotations

import datetime as dt
import math
import os
import platform
import sqlite3
from importlib import metadata
from pathlib import Path

from bench import (
    DOC,
    GROWTH_EXPONENT,
    HISTORY_GROWTH,
    Results,
    markdown_table,
    mb,
    render_table,
)


def growth_table(all_results: list[Results]) -> tuple[str, list[str]]:
    """Each report's time at every size, and how it grows.

    Where the biggest database holds the same recent months as a smaller one plus older
    history, the growth is the biggest's time over that smaller one's (goal: at most
    HISTORY_GROWTH); otherwise, time ∝ rows^k between neighbouring sizes (goal: linear)."""
    sizes = [r.rows for r in all_results]
    titles = list(all_results[0].growth) if all_results else []
    biggest = all_results[-1] if all_results else None
    base = None
    if biggest is not None and biggest.history is not None:
        base = next((r for r in all_results if r.rows == biggest.recent), None)
    if base is not None and biggest is not None:
        pair = f"{biggest.rows:,} / {base.rows:,}"
        extra = [f"{pair}: query", f"{pair}: end to end", f"goal ≤ {HISTORY_GROWTH}×"]
    else:
        extra = ["k (query)", f"goal k ≤ {GROWTH_EXPONENT}"]
    header = ["report", *(f"{n:,} rows: query / end to end" for n in sizes), *extra, "met?"]
    body, unmet = [], []
    for title in titles:
        cells = [title]
        queries = []
        for r in all_results:
            found = r.growth.get(title, {})
            q, e = found.get("query", float("nan")), found.get("e2e", float("nan"))
            queries.append(q)
            cells.append(f"{q:,.1f} / {e:,.0f} ms")
        if base is not None and biggest is not None:
            now, then = biggest.growth.get(title, {}), base.growth.get(title, {})
            grown = [_over(now.get(k), then.get(k)) for k in ("query", "e2e")]
            met = None if any(g is None for g in grown) else max(grown) <= HISTORY_GROWTH  # type: ignore[type-var]
            if met is False:
                unmet.append(
                    f"`{title}` on {biggest.rows:,} incidents takes "
                    + " / ".join(_times(g) for g in grown)
                    + f" its time on {base.rows:,} (query / end to end)"
                )
            cells += [_times(grown[0]), _times(grown[1]), "same months", _met(met)]
        else:
            exponents = [
                math.log(queries[i + 1] / queries[i]) / math.log(sizes[i + 1] / sizes[i])
                for i in range(len(sizes) - 1)
                if queries[i] > 0 and queries[i + 1] > 0 and sizes[i + 1] != sizes[i]
            ]
            k = max(exponents) if exponents else float("nan")
            met = None if math.isnan(k) else k <= GROWTH_EXPONENT
            if met is False:
                unmet.append(f"`{title}` grows as rows^{k:.2f}")
            cells += ["n/a" if math.isnan(k) else f"{k:.2f}", "linear", _met(met)]
        body.append(cells)
    imports = ["import (rows/s, peak RSS)"]
    for r in all_results:
        if r.import_rate is not None:
            imports.append(f"{r.import_rate / 1000:,.0f}k rows/s, {mb(r.import_rss)}")
        elif r.history is not None:
            imports.append(f"recent as above; history in SQL {r.history.seconds:,.0f} s")
        else:
            imports.append("n/a")
    body.append([*imports, *(["—"] * (len(extra) - 1)), "RSS flat", "—"])
    return markdown_table(header, body), unmet


def holdings(all_results: list[Results]) -> list[str]:
    """What each size's database holds, one line each."""
    lines = []
    for r in all_results:
        span = f" over {r.span}" if r.span else ""
        if r.history is None:
            lines.append(f"{r.rows:,}: {r.rows:,} incidents{span} (the demo's months), imported")
            continue
        h = r.history
        steps = [h.step_years * k for k in range(1, h.copies + 1)]
        shifts = ", ".join(map(str, steps[:-1])) + " and " if len(steps) > 1 else ""
        shifts += str(steps[-1])
        lines.append(
            f"{r.rows:,}: the same {r.recent:,} recent incidents{span}, imported, plus "
            f"{h.rows:,} older ones from {h.oldest} on (the recent incidents copied back by "
            f"{shifts} years{', the oldest copy partial' if h.partial else ''}; made in SQL "
            f"in {h.seconds:,.0f} s, benchmarks/history.py)"
        )
    return lines


def _over(now: float | None, then: float | None) -> float | None:
    if now is None or then is None or math.isnan(now) or math.isnan(then) or then <= 0:
        return None
    return now / then


def _times(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}×"


def _met(value: bool | None) -> str:
    return "—" if value is None else "yes" if value else "**no**"


# --------------------------------------------------------------------------- the document


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for text in Path("/proc/cpuinfo").read_text().splitlines():
            if text.startswith("model name"):
                cpu = text.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kb / 1024 / 1024:.0f} GB RAM"
    except (OSError, ValueError, IndexError):
        pass
    versions = []
    for package in ("typer", "sqlalchemy", "sqlmodel", "rich", "pandas"):
        try:
            versions.append(f"{package} {metadata.version(package)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{package} (not installed)")
    load = ""
    if hasattr(os, "getloadavg"):
        load = " (load average {:.1f} {:.1f} {:.1f} when written)".format(*os.getloadavg())
    return (
        f"{cpu}, {os.cpu_count()} cores{memory}{load}; {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}; "
        + ", ".join(versions)
    )


def unmet_lines(results: Results) -> list[str]:
    return [
        f"{ln.measurement}: {ln.ours} (goal {ln.goal})" for ln in results.lines if ln.met is False
    ]


def report_text(results: Results, command: str, seconds: float) -> str:
    parts = [
        f"`{command}` — {dt.datetime.now():%Y-%m-%d %H:%M}, {seconds / 60:.1f} min",
        "",
        f"Machine: {machine()}",
        "",
        render_table(results.lines),
        "",
        "Times are min / median of the runs; the ratio is median over median.",
    ]
    if results.history is not None:
        parts += ["", "The database holds " + holdings([results])[0].split(": ", 1)[1] + "."]
    unmet = unmet_lines(results)
    missing = [
        ln.measurement
        for ln in results.lines
        if ln.met is None and ln.goal != "—" and "growth table" not in ln.goal
    ]
    if unmet:
        parts += ["", "Targets not met in this run:"] + [f"- {u}" for u in unmet]
    if missing:
        parts += ["", "Not measured in this run:"] + [f"- {m}" for m in missing]
    if not unmet and not missing:
        parts += ["", "Every target was met in this run."]
    if results.notes:
        parts += ["", "Notes:"] + [f"- {n}" for n in results.notes]
    return "\n".join(parts)


def sweep_text(all_results: list[Results], command: str, seconds: float) -> str:
    table, unmet = growth_table(all_results)
    parts = [
        f"`{command}` — {dt.datetime.now():%Y-%m-%d %H:%M}, {seconds / 60:.1f} min",
        "",
        f"Machine: {machine()}",
        "",
        table,
        "",
        "Medians. What each size holds:",
        "",
        *(f"- {line}" for line in holdings(all_results)),
        "",
    ]
    if any(r.history is not None for r in all_results):
        parts.append(
            f"The growth goal: a report on the biggest database takes at most "
            f"{HISTORY_GROWTH}× its time on the smaller one holding the same months "
            "(query in-process and end to end)."
        )
        parts += ["", "Over the goal:" if unmet else "Every report met the goal."]
    else:
        parts.append(
            "k is the largest exponent between two neighbouring sizes (time ∝ rows^k; 1 is linear)."
        )
        parts += [
            "",
            "Growth faster than linear:" if unmet else "No report grew faster than linearly.",
        ]
    parts += [f"- {u}" for u in unmet]
    for r in all_results:
        notes = r.notes + [f"{u}" for u in unmet_lines(r)]
        if notes:
            parts += ["", f"At {r.rows:,} rows:"] + [f"- {n}" for n in notes]
    return "\n".join(parts)


def write_section(name: str, text: str) -> None:
    """Replace the generated section `name` of docs/performance.md, keeping the prose."""
    begin, end = f"<!-- BEGIN {name} (benchmarks/run.py) -->", f"<!-- END {name} -->"
    block = f"{begin}\n{text}\n{end}"
    doc = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Performance\n"
    if begin in doc and end in doc:
        head, rest = doc.split(begin, 1)
        tail = rest.split(end, 1)[1]
        doc = head + block + tail
    else:
        doc = doc.rstrip("\n") + "\n\n" + block + "\n"
    DOC.parent.mkdir(parents=True, exist_ok=True)
    DOC.write_text(doc, encoding="utf-8")
