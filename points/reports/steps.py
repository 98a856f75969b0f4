"""The steps of a year-end run, each called by one task of ``points/tasks.py``::

    report_chunk_build × chunks (the chunk that completes the count ranks everyone)
    ─► report_pdf_chunks ─► report_pdf_chunk_build × chunks ─► runs.report_run_finish

Every step may be retried or redelivered: it rewrites the same rows and counts them once,
and a step of a run that is no longer active (failed, stopped) writes nothing. A step
returns what its task needs to choose the next one; it queues nothing itself.
"""

from typing import NamedTuple

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, F
from django.utils import timezone

from points import services
from points.models import AnnualReport, ReportRun
from points.reports import files, totals
from points.reports.runs import ACTIVE, ReportRunIncomplete, chunked, is_active

# A chunk of PDFs checks every so many reports that its run still goes on, so that a run
# staff stop stops rendering within seconds.
PDF_STOP_CHECK = 5


class ChunkBuilt(NamedTuple):
    """What a chunk of totals wrote: its rows (0 when the run is no longer active), and
    whether they completed the run's count, so that everyone may be ranked now."""

    rows: int
    count_complete: bool


# --- stage 1: totals, then ranks ---------------------------------------------------------------


def report_chunk_build(*, run_id: int, representative_ids: list[int]) -> ChunkBuilt:
    """Write the run's rows for a chunk of representatives. A retried chunk replaces its own
    rows and counts them once.

    The chunk whose rows complete the count ranks everyone in its own transaction and says
    so, and its task starts the PDFs: no chord, so no extra hop through the broker and no
    chord counter to keep (a redelivered chunk that finds the count complete ranks again,
    which gives the same ranks)."""
    run = ReportRun.objects.filter(pk=run_id, status__in=ACTIVE).values("year").first()
    if run is None:
        return ChunkBuilt(0, False)
    year = run["year"]
    rows = totals.chunk_reports(year, representative_ids)
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
        totals.insert_reports(run_id, year, rows)
        # Last, so that the run row stays locked only for the commit. Rows a previous
        # delivery of this chunk already wrote were counted then.
        advanced = _count_done(run_id, len(rows) - replaced)
        if advanced is None:  # failed or stopped meanwhile: write nothing
            transaction.set_rollback(True)
            return ChunkBuilt(0, False)
        # The run row is ours until the commit: the count includes every chunk committed
        # before, and a chunk committing after ours sees ours.
        done, total = advanced
        if done >= total:
            # Everyone is counted, and every other chunk's rows are committed: rank them
            # here, in this transaction, rather than in one of its own after it (the
            # totals phase's last step; bench/points_year_end.py).
            _rank_and_stamp(run_id, total)
    return ChunkBuilt(len(rows), done >= total)


def _count_done(run_id: int, rows: int) -> tuple[int, int] | None:
    """Add a chunk's new rows to its active run's count, in one statement; returns the run's
    (done, total) after it, None when the run is no longer active."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {ReportRun._meta.db_table} SET status = %s, done = done + %s "  # noqa: S608 - the table name is ours
            "WHERE id = %s AND status IN (%s, %s) RETURNING done, total",
            [ReportRun.Status.RUNNING, rows, run_id, *ACTIVE],
        )
        return cursor.fetchone()


def report_run_rank(*, run_id: int) -> int | None:
    """Rank everyone, overall and within their level, and stamp the run: the PDF stage may
    start. Returns the number of reports ranked; None when the run is no longer active."""
    run = ReportRun.objects.filter(pk=run_id, status__in=ACTIVE).values("total").first()
    if run is None:
        return None
    with transaction.atomic():
        ranked = _rank_and_stamp(run_id, run["total"])
        if ranked is None:
            transaction.set_rollback(True)
    return ranked


def _rank_and_stamp(run_id: int, total: int) -> int | None:
    """In the caller's transaction: rank the run's reports and stamp its ranked_at; the
    number ranked, None when the run is no longer active (the caller rolls back)."""
    ranked = totals.set_ranks(run_id)
    if ranked != total:
        raise ReportRunIncomplete(f"run {run_id}: {ranked} of {total} reports written")
    stamped = ReportRun.objects.filter(pk=run_id, status__in=ACTIVE).update(
        status=ReportRun.Status.RUNNING, ranked_at=timezone.now()
    )
    return ranked if stamped else None


# --- stage 2: one PDF per representative (the county workbook is the run's finish) -------------


def report_pdf_chunks(*, run_id: int) -> list[list[int]] | None:
    """The run's reports in chunks of POINTS_REPORT_PDF_CHUNK_SIZE ids, one PDF task each;
    None when the run is no longer active."""
    if not is_active(run_id):
        return None
    report_ids = list(
        AnnualReport.objects.filter(run_id=run_id).order_by("pk").values_list("pk", flat=True)
    )
    return chunked(report_ids, settings.POINTS_REPORT_PDF_CHUNK_SIZE)


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
    counts, _absences = totals.chunk_counts(run.year, [r.representative_id for r in reports], codes)
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
            if n and n % PDF_STOP_CHECK == 0 and not is_active(run_id):
                # Stopped or failed meanwhile: no point rendering the rest.
                files.delete_files(written.values())
                return 0
            pdf = files.report_pdf_render(
                report=report,
                run=run,
                lines=totals.report_lines(counts.get(report.representative_id, {}), rules),
                caps=caps,
                level_size=level_sizes.get(report.representative.level, 0),
            )
            written[report.pk] = files.file_save(run=run, extension="pdf", content=pdf)
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
        files.delete_files(written.values())
        raise
    if not advanced:
        files.delete_files(written.values())
        return 0
    if written:
        files.settle_heap()
    # Files a previous delivery wrote, and files of rows a failed run deleted meanwhile.
    files.delete_files([name for name in current.values() if name])
    files.delete_files([name for pk, name in written.items() if pk not in current])
    return len(current)
