"""A station's legal-service room (信访+法律咨询, issue #11): its card with the opening hours
on the public page, the hours in the stations' spreadsheet, and legal workers' logins and
the joint reception's other participants in the administration."""

import pytest
import tablib
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from liaison.imports import StationResource
from liaison.models import Activity, ActivityGuest, StaffScope, Station
from liaison.roles import roles_for
from tests.base import make_county_staff, make_station, make_user
from tests.helpers import admin_form_data, admin_url, in_site_language, page_text, tr

pytestmark = pytest.mark.django_db

HOURS = "每周二、周四 9:00–12:00"


def test_a_station_with_a_legal_room_shows_its_card_with_the_hours(client):
    station = make_station(
        has_legal_service_room=True, legal_room_hours=HOURS, contact_phone="0914-4321002"
    )
    response = client.get(station.get_absolute_url())
    assert response.status_code == 200
    text = page_text(response)
    assert tr("Legal-service room") in text
    assert tr("Legal advice hours") in text and HOURS in text
    assert "0914-4321002" in text
    # The old yes/no row is gone.
    assert tr("Yes: a legal worker receives visitors with the representatives.") not in text


def test_a_station_without_a_legal_room_shows_no_card(client):
    station = make_station(legal_room_hours=HOURS)
    text = page_text(client.get(station.get_absolute_url()))
    assert tr("Legal-service room") not in text and HOURS not in text


def test_the_public_page_shows_new_hours_at_once(client):
    station = make_station(has_legal_service_room=True, legal_room_hours=HOURS)
    client.get(station.get_absolute_url())  # cached for anonymous visitors
    station.legal_room_hours = "每周五 14:30–17:30"
    station.save(update_fields=["legal_room_hours"])
    assert "每周五 14:30–17:30" in page_text(client.get(station.get_absolute_url()))


def test_the_stations_spreadsheet_carries_the_hours_both_ways():
    station = make_station(has_legal_service_room=True, legal_room_hours=HOURS)
    resource = StationResource()
    exported = resource.export(Station.objects.filter(pk=station.pk))
    header = in_site_language(StationResource.fields["legal_room_hours"].column_name)
    assert exported.headers.count(header) == 1
    assert exported.dict[0][header] == HOURS
    rows = tablib.Dataset(headers=exported.headers)
    row = dict(exported.dict[0])
    row[header] = "每月1日 9:00–11:00"
    rows.append([row[h] for h in exported.headers])
    result = resource.import_data(rows, dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    station.refresh_from_db()
    assert station.legal_room_hours == "每月1日 9:00–11:00"


@pytest.fixture
def county_client(client):
    staff = make_county_staff("county_admin")
    staff.user_permissions.add(
        *Permission.objects.filter(
            codename__in=[
                "add_staffscope",
                "change_staffscope",
                "view_staffscope",
                "view_user",
                "change_activity",
                "view_activity",
                "add_activityguest",
                "change_activityguest",
                "view_activityguest",
                "delete_activityguest",
            ]
        )
    )
    client.force_login(staff)  # verified: tests/conftest.py
    return client


def test_county_staff_make_a_legal_workers_login_in_the_admin(county_client):
    user = make_user("falv")
    station = make_station(has_legal_service_room=True)
    response = county_client.post(
        admin_url(StaffScope, "add"),
        {"user": user.pk, "level": StaffScope.Level.LEGAL, "station": station.pk},
    )
    assert response.status_code == 302, page_text(response)[:500]
    roles = roles_for(user)
    assert roles.legal_worker and roles.legal_station_id == station.pk


def test_a_legal_worker_with_a_town_is_refused_in_chinese(county_client):
    user = make_user("falv")
    town = make_station().town
    response = county_client.post(
        admin_url(StaffScope, "add"), {"user": user.pk, "level": "legal", "town": town.pk}
    )
    assert response.status_code == 200
    assert "请不要选择乡镇" in page_text(response)
    assert not StaffScope.objects.filter(user=user).exists()


def test_a_joint_receptions_page_takes_the_other_participants(county_client):
    reception = Activity.objects.create(
        kind=Activity.Kind.JOINT_RECEPTION, title="联合接访", date=timezone.localdate()
    )
    response = county_client.get(admin_url(Activity, "change", reception.pk))
    assert response.status_code == 200
    assert tr("other participants (not representatives)") in page_text(response)
    assert 'name="guests-0-post"' in response.content.decode()
    other = Activity.objects.create(
        kind=Activity.Kind.LECTURE, title="人大讲堂", date=timezone.localdate()
    )
    response = county_client.get(admin_url(Activity, "change", other.pk))
    assert 'name="guests-0-post"' not in response.content.decode()


def test_county_staff_add_a_joint_reception_with_its_participants(county_client):
    staff = StaffScope.objects.get(level="county").user
    staff.user_permissions.add(*Permission.objects.filter(codename="add_activity"))
    url = admin_url(Activity, "add") + "?kind=joint_reception"
    assert 'name="guests-0-name"' in county_client.get(url).content.decode()
    data = admin_form_data(
        {
            "kind": "joint_reception",
            "title": "县信访大厅联合接访",
            "date": timezone.localdate().isoformat(),
            "place": "县信访大厅",
            "attendances-TOTAL_FORMS": "0",
            "attendances-INITIAL_FORMS": "0",
        },
        "guests",
        [
            {"kind": "vice_director", "name": "赵德明", "post": "县人大常委会副主任"},
            {"kind": "department_head", "name": "孙海涛", "post": "县人社局局长"},
        ],
    )
    response = county_client.post(url, data)
    assert response.status_code == 302, page_text(response)[:800]
    reception = Activity.objects.get(kind=Activity.Kind.JOINT_RECEPTION)
    assert [str(g) for g in reception.guests.all()] == [
        "赵德明（县人大常委会副主任）",
        "孙海涛（县人社局局长）",
    ]


def test_a_participant_reads_as_name_and_post():
    reception = Activity.objects.create(
        kind=Activity.Kind.JOINT_RECEPTION, title="联合接访", date=timezone.localdate()
    )
    guest = ActivityGuest.objects.create(
        activity=reception, name="赵副主任", post="县人大常委会副主任", kind="vice_director"
    )
    assert str(guest) == "赵副主任（县人大常委会副主任）"
    assert reverse("petitions:joint_receptions") == "/staff/joint-receptions/"
