"""The year-end reports (履职积分年度报告): totals, ranks, grades and flags of every active
representative, one PDF each and a county workbook, built by Celery.

A run goes through these steps, each a task in ``points/tasks.py`` that calls one function
here; every step may be retried or redelivered and rewrites the same rows::

    annual_report_build ─► chord(report_chunk_build × chunks) ─► report_run_rank
        ─► report_pdfs_start ─► chord(report_pdf_chunk_build × chunks) ─► report_run_finish

Readers always see the last finished run: a run's rows only become the year's reports in
``report_run_finish``, which marks the run done and deletes the older runs' rows in one
transaction (the rows of the run a publication pins stay until the year is published
again). A run that fails keeps nothing, and the previous run's reports stay.
"""

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
    PointRule,
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
    from celery import chord

    from points import tasks

    try:
        body = tasks.rank_reports.si(run_id=run_id).set(task_id=task_id(run_id, "rank"))
        if not chunks:
            body.apply_async()
            return
        chord(
            tasks.build_report_chunk.si(run_id=run_id, representative_ids=ids).set(
                task_id=task_id(run_id, "totals", i)
            )
            for i, ids in enumerate(chunks)
        )(body)
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
    """The year's rules, caps and grade bands, built once per chunk (four small queries)."""
    rules = services.rules_for_year(year)
    return {
        "rules": rules,
        "caps": services.category_caps_for_year(year),
        "bands": services.grade_bands_for_year(year),
        # Every row of the table, older ones too: an entry counts under the row of its
        # code in force this year.
        "codes": dict(PointRule.objects.values_list("pk", "code")),
        "scoring": services.scoring_rules(rules),
    }


def _chunk_counts(year: int, representative_ids, codes: dict[int, str]) -> tuple[dict, dict]:
    """One aggregate query: items per (representative, rule code) of the year's approved
    entries, and per representative the unexcused absences from the session.

    Grouped by rule id and folded into codes here (``codes``: rule id → code), which spares
    the query a join. The chunk is a slice of the sorted ids, so the query asks for their
    range (an index scan on representative) rather than a long IN list; rows of ids in the
    range but not in the chunk (inactive representatives) are dropped here.

    Art. 62 of the Representatives Law ends the seat of a representative absent twice from
    the session without leave. We count the approved "absence" entries made from an
    attendance record of an activity of kind "session" (an approved excuse makes no entry):
    entries typed in by staff, or absences from other meetings, do not count, since
    nothing ties them to a session.
    """
    wanted = set(representative_ids)
    if not wanted:
        return {}, {}
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
        .order_by()
    )
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    absences: dict[int, int] = defaultdict(int)
    for rep_id, rule_id, items, session_absences in rows:
        if rep_id not in wanted:
            continue
        per_code = counts[rep_id]
        code = codes[rule_id]
        per_code[code] = per_code.get(code, 0) + items
        absences[rep_id] += session_absences or 0
    return counts, absences


def report_fields(counts: dict[str, int], session_absences: int, table: dict) -> dict:
    """A representative's points per category, total, grade and flags."""
    rules = table["rules"]
    # What services.score does, with the scoring table built once per chunk, not per person.
    by_category = scoring.category_totals(
        table["scoring"],
        {rules[code].pk: n for code, n in counts.items() if code in rules},
        table["caps"],
    )
    total = scoring.total(by_category).quantize(ONE_DECIMAL)
    flags = []
    if session_absences >= 2:
        flags.append(FLAG_SESSION_ABSENCES)
    if by_category.get(Category.VOTERS, scoring.ZERO) <= 0:
        flags.append(FLAG_NO_VOTER_CONTACT)
    return {
        # Exact decimals as text, every category present (0.0 when nothing counted).
        "by_category": {
            category: str(by_category.get(category, scoring.ZERO).quantize(ONE_DECIMAL))
            for category in CATEGORIES
        },
        "total": total,
        # The grade depends on the total alone, so the chunk sets it; ranks wait for all.
        "grade": scoring.grade_for(total, table["bands"]),
        "flags": flags,
    }


def _insert_reports(run_id: int, year: int, rows: list[tuple[int, dict]]) -> None:
    """Insert a chunk's rows, (representative id, report fields), in one statement. On
    PostgreSQL from arrays: bulk_create spends more time preparing a county's rows than
    the database spends storing them (bench/points_year_end.py)."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        AnnualReport.objects.bulk_create(
            AnnualReport(run_id=run_id, representative_id=rep_id, year=year, **fields)
            for rep_id, fields in rows
        )
        return
    table = AnnualReport._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} "  # noqa: S608 - the table name is ours
            "(run_id, representative_id, year, by_category, total, grade, flags, "
            "rank, rank_in_level, pdf) "
            "SELECT %s, v.rep_id, %s, v.by_category::jsonb, v.total, v.grade, "
            "v.flags::jsonb, 0, 0, '' FROM unnest(%s::bigint[], %s::text[], %s::numeric[], "
            "%s::text[], %s::text[]) AS v(rep_id, by_category, total, grade, flags)",
            [
                run_id,
                year,
                [rep_id for rep_id, _fields in rows],
                [json.dumps(fields["by_category"]) for _rep_id, fields in rows],
                [fields["total"] for _rep_id, fields in rows],
                [fields["grade"] for _rep_id, fields in rows],
                [json.dumps(fields["flags"]) for _rep_id, fields in rows],
            ],
        )


def report_chunk_build(*, run_id: int, representative_ids: list[int]) -> int:
    """Write the run's rows for a chunk of representatives; returns how many (0 when the run
    is no longer active). A retried chunk replaces its own rows and counts them once."""
    run = ReportRun.objects.filter(pk=run_id, status__in=ACTIVE).values("year").first()
    if run is None:
        return 0
    year = run["year"]
    table = _year_table(year)
    counts, absences = _chunk_counts(year, representative_ids, table["codes"])
    rows = [
        (rep_id, report_fields(counts.get(rep_id, {}), absences.get(rep_id, 0), table))
        for rep_id in representative_ids
    ]
    with transaction.atomic():
        replaced, _deleted = (
            AnnualReport.objects.filter(run_id=run_id, representative_id__in=representative_ids)
            .order_by()
            .delete()
        )
        _insert_reports(run_id, year, rows)
        # Last, so that the run row stays locked only for the commit. Rows a previous
        # delivery of this chunk already wrote were counted then.
        advanced = ReportRun.objects.filter(pk=run_id, status__in=ACTIVE).update(
            status=ReportRun.Status.RUNNING, done=F("done") + (len(rows) - replaced)
        )
        if not advanced:  # failed or stopped meanwhile: write nothing
            transaction.set_rollback(True)
            return 0
    return len(rows)


def report_run_rank(*, run_id: int) -> int:
    """Rank everyone, overall and within their level (competition ranks), then start the
    PDF stage. Returns the number of reports ranked."""
    run = ReportRun.objects.filter(pk=run_id, status__in=ACTIVE).first()
    if run is None:
        return 0
    rows = list(
        AnnualReport.objects.filter(run_id=run_id)
        .order_by()
        .values_list("pk", "representative__level", "total")
    )
    if len(rows) != run.total:
        raise ReportRunIncomplete(f"run {run_id}: {len(rows)} of {run.total} reports written")
    overall = scoring.competition_ranks({pk: total for pk, _level, total in rows})
    levels: dict[str, dict[int, Decimal]] = defaultdict(dict)
    for pk, level, total in rows:
        levels[level][pk] = total
    in_level: dict[int, int] = {}
    for group in levels.values():
        in_level.update(scoring.competition_ranks(group))
    _set_ranks([(pk, overall[pk], in_level[pk]) for pk, _level, _total in rows])
    # One message: the PDF stage fans out from its own task, so that queueing its many
    # chunks is not part of the ranking (nor of the totals phase the bench measures).
    from points import tasks

    tasks.start_report_pdfs.apply_async(
        kwargs={"run_id": run_id}, task_id=task_id(run_id, "start-pdfs")
    )
    return len(rows)


def _set_ranks(ranks: list[tuple[int, int, int]]) -> None:
    """Store (report id, rank, rank within level) in one statement. On PostgreSQL an UPDATE
    from three arrays: bulk_update's CASE over a county's rows costs far more to build than
    the ranking itself (the bench measures it)."""
    if connection.vendor != "postgresql":
        AnnualReport.objects.bulk_update(
            [
                AnnualReport(pk=pk, rank=rank, rank_in_level=in_level)
                for pk, rank, in_level in ranks
            ],
            ["rank", "rank_in_level"],
            batch_size=500,
        )
        return
    table = AnnualReport._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} AS r SET rank = v.rank, rank_in_level = v.in_level "  # noqa: S608 - the table name is ours
            "FROM unnest(%s::bigint[], %s::integer[], %s::integer[]) AS v(id, rank, in_level) "
            "WHERE r.id = v.id",
            [list(column) for column in zip(*ranks, strict=True)] if ranks else [[], [], []],
        )


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
    codes = dict(PointRule.objects.values_list("pk", "code"))
    counts, _absences = _chunk_counts(run.year, [r.representative_id for r in reports], codes)
    level_sizes = dict(
        AnnualReport.objects.filter(run_id=run_id)
        .order_by()
        .values_list("representative__level")
        .annotate(n=Count("pk"))
    )
    rules = services.rules_for_year(run.year)
    caps = services.category_caps_for_year(run.year)
    written: dict[int, str] = {}
    try:
        for report in reports:
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
