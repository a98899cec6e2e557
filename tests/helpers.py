"""Running the real CLI in-process, the way a user would from the shell."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from typer.testing import CliRunner

from incidentlog.cli.main import app


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)

    @property
    def new_id(self) -> int:
        match = re.search(r"#(\d+)", self.stdout)
        assert match, self.stdout
        return int(match.group(1))


class Cli:
    def __init__(self) -> None:
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None, ok: bool = True) -> Result:
        raw = self.runner.invoke(app, list(args), input=input, catch_exceptions=False)
        result = Result(raw.exit_code, raw.stdout, raw.stderr)
        if ok:
            assert result.exit_code == 0, (args, result.stdout, result.stderr)
        return result

    def fails(self, *args: str, code: int, input: str | None = None) -> Result:
        result = self(*args, input=input, ok=False)
        assert result.exit_code == code, (args, result.exit_code, result.stdout, result.stderr)
        assert "Traceback" not in result.stderr + result.stdout
        return result

    def add(self, customer: str = "Ann Lee", **options: Any) -> int:
        """Record an incident; options are flag names with '_' for '-', True for bare flags."""
        values: dict[str, Any] = {
            "reason": "billing",
            "store": "North",
            "agent": "Jane",
            "resolved": True,
        }
        values.update(options)
        args = ["add", customer]
        resolved = values.pop("resolved")
        args.append("--resolved" if resolved else "--unresolved")
        for key, value in values.items():
            flag = "--" + key.replace("_", "-")
            if value is True:
                args.append(flag)
            elif value is not None and value is not False:
                args += [flag, str(value)]
        return self(*args).new_id
