"""Timing and memory of whole processes, and the min/median summaries the table shows."""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
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
    capture: bool = False,
) -> Run:
    """One process: its wall time from spawn to exit, and its own peak RSS.

    Processes are started by a small helper process, not by the harness: Linux counts a
    child's peak RSS from the process it was forked from, so a harness grown large (say by
    parsing a big JSON report) would inflate every later measurement."""
    return _spawner().run(argv, env, capture)


def _spawn(argv: Sequence[str], env: Mapping[str, str] | None, out: str | None) -> dict:
    """In the helper: run one process, outputs to files, and measure it."""
    with tempfile.TemporaryFile("w+") as err:
        stdout = open(out, "w") if out else subprocess.DEVNULL  # noqa: SIM115
        try:
            start = time.perf_counter()
            proc = subprocess.Popen(
                list(argv),
                stdout=stdout,
                stderr=err,
                stdin=subprocess.DEVNULL,
                env=dict(env) if env is not None else None,
            )
            _, status, usage = os.wait4(proc.pid, 0)
            elapsed = (time.perf_counter() - start) * 1000
        finally:
            if out:
                stdout.close()  # type: ignore[union-attr]
        err.seek(0)
        return {
            "ms": elapsed,
            "rss_mb": usage.ru_maxrss / 1024,
            "code": os.waitstatus_to_exitcode(status),
            "stderr": err.read()[-8000:],
        }


def serve() -> None:
    """The helper's loop: one JSON request per line on stdin, one JSON answer per line."""
    for line in sys.stdin:
        request = json.loads(line)
        try:
            answer = _spawn(request["argv"], request["env"], request["out"])
        except OSError as exc:
            answer = {"ms": 0.0, "rss_mb": 0.0, "code": 127, "stderr": str(exc)}
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


class Spawner:
    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-u", __file__, "--serve"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.folder = Path(tempfile.mkdtemp(prefix="incidentlog-bench-out-"))

    def run(self, argv: Sequence[str], env: Mapping[str, str] | None, capture: bool) -> Run:
        out = self.folder / "stdout.txt" if capture else None
        request = {"argv": list(argv), "env": dict(env) if env else None, "out": str(out or "")}
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(json.dumps(request) + "\n")
        self.proc.stdin.flush()
        answer = json.loads(self.proc.stdout.readline())
        stdout = ""
        if out is not None and out.exists():
            stdout = out.read_text(encoding="utf-8", errors="replace")
            out.unlink()
        return Run(answer["ms"], answer["rss_mb"], answer["code"], stdout, answer["stderr"])

    def close(self) -> None:
        if self.proc.stdin is not None:
            self.proc.stdin.close()
        self.proc.wait()
        shutil.rmtree(self.folder, ignore_errors=True)


_SPAWNER: Spawner | None = None


def _spawner() -> Spawner:
    """The helper, started on first use (start it early, while the harness is small)."""
    global _SPAWNER
    if _SPAWNER is None:
        _SPAWNER = Spawner()
    return _SPAWNER


def start() -> None:
    _spawner()


def stop() -> None:
    global _SPAWNER
    if _SPAWNER is not None:
        _SPAWNER.close()
        _SPAWNER = None


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
            sample.error = first_line(run.stderr) or f"exit {run.code}"
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
        return {"error": first_line(run.stderr) or f"exit {run.code}"}, run
    lines = [line for line in run.stdout.splitlines() if line.strip()]
    try:
        return json.loads(lines[-1]), run
    except (IndexError, json.JSONDecodeError):
        return {"error": "no result printed"}, run


def first_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    # The last line of a traceback says what went wrong; a CLI error is its only line.
    return lines[-1][:160] if lines else ""


if __name__ == "__main__" and sys.argv[1:] == ["--serve"]:
    serve()
