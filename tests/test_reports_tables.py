"""The reports query the SQLModel tables (storage/tables.py); the clerk's commands stay light."""

from __future__ import annotations

import subprocess
import sys

from sqlmodel import SQLModel

import incidentlog.storage.tables  # noqa: F401 - registers the tables in SQLModel.metadata
from incidentlog.reports import common

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


def test_only_the_reports_import_sqlmodel() -> None:
    # Reports build their queries on the SQLModel classes' tables (one schema), which costs
    # them the sqlmodel import (docs/performance.md, start-up); every command module, and
    # everything the recording commands run, loads without it.
    code = (
        "import sys\n"
        "import incidentlog.cli.main, incidentlog.cli.incidents, incidentlog.cli.reports\n"
        "import incidentlog.cli.summary, incidentlog.cli.repeat_customers\n"
        "import incidentlog.cli.report_training, incidentlog.cli.transfer\n"
        "import incidentlog.cli.search, incidentlog.cli.customers, incidentlog.cli.demo\n"
        "import incidentlog.cli.db, incidentlog.cli.names, incidentlog.cli.training\n"
        "import incidentlog.records.recording, incidentlog.records.journal\n"
        "import incidentlog.transfer.importer, incidentlog.transfer.exporter\n"
        "import incidentlog.storage.database\n"
        "assert 'sqlmodel' not in sys.modules, 'sqlmodel was imported'\n"
        "import incidentlog.reports.store\n"
        "assert 'sqlmodel' in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
