"""The year-end reports (issue #4, item 6), with tasks run in process: totals equal a plain
recomputation, ranks with ties, grades and the flags the law asks for, a rerun replaces, a
second run of a year is refused, a failing chunk fails the run and keeps the previous
reports, the command's exit codes, and the staff pages (access, progress, query counts).

The same build on PostgreSQL, Redis and a real worker: tests/integration/test_points_year_end.py.
"""

import ast
import io
import random
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import OperationalError, transaction
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from liaison.models import Activity, Representative, StaffScope
from points import reports, scoring, services, tasks
from points.models import AnnualReport, Attendance, Publication, ReportRun
from points.reports import files, runs, steps, totals
from tests.base import make_county_staff, make_town, make_user
from tests.helpers import tr
from tests.points.year_end_helpers import (
    add_items,
    chinese_name,
    expected_by_category,
    expected_grade,
    expected_rank,
    expected_total,
    make_representatives,
    noise,
    random_items,
)
from tests.second_factor import SECOND_FACTOR

pytestmark = pytest.mark.django_db

YEAR = timezone.localdate().year - 1
COUNTY = Representative.Level.COUNTY
TOWNSHIP = Representative.Level.TOWNSHIP


@pytest.fixture(autouse=True)
def _stub_pdfs(request, monkeypatch):
    """WeasyPrint takes a fifth of a second per page: most tests only need a file. The
    tests that ask for ``real_pdfs`` render the real thing."""
    if "real_pdfs" not in request.fixturenames:
        monkeypatch.setattr(
            files,
            "report_pdf_render",
            lambda *, report, **kw: f"%PDF-1.4 {report.representative_id}".encode(),
        )


@pytest.fixture
def build(django_capture_on_commit_callbacks):
    """Start a build and let its commit hooks run, as a real commit would."""

    def _build(year=YEAR, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            run = reports.annual_report_build(year=year, **kwargs)
        run.refresh_from_db()
        return run

    return _build


@pytest.fixture
def commit_at_once(monkeypatch):
    """For code that waits for the run inside the call (the command): commit hooks run at
    once, since the test's transaction never commits."""
    monkeypatch.setattr(transaction, "on_commit", lambda func, using=None, robust=False: func())


def by_rep(run):
    return {r.representative_id: r for r in AnnualReport.objects.filter(run=run)}


# --- the figures ------------------------------------------------------------------------------


def test_it_builds_totals_equal_to_an_independent_recomputation(build):
    reps = make_representatives(14)
    items = random_items([r.pk for r in reps])
    add_items(YEAR, items)
    noise([r.pk for r in reps], YEAR)
    inactive = make_representatives(1, start=90)[0]
    inactive.is_active = False
    inactive.save(update_fields=["is_active"])

    run = build()

    assert run.status == ReportRun.Status.DONE, run.error
    assert (run.total, run.done, run.pdf_done) == (14, 14, 14)
    rows = by_rep(run)
    assert set(rows) == {r.pk for r in reps}  # active representatives only
    totals = {r.pk: expected_total(items[r.pk]) for r in reps}
    for rep in reps:
        report = rows[rep.pk]
        expected = expected_by_category(items[rep.pk])
        assert {k: Decimal(v) for k, v in report.by_category.items()} == expected
        assert report.total == totals[rep.pk]
        assert report.grade == expected_grade(totals[rep.pk])
        assert report.rank == expected_rank(totals[rep.pk], totals.values())
        same_level = [totals[r.pk] for r in reps if r.level == rep.level]
        assert report.rank_in_level == expected_rank(totals[rep.pk], same_level)
        assert report.year == YEAR
        assert default_storage.exists(report.pdf.name)
    assert run.workbook and default_storage.exists(run.workbook.name)


def test_its_workbook_holds_the_ranking_and_the_table_per_category(build):
    reps = make_representatives(6)
    add_items(YEAR, random_items([r.pk for r in reps], seed=9))
    reps[0].name = "=HYPERLINK(1)"  # a name is text in the workbook, never a formula
    reps[0].save(update_fields=["name"])

    run = build()

    with default_storage.open(run.workbook.name, "rb") as handle:
        book = load_workbook(io.BytesIO(handle.read()))
    ranking, table = book.worksheets
    rows = list(ranking.iter_rows(min_row=2, values_only=True))
    reports_in_order = list(
        AnnualReport.objects.filter(run=run)
        .select_related("representative")
        .order_by("rank", "representative__name", "pk")
    )
    assert [(row[0], row[1], Decimal(str(row[4]))) for row in rows] == [
        (r.rank, r.representative.name, r.total) for r in reports_in_order
    ]
    formula_like = [
        c for row in ranking.iter_rows(min_row=2) for c in row if c.value == reps[0].name
    ]
    assert [c.data_type for c in formula_like] == ["s"]
    per_category = list(table.iter_rows(min_row=2, values_only=True))
    assert len(per_category) == 6
    for row, report in zip(per_category, reports_in_order, strict=True):
        assert row[1] == report.representative.name
        assert [Decimal(str(v)) for v in row[3:10]] == [
            Decimal(report.by_category[c])
            for c in [
                "meetings",
                "training",
                "inspection",
                "proposals",
                "voters",
                "deeds",
                "reporting",
            ]
        ]
        assert Decimal(str(row[10])) == report.total


def test_it_ranks_ties_alike_overall_and_within_the_level(build):
    a, b, d = make_representatives(3, start=10)  # county, county, county
    c, e = make_representatives(2, start=20)
    for rep in (c, e):
        rep.level = TOWNSHIP
        rep.save(update_fields=["level"])
    add_items(
        YEAR,
        {
            a.pk: {"session": 1, "duty": 2},  # 15 + 6 = 21
            b.pk: {"session": 1, "duty": 2},  # 21
            c.pk: {"session": 1, "duty": 2},  # 21
            d.pk: {"session": 1},  # 15
            e.pk: {"duty": 1},  # 4
        },
    )

    run = build()

    rows = by_rep(run)
    assert [rows[r.pk].total for r in (a, b, c, d, e)] == [21, 21, 21, 15, 4]
    assert [rows[r.pk].rank for r in (a, b, c, d, e)] == [1, 1, 1, 4, 5]
    assert [rows[r.pk].rank_in_level for r in (a, b, d)] == [1, 1, 3]
    assert [rows[r.pk].rank_in_level for r in (c, e)] == [1, 2]


def test_it_grades_by_the_default_bands(build):
    reps = make_representatives(4, start=30)
    add_items(
        YEAR,
        {
            # 15 + 10 + 8 + 12 + 12 + 3 + 12 + 8 + 5 = 85
            reps[0].pk: {
                "session": 1,
                "meeting": 5,
                "training": 4,
                "inspection": 4,
                "proposal": 4,
                "cosign": 3,
                "duty": 5,
                "concern": 8,
                "report": 1,
            },
            # 15 + 10 + 8 + 12 + 6 + 1 + 12 + 8 + 7 + 5 = 84
            reps[1].pk: {
                "session": 1,
                "meeting": 5,
                "training": 4,
                "inspection": 4,
                "proposal": 1,
                "cosign": 1,
                "duty": 5,
                "concern": 8,
                "deed": 3,
                "report": 1,
            },
            reps[2].pk: {"session": 1, "meeting": 5, "duty": 5, "concern": 8},  # 45
            reps[3].pk: {"session": 1, "meeting": 5, "duty": 5, "concern": 7},  # 44
        },
    )

    run = build()

    rows = by_rep(run)
    assert [rows[r.pk].total for r in reps] == [85, 84, 45, 44]
    assert [rows[r.pk].grade for r in reps] == ["优秀", "合格", "基本合格", "不合格"]


def _absent(rep, kind, on):
    activity = Activity.objects.create(kind=kind, title=f"{kind} {on}", date=on)
    attendance = Attendance.objects.create(
        activity=activity, representative=rep, status=Attendance.Status.ABSENT
    )
    services.attendance_sync(attendance=attendance)


def test_it_flags_two_unexcused_absences_from_the_session_and_no_contact_with_voters(build):
    twice, meetings, once, excused = make_representatives(4, start=40)
    for rep in (twice, meetings, once, excused):
        add_items(YEAR, {rep.pk: {"duty": 1}})
    _absent(twice, Activity.Kind.SESSION, date(YEAR, 1, 10))
    _absent(twice, Activity.Kind.SESSION, date(YEAR, 9, 10))
    _absent(meetings, Activity.Kind.STANDING_MEETING, date(YEAR, 3, 1))
    _absent(meetings, Activity.Kind.STANDING_MEETING, date(YEAR, 4, 1))
    _absent(once, Activity.Kind.SESSION, date(YEAR, 1, 10))
    for on in (date(YEAR, 5, 1), date(YEAR, 6, 1)):
        other = Activity.objects.create(kind=Activity.Kind.SESSION, title="s", date=on)
        attendance = Attendance.objects.create(
            activity=other,
            representative=excused,
            status=Attendance.Status.EXCUSED,
            excuse="住院",
            excuse_approved=True,
        )
        services.attendance_sync(attendance=attendance)
    silent = make_representatives(1, start=50)[0]
    add_items(YEAR, {silent.pk: {"session": 1}})

    run = build()

    rows = by_rep(run)
    assert rows[twice.pk].flags == [reports.FLAG_SESSION_ABSENCES]
    assert rows[twice.pk].by_category["meetings"] == "-10.0"
    assert rows[meetings.pk].flags == []
    assert rows[once.pk].flags == []
    assert rows[excused.pk].flags == []
    assert rows[silent.pk].flags == [reports.FLAG_NO_VOTER_CONTACT]
    assert reports.flag_labels(rows[twice.pk].flags) == [
        str(reports.FLAG_LABELS[reports.FLAG_SESSION_ABSENCES])
    ]


@pytest.fixture
def real_pdfs():
    """WeasyPrint, for real."""


def test_each_pdf_holds_the_representatives_chinese_name(build, real_pdfs):
    from pypdf import PdfReader

    reps = make_representatives(2, start=60)
    add_items(YEAR, {reps[0].pk: {"session": 1, "deed": 2}})

    run = build()

    for report in AnnualReport.objects.filter(run=run).select_related("representative"):
        with default_storage.open(report.pdf.name, "rb") as handle:
            text = "".join(page.extract_text() for page in PdfReader(handle).pages)
        assert report.representative.name in text
        assert "出席人民代表大会会议" in text  # the rule names, Chinese data


# --- reruns, refusals, failures ---------------------------------------------------------------


def test_a_rerun_replaces_the_years_reports(build):
    reps = make_representatives(3, start=70)
    add_items(YEAR, {reps[0].pk: {"session": 1}})
    first = build()
    first_files = [r.pdf.name for r in AnnualReport.objects.filter(run=first)]
    add_items(YEAR, {reps[1].pk: {"session": 1, "inspection": 2}})

    second = build()

    assert second.status == ReportRun.Status.DONE
    assert not AnnualReport.objects.filter(run=first).exists()
    assert not any(default_storage.exists(name) for name in first_files)
    assert reports.latest_run(YEAR) == second
    year = {r.representative_id: r.total for r in reports.year_reports(YEAR)}
    assert year == {reps[0].pk: 15, reps[1].pk: 23, reps[2].pk: 0}
    # the first run's workbook stays, the record of what was built then
    first.refresh_from_db()
    assert first.status == ReportRun.Status.DONE and first.workbook


def test_a_rerun_keeps_the_rows_a_publication_pins(build):
    rep = make_representatives(1, start=75)[0]
    add_items(YEAR, {rep.pk: {"session": 1}})
    first = build()
    Publication.objects.create(year=YEAR, run=first, published_by=make_user())
    add_items(YEAR, {rep.pk: {"duty": 1}})

    second = build()

    assert AnnualReport.objects.get(run=first).total == 15  # still what the public sees
    assert [r.total for r in reports.year_reports(YEAR)] == [19]
    assert reports.latest_run(YEAR) == second


def test_a_second_run_of_a_year_is_refused_while_one_is_active(build):
    make_representatives(2, start=80)
    active = ReportRun.objects.create(year=YEAR, status=ReportRun.Status.RUNNING, total=2)

    with pytest.raises(reports.ReportRunRefused) as refused:
        reports.annual_report_build(year=YEAR)

    assert str(YEAR) in refused.value.message
    assert list(ReportRun.objects.filter(year=YEAR)) == [active]
    other = build(year=YEAR - 1)  # another year is free
    assert other.status == ReportRun.Status.DONE


def test_a_year_without_a_table_or_in_the_future_is_refused():
    for year in (1999, timezone.localdate().year + 1):
        with pytest.raises(reports.ReportRunRefused):
            reports.annual_report_build(year=year)
    assert not ReportRun.objects.exists()


def test_a_failing_chunk_fails_the_run_and_keeps_the_previous_reports(build, monkeypatch, settings):
    settings.POINTS_REPORT_CHUNK_SIZE = 2
    reps = make_representatives(5, start=100)
    add_items(YEAR, {r.pk: {"session": 1} for r in reps})
    first = build()
    add_items(YEAR, {r.pk: {"deed": 1} for r in reps})
    add_items(YEAR, {reps[3].pk: {"report": 1}})  # the marker of the chunk that fails
    real_fields = totals.report_fields
    marker = services.rules_for_year(YEAR)["report"].pk  # counts are by rule in force

    def failing(counts, session_absences, table):
        if marker in counts:
            raise OperationalError("the database went away")
        return real_fields(counts, session_absences, table)

    monkeypatch.setattr(totals, "report_fields", failing)

    second = build()

    assert second.status == ReportRun.Status.FAILED
    assert "OperationalError: the database went away" in second.error
    assert second.finished_at is not None
    assert not AnnualReport.objects.filter(run=second).exists()  # chunk 1 wrote, then went
    assert reports.latest_run(YEAR) == first
    assert {r.total for r in reports.year_reports(YEAR)} == {15}
    # the year is not left locked
    monkeypatch.setattr(totals, "report_fields", real_fields)
    assert build().status == ReportRun.Status.DONE


def test_a_step_that_finally_fails_in_a_worker_fails_its_run():
    run = ReportRun.objects.create(year=YEAR, status=ReportRun.Status.RUNNING, total=1)

    tasks.build_report_chunk.on_failure(
        OperationalError("gone"), "task-id", (), {"run_id": run.pk, "representative_ids": [1]}, None
    )

    run.refresh_from_db()
    assert run.status == ReportRun.Status.FAILED
    assert run.error == "OperationalError: gone"


def test_an_unreachable_broker_fails_the_run_rather_than_locking_the_year(build, monkeypatch):
    make_representatives(2, start=110)

    def unreachable(*args, **kwargs):
        raise ConnectionRefusedError("broker down")

    monkeypatch.setattr(tasks.build_report_chunk, "si", unreachable)
    run = build()

    assert run.status == ReportRun.Status.FAILED
    assert "broker down" in run.error


def test_a_redelivered_chunk_rewrites_its_rows_and_counts_them_once():
    reps = make_representatives(3, start=120)
    add_items(YEAR, {reps[0].pk: {"session": 1}})
    run = ReportRun.objects.create(year=YEAR, total=4)  # a fourth is in another chunk
    ids = [r.pk for r in reps]

    assert reports.report_chunk_build(run_id=run.pk, representative_ids=ids) == (3, False)
    assert reports.report_chunk_build(run_id=run.pk, representative_ids=ids) == (3, False)

    run.refresh_from_db()
    assert (run.status, run.done, run.ranked_at) == (ReportRun.Status.RUNNING, 3, None)
    assert AnnualReport.objects.filter(run=run).count() == 3


def test_the_chunk_that_completes_the_count_ranks_and_starts_the_pdfs(monkeypatch):
    reps = make_representatives(3, start=140)
    add_items(YEAR, {reps[0].pk: {"session": 1}, reps[1].pk: {"duty": 1}})
    run = ReportRun.objects.create(year=YEAR, total=3)
    started = []
    monkeypatch.setattr(
        tasks.start_report_pdfs, "apply_async", lambda **kwargs: started.append(kwargs)
    )

    assert tasks.build_report_chunk(run_id=run.pk, representative_ids=[reps[0].pk]) == 1
    run.refresh_from_db()
    assert (run.done, run.ranked_at, started) == (1, None, [])  # not everyone yet
    assert tasks.build_report_chunk(run_id=run.pk, representative_ids=[r.pk for r in reps[1:]])

    run.refresh_from_db()
    assert (run.status, run.done) == (ReportRun.Status.RUNNING, 3)
    assert run.ranked_at is not None
    assert [kwargs["kwargs"] for kwargs in started] == [{"run_id": run.pk}]
    assert [by_rep(run)[r.pk].rank for r in reps] == [1, 2, 3]
    # Redelivered after it ranked: the same ranks again, and the PDF stage once more (its
    # steps count every PDF once).
    assert tasks.build_report_chunk(run_id=run.pk, representative_ids=[reps[2].pk]) == 1
    assert [by_rep(run)[r.pk].rank for r in reps] == [1, 2, 3]
    assert len(started) == 2
    # The step itself queues nothing: it tells its task that the count is complete.
    assert reports.report_chunk_build(run_id=run.pk, representative_ids=[reps[2].pk]) == (1, True)
    assert len(started) == 2


def test_the_ranks_the_database_computes_are_the_scoring_modules_competition_ranks():
    """The ranking step ranks in SQL (RANK() OVER …); points.scoring.competition_ranks is the
    rule. Many ties, two levels, negative totals: the same answers."""
    rng = random.Random(11)
    reps = make_representatives(40, start=200)
    run = ReportRun.objects.create(year=YEAR, total=40)
    AnnualReport.objects.bulk_create(
        AnnualReport(
            run=run,
            representative=rep,
            year=YEAR,
            total=Decimal(rng.choice(["-5", "0", "4.5", "15", "15", "21", "21", "60"])),
        )
        for rep in reps
    )
    other = ReportRun.objects.create(year=YEAR - 1, total=1)  # another run: left alone
    AnnualReport.objects.create(run=other, representative=reps[0], year=YEAR - 1, total=99)

    assert totals.set_ranks(run.pk) == 40

    rows = by_rep(run)
    by_total = {rep.pk: rows[rep.pk].total for rep in reps}
    assert {pk: rows[pk].rank for pk in by_total} == scoring.competition_ranks(by_total)
    for level in (COUNTY, TOWNSHIP):
        group = {rep.pk: by_total[rep.pk] for rep in reps if rep.level == level}
        assert {pk: rows[pk].rank_in_level for pk in group} == scoring.competition_ranks(group)
    assert AnnualReport.objects.get(run=other).rank == 0


def test_a_stopped_run_stops_rendering_its_pdfs(build, monkeypatch, settings):
    settings.POINTS_REPORT_PDF_CHUNK_SIZE = 20
    make_representatives(12, start=160)
    rendered = []
    real_render = files.report_pdf_render

    def render_then_stop(**kwargs):
        rendered.append(kwargs["report"].pk)
        if len(rendered) == 3:  # staff stop the run while its PDFs are being rendered
            ReportRun.objects.filter(pk=kwargs["run"].pk).update(status=ReportRun.Status.FAILED)
        return real_render(**kwargs)

    monkeypatch.setattr(files, "report_pdf_render", render_then_stop)

    run = build()

    assert run.status == ReportRun.Status.FAILED
    assert len(rendered) == steps.PDF_STOP_CHECK  # then it checked, and stopped
    assert run.pdf_done == 0
    folder = f"reports/{YEAR}/{run.pk}"  # the PDFs it had rendered are deleted
    assert not default_storage.exists(folder) or default_storage.listdir(folder)[1] == []


def test_a_chunk_of_a_stopped_run_writes_nothing():
    reps = make_representatives(2, start=130)
    run = ReportRun.objects.create(year=YEAR, total=2)
    assert reports.report_run_stop(run=run, actor=make_user())

    built = reports.report_chunk_build(run_id=run.pk, representative_ids=[r.pk for r in reps])
    assert built == (0, False)

    run.refresh_from_db()
    assert (run.status, run.done) == (ReportRun.Status.FAILED, 0)
    assert not AnnualReport.objects.filter(run=run).exists()


def test_a_year_without_representatives_still_finishes(build):
    run = build()
    assert (run.status, run.total) == (ReportRun.Status.DONE, 0)
    assert run.workbook


# --- entry points: tasks and the command --------------------------------------------------------


def test_the_tasks_module_listens_for_started_runs_and_the_reports_never_import_it():
    """The canvas (which task follows which) is points/tasks.py's alone: the reports modules
    announce a started run and return what the next hop needs, so they import no task."""
    assert reports.run_queued.has_listeners(ReportRun)
    folder = Path(reports.__file__).parent
    for module in sorted(folder.glob("*.py")):
        for node in ast.walk(ast.parse(module.read_text())):
            if isinstance(node, ast.ImportFrom):
                names = [f"{node.module}.{alias.name}" for alias in node.names]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            assert not [n for n in names if n.startswith(("points.tasks", "celery"))], module


def test_the_beat_task_builds_the_year_just_ended_in_shanghai(monkeypatch, commit_at_once):
    make_representatives(1, start=140)
    # 17:00 UTC on 31 December is already 01:00 on 1 January in Zhashui.
    new_year = datetime(YEAR, 12, 31, 17, 0, tzinfo=UTC)
    monkeypatch.setattr(tasks.timezone, "now", lambda: new_year)

    run_id = tasks.build_last_years_reports.delay().get()

    assert ReportRun.objects.get(pk=run_id).year == YEAR


def test_the_year_task_records_who_started_it_and_returns_none_when_refused(commit_at_once):
    user = make_user(staff=True)
    run_id = tasks.build_year_reports.delay(YEAR, user.pk).get()
    run = ReportRun.objects.get(pk=run_id)
    assert (run.started_by, run.status) == (user, ReportRun.Status.DONE)

    ReportRun.objects.create(year=YEAR - 1, status=ReportRun.Status.QUEUED)
    assert tasks.build_year_reports.delay(YEAR - 1).get() is None


def test_the_command_builds_the_year_and_prints_its_progress(commit_at_once):
    make_representatives(3, start=150)
    out = io.StringIO()

    call_command("build_annual_reports", str(YEAR), stdout=out)

    run = ReportRun.objects.get(year=YEAR)
    assert run.status == ReportRun.Status.DONE
    text = out.getvalue()
    assert f"{run.pk}" in text and "3/3" in text


def test_the_command_exits_non_zero_when_refused(commit_at_once):
    ReportRun.objects.create(year=YEAR, status=ReportRun.Status.RUNNING)

    with pytest.raises(CommandError) as refused:
        call_command("build_annual_reports", str(YEAR), stdout=io.StringIO())

    assert refused.value.returncode == 1
    assert str(YEAR) in str(refused.value)


def test_the_command_exits_non_zero_when_the_run_fails(commit_at_once, monkeypatch):
    make_representatives(1, start=160)

    def broken(**kwargs):
        raise OperationalError("disk full")

    monkeypatch.setattr(runs, "report_run_finish", broken)

    with pytest.raises(CommandError) as failed:
        call_command("build_annual_reports", str(YEAR), stdout=io.StringIO())

    assert failed.value.returncode == 1
    assert "disk full" in str(failed.value)
    assert ReportRun.objects.get(year=YEAR).status == ReportRun.Status.FAILED


# --- staff pages ------------------------------------------------------------------------------


def _urls(run, report=None):
    urls = [
        reverse("points:staff_report_runs"),
        reverse("points:staff_report_run", args=[run.pk]),
        reverse("points:staff_report_workbook", args=[run.pk]),
    ]
    if report is not None:
        urls.append(reverse("points:staff_report_pdf", args=[run.pk, report.pk]))
    return urls


def test_only_county_staff_see_the_report_pages(client, build):
    make_representatives(1, start=170)
    run = build()
    report = AnnualReport.objects.get(run=run)
    town_staff = make_user(staff=True)
    StaffScope.objects.create(user=town_staff, level=StaffScope.Level.TOWN, town=make_town())
    not_staff_county = make_user()  # a county scope without the admin's staff flag
    StaffScope.objects.create(user=not_staff_county, level=StaffScope.Level.COUNTY)
    plain_staff = make_user(staff=True)

    for url in _urls(run, report):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
    for user in (town_staff, not_staff_county, plain_staff):
        client.force_login(user)
        for url in _urls(run, report):
            assert client.get(url).status_code == 404, (user, url)
        assert client.post(reverse("points:staff_report_runs"), {"year": YEAR}).status_code == 404
        stop = reverse("points:staff_report_run_stop", args=[run.pk])
        assert client.post(stop).status_code == 404
    assert ReportRun.objects.count() == 1
    for user in (make_county_staff(), make_user(superuser=True)):
        client.force_login(user)
        for url in _urls(run, report):
            assert client.get(url).status_code == 200, (user, url)


def test_the_files_are_served_to_staff_only_with_their_types(client, build):
    make_representatives(1, start=180)
    run = build()
    report = AnnualReport.objects.get(run=run)
    client.force_login(make_county_staff())

    pdf = client.get(reverse("points:staff_report_pdf", args=[run.pk, report.pk]))
    workbook = client.get(reverse("points:staff_report_workbook", args=[run.pk]))

    assert pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    assert pdf["Cache-Control"] == "private, no-store"
    assert workbook["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in workbook["Content-Disposition"]
    other = ReportRun.objects.create(year=YEAR - 1, status=ReportRun.Status.DONE)
    assert (
        client.get(reverse("points:staff_report_pdf", args=[other.pk, report.pk])).status_code
        == 404
    )
    assert client.get(reverse("points:staff_report_workbook", args=[other.pk])).status_code == 404


def test_county_staff_build_a_year_from_the_page(client, django_capture_on_commit_callbacks):
    make_representatives(2, start=190)
    user = make_county_staff()
    client.force_login(user)

    page = client.get(reverse("points:staff_report_runs"))
    assert page.status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("points:staff_report_runs"), {"year": YEAR})

    run = ReportRun.objects.get(year=YEAR)
    assert response.status_code == 302
    assert response["Location"] == reverse("points:staff_report_run", args=[run.pk])
    assert run.started_by == user
    assert run.status == ReportRun.Status.DONE
    listing = client.get(reverse("points:staff_report_runs")).content.decode()
    assert reverse("points:staff_report_run", args=[run.pk]) in listing


def test_a_refused_build_says_why_with_409(client):
    client.force_login(make_county_staff())
    ReportRun.objects.create(year=YEAR, status=ReportRun.Status.RUNNING)

    response = client.post(reverse("points:staff_report_runs"), {"year": YEAR})

    assert response.status_code == 409
    assert str(YEAR) in response.content.decode()
    assert ReportRun.objects.filter(year=YEAR).count() == 1
    assert client.post(reverse("points:staff_report_runs"), {"year": "x"}).status_code == 400


def test_the_run_page_shows_progress_and_reloads_while_it_runs(client):
    client.force_login(make_county_staff())
    run = ReportRun.objects.create(
        year=YEAR, status=ReportRun.Status.RUNNING, total=40, done=25, pdf_done=10
    )

    html = client.get(reverse("points:staff_report_run", args=[run.pk])).content.decode()

    assert '<meta http-equiv="refresh" content="2">' in html
    assert 'id="progress-totals" max="40" value="25"' in html
    assert 'id="progress-pdfs" max="40" value="10"' in html
    assert "25/40" in html and "10/40" in html
    assert reverse("points:staff_report_run_stop", args=[run.pk]) in html


def test_staff_stop_a_stuck_run(client):
    client.force_login(make_county_staff())
    run = ReportRun.objects.create(year=YEAR, status=ReportRun.Status.RUNNING, total=4)

    response = client.post(reverse("points:staff_report_run_stop", args=[run.pk]))

    assert response.status_code == 302
    run.refresh_from_db()
    assert run.status == ReportRun.Status.FAILED
    assert client.get(reverse("points:staff_report_run_stop", args=[run.pk])).status_code == 405
    # Its own word for it, not a notice's "send failed" (发送失败).
    page = client.get(reverse("points:staff_report_run", args=[run.pk])).content.decode()
    assert "<h2>失败</h2>" in page and "发送失败" not in page


def _finished_run(count):
    reps = make_representatives(count, start=200)
    run = ReportRun.objects.create(
        year=YEAR,
        status=ReportRun.Status.DONE,
        total=count,
        done=count,
        pdf_done=count,
        finished_at=timezone.now(),
    )
    run.workbook = default_storage.save("reports/t/book.xlsx", ContentFile(b"xlsx"))
    run.save(update_fields=["workbook"])
    AnnualReport.objects.bulk_create(
        AnnualReport(
            run=run,
            representative=rep,
            year=YEAR,
            total=Decimal(i),
            rank=count - i,
            rank_in_level=1,
            grade="合格",
            flags=[reports.FLAG_NO_VOTER_CONTACT],
            pdf=f"reports/t/{i}.pdf",
        )
        for i, rep in enumerate(reps)
    )
    return run


# session and user; the staff scope, the representative profile and the handling units
# (roles_for); the run, the year's latest run, the count and the page of reports; the
# user's and the groups' permissions for the admin's frame; the county staff's second factor
RUN_PAGE_QUERIES = 2 + 3 + 4 + 2 + SECOND_FACTOR


@pytest.mark.parametrize("count", [1, 50])
def test_the_run_page_runs_in_constant_queries(client, django_assert_num_queries, count):
    run = _finished_run(count)
    client.force_login(make_county_staff())

    with django_assert_num_queries(RUN_PAGE_QUERIES):
        response = client.get(reverse("points:staff_report_run", args=[run.pk]))

    html = response.content.decode()
    assert html.count(f"/staff/points/reports/{run.pk}/pdf/") == count
    assert 'http-equiv="refresh"' not in html
    assert reverse("points:staff_report_workbook", args=[run.pk]) in html
    assert html.count(str(reports.FLAG_LABELS[reports.FLAG_NO_VOTER_CONTACT])) == count


def test_the_admin_index_links_to_the_reports_for_county_staff_only(client):
    client.force_login(make_county_staff())
    url = reverse("points:staff_report_runs")
    assert url in client.get(reverse("admin:index")).content.decode()
    town_staff = make_user(staff=True)
    StaffScope.objects.create(user=town_staff, level=StaffScope.Level.TOWN, town=make_town())
    client.force_login(town_staff)
    assert url not in client.get(reverse("admin:index")).content.decode()


def test_the_pages_speak_the_portals_language(client, build):
    run = build()
    client.force_login(make_county_staff())
    html = client.get(reverse("points:staff_report_runs")).content.decode()
    assert tr("Build a year's reports") in html
    # A run's columns are its own words, not those of a concern's handling (办理进度, 已办理).
    assert '<th scope="col">进度</th>' in html and '<th scope="col">完成时间</th>' in html
    assert "办理" not in html
    page = client.get(reverse("points:staff_report_run", args=[run.pk])).content.decode()
    assert "完成时间" in page and "总分与排名完成时间" in page and "办理" not in page


def test_the_seeded_names_are_distinct():
    names = [chinese_name(i) for i in range(1600)]
    assert len(set(names)) == len(names)
