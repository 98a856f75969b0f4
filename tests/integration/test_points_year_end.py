"""The year-end reports on the real services (issue #4, item 6): PostgreSQL, Redis, and real
Celery worker processes. Totals equal a plain recomputation, every PDF carries the
representative's Chinese name, the workbook's ranking matches, progress moves from 0 to
the total, a rerun replaces, and a chunk whose worker is killed is redelivered and counted
once.

Run: scripts/with-services.sh .venv/bin/pytest tests/integration/test_points_year_end.py
"""

import io
import threading
import time

import pytest
from django.core.files.storage import default_storage
from django.db import connections
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from points import reports
from points.models import AnnualReport, ReportRun
from tests.points.year_end_helpers import (
    add_items,
    ensure_default_table,
    expected_by_category,
    expected_grade,
    expected_rank,
    expected_total,
    make_representatives,
    noise,
    random_items,
)

pytestmark = [pytest.mark.celery_worker]

YEAR = timezone.localdate().year - 1
CHUNK = 10


@pytest.fixture
def worker_env(settings):
    """The worker writes where the test reads, and chunks as the test does."""
    settings.POINTS_REPORT_CHUNK_SIZE = CHUNK
    return {
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "POINTS_REPORT_CHUNK_SIZE": str(CHUNK),
        "POINTS_REPORT_PDF_CHUNK_SIZE": str(CHUNK),
    }


def seed(count):
    ensure_default_table()
    reps = make_representatives(count)
    ids = [r.pk for r in reps]
    items = random_items(ids, seed=11)
    add_items(YEAR, items)
    noise(ids, YEAR)
    return reps, items


class Observer(threading.Thread):
    """Records (status, done, pdf_done) of a run every 20 ms, from before any worker runs
    until the run ends: a worker busy with tasks may not answer the start-up ping until
    the run is over, so the test thread cannot be the one watching."""

    def __init__(self, run):
        super().__init__(daemon=True)
        self.run_id = run.pk
        self.observations = []

    def run(self):
        try:
            deadline = time.monotonic() + 240
            while time.monotonic() < deadline:
                state = ReportRun.objects.values_list("status", "done", "pdf_done").get(
                    pk=self.run_id
                )
                self.observations.append(state)
                if state[0] not in reports.ACTIVE:
                    return
                time.sleep(0.02)
        finally:
            connections.close_all()


def wait(run, observations, timeout=240):
    """Poll the run until it ends, recording (status, done, pdf_done) at each look."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run.refresh_from_db()
        observations.append((run.status, run.done, run.pdf_done))
        if run.status not in reports.ACTIVE:
            return run
        time.sleep(0.05)
    pytest.fail(f"run {run.pk} still {run.status} after {timeout} s: {observations[-1]}")


def assert_totals(run, reps, items):
    totals = {r.pk: expected_total(items[r.pk]) for r in reps}
    rows = {r.representative_id: r for r in AnnualReport.objects.filter(run=run)}
    assert set(rows) == set(totals)
    for rep in reps:
        report = rows[rep.pk]
        assert report.total == totals[rep.pk], rep.name
        assert {k: float(v) for k, v in report.by_category.items()} == {
            k: float(v) for k, v in expected_by_category(items[rep.pk]).items()
        }
        assert report.rank == expected_rank(totals[rep.pk], totals.values())
        same_level = [totals[r.pk] for r in reps if r.level == rep.level]
        assert report.rank_in_level == expected_rank(totals[rep.pk], same_level)
        assert report.grade == expected_grade(totals[rep.pk])
    return rows


def test_the_year_end_run_on_a_real_worker(celery_worker_factory, worker_env):
    reps, items = seed(40)

    run = reports.annual_report_build(year=YEAR)
    observer = Observer(run)
    observer.start()  # queued, before any worker runs: the progress starts from nothing
    celery_worker_factory(env=worker_env)
    observer.join(timeout=240)
    observations = observer.observations
    run.refresh_from_db()

    assert run.status == ReportRun.Status.DONE, run.error
    assert observations[0] == (ReportRun.Status.QUEUED, 0, 0)
    assert observations[-1] == (ReportRun.Status.DONE, 40, 40)
    dones = [o[1] for o in observations]
    pdf_dones = [o[2] for o in observations]
    assert dones == sorted(dones) and pdf_dones == sorted(pdf_dones)
    assert any(0 < n < 40 for n in pdf_dones), observations  # seen moving, not just jumping

    rows = assert_totals(run, reps, items)
    names = {r.pk: r.name for r in reps}
    for rep_id, report in rows.items():
        with default_storage.open(report.pdf.name, "rb") as handle:
            text = "".join(page.extract_text() for page in PdfReader(handle).pages)
        assert names[rep_id] in text

    with default_storage.open(run.workbook.name, "rb") as handle:
        book = load_workbook(io.BytesIO(handle.read()), read_only=True)
    ranking = list(book.worksheets[0].iter_rows(min_row=2, values_only=True))
    expected = sorted(rows.values(), key=lambda r: (r.rank, names[r.representative_id], r.pk))
    assert [(row[0], row[1], float(row[4])) for row in ranking] == [
        (r.rank, names[r.representative_id], float(r.total)) for r in expected
    ]
    book.close()

    # A rerun replaces the year's reports in one step.
    old_files = [r.pdf.name for r in rows.values()] + [run.workbook.name]
    add_items(YEAR, {reps[0].pk: {"report": 1}})
    items[reps[0].pk]["report"] = items[reps[0].pk].get("report", 0) + 1
    second = reports.annual_report_build(year=YEAR)
    wait(second, [])

    assert second.status == ReportRun.Status.DONE, second.error
    assert not AnnualReport.objects.filter(run=run).exists()
    # The worker deletes the old PDFs just after the commit that marks the run done, so the
    # test may see "done" a moment before they go: it waits for that, briefly.
    deadline = time.monotonic() + 30
    while any(default_storage.exists(n) for n in old_files[:-1]) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(default_storage.exists(name) for name in old_files[:-1])
    assert default_storage.exists(old_files[-1])  # the old workbook stays as a record
    assert reports.latest_run(YEAR) == second
    assert set(reports.year_reports(YEAR).values_list("run_id", flat=True)) == {second.pk}
    assert_totals(second, reps, items)


def test_a_killed_chunk_is_redelivered_and_counted_once(
    celery_worker_factory, worker_env, tmp_path
):
    reps, items = seed(25)
    marker = reps[12]  # in the second chunk
    flag = tmp_path / "kill-once"
    flag.touch()
    hook = ["-I", "tests.integration.points_kill_hook"]
    first = celery_worker_factory(
        env={
            **worker_env,
            "POINTS_KILL_FLAG": str(flag),
            "POINTS_KILL_REPRESENTATIVE": str(marker.pk),
        },
        args=hook,
    )

    run = reports.annual_report_build(year=YEAR)
    assert first.wait(timeout=60) == -9  # SIGKILL, in the middle of the marker's chunk
    killed_at = time.monotonic()
    assert not flag.exists()
    run.refresh_from_db()
    assert run.status == ReportRun.Status.RUNNING
    assert run.done < run.total
    assert not AnnualReport.objects.filter(run=run, representative=marker).exists()

    # The unacknowledged message goes back to the queue once the visibility timeout has
    # passed; a new worker restores such messages when it starts.
    visibility = 3
    time.sleep(max(0.0, visibility + 1 - (time.monotonic() - killed_at)))
    celery_worker_factory(env={**worker_env, "CELERY_VISIBILITY_TIMEOUT": str(visibility)})
    wait(run, [])

    assert run.status == ReportRun.Status.DONE, run.error
    assert (run.done, run.pdf_done, run.total) == (25, 25, 25)
    assert AnnualReport.objects.filter(run=run).count() == 25
    assert_totals(run, reps, items)
