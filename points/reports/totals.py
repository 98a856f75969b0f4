"""The figures of the year-end reports: a representative's points per category, total,
grade and flags, counted for a chunk of representatives from one aggregate query, written
in bulk (COPY on PostgreSQL), and ranked in the database.

Nothing here knows of runs' states or of tasks: ``points/reports/steps.py`` calls these
inside a run's steps.
"""

import io
import json
from collections import defaultdict
from decimal import Decimal

from django.db import connection
from django.db.models import Q, Sum
from django.utils.translation import gettext_lazy

from liaison.models import Activity, Representative
from points import scoring, services
from points.models import AnnualReport, Attendance, Category, PointEntry

ONE_DECIMAL = Decimal("0.1")
CATEGORIES = tuple(Category.values)

# Flags the law asks the report to raise.
FLAG_SESSION_ABSENCES = "session_absences"
FLAG_NO_VOTER_CONTACT = "no_voter_contact"
FLAG_LABELS = {
    FLAG_SESSION_ABSENCES: gettext_lazy(
        "Two or more unexcused absences from the people's congress session "
        "(Representatives Law, Art. 62)"
    ),
    FLAG_NO_VOTER_CONTACT: gettext_lazy("No contact with voters this year"),
}


def flag_labels(flags) -> list[str]:
    """The flags' texts, in the active language."""
    return [str(FLAG_LABELS.get(flag, flag)) for flag in flags]


# --- a chunk's figures ------------------------------------------------------------------------


def year_table(year: int) -> dict:
    """The year's rules, caps and grade bands, built once per chunk (three small queries)."""
    rules, codes = services.rule_table(year)
    caps = services.category_caps_for_year(year)
    in_force = {code: rule.pk for code, rule in rules.items()}
    return {
        "rules": rules,
        "bands": services.grade_bands_for_year(year),
        "codes": codes,
        # Every row of the table, older ones too, to the row of its code in force this
        # year: an entry counts under that row (an inactive code counts nothing).
        "in_force": {pk: in_force[code] for pk, code in codes.items() if code in in_force},
        "scorer": scoring.Scorer(services.scoring_rules(rules), caps),
        # Per distinct number of tenths (a county has few): its Decimal and text; per
        # distinct total, its grade.
        "decimals": {},
        "grades": {},
    }


def chunk_counts(
    year: int, representative_ids, codes: dict[int, str], keys: dict | None = None
) -> tuple[dict, dict]:
    """One aggregate query: items per (representative, rule code) of the year's approved
    entries, and per representative the unexcused absences from the session.

    Grouped by rule id and folded here into ``keys`` (rule id → key; by default ``codes``,
    rule id → code; rules missing from ``keys`` are left out), which spares the query a
    join. The chunk is a slice of the sorted ids, so the query asks for their range (read
    from the totals' covering index, in order) rather than a long IN list; rows of ids in
    the range but not in the chunk (inactive representatives) are dropped here.

    Art. 62 of the Representatives Law ends the seat of a representative absent twice from
    the session without leave. We count the approved "absence" entries made from an
    attendance record of an activity of kind "session" (an approved excuse makes no entry):
    entries typed in by staff, or absences from other meetings, do not count, since
    nothing ties them to a session.
    """
    wanted = set(representative_ids)
    if not wanted:
        return {}, {}
    keys = codes if keys is None else keys
    absence_rules = [pk for pk, code in codes.items() if code == "absence"]
    session_attendances = Attendance.objects.filter(activity__kind=Activity.Kind.SESSION).values(
        "pk"
    )
    rows = (
        PointEntry.objects.filter(
            year=year,
            status=PointEntry.Status.APPROVED,
            representative_id__gte=min(wanted),
            representative_id__lte=max(wanted),
        )
        .values("representative_id", "rule_id")
        .annotate(
            items=Sum("quantity"),
            session_absences=Sum(
                "quantity",
                filter=Q(
                    rule_id__in=absence_rules,
                    source=PointEntry.Source.ATTENDANCE,
                    source_id__in=session_attendances,
                ),
            ),
        )
        .values_list("representative_id", "rule_id", "items", "session_absences")
        # In the order of the totals' covering index: PostgreSQL then reads the index alone
        # and adds up each group as it passes, rather than hashing every row of the chunk.
        .order_by("representative_id", "rule_id")
    )
    # Fetched raw, in one go: the sums are integers already, and Django's per-row
    # converters cost more than the query's grouping (bench/points_year_end.py).
    with connection.cursor() as cursor:
        cursor.execute(*rows.query.sql_with_params())
        rows = cursor.fetchall()
    counts: dict[int, dict] = defaultdict(dict)
    absences: dict[int, int] = defaultdict(int)
    for rep_id, rule_id, items, session_absences in rows:
        if rep_id not in wanted:
            continue
        if session_absences:
            absences[rep_id] += session_absences
        key = keys.get(rule_id)
        if key is not None:
            per_key = counts[rep_id]
            per_key[key] = per_key.get(key, 0) + items
    return counts, absences


def chunk_reports(year: int, representative_ids: list[int]) -> list[tuple[int, dict]]:
    """The report fields of a chunk of representatives, (representative id, fields), in the
    chunk's order; from one aggregate query."""
    table = year_table(year)
    counts, absences = chunk_counts(
        year, representative_ids, table["codes"], keys=table["in_force"]
    )
    return [
        (rep_id, report_fields(counts.get(rep_id, {}), absences.get(rep_id, 0), table))
        for rep_id in representative_ids
    ]


def _one_decimal(tenths: int) -> tuple[Decimal, str]:
    """A number of tenths of a point as a Decimal with one decimal, and as its text."""
    value = Decimal(tenths).scaleb(-1)
    return value, str(value)


def report_fields(counts: dict[int, int], session_absences: int, table: dict) -> dict:
    """A representative's points per category, total, grade and flags, from ``counts``:
    items per rule in force (by id), as ``chunk_counts`` folds them with
    ``table["in_force"]``."""
    # What services.score does, with the year's scorer built once per chunk, not per person,
    # in integer tenths of a point (scoring.Scorer.category_tenths: exact, and the costliest
    # step of the totals phase in Decimals).
    by_category = table["scorer"].category_tenths(counts)
    tenths = sum(by_category.values())
    flags = []
    if session_absences >= 2:
        flags.append(FLAG_SESSION_ABSENCES)
    if by_category.get(Category.VOTERS, 0) <= 0:
        flags.append(FLAG_NO_VOTER_CONTACT)
    # Per distinct number of tenths (a county has few): its Decimal (one decimal) and text.
    decimals = table["decimals"]
    as_text = {}
    for category in CATEGORIES:
        points = by_category.get(category, 0)
        shown = decimals.get(points)
        if shown is None:
            shown = decimals[points] = _one_decimal(points)
        as_text[category] = shown[1]
    total = decimals.get(tenths)
    if total is None:
        total = decimals[tenths] = _one_decimal(tenths)
    total = total[0]
    grade = table["grades"].get(total)
    if grade is None:
        grade = table["grades"][total] = scoring.grade_for(total, table["bands"])
    return {
        # Exact decimals as text, every category present (0.0 when nothing counted).
        "by_category": as_text,
        "total": total,
        # The grade depends on the total alone, so the chunk sets it; ranks wait for all.
        "grade": grade,
        "flags": flags,
    }


def _copy_text(value) -> str:
    """A value as a field of PostgreSQL's COPY text format."""
    return (
        str(value)
        .replace("\\", "\\\\")
        .replace("\t", "\\t")
        .replace("\n", "\\n")
        .replace("\r", "\\r")
    )


# A report's points per category as JSON, in the order of CATEGORIES: the keys are our own
# identifiers and the values decimals as text, so nothing in it needs escaping.
_BY_CATEGORY_JSON = "{" + ", ".join(f'"{category}": "%s"' for category in CATEGORIES) + "}"


def insert_reports(run_id: int, year: int, rows: list[tuple[int, dict]]) -> None:
    """Insert a chunk's rows, (representative id, report fields). On PostgreSQL by COPY:
    bulk_create spends more time preparing a county's rows than the database spends
    storing them, and COPY stores them faster than an INSERT (bench/points_year_end.py)."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        AnnualReport.objects.bulk_create(
            AnnualReport(run_id=run_id, representative_id=rep_id, year=year, **fields)
            for rep_id, fields in rows
        )
        return
    text: dict = {}  # grades and flags as COPY fields: a county has few distinct ones

    def field(value) -> str:
        key = value if isinstance(value, str) else tuple(value)
        found = text.get(key)
        if found is None:
            found = text[key] = _copy_text(value if isinstance(value, str) else json.dumps(value))
        return found

    head = f"{run_id}\t"
    tail = f"\t{year}\t"
    lines = io.StringIO()
    for rep_id, fields in rows:
        by_category = fields["by_category"]
        lines.write(
            head
            + str(rep_id)
            + tail
            + _BY_CATEGORY_JSON % tuple(by_category[category] for category in CATEGORIES)
            + f"\t{fields['total']}\t{field(fields['grade'])}\t{field(fields['flags'])}\t0\t0\t\n"
        )
    lines.seek(0)
    with connection.cursor() as cursor:
        # Django's foreign keys are checked at the commit by default, and a chunk commits
        # holding the run's row (its count, steps.py): checked now, a chunk's 750 checks
        # no longer keep the other chunks waiting for that row (bench/points_year_end.py).
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.copy_expert(
            f"COPY {AnnualReport._meta.db_table} "
            "(run_id, representative_id, year, by_category, total, grade, flags, "
            "rank, rank_in_level, pdf) FROM STDIN",
            lines,
        )


# --- ranks, and the lines of a report ---------------------------------------------------------


def set_ranks(run_id: int) -> int:
    """Store the run's ranks, overall and within each level, in one statement; returns the
    number of reports ranked.

    SQL's RANK() is the competition ranking of ``scoring.competition_ranks`` (equal totals
    share a rank, the next one skips: 1, 2, 2, 4; tests/points hold the two to the same
    answers). Done in the database, the ranking reads nothing back; on PostgreSQL the
    table's free space per page (migration 0003) lets every row be updated in place.
    """
    reports = AnnualReport._meta.db_table
    representatives = Representative._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {reports} AS r SET rank = v.overall, rank_in_level = v.in_level "  # noqa: S608 - the table names are ours
            "FROM (SELECT a.id, RANK() OVER (ORDER BY a.total DESC) AS overall, "
            "RANK() OVER (PARTITION BY p.level ORDER BY a.total DESC) AS in_level "
            f"FROM {reports} AS a JOIN {representatives} AS p ON p.id = a.representative_id "
            "WHERE a.run_id = %s) AS v WHERE r.id = v.id",
            [run_id],
        )
        return cursor.rowcount


def report_lines(counts: dict[str, int], rules: dict) -> list[dict]:
    """Per rule in force: items counted and the points they earn, its cap applied."""
    srules = services.scoring_rules(rules)
    lines = []
    for code, rule in sorted(rules.items(), key=lambda kv: (kv[1].order, kv[0])):
        count = counts.get(code, 0)
        lines.append(
            {
                "rule": rule,
                "count": count,
                "points": scoring.rule_points(srules[rule.pk], count),
            }
        )
    return lines
