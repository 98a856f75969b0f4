"""The points lists that grow with the years cost as many queries with 50 rows as with
one (issue #12): no per-row query, no filter that reads the whole table."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from liaison.models import DutyDay, DutyShift
from points import services
from points.models import (
    Activity,
    AnnualReport,
    Appeal,
    Attendance,
    PointAudit,
    PointEntry,
    ReportRun,
)
from tests.base import make_representative, make_station, make_user
from tests.helpers import admin_url
from tests.second_factor import SECOND_FACTOR

pytestmark = pytest.mark.django_db

YEAR = 2025
ROWS = [1, 50]

# --- queries --------------------------------------------------------------------------------------

# Each list for a superuser: the session and the user (and the device of their second factor,
# SECOND_FACTOR); the count of the filtered rows (a long list shows no second, unfiltered
# count); the page; and what each needs besides.
QUERIES = {
    # the first and last date, for the year filter
    "points.PointEntry": 2 + SECOND_FACTOR + 1 + 1 + 1,
    # (no filter reads the database)
    "points.Appeal": 2 + SECOND_FACTOR + 1 + 1,
    "points.PointAudit": 2 + SECOND_FACTOR + 1 + 1,
    "points.Attendance": 2 + SECOND_FACTOR + 1 + 1,
    # the unfiltered count; the first and last date; the towns for the town filter
    "liaison.Activity": 2 + SECOND_FACTOR + 1 + 1 + 1 + 1 + 1,
    # the unfiltered count; the first and last date; the towns; the rosters
    "liaison.DutyDay": 2 + SECOND_FACTOR + 1 + 1 + 1 + 1 + 1 + 1,
    # the unfiltered count; the years, the grades (a table of one row a representative and
    # year: it grows by years, not by entries)
    "points.AnnualReport": 2 + SECOND_FACTOR + 1 + 1 + 1 + 1 + 1,
}


@pytest.fixture
def rows_of_each(request):
    """``rows`` of each list: entries (each rejected and appealed, so with audit rows),
    activities with their attendance, duty days with their roster, annual reports."""
    count = request.param
    actor = make_user(superuser=True)
    station = make_station()
    run = ReportRun.objects.create(year=YEAR, status=ReportRun.Status.DONE, total=count)
    for i in range(count):
        rep = make_representative(name=f"代表{i:03d}号", station=station)
        entry = services.point_entry_create(
            representative=rep,
            rule=services.rule_for("deed", YEAR),
            on=date(YEAR, 3, 1),
            quantity=1,
            description="走访选民",
            source=PointEntry.Source.STAFF,
            status=PointEntry.Status.PENDING,
            actor=actor,
        )
        services.point_entry_reject(entry=entry, actor=actor, reason="材料不全")
        entry.refresh_from_db()
        services.point_entry_appeal(entry=entry, actor=None, text="已补充照片")
        activity = Activity.objects.create(
            kind=Activity.Kind.LECTURE, title=f"人大讲堂{i}", date=date(YEAR, 1, 10) + timedelta(i)
        )
        Attendance.objects.create(
            activity=activity, representative=rep, status=Attendance.Status.PRESENT
        )
        day = DutyDay.objects.create(station=station, date=date(YEAR, 4, 1) + timedelta(i))
        DutyShift.objects.create(duty_day=day, representative=rep, served=True)
        AnnualReport.objects.create(
            run=run, representative=rep, year=YEAR, total=Decimal("19"), rank=i + 1, grade="称职"
        )
    return actor, count


@pytest.mark.parametrize("rows_of_each", ROWS, indirect=True)
@pytest.mark.parametrize("model", list(QUERIES))
def test_each_long_list_costs_the_same_queries_at_any_length(
    client, django_assert_num_queries, rows_of_each, model
):
    actor, count = rows_of_each
    client.force_login(actor)
    query = {"state": "all"} if model == "points.Appeal" else {}
    with django_assert_num_queries(QUERIES[model]):
        response = client.get(admin_url(model, "changelist"), query)
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) >= count


@pytest.mark.parametrize("rows_of_each", ROWS, indirect=True)
def test_an_answered_appeal_costs_no_query_of_its_own(
    client, django_assert_num_queries, rows_of_each
):
    actor, count = rows_of_each
    for appeal in Appeal.objects.all():
        services.appeal_answer(appeal=appeal, actor=actor, uphold=False, answer="维持")
    client.force_login(actor)
    with django_assert_num_queries(QUERIES["points.Appeal"]):
        response = client.get(admin_url(Appeal, "changelist"), {"state": "answered"})
    assert len(response.context["cl"].result_list) == count


@pytest.mark.parametrize("rows_of_each", ROWS, indirect=True)
def test_a_search_and_a_deep_page_cost_the_same_queries_at_any_length(
    client, django_assert_num_queries, rows_of_each
):
    actor, count = rows_of_each
    client.force_login(actor)
    with django_assert_num_queries(QUERIES["points.PointEntry"]):
        response = client.get(admin_url(PointEntry, "changelist"), {"q": "代表000号"})
    assert response.context["cl"].result_count == 1
    with django_assert_num_queries(QUERIES["points.Attendance"]):
        response = client.get(admin_url(Attendance, "changelist"), {"q": "000"})
    assert response.context["cl"].result_count == 1
    # Each entry wrote three audit rows: with 50, the list has two pages.
    page = 2 if count * 3 > 100 else 1
    with django_assert_num_queries(QUERIES["points.PointAudit"]):
        response = client.get(admin_url(PointAudit, "changelist"), {"p": page})
    assert len(response.context["cl"].result_list) == PointAudit.objects.count() - 100 * (page - 1)
