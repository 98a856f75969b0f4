"""The working-day calendar: the banner and the one e-mail while next year's holidays are
missing (from 1 November), the weekends-only mark on a deadline in a year with no calendar,
and the county staff's form that takes the State Council's notice in one go."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from petitions import calendar, tasks
from petitions.calendar import BANNER_KEY, HolidayRange
from petitions.deadlines import Calendar
from petitions.errors import WorkflowError
from petitions.models import CalendarDay, CalendarReminder, Notification, Petition
from tests.base import make_world, receive, to_step
from tests.helpers import admin_url, page_text, tr
from tests.petitions.citizen_helpers import tracking_path

pytestmark = pytest.mark.django_db

MARK = "estimated on weekends only, holidays not entered"


@pytest.fixture
def world():
    return make_world()


@pytest.fixture(autouse=True)
def _no_banner_left_behind():
    """The banner lives in the cache, which outlives each test's database."""
    cache.delete(BANNER_KEY)
    yield
    cache.delete(BANNER_KEY)


# --- the banner and the e-mail -------------------------------------------------------------------


def test_before_november_nothing_is_said():
    assert calendar.calendar_missing_notify(today=date(2026, 10, 31)) is False
    assert calendar.banner_year() is None
    assert not CalendarReminder.objects.exists()


def test_from_november_the_banner_shows_and_county_staff_get_one_email(
    client, admin_client, world, django_capture_on_commit_callbacks
):
    world.county.email = "county@example.cn"
    world.county.save(update_fields=["email"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert calendar.calendar_missing_notify(today=date(2026, 11, 1)) is True
    with django_capture_on_commit_callbacks(execute=True):
        assert calendar.calendar_missing_notify(today=date(2026, 11, 2)) is False
        assert calendar.calendar_missing_notify(today=date(2026, 12, 2)) is False
    assert [m.to for m in mail.outbox] == [["county@example.cn"]]
    assert "2027" in mail.outbox[0].subject
    assert Notification.objects.filter(recipient=world.county, petition=None).count() == 1
    assert calendar.banner_year() == 2027

    banner = tr(
        "The %(year)s public holidays are not entered: deadlines in %(year)s are estimated "
        "on weekends only."
    ) % {"year": 2027}
    client.force_login(world.county)
    assert banner in page_text(client.get(reverse("admin:index")))
    assert banner in page_text(admin_client.get(admin_url("petitions.Petition", "changelist")))
    # Not for a representative or a unit (no staff page of theirs), nor a citizen.
    client.force_login(world.rep_a_user)
    assert banner not in page_text(client.get(reverse("petitions:my_tasks")))
    client.logout()
    assert banner not in page_text(client.get("/"))


def test_the_beat_task_runs_it(world):
    # Today, whatever the date the suite runs on: the task says whether it sent.
    sent = tasks.remind_missing_calendar.delay().get()
    today = timezone.localdate()
    november = (today.month, today.day) >= calendar.WARN_FROM
    assert sent is november
    assert tasks.remind_missing_calendar.delay().get() is False  # once


def test_entering_next_year_ends_the_banner(world):
    calendar.calendar_missing_notify(today=date(2026, 11, 5))
    assert calendar.banner_year() == 2027
    calendar.calendar_year_save(
        year=2027,
        holidays=[HolidayRange("元旦", date(2027, 1, 1), date(2027, 1, 3))],
        workdays=[],
        actor=world.county,
    )
    assert calendar.calendar_missing_notify(today=date(2026, 11, 6)) is False
    assert calendar.banner_year() is None


# --- the weekends-only mark --------------------------------------------------------------------


def test_a_deadline_in_a_year_with_no_calendar_is_marked_on_every_page(client, world):
    petition, token = receive(world)
    to_step(world, petition, "assigned")
    # A deadline in 2099: no calendar entered for that year.
    Petition.objects.filter(pk=petition.pk).update(deadline=date(2099, 3, 2))
    workflow_deadline = date(2099, 3, 2)
    assert Calendar.from_db().is_estimated(workflow_deadline)
    assert not Calendar.from_db().is_estimated(date(2026, 3, 2))
    Petition.objects.filter(pk=petition.pk).update(deadline_estimated=True)

    client.force_login(world.unit_user)
    assert tr(MARK) in page_text(client.get(reverse("petitions:unit_list")))
    assert tr(MARK) in page_text(client.get(reverse("petitions:work_detail", args=[petition.pk])))
    client.force_login(world.rep_a_user)
    assert tr(MARK) in page_text(client.get(reverse("petitions:my_tasks")))
    client.logout()
    assert tr(MARK) in page_text(client.get(tracking_path(token)))


def test_the_workflow_marks_a_deadline_it_reckoned_on_weekends_only(world):
    # No calendar at all: every deadline is an estimate, and says so.
    CalendarDay.objects.all().delete()
    petition, _ = receive(world)
    assert petition.collect_by_estimated
    to_step(world, petition, "assigned")
    petition.refresh_from_db()
    assert petition.deadline_estimated


def test_entering_the_year_settles_the_estimates(world):
    CalendarDay.objects.filter(date__year=2026).delete()
    petition, _ = receive(world)
    to_step(world, petition, "assigned")
    # An estimated deadline on Thursday 1 October 2026 (a weekday: kept by the estimate).
    Petition.objects.filter(pk=petition.pk).update(
        deadline=date(2026, 10, 1), deadline_estimated=True
    )
    calendar.calendar_year_save(
        year=2026,
        holidays=[HolidayRange("国庆节", date(2026, 10, 1), date(2026, 10, 7))],
        workdays=[date(2026, 10, 10)],
        actor=world.county,
    )
    petition.refresh_from_db()
    assert (petition.deadline, petition.deadline_estimated) == (date(2026, 10, 8), False)


# --- the form ----------------------------------------------------------------------------------

NOTICE = {
    "year": "2027",
    "holidays": "元旦, 2027-01-01, 2027-01-03\n春节，2027-02-05，2027-02-13\n",
    "workdays": "2027-02-14、2027-02-20",
}


def test_county_staff_enter_a_year_in_one_go(client, world):
    client.force_login(world.county)
    response = client.post(reverse("petitions:staff_calendar"), NOTICE)
    assert response.status_code == 302
    days = CalendarDay.objects.filter(date__year=2027)
    assert days.filter(kind="holiday").count() == 3 + 9
    assert set(days.filter(kind="workday").values_list("date", flat=True)) == {
        date(2027, 2, 14),
        date(2027, 2, 20),
    }
    assert "2027" in page_text(client.get(reverse("petitions:staff_calendar")))
    # Again, corrected: replaces the year.
    client.post(reverse("petitions:staff_calendar"), {**NOTICE, "workdays": ""})
    assert not days.filter(kind="workday").exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        (
            "holidays",
            "元旦, 2027-01-03, 2027-01-01",
            "%(name)s: the first day is after the last day.",
        ),
        ("holidays", "元旦, 2026-12-31, 2027-01-01", "%(name)s: the dates must be in %(year)d."),
        (
            "holidays",
            "元旦, 2027-01-01, 2027-01-03\n假期, 2027-01-03, 2027-01-04",
            "%(a)s and %(b)s overlap.",
        ),
        ("holidays", "元旦 2027-01-01", "“%(line)s”: write a name, a first day and a last day."),
        (
            "holidays",
            "元旦, 2027-13-01, 2027-01-03",
            "“%(text)s” is not a date: write it as 2027-10-01.",
        ),
        ("workdays", "2026-12-26", "The make-up working day %(date)s is not in %(year)d."),
        ("workdays", "2027-01-02", "The make-up working day %(date)s falls in a holiday."),
    ],
)
def test_the_form_refuses_bad_dates_in_chinese_and_saves_nothing(
    client, world, field, value, message
):
    client.force_login(world.county)
    response = client.post(reverse("petitions:staff_calendar"), {**NOTICE, field: value})
    assert response.status_code == 400
    head = tr(message).split("%")[0].split("“")[0]
    assert head in page_text(response)
    assert not CalendarDay.objects.filter(date__year=2027).exists()


def test_only_county_staff_open_the_form(client, world):
    for user in (world.town_staff_a, world.rep_a_user, world.unit_user):
        client.force_login(user)
        assert client.get(reverse("petitions:staff_calendar")).status_code == 404
        assert client.post(reverse("petitions:staff_calendar"), NOTICE).status_code == 404
    assert not CalendarDay.objects.filter(date__year=2027).exists()


def test_check_year_needs_a_holiday():
    with pytest.raises(WorkflowError):
        calendar.check_year(year=2027, holidays=[], workdays=[])
    calendar.check_year(
        year=2027,
        holidays=[HolidayRange("元旦", date(2027, 1, 1), date(2027, 1, 1))],
        workdays=[date(2027, 1, 1) + timedelta(days=40)],
    )


def test_the_admin_index_links_county_staff_to_the_form(client, world):
    client.force_login(world.county)
    response = client.get(reverse("admin:index"))
    assert reverse("petitions:staff_calendar") in response.content.decode()
    client.force_login(world.town_staff_a)
    response = client.get(reverse("admin:index"))
    assert reverse("petitions:staff_calendar") not in response.content.decode()


def test_the_banner_links_to_the_form_for_county_staff_only(client, world):
    calendar.calendar_missing_notify(today=date(2026, 11, 5))
    form = reverse("petitions:staff_calendar")
    client.force_login(world.county)
    assert form in client.get(reverse("admin:index")).content.decode()
    client.force_login(world.town_staff_a)
    html = client.get(reverse("admin:index")).content.decode()
    assert tr("Enter the State Council's notice") not in html
    assert "2027" in page_text(html)


def test_the_form_refuses_a_holiday_longer_than_any_official_one(client, world):
    """QA: "国庆节 2027-01-01 2027-12-31" was saved as 365 holidays."""
    client.force_login(world.county)
    response = client.post(
        reverse("petitions:staff_calendar"),
        {**NOTICE, "holidays": "国庆节, 2027-01-01, 2027-12-31"},
    )
    assert response.status_code == 400
    assert "国庆节：共365天，长于任何法定假期，请核对日期。" in page_text(response)
    assert not CalendarDay.objects.filter(date__year=2027).exists()
