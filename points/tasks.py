"""Celery tasks of the points app: thin wrappers around the steps of ``points/reports/``, and
the one place that says which step follows which::

    run_queued ─► group(build_report_chunk × chunks)
        └ the chunk that completes the count ranks (in its step), then: start_report_pdfs
    ─► chord(build_report_pdfs × chunks) ─► finish_reports

The steps of a year-end run retry with backoff; the message is acknowledged only after the
step ends (acks_late) and goes back to the queue if the worker dies under it
(reject_on_worker_lost), which is safe because every step rewrites the same rows. When a
step finally fails, its run is marked failed and the year keeps its previous reports.
"""

import logging
from zoneinfo import ZoneInfo

from celery import Task, chord, group, shared_task
from celery.signals import worker_process_shutdown
from django.contrib.auth import get_user_model
from django.dispatch import receiver
from django.utils import timezone

from points.models import ReportRun
from points.reports import files, runs, steps

logger = logging.getLogger(__name__)

# The beat entry fires on 1 January at 02:00 in this zone (migration 0002).
REPORT_ZONE = ZoneInfo("Asia/Shanghai")


def task_id(run_id: int, step: str, index: int | None = None) -> str:
    """Stable task ids: a run's steps can be found in the result backend (the bench reads
    their completion times) and a retry keeps its id."""
    return f"points-report-{run_id}-{step}" + ("" if index is None else f"-{index}")


def error_text(exc: BaseException) -> str:
    """A step's error as the run records it."""
    inner = getattr(exc, "exc", None)  # celery's Retry wraps the step's own error
    if isinstance(inner, BaseException):
        exc = inner
    return f"{type(exc).__name__}: {exc}"[:2000]


class ReportRunStep(Task):
    """A step of a year-end run: its final failure fails the run."""

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        run_id = kwargs.get("run_id", args[0] if args else None)
        if run_id is not None:
            runs.report_run_fail(run_id=run_id, error=error_text(exc))


STEP = {
    "base": ReportRunStep,
    "autoretry_for": (Exception,),
    "retry_backoff": 2,
    "retry_backoff_max": 120,
    "retry_jitter": True,
    "max_retries": 4,
    "acks_late": True,
    "reject_on_worker_lost": True,
}


@worker_process_shutdown.connect(dispatch_uid="points_pdf_renderer_close")
def close_pdf_renderer(**kwargs) -> None:
    """A pool process leaves without running atexit: let its PDF renderer delete its copy of
    the CJK font first (points/reports/files.py)."""
    files.pdf_renderer_close()


@receiver(runs.run_queued, sender=ReportRun, dispatch_uid="points_report_run_queued")
def queue_report_totals(sender, run_id: int, chunks: list[list[int]], **kwargs) -> None:
    """A run's row is committed: queue its totals stage. Without a broker the whole run
    happens right here."""
    try:
        if not chunks:
            rank_reports.si(run_id=run_id).set(task_id=task_id(run_id, "rank")).apply_async()
            return
        group(
            build_report_chunk.si(run_id=run_id, representative_ids=ids).set(
                task_id=task_id(run_id, "totals", i)
            )
            for i, ids in enumerate(chunks)
        ).apply_async()
    except Exception as exc:  # noqa: BLE001 - recorded on the run, never left "queued"
        # Tasks running in process raise a failing step's error right here (there is no
        # worker to retry it), and an unreachable broker raises here too. Either way the
        # run must end as failed, or its year stays locked by "one active run per year".
        logger.exception("Year-end report run %s failed to run", run_id)
        runs.report_run_fail(run_id=run_id, error=error_text(exc))


def _start_pdfs(run_id: int) -> None:
    # One message: the PDF stage fans out from its own task, so that queueing its many
    # chunks is not part of the ranking (nor of the totals phase the bench measures).
    start_report_pdfs.apply_async(kwargs={"run_id": run_id}, task_id=task_id(run_id, "start-pdfs"))


@shared_task(**STEP)
def build_report_chunk(run_id: int, representative_ids: list[int]) -> int:
    built = steps.report_chunk_build(run_id=run_id, representative_ids=representative_ids)
    if built.count_complete:
        # Ranked by the step, in the chunk's own transaction, before its message is
        # acknowledged: a ranking that fails retries the chunk, which rewrites its rows and
        # ranks again.
        _start_pdfs(run_id)
    return built.rows


@shared_task(**STEP)
def rank_reports(run_id: int) -> int:
    """A run without representatives: no chunk to complete the count."""
    ranked = steps.report_run_rank(run_id=run_id)
    if ranked is None:
        return 0
    _start_pdfs(run_id)
    return ranked


@shared_task(**STEP)
def start_report_pdfs(run_id: int) -> int:
    """Queue the PDF stage: chunks of the run's reports, then the finish. Returns the
    number of chunks (0 when the run is no longer active)."""
    chunks = steps.report_pdf_chunks(run_id=run_id)
    if chunks is None:
        return 0
    body = finish_reports.si(run_id=run_id).set(task_id=task_id(run_id, "finish"))
    if not chunks:
        body.apply_async()
        return 0
    chord(
        build_report_pdfs.si(run_id=run_id, report_ids=ids).set(task_id=task_id(run_id, "pdf", i))
        for i, ids in enumerate(chunks)
    )(body)
    return len(chunks)


@shared_task(**STEP)
def build_report_pdfs(run_id: int, report_ids: list[int]) -> int:
    return steps.report_pdf_chunk_build(run_id=run_id, report_ids=report_ids)


@shared_task(**STEP)
def finish_reports(run_id: int) -> bool:
    return runs.report_run_finish(run_id=run_id)


@shared_task(acks_late=True)
def build_year_reports(year: int, user_id: int | None = None) -> int | None:
    """Build ``year``'s reports (started by hand); returns the run's id, None if refused."""
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    try:
        return runs.annual_report_build(year=year, started_by=user).pk
    except runs.ReportRunRefused as refused:
        logger.warning("Year-end reports of %s not started: %s", year, refused.message)
        return None


@shared_task(acks_late=True)
def build_last_years_reports() -> int | None:
    """Beat, 1 January: the reports of the year that has just ended."""
    return build_year_reports(timezone.now().astimezone(REPORT_ZONE).year - 1)
