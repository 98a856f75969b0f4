"""The year-end reports (履职积分年度报告): totals, ranks, grades and flags of every active
representative, one PDF each and a county workbook, built by Celery.

A run goes through these steps, each a task in ``points/tasks.py`` that calls one function
here; every step may be retried or redelivered and rewrites the same rows::

    annual_report_build ─► group(report_chunk_build × chunks)
        └ the chunk that completes the count: report_run_rank
    ─► report_pdfs_start ─► chord(report_pdf_chunk_build × chunks) ─► report_run_finish

Readers always see the last finished run: a run's rows only become the year's reports in
``report_run_finish``, which marks the run done and deletes the older runs' rows in one
transaction (the rows of the run a publication pins stay until the year is published
again). A run that fails keeps nothing, and the previous run's reports stay.
"""

import gc
import io
import json
import logging
import secrets
from collections import defaultdict
from decimal import Decimal

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, Q, Sum
from django.http import Http404
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from liaison.models import Representative
from petitions import access
from points import scoring, services
from points.models import (
    Activity,
    AnnualReport,
    Attendance,
    Category,
    PointEntry,
    Publication,
    ReportRun,
)

logger = logging.getLogger(__name__)

ACTIVE = (ReportRun.Status.QUEUED, ReportRun.Status.RUNNING)
# Rules and grade bands ship with "applies from 2000": no year before it has a table.
FIRST_YEAR = 2000
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


class ReportRunRefused(Exception):
    """A build that may not start; ``message`` is shown to the user as is."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class ReportRunIncomplete(Exception):
    """A later step found fewer rows than the run counts: retried, then the run fails."""


# --- who may see them -------------------------------------------------------------------------


def may_see_reports(user) -> bool:
    """County congress staff who sign in to the administration (the reports rank everyone)."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_staff
        and access.roles_for(user).county
    )


def get_run_for_user(user, run_id) -> ReportRun:
    """The run ``run_id`` if ``user`` may see the year-end reports; 404 otherwise."""
    try:
        run_id = int(run_id)
    except (TypeError, ValueError):
        raise Http404 from None
    run = (
        ReportRun.objects.select_related("started_by").filter(pk=run_id).first()
        if may_see_reports(user)
        else None
    )
    if run is None:
        raise Http404
    return run


# --- reading ----------------------------------------------------------------------------------


def latest_run(year: int) -> ReportRun | None:
    """The year's last finished run: the one whose reports readers see."""
    return (
        ReportRun.objects.filter(year=year, status=ReportRun.Status.DONE)
        .order_by("-finished_at", "-pk")
        .first()
    )


def year_reports(year: int):
    """The year's reports: the rows of its last finished run. (A finishing run deletes the
    older runs' rows, except those of the run a publication pins; a running or failed
    run's rows never count.)"""
    latest = (
        ReportRun.objects.filter(year=year, status=ReportRun.Status.DONE)
        .order_by("-finished_at", "-pk")
        .values("pk")[:1]
    )
    return AnnualReport.objects.filter(run_id__in=latest)


def flag_labels(flags) -> list[str]:
    return [str(FLAG_LABELS.get(flag, flag)) for flag in flags]


# --- starting a run ---------------------------------------------------------------------------


def annual_report_build(*, year: int, started_by=None) -> ReportRun:
    """Start building ``year``'s reports for every active representative.

    Returns the run: queued when a worker will build it, already finished (done or failed)
    when tasks run in process. Raises ``ReportRunRefused`` for a year without a table or
    while another run of the same year is queued or running.
    """
    this_year = timezone.localdate().year
    if not FIRST_YEAR <= year <= this_year:
        raise ReportRunRefused(
            _("Reports can be built for the years %(first)s to %(last)s.")
            % {"first": FIRST_YEAR, "last": this_year}
        )
    ids = list(Representative.objects.active().order_by("pk").values_list("pk", flat=True))
    try:
        with transaction.atomic():
            run = ReportRun.objects.create(year=year, total=len(ids), started_by=started_by)
    except IntegrityError:
        # The partial unique constraint "one active run per year" refused it.
        raise ReportRunRefused(
            _(
                "The reports of %(year)s are already being built. Wait until that run "
                "finishes, or stop it, before starting another."
            )
            % {"year": year}
        ) from None
    chunks = chunked(ids, settings.POINTS_REPORT_CHUNK_SIZE)
    run_id = run.pk
    # The worker must find the run row: start once it is committed.
    transaction.on_commit(lambda: _start(run_id, chunks))
    run.refresh_from_db()
    return run


def chunked(ids: list[int], size: int) -> list[list[int]]:
    size = max(1, int(size))
    return [ids[i : i + size] for i in range(0, len(ids), size)]


def task_id(run_id: int, step: str, index: int | None = None) -> str:
    """Stable task ids: a run's steps can be found in the result backend (the bench reads
    their completion times) and a retry keeps its id."""
    return f"points-report-{run_id}-{step}" + ("" if index is None else f"-{index}")


def _start(run_id: int, chunks: list[list[int]]) -> None:
    """Queue the totals stage. Without a broker the whole run happens right here."""
    from celery import group

    from points import tasks

    try:
        if not chunks:
            tasks.rank_reports.si(run_id=run_id).set(task_id=task_id(run_id, "rank")).apply_async()
            return
        group(
            tasks.build_report_chunk.si(run_id=run_id, representative_ids=ids).set(
                task_id=task_id(run_id, "totals", i)
            )
            for i, ids in enumerate(chunks)
        ).apply_async()
    except Exception as exc:  # noqa: BLE001 - recorded on the run, never left "queued"
        # Tasks running in process raise a failing step's error right here (there is no
        # worker to retry it), and an unreachable broker raises here too. Either way the
        # run must end as failed, or its year stays locked by "one active run per year".
        logger.exception("Year-end report run %s failed to run", run_id)
        report_run_fail(run_id=run_id, error=error_text(exc))


def error_text(exc: BaseException) -> str:
    inner = getattr(exc, "exc", None)  # celery's Retry wraps the step's own error
    if isinstance(inner, BaseException):
        exc = inner
    return f"{type(exc).__name__}: {exc}"[:2000]


# --- stage 1: totals --------------------------------------------------------------------------


def _year_table(year: int) -> dict:
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
        # Per distinct total (a county has few): its text and its grade.
        "text": {},
        "grades": {},
    }


def _chunk_counts(
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


def report_fields(counts: dict[int, int], session_absences: int, table: dict) -> dict:
    """A representative's points per category, total, grade and flags, from ``counts``:
    items per rule in force (by id), as ``_chunk_counts`` folds them with
    ``table["in_force"]``."""
    # What services.score does, with the year's scorer built once per chunk, not per person.
    by_category = table["scorer"].category_totals(counts)
    total = scoring.total(by_category).quantize(ONE_DECIMAL)
    flags = []
    if session_absences >= 2:
        flags.append(FLAG_SESSION_ABSENCES)
    if by_category.get(Category.VOTERS, scoring.ZERO) <= 0:
        flags.append(FLAG_NO_VOTER_CONTACT)
    text = table["text"]
    as_text = {}
    for category in CATEGORIES:
        points = by_category.get(category, scoring.ZERO)
        shown = text.get(points)
        if shown is None:
            shown = text[points] = str(points.quantize(ONE_DECIMAL))
        as_text[category] = shown
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


def _insert_reports(run_id: int, year: int, rows: list[tuple[int, dict]]) -> None:
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
        cursor.copy_expert(
            f"COPY {AnnualReport._meta.db_table} "
            "(run_id, representative_id, year, by_category, total, grade, flags, "
            "rank, rank_in_level, pdf) FROM STDIN",
            lines,
        )


def report_chunk_build(*, run_id: int, representative_ids: list[int]) -> int:
    """Write the run's rows for a chunk of representatives; returns how many (0 when the run
    is no longer active). A retried chunk replaces its own rows and counts them once.

    The chunk whose rows complete the count ranks everyone and starts the PDF stage, right
    away: no chord, so no extra hop through the broker and no chord counter to keep (a
    redelivered chunk that finds the count complete ranks again, which gives the same
    ranks)."""
    run = ReportRun.objects.filter(pk=run_id, status__in=ACTIVE).values("year").first()
    if run is None:
        return 0
    year = run["year"]
    table = _year_table(year)
    counts, absences = _chunk_counts(
        year, representative_ids, table["codes"], keys=table["in_force"]
    )
    rows = [
        (rep_id, report_fields(counts.get(rep_id, {}), absences.get(rep_id, 0), table))
        for rep_id in representative_ids
    ]
    with transaction.atomic():
        # The chunk is a slice of the sorted ids: no other chunk's rows fall in its range.
        replaced, _deleted = (
            AnnualReport.objects.filter(
                run_id=run_id,
                representative_id__gte=min(representative_ids, default=0),
                representative_id__lte=max(representative_ids, default=0),
            )
            .order_by()
            .delete()
        )
        _insert_reports(run_id, year, rows)
        # Last, so that the run row stays locked only for the commit. Rows a previous
        # delivery of this chunk already wrote were counted then.
        runs = ReportRun.objects.filter(pk=run_id, status__in=ACTIVE)
        advanced = runs.update(
            status=ReportRun.Status.RUNNING, done=F("done") + (len(rows) - replaced)
        )
        if not advanced:  # failed or stopped meanwhile: write nothing
            transaction.set_rollback(True)
            return 0
        # The run row is ours until the commit: the count includes every chunk committed
        # before, and a chunk committing after ours sees ours.
        done, total = runs.values_list("done", "total").get()
    if done >= total:
        report_run_rank(run_id=run_id)
    return len(rows)


def report_run_rank(*, run_id: int) -> int:
    """Rank everyone, overall and within their level, stamp the run, then start the PDF
    stage. Returns the number of reports ranked (0 when the run is no longer active)."""
    run = ReportRun.objects.filter(pk=run_id, status__in=ACTIVE).values("total").first()
    if run is None:
        return 0
    with transaction.atomic():
        ranked = _set_ranks(run_id)
        if ranked != run["total"]:
            raise ReportRunIncomplete(f"run {run_id}: {ranked} of {run['total']} reports written")
        stamped = ReportRun.objects.filter(pk=run_id, status__in=ACTIVE).update(
            status=ReportRun.Status.RUNNING, ranked_at=timezone.now()
        )
        if not stamped:
            transaction.set_rollback(True)
            return 0
    # One message: the PDF stage fans out from its own task, so that queueing its many
    # chunks is not part of the ranking (nor of the totals phase the bench measures).
    from points import tasks

    tasks.start_report_pdfs.apply_async(
        kwargs={"run_id": run_id}, task_id=task_id(run_id, "start-pdfs")
    )
    return ranked


def _set_ranks(run_id: int) -> int:
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


# --- stage 2: one PDF per representative, then the county workbook -----------------------------


def report_pdfs_start(*, run_id: int) -> int:
    """Queue the PDF stage: chunks of the run's reports, then the finish. Returns the
    number of chunks (0 when the run is no longer active)."""
    from celery import chord

    from points import tasks

    if not ReportRun.objects.filter(pk=run_id, status__in=ACTIVE).exists():
        return 0
    report_ids = list(
        AnnualReport.objects.filter(run_id=run_id).order_by("pk").values_list("pk", flat=True)
    )
    body = tasks.finish_reports.si(run_id=run_id).set(task_id=task_id(run_id, "finish"))
    chunks = chunked(report_ids, settings.POINTS_REPORT_PDF_CHUNK_SIZE)
    if not chunks:
        body.apply_async()
        return 0
    chord(
        tasks.build_report_pdfs.si(run_id=run_id, report_ids=ids).set(
            task_id=task_id(run_id, "pdf", i)
        )
        for i, ids in enumerate(chunks)
    )(body)
    return len(chunks)


def _file_name(run: ReportRun, extension: str) -> str:
    # Random names: the files are served only through the staff views, and a guessed URL on
    # a misconfigured web server must still find nothing.
    return f"reports/{run.year}/{run.pk}/{secrets.token_hex(12)}.{extension}"


def _delete_files(names) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:
            logger.warning("Could not delete report file %s", name)


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


_FONT_CONFIG = None
_HEAP_SETTLED = False


def _settle_heap() -> None:
    """Once per process, after its first PDFs: set WeasyPrint's modules, caches and the
    loaded CJK font aside from the garbage collector. They live as long as the process; left
    in its sight, every full collection walks them again, and then takes a tenth of a second
    in the middle of whatever task is running (bench/points_year_end.py saw it in the
    totals of the next year-end run)."""
    global _HEAP_SETTLED
    if not _HEAP_SETTLED:
        _HEAP_SETTLED = True
        gc.collect()
        gc.freeze()


def _font_config():
    """One font configuration per process: a fresh one per report loads the CJK font anew,
    and a worker's memory then grows by tens of megabytes a report until the collector
    runs (bench/points_year_end.py prints the peak)."""
    global _FONT_CONFIG
    if _FONT_CONFIG is None:
        from weasyprint.text.fonts import FontConfiguration

        _FONT_CONFIG = FontConfiguration()
    return _FONT_CONFIG


def report_pdf_render(
    *, report: AnnualReport, run: ReportRun, lines: list[dict], caps: dict, level_size: int
) -> bytes:
    """One representative's year as a PDF, Chinese text in an embedded Noto Sans CJK."""
    from weasyprint import HTML  # heavy: loaded by the workers that render, not the web

    categories = []
    for value, label in Category.choices:
        categories.append(
            {
                "label": label,
                "points": Decimal(report.by_category.get(value, "0")),
                "cap": caps.get(value),
                "lines": [line for line in lines if line["rule"].category == value],
            }
        )
    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string(
            "points/report_pdf.html",
            {
                "report": report,
                "run": run,
                "representative": report.representative,
                "categories": categories,
                "flags": flag_labels(report.flags),
                "rank_of": run.total,
                "level_size": level_size,
                "congress_name": settings.CONGRESS_NAME,
                "generated_on": timezone.localdate(),
            },
        )
    return HTML(string=html).write_pdf(font_config=_font_config())


# A chunk of PDFs checks every so many reports that its run still goes on, so that a run
# staff stop stops rendering within seconds.
PDF_STOP_CHECK = 5


def _active(run_id: int) -> bool:
    return ReportRun.objects.filter(pk=run_id, status__in=ACTIVE).exists()


def report_pdf_chunk_build(*, run_id: int, report_ids: list[int]) -> int:
    """Render the PDFs of a chunk of the run's reports; returns how many were written."""
    run = ReportRun.objects.filter(pk=run_id, status__in=ACTIVE).first()
    if run is None:
        return 0
    reports = list(
        AnnualReport.objects.filter(run_id=run_id, pk__in=report_ids)
        .select_related("representative")
        .order_by("pk")
    )
    rules, codes = services.rule_table(run.year)
    counts, _absences = _chunk_counts(run.year, [r.representative_id for r in reports], codes)
    level_sizes = dict(
        AnnualReport.objects.filter(run_id=run_id)
        .order_by()
        .values_list("representative__level")
        .annotate(n=Count("pk"))
    )
    caps = services.category_caps_for_year(run.year)
    written: dict[int, str] = {}
    try:
        for n, report in enumerate(reports):
            if n and n % PDF_STOP_CHECK == 0 and not _active(run_id):
                # Stopped or failed meanwhile: no point rendering the rest.
                _delete_files(written.values())
                return 0
            pdf = report_pdf_render(
                report=report,
                run=run,
                lines=report_lines(counts.get(report.representative_id, {}), rules),
                caps=caps,
                level_size=level_sizes.get(report.representative.level, 0),
            )
            written[report.pk] = default_storage.save(_file_name(run, "pdf"), ContentFile(pdf))
        with transaction.atomic():
            # Locked, so that two deliveries of one chunk count each PDF once.
            current = dict(
                AnnualReport.objects.select_for_update()
                .filter(pk__in=written)
                .order_by()
                .values_list("pk", "pdf")
            )
            AnnualReport.objects.bulk_update(
                [AnnualReport(pk=pk, pdf=name) for pk, name in written.items() if pk in current],
                ["pdf"],
            )
            fresh = sum(1 for name in current.values() if not name)
            advanced = ReportRun.objects.filter(pk=run_id, status__in=ACTIVE).update(
                pdf_done=F("pdf_done") + fresh
            )
            if not advanced:
                transaction.set_rollback(True)
    except BaseException:
        _delete_files(written.values())
        raise
    if not advanced:
        _delete_files(written.values())
        return 0
    if written:
        _settle_heap()
    # Files a previous delivery wrote, and files of rows a failed run deleted meanwhile.
    _delete_files([name for name in current.values() if name])
    _delete_files([name for pk, name in written.items() if pk not in current])
    return len(current)


def _text_cell(sheet, value):
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=str(value))
    cell.data_type = "s"  # a name stays text, never a formula
    return cell


def _sheet_title(title) -> str:
    title = str(title)
    for ch in "[]:*?/\\":
        title = title.replace(ch, " ")
    return title[:31]


def workbook_bytes(*, run: ReportRun, reports: list[AnnualReport]) -> bytes:
    """The county workbook (write-only mode): the ranking, and the per-category table."""
    from openpyxl import Workbook

    with translation.override(settings.LANGUAGE_CODE):
        workbook = Workbook(write_only=True)
        ranking = workbook.create_sheet(_sheet_title(_("Ranking %(year)s") % {"year": run.year}))
        ranking.append(
            [
                _text_cell(ranking, label)
                for label in (
                    _("Rank"),
                    _("Name"),
                    _("Level"),
                    _("Rank within level"),
                    _("Total"),
                    _("Grade"),
                    _("Flags"),
                )
            ]
        )
        for r in reports:
            ranking.append(
                [
                    r.rank,
                    _text_cell(ranking, r.representative.name),
                    _text_cell(ranking, r.representative.get_level_display()),
                    r.rank_in_level,
                    r.total,
                    _text_cell(ranking, r.grade),
                    _text_cell(ranking, "; ".join(flag_labels(r.flags))),
                ]
            )
        table = workbook.create_sheet(_sheet_title(_("Points per category")))
        table.append(
            [
                _text_cell(table, label)
                for label in [_("Rank"), _("Name"), _("Level")]
                + [label for _value, label in Category.choices]
                + [_("Total")]
            ]
        )
        for r in reports:
            table.append(
                [
                    r.rank,
                    _text_cell(table, r.representative.name),
                    _text_cell(table, r.representative.get_level_display()),
                    *[Decimal(r.by_category.get(value, "0")) for value in Category.values],
                    r.total,
                ]
            )
        buffer = io.BytesIO()
        workbook.save(buffer)
    return buffer.getvalue()


def report_run_finish(*, run_id: int) -> bool:
    """Write the county workbook, then in one transaction mark the run done and delete the
    older runs' reports of the year. False if the run was no longer active."""
    run = ReportRun.objects.filter(pk=run_id, status__in=ACTIVE).first()
    if run is None:
        return False
    reports = list(
        AnnualReport.objects.filter(run_id=run_id)
        .select_related("representative")
        .order_by("rank", "representative__name", "pk")
    )
    if len(reports) != run.total or any(not r.pdf for r in reports):
        raise ReportRunIncomplete(f"run {run_id}: reports or PDFs missing")
    name = default_storage.save(
        _file_name(run, "xlsx"), ContentFile(workbook_bytes(run=run, reports=reports))
    )
    with transaction.atomic():
        finished = ReportRun.objects.filter(pk=run_id, status__in=ACTIVE).update(
            status=ReportRun.Status.DONE, workbook=name, finished_at=timezone.now()
        )
        if finished:
            # The run a publication pins keeps its rows: the public pages show the figures
            # staff published until they publish the year again (points/publication.py).
            older_runs = (
                ReportRun.objects.filter(year=run.year)
                .exclude(pk=run_id)
                .exclude(pk__in=Publication.objects.filter(year=run.year).values("run_id"))
            )
            older = AnnualReport.objects.filter(run_id__in=older_runs.values("pk")).order_by()
            old_files = list(older.exclude(pdf="").values_list("pdf", flat=True))
            older.delete()
            transaction.on_commit(lambda: _delete_files(old_files))
    if not finished:
        _delete_files([name])
    return bool(finished)


# --- failure ----------------------------------------------------------------------------------


def report_run_fail(*, run_id: int, error: str) -> bool:
    """Mark an active run failed and delete what it wrote; the year's reports stay those of
    its last finished run. False if the run was no longer active."""
    with transaction.atomic():
        failed = ReportRun.objects.filter(pk=run_id, status__in=ACTIVE).update(
            status=ReportRun.Status.FAILED, error=error[:2000], finished_at=timezone.now()
        )
        if not failed:
            return False
        mine = AnnualReport.objects.filter(run_id=run_id).order_by()
        files = list(mine.exclude(pdf="").values_list("pdf", flat=True))
        mine.delete()
        transaction.on_commit(lambda: _delete_files(files))
    return True


def report_run_stop(*, run: ReportRun, actor) -> bool:
    """Staff stop a queued or running run (a worker lost for good, say); its tasks still in
    the queue then find it inactive and write nothing."""
    name = actor.get_full_name() or actor.get_username()
    return report_run_fail(run_id=run.pk, error=_("Stopped by %(name)s.") % {"name": name})
