"""Points (履职积分) in the administration.

Staff keep the table (rules, category caps, grade bands), record activities with their
attendance and duty days with their roster, review entries in bulk, answer appeals and
publish a year. Every change to points data goes through ``points/services/``, which
appends a row to the audit trail (shown read-only here): saving an activity or a duty day
re-syncs its automatic entries, review is compare-and-set, and nothing here writes an
entry's status or points by hand. Entries the system made are
read-only: they follow their source (edit the attendance, the roster or the concern).
The year-end reports are built elsewhere (``points/reports/``); here they are only listed.
"""

from points.admin.activities import ActivityAdmin, AttendanceAdmin, DutyDayAdmin
from points.admin.audit import PointAuditAdmin
from points.admin.entries import AppealAdmin, PointEntryAdmin
from points.admin.reports import AnnualReportAdmin, PublicationAdmin, ReportRunAdmin
from points.admin.table import LATER_YEAR_HELP, CategoryCapAdmin, GradeBandAdmin, PointRuleAdmin

__all__ = [
    "LATER_YEAR_HELP",
    "ActivityAdmin",
    "AnnualReportAdmin",
    "AppealAdmin",
    "AttendanceAdmin",
    "CategoryCapAdmin",
    "DutyDayAdmin",
    "GradeBandAdmin",
    "PointAuditAdmin",
    "PointEntryAdmin",
    "PointRuleAdmin",
    "PublicationAdmin",
    "ReportRunAdmin",
]
