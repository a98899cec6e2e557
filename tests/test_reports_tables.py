"""The reports query a Core copy of the SQLModel tables (storage/tables.py), written from
them (storage/mirror.py); no command imports sqlmodel."""

from __future__ import annotations

import subprocess
import sys

from sqlmodel import SQLModel

import incidentlog.storage.tables  # noqa: F401 - registers the tables in SQLModel.metadata
from incidentlog.reports import common
from incidentlog.storage import mirror, query_tables

VIEWS = (
    common.INCIDENT,
    common.STORE,
    common.AGENT,
    common.REASON,
    common.CUSTOMER,
    common.SESSION,
    common.ATTENDANCE,
)


def test_every_column_the_reports_read_exists_with_the_same_type() -> None:
    for view in VIEWS:
        real = SQLModel.metadata.tables[view.name]
        for col in view.columns:
            assert col.name in real.c, f"{view.name}.{col.name} is not in storage/tables.py"
            expected = real.c[col.name].type._type_affinity  # type: ignore[attr-defined]
            assert col.type._type_affinity is expected, f"{view.name}.{col.name}"  # type: ignore[attr-defined]


def test_the_core_copy_is_the_one_the_sqlmodel_classes_write() -> None:
    # A column added to storage/tables.py without `python -m incidentlog.storage.mirror`
    # fails here, not in a report's query.
    written = mirror.TARGET.read_text(encoding="utf-8")
    assert written == mirror.render(), "run: python -m incidentlog.storage.mirror"
    assert set(query_tables.METADATA.tables) == set(SQLModel.metadata.tables)
    for name, real in SQLModel.metadata.tables.items():
        copy = query_tables.METADATA.tables[name]
        assert [c.name for c in copy.columns] == [c.name for c in real.columns], name
        for col in real.columns:
            mirrored = copy.c[col.name]
            assert repr(mirrored.type) == repr(col.type), f"{name}.{col.name}"
            assert (mirrored.primary_key, mirrored.nullable) == (col.primary_key, col.nullable)


def test_no_command_imports_sqlmodel() -> None:
    # sqlmodel, pydantic and the ORM cost a report about a third of its start-up
    # (docs/performance.md); only the migrations and the import's index rebuild need them.
    code = (
        "import sys, pkgutil, importlib\n"
        "import incidentlog.cli, incidentlog.reports\n"
        "for pkg in (incidentlog.cli, incidentlog.reports):\n"
        "    for m in pkgutil.iter_modules(pkg.__path__, pkg.__name__ + '.'):\n"
        "        importlib.import_module(m.name)\n"
        "import incidentlog.records.recording, incidentlog.records.journal\n"
        "import incidentlog.transfer.importer, incidentlog.transfer.exporter\n"
        "import incidentlog.storage.database\n"
        "heavy = [m for m in ('sqlmodel', 'pydantic', 'sqlalchemy.orm') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
        "import incidentlog.storage.tables\n"
        "assert 'sqlmodel' in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
