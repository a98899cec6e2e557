"""The tour and every hint name the command as the user can run it: `incidentlog` when the
shell finds this same program on PATH, else the path it was started from."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(sys.executable).with_name("incidentlog")
SYSTEM_PATH = "/usr/bin:/bin"


def _run(args: list[str], path: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        args, env={**os.environ, "PATH": path}, capture_output=True, text=True, timeout=120
    )
    if ok:
        assert done.returncode == 0, done.stderr
    return done


def test_the_tour_names_the_script_by_its_path_when_it_is_not_on_path() -> None:
    out = _run([str(SCRIPT), "demo"], SYSTEM_PATH).stdout
    full = str(SCRIPT.resolve())
    assert f"{full} report store" in out and f"{full} demo --remove" in out
    assert "\n  incidentlog " not in out and "`incidentlog " not in out
    # The refusal of a real write names the ways out the same way, as commands that run.
    add = [str(SCRIPT), "add", "Ann", "--reason", "billing", "--resolved"]
    refused = _run([*add, "--store", "North Street", "--agent", "Jane"], SYSTEM_PATH, ok=False)
    assert refused.returncode == 1
    assert f"`{full} demo --remove`" in refused.stderr
    assert f"`{full} demo --keep`" in refused.stderr


def test_the_tour_says_incidentlog_when_the_shell_finds_it() -> None:
    out = _run([str(SCRIPT), "demo"], f"{SCRIPT.parent}:{SYSTEM_PATH}").stdout
    assert "\n  incidentlog list --limit 10" in out
    assert "`incidentlog demo --remove`" in out
    assert str(SCRIPT.parent) not in out
    assert max(len(line) for line in out.splitlines()) <= 100


def test_another_incidentlog_on_path_is_not_taken_for_this_one(tmp_path: Path) -> None:
    other = tmp_path / "bin" / "incidentlog"
    other.parent.mkdir()
    other.write_text("#!/bin/sh\necho another program\n")
    other.chmod(0o755)
    out = _run([str(SCRIPT)], f"{other.parent}:{SYSTEM_PATH}").stdout
    assert f"  {SCRIPT.resolve()} demo" in out


def test_the_welcome_names_python_m_when_started_that_way() -> None:
    out = _run([sys.executable, "-m", "incidentlog"], SYSTEM_PATH).stdout
    assert f"  {sys.executable} -m incidentlog demo" in out
