"""Per-till settings (default store and agent, database) in a small TOML file."""

from __future__ import annotations

import json
import os
import tomllib
from pathlib import Path

from incidentlog.errors import InvalidInput

KEYS = {
    "store": "default store for `add` and `training add` on this till",
    "agent": "default agent for `add` on this till",
    "db": "database file or URL used when neither --db nor INCIDENTLOG_DB is given",
    "date-order": "how slash dates such as 03/04/2026 read: dmy or mdy",
}
# Keys that take one of a few values.
CHOICES = {"date-order": ("dmy", "mdy")}


def config_path() -> Path:
    override = os.environ.get("INCIDENTLOG_CONFIG")
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_config_dir("incidentlog")) / "config.toml"


def load() -> dict[str, str]:
    path = config_path()
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError:
        return {}
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"The config file {path} is not valid TOML: {exc}.") from exc
    return {k: str(v) for k, v in data.items() if k in KEYS}


def get(key: str) -> str | None:
    _check_key(key)
    return load().get(key)


def set_value(key: str, value: str) -> None:
    _check_key(key)
    if not value.strip():
        raise InvalidInput(f"A value for {key} cannot be empty; use `config unset {key}`.")
    choices = CHOICES.get(key)
    if choices is not None:
        value = value.strip().lower()
        if value not in choices:
            raise InvalidInput(f"{key} must be {' or '.join(choices)}.")
    data = load()
    data[key] = value.strip()
    _write(data)


def unset(key: str) -> bool:
    _check_key(key)
    data = load()
    existed = data.pop(key, None) is not None
    _write(data)
    return existed


def _check_key(key: str) -> None:
    if key not in KEYS:
        raise InvalidInput(f'Unknown config key "{key}". Known keys: {", ".join(KEYS)}.')


def _write(data: dict[str, str]) -> None:
    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    # A JSON string literal is a valid TOML basic string for every value we store.
    text = "".join(f"{k} = {json.dumps(v, ensure_ascii=False)}\n" for k, v in sorted(data.items()))
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(tmp, path)
