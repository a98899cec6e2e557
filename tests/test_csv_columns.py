"""A command prints the same CSV columns whether it has rows or not."""

from __future__ import annotations

import pytest

from tests.helpers import Cli

pytestmark = pytest.mark.backends

COMMANDS = [
    ("list", "--period", "2026-05"),
    ("follow-ups",),
    ("search", "refund"),
    ("export", "--period", "2026-05"),
    ("export", "--kind", "training"),
]


def header(cli: Cli, *args: str) -> str:
    return cli(*args, "--format", "csv").stdout.splitlines()[0]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c))
def test_the_same_columns_with_and_without_rows(cli: Cli, command: tuple[str, ...]) -> None:
    cli.add("Zed", at="2026-01-01 10:00", description="nothing to see")  # matches none of them
    empty = cli(
        *command, *(["--format", "csv"] if command[0] != "export" else [])
    ).stdout.splitlines()
    assert len(empty) == 1
    cli.add("Ann", resolved=False, follow_up="2026-05-25", description="refund due",
            at="2026-05-01 10:00", contact="a@x.org", channel="phone")  # fmt: skip
    cli("training", "add", "--topic", "Calm", "--kind", "review", "--minutes", "20",
        "--agents", "Jane", "--on", "2026-04-02")  # fmt: skip
    full = cli(
        *command, *(["--format", "csv"] if command[0] != "export" else [])
    ).stdout.splitlines()
    assert len(full) >= 2
    assert full[0] == empty[0]


def test_list_columns_match_the_json_keys(cli: Cli) -> None:
    cli.add("Ann", at="2026-05-01 10:00")
    keys = list(cli("list", "--format", "json").json()[0])
    assert header(cli, "list") == ",".join(keys)
