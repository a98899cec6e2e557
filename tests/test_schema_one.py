"""One schema: the SQLModel classes in storage/tables.py.

The reports query those classes' Core tables, the migrations at HEAD build exactly them, and
every table and column named in the SQL text written by hand (the recording commands keep
parametrised SQL on the stdlib sqlite3 module to start fast) is one of theirs.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine
from sqlmodel import SQLModel

import incidentlog
from incidentlog.reports import common
from incidentlog.storage import tables
from incidentlog.storage.database import Database

METADATA = SQLModel.metadata
SRC = Path(incidentlog.__file__).parent

# Tables that are not part of the schema, each with the reason:
NOT_THE_SCHEMA = {
    # FTS5 full-text index over incident text, kept in step by triggers (migrations 0003/0004):
    # a virtual table SQLAlchemy cannot declare. Its columns are incident's own.
    "incident_fts": {"rowid", "description", "resolution"},
    # SQLite's catalogue and alembic's version table.
    "sqlite_master": {"sql", "type", "name", "tbl_name"},
    "alembic_version": {"version_num"},
    # The planners' statistics, read by storage/statistics.py.
    "sqlite_stat1": {"tbl", "idx", "stat"},
    "pg_class": {"oid", "reltuples"},
}
# Work tables that a module creates for itself in SQL (`CREATE ... name (columns)`): the
# import's staging tables, the outbox's delivery receipts. Read from the source below.
CREATE = re.compile(
    r"CREATE (?:\{\w*\}|TEMP |TEMPORARY )?(?:TABLE )?(?:IF NOT EXISTS )?(\w+) \((.*)\)", re.S
)

KEYWORDS = set(
    """
    select from where and or not in is null as on join left inner outer cross using group by
    order asc desc limit offset having distinct insert into values update set delete returning
    exists between like case when then else end union all with conflict do nothing for
    true false count sum min max avg coalesce substr lower upper length cast integer text
    date datetime strftime julianday abs round nullif ifnull total replace instr trim
    setval pg_get_serial_sequence excluded recursive current_date current_timestamp escape
    glob match bm25 snippet highlight rank collate nocase primary key references default
    create table temp temporary index if drop alter add column varchar bigint boolean timestamp
    real numeric unique check constraint trigger begin immediate rollback commit pragma vacuum
    analyze fts5 content over partition row_number filter
    """.split()
)


def sql_strings() -> Iterator[tuple[str, int, str]]:
    """(file, line, text) of every string in src/ that reads like SQL; {} where code fills in."""
    for path in sorted(SRC.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.JoinedStr):
                text = "".join(
                    v.value if isinstance(v, ast.Constant) else " {} " for v in node.values
                )
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                text = node.value
            else:
                continue
            if re.search(r"\b(SELECT .*FROM|INSERT INTO|UPDATE \S+ SET|DELETE FROM)\b", text, re.S):
                if not text.lstrip().startswith(("`", "Recording", "Imports", "Checked")):
                    yield path.relative_to(SRC).as_posix(), node.lineno, text


def known_tables() -> dict[str, set[str]]:
    known = {name: {c.name for c in t.columns} for name, t in METADATA.tables.items()}
    known.update(NOT_THE_SCHEMA)
    for path in sorted(SRC.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                found = CREATE.search(node.value)
                if found and found.group(1) not in METADATA.tables:
                    columns = re.findall(r"(?:^|,)\s*(\w+)", found.group(2))
                    known[found.group(1)] = set(columns)
    return known


def problems(text: str, known: dict[str, set[str]]) -> list[str]:
    """Names in one SQL text that no known table has."""
    bare = re.sub(r"'[^']*'", "''", text)  # string literals
    bare = re.sub(r"\{\w*\}", " {} ", bare)  # filled in by code
    bare = re.sub(r":\w+", " ", bare)  # parameters
    found: list[str] = []
    aliases: dict[str, str] = {}
    named_here: list[str] = []
    for table, alias in re.findall(
        r"\b(?:FROM|JOIN|INTO|(?<!DO )UPDATE)\s+(\w+)(?:\s+(?:AS\s+)?(?!(?:WHERE|JOIN|LEFT|ON|SET|GROUP|ORDER|LIMIT|VALUES|USING|INNER|CROSS|WHEN|AND|OR)\b)(\w+))?",
        bare,
        re.I,
    ):
        if table.upper() == "SELECT":
            continue
        if table not in known:
            found.append(f"table {table}")
            continue
        named_here.append(table)
        aliases[table] = table
        if alias:
            aliases[alias] = table
    # Names given in the text itself: `AS name` (columns, subqueries), CTEs.
    given = set(re.findall(r"\bAS\s+(\w+)", bare, re.I))
    given |= set(re.findall(r"[)}]\s+(\w+)", bare))
    for qualifier, column in re.findall(r"\b(\w+)\.(\w+)\b", bare):
        table = aliases.get(qualifier)
        if table is not None and column not in known[table]:
            found.append(f"{qualifier}.{column} ({table})")
    # Unqualified names: columns of a table this text names, or of any known table when the
    # table is filled in by code.
    pool = set().union(*(known[t] for t in named_here)) if named_here else set()
    fragment = not re.match(r"\s*(SELECT|INSERT|UPDATE|DELETE|WITH)\b", bare, re.I)
    if not named_here or fragment or "{}" in bare:
        pool = set().union(*known.values())
    unqualified = re.sub(r"\b\w+\.\w+\b", " ", bare)
    for word in re.findall(r"\b[A-Za-z_]\w*\b", unqualified):
        if (
            word.lower() in KEYWORDS
            or word in known
            or word in aliases
            or word in given
            or word in pool
        ):
            continue
        found.append(word)
    return found


def test_the_hand_written_sql_names_only_tables_and_columns_of_the_schema() -> None:
    known = known_tables()
    texts = list(sql_strings())
    assert len(texts) > 100  # the scan finds the SQL (recording, journal, import, ...)
    bad = [
        f"{file}:{line}: {', '.join(names)}"
        for file, line, text in texts
        if (names := problems(text, known))
    ]
    assert bad == []


def test_the_check_catches_a_misspelt_column_or_table() -> None:
    known = known_tables()
    assert problems("SELECT i.id, i.dya FROM incident i", known) == ["i.dya (incident)"]
    assert "table incidents" in problems("SELECT id FROM incidents WHERE id = :id", known)
    assert problems("UPDATE incident SET resolvd_at = :at WHERE id = :id", known) == ["resolvd_at"]


def test_the_reports_query_the_copy_written_from_the_sqlmodel_tables() -> None:
    from incidentlog.storage import mirror, query_tables

    assert mirror.TARGET.read_text(encoding="utf-8") == mirror.render()
    assert tables.Incident.__table__.name == common.INCIDENT.name  # type: ignore[attr-defined]
    for view in (
        common.INCIDENT,
        common.STORE,
        common.AGENT,
        common.REASON,
        common.CUSTOMER,
        common.SESSION,
        common.ATTENDANCE,
    ):
        assert query_tables.METADATA.tables[view.name] is view
        real = METADATA.tables[view.name]
        assert [(c.name, repr(c.type)) for c in view.columns] == [
            (c.name, repr(c.type)) for c in real.columns
        ]


def test_the_migrations_target_the_sqlmodel_metadata() -> None:
    env = (SRC / "storage" / "migrations" / "env.py").read_text()
    assert "target_metadata=SQLModel.metadata" in env


@pytest.mark.parametrize("dialect", ["sqlite"])
def test_migrations_at_head_build_the_tables_columns_and_indexes_of_the_metadata(
    tmp_path: Path, dialect: str
) -> None:
    path = tmp_path / "fresh.db"
    db = Database(f"sqlite:///{path}")
    db.connect().close()  # a fresh database, upgraded to HEAD by the migrations
    engine = create_engine(f"sqlite:///{path}")
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, METADATA)
    engine.dispose()
    # The FTS5 index and its shadow tables are the migrations' own (NOT_THE_SCHEMA above).
    diff = [
        d for d in diff if not (d[0] == "remove_table" and d[1].name.startswith("incident_fts"))
    ]
    assert diff == []
