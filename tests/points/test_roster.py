"""The duty roster (issue #4, item 2): planned in advance, visible to the representatives on
their task list and on the station's public page (names only), in constant queries."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from liaison.models import DutyDay, DutyShift
from tests.base import make_representative, make_station, make_world
from tests.helpers import page_text, tr

pytestmark = pytest.mark.django_db

ROWS = [1, 50]
SESSION_AND_USER = 2
# roles (scope, representative, memberships, units), the section counts, four sections,
# the duty hours, the next duty days, the unread notices in the header.
MY_TASKS_QUERIES = SESSION_AND_USER + 4 + 1 + 4 + 1 + 1 + 1
# the station, its stars, its memberships, its next duty days, their rosters
STATION_PAGE_QUERIES = 7  # … its active grids and the rhythm's themes of today


def today():
    return timezone.localdate()


def on_roster(rep, station, days_ahead, **day_fields):
    day, _ = DutyDay.objects.get_or_create(
        station=station, date=today() + timedelta(days=days_ahead), defaults=day_fields
    )
    return DutyShift.objects.create(duty_day=day, representative=rep)


@pytest.fixture
def world():
    return make_world()


# --- the representative's task list ---------------------------------------------------------------


def test_the_task_list_shows_my_next_duty_days(client, world):
    station = world.station_a
    mine = on_roster(world.rep_a, station, 6, hours="14:00–17:00")
    on_roster(world.rep_a, make_station(name="远山站"), 0)  # today still counts
    on_roster(world.rep_a, make_station(name="往日站"), -1)
    on_roster(world.rep_a, make_station(name="取消站"), 3, is_cancelled=True)
    on_roster(world.rep_b, make_station(name="他人站"), 2)
    client.force_login(world.rep_a_user)
    response = client.get(reverse("petitions:my_tasks"))
    shifts = list(response.context["duty_shifts"])
    assert [s.duty_day.station.name for s in shifts] == ["远山站", station.name]
    text = page_text(response)
    assert tr("My next duty days") in text
    assert mine.duty_day.date.strftime("%Y-%m-%d") in text
    assert "14:00–17:00" in text
    for absent in ("往日站", "取消站", "他人站"):
        assert absent not in text


def test_the_task_list_says_when_no_duty_day_is_planned(client, world):
    client.force_login(world.rep_a_user)
    text = page_text(client.get(reverse("petitions:my_tasks")))
    assert tr("No duty day is on the roster for you yet.") in text


@pytest.mark.parametrize("rows", ROWS)
def test_the_task_list_shows_the_roster_in_constant_queries(
    client, world, django_assert_num_queries, rows
):
    for index in range(rows):
        on_roster(world.rep_a, make_station(), index + 1)
    client.force_login(world.rep_a_user)
    with django_assert_num_queries(MY_TASKS_QUERIES):
        response = client.get(reverse("petitions:my_tasks"))
    assert len(response.context["duty_shifts"]) == min(rows, 10)


# --- the station's public page --------------------------------------------------------------------


def test_the_station_page_lists_the_roster_by_name(client):
    station = make_station(name="金米村联络站")
    first = make_representative(name="吴代表", station=station, mobile="13912345678")
    second = make_representative(name="郑代表", station=station)
    retired = make_representative(name="冯代表", is_active=False)
    on_roster(first, station, 5)
    on_roster(second, station, 5)
    on_roster(retired, station, 5)
    on_roster(second, station, 35)
    on_roster(first, station, -2)  # past
    cancelled = on_roster(second, station, 12, is_cancelled=True)
    on_roster(first, make_station(), 7)  # another station's day
    response = client.get(station.get_absolute_url())
    days = response.context["duty_days"]
    assert [d.date for d in days] == [today() + timedelta(days=5), today() + timedelta(days=35)]
    assert [[s.representative.name for s in d.roster] for d in days] == [
        ["吴代表", "郑代表"],
        ["郑代表"],
    ]
    text = page_text(response)
    assert tr("Next duty days") in text
    assert (today() + timedelta(days=5)).strftime("%Y-%m-%d") in text
    assert cancelled.duty_day.date.strftime("%Y-%m-%d") not in text
    assert "冯代表" not in text
    assert "13912345678" not in response.content.decode()


def test_the_station_page_says_when_no_duty_day_is_planned(client):
    station = make_station()
    assert tr("No duty day is planned yet.") in page_text(client.get(station.get_absolute_url()))


def test_the_station_page_shows_a_day_whose_roster_is_not_yet_set(client):
    station = make_station()
    DutyDay.objects.create(station=station, date=today() + timedelta(days=9))
    assert tr("The roster is not yet set.") in page_text(client.get(station.get_absolute_url()))


@pytest.mark.parametrize("rows", ROWS)
def test_the_station_page_shows_the_roster_in_constant_queries(
    client, django_assert_num_queries, rows
):
    station = make_station()
    for index in range(rows):
        rep = make_representative(station=station)
        on_roster(rep, station, 1 + index % 4)
    with django_assert_num_queries(STATION_PAGE_QUERIES):
        response = client.get(station.get_absolute_url())
    assert sum(len(d.roster) for d in response.context["duty_days"]) == rows
    with django_assert_num_queries(STATION_PAGE_QUERIES):
        client.get(station.get_qr_path())
