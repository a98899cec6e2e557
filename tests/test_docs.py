"""The user guide stays true: its commands run, its pictures exist and are up to date.

A fenced block opened with ```` ```sh runnable ```` holds `incidentlog ...` commands that
this file runs, in order, against a copy of the demo database (one copy per page, built once
per session), from a scratch working directory. Other blocks are for reading only.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.helpers import Cli

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
README = ROOT / "README.md"
PAGES = sorted([README, *DOCS.glob("*.md")])
QUESTION_PAGES = sorted(DOCS.glob("q[1-8]-*.md"))

BLOCK = re.compile(r"^```(?P<info>[^\n]*)\n(?P<body>.*?)^```", re.MULTILINE | re.DOTALL)
IMAGE = re.compile(r"!\[[^\]]*\]\((?P<path>[^)\s]+\.svg)\)")


def _render_docs() -> ModuleType:
    spec = importlib.util.spec_from_file_location("render_docs", ROOT / "scripts/render_docs.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


render_docs = _render_docs()


def runnable_commands(text: str) -> list[str]:
    """The commands of the page's runnable blocks, continuation lines joined."""
    commands = []
    for block in BLOCK.finditer(text):
        if block["info"].split()[1:2] != ["runnable"]:
            continue
        for line in block["body"].replace("\\\n", " ").splitlines():
            line = line.strip()
            if line and not line.startswith("#"):
                commands.append(line)
    return commands


def pictures(page: Path) -> list[Path]:
    return [(page.parent / m["path"]).resolve() for m in IMAGE.finditer(page.read_text())]


@pytest.fixture(scope="session")
def demo_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str | None]:
    """The environment the picture script uses, with its demo database built once."""
    env: dict[str, str | None] = render_docs.environment(tmp_path_factory.mktemp("docs-demo"))
    render_docs.build_demo(env)
    return env


@pytest.fixture
def demo_copy(
    demo_env: dict[str, str | None], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    """A private copy of the demo database, the test's INCIDENTLOG_DB; cwd is a scratch dir."""
    db = tmp_path / "demo-copy.db"
    shutil.copyfile(str(demo_env["INCIDENTLOG_DB"]), db)
    monkeypatch.setenv("INCIDENTLOG_DB", str(db))
    monkeypatch.setenv("INCIDENTLOG_TODAY", render_docs.TODAY)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    # The pages record real incidents beside the sample, as after `demo --keep`.
    Cli()("demo", "--keep")
    yield db


@pytest.mark.parametrize(
    "page",
    [p for p in PAGES if runnable_commands(p.read_text())],
    ids=lambda p: p.name,
)
def test_every_documented_command_runs(page: Path, demo_copy: Path, cli: Cli) -> None:
    for command in runnable_commands(page.read_text()):
        args = shlex.split(command, comments=True)
        assert args[0] == "incidentlog", f"{page.name}: not an incidentlog command: {command}"
        assert not set(args) & {"|", ">", "<", "&&", ";"}, f"{page.name}: shell syntax: {command}"
        result = cli(*args[1:], ok=False)
        assert result.exit_code == 0, (
            f"{page.name}: `{command}` exited with {result.exit_code}\n{result.stderr}"
        )


def test_each_question_has_a_page_with_a_command_and_a_picture() -> None:
    assert [p.name[:2] for p in QUESTION_PAGES] == [f"q{n}" for n in range(1, 9)]
    for page in QUESTION_PAGES:
        assert runnable_commands(page.read_text()), f"{page.name} runs no command"
        assert pictures(page), f"{page.name} shows no picture"


def test_every_picture_shown_exists_and_every_picture_made_is_shown() -> None:
    shown = {path for page in PAGES for path in pictures(page)}
    missing = sorted(str(p) for p in shown if not p.exists())
    assert not missing, f"pictures shown but not in docs/images: {missing}"
    made = {
        (DOCS / "images" / f"{name}.svg").resolve()
        for name in [*render_docs.FIRST_RUN, *render_docs.PICTURES]
    }
    assert made <= shown, f"pictures made but shown nowhere: {sorted(map(str, made - shown))}"
    assert {p for p in shown if p.parent == (DOCS / "images").resolve()} <= made


def test_pictures_are_up_to_date(demo_env: dict[str, str | None], tmp_path: Path) -> None:
    """The committed SVGs are what the commands print today; if not, regenerate them."""
    fresh: dict[str, Any] = render_docs.render_first_run(tmp_path)
    fresh.update(render_docs.render_pictures(demo_env))
    stale = [
        name
        for name, svg in fresh.items()
        if (DOCS / "images" / f"{name}.svg").read_text(encoding="utf-8") != svg
    ]
    assert not stale, (
        f"docs/images out of date: {stale}. Run: .venv/bin/python scripts/render_docs.py"
    )


def test_the_readme_starts_with_the_two_commands_a_newcomer_runs() -> None:
    lines = README.read_text().splitlines()
    assert lines[0] == "# incidentlog"
    assert lines[2:6] == [
        "```sh",
        "python3 -m venv .venv && .venv/bin/pip install . && .venv/bin/incidentlog demo",
        "python3 -m venv .venv && .venv/bin/pip install -e '.[dev]' && .venv/bin/pytest",
        "```",
    ]


def _installed(*args: str, **env: str) -> str:
    """Run the installed `incidentlog` script, as a shell would."""
    script = Path(sys.executable).with_name("incidentlog")
    done = subprocess.run(
        [str(script), *args], env={**os.environ, **env}, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_shell_completion_script_is_offered() -> None:
    # Name the shell rather than let typer guess it from the processes around the test.
    out = _installed("--show-completion", "bash", _TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION="1")
    assert "complete -o default -F _incidentlog_completion incidentlog" in out


def test_shell_completion_completes_commands() -> None:
    out = _installed(
        _INCIDENTLOG_COMPLETE="complete_bash", COMP_WORDS="incidentlog report st", COMP_CWORD="2"
    )
    assert out.split() == ["store"]


def test_no_command_on_a_database_in_use_says_where_things_stand(cli: Cli) -> None:
    cli.add("Ann Lee", resolved=True)
    cli.add("Bo Ek", resolved=False)
    cli("config", "set", "store", "North")
    out = cli().stdout
    assert out.startswith("2 incidents, 1 open · this till: store North.")
    assert "incidentlog follow-ups" in out and "config set" not in out
