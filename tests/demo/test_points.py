"""The points demo of `load_demo` (issue #4, item 7): last year's and this year's activities
with attendance, duty days with rosters, 柳春和's claims and appeals, concerns carried to a
result, and last year's year-end report, all made through points.services (loaded once for
the package: see conftest.py)."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from demo import points as demo_points
from demo.logins import DEMO_COUNTY_STAFF, DEMO_REPRESENTATIVE, DEMO_REPRESENTATIVE_NAME
from liaison.models import Activity, DutyShift, Representative
from petitions.models import Petition
from points import services
from points.models import Appeal, Attendance, PointEntry, ReportRun
from tests.helpers import page_text, sign_in, tr

pytestmark = pytest.mark.django_db

# The kinds the issue asks the demo for, each in both years.
KINDS = {
    Activity.Kind.SESSION,
    Activity.Kind.STANDING_MEETING,
    Activity.Kind.LECTURE,
    Activity.Kind.INSPECTION,
    Activity.Kind.LAW_CHECK,
    Activity.Kind.DIRECTOR_RECEPTION,
    Activity.Kind.FACE_TO_FACE,
    Activity.Kind.BRIEFING,
}


def _years():
    this_year = timezone.localdate().year
    return this_year - 1, this_year


@pytest.fixture
def rep():
    return Representative.objects.get(name=DEMO_REPRESENTATIVE_NAME)


def test_it_starts_last_years_report_and_says_what_it_loaded(demo):
    last, _this = _years()
    # Last year's year-end report was started (its tasks run once load_demo commits).
    assert ReportRun.objects.filter(year=last).exists()
    assert "Points demo:" in demo
    out = StringIO()
    call_command("demo_info", base_url="http://demo.test", stdout=out)
    assert f"http://demo.test{reverse('points:my_points')}" in out.getvalue()


def test_it_records_activities_of_every_kind_with_their_attendance(rep):
    last, this = _years()
    today = timezone.localdate()
    # Activities of every kind, in both years, the ones of this year already held.
    for year in (last, this):
        kinds = set(Activity.objects.filter(date__year=year).values_list("kind", flat=True))
        assert kinds >= KINDS, year
    assert not Activity.objects.filter(date__year=this, date__gt=today).exists()

    # Attendance lists for the county representatives: mostly present, some on approved
    # leave, a few absent without it.
    county = Representative.objects.active().filter(level=Representative.Level.COUNTY)
    listed = county.filter(attendances__isnull=False).distinct().count()
    assert listed == county.count()
    statuses = dict(Attendance.objects.values_list("status").annotate(n=Count("pk")).order_by())
    assert statuses["present"] > 10 * (statuses["excused"] + statuses["absent"])
    assert Attendance.objects.filter(status="excused", excuse_approved=True).exists()
    assert statuses["absent"] >= 3

    # Each attendance has the entry its status earns, and only that one.
    entries = dict(
        PointEntry.objects.filter(source="attendance").values_list("source_id", "rule__code")
    )
    for attendance in Attendance.objects.select_related("activity"):
        kind = attendance.activity.kind
        expected = None
        if attendance.status == "present":
            expected = services.ACTIVITY_RULES[kind]
        elif attendance.status == "absent" and kind in services.ABSENCE_DEDUCTED:
            expected = "absence"
        assert entries.get(attendance.pk) == expected, attendance

    # One invented representative missed both of last year's sessions without leave: the
    # year-end report flags the seat (代表法 Art. 62).
    twice = list(
        Attendance.objects.filter(
            activity__kind=Activity.Kind.SESSION, activity__date__year=last, status="absent"
        )
        .values("representative")
        .annotate(n=Count("pk"))
        .filter(n__gte=2)
    )
    assert len(twice) == 1
    absentee = twice[0]["representative"]
    assert absentee != rep.pk
    assert (
        PointEntry.objects.filter(
            representative_id=absentee, year=last, rule__code="absence", status="approved"
        ).count()
        >= 2
    )


def test_it_serves_past_duty_days_and_plans_the_next(rep):
    # Past days served and counted, the next ones planned; 柳春和 on both.
    today = timezone.localdate()
    past = DutyShift.objects.filter(duty_day__date__lte=today)
    upcoming = DutyShift.objects.filter(duty_day__date__gt=today)
    assert past.filter(served=True).exists() and upcoming.exists()
    assert not upcoming.filter(served=True).exists()
    assert upcoming.filter(representative=rep).exists()
    assert past.filter(representative=rep, served=True).exists()
    counted = set(PointEntry.objects.filter(source="duty").values_list("source_id", flat=True))
    assert counted == set(DutyShift.objects.filter(served=True).values_list("pk", flat=True))


def test_it_has_claims_in_every_state_with_evidence(rep):
    # Approved, pending, one rejected with an open appeal, and last year's appeal upheld
    # with its answer; every claim carries evidence.
    claims = PointEntry.objects.filter(representative=rep, source="")
    assert claims.filter(status="approved").count() >= 5
    assert claims.filter(status="pending").exists()
    assert claims.filter(status="rejected", appeal__status=Appeal.Status.OPEN).count() == 1
    upheld = claims.get(appeal__status=Appeal.Status.UPHELD)
    assert upheld.status == "approved" and upheld.appeal.answer
    assert not claims.filter(evidence="").exists()


def test_it_gives_totals_ranks_and_a_spread_of_grades(rep):
    last, _this = _years()
    summary = services.year_summary(representative=rep, year=last)
    assert summary["total"] >= 45
    assert summary["grade"]
    county = Representative.objects.active().filter(level=Representative.Level.COUNTY)
    assert summary["rank_of"] == county.count()
    # A spread of grades among the county's representatives, not one band for everyone.
    grades = {services.year_summary(representative=r, year=last)["grade"] for r in county[:30]}
    assert len(grades) >= 2


def test_it_shows_the_demo_representative_their_points(client):
    last, _this = _years()
    assert sign_in(client, DEMO_REPRESENTATIVE[0], DEMO_REPRESENTATIVE[1])
    response = client.get(reverse("points:my_points"))
    assert response.status_code == 200
    assert response.context["summary"]["total"] > 0
    assert response.context["claim_form"] is not None
    # This year's rejected claim with its open appeal; last year's upheld one, answered.
    text = page_text(response)
    assert tr("Reason for rejection:") in text
    assert tr("Your appeal:") in text
    text = page_text(client.get(reverse("points:my_points"), {"year": last}))
    assert tr("Answer:") in text


def test_it_syncs_concerns_that_reached_a_result(rep):
    # Concerns received by a representative that reached a result earn their entry...
    reached = Petition.objects.filter(
        representative__isnull=False,
        reported_at__isnull=False,
        channel__in=services.PETITION_CHANNELS,
    ).exclude(step__in=["rejected", "merged"])
    entries = PointEntry.objects.filter(source="petition")
    expected = sorted(entries.values_list("source_id", "representative_id"))
    assert expected == sorted(reached.values_list("pk", "representative_id"))
    # ...even when they reached it before the points existed: the points demo syncs them.
    entries.delete()
    county = get_user_model().objects.get(username=DEMO_COUNTY_STAFF[0])
    demo_points.load(rep=rep, rep_user=rep.user, county=county)
    assert sorted(entries.values_list("source_id", "representative_id")) == expected


def test_it_is_idempotent_and_publishes_last_year_once_its_reports_are_done(demo_second_run):
    # The first load started the build but could not publish: the build's tasks only run
    # once load_demo's transaction commits. The second run (see conftest.py) found the run
    # finished and published the year, adding nothing else.
    assert not demo_second_run.published_before
    assert demo_second_run.after["points"] == demo_second_run.before["points"]
    assert demo_second_run.published_by == DEMO_COUNTY_STAFF[0]
