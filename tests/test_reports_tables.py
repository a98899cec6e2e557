"""The reports' lightweight table views stay in step with models.py and stay light."""

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
            assert col.name in real.c, f"{view.name}.{col.name} is not in models.py"
            expected = real.c[col.name].type._type_affinity  # type: ignore[attr-defined]
            assert col.type._type_affinity is expected, f"{view.name}.{col.name}"  # type: ignore[attr-defined]


def test_reports_do_not_import_sqlmodel() -> None:
    code = (
        "import sys\n"
        "import incidentlog.cli.report_cmd, incidentlog.reports.store, incidentlog.reports.summary\n"
        "import incidentlog.reports.training, incidentlog.reports.repeat_customers\n"
        "assert 'sqlmodel' not in sys.modules, 'sqlmodel was imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
