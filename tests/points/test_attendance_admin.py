"""An activity's attendance list in the administration: town staff see and touch only the
rows of the representatives their work covers (excuses tell of illness and family); nobody
is present at or absent from an activity still to come, and an activity whose attendance
says so cannot be moved there; a representative listed twice is told in words."""

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django import forms
from django.contrib.admin.widgets import AutocompleteSelect
from django.utils import timezone

from demo.logins import staff_group
from demo.points import TOWN_POINTS_PERMISSIONS
from liaison.models import Activity, DutyDay, StaffScope
from points import services
from points.models import Attendance, PointEntry
from tests.base import World, make_representative, make_staff, make_user, make_world
from tests.helpers import admin_form_data, admin_url, duty_day_data, page_text, tr

pytestmark = pytest.mark.django_db

PAST = date(2025, 1, 10)
ILLNESS = "住院治疗"
FUTURE_ROW = (
    "An activity still to come has nobody present or absent yet: record that on the day or "
    "after. Only an excuse can be recorded in advance."
)
FUTURE_MOVE = (
    "Attendance of this activity is marked present or absent, so it cannot be moved to a "
    "date still to come."
)
ACTIVITY_DUPLICATE = "A representative can be listed only once per activity."
DUTY_DAY_DUPLICATE = "A representative can be listed only once per duty day."

# Town staff as the demo has them, and with the rights to edit an activity's list as well.
TOWN_EDITING_PERMISSIONS = {
    "points": {
        **TOWN_POINTS_PERMISSIONS["points"],
        "attendance": ["view", "add", "change", "delete"],
    },
    "liaison": {**TOWN_POINTS_PERMISSIONS["liaison"], "activity": ["view", "change"]},
}


def future(days=7):
    return timezone.localdate() + timedelta(days=days)


@dataclass
class Scene(World):
    """The world with a meeting in the past, where A's representative was present and B's
    excused for an illness."""

    activity: Activity = None
    attendance_a: Attendance = None
    attendance_b: Attendance = None
    town_editor: object = None
    superuser: object = None


@pytest.fixture
def world():
    """The meeting; the demo's staff of town A (the clerk) and of the county, town A's staff
    who may also edit an activity's list, and a superuser."""
    world = Scene(**vars(make_world(clerks=True)))
    world.activity = Activity.objects.create(
        kind=Activity.Kind.STANDING_MEETING, title="常委会第十次会议", date=PAST
    )
    world.attendance_a = Attendance.objects.create(
        activity=world.activity, representative=world.rep_a, status=Attendance.Status.PRESENT
    )
    world.attendance_b = Attendance.objects.create(
        activity=world.activity,
        representative=world.rep_b,
        status=Attendance.Status.EXCUSED,
        excuse=ILLNESS,
    )
    services.activity_sync(activity=world.activity)
    world.town_editor = make_staff(
        group=staff_group("town points editors", TOWN_EDITING_PERMISSIONS),
        level=StaffScope.Level.TOWN,
        town=world.town_a,
    )
    world.superuser = make_user(superuser=True)
    return world


def _row(attendance, **changes):
    row = {
        "id": attendance.pk,
        "activity": attendance.activity_id,
        "representative": attendance.representative_id,
        "status": attendance.status,
        "excuse": attendance.excuse,
        "excuse_approved": attendance.excuse_approved,
    }
    row.update(changes)
    return row


def _activity_data(activity, rows, **fields):
    shown = {
        "kind": activity.kind,
        "title": activity.title,
        "date": activity.date.isoformat(),
        "place": activity.place,
        "organiser": activity.organiser,
    }
    return admin_form_data(shown, "attendances", rows, **fields)


def _new_activity(**fields):
    data = {
        "kind": Activity.Kind.STANDING_MEETING,
        "title": "常委会第十二次会议",
        "date": future(),
        "place": "县人大会议室",
        "organiser": "县人大常委会办公室",
    }
    data.update(fields)
    return Activity(**data)


def _inline(response):
    (formset,) = response.context["inline_admin_formsets"]
    return formset.formset


# --- whose attendance the activity page shows -----------------------------------------------


def test_town_staff_see_only_their_towns_attendance_on_the_activity_page(client, world):
    client.force_login(world.town_clerk_a)
    response = client.get(admin_url("liaison.Activity", "change", world.activity.pk))
    assert response.status_code == 200
    assert set(_inline(response).queryset) == {world.attendance_a}
    text = page_text(response)
    assert world.rep_a.name in text
    assert world.rep_b.name not in text
    assert ILLNESS not in response.content.decode()


@pytest.mark.parametrize("who", ["county_clerk", "superuser"])
def test_county_staff_see_the_whole_attendance_list(client, world, who):
    client.force_login(getattr(world, who))
    response = client.get(admin_url("liaison.Activity", "change", world.activity.pk))
    assert set(_inline(response).queryset) == {
        world.attendance_a,
        world.attendance_b,
    }
    assert ILLNESS in response.content.decode()


def test_town_staff_choose_among_their_towns_representatives_from_a_plain_list(client, world):
    client.force_login(world.town_editor)
    response = client.get(admin_url("liaison.Activity", "change", world.activity.pk))
    field = _inline(response).forms[0].fields["representative"]
    assert set(field.queryset) == {world.rep_a}
    # The autocomplete is answered by the liaison admin, which lists the whole county.
    assert not isinstance(field.widget.widget, AutocompleteSelect)
    assert isinstance(field.widget.widget, forms.Select)


def test_county_staff_keep_the_autocomplete(client, world):
    client.force_login(world.county_clerk)
    response = client.get(admin_url("liaison.Activity", "change", world.activity.pk))
    field = _inline(response).forms[0].fields["representative"]
    assert isinstance(field.widget.widget, AutocompleteSelect)


def test_town_staff_cannot_alter_another_towns_row_by_posting_its_id(client, world):
    theirs = world.attendance_b
    client.force_login(world.town_editor)
    url = admin_url("liaison.Activity", "change", world.activity.pk)
    for changed in ({"status": "absent", "excuse": ""}, {"representative": world.rep_a.pk}):
        rows = [_row(world.attendance_a), _row(theirs, **changed)]
        client.post(url, _activity_data(world.activity, rows))
    deleting = [_row(world.attendance_a), _row(theirs, DELETE=True)]
    client.post(url, _activity_data(world.activity, deleting))
    theirs.refresh_from_db()
    assert (theirs.representative, theirs.status, theirs.excuse) == (
        world.rep_b,
        Attendance.Status.EXCUSED,
        ILLNESS,
    )


def test_town_staff_cannot_add_another_towns_representative(client, world):
    outsider = make_representative(station=world.station_b)
    client.force_login(world.town_editor)
    rows = [_row(world.attendance_a), {"representative": outsider.pk, "status": "present"}]
    response = client.post(
        admin_url("liaison.Activity", "change", world.activity.pk),
        _activity_data(world.activity, rows),
    )
    assert response.status_code == 200
    assert "representative" in _inline(response).forms[1].errors
    assert not Attendance.objects.filter(representative=outsider).exists()
    # Their own town's representative is fine.
    neighbour = make_representative(station=world.station_a)
    rows[1]["representative"] = neighbour.pk
    response = client.post(
        admin_url("liaison.Activity", "change", world.activity.pk),
        _activity_data(world.activity, rows),
    )
    assert response.status_code == 302
    assert world.activity.attendances.filter(representative=neighbour).exists()
    assert world.activity.attendances.count() == 3


# --- nobody is present at what has not happened yet ---------------------------------------------


@pytest.mark.parametrize("status", ["present", "absent"])
def test_nobody_is_present_or_absent_at_an_activity_still_to_come(client, world, status):
    rep = world.rep_a
    client.force_login(world.superuser)
    response = client.post(
        admin_url("liaison.Activity", "add"),
        _activity_data(_new_activity(), [{"representative": rep.pk, "status": status}]),
    )
    assert response.status_code == 200
    assert "status" in _inline(response).forms[0].errors
    assert tr(FUTURE_ROW) in page_text(response)
    assert not Activity.objects.filter(date__gt=timezone.localdate()).exists()
    assert not PointEntry.objects.filter(date__gt=timezone.localdate()).exists()


def test_an_excuse_is_recorded_in_advance(client, world):
    rep = world.rep_a
    client.force_login(world.superuser)
    row = {"representative": rep.pk, "status": "excused", "excuse": "外出学习"}
    response = client.post(
        admin_url("liaison.Activity", "add"), _activity_data(_new_activity(), [row])
    )
    assert response.status_code == 302
    assert Attendance.objects.get(activity__date=future()).status == Attendance.Status.EXCUSED


def test_attendance_is_recorded_on_the_day(client, world):
    rep = world.rep_a
    client.force_login(world.superuser)
    today = _new_activity(date=timezone.localdate())
    response = client.post(
        admin_url("liaison.Activity", "add"),
        _activity_data(today, [{"representative": rep.pk, "status": "present"}]),
    )
    assert response.status_code == 302
    assert PointEntry.objects.filter(date=timezone.localdate(), representative=rep).exists()


def test_the_attendance_page_refuses_present_for_an_activity_still_to_come(client, world):
    activity = _new_activity()
    activity.save()
    excused = Attendance.objects.create(
        activity=activity, representative=world.rep_a, status="excused", excuse="出差"
    )
    client.force_login(world.superuser)
    response = client.post(
        admin_url("points.Attendance", "change", excused.pk),
        {"status": "present", "excuse": "", "_save": "1"},
    )
    assert response.status_code == 200
    assert tr(FUTURE_ROW) in page_text(response)
    excused.refresh_from_db()
    assert excused.status == Attendance.Status.EXCUSED
    assert not PointEntry.objects.filter(source_id=excused.pk, points__gt=0).exists()


def test_an_activity_with_attendance_cannot_move_into_the_future(client, world):
    activity = world.activity
    client.force_login(world.superuser)
    rows = [_row(world.attendance_a), _row(world.attendance_b)]
    response = client.post(
        admin_url("liaison.Activity", "change", activity.pk),
        _activity_data(activity, rows, date=future().isoformat()),
    )
    assert response.status_code == 200
    assert tr(FUTURE_ROW) in page_text(response)
    activity.refresh_from_db()
    assert activity.date == PAST
    entry = PointEntry.objects.get(source_id=world.attendance_a.pk)
    assert entry.date == PAST


def test_an_activity_moves_into_the_future_once_its_list_holds_only_excuses(client, world):
    activity = world.activity
    client.force_login(world.superuser)
    rows = [
        _row(world.attendance_a, status="excused", excuse="改期后出差"),
        _row(world.attendance_b),
    ]
    response = client.post(
        admin_url("liaison.Activity", "change", activity.pk),
        _activity_data(activity, rows, date=future().isoformat()),
    )
    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.date == future()
    assert not PointEntry.objects.filter(source_id=world.attendance_a.pk, points__gt=0).exists()


def test_rows_town_staff_cannot_see_still_keep_the_activity_in_the_past(client, world):
    activity = world.activity
    world.attendance_a.delete()
    world.attendance_b.status = Attendance.Status.ABSENT
    world.attendance_b.save()
    client.force_login(world.town_editor)
    response = client.post(
        admin_url("liaison.Activity", "change", activity.pk),
        _activity_data(activity, [], date=future().isoformat()),
    )
    assert response.status_code == 200
    assert tr(FUTURE_MOVE) in page_text(response)
    text = page_text(response)
    assert world.rep_b.name not in text
    activity.refresh_from_db()
    assert activity.date == PAST


def test_staff_who_see_no_attendance_cannot_move_the_activity_into_the_future(client, world):
    activity = world.activity
    user = make_staff(
        group=staff_group("activity editors", {"liaison": {"activity": ["view", "change"]}})
    )
    client.force_login(user)
    data = {k: v for k, v in _activity_data(activity, []).items() if "attendances" not in k}
    response = client.post(
        admin_url("liaison.Activity", "change", activity.pk), {**data, "date": future().isoformat()}
    )
    assert response.status_code == 200
    assert "date" in response.context["adminform"].form.errors
    assert tr(FUTURE_MOVE) in page_text(response)
    activity.refresh_from_db()
    assert activity.date == PAST
    # Another date in the past is fine.
    response = client.post(
        admin_url("liaison.Activity", "change", activity.pk), {**data, "date": "2025-01-11"}
    )
    assert response.status_code == 302


# --- listed twice ---------------------------------------------------------------------------


def test_a_representative_listed_twice_on_an_activity_is_told_in_words(client, world):
    rep = world.rep_a
    client.force_login(world.superuser)
    rows = [{"representative": rep.pk, "status": "present"}] * 2
    response = client.post(
        admin_url("liaison.Activity", "add"), _activity_data(_new_activity(date=PAST), rows)
    )
    assert response.status_code == 200
    errors = [str(e) for e in _inline(response).non_form_errors()]
    assert errors == [tr(ACTIVITY_DUPLICATE)]
    assert tr(ACTIVITY_DUPLICATE) in page_text(response)


def test_a_representative_listed_twice_on_a_duty_day_is_told_in_words(client, world):
    rep = world.rep_a
    client.force_login(world.superuser)
    rows = [{"representative": rep.pk}, {"representative": rep.pk}]
    data = duty_day_data(world.station_a, PAST, rows)
    response = client.post(admin_url("liaison.DutyDay", "add"), data)
    assert response.status_code == 200
    errors = [str(e) for e in _inline(response).non_form_errors()]
    assert errors == [tr(DUTY_DAY_DUPLICATE)]
    assert not DutyDay.objects.exists()
