"""config get|set|unset|list."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import Cli


def test_set_get_unset(cli: Cli, tmp_path: Path) -> None:
    cli("config", "set", "store", "  Harbour Street ")
    assert cli("config", "get", "store").stdout.strip() == "Harbour Street"
    assert "store" in cli("config", "list").stdout
    assert (tmp_path / "config.toml").stat().st_mode & 0o777 == 0o600
    cli("config", "unset", "store")
    assert "not set" in cli.fails("config", "get", "store", code=1).stderr
    cli.fails("config", "unset", "store", code=1)


def test_unknown_key_and_empty_value(cli: Cli) -> None:
    assert "Unknown config key" in cli.fails("config", "set", "colour", "red", code=2).stderr
    cli.fails("config", "set", "store", " ", code=2)


def test_quotes_and_unicode_survive(cli: Cli) -> None:
    cli("config", "set", "agent", 'Zoë "Z" \\ Demir')
    assert cli("config", "get", "agent").stdout.strip() == 'Zoë "Z" \\ Demir'


def test_broken_config_file_is_a_clear_error(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text("store = [unterminated")
    assert "not valid TOML" in cli.fails("config", "get", "store", code=2).stderr
