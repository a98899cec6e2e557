"""Writes storage/query_tables.py: the SQLModel classes' tables as plain SQLAlchemy Core.

The SQLModel classes in storage/tables.py stay the one declaration of the schema (the
migrations and the ORM use them). Importing them costs every report sqlmodel, pydantic and
`sqlalchemy.orm` — about a third of a report's start-up — for nothing a query needs, so
the reports query a Core copy of their columns instead. This module writes that copy;
`tests/test_reports_tables.py` fails when it no longer matches, and
`python -m incidentlog.storage.mirror` rewrites it.
"""

from __future__ import annotations

import sys
from pathlib import Path

from sqlalchemy import Column, Table
from sqlmodel import SQLModel

import incidentlog.storage.tables  # noqa: F401 - registers the tables in SQLModel.metadata

LINE_LENGTH = 100
TARGET = Path(__file__).with_name("query_tables.py")

HEADER = '''"""The schema's tables as SQLAlchemy Core, for queries: columns, types, keys.

Written by `python -m incidentlog.storage.mirror` from the SQLModel classes in
storage/tables.py, the one declaration of the schema; do not edit by hand.
`tests/test_reports_tables.py` fails when the two differ.
"""

from __future__ import annotations

'''


def _column(col: Column[object]) -> str:
    kind = type(col.type)
    if not kind.__module__.startswith("sqlalchemy."):
        # A type of sqlmodel's or pydantic's own would bring their import back.
        raise TypeError(f"{col.table.name}.{col.name}: {kind.__module__}.{kind.__name__}")
    parts = [f'"{col.name}"', repr(col.type)]
    for key in sorted(col.foreign_keys, key=lambda k: k.target_fullname):
        ondelete = f', ondelete="{key.ondelete}"' if key.ondelete else ""
        parts.append(f'ForeignKey("{key.target_fullname}"{ondelete})')
    if col.primary_key:
        parts.append("primary_key=True")
    parts.append(f"nullable={col.nullable}")
    line = f"    Column({', '.join(parts)}),"
    if len(line) <= LINE_LENGTH:
        return line
    # Laid out as `ruff format` lays it out, so the written file passes its check.
    return "\n".join(["    Column(", *(f"        {part}," for part in parts), "    ),"])


def _names(table: Table) -> set[str]:
    found = {"Column", "Table", "MetaData"}
    for col in table.columns:
        found.add(type(col.type).__name__)
        if col.foreign_keys:
            found.add("ForeignKey")
    return found


def render() -> str:
    tables = sorted(SQLModel.metadata.tables.values(), key=lambda t: t.name)
    imported = sorted(set().union(*(_names(t) for t in tables)), key=str.lower)
    lines = [HEADER + "from sqlalchemy import (", *(f"    {name}," for name in imported), ")"]
    lines += ["", "METADATA = MetaData()"]
    for table in tables:
        lines += ["", f"{table.name.upper()} = Table(", f'    "{table.name}",', "    METADATA,"]
        lines += [_column(col) for col in table.columns]
        lines.append(")")
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    text = render()
    if argv == ["--check"]:
        return 0 if TARGET.read_text(encoding="utf-8") == text else 1
    TARGET.write_text(text, encoding="utf-8")
    print(f"Wrote {TARGET}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
