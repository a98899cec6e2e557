"""Folders only their owner can read: the database, the outbox and the config live in them."""

from __future__ import annotations

from pathlib import Path


def make_private_dirs(folder: Path) -> None:
    """Create the folder and any missing parents for the owner only (0700), whatever the umask."""
    missing: list[Path] = []
    while not folder.exists():
        missing.append(folder)
        if folder.parent == folder:
            break
        folder = folder.parent
    for part in reversed(missing):
        try:
            part.mkdir(mode=0o700)
        except FileExistsError:
            continue
        part.chmod(0o700)  # mkdir's mode is masked by the umask; this one is not
