"""The life of a year-end run: it is started (queued), its steps advance it (running), and it
ends done, or failed: by an error, or stopped by staff. One active run per year (a partial
unique constraint); readers see the year's last finished run.

Which task follows which is ``points/tasks.py``'s to say: a started run is announced by
``run_queued`` once its row is committed, and the tasks module, connected to it when the
app is ready, queues the first stage.
"""

import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _

from liaison.models import Representative
from liaison.people import display_name
from points.models import AnnualReport, Publication, ReportRun
from points.reports import files
from points.scoring import FIRST_YEAR

logger = logging.getLogger(__name__)

ACTIVE = (ReportRun.Status.QUEUED, ReportRun.Status.RUNNING)

# Sent once a started run's row is committed, with ``run_id`` and ``chunks`` (the active
# representatives' ids, sorted, in slices of POINTS_REPORT_CHUNK_SIZE). Tasks running in
# process build the whole run inside the send.
run_queued = Signal()


class ReportRunRefused(Exception):
    """A build that may not start; ``message`` is shown to the user as is."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class ReportRunIncomplete(Exception):
    """A later step found fewer rows than the run counts: retried, then the run fails."""


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


def is_active(run_id: int) -> bool:
    """Whether the run is still queued or running: a step of an ended run writes nothing."""
    return ReportRun.objects.filter(pk=run_id, status__in=ACTIVE).exists()


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
    transaction.on_commit(lambda: run_queued.send(sender=ReportRun, run_id=run_id, chunks=chunks))
    run.refresh_from_db()
    return run


def chunked(ids: list[int], size: int) -> list[list[int]]:
    size = max(1, int(size))
    return [ids[i : i + size] for i in range(0, len(ids), size)]


# --- the end: done, failed or stopped -----------------------------------------------------------


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
    name = files.file_save(
        run=run, extension="xlsx", content=files.workbook_bytes(run=run, reports=reports)
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
            transaction.on_commit(lambda: files.delete_files(old_files))
    if not finished:
        files.delete_files([name])
    return bool(finished)


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
        names = list(mine.exclude(pdf="").values_list("pdf", flat=True))
        mine.delete()
        transaction.on_commit(lambda: files.delete_files(names))
    return True


def report_run_stop(*, run: ReportRun, actor) -> bool:
    """Staff stop a queued or running run (a worker lost for good, say); its tasks still in
    the queue then find it inactive and write nothing."""
    name = display_name(actor)
    return report_run_fail(run_id=run.pk, error=_("Stopped by %(name)s.") % {"name": name})
