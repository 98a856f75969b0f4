"""Points in the administration, limited to the staff's scope: town staff work on the entries,
appeals, attendance and duty days of their own town's representatives and stations, as they
work on their town's concerns; county staff on everyone's. Out of scope is absent from the
lists and the choices, unreachable by id, untouched by the bulk actions, and its evidence is
a 404."""

from datetime import date, timedelta

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from demo.points import COUNTY_POINTS_PERMISSIONS, TOWN_POINTS_PERMISSIONS
from liaison.models import DutyDay, DutyShift, StaffScope, StationMembership
from points import access, services
from points.models import Activity, Attendance, PointEntry
from points.representative_forms import clean_evidence
from tests.base import make_representative, make_station, make_town, make_user
from tests.petitions.citizen_helpers import jpeg_bytes
from tests.points.admin_helpers import admin_url, duty_day_data, staff

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


@pytest.fixture
def world():
    """Two towns, a station and a representative with a claim, an appeal, an attendance and
    a duty day in each; town A's staff, and county staff."""
    rows = {}
    for key in ("a", "b"):
        town = make_town()
        station = make_station(town=town)
        rep = make_representative(station=station, user=make_user())
        appealed = claim(rep)
        services.point_entry_reject(entry=appealed, actor=None, reason="材料不全")
        appealed.refresh_from_db()
        rows[key] = {
            "town": town,
            "station": station,
            "rep": rep,
            "entry": claim(rep),
            "appeal": services.point_entry_appeal(entry=appealed, actor=None, text="已补充照片"),
            "day": duty_day(station, rep),
        }
    activity = Activity.objects.create(
        kind=Activity.Kind.SESSION, title="县十九届人大四次会议", date=date(YEAR, 1, 10)
    )
    for key in ("a", "b"):
        rows[key]["attendance"] = Attendance.objects.create(
            activity=activity, representative=rows[key]["rep"], status=Attendance.Status.PRESENT
        )
    rows["activity"] = activity
    rows["town_staff"] = staff(
        TOWN_POINTS_PERMISSIONS,
        "town points staff",
        level=StaffScope.Level.TOWN,
        town=rows["a"]["town"],
    )
    rows["county_staff"] = staff(
        COUNTY_POINTS_PERMISSIONS, "county points staff", level=StaffScope.Level.COUNTY
    )
    return rows


def _listed(client, model_name, **params):
    response = client.get(admin_url(model_name, "changelist"), params)
    assert response.status_code == 200
    return set(response.context["cl"].result_list)


LISTS = [
    ("pointentry", "entry", {"status__exact": "pending"}),
    ("appeal", "appeal", {}),
    ("dutyday", "day", {}),
    ("attendance", "attendance", {}),
]


# --- the lists ------------------------------------------------------------------------------


@pytest.mark.parametrize(("model_name", "key", "params"), LISTS)
def test_town_staff_list_only_their_towns_rows(client, world, model_name, key, params):
    client.force_login(world["town_staff"])
    assert _listed(client, model_name, **params) == {world["a"][key]}


@pytest.mark.parametrize(("model_name", "key", "params"), LISTS)
def test_county_staff_list_everyones_rows(client, world, model_name, key, params):
    client.force_login(world["county_staff"])
    assert _listed(client, model_name, **params) == {world["a"][key], world["b"][key]}


def test_town_staff_see_every_activity(client, world):
    # Sessions and meetings are the county's events, not a town's.
    client.force_login(world["town_staff"])
    assert _listed(client, "activity") == {world["activity"]}
    url = admin_url("activity", "change", world["activity"].pk)
    assert client.get(url).status_code == 200


def test_a_representative_seated_twice_in_the_town_is_listed_once(client, world):
    rep = world["a"]["rep"]
    StationMembership.objects.create(
        station=make_station(town=world["a"]["town"]), representative=rep
    )
    client.force_login(world["town_staff"])
    response = client.get(admin_url("pointentry", "changelist"), {"status__exact": "pending"})
    assert list(response.context["cl"].result_list) == [world["a"]["entry"]]
    assert response.context["cl"].result_count == 1


def test_station_staff_cover_their_station_and_its_representatives(client, world):
    neighbour = make_station(town=world["a"]["town"])
    neighbours_rep = make_representative(station=neighbour)
    neighbours_entry = claim(neighbours_rep)
    town_day = duty_day(neighbour, neighbours_rep)
    user = staff(
        TOWN_POINTS_PERMISSIONS,
        "town points staff",
        level=StaffScope.Level.STATION,
        station=world["a"]["station"],
    )
    client.force_login(user)
    entries = _listed(client, "pointentry", status__exact="pending")
    assert entries == {world["a"]["entry"]}
    assert neighbours_entry not in entries
    assert _listed(client, "dutyday") == {world["a"]["day"]}
    assert town_day not in _listed(client, "dutyday")


def test_staff_without_a_scope_list_nothing(client, world):
    user = staff(TOWN_POINTS_PERMISSIONS, "town points staff")
    client.force_login(user)
    for model_name, _key, params in LISTS:
        assert _listed(client, model_name, **params) == set(), model_name
    # The model permissions still open the pages: a scope limits rows, not the admin.
    assert client.get(admin_url("dutyday", "add")).status_code == 200
    assert not access.stations_for(user).exists()


# --- by id --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("model_name", "key"),
    [
        ("pointentry", "entry"),
        ("appeal", "appeal"),
        ("dutyday", "day"),
        ("attendance", "attendance"),
    ],
)
def test_town_staff_cannot_open_another_towns_row_by_id(client, world, model_name, key):
    client.force_login(world["town_staff"])
    assert client.get(admin_url(model_name, "change", world["a"][key].pk)).status_code == 200
    for view in ("change", "history"):
        response = client.get(admin_url(model_name, view, world["b"][key].pk))
        # Django's answer for an object outside get_queryset: back to the index, with a
        # message, as for an id that does not exist.
        assert response.status_code == 302, view
        assert response.url == reverse("admin:index")


def test_town_staff_cannot_change_another_towns_duty_day_by_posting(client, world):
    day = world["b"]["day"]
    client.force_login(world["town_staff"])
    response = client.post(
        admin_url("dutyday", "change", day.pk),
        duty_day_data(world["b"]["station"], day.date, [], hours="8:00–9:00"),
    )
    assert response.status_code == 302
    day.refresh_from_db()
    assert day.hours == "9:00–12:00"


# --- choices --------------------------------------------------------------------------------


def test_town_staff_choose_among_their_towns_stations_and_representatives(client, world):
    client.force_login(world["town_staff"])
    response = client.get(admin_url("dutyday", "add"))
    station_field = response.context["adminform"].form.fields["station"]
    assert set(station_field.queryset) == {world["a"]["station"]}
    (formset,) = response.context["inline_admin_formsets"]
    rep_field = formset.formset.forms[0].fields["representative"]
    assert set(rep_field.queryset) == {world["a"]["rep"]}
    # A plain list: the autocomplete would offer the whole county.
    assert "data-ajax--url" not in response.content.decode()


def test_county_staff_choose_among_every_station(client, world):
    client.force_login(world["county_staff"])
    response = client.get(admin_url("dutyday", "add"))
    station_field = response.context["adminform"].form.fields["station"]
    assert {world["a"]["station"], world["b"]["station"]} <= set(station_field.queryset)
    assert "data-ajax--url" in response.content.decode()


def test_town_staff_cannot_add_a_duty_day_at_another_towns_station(client, world):
    client.force_login(world["town_staff"])
    on = timezone.localdate() - timedelta(days=1)
    response = client.post(
        admin_url("dutyday", "add"), duty_day_data(world["b"]["station"], on, [])
    )
    assert response.status_code == 200
    assert "station" in response.context["adminform"].form.errors
    assert not DutyDay.objects.filter(date=on).exists()
    # Their own town's station is fine.
    response = client.post(
        admin_url("dutyday", "add"), duty_day_data(world["a"]["station"], on, [])
    )
    assert response.status_code == 302
    assert DutyDay.objects.get(date=on).station == world["a"]["station"]


def test_town_staff_cannot_move_their_duty_day_to_another_town(client, world):
    day = world["a"]["day"]
    client.force_login(world["town_staff"])
    response = client.post(
        admin_url("dutyday", "change", day.pk), duty_day_data(world["b"]["station"], day.date, [])
    )
    assert response.status_code == 200
    assert "station" in response.context["adminform"].form.errors
    day.refresh_from_db()
    assert day.station == world["a"]["station"]


def test_town_staff_cannot_put_another_towns_representative_on_a_roster(client, world):
    client.force_login(world["town_staff"])
    on = timezone.localdate() - timedelta(days=1)
    data = duty_day_data(
        world["a"]["station"], on, [{"representative": world["b"]["rep"].pk, "served": True}]
    )
    response = client.post(admin_url("dutyday", "add"), data)
    assert response.status_code == 200
    (formset,) = response.context["inline_admin_formsets"]
    assert "representative" in formset.formset.forms[0].errors
    assert not DutyDay.objects.filter(date=on).exists()
    assert DutyShift.objects.filter(representative=world["b"]["rep"]).count() == 1  # B's own


def test_who_is_already_on_the_roster_stays_a_choice(client, world):
    """Someone from another town sat a shift at town A's station: A's staff can still tick it."""
    day = world["a"]["day"]
    visitor = world["b"]["rep"]
    shift = DutyShift.objects.create(duty_day=day, representative=visitor, served=False)
    own = day.shifts.get(representative=world["a"]["rep"])
    rows = [
        {"id": own.pk, "duty_day": day.pk, "representative": world["a"]["rep"].pk, "served": True},
        {"id": shift.pk, "duty_day": day.pk, "representative": visitor.pk, "served": True},
    ]
    client.force_login(world["town_staff"])
    response = client.post(
        admin_url("dutyday", "change", day.pk), duty_day_data(day.station, day.date, rows)
    )
    assert response.status_code == 302
    shift.refresh_from_db()
    assert shift.served
    assert PointEntry.objects.filter(source="duty", source_id=shift.pk).exists()


# --- bulk actions ---------------------------------------------------------------------------


def test_a_bulk_approval_leaves_out_of_scope_entries_alone(client, world):
    user = world["town_staff"]
    user.user_permissions.add(Permission.objects.get(codename="change_pointentry"))
    ours, theirs = world["a"]["entry"], world["b"]["entry"]
    client.force_login(user)
    response = client.post(
        admin_url("pointentry", "changelist"),
        {"action": "approve_selected", ACTION_CHECKBOX_NAME: [ours.pk, theirs.pk]},
    )
    assert response.status_code == 302
    ours.refresh_from_db()
    theirs.refresh_from_db()
    assert (ours.status, theirs.status) == ("approved", "pending")

    # An out-of-scope id alone selects nothing.
    other = claim(world["b"]["rep"])
    for action, extra in [
        ("approve_selected", {}),
        ("reject_selected", {"post": "yes", "reason": "x"}),
    ]:
        client.post(
            admin_url("pointentry", "changelist"),
            {"action": action, ACTION_CHECKBOX_NAME: [other.pk], **extra},
        )
        other.refresh_from_db()
        assert other.status == "pending", action


def test_cancelling_duty_days_in_bulk_leaves_other_towns_days_alone(client, world):
    client.force_login(world["town_staff"])
    ours, theirs = world["a"]["day"], world["b"]["day"]
    response = client.post(
        admin_url("dutyday", "changelist"),
        {"action": "cancel_duty_days", ACTION_CHECKBOX_NAME: [ours.pk, theirs.pk]},
    )
    assert response.status_code == 302
    ours.refresh_from_db()
    theirs.refresh_from_db()
    assert (ours.is_cancelled, theirs.is_cancelled) == (True, False)
    assert PointEntry.objects.filter(source="duty", representative=world["b"]["rep"]).exists()


# --- evidence -------------------------------------------------------------------------------


def _evidence(client, entry):
    return client.get(reverse("points:evidence", args=[entry.pk]))


def test_town_staff_open_only_their_towns_evidence(client, world):
    client.force_login(world["town_staff"])
    assert _evidence(client, world["a"]["entry"]).status_code == 200
    assert _evidence(client, world["b"]["entry"]).status_code == 404


def test_county_staff_and_the_owner_open_the_evidence(client, world):
    entry = world["b"]["entry"]
    for user in (world["county_staff"], world["b"]["rep"].user):
        client.force_login(user)
        assert _evidence(client, entry).status_code == 200, user
    client.force_login(world["a"]["rep"].user)
    assert _evidence(client, entry).status_code == 404


# --- queries --------------------------------------------------------------------------------

# session and user; the user's permissions and group permissions; the staff scope; the
# count of entries (filtered and in all); the page of entries with their representatives
# and rules; the years for the year filter.
TOWN_ENTRY_LIST_QUERIES = 2 + 2 + 1 + 2 + 1 + 1
# session and user; permissions; scope; the towns for the town filter; the count (filtered
# and in all); the page; the rosters; the first and last date and the months for the date
# hierarchy.
TOWN_DUTY_DAY_LIST_QUERIES = 2 + 2 + 1 + 1 + 2 + 1 + 1 + 2


@pytest.mark.parametrize("rows", ROWS)
def test_town_staff_list_entries_in_constant_queries(
    client, world, django_assert_num_queries, rows
):
    for _ in range(rows):
        claim(make_representative(station=world["a"]["station"], user=make_user()))
        claim(make_representative(station=world["b"]["station"], user=make_user()))
    client.force_login(world["town_staff"])
    with django_assert_num_queries(TOWN_ENTRY_LIST_QUERIES):
        response = client.get(admin_url("pointentry", "changelist"))
    assert response.context["cl"].result_count == rows + 3  # and A's claim, appeal, duty


@pytest.mark.parametrize("rows", ROWS)
def test_town_staff_list_duty_days_in_constant_queries(
    client, world, django_assert_num_queries, rows
):
    for index in range(rows):
        for key in ("a", "b"):
            duty_day(
                world[key]["station"], make_representative(), date(YEAR, 3, 1) + timedelta(index)
            )
    client.force_login(world["town_staff"])
    with django_assert_num_queries(TOWN_DUTY_DAY_LIST_QUERIES):
        response = client.get(admin_url("dutyday", "changelist"))
    assert response.context["cl"].result_count == rows + 1
