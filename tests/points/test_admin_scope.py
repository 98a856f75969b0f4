"""Points in the administration, limited to the staff's scope: town staff work on the entries,
appeals, attendance and duty days of their own town's representatives and stations, as they
work on their town's concerns; county staff on everyone's. Out of scope is absent from the
lists and the choices, unreachable by id, untouched by the bulk actions, and its evidence is
a 404."""

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from demo.logins import staff_group
from demo.points import TOWN_POINTS_PERMISSIONS
from liaison.models import Activity, DutyDay, DutyShift, StaffScope, StationMembership
from points import access, services
from points.models import Appeal, Attendance, PointEntry
from points.representative_forms import clean_evidence
from tests.base import World, make_representative, make_staff, make_station, make_user, make_world
from tests.helpers import admin_url, duty_day_data, jpeg_bytes

pytestmark = pytest.mark.django_db

YEAR = 2025
ROWS = [1, 30]


def claim(rep, on=None):
    """A pending claim with a photo, as a representative makes it."""
    on = on or timezone.localdate()
    return services.point_entry_claim(
        representative=rep,
        rule=services.rule_for("deed", on.year),
        on=on,
        quantity=1,
        description="调解邻里纠纷一起",
        evidence=clean_evidence(jpeg_bytes()),
        actor=rep.user,
    )


def duty_day(station, rep, on=date(YEAR, 2, 15)):
    day = DutyDay.objects.create(station=station, date=on)
    shift = DutyShift.objects.create(duty_day=day, representative=rep, served=True)
    services.duty_shift_sync(shift=shift)
    return day


@dataclass
class Scene(World):
    """The world with, for each town, a claim, an appeal, an attendance and a duty day."""

    entry_a: PointEntry = None
    entry_b: PointEntry = None
    appeal_a: Appeal = None
    appeal_b: Appeal = None
    attendance_a: Attendance = None
    attendance_b: Attendance = None
    day_a: DutyDay = None
    day_b: DutyDay = None
    activity: Activity = None


def row(world, key, town):
    """``world``'s ``key`` ("entry", "appeal", "day", "attendance") of town ``town``."""
    return getattr(world, f"{key}_{town}")


@pytest.fixture
def world():
    """Town A's and town B's representatives with a claim, an appeal, an attendance at one
    session and a duty day each; the demo's town staff of A and county staff (the clerks)."""
    world = Scene(**vars(make_world(clerks=True)))
    world.activity = Activity.objects.create(
        kind=Activity.Kind.SESSION, title="县十九届人大四次会议", date=date(YEAR, 1, 10)
    )
    for town in ("a", "b"):
        rep, station = row(world, "rep", town), row(world, "station", town)
        appealed = claim(rep)
        services.point_entry_reject(entry=appealed, actor=None, reason="材料不全")
        appealed.refresh_from_db()
        vars(world).update(
            {
                f"entry_{town}": claim(rep),
                f"appeal_{town}": services.point_entry_appeal(
                    entry=appealed, actor=None, text="已补充照片"
                ),
                f"day_{town}": duty_day(station, rep),
            }
        )
    for town in ("a", "b"):
        vars(world)[f"attendance_{town}"] = Attendance.objects.create(
            activity=world.activity,
            representative=row(world, "rep", town),
            status=Attendance.Status.PRESENT,
        )
    return world


def town_points_staff(**scope):
    """Staff of a group with the demo's town points permissions only, with ``scope``."""
    return make_staff(group=staff_group("town points staff", TOWN_POINTS_PERMISSIONS), **scope)


def _listed(client, model, **params):
    response = client.get(admin_url(model, "changelist"), params)
    assert response.status_code == 200
    return set(response.context["cl"].result_list)


LISTS = [
    ("points.PointEntry", "entry", {"status__exact": "pending"}),
    ("points.Appeal", "appeal", {}),
    ("liaison.DutyDay", "day", {}),
    ("points.Attendance", "attendance", {}),
]


# --- the lists ------------------------------------------------------------------------------


@pytest.mark.parametrize(("model_name", "key", "params"), LISTS)
def test_town_staff_list_only_their_towns_rows(client, world, model_name, key, params):
    client.force_login(world.town_clerk_a)
    assert _listed(client, model_name, **params) == {row(world, key, "a")}


@pytest.mark.parametrize(("model_name", "key", "params"), LISTS)
def test_county_staff_list_everyones_rows(client, world, model_name, key, params):
    client.force_login(world.county_clerk)
    assert _listed(client, model_name, **params) == {row(world, key, "a"), row(world, key, "b")}


def test_town_staff_see_every_activity(client, world):
    # Sessions and meetings are the county's events, not a town's.
    client.force_login(world.town_clerk_a)
    assert _listed(client, "liaison.Activity") == {world.activity}
    url = admin_url("liaison.Activity", "change", world.activity.pk)
    assert client.get(url).status_code == 200


def test_a_representative_seated_twice_in_the_town_is_listed_once(client, world):
    rep = world.rep_a
    StationMembership.objects.create(station=make_station(town=world.town_a), representative=rep)
    client.force_login(world.town_clerk_a)
    response = client.get(
        admin_url("points.PointEntry", "changelist"), {"status__exact": "pending"}
    )
    assert list(response.context["cl"].result_list) == [world.entry_a]
    assert response.context["cl"].result_count == 1


def test_station_staff_cover_their_station_and_its_representatives(client, world):
    neighbour = make_station(town=world.town_a)
    neighbours_rep = make_representative(station=neighbour)
    neighbours_entry = claim(neighbours_rep)
    town_day = duty_day(neighbour, neighbours_rep)
    user = town_points_staff(level=StaffScope.Level.STATION, station=world.station_a)
    client.force_login(user)
    entries = _listed(client, "points.PointEntry", status__exact="pending")
    assert entries == {world.entry_a}
    assert neighbours_entry not in entries
    assert _listed(client, "liaison.DutyDay") == {world.day_a}
    assert town_day not in _listed(client, "liaison.DutyDay")


def test_staff_without_a_scope_list_nothing(client, world):
    user = town_points_staff()
    client.force_login(user)
    for model_name, _key, params in LISTS:
        assert _listed(client, model_name, **params) == set(), model_name
    # The model permissions still open the pages: a scope limits rows, not the admin.
    assert client.get(admin_url("liaison.DutyDay", "add")).status_code == 200
    assert not access.stations_for(user).exists()


# --- by id --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("model_name", "key"),
    [
        ("points.PointEntry", "entry"),
        ("points.Appeal", "appeal"),
        ("liaison.DutyDay", "day"),
        ("points.Attendance", "attendance"),
    ],
)
def test_town_staff_cannot_open_another_towns_row_by_id(client, world, model_name, key):
    client.force_login(world.town_clerk_a)
    assert client.get(admin_url(model_name, "change", row(world, key, "a").pk)).status_code == 200
    for view in ("change", "history"):
        response = client.get(admin_url(model_name, view, row(world, key, "b").pk))
        # Django's answer for an object outside get_queryset: back to the index, with a
        # message, as for an id that does not exist.
        assert response.status_code == 302, view
        assert response.url == reverse("admin:index")


def test_town_staff_cannot_change_another_towns_duty_day_by_posting(client, world):
    day = world.day_b
    client.force_login(world.town_clerk_a)
    response = client.post(
        admin_url("liaison.DutyDay", "change", day.pk),
        duty_day_data(world.station_b, day.date, [], hours="8:00–9:00"),
    )
    assert response.status_code == 302
    day.refresh_from_db()
    assert day.hours == "9:00–12:00"


# --- choices --------------------------------------------------------------------------------


def test_town_staff_choose_among_their_towns_stations_and_representatives(client, world):
    client.force_login(world.town_clerk_a)
    response = client.get(admin_url("liaison.DutyDay", "add"))
    station_field = response.context["adminform"].form.fields["station"]
    assert set(station_field.queryset) == {world.station_a}
    (formset,) = response.context["inline_admin_formsets"]
    rep_field = formset.formset.forms[0].fields["representative"]
    assert set(rep_field.queryset) == {world.rep_a}
    # A plain list: the autocomplete would offer the whole county.
    assert "data-ajax--url" not in response.content.decode()


def test_county_staff_choose_among_every_station(client, world):
    client.force_login(world.county_clerk)
    response = client.get(admin_url("liaison.DutyDay", "add"))
    station_field = response.context["adminform"].form.fields["station"]
    assert {world.station_a, world.station_b} <= set(station_field.queryset)
    assert "data-ajax--url" in response.content.decode()


def test_town_staff_cannot_add_a_duty_day_at_another_towns_station(client, world):
    client.force_login(world.town_clerk_a)
    on = timezone.localdate() - timedelta(days=1)
    response = client.post(
        admin_url("liaison.DutyDay", "add"), duty_day_data(world.station_b, on, [])
    )
    assert response.status_code == 200
    assert "station" in response.context["adminform"].form.errors
    assert not DutyDay.objects.filter(date=on).exists()
    # Their own town's station is fine.
    response = client.post(
        admin_url("liaison.DutyDay", "add"), duty_day_data(world.station_a, on, [])
    )
    assert response.status_code == 302
    assert DutyDay.objects.get(date=on).station == world.station_a


def test_town_staff_cannot_move_their_duty_day_to_another_town(client, world):
    day = world.day_a
    client.force_login(world.town_clerk_a)
    response = client.post(
        admin_url("liaison.DutyDay", "change", day.pk),
        duty_day_data(world.station_b, day.date, []),
    )
    assert response.status_code == 200
    assert "station" in response.context["adminform"].form.errors
    day.refresh_from_db()
    assert day.station == world.station_a


def test_town_staff_cannot_put_another_towns_representative_on_a_roster(client, world):
    client.force_login(world.town_clerk_a)
    on = timezone.localdate() - timedelta(days=1)
    data = duty_day_data(world.station_a, on, [{"representative": world.rep_b.pk, "served": True}])
    response = client.post(admin_url("liaison.DutyDay", "add"), data)
    assert response.status_code == 200
    (formset,) = response.context["inline_admin_formsets"]
    assert "representative" in formset.formset.forms[0].errors
    assert not DutyDay.objects.filter(date=on).exists()
    assert DutyShift.objects.filter(representative=world.rep_b).count() == 1  # B's own


def test_who_is_already_on_the_roster_stays_a_choice(client, world):
    """Someone from another town sat a shift at town A's station: A's staff can still tick it."""
    day = world.day_a
    visitor = world.rep_b
    shift = DutyShift.objects.create(duty_day=day, representative=visitor, served=False)
    own = day.shifts.get(representative=world.rep_a)
    rows = [
        {"id": own.pk, "duty_day": day.pk, "representative": world.rep_a.pk, "served": True},
        {"id": shift.pk, "duty_day": day.pk, "representative": visitor.pk, "served": True},
    ]
    client.force_login(world.town_clerk_a)
    response = client.post(
        admin_url("liaison.DutyDay", "change", day.pk), duty_day_data(day.station, day.date, rows)
    )
    assert response.status_code == 302
    shift.refresh_from_db()
    assert shift.served
    assert PointEntry.objects.filter(source="duty", source_id=shift.pk).exists()


# --- bulk actions ---------------------------------------------------------------------------


def test_a_bulk_approval_leaves_out_of_scope_entries_alone(client, world):
    user = world.town_clerk_a
    user.user_permissions.add(Permission.objects.get(codename="change_pointentry"))
    ours, theirs = world.entry_a, world.entry_b
    client.force_login(user)
    response = client.post(
        admin_url("points.PointEntry", "changelist"),
        {"action": "approve_selected", ACTION_CHECKBOX_NAME: [ours.pk, theirs.pk]},
    )
    assert response.status_code == 302
    ours.refresh_from_db()
    theirs.refresh_from_db()
    assert (ours.status, theirs.status) == ("approved", "pending")

    # An out-of-scope id alone selects nothing.
    other = claim(world.rep_b)
    for action, extra in [
        ("approve_selected", {}),
        ("reject_selected", {"post": "yes", "reason": "x"}),
    ]:
        client.post(
            admin_url("points.PointEntry", "changelist"),
            {"action": action, ACTION_CHECKBOX_NAME: [other.pk], **extra},
        )
        other.refresh_from_db()
        assert other.status == "pending", action


def test_cancelling_duty_days_in_bulk_leaves_other_towns_days_alone(client, world):
    client.force_login(world.town_clerk_a)
    ours, theirs = world.day_a, world.day_b
    response = client.post(
        admin_url("liaison.DutyDay", "changelist"),
        {"action": "cancel_duty_days", ACTION_CHECKBOX_NAME: [ours.pk, theirs.pk]},
    )
    assert response.status_code == 302
    ours.refresh_from_db()
    theirs.refresh_from_db()
    assert (ours.is_cancelled, theirs.is_cancelled) == (True, False)
    assert PointEntry.objects.filter(source="duty", representative=world.rep_b).exists()


# --- evidence -------------------------------------------------------------------------------


def _evidence(client, entry):
    return client.get(reverse("points:evidence", args=[entry.pk]))


def test_town_staff_open_only_their_towns_evidence(client, world):
    client.force_login(world.town_clerk_a)
    assert _evidence(client, world.entry_a).status_code == 200
    assert _evidence(client, world.entry_b).status_code == 404


def test_county_staff_and_the_owner_open_the_evidence(client, world):
    entry = world.entry_b
    for user in (world.county_clerk, world.rep_b.user):
        client.force_login(user)
        assert _evidence(client, entry).status_code == 200, user
    client.force_login(world.rep_a.user)
    assert _evidence(client, entry).status_code == 404


# --- queries --------------------------------------------------------------------------------

# session and user; the user's permissions and group permissions; the staff scope; the
# count of entries (the filtered one only: a long list shows no second, unfiltered count);
# the page of entries with their representatives and rules; the first and last date for
# the year filter.
TOWN_ENTRY_LIST_QUERIES = 2 + 2 + 1 + 1 + 1 + 1
# session and user; permissions; scope; the towns for the town filter; the count (filtered
# and in all); the page; the rosters; the first and last date for the year filter.
TOWN_DUTY_DAY_LIST_QUERIES = 2 + 2 + 1 + 1 + 2 + 1 + 1 + 1


@pytest.mark.parametrize("rows", ROWS)
def test_town_staff_list_entries_in_constant_queries(
    client, world, django_assert_num_queries, rows
):
    for _ in range(rows):
        claim(make_representative(station=world.station_a, user=make_user()))
        claim(make_representative(station=world.station_b, user=make_user()))
    client.force_login(world.town_clerk_a)
    with django_assert_num_queries(TOWN_ENTRY_LIST_QUERIES):
        response = client.get(admin_url("points.PointEntry", "changelist"))
    assert response.context["cl"].result_count == rows + 3  # and A's claim, appeal, duty


@pytest.mark.parametrize("rows", ROWS)
def test_town_staff_list_duty_days_in_constant_queries(
    client, world, django_assert_num_queries, rows
):
    for index in range(rows):
        for key in ("a", "b"):
            duty_day(
                row(world, "station", key),
                make_representative(),
                date(YEAR, 3, 1) + timedelta(index),
            )
    client.force_login(world.town_clerk_a)
    with django_assert_num_queries(TOWN_DUTY_DAY_LIST_QUERIES):
        response = client.get(admin_url("liaison.DutyDay", "changelist"))
    assert response.context["cl"].result_count == rows + 1
