"""The command tree: every command's name, place, options and help, as the user meets them.

`tests/fixtures/command_tree.json` holds the tree as it is released. Moving commands between
modules must not change it; a deliberate change to a command regenerates the file with
`UPDATE_COMMAND_TREE=1 pytest tests/test_command_tree.py` and shows up in review as its diff.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from typer.main import get_command
from typer.testing import CliRunner

from incidentlog.cli.main import app

SNAPSHOT = Path(__file__).parent / "fixtures" / "command_tree.json"


def _param(param: Any) -> dict[str, Any]:
    default = param.default
    return {
        "name": param.name,
        "kind": type(param).__name__,
        "opts": list(param.opts),
        "secondary_opts": list(param.secondary_opts),
        "type": param.type.name,
        "required": param.required,
        "default": default
        if isinstance(default, str | int | float | bool | None)
        else repr(default),
        "multiple": param.multiple,
        "is_flag": getattr(param, "is_flag", False),
        "hidden": getattr(param, "hidden", False),
        "help": getattr(param, "help", None),
        "metavar": param.metavar,
    }


def _tree(command: Any, path: list[str], runner: CliRunner) -> dict[str, Any]:
    shown = runner.invoke(app, [*path, "--help"], env={"COLUMNS": "100"})
    node: dict[str, Any] = {
        "path": " ".join(path),
        "hidden": command.hidden,
        "help_page": shown.stdout,
        "exit_code": shown.exit_code,
        "params": [_param(p) for p in command.params],
    }
    commands = getattr(command, "commands", None)
    if commands is not None:
        node["commands"] = [_tree(sub, [*path, name], runner) for name, sub in commands.items()]
    return node


def current_tree() -> dict[str, Any]:
    return _tree(get_command(app), [], CliRunner())


def test_the_command_tree_is_unchanged() -> None:
    tree = current_tree()
    if os.environ.get("UPDATE_COMMAND_TREE") == "1":
        SNAPSHOT.write_text(json.dumps(tree, indent=1, ensure_ascii=False) + "\n", "utf-8")
    assert tree == json.loads(SNAPSHOT.read_text("utf-8"))
