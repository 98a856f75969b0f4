"""The year-end reports (履职积分年度报告): totals, ranks, grades and flags of every active
representative, one PDF each and a county workbook, built by Celery in the steps of
``steps.py`` (``points/tasks.py`` chains them). ``totals.py`` counts, ``files.py`` renders,
``runs.py`` starts and ends a run, ``access.py`` says who sees them.

Readers always see the last finished run: a run's rows only become the year's reports in
``report_run_finish``, which marks the run done and deletes the older runs' rows in one
transaction (the rows of the run a publication pins stay until the year is published
again). A run that fails keeps nothing, and the previous run's reports stay.

Callers use the names below, as ``reports.<name>``.
"""

from points.reports.access import get_run_for_user, may_see_reports
from points.reports.runs import (
    ACTIVE,
    ReportRunIncomplete,
    ReportRunRefused,
    annual_report_build,
    latest_run,
    report_run_fail,
    report_run_finish,
    report_run_stop,
    run_queued,
    year_reports,
)
from points.reports.steps import (
    report_chunk_build,
    report_pdf_chunk_build,
    report_pdf_chunks,
    report_run_rank,
)
from points.reports.totals import (
    FLAG_LABELS,
    FLAG_NO_VOTER_CONTACT,
    FLAG_SESSION_ABSENCES,
    flag_labels,
)

__all__ = [
    "ACTIVE",
    "FLAG_LABELS",
    "FLAG_NO_VOTER_CONTACT",
    "FLAG_SESSION_ABSENCES",
    "ReportRunIncomplete",
    "ReportRunRefused",
    "annual_report_build",
    "flag_labels",
    "get_run_for_user",
    "latest_run",
    "may_see_reports",
    "report_chunk_build",
    "report_pdf_chunk_build",
    "report_pdf_chunks",
    "report_run_fail",
    "report_run_finish",
    "report_run_rank",
    "report_run_stop",
    "run_queued",
    "year_reports",
]
