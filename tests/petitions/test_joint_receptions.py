"""The monthly joint reception at the county petition hall (issue #11): an activity with its
roster (representatives as attendance, the others as guests) and the concerns received at
it; county staff's page /staff/joint-receptions/, linked from the administration's index."""

from datetime import date, timedelta

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from liaison.models import Activity, ActivityGuest
from petitions.intake_forms import IntakeForm
from points.models import Attendance
from tests.base import make_world
from tests.helpers import page_text, tr
from tests.petitions.legal_helpers import make_legal_worker, receive_at_hall

pytestmark = pytest.mark.django_db

URL = "/staff/joint-receptions/"


@pytest.fixture
def world():
    return make_world()


def _reception(world, on: date, *, title="县信访大厅联合接访", with_roster=True):
    reception = Activity.objects.create(
        kind=Activity.Kind.JOINT_RECEPTION, title=title, date=on, place="县信访大厅"
    )
    if with_roster:
        ActivityGuest.objects.create(
            activity=reception,
            name="赵副主任",
            post="县人大常委会副主任",
            kind=ActivityGuest.Kind.VICE_DIRECTOR,
        )
        ActivityGuest.objects.create(
            activity=reception, name="孙局长", post="县公安局局长", kind="department_head"
        )
        Attendance.objects.create(
            activity=reception, representative=world.rep_a, status=Attendance.Status.PRESENT
        )
    return reception


def test_county_staff_see_each_reception_with_its_roster_and_concerns(client, world):
    this_month = _reception(world, timezone.localdate())
    last_month = _reception(world, timezone.localdate() - timedelta(days=30), title="上月接访")
    received = receive_at_hall(world, source_activity=this_month, text="工资被拖欠三个月。")
    client.force_login(world.county)
    response = client.get(URL)
    assert response.status_code == 200
    assert list(response.context["page"].object_list) == [this_month, last_month]
    text = page_text(response)
    for words in (
        "赵副主任",
        "县人大常委会副主任",
        "孙局长",
        world.rep_a.name,
        received.tracking_no,
    ):
        assert words in text
    assert tr("Joint receptions at the petition hall") in text


@pytest.mark.parametrize(
    "who", ["town_staff_a", "station_staff_a", "rep_a_user", "unit_user", "legal", "not_staff"]
)
def test_anyone_but_county_staff_gets_404(client, world, who):
    _reception(world, timezone.localdate())
    if who == "legal":
        user = make_legal_worker("falv_hall")
    elif who == "not_staff":
        user = world.county
        user.is_staff = False
        user.save(update_fields=["is_staff"])
    else:
        user = getattr(world, who)
    client.force_login(user)
    assert client.get(URL).status_code == 404


def test_an_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert "login" in response["Location"]


@pytest.mark.parametrize("rows", [1, 12])
def test_it_renders_in_constant_queries(client, world, django_assert_num_queries, rows):
    for index in range(rows):
        reception = _reception(world, timezone.localdate() - timedelta(days=30 * index))
        receive_at_hall(world, source_activity=reception)
    client.force_login(world.county)
    client.get(URL)
    # session and user, roles (scope, representative, units), the admin frame's own (its
    # app list's permissions, the second factor), the page's count and rows, then guests,
    # attendance, representatives and concerns: the same for one reception and for twelve.
    with django_assert_num_queries(2 + 3 + 3 + 2 + 4):
        response = client.get(URL)
    assert len(response.context["page"].object_list) == rows


def test_the_admin_index_links_it_for_county_staff_only(client, world):
    world.county.user_permissions.add(Permission.objects.get(codename="view_activity"))
    client.force_login(world.county)
    assert URL in client.get(reverse("admin:index")).content.decode()
    world.town_staff_a.user_permissions.add(Permission.objects.get(codename="view_activity"))
    client.force_login(world.town_staff_a)
    assert URL not in client.get(reverse("admin:index")).content.decode()


def _intake_form(world, activity, channel="petition_hall"):
    return IntakeForm(
        data={
            "channel": channel,
            "received_on": timezone.localdate().isoformat(),
            "source_activity": activity.pk,
            "town": world.town_a.pk,
            "text": "邻里纠纷，需要法律帮助。",
        },
        user=world.county,
    )


def test_intake_takes_a_hall_concern_from_a_joint_reception(world):
    reception = _reception(world, timezone.localdate())
    form = _intake_form(world, reception)
    form.is_valid()
    assert "source_activity" not in form.errors


def test_intake_refuses_another_activity_at_the_hall_in_chinese(world):
    other = Activity.objects.create(
        kind=Activity.Kind.FACE_TO_FACE, title="代表·局长面对面", date=timezone.localdate()
    )
    form = _intake_form(world, other)
    assert not form.is_valid()
    assert form.errors["source_activity"] == [
        tr("At the petition hall, choose only a joint reception (or none).")
    ]
