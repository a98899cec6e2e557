"""Exceptions the domain raises; the CLI maps each to its exit code."""

from __future__ import annotations


class IncidentlogError(Exception):
    """Base class: a message meant for the user, and the exit code it warrants."""

    exit_code = 1


class DomainError(IncidentlogError):
    """The request was understood but cannot be carried out (exit 1)."""

    exit_code = 1


class NotFound(DomainError):
    """An id or name that does not exist."""


class Conflict(DomainError):
    """The change contradicts what is already recorded."""


class InvalidInput(IncidentlogError):
    """A value the user typed cannot be used (exit 2)."""

    exit_code = 2


class NearDuplicate(InvalidInput):
    """A new store or agent name looks like a typo of a known one."""

    def __init__(self, kind: str, name: str, matches: list[str]) -> None:
        self.kind = kind
        self.name = name
        self.matches = matches
        options = " or ".join(f'"{m}"' for m in matches)
        super().__init__(
            f'New {kind} "{name}" looks like {options}: did you mean {options}? '
            f"Pass --new-{kind} to record it as a new {kind}."
        )
