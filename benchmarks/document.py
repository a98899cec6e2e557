"""The Markdown written into docs/performance.md: the results table and the sweep."""

from __future__ import annotations

import datetime as dt
import math
import os
import platform
import sqlite3
from importlib import metadata
from pathlib import Path

from bench import DOC, GROWTH_EXPONENT, Results, markdown_table, mb, render_table


def growth_table(all_results: list[Results]) -> tuple[str, list[str]]:
    """Each report's time at every size, and how it grows (time ∝ rows^k)."""
    sizes = [r.rows for r in all_results]
    titles = list(all_results[0].growth) if all_results else []
    header = [
        "report",
        *(f"{n:,} rows: query / end to end" for n in sizes),
        "k (query)",
        f"goal k ≤ {GROWTH_EXPONENT}",
        "met?",
    ]
    body, unmet = [], []
    for title in titles:
        cells = [title]
        queries = []
        for r in all_results:
            found = r.growth.get(title, {})
            q, e = found.get("query", float("nan")), found.get("e2e", float("nan"))
            queries.append(q)
            cells.append(f"{q:,.1f} / {e:,.0f} ms")
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
        imports.append(
            "n/a"
            if r.import_rate is None
            else f"{r.import_rate / 1000:,.0f}k rows/s, {mb(r.import_rss)}"
        )
    body.append([*imports, "—", "RSS flat", "—"])
    return markdown_table(header, body), unmet


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
        "Medians. k is the largest exponent between two neighbouring sizes "
        "(time ∝ rows^k; 1 is linear).",
    ]
    parts += ["", "Growth faster than linear:" if unmet else "No report grew faster than linearly."]
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
