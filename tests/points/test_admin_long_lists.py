"""The points lists that grow with the years, made to stay fast at 100,000 entries (issue
#12): on the demo with entries added, each lists the same rows as the plain query Django's
defaults ran (filters, search, the last page). The years come from the first and last date;
a name is searched among the representatives. (Their queries: test_admin_long_list_queries.)"""

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone

from demo.logins import DEMO_ADMIN, DEMO_COUNTY_STAFF
from liaison.models import Activity, DutyDay, DutyShift, Representative
from points import services
from points.models import AnnualReport, Appeal, Attendance, PointAudit, PointEntry, ReportRun
from tests.helpers import admin_url

pytestmark = pytest.mark.django_db

PER_PAGE = 100
YEAR = 2025
ROWS = [1, 50]


def changelist(client, model, **query):
    """The list's response (200) and the ids of the rows it shows."""
    response = client.get(admin_url(model, "changelist"), query)
    assert response.status_code == 200
    return response, [obj.pk for obj in response.context["cl"].result_list]


def expected(response, queryset, page=1, per_page=PER_PAGE) -> list[int]:
    """The ids ``queryset`` (the plain query) holds on ``page``, in the list's own order."""
    ordering = response.context["cl"].queryset.query.order_by
    ids = list(queryset.order_by(*ordering).values_list("pk", flat=True))
    return ids[(page - 1) * per_page : page * per_page]


def last_page(count, per_page=PER_PAGE) -> int:
    return max(1, -(-count // per_page))


def a_name_with_rows(queryset, field="representative__name") -> str:
    """A name the list has rows of, and its two characters apart (both words must match)."""
    return queryset.values_list(field, flat=True).order_by(field).first()


# --- on the demo, with entries added ------------------------------------------------------------


@pytest.fixture
def staff(demo):
    """The demo's superuser and county staff (whose scope is the whole county)."""
    User = get_user_model()
    return [
        User.objects.get(username=DEMO_ADMIN[0]),
        User.objects.get(username=DEMO_COUNTY_STAFF[0]),
    ]


@pytest.fixture
def more_entries(demo):
    """Some entries more, by staff, across the demo's representatives and three years."""
    actor = get_user_model().objects.get(username=DEMO_ADMIN[0])
    today = timezone.localdate()
    reps = list(Representative.objects.order_by("pk")[:12])
    for i, rep in enumerate(reps):
        on = date(today.year - i % 3, 1 + i % 12, 1 + i)
        on = min(on, today)
        services.point_entry_create(
            representative=rep,
            rule=services.rule_for("deed", on.year),
            on=on,
            quantity=1,
            description="走访选民",
            source=PointEntry.Source.STAFF,
            status=PointEntry.Status.PENDING if i % 2 else PointEntry.Status.APPROVED,
            actor=actor,
        )
    # Reports of a year (the demo's own are built by tasks that run after its commit).
    run = ReportRun.objects.create(year=YEAR, status=ReportRun.Status.DONE, total=len(reps))
    for rank, rep in enumerate(reps, start=1):
        AnnualReport.objects.create(
            run=run, representative=rep, year=YEAR, total=Decimal(20 - rank), rank=rank
        )


@pytest.fixture(params=["admin", "county"])
def client_of(request, client, staff, more_entries):
    client.force_login(staff[0] if request.param == "admin" else staff[1])
    return client


def test_the_entry_list_shows_the_same_rows(client_of):
    entries = PointEntry.objects.all()
    response, rows = changelist(client_of, PointEntry)
    assert rows == expected(response, entries)
    assert len(rows) == PER_PAGE
    years = entries.dates("date", "year")
    for query, plain in [
        ({"status__exact": "pending"}, entries.filter(status="pending")),
        ({"year": str(years[0].year)}, entries.filter(year=years[0].year)),
        ({"year": str(years.last().year)}, entries.filter(year=years.last().year)),
        ({"rule__category": "voters"}, entries.filter(rule__category="voters")),
        ({"source__exact": "staff"}, entries.filter(source="staff")),
        ({"source__exact": "attendance"}, entries.filter(source="attendance")),
    ]:
        response, rows = changelist(client_of, PointEntry, **query)
        assert rows == expected(response, plain), query
        assert rows, query
        assert response.context["cl"].result_count == plain.count(), query


def test_the_entry_list_offers_every_year_from_the_first_to_the_last(client_of):
    response, _rows = changelist(client_of, PointEntry)
    specs = response.context["cl"].filter_specs
    (spec,) = [f for f in specs if getattr(f, "parameter_name", None) == "year"]
    span = PointEntry.objects.dates("date", "year")
    first, last = span.first().year, span.last().year
    assert [value for value, _label in spec.lookup_choices] == [
        str(y) for y in range(first, last + 1)
    ]


def test_the_entry_list_finds_a_representative_by_name(client_of):
    entries = PointEntry.objects.all()
    name = a_name_with_rows(entries)
    for term, plain in [
        (name, entries.filter(representative__name__icontains=name)),
        (name[1:], entries.filter(representative__name__icontains=name[1:])),
        (
            f"{name[0]} {name[-1]}",
            entries.filter(representative__name__icontains=name[0]).filter(
                representative__name__icontains=name[-1]
            ),
        ),
        (f'"{name}"', entries.filter(representative__name__icontains=name)),
        ("无此人名", entries.none()),
    ]:
        response, rows = changelist(client_of, PointEntry, q=term)
        assert rows == expected(response, plain), term
        assert response.context["cl"].result_count == plain.count(), term


def test_the_entry_lists_last_page_lists_the_last_rows(client_of):
    entries = PointEntry.objects.all()
    page = last_page(entries.count())
    assert page > 2
    response, rows = changelist(client_of, PointEntry, p=page)
    assert rows == expected(response, entries, page)
    assert 0 < len(rows) <= PER_PAGE
    response, rows = changelist(client_of, PointEntry, p=page - 1)
    assert rows == expected(response, entries, page - 1)
    assert len(rows) == PER_PAGE


def test_a_filtered_entry_lists_last_page_lists_the_last_rows(client_of):
    entries = PointEntry.objects.filter(status="approved")
    page = last_page(entries.count())
    assert page > 1
    response, rows = changelist(client_of, PointEntry, status__exact="approved", p=page)
    assert rows == expected(response, entries, page)


def test_the_appeal_list_shows_the_same_rows(client_of):
    appeals = Appeal.objects.all()
    assert appeals.exists()
    response, rows = changelist(client_of, Appeal)
    assert rows == expected(response, appeals.filter(status="open"))
    response, rows = changelist(client_of, Appeal, state="all")
    assert rows == expected(response, appeals)
    name = a_name_with_rows(appeals, "entry__representative__name")
    response, rows = changelist(client_of, Appeal, state="all", q=name)
    assert rows == expected(response, appeals.filter(entry__representative__name__icontains=name))
    assert rows


def test_the_audit_list_shows_the_same_rows(client_of):
    audit = PointAudit.objects.all()
    response, rows = changelist(client_of, PointAudit)
    assert rows == expected(response, audit)
    response, rows = changelist(client_of, PointAudit, action__exact="entry_approved")
    assert rows == expected(response, audit.filter(action="entry_approved"))
    assert rows
    name = a_name_with_rows(audit)
    response, rows = changelist(client_of, PointAudit, q=name)
    assert rows == expected(response, audit.filter(representative__name__icontains=name))
    assert rows
    rep = audit.filter(representative__name=name).values_list("representative", flat=True)[0]
    response, rows = changelist(client_of, PointAudit, representative=rep)
    assert rows == expected(response, audit.filter(representative=rep))
    page = last_page(audit.count())
    assert page > 2
    response, rows = changelist(client_of, PointAudit, p=page)
    assert rows == expected(response, audit, page)
    assert rows


def test_the_attendance_list_shows_the_same_rows(client_of):
    attendance = Attendance.objects.all()
    response, rows = changelist(client_of, Attendance)
    assert rows == expected(response, attendance)
    response, rows = changelist(client_of, Attendance, status__exact="excused")
    assert rows == expected(response, attendance.filter(status="excused"))
    name = a_name_with_rows(attendance)
    title = attendance.values_list("activity__title", flat=True).order_by("pk").first()
    for term in (name, title[:4]):
        plain = attendance.filter(
            Q(representative__name__icontains=term) | Q(activity__title__icontains=term)
        )
        response, rows = changelist(client_of, Attendance, q=term)
        assert rows == expected(response, plain), term
        assert rows, term
    page = last_page(attendance.count())
    assert page > 1
    response, rows = changelist(client_of, Attendance, p=page)
    assert rows == expected(response, attendance, page)
    assert rows


def test_the_activity_list_shows_the_same_rows_by_year(client_of):
    activities = Activity.objects.all()
    response, rows = changelist(client_of, Activity)
    assert rows == expected(response, activities)
    for year in {on.year for on in activities.dates("date", "year")}:
        response, rows = changelist(client_of, Activity, date__year=year)
        assert rows == expected(response, activities.filter(date__year=year))
        assert rows


def test_the_duty_day_list_shows_the_same_rows(client_of):
    days = DutyDay.objects.all()
    response, rows = changelist(client_of, DutyDay)
    assert rows == expected(response, days)
    year = days.dates("date", "year").first().year
    response, rows = changelist(client_of, DutyDay, date__year=year)
    assert rows == expected(response, days.filter(date__year=year))
    station = days.values_list("station__name", flat=True).order_by("pk").first()
    name = a_name_with_rows(DutyShift.objects.all())
    for term in (station, name):
        plain = days.filter(
            Q(station__name__icontains=term) | Q(shifts__representative__name__icontains=term)
        ).distinct()
        response, rows = changelist(client_of, DutyDay, q=term)
        assert rows == expected(response, plain), term
        assert rows, term


def test_the_annual_report_list_finds_a_representative_by_name(client_of):
    reports = AnnualReport.objects.all()
    assert reports.exists()
    name = a_name_with_rows(reports)
    response, rows = changelist(client_of, AnnualReport, q=name)
    assert rows == expected(response, reports.filter(representative__name__icontains=name))
    assert rows


def test_the_activity_list_counts_who_was_present_and_who_was_not(client_of):
    response, rows = changelist(client_of, Activity)
    for activity in response.context["cl"].result_list:
        attendance = Attendance.objects.filter(activity=activity)
        assert activity._present == attendance.filter(status="present").count()
        assert activity._absent == attendance.exclude(status="present").count()
    assert any(a._present for a in response.context["cl"].result_list)
    assert any(a._absent for a in response.context["cl"].result_list)
    present_column = response.context["cl"].list_display.index("present_count")
    response, rows = changelist(client_of, Activity, o=f"-{present_column}")
    counts = [a._present for a in response.context["cl"].result_list]
    assert counts == sorted(counts, reverse=True)
