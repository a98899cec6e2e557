"""Render the pictures in docs/images/ from the demo data.

    .venv/bin/python scripts/render_docs.py            # rewrite docs/images/*.svg
    .venv/bin/python scripts/render_docs.py --check    # exit 1 if a picture is out of date
    .venv/bin/python scripts/render_docs.py --out DIR  # write the pictures somewhere else

Each picture is a real `incidentlog` command run on a fresh demo database with "today"
fixed, its coloured output recorded by Rich and saved as SVG. Run it whenever the output of
a documented command changes, and commit the pictures with the change.
"""

from __future__ import annotations

import argparse
import shlex
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
IMAGES = ROOT / "docs" / "images"
TODAY = "2026-05-20"
WIDTH = 110

# The first-run screen, shown on an empty database.
FIRST_RUN = {"welcome": "incidentlog"}
# picture name (docs/images/NAME.svg) -> the command it shows on the demo data
PICTURES: dict[str, str] = {
    "agents-compare": "incidentlog report agents --agent Jane --compare 3-months-ago",
    "agents-chart": "incidentlog report agents --chart",
    "store-compare": "incidentlog report store --compare last-month",
    "store-chart": "incidentlog report store --chart",
    "training": "incidentlog report training --topic de-escalation --after 6",
    "training-chart": "incidentlog report training --topic de-escalation --after 6 --chart",
    "repeat-customers": "incidentlog repeat-customers --min-stores 3 --min-agents 3",
    "reasons": "incidentlog report reasons --period last-quarter --top 5",
    "training-time": "incidentlog report training-time --period last-12-months",
    "stores-quarter": "incidentlog report store --period last-quarter",
    "follow-ups": "incidentlog follow-ups --period last-30-days --limit 6",
    "summary": "incidentlog summary",
    "after-the-incident": "incidentlog report resolution --period last-quarter",
}


def environment(workdir: Path) -> dict[str, str | None]:
    """The variables every command runs with: its own database and config, a fixed today,
    colour forced on (the capture is not a terminal) and a fixed width."""
    return {
        "INCIDENTLOG_DB": str(workdir / "demo.db"),
        "INCIDENTLOG_CONFIG": str(workdir / "config.toml"),
        "INCIDENTLOG_TODAY": TODAY,
        "XDG_DATA_HOME": str(workdir / "data"),
        "XDG_CONFIG_HOME": str(workdir / "config"),
        "FORCE_COLOR": "1",
        "NO_COLOR": None,
        "COLUMNS": str(WIDTH),
        "TERM": "xterm-256color",
    }


def run(command: str, env: Mapping[str, str | None]) -> str:
    """Run `incidentlog ...` in this process; what a terminal would show (stdout and
    stderr as they interleave). Raises if the command fails."""
    from typer.testing import CliRunner

    from incidentlog.cli.main import app

    args = shlex.split(command)
    if not args or args[0] != "incidentlog":
        raise ValueError(f"not an incidentlog command: {command}")
    result = CliRunner().invoke(app, args[1:], env=env, catch_exceptions=False)
    if result.exit_code != 0:
        raise RuntimeError(f"`{command}` exited with {result.exit_code}:\n{result.output}")
    return result.output


def build_demo(env: Mapping[str, str | None]) -> None:
    run("incidentlog demo", {**env, "FORCE_COLOR": None, "NO_COLOR": "1"})


def svg(name: str, command: str, output: str) -> str:
    """The SVG of a terminal showing the command and its output."""
    import io

    from rich.console import Console
    from rich.text import Text

    console = Console(
        record=True,
        width=WIDTH,
        file=io.StringIO(),
        force_terminal=True,
        color_system="truecolor",
        legacy_windows=False,
    )
    console.print(Text("$ ", style="bold green") + Text(command, style="bold"))
    console.print(Text.from_ansi(output.rstrip("\n")))
    # A fixed id keeps the file identical from one run to the next.
    return console.export_svg(title=command, unique_id=f"incidentlog-{name}")


def render_first_run(workdir: Path) -> dict[str, str]:
    """The pictures of a newcomer's empty database. Its file lives in the user data dir;
    the picture shows it where it would be rather than in `workdir`."""
    env = {**environment(workdir), "INCIDENTLOG_DB": None}
    pictures = {}
    for name, command in FIRST_RUN.items():
        output = run(command, env).replace(str(workdir / "data"), "~/.local/share")
        pictures[name] = svg(name, command, output)
    return pictures


def render_pictures(env: Mapping[str, str | None]) -> dict[str, str]:
    """The pictures of the demo data (already built in `env`'s database)."""
    return {name: svg(name, command, run(command, env)) for name, command in PICTURES.items()}


def render_all(workdir: Path) -> dict[str, str]:
    """picture name -> SVG text, for every picture."""
    pictures = render_first_run(workdir / "fresh")
    env = environment(workdir / "demo")
    build_demo(env)
    pictures.update(render_pictures(env))
    return pictures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    parser.add_argument("--out", type=Path, default=IMAGES, help="where to write the SVGs")
    options = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="incidentlog-docs-") as tmp:
        pictures = render_all(Path(tmp))
    stale = []
    for name, text in pictures.items():
        path = options.out / f"{name}.svg"
        if options.check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(path)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    if stale:
        for path in stale:
            print(f"out of date: {path}", file=sys.stderr)
        print("Run: .venv/bin/python scripts/render_docs.py", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
