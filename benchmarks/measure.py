"""Timing and memory of whole processes, and the min/median summaries the table shows."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Sample:
    """Several runs of one thing: wall times (ms) and peak resident memory (MB)."""

    times_ms: list[float] = field(default_factory=list)
    rss_mb: list[float] = field(default_factory=list)
    error: str | None = None
    output: str = ""

    @property
    def ok(self) -> bool:
        return self.error is None and bool(self.times_ms)

    @property
    def min(self) -> float:
        return min(self.times_ms)

    @property
    def median(self) -> float:
        return statistics.median(self.times_ms)

    @property
    def peak_mb(self) -> float:
        return max(self.rss_mb) if self.rss_mb else float("nan")


@dataclass
class Run:
    ms: float
    rss_mb: float
    code: int
    stdout: str
    stderr: str


def run_once(
    argv: Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    capture: bool = False,
    stdin_text: str | None = None,
) -> Run:
    """One process: its wall time from spawn to exit, and its own peak RSS (from wait4)."""
    out = subprocess.PIPE if capture else subprocess.DEVNULL
    start = time.perf_counter()
    proc = subprocess.Popen(
        list(argv),
        stdout=out,
        stderr=subprocess.PIPE,
        stdin=subprocess.PIPE if stdin_text is not None else subprocess.DEVNULL,
        env=dict(env) if env is not None else None,
        cwd=cwd,
        text=True,
    )
    if capture or stdin_text is not None:
        # communicate() reads both pipes; the exit is reaped by wait4 below.
        stdout, stderr = _communicate(proc, stdin_text)
    else:
        stdout, stderr = "", proc.stderr.read() if proc.stderr else ""
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = (time.perf_counter() - start) * 1000
    proc.returncode = os.waitstatus_to_exitcode(status)
    return Run(elapsed, usage.ru_maxrss / 1024, proc.returncode, stdout or "", stderr or "")


def _communicate(proc: subprocess.Popen[str], stdin_text: str | None) -> tuple[str, str]:
    import threading

    chunks: dict[str, str] = {"out": "", "err": ""}

    def drain(name: str, stream: object) -> None:
        chunks[name] = stream.read()  # type: ignore[attr-defined]

    threads = []
    if proc.stdout is not None:
        threads.append(threading.Thread(target=drain, args=("out", proc.stdout)))
    if proc.stderr is not None:
        threads.append(threading.Thread(target=drain, args=("err", proc.stderr)))
    for t in threads:
        t.start()
    if proc.stdin is not None:
        proc.stdin.write(stdin_text or "")
        proc.stdin.close()
    for t in threads:
        t.join()
    return chunks["out"], chunks["err"]


def repeat(
    argv: Sequence[str],
    times: int,
    *,
    env: Mapping[str, str] | None = None,
    warmup: int = 1,
    capture: bool = False,
) -> Sample:
    """Run a process `warmup` + `times` times; the warm-up runs are not counted."""
    sample = Sample()
    for i in range(warmup + times):
        run = run_once(argv, env=env, capture=capture)
        if run.code != 0:
            sample.error = _first_line(run.stderr) or f"exit {run.code}"
            return sample
        if i >= warmup:
            sample.times_ms.append(run.ms)
            sample.rss_mb.append(run.rss_mb)
            sample.output = run.stdout
    return sample


def probe(argv: Sequence[str], *, env: Mapping[str, str] | None = None) -> tuple[dict, Run]:
    """Run a probe that prints one JSON object on its last line; returns it and the run."""
    run = run_once(argv, env=env, capture=True)
    if run.code != 0:
        return {"error": _first_line(run.stderr) or f"exit {run.code}"}, run
    lines = [line for line in run.stdout.splitlines() if line.strip()]
    try:
        return json.loads(lines[-1]), run
    except (IndexError, json.JSONDecodeError):
        return {"error": "no result printed"}, run


def _first_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    # The last line of a traceback says what went wrong; a CLI error is its only line.
    return lines[-1][:160] if lines else ""
