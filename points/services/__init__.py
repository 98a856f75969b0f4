"""Points rules that change data: claims, review, appeals, automatic entries, totals.

Every change to points data is one of the public functions here, ``<entity>_<verb>(*, …)``,
each in one transaction that appends its row to the audit trail (``PointAudit``). The
admin, the views, the signals and the tasks call them; nothing outside this package
touches a name starting with ``_``. Scoring arithmetic is in ``points/scoring.py``; the
modules here feed it from the database:

- ``table``: the year's rules, caps and grade bands, and the totals (read only);
- ``entries``: claims and staff entries, review, appeals, deletion, the audit rows;
- ``sources``: automatic entries following attendance, duty shifts, concerns and outreach
  visits, and the changes to those sources (cancelling, excuses);
- ``mediation_sources``: the entries of successful mediations (issue #11).
- ``study_sources``: automatic entries following the study materials representatives read.
- ``keyissue_sources``: automatic entries of the key issues a representative solved.
- ``contact_sources``: the entries of representatives' contacts with the people (五联系).
"""

from points import scoring
from points.services.contact_sources import contact_sync
from points.services.entries import (
    MAX_ITEMS_PER_CLAIM,
    MAX_ITEMS_PER_ENTRY,
    QUANTITY_TOO_LARGE,
    PointsError,
    appeal_answer,
    check_claim_date,
    check_quantity,
    check_year_open,
    point_entry_appeal,
    point_entry_approve,
    point_entry_claim,
    point_entry_create,
    point_entry_delete,
    point_entry_reject,
    visible_text,
)
from points.services.keyissue_sources import key_issue_sync
from points.services.mediation_sources import mediation_sync
from points.services.sources import (
    ABSENCE_DEDUCTED,
    ACTIVITY_RULES,
    PETITION_CHANNELS,
    activity_cancel,
    activity_reinstate,
    activity_sync,
    attendance_save,
    attendance_sync,
    duty_day_cancel,
    duty_day_reinstate,
    duty_day_sync,
    duty_shift_sync,
    excuse_approve,
    pending_q,
    petition_sync,
    point_entry_withdraw,
    visit_sync,
)
from points.services.study_sources import material_read_sync
from points.services.table import (
    Category,
    category_caps_for_year,
    counts_by_representative,
    grade_bands_for_year,
    rule_for,
    rule_table,
    rules_for_year,
    score,
    scoring_rules,
    year_summary,
)

__all__ = [
    "ABSENCE_DEDUCTED",
    "ACTIVITY_RULES",
    "MAX_ITEMS_PER_CLAIM",
    "MAX_ITEMS_PER_ENTRY",
    "PETITION_CHANNELS",
    "QUANTITY_TOO_LARGE",
    "Category",
    "PointsError",
    "activity_cancel",
    "activity_reinstate",
    "activity_sync",
    "appeal_answer",
    "attendance_save",
    "attendance_sync",
    "category_caps_for_year",
    "contact_sync",
    "check_claim_date",
    "check_quantity",
    "check_year_open",
    "counts_by_representative",
    "duty_day_cancel",
    "duty_day_reinstate",
    "duty_day_sync",
    "duty_shift_sync",
    "excuse_approve",
    "grade_bands_for_year",
    "mediation_sync",
    "material_read_sync",
    "key_issue_sync",
    "pending_q",
    "petition_sync",
    "visit_sync",
    "point_entry_appeal",
    "point_entry_approve",
    "point_entry_claim",
    "point_entry_create",
    "point_entry_delete",
    "point_entry_reject",
    "point_entry_withdraw",
    "rule_for",
    "rule_table",
    "rules_for_year",
    "score",
    "scoring",
    "scoring_rules",
    "visible_text",
    "year_summary",
]
