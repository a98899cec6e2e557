"""Every test gets its own database file, config file and a fixed "today"."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import Cli

TODAY = "2026-05-20"  # a Wednesday


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    db_path = tmp_path / "incidents.db"
    monkeypatch.setenv("INCIDENTLOG_DB", str(db_path))
    monkeypatch.setenv("INCIDENTLOG_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.setenv("INCIDENTLOG_TODAY", TODAY)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.setenv("COLUMNS", "200")
    return db_path


@pytest.fixture
def cli() -> Cli:
    return Cli()
