"""The county dashboard's figures (issue #14, part 5): every chart's numbers equal a recount
of the fixtures made here in Python, town staff count their town only, and the figures are
cached until a concern, a rating or points data change."""

from collections import Counter
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from liaison.models import Representative, StaffScope
from measures import dashboard
from petitions import workflow
from petitions.models import HANDLING_STEPS, Petition, Step
from points import scoring
from points.models import GradeBand, PointEntry, PointRule
from points.services import entries
from points.services.table import grade_bands_for_year
from tests.base import (
    make_rating,
    make_representative,
    make_staff,
    make_station,
    make_world,
    receive,
    to_step,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def world():
    return make_world()


def _backdate(petition, day: date) -> None:
    at = timezone.make_aware(datetime.combine(day, time(10)))
    Petition.objects.filter(pk=petition.pk).update(created_at=at)


def _months_ago(n: int) -> date:
    index = TODAY.year * 12 + TODAY.month - 1 - n
    return date(index // 12, index % 12 + 1, 15)


@pytest.fixture
def concerns(world):
    """Concerns of towns A and B, spread over 14 months, at every kind of step."""
    plan = [
        # (months ago, representative, step, rating)
        (0, "a", "received", ""),
        (0, "a", "assigned", ""),
        (0, "b", "supervising", ""),
        (1, "a", "closed", "satisfied"),
        (1, "b", "closed", "basically"),
        (2, "a", "closed", "unsatisfied"),
        (3, "a", "rejected", ""),
        (4, "b", "closed", "satisfied"),
        (5, "a", "supervising", ""),
        (7, "a", "collected", ""),
        (9, "b", "closed", "unsatisfied"),
        (11, "a", "closed", "basically"),
        (12, "a", "closed", "satisfied"),  # before the window: not counted
        (13, "b", "received", ""),  # before the window: not counted
    ]
    made = []
    for ago, who, step, rating in plan:
        rep = world.rep_a if who == "a" else world.rep_b
        petition, _token = receive(world, rep=rep)
        to_step(world, petition, "reported" if step == "closed" else step)
        if step == "closed":
            workflow.petition_survey(petition=petition, rating=rating)
        _backdate(petition, _months_ago(ago))
        made.append(petition)
    return made


def _window_start():
    return dashboard.first_month(TODAY)


def _recount(petitions, today):
    """Month × step, quarters and overdue by unit, counted here one concern at a time."""
    start = _window_start()
    by_month, surveyed, satisfied, overdue = Counter(), Counter(), Counter(), Counter()
    for p in petitions:
        received = timezone.localtime(p.created_at).date()
        if received >= start:
            month = received.replace(day=1)
            by_month[(month, p.step)] += 1
            quarter = (received.year, (received.month - 1) // 3 + 1)
            if p.rating:
                surveyed[quarter] += 1
            if p.rating in ("satisfied", "basically"):
                satisfied[quarter] += 1
        if p.step in HANDLING_STEPS and p.deadline and p.deadline < today:
            overdue[p.unit_id] += 1
    return by_month, surveyed, satisfied, overdue


def _figures_as_counters(figures):
    by_month = Counter()
    for month in figures.months:
        for step, n in month.by_step.items():
            if n:
                by_month[(month.first_day, step)] = n
    surveyed = Counter({(q.year, q.number): q.surveyed for q in figures.quarters if q.surveyed})
    satisfied = Counter({(q.year, q.number): q.satisfied for q in figures.quarters if q.satisfied})
    overdue = Counter({u.unit_id: u.count for u in figures.overdue})
    return by_month, surveyed, satisfied, overdue


def test_it_shows_twelve_months_and_four_quarters_ending_now():
    days = dashboard.month_days(date(2026, 3, 9))
    assert days[0] == date(2025, 4, 1) and days[-1] == date(2026, 3, 1) and len(days) == 12
    assert dashboard.quarter_keys(date(2026, 3, 9)) == [(2025, 2), (2025, 3), (2025, 4), (2026, 1)]
    assert dashboard.quarter_keys(date(2026, 12, 31))[0] == (2026, 1)


def test_every_concern_figure_equals_a_recount(world, concerns):
    later = TODAY + timedelta(days=90)  # every deadline has passed by then
    figures = dashboard.count_figures(user=world.county, today=TODAY)
    petitions = list(Petition.objects.all())
    expected = _recount(petitions, TODAY)
    got = _figures_as_counters(figures)
    assert got[0] == expected[0]
    assert got[1] == expected[1] and got[2] == expected[2]
    # Overdue needs a later day: count again as of then (the months move with it).
    figures_later = dashboard.count_figures(user=world.county, today=later)
    assert (
        Counter({u.unit_id: u.count for u in figures_later.overdue})
        == _recount(petitions, later)[3]
    )
    # One assigned, two supervising, and two rated 不满意 (sent back to supervising).
    assert figures_later.overdue_total == 5


def test_the_months_hold_only_the_window(world, concerns):
    figures = dashboard.count_figures(user=world.county, today=TODAY)
    assert sum(m.total for m in figures.months) == 12
    assert figures.months[-1].by_step[Step.RECEIVED] == 1
    assert figures.months[-1].total == 3


def test_satisfaction_is_satisfied_and_basically_among_the_surveyed(world):
    petitions = []
    for rating in ("satisfied", "basically", "unsatisfied", "unsatisfied"):
        petition, _token = receive(world)
        to_step(world, petition, "reported")
        workflow.petition_survey(petition=petition, rating=rating)
        petitions.append(petition)
    receive(world)  # not surveyed: not counted
    quarter = dashboard.count_figures(user=world.county, today=TODAY).quarters[-1]
    assert (quarter.satisfied, quarter.surveyed) == (2, 4)
    assert quarter.share == 0.5


def test_town_staff_count_their_town_only(world, concerns):
    figures = dashboard.count_figures(user=world.town_staff_a, today=TODAY)
    mine = [
        p
        for p in Petition.objects.select_related("station")
        if p.station.town_id == world.town_a.pk
    ]
    assert _figures_as_counters(figures)[0] == _recount(mine, TODAY)[0]
    later = TODAY + timedelta(days=90)
    figures = dashboard.count_figures(user=world.town_staff_a, today=later)
    assert figures.overdue_total == _recount(mine, later)[3].total() == 3


def test_stations_count_by_their_latest_rating(world):
    make_rating(world.station_a, year=2024, fraction=0.5)
    make_rating(world.station_a, year=2025, fraction=0.95)  # the latest: 5 stars
    make_rating(world.station_b, year=2025, fraction=0.75)  # 3 stars
    make_station(town=world.town_b, name="未评站")
    make_station(town=world.town_a, name="停用站", is_active=False)  # inactive: not counted
    figures = dashboard.count_figures(user=world.county, today=TODAY)
    assert figures.stars == {5: 1, 4: 0, 3: 1, 2: 0, 1: 0, None: 1}
    town_b = dashboard.count_figures(user=world.town_staff_b, today=TODAY)
    assert town_b.stars == {5: 0, 4: 0, 3: 1, 2: 0, 1: 0, None: 1}


def _approve(rep, code, count, day):
    rule = PointRule.objects.filter(code=code).order_by("-applies_from").first()
    for _i in range(count):
        entry = entries.point_entry_create(representative=rep, rule=rule, on=day, actor=None)
        PointEntry.objects.filter(pk=entry.pk).update(status=PointEntry.Status.APPROVED)


def _independent_total(rep, year):
    """The year's total, recomputed here from the rule table: first, then further, capped."""
    total = Decimal(0)
    items = Counter(
        PointEntry.objects.filter(representative=rep, year=year, status="approved").values_list(
            "rule__code", flat=True
        )
    )
    for code, n in items.items():
        rule = PointRule.objects.filter(code=code).order_by("-applies_from").first()
        raw = rule.points_first + rule.points_further * (n - 1)
        total += min(raw, rule.yearly_cap) if rule.yearly_cap is not None and raw > 0 else raw
    return total


def test_points_count_representatives_by_level_and_band(world):
    year = TODAY.year
    day = date(year, 1, 10)
    township = make_representative(name="乡代表", station=world.station_b, level="township")
    make_representative(name="离任", station=world.station_b, is_active=False)  # not counted
    _approve(world.rep_a, "session", 1, day)
    _approve(world.rep_a, "inspection", 3, day)
    _approve(township, "duty", 2, day)
    figures = dashboard.count_figures(user=world.county, today=TODAY)
    bands = grade_bands_for_year(year)
    expected = Counter()
    for rep in Representative.objects.filter(is_active=True):
        expected[(rep.level, scoring.grade_for(_independent_total(rep, year), bands))] += 1
    got = Counter(
        {(level, band): n for level, counts in figures.points.items() for band, n in counts.items()}
    )
    assert got == expected
    assert figures.bands == tuple(name for name, _minimum in bands)
    # Town staff of B: the representatives seated at B's stations.
    town_b = dashboard.count_figures(user=world.town_staff_b, today=TODAY)
    assert sum(sum(c.values()) for c in town_b.points.values()) == 2


def test_station_staff_count_their_station(world, concerns):
    station = make_staff(level=StaffScope.Level.STATION, station=world.station_b)
    figures = dashboard.count_figures(user=station, today=TODAY)
    assert sum(m.total for m in figures.months) == 4
    assert sum(figures.stars.values()) == 1


def test_the_figures_are_cached_until_something_changes(world, django_assert_num_queries):
    # This year's table: one band from 10 points, so one approved session (15) moves a band.
    GradeBand.objects.create(name="起步", min_total=10, applies_from=TODAY.year)
    first = dashboard.dashboard_figures(user=world.county)
    assert sum(m.total for m in first.months) == 0
    with django_assert_num_queries(0):
        dashboard.dashboard_figures(user=world.county)
    receive(world)  # a concern: the statistics' generation moves
    assert sum(m.total for m in dashboard.dashboard_figures(user=world.county).months) == 1
    make_rating(world.station_a, year=TODAY.year)  # a rating: the dashboard's own
    assert dashboard.dashboard_figures(user=world.county).stars[5] == 1
    rule = PointRule.objects.filter(code="session").first()
    entry = entries.point_entry_create(
        representative=world.rep_a, rule=rule, on=date(TODAY.year, 1, 5), actor=world.county
    )
    entries.point_entry_approve(entry=entry, actor=world.county)  # points: an audit row
    figures = dashboard.dashboard_figures(user=world.county)
    assert first.points["county"] == {dashboard.NO_BAND: 2}
    assert figures.points["county"] == {"起步": 1, dashboard.NO_BAND: 1}


def test_town_and_county_staff_do_not_share_a_cached_dashboard(world, concerns):
    county = dashboard.dashboard_figures(user=world.county)
    town = dashboard.dashboard_figures(user=world.town_staff_b)
    assert sum(m.total for m in county.months) == 12
    assert sum(m.total for m in town.months) == 4


@pytest.fixture
def activities(world):
    """This year: a director's reception in town A (three present, one absent, three
    concerns: two town level, one county) and a briefing in town B (one present)."""
    from liaison.models import Activity
    from tests.measures.activity_helpers import attend, make_activity, make_reps, raise_concerns

    reception = make_activity(Activity.Kind.DIRECTOR_RECEPTION, on=TODAY, station=world.station_a)
    attend(reception, make_reps(3))
    attend(reception, make_reps(1), status="absent")
    raise_concerns(reception, 2, level=Petition.Level.TOWN)
    raise_concerns(reception, 1, level=Petition.Level.COUNTY)
    briefing = make_activity(Activity.Kind.BRIEFING, on=TODAY, station=world.station_b)
    attend(briefing, make_reps(1))
    last_year = make_activity(
        Activity.Kind.BRIEFING, on=date(TODAY.year - 1, 6, 1), station=world.station_b
    )
    attend(last_year, make_reps(5))  # last year: not counted
    return reception, briefing


def _recount_activities(town=None):
    from liaison.models import Activity
    from points.models import Attendance

    counts = {}
    for act in Activity.objects.filter(date__year=TODAY.year, is_cancelled=False):
        if town is not None and act.station.town_id != town.pk:
            continue
        c = counts.setdefault(act.kind, Counter())
        c["activities"] += 1
        c["attendances"] += Attendance.objects.filter(activity=act, status="present").count()
        for p in Petition.objects.filter(source_activity=act):
            c["concerns"] += 1
            c["town_level"] += p.level == Petition.Level.TOWN
            c["county_level"] += p.level == Petition.Level.COUNTY
    return counts


def _activity_counts(figures):
    keys = ("activities", "attendances", "concerns", "town_level", "county_level")
    return {
        kind: Counter({k: getattr(r, k) for k in keys if getattr(r, k)})
        for kind, r in figures.activities.items()
        if r.activities
    }


def test_this_years_activities_equal_a_recount(world, activities):
    figures = dashboard.count_figures(user=world.county, today=TODAY)
    assert _activity_counts(figures) == _recount_activities()
    assert figures.activities["director_reception"].attendances == 3
    town_b = dashboard.count_figures(user=world.town_staff_b, today=TODAY)
    assert _activity_counts(town_b) == _recount_activities(world.town_b)
    assert set(_activity_counts(town_b)) == {"briefing"}


def test_station_staff_see_no_activity_figures(world, activities):
    figures = dashboard.count_figures(user=world.station_staff_a, today=TODAY)
    assert figures.activities is None
