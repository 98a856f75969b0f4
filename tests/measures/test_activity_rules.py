"""The definitions of ``measures.activities``: the period's edges, cancelled activities, the
town, what counts as answered, the sentences and the number of queries."""

from datetime import date

import pytest

from liaison.models import Activity
from measures.activities import (
    ActivityResults,
    activity_results,
    export_rows,
    half_year,
    results_by_activity,
    results_by_kind,
    results_sentence,
)
from petitions.models import Petition, Step
from points.models import Attendance
from tests.base import make_representative, make_station, make_town
from tests.measures.helpers import (
    Kind,
    Level,
    attend,
    guests,
    make_activity,
    make_reps,
    raise_concerns,
    researched,
    sites,
)

pytestmark = pytest.mark.django_db

START, END = date(2026, 1, 1), date(2026, 6, 30)


def _results(**kw):
    return activity_results(start=START, end=END, **kw)


def test_the_period_includes_both_ends():
    for on in (date(2025, 12, 31), START, END, date(2026, 7, 1)):
        raise_concerns(make_activity(on=on), 1)
    assert _results().activities == 2
    assert _results().concerns == 2


def test_a_cancelled_activity_does_not_count():
    activity = make_activity(is_cancelled=True)
    attend(activity, make_reps(3))
    raise_concerns(activity, 2)
    guests(activity, 1)
    researched(activity, 1)
    sites(activity, 1)
    assert _results() == ActivityResults()


def test_only_present_attendances_count():
    activity = make_activity()
    reps = make_reps(6)
    attend(activity, reps[:3])
    attend(activity, reps[3:5], Attendance.Status.EXCUSED)
    attend(activity, reps[5:], Attendance.Status.ABSENT)
    assert _results().attendances == 3


def test_the_kind_filters_and_none_means_every_kind():
    raise_concerns(make_activity(Kind.DIRECTOR_RECEPTION), 2)
    raise_concerns(make_activity(Kind.BRIEFING), 3)
    assert _results(kind=Kind.DIRECTOR_RECEPTION).concerns == 2
    assert _results(kind=Kind.BRIEFING).concerns == 3
    assert _results().concerns == 5


def test_the_town_is_the_activitys_stations_town():
    town_a, town_b = make_town(), make_town()
    a = make_activity(station=make_station(town=town_a))
    b = make_activity(station=make_station(town=town_b))
    county_wide = make_activity()
    for activity, n in ((a, 1), (b, 2), (county_wide, 4)):
        raise_concerns(activity, n)
    assert _results(town=town_a).concerns == 1
    assert _results(town=town_b.pk).concerns == 2
    assert _results().concerns == 7


def test_levels_answered_and_on_the_spot():
    activity = make_activity(Kind.FACE_TO_FACE)
    raise_concerns(activity, 2, level=Level.TOWN)
    raise_concerns(activity, 3, level=Level.COUNTY)
    raise_concerns(activity, 1)  # not classified yet: neither level
    raise_concerns(activity, 2, handled_on_the_spot=True)
    raise_concerns(activity, 1, step=Step.CLOSED, outcome=Petition.Outcome.SOLVED)
    raise_concerns(activity, 1, step=Step.SURVEYED, outcome=Petition.Outcome.ANSWERED)
    # Sent back by 不满意: the old outcome does not stand.
    raise_concerns(activity, 1, step=Step.SUPERVISING, outcome=Petition.Outcome.SOLVED)
    # Reported with no outcome: nothing to count.
    raise_concerns(activity, 1, step=Step.REPORTED)
    r = _results()
    assert (r.concerns, r.town_level, r.county_level) == (12, 2, 3)
    assert (r.answered, r.on_the_spot) == (4, 2)


def test_a_researched_issue_counts_only_with_a_plan():
    activity = make_activity(Kind.FACE_TO_FACE)
    researched(activity, 2)
    researched(activity, 1, plan="")
    sites(activity, 3)
    guests(activity, 4)
    r = _results()
    assert (r.researched, r.sites, r.officials) == (2, 3, 4)


def test_concerns_from_other_channels_do_not_count():
    make_activity()
    Petition.objects.create(
        tracking_no="T1", token_hash="x" * 64, channel=Petition.Channel.QR, text="别的渠道的诉求"
    )
    assert _results().concerns == 0


def _fill(count):
    reps = make_reps(3)
    station = make_station()
    for i in range(count):
        activity = make_activity(Kind(Kind.values[i % len(Kind.values)]), station=station)
        attend(activity, reps)
        raise_concerns(activity, 2, level=Level.TOWN)
        guests(activity, 1)
        researched(activity, 1)
        sites(activity, 1)
    return station


@pytest.mark.parametrize("count", [1, 50])
def test_the_queries_do_not_grow_with_the_activities(count, django_assert_num_queries):
    station = _fill(count)
    with django_assert_num_queries(6):
        total = activity_results(start=START, end=END)
    with django_assert_num_queries(6):
        by_kind = results_by_kind(start=START, end=END, town=station.town)
    with django_assert_num_queries(6):
        by_activity = results_by_activity(Activity.objects.filter(station=station))
    assert total.activities == count and total.concerns == 2 * count
    assert sum(by_kind.values(), ActivityResults()) == total
    assert sum(by_activity.values(), ActivityResults()) == total


def test_the_sentences():
    r = ActivityResults(
        activities=2,
        attendances=100,
        concerns=129,
        town_level=97,
        county_level=32,
        officials=31,
        answered=63,
        on_the_spot=40,
        researched=18,
        sites=5,
    )
    assert results_sentence(r, Kind.DIRECTOR_RECEPTION) == (
        "共接待代表100人次，收集意见建议129条，其中镇级解决97条、提交县级32条。"
    )
    assert "31名负责人对63个问题进行解答，现场办理40个" in results_sentence(r, Kind.FACE_TO_FACE)
    assert results_sentence(r, Kind.BRIEFING) == "100名代表参加，提出意见建议129条。"
    generic = "共开展活动2次，代表参加100人次，提出意见建议129条。"
    assert results_sentence(r, Kind.LECTURE) == generic
    assert results_sentence(r, None) == generic


def test_the_half_year():
    assert half_year(date(2026, 3, 4)) == (date(2026, 1, 1), date(2026, 6, 30))
    assert half_year(date(2026, 7, 1)) == (date(2026, 7, 1), date(2026, 12, 31))


def test_export_rows_neutralise_text():
    town = make_town(name="=HYPERLINK(1)")
    rows = export_rows(ActivityResults(concerns=3), start=START, end=END, kind=None, town=town)
    assert any(r[1] == "'=HYPERLINK(1)" for r in rows)
    assert any(r[1] == 3 for r in rows)


def test_a_representative_in_a_station_is_not_needed():
    # Attendance rows need no station membership: the roll of the activity is enough.
    activity = make_activity()
    Attendance.objects.create(
        activity=activity, representative=make_representative(), status="present"
    )
    assert _results().attendances == 1
