"""Celery tasks of the points app: thin wrappers around ``points/reports.py``.

The steps of a year-end run retry with backoff; the message is acknowledged only after the
step ends (acks_late) and goes back to the queue if the worker dies under it
(reject_on_worker_lost), which is safe because every step rewrites the same rows. When a
step finally fails, its run is marked failed and the year keeps its previous reports.
"""

import logging
from zoneinfo import ZoneInfo

from celery import Task, shared_task
from django.contrib.auth import get_user_model
from django.utils import timezone

from points import reports

logger = logging.getLogger(__name__)

# The beat entry fires on 1 January at 02:00 in this zone (migration 0002).
REPORT_ZONE = ZoneInfo("Asia/Shanghai")


class ReportRunStep(Task):
    """A step of a year-end run: its final failure fails the run."""

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        run_id = kwargs.get("run_id", args[0] if args else None)
        if run_id is not None:
            reports.report_run_fail(run_id=run_id, error=reports.error_text(exc))


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


@shared_task(**STEP)
def build_report_chunk(run_id: int, representative_ids: list[int]) -> int:
    return reports.report_chunk_build(run_id=run_id, representative_ids=representative_ids)


@shared_task(**STEP)
def rank_reports(run_id: int) -> int:
    return reports.report_run_rank(run_id=run_id)


@shared_task(**STEP)
def start_report_pdfs(run_id: int) -> int:
    return reports.report_pdfs_start(run_id=run_id)


@shared_task(**STEP)
def build_report_pdfs(run_id: int, report_ids: list[int]) -> int:
    return reports.report_pdf_chunk_build(run_id=run_id, report_ids=report_ids)


@shared_task(**STEP)
def finish_reports(run_id: int) -> bool:
    return reports.report_run_finish(run_id=run_id)


@shared_task(acks_late=True)
def build_year_reports(year: int, user_id: int | None = None) -> int | None:
    """Build ``year``'s reports (started by hand); returns the run's id, None if refused."""
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    try:
        return reports.annual_report_build(year=year, started_by=user).pk
    except reports.ReportRunRefused as refused:
        logger.warning("Year-end reports of %s not started: %s", year, refused.message)
        return None


@shared_task(acks_late=True)
def build_last_years_reports() -> int | None:
    """Beat, 1 January: the reports of the year that has just ended."""
    return build_year_reports(timezone.now().astimezone(REPORT_ZONE).year - 1)
