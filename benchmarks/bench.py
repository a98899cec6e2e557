"""What every part of the benchmark shares: where it runs, the targets, the result lines."""

from __future__ import annotations

import math
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from measure import Sample, run_once

ROOT = Path(__file__).resolve().parent.parent
PROBE = str(Path(__file__).resolve().parent / "probe.py")
DOC = ROOT / "docs" / "performance.md"
TODAY = "2026-05-20"
SEED = 2026  # the demo's own

# The targets (docs/performance.md explains each).
HELP_RATIO = 10.0
ADD_RATIO = 12.0
QUERY_RATIO = 1.5
REPORT_MS = 1000.0
IMPORT_RATIO = 4.0  # import at least 1/4 of the bare executemany rate
REPORT_RSS_MB = 150.0
IMPORT_RSS_GROWTH = 1.25  # peak RSS importing N rows vs N/10 rows: flat
GROWTH_EXPONENT = 1.1  # time ∝ rows^k; k ≤ 1 is linear, the 0.1 absorbs noise
# A report on the same months with ten times the history behind them: at most this much slower.
HISTORY_GROWTH = 1.5
# A sweep's bigger databases hold this many recent incidents (the demo's months) + history.
RECENT = 1_000_000


# --------------------------------------------------------------------------- table


@dataclass
class Line:
    measurement: str
    ours: str
    floor: str = "—"
    ratio: str = "—"
    peer: str = "—"
    goal: str = "—"
    met: bool | None = None
    note: str = ""

    @property
    def met_text(self) -> str:
        return "—" if self.met is None else "yes" if self.met else "**no**"


@dataclass
class Results:
    rows: int
    lines: list[Line] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    growth: dict[str, dict[str, float]] = field(default_factory=dict)  # case -> {query, e2e}
    import_rate: float | None = None
    import_rss: float | None = None
    recent: int = 0  # the incidents over the demo's months; the rest is older history
    span: str = ""  # the first and last day of the recent incidents
    history: Any = None  # history.History, when older incidents were added


def ms(sample: Sample) -> str:
    if not sample.ok:
        return f"n/a ({sample.error})" if sample.error else "n/a"
    return f"{sample.min:,.0f} / {sample.median:,.0f} ms"


def mb(value: float | None) -> str:
    return "n/a" if value is None or math.isnan(value) else f"{value:,.0f} MB"


def rate(rows: int, sample: Sample) -> str:
    if not sample.ok:
        return f"n/a ({sample.error})" if sample.error else "n/a"
    best, typical = rows / (sample.min / 1000), rows / (sample.median / 1000)
    return f"{best / 1000:,.0f}k / {typical / 1000:,.0f}k rows/s"


def ratio(ours: Sample, floor: Sample) -> float | None:
    """Median over median: what a user typically sees, against the floor's typical cost."""
    if not (ours.ok and floor.ok) or floor.median <= 0:
        return None
    return ours.median / floor.median


def ratio_text(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f}×"


def report_lines(
    title: str,
    ours: Sample,
    floor: Sample,
    floor_name: str,
    peer_time: str = "—",
    peer_rss: str = "—",
) -> list[Line]:
    """A report's end-to-end and peak-RSS lines against its floor (the same on both
    backends; only the floor's name and the peer differ)."""
    both = ours.ok and floor.ok
    return [
        Line(
            f"{title}: end to end",
            ms(ours),
            f"{floor_name} {ms(floor)}",
            ratio_text(ratio(ours, floor)),
            peer_time,
            f"≤ {REPORT_MS:,.0f} ms",
            ours.median <= REPORT_MS if ours.ok else None,
        ),
        Line(
            f"{title}: peak RSS",
            mb(ours.peak_mb) if ours.ok else "n/a",
            mb(floor.peak_mb) if floor.ok else "n/a",
            ratio_text(ours.peak_mb / floor.peak_mb) if both else "n/a",
            peer_rss,
            f"≤ {REPORT_RSS_MB:.0f} MB",
            ours.peak_mb <= REPORT_RSS_MB if ours.ok else None,
        ),
    ]


def markdown_table(header: list[str], body: list[list[str]]) -> str:
    """A Markdown table with padded columns, readable as plain text too."""
    widths = [max(len(row[i]) for row in [header, *body]) for i in range(len(header))]

    def line(values: list[str]) -> str:
        return "| " + " | ".join(v.ljust(w) for v, w in zip(values, widths, strict=True)) + " |"

    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(header), rule, *(line(row) for row in body)])


def render_table(lines: list[Line]) -> str:
    header = ["measurement", "incidentlog", "floor", "ratio", "peer", "goal", "met?"]
    body = [
        [ln.measurement, ln.ours, ln.floor, ln.ratio, ln.peer, ln.goal, ln.met_text] for ln in lines
    ]
    return markdown_table(header, body)


# --------------------------------------------------------------------------- environment


class Bench:
    """Where the run happens and how to call incidentlog, the floor and the peer."""

    def __init__(self, workdir: Path, repeat: int) -> None:
        self.workdir = workdir
        self.repeat = repeat
        # One run means a quick check: no warm-up run either.
        self.warmup = 1 if repeat > 1 else 0
        self.python = sys.executable
        script = Path(sys.executable).with_name("incidentlog")
        self.incidentlog = [str(script)] if script.exists() else [self.python, "-m", "incidentlog"]
        self.env = {
            **os.environ,
            "INCIDENTLOG_TODAY": TODAY,
            "INCIDENTLOG_CONFIG": str(workdir / "config.toml"),
            "NO_COLOR": "1",
            "COLUMNS": "120",
        }
        self.env.pop("INCIDENTLOG_DB", None)
        self.has_pandas = _has_module("pandas")
        self.no_peer = "pandas not installed"
        self.import_runs = max(1, min(repeat, 3))
        # Recent-only databases a bigger size of the sweep copies before adding history.
        self.keep_bases: set[int] = set()
        self.export = True  # time `incidentlog export` (and give the peer its CSV)
        self.bases: dict[int, Path] = {}

    def cli(self, db: Path, *args: str) -> list[str]:
        return [*self.incidentlog, "--db", str(db), *args]

    def probe(self, *args: str) -> list[str]:
        return [self.python, PROBE, *args]

    def run_cli(self, db: Path, *args: str) -> tuple[int, str, str]:
        done = run_once(self.cli(db, *args), env=self.env, capture=True)
        return done.code, done.stdout, done.stderr


def _has_module(name: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(name) is not None


def first_line(text: str) -> str:
    lines = [ln.strip() for ln in text.strip().splitlines() if ln.strip()]
    return lines[-1][:160] if lines else ""
