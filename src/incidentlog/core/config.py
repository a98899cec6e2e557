"""Per-till settings (default store and agent, database) in a small TOML file."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

from incidentlog.core.errors import InvalidInput

KEYS = {
    "store": "default store for `add` and `training add` on this till",
    "agent": "default agent for `add` on this till",
    "db": "database file or URL used when neither --db nor INCIDENTLOG_DB is given",
    "date-order": "how slash dates such as 03/04/2026 read: dmy or mdy",
    "currency": "how remedy costs are shown, e.g. EUR (amounts are stored without it)",
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
    if key == "currency" and (len(value.strip()) > 8 or not value.strip().isprintable()):
        raise InvalidInput("currency must be a short code or sign such as EUR, GBP or $.")
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


def _toml_string(value: str) -> str:
    """A TOML basic string holding exactly `value`.

    TOML allows no control character (DEL included) raw in a string, and a file that breaks
    that rule stops every later command; so each is written as an escape.
    """
    out = []
    for ch in value:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _write(data: dict[str, str]) -> None:
    path = config_path()
    for key, value in data.items():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise InvalidInput(f"The value for {key} is not valid UTF-8 text.") from None
    text = "".join(f"{k} = {_toml_string(v)}\n" for k, v in sorted(data.items()))
    # Never write a file that would not read back as what was set.
    if tomllib.loads(text) != data:  # pragma: no cover - a bug in _toml_string
        raise InvalidInput("The setting cannot be written as TOML; nothing was changed.")
    from incidentlog.core.files import make_private_dirs

    make_private_dirs(path.parent)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
